"""What each role's home page shows, read from the other apps' selectors (no figure is defined here: FORMULAS.md).

A user has one role, and an agent's login may belong to any role: the sections are those that apply — the agent's own
quality when the login is an agent's, the queue for whoever can review, the team for a team lead, the operation for QA
leads and admins, the read-only overview for managers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from qadesk.accounts.models import Agent, Role, Team, User
from qadesk.analytics.selectors import GroupRow, quality_report
from qadesk.calibration.models import CalibrationScore, CalibrationSession, SessionStatus
from qadesk.calibration.selectors import calibration_results, calibration_session_list
from qadesk.disputes.models import Dispute, DisputeStatus
from qadesk.disputes.selectors import DisputeDashboard, dispute_dashboard, dispute_list, reviews_of_agent
from qadesk.reviews.models import AssignmentStatus, CoachingNote, Review, ReviewAssignment, ReviewStatus
from qadesk.reviews.selectors import QueueCounts, assignment_queue_counts, review_list
from qadesk.sampling.models import SamplingPlan
from qadesk.sampling.selectors import coverage_ratio, sampling_coverage, sampling_plan_list

TREND_WEEKS = 12  # the home page's quality figures cover the last twelve weeks, week by week
RECENT_DAYS = 7  # "recent" high-impact errors and finished assignments
LISTED = 5  # rows in each short list


@dataclass(frozen=True)
class Quality:
    """IQS (with n, interval and pass rate) over the home period, and its weekly trend, for one group of reviews."""

    totals: GroupRow
    trend: list[GroupRow]
    pass_mark: float
    date_from: date
    date_to: date
    query: str  # the quality report's query string for the same reviews


@dataclass(frozen=True)
class AgentHome:
    agent: Agent
    quality: Quality
    unread: int
    unread_reviews: list[Review]
    disputes_open: int
    disputes_escalated: int
    disputes: list[Dispute]
    coaching: list[CoachingNote]


@dataclass(frozen=True)
class CalibrationHome:
    to_score: list[dict[str, Any]]  # open sessions the user takes part in: session, scored, items
    last: dict[str, Any] | None  # the latest closed session's results: session, overall agreement, the user's own row


@dataclass(frozen=True)
class ReviewerHome:
    queue: QueueCounts
    done_recently: int
    submitted: int
    drafts: int
    calibration: CalibrationHome


@dataclass(frozen=True)
class TeamHome:
    team: Team
    quality: Quality
    agents: list[GroupRow]
    below: list[GroupRow]
    disputes_open: int
    disputes_escalated: int
    disputes_overdue: int
    coaching_due: list[Review]


@dataclass(frozen=True)
class OperationHome:
    plans: list[dict[str, Any]]  # plan, planned, done, coverage, overdue
    overdue_by_reviewer: list[dict[str, Any]]  # reviewer, open, overdue
    disputes: DisputeDashboard
    disputes_waiting: list[dict[str, Any]]  # dispute, age in days
    sessions_open: list[dict[str, Any]]
    last_session: dict[str, Any] | None
    quality: Quality
    high_impact: list[Review]


@dataclass(frozen=True)
class OverviewHome:
    quality: Quality
    teams: list[GroupRow]
    disputes: DisputeDashboard
    last_session: dict[str, Any] | None


@dataclass(frozen=True)
class HomeSections:
    agent: AgentHome | None = None
    reviewer: ReviewerHome | None = None
    team: TeamHome | None = None
    operation: OperationHome | None = None
    overview: OverviewHome | None = None
    empty: bool = field(default=False)


def home_sections(*, actor: User) -> HomeSections:
    """The sections of the actor's home page that apply to them."""
    agent = Agent.objects.filter(user=actor).first()
    sections = HomeSections(
        agent=agent_home(actor=actor, agent=agent) if agent is not None else None,
        reviewer=reviewer_home(actor=actor) if actor.can_review else None,
        team=team_home(actor=actor) if actor.role == Role.TEAM_LEAD and actor.team_id else None,
        operation=operation_home(actor=actor) if actor.role in {Role.QA_LEAD, Role.ADMIN} or actor.is_superuser else None,
        overview=overview_home(actor=actor) if actor.role == Role.MANAGER else None,
    )
    empty = not any((sections.agent, sections.reviewer, sections.team, sections.operation, sections.overview))
    return HomeSections(**{**sections.__dict__, "empty": empty})


