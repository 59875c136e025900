"""Customer surveys: versioned definitions of questions, invitations with personal links, responses and answers."""

from __future__ import annotations

import secrets

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qadesk.core.i18n import pick
from qadesk.surveys.querysets import SurveyResponseQuerySet

TOKEN_BYTES = 24  # secrets.token_urlsafe(24): 192 random bits, 32 characters


def new_token() -> str:
    """An unguessable link token (192 bits from the OS's CSPRNG)."""
    return secrets.token_urlsafe(TOKEN_BYTES)


class SurveyKind(models.TextChoices):
    """What the survey is for (seed 001 and 003): each kind has a shipped template."""

    POST_CONTACT = "post_contact", _("Post-contact")
    EXPECTATION = "expectation", _("Expectations met")
    SELF_SERVICE = "self_service", _("Self-service / FAQ")
    RELATIONSHIP = "relationship", _("Relationship")
    COMPLAINT_OUTCOME = "complaint_outcome", _("Complaint outcome")
    SUGGESTION_BOX = "suggestion_box", _("Suggestion box")
    OTHER = "other", _("Other")


class QuestionKind(models.TextChoices):
    CSAT = "csat", _("Satisfaction (CSAT, 1–5)")
    NPS = "nps", _("Likelihood to recommend (NPS, 0–10)")
    CES = "ces", _("Effort (CES, 1–7)")
    YES_NO = "yes_no", _("Yes / no")
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    TEXT = "text", _("Free text")


SCALES: dict[str, tuple[int, int]] = {"csat": (1, 5), "nps": (0, 10), "ces": (1, 7), "yes_no": (0, 1)}


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    RETIRED = "retired", _("Retired")


