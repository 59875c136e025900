"""Read side of competence: the rating per agent, team and site, and training against results (docs/competence.md).

A handful of grouped queries feed the pure functions in figures.py; the benchmarks (the organisation's median) are
taken over every active agent, so a rating does not depend on who looks at it, and only then cut to what the actor may
see (querysets.agents_visible_filter)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import cast

from django.db.models import Avg, Count, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce, TruncDate
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from qadesk.accounts.models import Agent, User
from qadesk.competence import figures
from qadesk.competence.models import BenchmarkMode, CompetenceSettings, Completion, Course, TrainingSession
from qadesk.competence.querysets import agents_visible_filter
from qadesk.core.days import day_start, next_day_start
from qadesk.core.errors import ApplicationError
from qadesk.core.i18n import pick
from qadesk.interactions.models import Interaction
from qadesk.reviews.models import Rating, Review
from qadesk.scorecards.models import Criterion
from qadesk.surveys.models import SurveyAnswer

DEFAULT_DAYS = 90
GROUPINGS = ("agent", "team", "site")
RESULTS = ("iqs", "csat", "productivity")
CSAT_QUESTION = "csat"  # the shipped post-contact survey's overall satisfaction question (1–5)


@dataclass(frozen=True)
class CourseRef:
    code: str
    name: str
    days: float


@dataclass
class AgentCompetence:
    """One agent's rating, its parts and where the points go."""

    agent_id: int
    name: str
    team: str
    site: str
    rating: figures.Rating
    criteria_mean: float | None = None
    criteria_n: int = 0
    survey_mean: float | None = None
    survey_n: int = 0
    required: list[CourseRef] = field(default_factory=list)
    missing: list[CourseRef] = field(default_factory=list)
    losses: list[figures.CriterionLoss] = field(default_factory=list)
    courses_for_losses: dict[str, list[CourseRef]] = field(default_factory=dict)
    criterion_titles: dict[str, str] = field(default_factory=dict)

    @property
    def loss_rows(self) -> list[tuple[figures.CriterionLoss, str, list[CourseRef]]]:
        """Each loss with the criterion's title and the courses that cover it (for templates)."""
        return [
            (loss, self.criterion_titles.get(loss.code, loss.code), self.courses_for_losses.get(loss.code, []))
            for loss in self.losses
        ]


@dataclass(frozen=True)
class GroupRow:
    """A team's or site's mean parts and rating over its agents (n = agents with a rating)."""

    label: str
    training_score: float | None
    delivery_score: float | None
    rating: float | None
    n: int
    below: int


@dataclass
class CompetenceReport:
    date_from: date
    date_to: date
    mode: str
    training_benchmark: float | None
    delivery_benchmark: float | None
    agents: list[AgentCompetence]
    teams: list[GroupRow]
    sites: list[GroupRow]
    overall: float | None

    @property
    def below(self) -> list[AgentCompetence]:
        return sorted((a for a in self.agents if a.rating.below_benchmark), key=lambda a: a.rating.value or 0.0)


def period(date_from: date | None, date_to: date | None) -> tuple[date, date]:
    """The period asked for, by default the last 90 days to today; an inverted period is refused."""
    end = date_to or timezone.localdate()
    start = date_from or end - timedelta(days=DEFAULT_DAYS - 1)
    if start > end:
        raise ApplicationError(_("The period starts after it ends."))
    return start, end


def _catalogue() -> list[tuple[Course, set[int]]]:
    """The active courses with the ids of the teams each is required for (two queries)."""
    return [
        (c, {t.pk for t in c.required_teams.all()})
        for c in Course.objects.filter(is_active=True).prefetch_related("required_teams")
    ]


@dataclass(frozen=True)
class _AgentRow:
    """What the report needs of an agent, read as one tuple per agent (no model instances)."""

    pk: int
    team_id: int | None
    role: str
    name: str
    team: str
    site: str


def _agents() -> list[_AgentRow]:
    """The active human agents with their role (an agent without login: "agent"), name, team and site (one query)."""
    rows = Agent.objects.filter(is_active=True, is_bot=False).values_list(
        "pk",
        "team_id",
        "username",
        "display_name",
        "user_id",
        "user__role",
        "user__first_name",
        "user__last_name",
        "team__name",
        "site__name",
    )
    out = []
    for pk, team_id, username, display_name, user_id, role, first, last, team, site in rows:
        full = f"{first} {last}".strip() if user_id else ""  # User.get_full_name()
        name = full or display_name or username  # _agent_name: the login's full name, else str(agent)
        out.append(_AgentRow(pk, team_id, role if user_id else "agent", name, team or "", site or ""))
    return out


