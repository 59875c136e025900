"""Reading surveys: the list, the results (CSAT, NPS, CES, response rate, distributions, comments) and responses, each
over what the reader may see (SurveyResponse.objects.visible_to)."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import BigIntegerField, Case, CharField, Count, Exists, Q, QuerySet, Subquery, Sum, Value, When
from django.http import Http404
from django.utils.translation import gettext as _

from qadesk.accounts.models import OrgSettings, User
from qadesk.analytics.selectors.quality import _check_range, group_labels
from qadesk.audit.models import AuditEvent
from qadesk.core.errors import ApplicationError
from qadesk.core.i18n import pick
from qadesk.interactions.models import Interaction
from qadesk.surveys import figures
from qadesk.surveys.models import Question, Survey, SurveyAnswer, SurveyInvitation, SurveyResponse, VersionStatus

DIMENSIONS = ("agent", "team", "site", "channel", "label", "phase")
_COLUMNS = {
    "agent": "interaction__agent_id",
    "team": "interaction__team_id",
    "site": "interaction__site_id",
    "channel": "interaction__channel",
    "label": "interaction__label_id",
    "phase": "interaction__phase",
}
HEADLINE_KINDS = ("csat", "nps", "ces")
COMMENTS_SHOWN = 100


@dataclass(frozen=True)
class GroupFigures:
    """A group's figures: responses, CSAT, NPS, CES (each with n, interval, conclusive) and the response rate."""

    key: str
    label: str
    responses: int
    csat: figures.Figure | None
    nps: figures.NpsFigure | None
    ces: figures.Figure | None
    response_rate: figures.Figure | None


@dataclass(frozen=True)
class Distribution:
    """How the answers to one question spread: (value code, label, count, % of the question's answers)."""

    code: str
    text: str
    kind: str
    n: int
    rows: list[tuple[str, str, int, float]] = field(default_factory=list)


@dataclass(frozen=True)
class SurveyResults:
    survey: Survey
    by: str | None
    date_from: date | None
    date_to: date | None
    minimum_n: int
    headline: dict[str, str]  # kind → question code the figure is computed on
    overall: GroupFigures
    groups: list[GroupFigures]
    questions: list[Distribution]


def survey_list(*, actor: User) -> QuerySet[Survey]:
    """Every survey (definitions are not secret) with the number of responses the actor may see."""
    visible = SurveyResponse.objects.visible_to(actor).values("pk")
    return Survey.objects.annotate(n_responses=Count("responses", filter=Q(responses__in=visible)))


def survey_get(*, actor: User, survey_id: int) -> Survey:
    """A survey by id, or 404 (also for someone without a login)."""
    if not actor.is_authenticated:
        raise Http404
    survey = Survey.objects.filter(pk=survey_id).first()
    if survey is None:
        raise Http404
    return survey


def survey_responses(*, actor: User, survey: Survey, date_from: date | None, date_to: date | None) -> QuerySet[SurveyResponse]:
    """The survey's responses the actor may see, started within the days given (inclusive, local time)."""
    _check_range(date_from, date_to)
    responses = SurveyResponse.objects.visible_to(actor).filter(survey=survey)
    if date_from:
        responses = responses.filter(started_at__date__gte=date_from)
    if date_to:
        responses = responses.filter(started_at__date__lte=date_to)
    return responses


def _invitations(*, actor: User, survey: Survey, date_from: date | None, date_to: date | None) -> QuerySet[SurveyInvitation]:
    """Invitations sent in the period about interactions the actor may see (all of them for QA staff and managers)."""
    sent = SurveyInvitation.objects.filter(survey=survey, sent_at__isnull=False)
    if not (actor.sees_everything or actor.can_review):
        sent = sent.filter(interaction_id__in=Interaction.objects.visible_to(actor).values("pk"))
    if date_from:
        sent = sent.filter(sent_at__date__gte=date_from)
    if date_to:
        sent = sent.filter(sent_at__date__lte=date_to)
    return sent


def headline_questions(survey: Survey) -> dict[str, str]:
    """kind → the code of the published version's first question of that kind (CSAT, NPS, CES): the figure's question."""
    return _headline(_current_questions(survey))