class Survey(models.Model):
    """A named survey. Its questions live in versions; each response is pinned to the version it answered."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.JSONField(_("name"), help_text=_('Name per language, e.g. {"en": "…", "it": "…"}.'))
    kind = models.CharField(_("kind"), max_length=20, choices=SurveyKind.choices, default=SurveyKind.OTHER)
    anonymous = models.BooleanField(
        _("anonymous"), default=False, help_text=_("Responses keep no interaction, address or identifier of the respondent.")
    )
    open_token = models.CharField(_("open link token"), max_length=64, unique=True, default=new_token, editable=False)
    open_link = models.BooleanField(_("open link"), default=False, help_text=_("Anyone with the survey's open link may answer."))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")

    def __str__(self) -> str:
        return pick(self.name) or self.code

    def current_version(self) -> SurveyVersion | None:
        return self.versions.filter(status=VersionStatus.PUBLISHED).order_by("-number").first()


class SurveyVersion(models.Model):
    """One frozen edition of a survey's questions. Once published it never changes."""

    survey = models.ForeignKey(Survey, verbose_name=_("survey"), on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(_("status"), max_length=20, choices=VersionStatus.choices, default=VersionStatus.DRAFT)
    title = models.JSONField(_("title"), default=dict, blank=True)
    intro = models.JSONField(_("introduction"), default=dict, blank=True)
    thanks = models.JSONField(_("thank-you text"), default=dict, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["survey", "-number"]
        verbose_name = _("survey version")
        verbose_name_plural = _("survey versions")
        constraints = [models.UniqueConstraint(fields=["survey", "number"], name="survey_version_number")]

    def __str__(self) -> str:
        return f"{self.survey} v{self.number}"


class Question(models.Model):
    """One question of a version: its kind, wording per language, choices, and when it is shown."""

    version = models.ForeignKey(SurveyVersion, on_delete=models.CASCADE, related_name="questions")
    code = models.SlugField(_("code"), max_length=50)
    position = models.PositiveSmallIntegerField(_("position"))
    kind = models.CharField(_("kind"), max_length=10, choices=QuestionKind.choices)
    text = models.JSONField(_("text"))
    help = models.JSONField(_("help text"), default=dict, blank=True)
    required = models.BooleanField(_("required"), default=False)
    choices = models.JSONField(_("choices"), default=list, blank=True, help_text=_("A list of {code, text}."))
    condition = models.JSONField(
        _("shown when"),
        null=True,
        blank=True,
        help_text=_('An earlier answer, e.g. {"question": "csat", "op": "<=", "value": 2}; empty: always shown.'),
    )

    class Meta:
        ordering = ["version", "position"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="survey_question_code")]

    def __str__(self) -> str:
        return pick(self.text)

    @property
    def scale(self) -> list[int]:
        low, high = SCALES.get(self.kind, (0, -1))
        return list(range(low, high + 1))


class SurveyInvitation(models.Model):
    """A personal invitation to answer a survey, usually about one interaction; its link carries an unguessable token."""

    survey = models.ForeignKey(Survey, verbose_name=_("survey"), on_delete=models.PROTECT, related_name="invitations")
    interaction = models.ForeignKey(
        "interactions.Interaction",
        verbose_name=_("interaction"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="survey_invitations",
    )
    # A complaint-outcome invitation: the complaint whose closing sent it (its answers show on the complaint).
    complaint = models.ForeignKey(
        "complaints.Complaint",
        verbose_name=_("complaint"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="survey_invitations",
    )
    token = models.CharField(_("token"), max_length=64, unique=True, default=new_token, editable=False)
    language = models.CharField(_("language"), max_length=8, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    # E-mailed invitations: tries, the last error, the next try (None once sent or given up) and when it was given up.
    email_attempts = models.PositiveSmallIntegerField(_("e-mail attempts"), default=0)
    email_error = models.TextField(_("last e-mail error"), blank=True)
    email_retry_at = models.DateTimeField(_("next e-mail attempt"), null=True, blank=True)
    email_failed_at = models.DateTimeField(_("e-mail failed"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("survey invitation")
        verbose_name_plural = _("survey invitations")
        indexes = [
            models.Index(fields=["survey", "created_at"]),
            # The sender's claim reads the next due ones in this order: with the id in the index, LIMIT stops after a
            # batch instead of sorting every due invitation (100,000 made at one time tie on email_retry_at).
            models.Index(
                fields=["email_retry_at", "id"],
                name="surveys_invitation_due",
                condition=models.Q(sent_at__isnull=True, email_failed_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.survey} #{self.pk}"

    @property
    def expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()


class ResponseSource(models.TextChoices):
    INVITATION = "invitation", _("Personal link")
    OPEN = "open", _("Open link")
    IMPORT = "import", _("Import")


class SurveyResponse(models.Model):
    """What one respondent answered, pinned to the survey version they saw. An unfinished response still counts the
    answers it has (`completed_at` is empty)."""

    survey = models.ForeignKey(Survey, verbose_name=_("survey"), on_delete=models.PROTECT, related_name="responses")
    version = models.ForeignKey(SurveyVersion, verbose_name=_("version"), on_delete=models.PROTECT, related_name="responses")
    invitation = models.OneToOneField(SurveyInvitation, on_delete=models.CASCADE, null=True, blank=True, related_name="response")
    interaction = models.ForeignKey(
        "interactions.Interaction",
        verbose_name=_("interaction"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="survey_responses",
    )
    source = models.CharField(_("source"), max_length=12, choices=ResponseSource.choices)
    # For an open link: a random key kept in the respondent's browser so their later answers update this response; for an
    # import: the row's external reference, so a re-import updates instead of adding.
    key = models.CharField(max_length=120, blank=True, default="", editable=False)
    language = models.CharField(_("language"), max_length=8, blank=True)
    page_url = models.CharField(_("page"), max_length=500, blank=True)
    started_at = models.DateTimeField(_("started"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    # When a detractor or CSAT ≤ 2 answer set the interaction's customer rating and told the team lead (once).
    flagged_at = models.DateTimeField(_("flagged negative"), null=True, blank=True)
    # The follow-up of a flagged response: who should call the customer back, and when someone did (the list's state).
    followup_owner = models.ForeignKey(
        "accounts.User",
        verbose_name=_("follow-up owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="survey_followups",
    )
    followed_up_at = models.DateTimeField(_("followed up"), null=True, blank=True)
    followed_up_by = models.ForeignKey(
        "accounts.User", verbose_name=_("followed up by"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    followup_note = models.TextField(_("follow-up note"), blank=True)

    objects = SurveyResponseQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        constraints = [
            models.UniqueConstraint(fields=["survey", "source", "key"], condition=~Q(key=""), name="survey_response_key")
        ]
        indexes = [models.Index(fields=["survey", "started_at"])]

    def __str__(self) -> str:
        return f"{self.survey} #{self.pk}"


class SurveyAnswer(models.Model):
    """One answer: a number for rating and yes/no questions (yes = 1), choice codes, or text."""

    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    value = models.SmallIntegerField(_("value"), null=True, blank=True)
    choices = models.JSONField(_("choices"), default=list, blank=True)
    text = models.TextField(_("text"), blank=True)
    answered_at = models.DateTimeField(_("answered"), auto_now=True)

    class Meta:
        verbose_name = _("survey answer")
        verbose_name_plural = _("survey answers")
        constraints = [models.UniqueConstraint(fields=["response", "question"], name="survey_answer_once")]
        indexes = [models.Index(fields=["question", "value"])]

    def __str__(self) -> str:
        return f"{self.question.code}={self.value if self.value is not None else self.text[:20]}"


class SurveyContact(models.Model):
    """How to reach a customer with survey invitations, kept apart from the interactions (which stay pseudonymous).
    An opt-out is kept for good: no rule invites that customer again."""

    customer = models.OneToOneField(
        "interactions.Customer", verbose_name=_("customer"), on_delete=models.CASCADE, related_name="survey_contact"
    )
    email = models.EmailField(_("e-mail"), blank=True)
    opted_out_at = models.DateTimeField(_("opted out"), null=True, blank=True)

    class Meta:
        verbose_name = _("survey contact")
        verbose_name_plural = _("survey contacts")

    def __str__(self) -> str:
        return str(self.customer)


class InvitationRule(models.Model):
    """Which resolved interactions get an e-mailed invitation to a survey: filters, a delay after resolution, a sampling
    share, and a quiet period so no customer is asked twice within it."""

    survey = models.ForeignKey(Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="rules")
    name = models.CharField(_("name"), max_length=100)
    channels = models.JSONField(_("channels"), default=list, blank=True, help_text=_("Empty: every channel."))
    teams = models.JSONField(_("teams"), default=list, blank=True, help_text=_("Team names; empty: every team."))
    labels = models.JSONField(_("labels"), default=list, blank=True, help_text=_("Label codes; empty: every label."))
    phases = models.JSONField(_("journey phases"), default=list, blank=True, help_text=_("Empty: every phase."))
    delay_hours = models.PositiveIntegerField(_("delay (hours)"), default=2, help_text=_("After the resolution."))
    share = models.PositiveSmallIntegerField(
        _("share (%)"), default=100, help_text=_("Percent of the matching interactions invited (1–100).")
    )
    quiet_days = models.PositiveIntegerField(
        _("quiet period (days)"), default=30, help_text=_("No customer is invited again within this many days.")
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("invitation rule")
        verbose_name_plural = _("invitation rules")

    def __str__(self) -> str:
        return self.name


class TargetFigure(models.TextChoices):
    """The figures of the planned / delivered / received panel a target may be set on (all in points or percent)."""

    IQS = "iqs", _("IQS")
    PASS_RATE = "pass_rate", _("Pass rate (%)")
    CSAT = "csat", _("CSAT (%)")
    NPS = "nps", _("NPS")
    EXPECTATIONS_MET = "expectations_met", _("Expectations met (%)")


class QualityTarget(models.Model):
    """Planned quality (seed 000): the level the organisation aims at for one figure, for every team or for one team.
    The gap page sets it beside the delivered (IQS, pass rate) and received (CSAT, NPS, expectations met) figures."""

    figure = models.CharField(_("figure"), max_length=20, choices=TargetFigure.choices)
    value = models.FloatField(_("target"), help_text=_("Points (IQS 0–100, NPS −100…100) or a percentage."))
    team = models.ForeignKey(
        "accounts.Team",
        verbose_name=_("team"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="quality_targets",
        help_text=_("Empty: every team without its own target."),
    )

    class Meta:
        ordering = ["figure", "team__name"]
        verbose_name = _("quality target")
        verbose_name_plural = _("quality targets")
        constraints = [
            models.UniqueConstraint(fields=["figure", "team"], name="quality_target_team"),
            models.UniqueConstraint(fields=["figure"], condition=Q(team__isnull=True), name="quality_target_all_teams"),
        ]

    def __str__(self) -> str:
        return f"{self.get_figure_display()}: {self.value:g}"


# --- The results' rollup: per-day counts kept by the services that write responses, answers and invitations ----------
# (surveys/rollup.py), so the results page, API and CLI read thousands of counts instead of millions of answers.

ROLLUP_LEVEL_AGENT = 0  # survey, day, agent of the interaction answered about (the other dimensions hold "none")
ROLLUP_LEVEL_ALL = 1  # and its team, site, channel, label and journey phase
# Survey, day and one dimension (the results grouped by it read a few rows per day), and survey and day alone (overall
# figures and trends): added up from level 1 like level 0.
ROLLUP_LEVEL_BY = {"team": 2, "site": 3, "channel": 4, "label": 5, "phase": 6}
ROLLUP_LEVEL_DAY = 7
ROLLUP_KEY = ("level", "survey_id", "day", "agent_id", "team_id", "site_id", "channel", "label_id", "phase")


class SurveyCellDimensions(models.Model):
    """A survey, a local day (the installation's time zone) and the dimensions of the interaction answered about: the
    cell of a rollup row (with its level) and of a pending change. A missing agent, team, site or label is stored as 0
    and a missing channel or phase as "" (a unique index treats NULLs as different, so an upsert could not find the
    row)."""

    survey_id = models.BigIntegerField(_("survey"))
    day = models.DateField(_("day"))
    agent_id = models.BigIntegerField(_("agent"))
    team_id = models.BigIntegerField(_("team"))
    site_id = models.BigIntegerField(_("site"))
    channel = models.CharField(_("channel"), max_length=20)
    label_id = models.BigIntegerField(_("label"))
    phase = models.CharField(_("journey phase"), max_length=20)

    class Meta:
        abstract = True


class SurveyRollupCell(SurveyCellDimensions):
    """The key every survey rollup row shares: its level and the cell's dimensions."""

    level = models.PositiveSmallIntegerField(_("level"))

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"survey {self.survey_id} {self.day} agent {self.agent_id} (level {self.level})"


class SurveyResponseDay(SurveyRollupCell):
    """How many responses of one cell were started (on the cell's day)."""

    responses = models.IntegerField(_("responses"))

    class Meta:
        verbose_name = _("survey response day")
        verbose_name_plural = _("survey response days")
        constraints = [models.UniqueConstraint(fields=ROLLUP_KEY, name="survey_response_day_cell")]


class SurveyAnswerDay(SurveyRollupCell):
    """Answers of one cell's responses to the questions with one code and kind (across versions), per item: a rating's
    value ("4"), a chosen choice's code, or "" — every answer of a choice question, every non-empty text answer."""

    code = models.CharField(_("question"), max_length=50)
    kind = models.CharField(_("kind"), max_length=10)
    item = models.CharField(_("answer"), max_length=100)
    count = models.IntegerField(_("count"))

    class Meta:
        verbose_name = _("survey answer day")
        verbose_name_plural = _("survey answer days")
        constraints = [models.UniqueConstraint(fields=[*ROLLUP_KEY, "code", "kind", "item"], name="survey_answer_day_cell")]


class SurveyInvitationDay(SurveyRollupCell):
    """Invitations of one cell sent on its day, and how many of them have a response (the response rate's counts)."""

    sent = models.IntegerField(_("sent"))
    answered = models.IntegerField(_("answered"))

    class Meta:
        verbose_name = _("survey invitation day")
        verbose_name_plural = _("survey invitation days")
        constraints = [models.UniqueConstraint(fields=ROLLUP_KEY, name="survey_invitation_day_cell")]


class SurveyRollupPending(SurveyCellDimensions):
    """A change of the results' rollup not added to it yet, at level 1 (on PostgreSQL; SQLite writes the rollup at
    once): a response's first click appends rows here instead of updating the rollup's shared per-day rows in its
    transaction, and `rollup.survey_rollup_fold` adds them to every level and deletes them, in one transaction, before
    the results are read and from the periodic job. `target` says which rollup table the row counts in ("r" responses,
    "a" answers, "i" invitations); `n` is its responses, count or sent, `m` its answered (invitations only). Append-only:
    no index but the primary key, so a click's rows cost little and share nothing with other clicks."""

    target = models.CharField(_("rollup table"), max_length=1)
    code = models.CharField(_("question"), max_length=50, blank=True)
    kind = models.CharField(_("kind"), max_length=10, blank=True)
    item = models.CharField(_("answer"), max_length=100, blank=True)
    n = models.IntegerField(_("count"))
    m = models.IntegerField(_("answered"))

    class Meta:
        verbose_name = _("pending survey rollup change")
        verbose_name_plural = _("pending survey rollup changes")

    def __str__(self) -> str:
        return f"{self.target} survey {self.survey_id} {self.day} {self.n:+d}/{self.m:+d}"


class SurveyRollupState(models.Model):
    """When the survey rollup was last built, and for which time zone (its days are local days): the results read the
    rollup only while it was built and the time zone still holds; otherwise they read the answers."""

    time_zone = models.CharField(_("time zone"), max_length=64)
    built_at = models.DateTimeField(_("built"))

    class Meta:
        verbose_name = _("survey rollup state")
        verbose_name_plural = _("survey rollup states")

    def __str__(self) -> str:
        return f"{self.time_zone} {self.built_at:%Y-%m-%d %H:%M}"