def _requirements(agents: list[_AgentRow], catalogue: list[tuple[Course, set[int]]]) -> dict[int, list[CourseRef]]:
    """Each agent's required courses: active courses required for their role (an agent without login: "agent") or team;
    worked out once per (role, team) pair."""
    refs = [(CourseRef(c.code, c.name, float(c.days)), set(c.required_roles or []), teams) for c, teams in catalogue]
    by_pair: dict[tuple[str, int | None], list[CourseRef]] = {}
    required: dict[int, list[CourseRef]] = {}
    for agent in agents:
        pair = (agent.role, agent.team_id)
        if pair not in by_pair:
            by_pair[pair] = [ref for ref, roles, teams in refs if agent.role in roles or agent.team_id in teams]
        required[agent.pk] = list(by_pair[pair])
    return required


def _valid_courses(end: date) -> dict[int, frozenset[str]]:
    """Per agent, the codes of the courses with a completion valid on `end` (done by then, not expired): all the
    training score and the missing courses look at (figures.Completion.valid_on, in SQL)."""
    rows = (
        Completion.objects.filter(completed_on__lte=end)
        .filter(Q(expires_on__isnull=True) | Q(expires_on__gte=end))
        .order_by()  # Completion's default ordering would add its fields to the DISTINCT: one row per completion
        .values_list("agent_id", "course__code")
        .distinct()
    )
    by_agent: dict[int, set[str]] = defaultdict(set)
    for agent_id, code in rows:
        by_agent[agent_id].add(code)
    return {agent_id: frozenset(codes) for agent_id, codes in by_agent.items()}


def _training(required: list[CourseRef], valid: frozenset[str], end: date) -> tuple[float | None, set[str]]:
    """The training score and the missing course codes for one set of required courses and valid completions."""
    needed = [figures.RequiredCourse(c.code, c.days) for c in required]
    done = [figures.Completion(code, end) for code in sorted(valid)]  # valid on `end` by construction
    return figures.training_score(needed, done, on=end), set(figures.missing_courses(needed, done, on=end))


def _criteria(start: date, end: date) -> dict[int, dict[str, tuple[float, int]]]:
    """Per agent and competence criterion code: mean criterion score and how many ratings, on submitted reviews."""
    rows = (
        Rating.objects.filter(
            criterion__competence=True,
            score__isnull=False,
            review__status="submitted",
            review__submitted_at__gte=day_start(start),
            review__submitted_at__lt=next_day_start(end),
        )
        .order_by()  # no join for Criterion's default ordering (section, position): only the grouped sums
        .values_list("review__agent_id", "criterion__code")
        .annotate(total=Sum("score"), n=Count("id"))
    )
    out: dict[int, dict[str, tuple[float, int]]] = defaultdict(dict)
    for agent_id, code, total, n in rows:
        out[agent_id][code] = (float(total) / n, n)
    return out


def _survey(start: date, end: date, code: str) -> dict[int, tuple[float, int]]:
    """Per agent (the interaction's agent): mean answer to the competence question and how many answers."""
    rows = (
        SurveyAnswer.objects.filter(
            question__code=code,
            value__isnull=False,
            response__interaction__agent_id__isnull=False,
            response__started_at__gte=day_start(start),
            response__started_at__lt=next_day_start(end),
        )
        .values_list("response__interaction__agent_id")
        .annotate(mean=Avg("value"), n=Count("id"))
    )
    return {agent_id: (float(mean), n) for agent_id, mean, n in rows}


def _agent_name(agent: Agent) -> str:
    if agent.user_id and agent.user and agent.user.get_full_name():
        return agent.user.get_full_name()
    return str(agent)