def _current_questions(survey: Survey) -> list[Question]:
    """The questions of the published version (else the newest), in order: one query."""
    newest = survey.versions.order_by(
        Case(When(status=VersionStatus.PUBLISHED, then=Value(0)), default=Value(1)), "-number"
    ).values("pk")[:1]
    return list(Question.objects.filter(version_id=Subquery(newest)).order_by("position"))


def _headline(questions: list[Question]) -> dict[str, str]:
    found: dict[str, str] = {}
    for question in questions:
        if question.kind in HEADLINE_KINDS:
            found.setdefault(question.kind, question.code)
    return found


def _settings() -> tuple[int, bool]:
    """The organisation's minimum n and whether the survey rollup is built for today's time zone, in one query."""
    from django.conf import settings

    from qadesk.surveys.models import SurveyRollupState

    built = SurveyRollupState.objects.filter(time_zone=settings.TIME_ZONE)
    org: Any = OrgSettings.objects.filter(pk=1).annotate(rollup_built=Exists(built)).first()
    if org is None:  # not saved yet: made with its defaults
        return OrgSettings.load().minimum_n, built.exists()
    return org.minimum_n, bool(org.rollup_built)


def survey_results(
    *, actor: User, survey: Survey, by: str | None = None, date_from: date | None = None, date_to: date | None = None
) -> SurveyResults:
    """CSAT, NPS and CES with n, 95 % interval and conclusiveness, and the response rate, overall and per group (agent,
    team, site, channel, label or journey phase of the interaction answered about), plus each question's distribution.

    Read from the rollup of daily counts (surveys/rollup.py) when it answers for the reader (QA staff, managers, a team
    lead's team; not an agent's own customers, who follow the interactions they handled), else from the answers: the
    same counts either way, so the same figures (tests compare both)."""
    if by is not None and by not in DIMENSIONS:
        raise ApplicationError(_("Unknown grouping “{by}”; choose one of: {names}.").format(by=by, names=", ".join(DIMENSIONS)))
    _check_range(date_from, date_to)
    minimum_n, usable = _settings()
    questions = _current_questions(survey)
    headline = _headline(questions)
    cells = _rollup_cells(actor=actor, survey=survey, by=by, date_from=date_from, date_to=date_to, usable=usable)
    tallies = None if cells is None else _rollup_tallies(cells=cells, by=by, headline=headline)
    if tallies is None:
        tallies = _raw_tallies(actor=actor, survey=survey, by=by, date_from=date_from, date_to=date_to, headline=headline)
    overall = _group_figures("", _("All"), tallies.overall(), headline, minimum_n)
    groups: list[GroupFigures] = []
    if by is not None:
        keys = set(tallies.responses) | set(tallies.rates)
        names = group_labels(by=by, period="month", keys=[None if k == "" else _raw(k) for k in keys])
        groups = [_group_figures(k, names(_raw(k) if k != "" else None), tallies.of(k), headline, minimum_n) for k in keys]
        groups.sort(key=lambda g: (-g.responses, g.label.casefold()))
    return SurveyResults(
        survey=survey,
        by=by,
        date_from=date_from,
        date_to=date_to,
        minimum_n=minimum_n,
        headline=headline,
        overall=overall,
        groups=groups,
        questions=_distributions(questions, tallies.items),
    )


@dataclass
class _Tallies:
    """The counts the results are made of, per group key ("" for none, or the only key without a grouping): responses,
    headline ratings ({kind: {value: n}}), invitations (answered, sent); and per question (code, kind) each item's count
    over every group (`rollup.answer_items`: a rating's value, a choice's code, "" for every answer or text)."""

    responses: dict[str, int] = field(default_factory=dict)
    ratings: dict[str, dict[str, Counter[int]]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(Counter)))
    rates: dict[str, tuple[int, int]] = field(default_factory=dict)
    items: dict[tuple[str, str], Counter[str]] = field(default_factory=lambda: defaultdict(Counter))

    def of(self, key: str) -> tuple[int, dict[str, Counter[int]], tuple[int, int]]:
        return self.responses.get(key, 0), self.ratings.get(key, {}), self.rates.get(key, (0, 0))

    def overall(self) -> tuple[int, dict[str, Counter[int]], tuple[int, int]]:
        ratings: dict[str, Counter[int]] = defaultdict(Counter)
        for per_kind in self.ratings.values():
            for kind, counts in per_kind.items():
                ratings[kind].update(counts)
        rates = list(self.rates.values())
        return sum(self.responses.values()), ratings, (sum(r[0] for r in rates), sum(r[1] for r in rates))