def home_quality(*, actor: User, filters: dict[str, Any] | None = None) -> Quality:
    """The quality report by week over the last TREND_WEEKS weeks (from a Monday), for the reviews the actor sees."""
    today = timezone.localdate()
    date_from = today - timedelta(days=today.weekday(), weeks=TREND_WEEKS - 1)
    report = quality_report(actor=actor, by="period", period="week", date_from=date_from, date_to=today, filters=filters or {})
    query = {"by": "period", "period": "week", "date_from": date_from.isoformat(), "date_to": today.isoformat()}
    query.update({k: str(v) for k, v in (filters or {}).items()})
    return Quality(
        totals=report.totals,
        trend=report.groups,
        pass_mark=report.pass_mark,
        date_from=date_from,
        date_to=today,
        query="&".join(f"{k}={v}" for k, v in query.items()),
    )


def agent_home(*, actor: User, agent: Agent) -> AgentHome:
    """The agent's own quality, reviews not yet read, disputes they raised and coaching notes."""
    own = reviews_of_agent(actor=actor)
    unread = own.filter(acknowledged_at__isnull=True)
    disputes = dispute_list(actor=actor).filter(raised_by=actor)
    notes = CoachingNote.objects.filter(review__in=own).select_related("author", "review__interaction")
    return AgentHome(
        agent=agent,
        quality=home_quality(actor=actor, filters={"agent": agent.pk}),
        unread=unread.count(),
        unread_reviews=list(unread[:LISTED]),
        disputes_open=dispute_list(actor=actor, filters={"status": DisputeStatus.OPEN}).count(),
        disputes_escalated=dispute_list(actor=actor, filters={"status": DisputeStatus.ESCALATED}).count(),
        disputes=list(disputes.exclude(status=DisputeStatus.DECIDED)[:LISTED]),
        coaching=list(notes.order_by("-created_at", "-pk")[:LISTED]),
    )


def reviewer_home(*, actor: User) -> ReviewerHome:
    """The reviewer's queue, what they finished lately, their reviews, and calibration."""
    since = timezone.now() - timedelta(days=RECENT_DAYS)
    done = ReviewAssignment.objects.filter(reviewer=actor, status=AssignmentStatus.DONE, done_at__gte=since)
    return ReviewerHome(
        queue=assignment_queue_counts(actor=actor),
        done_recently=done.count(),
        submitted=review_list(actor=actor, filters={"reviewer": actor.pk, "status": ReviewStatus.SUBMITTED}).count(),
        drafts=review_list(actor=actor, filters={"reviewer": actor.pk, "status": ReviewStatus.DRAFT}).count(),
        calibration=calibration_home(actor=actor),
    )


def calibration_home(*, actor: User) -> CalibrationHome:
    """Open sessions the actor still has to score, and their figures in the latest closed session they scored."""
    mine = calibration_session_list(actor=actor).filter(participants=actor)
    to_score = []
    for session in mine.filter(status=SessionStatus.OPEN).annotate(n_items=Count("items", distinct=True)):
        scored = CalibrationScore.objects.filter(session=session, reviewer=actor).count()
        if scored < session.n_items:  # type: ignore[attr-defined]
            to_score.append({"session": session, "scored": scored, "items": session.n_items})  # type: ignore[attr-defined]
    last = mine.filter(status=SessionStatus.CLOSED, scores__reviewer=actor).order_by("-closed_at", "-pk").first()
    return CalibrationHome(to_score=to_score, last=_session_summary(session=last, actor=actor) if last else None)


def _session_summary(*, session: CalibrationSession, actor: User) -> dict[str, Any]:
    """A session's overall agreement (calibration_results) and, when the actor scored it, their own row."""
    results = calibration_results(session=session, actor=actor)
    own = next((r for r in results["reviewers"] if r["reviewer"] == actor.username), None)
    return {
        "session": session,
        "percent_agreement": results["overall"]["percent_agreement"],
        "score_alpha": results["overall"]["review_score"]["alpha"],
        "reviewers": len(results["reviewers"]),
        "own": own,
    }


def team_home(*, actor: User) -> TeamHome:
    """The team lead's team: IQS per agent with intervals, who is below the pass mark, disputes, coaching due."""
    team = Team.objects.get(pk=actor.team_id or 0)
    quality = home_quality(actor=actor, filters={"team": team.pk})
    by_agent = quality_report(
        actor=actor, by="agent", date_from=quality.date_from, date_to=quality.date_to, filters={"team": team.pk}
    ).groups
    below = [g for g in by_agent if g.iqs is not None and g.iqs < quality.pass_mark]
    return TeamHome(
        team=team,
        quality=quality,
        agents=by_agent,
        below=below,
        disputes_open=dispute_list(actor=actor, filters={"status": DisputeStatus.OPEN, "team": team.pk}).count(),
        disputes_escalated=dispute_list(actor=actor, filters={"status": DisputeStatus.ESCALATED, "team": team.pk}).count(),
        disputes_overdue=dispute_list(actor=actor, filters={"overdue": True, "team": team.pk}).count(),
        coaching_due=coaching_due(actor=actor, team=team, since=quality.date_from),
    )