def competence_report(*, actor: User, date_from: date | None = None, date_to: date | None = None) -> CompetenceReport:
    """The competence rating of every agent `actor` may see, with team and site views (docs/competence.md).

    A fixed number of queries whatever the number of agents: agents as tuples, the catalogue, the valid completions,
    the competence ratings grouped by agent and criterion, the survey answers grouped by agent, the losses' titles."""
    start, end = period(date_from, date_to)
    options = CompetenceSettings.load()
    agents = _agents()
    catalogue = _catalogue()
    required = _requirements(agents, catalogue)
    valid = _valid_courses(end)
    criteria = _criteria(start, end)
    survey = _survey(start, end, options.survey_question_code)
    parts: dict[int, _Parts] = {}
    trained: dict[tuple[str, int | None, frozenset[str]], tuple[float | None, set[str]]] = {}
    for agent in agents:
        per_code = criteria.get(agent.pk, {})
        n = sum(count for _mean, count in per_code.values())
        criteria_mean = sum(mean * count for mean, count in per_code.values()) / n if n else None
        survey_mean, survey_n = survey.get(agent.pk, (None, 0))
        # Agents with the same requirements — the same (role, team), _requirements — and valid courses share the figures.
        key = (agent.role, agent.team_id, valid.get(agent.pk, frozenset()))
        if key not in trained:
            trained[key] = _training(required[agent.pk], key[2], end)
        training, missing = trained[key]
        parts[agent.pk] = _Parts(
            training=training,
            delivery=figures.delivery_score(criteria_mean, survey_mean),
            criteria_mean=criteria_mean,
            criteria_n=n,
            survey_mean=survey_mean,
            survey_n=survey_n,
            missing=missing,
            losses=figures.losses(per_code),
        )
    if options.mode == BenchmarkMode.ORGANISATION:
        training_benchmark = figures.organisation_benchmark(p.training for p in parts.values())
        delivery_benchmark = figures.organisation_benchmark(p.delivery for p in parts.values())
    else:
        training_benchmark, delivery_benchmark = options.training_benchmark, options.delivery_benchmark
    visible = _visible_ids(actor, [a.pk for a in agents])
    covering = _courses_by_criterion(catalogue)
    titles = _titles({loss.code for pk in visible for loss in parts[pk].losses})
    rows: list[AgentCompetence] = []
    for agent in agents:
        if agent.pk not in visible:
            continue
        part = parts[agent.pk]
        rows.append(
            AgentCompetence(
                agent_id=agent.pk,
                name=agent.name,
                team=agent.team,
                site=agent.site,
                rating=figures.rating(
                    part.training, part.delivery, training_benchmark=training_benchmark, delivery_benchmark=delivery_benchmark
                ),
                criteria_mean=part.criteria_mean,
                criteria_n=part.criteria_n,
                survey_mean=part.survey_mean,
                survey_n=part.survey_n,
                required=required[agent.pk],
                missing=[c for c in required[agent.pk] if c.code in part.missing],
                losses=part.losses,
                courses_for_losses={loss.code: covering.get(loss.code, []) for loss in part.losses},
                criterion_titles={loss.code: titles.get(loss.code, loss.code) for loss in part.losses},
            )
        )
    rows.sort(key=lambda a: a.name.lower())
    overall_values = [a.rating.value for a in rows if a.rating.value is not None]
    return CompetenceReport(
        date_from=start,
        date_to=end,
        mode=options.mode,
        training_benchmark=training_benchmark,
        delivery_benchmark=delivery_benchmark,
        agents=rows,
        teams=_groups(rows, "team"),
        sites=_groups(rows, "site"),
        overall=sum(overall_values) / len(overall_values) if overall_values else None,
    )


@dataclass(frozen=True)
class _Parts:
    """One agent's scores and where the points go, worked out once before the benchmark is known."""

    training: float | None
    delivery: float | None
    criteria_mean: float | None
    criteria_n: int
    survey_mean: float | None
    survey_n: int
    missing: set[str]
    losses: list[figures.CriterionLoss]


def _visible_ids(actor: User, agent_ids: list[int]) -> set[int]:
    """The ids among `agent_ids` that `actor` may see (no query for those who see everyone)."""
    rule = agents_visible_filter(actor)
    if rule is None:
        return set()
    if actor.sees_everything:
        return set(agent_ids)
    return set(Agent.objects.filter(rule).values_list("pk", flat=True))


def _titles(codes: set[str]) -> dict[str, str]:
    """The criteria's titles in the user's language, by code (the newest version's wording wins)."""
    if not codes:
        return {}
    rows = Criterion.objects.filter(competence=True, code__in=codes).order_by("pk").values_list("code", "title")
    return {code: pick(title) for code, title in rows}