def _raw_tallies(
    *, actor: User, survey: Survey, by: str | None, date_from: date | None, date_to: date | None, headline: dict[str, str]
) -> _Tallies:
    """The counts from the responses, answers and invitations the actor may see (one GROUP BY per figure)."""
    from qadesk.surveys.rollup import HAS_TEXT, answer_items

    responses = survey_responses(actor=actor, survey=survey, date_from=date_from, date_to=date_to)
    invitations = _invitations(actor=actor, survey=survey, date_from=date_from, date_to=date_to)
    answers = SurveyAnswer.objects.filter(response__in=responses.values("pk"))
    column = _COLUMNS[by] if by else None
    found = _Tallies()
    found.responses = {k: r["n"] for k, r in _grouped(responses, column, "", n=Count("id")).items()}
    for kind, code in headline.items():
        rated = answers.filter(question__kind=kind, question__code=code, value__isnull=False)
        answer_column = f"response__{column}" if column else None
        for r in rated.values(*([answer_column] if answer_column else []), "value").annotate(n=Count("id")).order_by():
            value = r.get(answer_column) if answer_column else ""
            found.ratings["" if value is None else str(value)][kind][r["value"]] += r["n"]
    sent = _grouped(invitations, column, "", n=Count("id"), answered=Count("id", filter=Q(response__isnull=False)))
    found.rates = {k: (r["answered"], r["n"]) for k, r in sent.items() if r["n"]}
    grouped = answers.annotate(has_text=HAS_TEXT).values("question__code", "question__kind", "value", "choices", "has_text")
    for r in grouped.annotate(n=Count("id")).order_by():
        for item in answer_items(r["question__kind"], r["value"], r["choices"], r["has_text"]):
            found.items[(r["question__code"], r["question__kind"])][item] += r["n"]
    return found


ROLLUP_COLUMNS = {
    "agent": "agent_id",
    "team": "team_id",
    "site": "site_id",
    "channel": "channel",
    "label": "label_id",
    "phase": "phase",
}


def _rollup_cells(
    *, actor: User, survey: Survey, by: str | None, date_from: date | None, date_to: date | None, usable: bool | None = None
) -> Q | None:
    """The rollup rows the results read for this actor, or None when the rollup does not answer for them (an agent sees
    the responses about the interactions they handled, which the rollup does not know; or it is not built). When it
    answers, its pending changes (one-click answers, PostgreSQL) are folded in first: it then counts every answer."""
    from qadesk.surveys.models import ROLLUP_LEVEL_AGENT, ROLLUP_LEVEL_ALL, ROLLUP_LEVEL_BY, ROLLUP_LEVEL_DAY
    from qadesk.surveys.rollup import survey_rollup_fold, survey_rollup_usable

    everything = actor.sees_everything or actor.can_review
    if not (everything or (actor.role == "team_lead" and actor.team_id)):
        return None
    if not (survey_rollup_usable() if usable is None else usable):
        return None
    # The smallest level that keeps what is grouped and filtered by: the day alone, or one dimension (the team for a
    # team lead's overall figures), or every dimension (a team lead's other groupings).
    if everything:
        level = ROLLUP_LEVEL_DAY if by is None else ROLLUP_LEVEL_AGENT if by == "agent" else ROLLUP_LEVEL_BY[by]
    else:
        level = ROLLUP_LEVEL_BY["team"] if by in (None, "team") else ROLLUP_LEVEL_ALL
    cells = Q(survey_id=survey.pk, level=level)
    if not everything:  # a team lead: the responses and invitations about their team's interactions
        cells &= Q(team_id=actor.team_id)
    if date_from:
        cells &= Q(day__gte=date_from)
    if date_to:
        cells &= Q(day__lte=date_to)
    survey_rollup_fold()
    return cells


