"""Automatic QA: what the built-in detectors decided about each interaction, and which interactions they have read."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from qadesk.autoqa.querysets import AutoCheckQuerySet, AutoResultQuerySet
from qadesk.interactions.models import Interaction


class Verdict(models.TextChoices):
    PASS = "pass", _("Pass")
    FAIL = "fail", _("Fail")
    NA = "na", _("Not applicable")


class Impact(models.TextChoices):
    """What a failed check means, in the seed's two classes of error; "" when a fail is not an error by itself."""

    NONE = "", _("None")
    LOW = "low", _("Low impact")
    HIGH = "high", _("High impact")


class AutoResult(models.Model):
    """One detector's verdict on one interaction, at one detector version: the criterion it checks, pass / fail / not
    applicable, how confident it is, and the evidence — the messages and character spans that decided it.

    One row per (interaction, detector, version): running the same version again never adds a row, and a new version
    adds its own. The human IQS never reads these rows; reports of the automatic score (AQS) and the accuracy page
    compare them with reviews by `criterion`.
    """

    interaction = models.ForeignKey(
        Interaction, verbose_name=_("interaction"), on_delete=models.CASCADE, related_name="auto_results", db_index=False
    )
    detector = models.CharField(_("detector"), max_length=50)
    version = models.PositiveIntegerField(_("version"))
    criterion = models.CharField(_("criterion"), max_length=50, help_text=_("The code of the criterion it checks."))
    language = models.CharField(_("language"), max_length=10, blank=True, help_text=_("The phrase lists it used."))
    verdict = models.CharField(_("verdict"), max_length=4, choices=Verdict.choices)
    confidence = models.FloatField(_("confidence"))
    impact = models.CharField(_("impact"), max_length=4, choices=Impact.choices, blank=True)
    # [{"message": id, "start": n, "end": n, "note": code}, …]: characters [start, end) of the message's text.
    evidence = models.JSONField(_("evidence"), default=list, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = AutoResultQuerySet.as_manager()

    class Meta:
        ordering = ["interaction", "detector", "-version"]
        verbose_name = _("automatic result")
        verbose_name_plural = _("automatic results")
        constraints = [
            models.UniqueConstraint(fields=["interaction", "detector", "version"], name="autoresult_interaction_detector_version")
        ]
        indexes = [models.Index(fields=["criterion", "verdict"], name="autoresult_criterion_verdict")]

    def __str__(self) -> str:
        return f"{self.interaction_id} {self.detector}@{self.version}: {self.verdict}"


class AutoCheck(models.Model):
    """That an interaction's transcript has been read by a set of detector versions (`signature`). The job skips an
    interaction whose check has the current signature and transcript digest, so it never does the same work twice and
    restarts where it stopped; a new detector version, or a transcript that grew, makes the interaction due again."""

    interaction = models.OneToOneField(
        Interaction, verbose_name=_("interaction"), on_delete=models.CASCADE, primary_key=True, related_name="auto_check"
    )
    signature = models.CharField(_("detector versions"), max_length=32)
    transcript_hash = models.CharField(_("transcript digest"), max_length=32, blank=True)
    checked_at = models.DateTimeField(_("checked"), auto_now=True)

    objects = AutoCheckQuerySet.as_manager()

    class Meta:
        verbose_name = _("automatic check")
        verbose_name_plural = _("automatic checks")

    def __str__(self) -> str:
        return f"{self.interaction_id} {self.signature}"


class Speaker(models.TextChoices):
    AGENT = "agent", _("Agent")
    CUSTOMER = "customer", _("Customer")
    ANY = "any", _("Anyone")


class Part(models.TextChoices):
    ANY = "any", _("Anywhere")
    OPENING = "opening", _("First message")
    CLOSING = "closing", _("Last message")


class Rule(models.TextChoices):
    MUST = "must", _("Must say")
    MUST_NOT = "must_not", _("Must not say")


class Kind(models.TextChoices):
    PHRASES = "phrases", _("Phrases or patterns")
    PROMPT = "prompt", _("Question to a language model")


KEY_ENV_PREFIX = "QADESK_LLM_"


class PromptEndpoint(models.Model):
    """An OpenAI-compatible chat-completions server that prompt criteria ask (a local llama.cpp, vLLM or Ollama
    server, or a hosted one): its base URL, the model, where its key is — an environment variable whose name starts
    with QADESK_LLM_, or a file in the directory QADESK_LLM_KEY_DIR names; the key itself is never stored — and how
    much it may be asked per day. Admins set endpoints up in the administration site."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    base_url = models.URLField(_("base URL"), help_text=_("The API's base, e.g. http://127.0.0.1:8080/v1"))
    model = models.CharField(_("model"), max_length=200)
    api_key_env = models.CharField(
        _("key: environment variable"),
        max_length=100,
        blank=True,
        help_text=_("The name of the environment variable holding the key; it must start with QADESK_LLM_."),
    )
    api_key_file = models.CharField(
        _("key: file"),
        max_length=200,
        blank=True,
        help_text=_("A file name in the directory set by QADESK_LLM_KEY_DIR, holding the key."),
    )
    timeout = models.FloatField(_("timeout (seconds)"), default=30.0)
    retries = models.PositiveSmallIntegerField(_("retries"), default=2)
    daily_calls = models.PositiveIntegerField(_("calls per day"), default=1000, help_text=_("Retries count as calls."))
    daily_tokens = models.PositiveIntegerField(_("tokens per day"), default=0, help_text=_("0: no limit on tokens."))
    active = models.BooleanField(_("active"), default=True)
    last_error = models.TextField(_("last error"), blank=True, editable=False)
    last_error_at = models.DateTimeField(_("last error at"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("language model endpoint")
        verbose_name_plural = _("language model endpoints")

    def __str__(self) -> str:
        return f"{self.name} ({self.model})"

    def save(self, *args: object, **kwargs: object) -> None:
        """Its criteria's versions include the URL and model: another model answers anew, so they are raised."""
        super().save(*args, **kwargs)  # type: ignore[arg-type]
        for criterion in self.criteria.all():
            criterion.endpoint = self
            criterion.save()

    def clean(self) -> None:
        import re

        from django.core.exceptions import ValidationError

        if self.api_key_env and not re.fullmatch(KEY_ENV_PREFIX + r"[A-Z0-9_]+", self.api_key_env):
            raise ValidationError({"api_key_env": _("The variable's name must start with QADESK_LLM_ (capitals, digits, _).")})
        if self.api_key_file and not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", self.api_key_file):
            raise ValidationError({"api_key_file": _("A file name only, without a directory.")})
        if self.api_key_env and self.api_key_file:
            raise ValidationError({"api_key_file": _("Give the key's variable or its file, not both.")})
        if not 0 < self.timeout <= 600:
            raise ValidationError({"timeout": _("Between 0 and 600 seconds.")})


class PromptUsage(models.Model):
    """How much an endpoint was asked on one day (the organisation's local date): requests sent, retries included,
    and tokens used; the budget is checked and counted in one UPDATE, so concurrent workers cannot overspend it."""

    endpoint = models.ForeignKey(PromptEndpoint, verbose_name=_("endpoint"), on_delete=models.CASCADE, related_name="usage")
    day = models.DateField(_("day"))
    calls = models.PositiveIntegerField(_("calls"), default=0)
    tokens = models.PositiveIntegerField(_("tokens"), default=0)

    class Meta:
        verbose_name = _("language model usage")
        verbose_name_plural = _("language model usage")
        constraints = [models.UniqueConstraint(fields=["endpoint", "day"], name="promptusage_endpoint_day")]

    def __str__(self) -> str:
        return f"{self.endpoint_id} {self.day}: {self.calls}"


class PromptAnswer(models.Model):
    """A language model's answer to a prompt criterion (at one version) about one transcript, as sent (masked): the
    cache that makes sure the same question is never asked twice, and the record of malformed answers."""

    code = models.SlugField(_("code"), max_length=40)
    version = models.PositiveIntegerField(_("version"))
    transcript_hash = models.CharField(_("transcript digest"), max_length=64)
    ok = models.BooleanField(_("answered in the schema"))
    verdict = models.CharField(_("verdict"), max_length=4, choices=Verdict.choices, blank=True)
    confidence = models.FloatField(_("confidence"), default=0.0)
    # [[message number as sent, quote], …]
    quotes = models.JSONField(_("quotes"), default=list, blank=True)
    error = models.TextField(_("error"), blank=True)
    tokens = models.PositiveIntegerField(_("tokens"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("language model answer")
        verbose_name_plural = _("language model answers")
        constraints = [
            models.UniqueConstraint(fields=["code", "version", "transcript_hash"], name="promptanswer_code_version_transcript")
        ]

    def __str__(self) -> str:
        return f"{self.code}@{self.version} {self.transcript_hash[:8]}: {self.verdict or 'error'}"


class CustomCriterion(models.Model):
    """A check an admin or QA lead writes without code: phrases or patterns per language that someone must say, or
    must not say, in a part of the conversation — or a question (per language) asked of a language model about the
    conversation (`kind` prompt). It runs beside the built-in detectors as detector `custom:<code>`; editing what
    decides its verdicts raises its `version`, so every interaction is checked again with the new rules."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    criterion = models.SlugField(
        _("scorecard criterion"),
        max_length=50,
        blank=True,
        help_text=_("The criterion code it suggests for; its own code when empty."),
    )
    rule = models.CharField(_("rule"), max_length=10, choices=Rule.choices, default=Rule.MUST)
    speaker = models.CharField(_("said by"), max_length=10, choices=Speaker.choices, default=Speaker.AGENT)
    part = models.CharField(_("where"), max_length=10, choices=Part.choices, default=Part.ANY)
    phrases = models.JSONField(
        _("phrases per language"), default=dict, blank=True, help_text=_('e.g. {"it": ["buongiorno"], "en": ["good morning"]}')
    )
    patterns = models.JSONField(
        _("patterns per language"), default=dict, blank=True, help_text=_('Regular expressions, e.g. {"en": ["ticket #\\\\d+"]}')
    )
    impact = models.CharField(_("impact of a failure"), max_length=4, choices=Impact.choices, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.PHRASES)
    instructions = models.JSONField(
        _("question per language"),
        default=dict,
        blank=True,
        help_text=_("For a question to a language model: what it must decide, per language."),
    )
    endpoint = models.ForeignKey(
        PromptEndpoint,
        verbose_name=_("language model endpoint"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="criteria",
    )
    active = models.BooleanField(_("active"), default=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    rules_digest = models.CharField(_("rules digest"), max_length=32, blank=True, editable=False)

    class Meta:
        ordering = ["code"]
        verbose_name = _("custom criterion")
        verbose_name_plural = _("custom criteria")

    def __str__(self) -> str:
        return f"{self.code} v{self.version}"

    def save(self, *args: object, **kwargs: object) -> None:
        """A change of the rules raises the version (results of the old one stay, marked by their version)."""
        from qadesk.autoqa.custom import rules_digest

        rules: dict[str, object] = {
            "rule": self.rule,
            "speaker": self.speaker,
            "part": self.part,
            "phrases": self.phrases,
            "patterns": self.patterns,
            "criterion": self.criterion,
        }
        if self.kind == Kind.PROMPT:  # phrase criteria keep the digest they had before prompts existed
            endpoint = self.endpoint
            rules |= {
                "kind": self.kind,
                "instructions": self.instructions,
                "endpoint": [endpoint.base_url, endpoint.model] if endpoint else None,
            }
        digest = rules_digest(**rules)
        if self.rules_digest and digest != self.rules_digest:
            self.version += 1
        self.rules_digest = digest
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        from qadesk.autoqa.custom import CustomRuleError, check_instructions, check_rules

        try:
            check_rules(phrases=self.phrases, patterns=self.patterns)
            if self.kind == Kind.PROMPT:
                check_instructions(self.instructions)
        except CustomRuleError as exc:
            raise ValidationError({exc.field: exc.message}) from None
        if self.kind == Kind.PROMPT and self.endpoint_id is None:
            raise ValidationError({"endpoint": _("A question needs a language model endpoint.")})


class AutoSettings(models.Model):
    """The QA lead's settings for automatic QA (one row): the agreement with the humans (Cohen's kappa) under which an
    automatic criterion is marked "not reliable" and is not used for sampling."""

    reliable_kappa = models.FloatField(
        _("reliable from kappa"),
        default=0.6,
        help_text=_("An automatic criterion whose agreement with the reviews (Cohen's kappa) is below this is not reliable."),
    )

    classifier_min_examples = models.PositiveIntegerField(
        _("examples per label for the classifier"),
        default=20,
        help_text=_("Labels with fewer labelled interactions are left out of the contact-reason classifier."),
    )

    class Meta:
        verbose_name = _("automatic QA settings")
        verbose_name_plural = _("automatic QA settings")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)

    @classmethod
    def load(cls) -> "AutoSettings":
        return cls.objects.get_or_create(pk=1)[0]


class ClassifierModel(models.Model):
    """A trained contact-reason classifier: which label a transcript reads like, learnt from the organisation's own
    labelled interactions. The model itself is a joblib file under the data directory, loaded only when its SHA-256
    and scikit-learn version are the ones recorded here; the row keeps what the page shows (the labels it knows, those
    left out for too few examples, the cross-validated accuracy and confusion matrix). The newest row is the one in
    use; its id is the version of the `label_classifier` detector."""

    created_at = models.DateTimeField(_("trained"), auto_now_add=True)
    file = models.CharField(_("file"), max_length=200, help_text=_("Under the data directory."))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    sklearn_version = models.CharField(_("scikit-learn version"), max_length=20)
    data_digest = models.CharField(
        _("training data digest"), max_length=64, help_text=_("Of the labelled interactions it learnt from.")
    )
    examples = models.PositiveIntegerField(_("examples"))
    min_examples = models.PositiveIntegerField(_("examples per label"))
    # {label code: examples} of the labels it learnt, and of those left out for too few examples.
    labels = models.JSONField(_("labels"), default=dict)
    excluded = models.JSONField(_("labels left out"), default=dict, blank=True)
    folds = models.PositiveSmallIntegerField(_("folds"))
    cv_correct = models.PositiveIntegerField(_("predicted right in cross-validation"))
    # Rows: the label people gave; columns: the label predicted; both in `cv_labels` order.
    cv_labels = models.JSONField(_("confusion matrix labels"), default=list)
    confusion = models.JSONField(_("confusion matrix"), default=list)
    seconds = models.FloatField(_("training time (s)"))

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("contact-reason classifier")
        verbose_name_plural = _("contact-reason classifiers")

    def __str__(self) -> str:
        return f"classifier v{self.pk} ({self.examples} examples)"