def _courses_by_criterion(catalogue: list[tuple[Course, set[int]]]) -> dict[str, list[CourseRef]]:
    covering: dict[str, list[CourseRef]] = defaultdict(list)
    for course, _teams in catalogue:
        for code in course.criterion_codes or []:
            covering[code].append(CourseRef(course.code, course.name, float(course.days)))
    return covering


def _groups(rows: list[AgentCompetence], key: str) -> list[GroupRow]:
    by_label: dict[str, list[AgentCompetence]] = defaultdict(list)
    for a in rows:
        by_label[getattr(a, key)].append(a)
    out = []
    for label in sorted(by_label):
        members = by_label[label]
        training = figures.group_means((label, a.rating.training_score) for a in members)[label][0]
        delivery = figures.group_means((label, a.rating.delivery_score) for a in members)[label][0]
        value, n = figures.group_means((label, a.rating.value) for a in members)[label]
        out.append(GroupRow(label, training, delivery, value, n, sum(1 for a in members if a.rating.below_benchmark)))
    return out


def competence_agent(
    *, actor: User, agent_id: int, date_from: date | None = None, date_to: date | None = None
) -> AgentCompetence:
    """One agent's rating and parts; 404 when the actor may not see that agent."""
    rule = agents_visible_filter(actor)
    if rule is None or not Agent.objects.filter(rule, pk=agent_id).exists():
        raise Http404
    report = competence_report(actor=actor, date_from=date_from, date_to=date_to)
    for row in report.agents:
        if row.agent_id == agent_id:
            return row
    raise Http404


def competence_overall(period_start: date, period_end: date) -> float | None:
    """The organisation's mean competence rating over the period (every active agent with a rating; 100 = at the
    benchmark), for the executive summary; None when no agent has both parts."""
    system = User(username="system", role="admin", is_superuser=True)
    return competence_report(actor=system, date_from=period_start, date_to=period_end).overall


def completion_list(*, actor: User, agent_id: int | None = None) -> QuerySet[Completion]:
    """The completions `actor` may see, newest first, optionally of one agent."""
    rows = Completion.objects.visible_to(actor).select_related("agent", "course")
    return rows.filter(agent_id=agent_id) if agent_id else rows


def training_session_list(*, actor: User) -> QuerySet[TrainingSession]:
    """The sessions `actor` may see, latest start first, each with `completions`: how many of the completions `actor`
    may see were recorded for it."""
    recorded = (
        Completion.objects.visible_to(actor)
        .filter(session=OuterRef("pk"))
        .order_by()
        .values("session")
        .annotate(n=Count("id"))
        .values("n")
    )
    rows = TrainingSession.objects.visible_to(actor).select_related("course")
    annotated = rows.annotate(completions=Coalesce(Subquery(recorded), 0)).order_by("-starts_on", "-id")
    return cast("QuerySet[TrainingSession]", annotated)  # the custom queryset's class is untyped (django-stubs)


# ---- training against results ------------------------------------------------------------------------------------


@dataclass
class TrainingResults:
    """Training days against IQS, CSAT and productivity over agents, and results before/after each course."""

    date_from: date
    date_to: date
    window_days: int
    agents: list[dict[str, float | int | str | None]]
    associations: dict[str, figures.Association]
    courses: list[dict[str, object]]


def _iqs(agent_ids: set[int], start: date, end: date) -> dict[int, float]:
    rows = (
        Review.objects.filter(
            agent_id__in=agent_ids,
            status="submitted",
            score__isnull=False,
            submitted_at__gte=day_start(start),
            submitted_at__lt=next_day_start(end),
        )
        .values_list("agent_id")
        .annotate(mean=Avg("score"))
    )
    return {agent_id: float(mean) for agent_id, mean in rows}


def _csat(agent_ids: set[int], start: date, end: date) -> dict[int, float]:
    rows = (
        SurveyAnswer.objects.filter(
            question__kind="csat",
            question__code=CSAT_QUESTION,
            value__isnull=False,
            response__interaction__agent_id__in=agent_ids,
            response__started_at__gte=day_start(start),
            response__started_at__lt=next_day_start(end),
        )
        .values_list("response__interaction__agent_id")
        .annotate(n=Count("id"), top=Count("id", filter=Q(value__gte=4)))
    )
    return {agent_id: 100.0 * top / n for agent_id, n, top in rows if n}