def _rollup_tallies(*, cells: Q, by: str | None, headline: dict[str, str]) -> _Tallies:
    """The counts from the rollup rows `cells`: the three GROUP BY over daily counts (responses; answers per code, kind
    and item; invitations sent and answered) in one statement (UNION ALL), one round trip instead of three."""
    from qadesk.surveys.models import SurveyAnswerDay, SurveyInvitationDay, SurveyResponseDay

    column = ROLLUP_COLUMNS[by] if by else None
    group = [column] if column else []
    text = CharField()
    number = BigIntegerField()
    blank = {"code": Value("", output_field=text), "kind": Value("", output_field=text), "item": Value("", output_field=text)}

    columns = (*group, "code", "kind", "item", "t", "n", "m")

    def rows(model: Any, **figures: Any) -> QuerySet[Any]:
        return model.objects.filter(cells).values(*group).annotate(**figures).values_list(*columns).order_by()

    responses = rows(SurveyResponseDay, **blank, t=Value("r", output_field=text), n=Sum("responses"), m=Value(0, number))
    answers = (
        SurveyAnswerDay.objects.filter(cells)
        .values(*group, "code", "kind", "item")
        .annotate(t=Value("a", output_field=text), n=Sum("count"), m=Value(0, number))
        .values_list(*columns)
        .order_by()
    )
    invitations = rows(SurveyInvitationDay, **blank, t=Value("i", output_field=text), n=Sum("sent"), m=Sum("answered"))

    found = _Tallies()
    wanted = set(headline.items())
    for *grouped, code, kind, item, table, n, answered in responses.union(answers, invitations, all=True):
        value = grouped[0] if grouped else ""
        key = "" if value in (0, "", None) else str(value)
        if table == "r":
            found.responses[key] = found.responses.get(key, 0) + n
        elif table == "a":
            found.items[(code, kind)][item] += n
            if (kind, code) in wanted:
                found.ratings[key][kind][int(item)] += n
        else:
            was_answered, sent = found.rates.get(key, (0, 0))
            found.rates[key] = (was_answered + answered, sent + n)
    return found


def _raw(key: str) -> Any:
    return int(key) if key.isdigit() else key


def _group_figures(
    key: str,
    label: str,
    counted: tuple[int, dict[str, Counter[int]], tuple[int, int]],
    headline: dict[str, str],
    minimum_n: int,
) -> GroupFigures:
    """A group's figures from its counts: responses, ratings per headline kind, (answered, sent) invitations."""
    responses, per_kind, (answered, invited) = counted
    return GroupFigures(
        key=key,
        label=label,
        responses=responses,
        csat=figures.csat(per_kind.get("csat", {}), minimum_n=minimum_n) if "csat" in headline else None,
        nps=figures.nps(per_kind.get("nps", {}), minimum_n=minimum_n) if "nps" in headline else None,
        ces=figures.ces(per_kind.get("ces", {}), minimum_n=minimum_n) if "ces" in headline else None,
        response_rate=figures.response_rate(answered, invited) if invited else None,
    )


def _grouped(rows: QuerySet[Any], column: str | None, key: str, **aggregates: Any) -> dict[str, dict[str, Any]]:
    """Aggregates per value of `column` (keyed by its text, "" for none), or of all rows under `key`."""
    if column is None:
        return {key: rows.aggregate(**aggregates)}
    grouped = rows.values(column).annotate(**aggregates).order_by()
    return {("" if r[column] is None else str(r[column])): r for r in grouped}


def _distributions(questions: list[Question], items: dict[tuple[str, str], Counter[str]]) -> list[Distribution]:
    """Per question of the current version: the count of each rating or choice (matched by code across versions)."""
    result = []
    for question in questions:
        counted = items.get((question.code, question.kind), Counter())
        if question.kind in ("single", "multiple"):
            tally = {code: n for code, n in counted.items() if code != ""}
            options = [(c["code"], pick(c["text"])) for c in question.choices]
            n = counted.get("", 0)
        elif question.kind == "text":
            tally, options, n = {}, [], counted.get("", 0)
        else:
            tally = dict(counted)
            options = [(str(v), _value_label(question, v)) for v in question.scale]
            n = sum(tally.values())
        rows = [(code, text, tally.get(code, 0), round(tally.get(code, 0) / n * 100, 1) if n else 0.0) for code, text in options]
        result.append(Distribution(question.code, pick(question.text), question.kind, n, rows))
    return result