def coaching_due(*, actor: User, team: Team, since: date) -> list[Review]:
    """The team's reviews since `since` that did not pass (score below the pass mark) and have no coaching note yet."""
    from qadesk.accounts.models import OrgSettings

    pass_mark = OrgSettings.load().pass_mark
    reviews = review_list(actor=actor, filters={"status": ReviewStatus.SUBMITTED}).filter(
        agent__team=team, score__lt=pass_mark, submitted_at__date__gte=since, coaching_notes__isnull=True
    )
    return list(reviews.order_by("-submitted_at", "-pk")[:LISTED])


def operation_home(*, actor: User) -> OperationHome:
    """The QA lead's operation: sampling done vs planned, overdue assignments, disputes waiting, calibration, quality."""
    now = timezone.now()
    return OperationHome(
        plans=[_plan_progress(plan, now) for plan in sampling_plan_list(actor=actor).filter(is_active=True)],
        overdue_by_reviewer=_open_by_reviewer(now),
        disputes=dispute_dashboard(actor=actor),
        disputes_waiting=[
            {"dispute": d, "age_days": (now - d.created_at).days}
            for d in dispute_list(actor=actor).exclude(status=DisputeStatus.DECIDED).order_by("created_at", "pk")[:LISTED]
        ],
        sessions_open=_sessions_open(actor=actor),
        last_session=_last_closed(actor=actor),
        quality=home_quality(actor=actor),
        high_impact=list(
            review_list(actor=actor, filters={"status": ReviewStatus.SUBMITTED})
            .filter(high_impact_errors__gt=0, submitted_at__gte=now - timedelta(days=RECENT_DAYS))
            .order_by("-submitted_at", "-pk")[:LISTED]
        ),
    )


def _plan_progress(plan: SamplingPlan, now: datetime) -> dict[str, Any]:
    """Done against planned over every run of the plan (sampling_coverage, summed over its agents)."""
    rows = sampling_coverage(plan=plan)["groups"].get("agent", [])
    planned, done = sum(r["planned"] for r in rows), sum(r["done"] for r in rows)
    overdue = ReviewAssignment.objects.filter(sampling_item__run__plan=plan, status=AssignmentStatus.OPEN, due_at__lt=now).count()
    return {
        "plan": plan,
        "planned": planned,
        "done": done,
        "coverage": coverage_ratio(done, planned),
        "overdue": overdue,
    }


def _open_by_reviewer(now: datetime) -> list[dict[str, Any]]:
    """Open assignments per reviewer and how many of them are overdue: due before now, as assignment_due_state says."""
    rows = (
        ReviewAssignment.objects.filter(status=AssignmentStatus.OPEN)
        .values("reviewer_id")
        .annotate(open=Count("pk"), overdue=Count("pk", filter=Q(due_at__lt=now)))
        .order_by("-overdue", "-open")
    )
    names = {u.pk: u for u in User.objects.filter(pk__in=[r["reviewer_id"] for r in rows])}
    return [{"reviewer": names[r["reviewer_id"]], "open": r["open"], "overdue": r["overdue"]} for r in rows]


def _sessions_open(*, actor: User) -> list[dict[str, Any]]:
    """Open sessions with how many of the participants have scored every item."""
    sessions = calibration_session_list(actor=actor).filter(status=SessionStatus.OPEN)
    out = []
    for session in sessions.annotate(n_items=Count("items", distinct=True), n_people=Count("participants", distinct=True)):
        per_person = CalibrationScore.objects.filter(session=session).values("reviewer_id").annotate(n=Count("pk"))
        finished = sum(1 for row in per_person if row["n"] >= session.n_items)  # type: ignore[attr-defined]
        out.append({"session": session, "finished": finished, "participants": session.n_people})  # type: ignore[attr-defined]
    return out


def _last_closed(*, actor: User) -> dict[str, Any] | None:
    session = calibration_session_list(actor=actor).filter(status=SessionStatus.CLOSED).order_by("-closed_at", "-pk").first()
    return _session_summary(session=session, actor=actor) if session else None


def overview_home(*, actor: User) -> OverviewHome:
    """The manager's read-only overview: quality and its trend, teams with intervals, disputes, calibration."""
    quality = home_quality(actor=actor)
    teams = quality_report(actor=actor, by="team", date_from=quality.date_from, date_to=quality.date_to).groups
    return OverviewHome(
        quality=quality, teams=teams, disputes=dispute_dashboard(actor=actor), last_session=_last_closed(actor=actor)
    )