def _productivity(agent_ids: set[int], start: date, end: date) -> dict[int, float]:
    rows = (
        Interaction.objects.filter(agent_id__in=agent_ids, created_at__gte=day_start(start), created_at__lt=next_day_start(end))
        .annotate(day=TruncDate("created_at"))
        .values_list("agent_id", "day")
        .annotate(n=Count("id"))
    )
    totals: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for agent_id, _day, n in rows:
        totals[agent_id][0] += n
        totals[agent_id][1] += 1
    out = {}
    for agent_id, (n, days) in totals.items():
        value = figures.productivity(n, days)
        if value is not None:
            out[agent_id] = value
    return out


def training_results(
    *, actor: User, date_from: date | None = None, date_to: date | None = None, window_days: int = 30
) -> TrainingResults:
    """Per visible agent: training days completed by the period's end, IQS, CSAT and productivity in the period; r with
    its interval per result; per course the mean IQS change from the `window_days` before a completion to those after.
    Association only: agents who train may differ in other ways (docs/competence.md)."""
    if not 1 <= window_days <= 365:
        raise ApplicationError(_("The window must be 1 to 365 days."))
    start, end = period(date_from, date_to)
    rule = agents_visible_filter(actor)
    agents = [] if rule is None else list(Agent.objects.filter(rule, is_active=True, is_bot=False).select_related("user"))
    ids = {a.pk for a in agents}
    days_by_agent: dict[int, float] = defaultdict(float)
    seen: set[tuple[int, int]] = set()
    for agent_id, course_id, days in Completion.objects.filter(agent_id__in=ids, completed_on__lte=end).values_list(
        "agent_id", "course_id", "course__days"
    ):
        if (agent_id, course_id) not in seen:  # a course repeated (a renewed certificate) counts its days once
            seen.add((agent_id, course_id))
            days_by_agent[agent_id] += float(days)
    results = {"iqs": _iqs(ids, start, end), "csat": _csat(ids, start, end), "productivity": _productivity(ids, start, end)}
    rows: list[dict[str, float | int | str | None]] = [
        {
            "agent_id": a.pk,
            "name": _agent_name(a),
            "training_days": days_by_agent.get(a.pk, 0.0),
            **{key: values.get(a.pk) for key, values in results.items()},
        }
        for a in sorted(agents, key=lambda a: _agent_name(a).lower())
    ]
    associations = {
        key: figures.correlation([(float(r["training_days"] or 0), float(r[key])) for r in rows if r[key] is not None])  # type: ignore[arg-type]
        for key in RESULTS
    }
    return TrainingResults(start, end, window_days, rows, associations, _before_after(ids, start, end, window_days))


def _before_after(ids: set[int], start: date, end: date, window: int) -> list[dict[str, object]]:
    """Per course completed in the period: IQS in the window before the completion day vs the window from it on."""
    done = list(
        Completion.objects.filter(agent_id__in=ids, completed_on__gte=start, completed_on__lte=end).values_list(
            "agent_id", "course_id", "course__code", "course__name", "completed_on"
        )
    )
    if not done:
        return []
    reviews: dict[int, list[tuple[date, float]]] = defaultdict(list)
    for agent_id, submitted, score in Review.objects.filter(
        agent_id__in={d[0] for d in done},
        status="submitted",
        score__isnull=False,
        submitted_at__gte=day_start(start - timedelta(days=window)),
        submitted_at__lt=next_day_start(end + timedelta(days=window)),
    ).values_list("agent_id", "submitted_at", "score"):
        if submitted is not None and score is not None:
            reviews[agent_id].append((timezone.localdate(submitted), float(score)))
    pairs: dict[tuple[str, str], list[tuple[float, float]]] = defaultdict(list)
    for agent_id, _course_id, code, name, day in done:
        before = [s for d, s in reviews[agent_id] if day - timedelta(days=window) <= d < day]
        after = [s for d, s in reviews[agent_id] if day <= d < day + timedelta(days=window)]
        if before and after:
            pairs[(code, name)].append((sum(before) / len(before), sum(after) / len(after)))
        else:
            pairs.setdefault((code, name), [])
    return [
        {"code": code, "name": name, "result": figures.before_after(values)} for (code, name), values in sorted(pairs.items())
    ]