def answer_display(answer: SurveyAnswer) -> str:
    """An answer as the reader reads it: the text, the chosen choices' wording, Yes/No, or the rating."""
    question = answer.question
    if question.kind == "text":
        return answer.text
    if question.kind in ("single", "multiple"):
        names = {c["code"]: pick(c["text"]) for c in question.choices}
        return ", ".join(names.get(code, code) for code in answer.choices)
    return "" if answer.value is None else _value_label(question, answer.value)


def _value_label(question: Question, value: int) -> str:
    if question.kind == "yes_no":
        return _("Yes") if value else _("No")
    return str(value)


def survey_comments(
    *, actor: User, survey: Survey, search: str = "", date_from: date | None = None, date_to: date | None = None
) -> list[SurveyAnswer]:
    """The newest free-text answers the actor may see (at most COMMENTS_SHOWN), optionally containing `search`."""
    responses = survey_responses(actor=actor, survey=survey, date_from=date_from, date_to=date_to)
    found = SurveyAnswer.objects.filter(response__in=responses.values("pk"), question__kind="text").exclude(text="")
    if search.strip():
        found = found.filter(text__icontains=search.strip())
    related = found.select_related("question", "response__interaction__agent")
    return list(related.order_by("-answered_at", "-pk")[:COMMENTS_SHOWN])


def response_detail(*, actor: User, response_id: int) -> SurveyResponse:
    """One response with its answers, or 404 when the actor may not see it."""
    found = (
        SurveyResponse.objects.visible_to(actor)
        .select_related("survey", "version", "interaction__agent", "interaction__team")
        .filter(pk=response_id)
        .first()
    )
    if found is None:
        raise Http404
    return found


def response_audit(*, response: SurveyResponse) -> list[AuditEvent]:
    """The response's audit trail (its follow-up), oldest first: whoever may see the response may see its trail."""
    return list(AuditEvent.objects.filter(survey_response=response).select_related("actor").order_by("created_at", "pk"))


def response_list(*, actor: User, survey: Survey | None = None) -> QuerySet[SurveyResponse]:
    """The responses the actor may see, newest first (an agent: their own customers'; a team lead: their team's)."""
    responses = SurveyResponse.objects.visible_to(actor).select_related("survey", "interaction__agent")
    return responses.filter(survey=survey) if survey is not None else responses


def followup_check_access(*, actor: User) -> None:
    """The follow-up list is for QA staff, managers and team leads; agents and reviewers get 404."""
    if not actor.is_authenticated or not (actor.sees_everything or actor.role == "team_lead"):
        raise Http404


def followup_list(*, actor: User, done: bool = False) -> QuerySet[SurveyResponse]:
    """Responses with a detractor or CSAT ≤ 2 answer awaiting follow-up (or, with `done`, those followed up), that the
    actor may see, oldest first (done: newest first)."""
    followup_check_access(actor=actor)
    flagged = SurveyResponse.objects.visible_to(actor).filter(flagged_at__isnull=False, followed_up_at__isnull=not done)
    related = flagged.select_related("survey", "interaction__agent", "interaction__team", "followup_owner", "followed_up_by")
    return related.order_by("-followed_up_at", "-pk") if done else related.order_by("flagged_at", "pk")


@dataclass(frozen=True)
class CustomerVoice:
    """What customers said, for a review page or an agent's own page: CSAT and NPS over the responses, and the newest
    responses with their answers (question, answer)."""

    csat: figures.Figure
    nps: figures.NpsFigure
    responses: list[tuple[SurveyResponse, list[tuple[str, str]]]]


VOICE_SHOWN = 5


def customer_voice(*, actor: User, interaction_id: int | None = None, own: bool = False) -> CustomerVoice:
    """The customers' ratings beside reviews: about one interaction, or with `own` about the interactions the actor
    handled as an agent (their own customers'). CSAT and NPS take each response's first question of the kind."""
    from qadesk.interactions.models import InteractionAgent

    responses = SurveyResponse.objects.visible_to(actor).filter(interaction__isnull=False)
    if interaction_id is not None:
        responses = responses.filter(interaction_id=interaction_id)
    if own:
        handled = InteractionAgent.objects.filter(agent__user=actor).values("interaction_id")
        responses = responses.filter(interaction_id__in=handled)
    newest = responses.select_related("survey").prefetch_related("answers__question").order_by("-started_at", "-pk")
    latest = list(newest[:VOICE_SHOWN])
    if not latest:  # the common case on a review page: one query, no figures to read
        return CustomerVoice(figures.csat({}), figures.nps({}), [])
    counts: dict[str, Counter[int]] = {"csat": Counter(), "nps": Counter()}
    seen: set[tuple[int, str]] = set()
    rated = SurveyAnswer.objects.filter(response__in=responses.values("pk"), question__kind__in=counts, value__isnull=False)
    for response_id, kind, value in rated.order_by("response_id", "question__position").values_list(
        "response_id", "question__kind", "value"
    ):
        if (response_id, kind) not in seen and value is not None:
            seen.add((response_id, kind))
            counts[kind][value] += 1
    minimum_n = OrgSettings.load().minimum_n
    shown = [
        (r, [(pick(a.question.text), answer_display(a)) for a in sorted(r.answers.all(), key=lambda a: a.question.position)])
        for r in latest
    ]
    return CustomerVoice(
        figures.csat(counts["csat"], minimum_n=minimum_n), figures.nps(counts["nps"], minimum_n=minimum_n), shown
    )


TREND_PERIODS = ("week", "month")


@dataclass(frozen=True)
class TrendRow:
    """One week or month of a survey: its label and CSAT, NPS, CES over the responses started in it."""

    start: date
    label: str
    csat: figures.Figure | None
    nps: figures.NpsFigure | None
    ces: figures.Figure | None


def survey_trend(
    *, actor: User, survey: Survey, period: str = "month", date_from: date | None = None, date_to: date | None = None
) -> list[TrendRow]:
    """CSAT, NPS and CES per week or month (local time) of the responses' start, over what the actor may see."""
    from django.db.models.functions import TruncMonth, TruncWeek

    from qadesk.analytics.charts import period_label

    if period not in TREND_PERIODS:
        raise ApplicationError(_("Unknown period “{period}”; choose week or month.").format(period=period))
    responses = survey_responses(actor=actor, survey=survey, date_from=date_from, date_to=date_to)
    headline = headline_questions(survey)
    counts: dict[date, dict[str, Counter[int]]] = defaultdict(lambda: defaultdict(Counter))
    minimum_n, usable = _settings()
    cells = _rollup_cells(actor=actor, survey=survey, by=None, date_from=date_from, date_to=date_to, usable=usable)
    if cells is not None:  # the rollup's days, each added to its week (Monday) or month
        from qadesk.surveys.models import SurveyAnswerDay

        wanted = Q(pk__in=[])
        for kind, code in headline.items():
            wanted |= Q(kind=kind, code=code)
        days: Any = SurveyAnswerDay.objects.filter(cells & wanted).values("day", "kind", "item").annotate(n=Sum("count"))
        for found in days.order_by():
            day = found["day"]
            start = day - timedelta(days=day.weekday()) if period == "week" else day.replace(day=1)
            counts[start][found["kind"]][int(found["item"])] += found["n"]
    trunc = (TruncWeek if period == "week" else TruncMonth)("response__started_at")
    for kind, code in headline.items() if cells is None else ():
        rated = SurveyAnswer.objects.filter(
            response__in=responses.values("pk"), question__kind=kind, question__code=code, value__isnull=False
        )
        for row in rated.annotate(start=trunc).values("start", "value").annotate(n=Count("id")).order_by():
            start = row["start"].date() if hasattr(row["start"], "date") else row["start"]
            counts[start][kind][int(row["value"] or 0)] += row["n"]
    return [
        TrendRow(
            start=start,
            label=period_label(start, period),
            csat=figures.csat(per["csat"], minimum_n=minimum_n) if "csat" in headline else None,
            nps=figures.nps(per["nps"], minimum_n=minimum_n) if "nps" in headline else None,
            ces=figures.ces(per["ces"], minimum_n=minimum_n) if "ces" in headline else None,
        )
        for start, per in sorted(counts.items())
    ]
