"""Customer contacts (tickets, calls, chats, e-mails) with their messages, and what classifies them."""

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from qadesk.accounts.models import Agent, Site, Team
from qadesk.interactions.querysets import InteractionQuerySet

# BCP 47 tags may be long (RFC 5646 asks for room for at least 35 characters).
LANGUAGE_TAG_MAX = 35


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("E-mail")
    CHAT = "chat", _("Chat")
    SOCIAL = "social", _("Social")
    SELF_SERVICE = "self_service", _("Self-service / bot")


class JourneyPhase(models.TextChoices):
    """The five phases of the customer journey in which a contact happens (seed 000)."""

    DEMAND = "demand", _("Demand acquisition")
    PURCHASE = "purchase", _("Purchase management and execution")
    DELIVERY = "delivery", _("Delivery tracking")
    RECEPTION = "reception", _("Reception (refund or replacement)")
    EVALUATION = "evaluation", _("Evaluation and reporting of demand")


class Status(models.TextChoices):
    OPEN = "open", _("Open")
    PENDING = "pending", _("Pending")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")


class CustomerRating(models.TextChoices):
    """What the customer said of the contact when the helpdesk asked (e.g. a CSAT rating mapped to three values)."""

    POSITIVE = "positive", _("Positive")
    NEUTRAL = "neutral", _("Neutral")
    NEGATIVE = "negative", _("Negative")


class AuthorRole(models.TextChoices):
    CUSTOMER = "customer", _("Customer")
    AGENT = "agent", _("Agent")
    BOT = "bot", _("Bot")
    SYSTEM = "system", _("System")
    EVENT = "event", _("Action or event")


class BodyFormat(models.TextChoices):
    """How a message body is written: plain text (shown as typed) or HTML (an e-mail; sanitised when shown)."""

    TEXT = "text", _("Plain text")
    HTML = "html", _("HTML")


def label_display(*, code: str, name: str = "", names: dict[str, str] | None = None, language: str | None = None) -> str:
    """A contact reason as people read it: its name in the language (default: the active one), else its default
    name, else its code."""
    language = (language or get_language() or settings.LANGUAGE_CODE)[:2]
    return (names or {}).get(language) or name or code


class FieldType(models.TextChoices):
    """The kinds of value a custom field holds."""

    TEXT = "text", _("Text")
    NUMBER = "number", _("Number")
    DATE = "date", _("Date")
    CHOICE = "choice", _("Choice")


class CustomField(models.Model):
    """A field an organisation's contacts carry beyond qadesk's own (the customer's plan, the order value, the
    product), declared by an admin with its type so that imports check it and lists filter by it. Imported rows may
    carry undeclared fields too: they are stored as given and the import report lists them as a warning."""

    key = models.SlugField(_("key"), max_length=50, unique=True, help_text=_("The name in import files, e.g. plan."))
    label = models.CharField(_("label"), max_length=100)
    type = models.CharField(_("type"), max_length=10, choices=FieldType.choices, default=FieldType.TEXT)
    choices = models.JSONField(
        _("choices"), default=list, blank=True, help_text=_("For a choice field: the accepted values, as a JSON list.")
    )
    names = models.JSONField(
        _("name per language"), default=dict, blank=True, help_text=_('e.g. {"it": "Piano", "fr": "Formule"}')
    )

    class Meta:
        ordering = ["key"]
        verbose_name = _("custom field")
        verbose_name_plural = _("custom fields")

    def __str__(self) -> str:
        return label_display(code=self.key, name=self.label, names=self.names)

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if not isinstance(self.choices, list) or not all(isinstance(c, str) for c in self.choices):
            raise ValidationError({"choices": _('A JSON list of texts, e.g. ["gold", "silver"].')})
        if self.type == FieldType.CHOICE and not self.choices:
            raise ValidationError({"choices": _("A choice field needs its accepted values.")})


class CustomFieldSeen(models.Model):
    """A custom field key that committed imports carried while no admin had declared it: listed on the custom fields
    page with an example value, so that an admin can declare it (its type, its names). Kept after it is declared, so
    that it is listed again if the declaration is removed (the interactions still carry the values)."""

    key = models.CharField(_("key"), max_length=50, unique=True)
    example = models.CharField(_("example value"), max_length=100, blank=True)
    first_seen_at = models.DateTimeField(_("first seen"), auto_now_add=True)
    last_seen_at = models.DateTimeField(_("last seen"), auto_now=True)

    class Meta:
        ordering = ["key"]
        verbose_name = _("undeclared custom field")
        verbose_name_plural = _("undeclared custom fields")

    def __str__(self) -> str:
        return self.key


class Label(models.Model):
    """A contact reason (the "etichetta"): why the customer got in touch, e.g. refund_request. Files and the API name
    it by code; people read its name in their language (`names`), or the default name when it has none there."""

    code = models.CharField(_("code"), max_length=100, unique=True)
    name = models.CharField(
        _("default name"), max_length=200, blank=True, help_text=_("Shown where no name in the reader's language is given.")
    )
    names = models.JSONField(
        _("name per language"),
        default=dict,
        blank=True,
        help_text=_('e.g. {"it": "Richiesta di rimborso", "fr": "Demande de remboursement"}'),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("label")
        verbose_name_plural = _("labels")

    def __str__(self) -> str:
        return label_display(code=self.code, name=self.name, names=self.names)

    def clean(self) -> None:
        from qadesk.core.text import strip_bidi_controls  # names are shown as typed, never reordered (core.text)

        self.code, self.name = strip_bidi_controls(self.code), strip_bidi_controls(self.name)
        self.names = {lang: strip_bidi_controls(str(text)) for lang, text in (self.names or {}).items()}


class Sop(models.Model):
    """A standard operating procedure: the steps an agent must follow for the contact reasons it serves.

    `steps` is the ordered list of steps, each `{"text", "required", "evidence", "forbidden"}`: what to do, whether it
    may be skipped, the actions or phrases that show it was done, and the actions that must not happen
    (interactions/sops.py reads and checks it; docs/sops.md). A placeholder was created by an import that named an
    unknown code (`--create-missing sop`) and waits for a QA lead to complete it.
    """

    code = models.CharField(_("code"), max_length=50, unique=True)
    title = models.CharField(_("title"), max_length=200)
    labels = models.ManyToManyField(Label, verbose_name=_("labels"), blank=True, related_name="sops")
    steps = models.JSONField(_("steps"), default=list, blank=True)
    placeholder = models.BooleanField(
        _("to complete"), default=False, help_text=_("Created by an import that named it; its steps are still to write.")
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("SOP")
        verbose_name_plural = _("SOPs")

    def __str__(self) -> str:
        return f"{self.code} — {self.title}"


class Customer(models.Model):
    """A customer known only by a pseudonymous external id (no name, no contact data)."""

    external_id = models.CharField(_("external id"), max_length=100, unique=True)
    segment = models.CharField(_("segment"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")

    def __str__(self) -> str:
        return self.external_id


class Interaction(models.Model):
    """One customer contact as the helpdesk or phone system recorded it; the unit that gets reviewed."""

    external_id = models.CharField(_("external id"), max_length=100)
    source = models.CharField(_("source"), max_length=50)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    language = models.CharField(_("language"), max_length=LANGUAGE_TAG_MAX, blank=True, help_text=_("A BCP 47 tag."))
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.SET_NULL, null=True, blank=True, related_name="interactions"
    )
    # team, site, label, SOP and last agent have no index of their own: a handful of values each, so the lists
    # (newest first) walk the created_at index and filter, and each index cost every imported row an insertion
    # (benchmarks/README.md). The customer keeps its index: thousands of values, looked up one at a time.
    team = models.ForeignKey(
        Team,
        verbose_name=_("team"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="interactions",
        db_index=False,
    )
    site = models.ForeignKey(
        Site,
        verbose_name=_("site"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="interactions",
        db_index=False,
    )
    label = models.ForeignKey(
        Label,
        verbose_name=_("label"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="interactions",
        db_index=False,
    )
    sop = models.ForeignKey(
        Sop,
        verbose_name=_("SOP applied"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="interactions",
        db_index=False,
    )
    phase = models.CharField(_("journey phase"), max_length=20, choices=JourneyPhase.choices, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    agent = models.ForeignKey(
        Agent,
        verbose_name=_("agent"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        help_text=_("The last agent who handled the contact; the full order is in the handlers list."),
    )
    agents = models.ManyToManyField(Agent, through="InteractionAgent", verbose_name=_("agents"), related_name="interactions")
    created_at = models.DateTimeField(_("created"))
    queued_at = models.DateTimeField(_("queued"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    first_reply_at = models.DateTimeField(_("first agent reply"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    talk_seconds = models.PositiveIntegerField(_("talk time (s)"), null=True, blank=True)
    hold_seconds = models.PositiveIntegerField(_("hold time (s)"), null=True, blank=True)
    acw_seconds = models.PositiveIntegerField(_("after-contact work (s)"), null=True, blank=True)
    abandoned = models.BooleanField(_("abandoned"), default=False)
    reopens = models.PositiveSmallIntegerField(
        _("reopened"),
        default=0,
        db_default=0,
        help_text=_("How many times the customer reopened the contact after it was resolved."),
    )
    customer_rating = models.CharField(
        _("customer rating"),
        max_length=10,
        choices=CustomerRating.choices,
        blank=True,
        default="",
        db_default="",
        help_text=_("The customer's own rating of the contact, when the helpdesk collected one."),
    )
    complaint = models.BooleanField(
        _("complaint"), default=False, db_default=False, help_text=_("The customer filed a complaint about this contact.")
    )
    # Custom fields ({key: value}) and tags (a list) as JSON on the row: an import writes them with the interaction in
    # one COPY or UPDATE (a table of their own would cost rows per contact and a sync on every re-import), and on
    # PostgreSQL a GIN index (jsonb_path_ops, migration 0010) answers "tag X" and "field = value" by containment.
    custom_fields = models.JSONField(_("custom fields"), default=dict, blank=True)
    tags = models.JSONField(_("tags"), default=list, blank=True)
    message_count = models.PositiveIntegerField(_("messages"), default=0)
    imported_at = models.DateTimeField(_("imported"), auto_now=True)
    # Digests of the handlers and of the transcript as last imported: a re-import compares them to tell unchanged
    # rows without reading every message back ("" = not known, e.g. made outside an import: compared in full).
    handlers_hash = models.CharField(max_length=32, blank=True, default="", db_default="", editable=False)
    transcript_hash = models.CharField(max_length=32, blank=True, default="", db_default="", editable=False)
    # The digest of the row (a JSON Lines line's bytes, a CSV row's cells) that last wrote it: a re-import of the very
    # same row is recognised without validating it again.
    row_hash = models.CharField(max_length=32, blank=True, default="", db_default="", editable=False)

    objects = InteractionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("interaction")
        verbose_name_plural = _("interactions")
        constraints = [models.UniqueConstraint(fields=["source", "external_id"], name="interaction_source_external_id")]
        indexes = [
            models.Index(fields=["created_at"]),
            # The costs page and the other figures of incidents resolved in a period read a month of a long history by it.
            models.Index(fields=["resolved_at"], name="interaction_resolved_at"),
            models.Index(fields=["channel", "created_at"]),
            models.Index(fields=["row_hash"], name="interaction_row_hash"),
            # FCR's "next contact from the same customer on the same reason" reads each customer's contacts of a
            # reason in time order (qadesk/operations/sql.py): this index gives them in that order, without a sort.
            models.Index(fields=["customer", "label", "created_at"], name="interaction_customer_label"),
        ]

    def __str__(self) -> str:
        return f"{self.source}:{self.external_id}"


class InteractionAgent(models.Model):
    """One agent's turn on an interaction; position 0 took it first, later positions are reassignments."""

    # No index of its own: the unique (interaction, position) constraint serves lookups and the cascade.
    interaction = models.ForeignKey(Interaction, on_delete=models.CASCADE, related_name="handlers", db_index=False)
    agent = models.ForeignKey(Agent, on_delete=models.PROTECT, related_name="handled")
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["interaction", "position"]
        constraints = [models.UniqueConstraint(fields=["interaction", "position"], name="interaction_agent_position")]

    def __str__(self) -> str:
        return f"{self.interaction_id}#{self.position}: {self.agent_id}"


class TranscriptRevision(models.Model):
    """A transcript as it stood before a re-import replaced it (`qadesk import --new-revision`): kept because reviews,
    disputes or a calibration scored it. Its messages are the very rows they scored, moved out of the interaction's
    current transcript (`Message.revision` set, `Message.interaction` empty), so a review of one message still points
    at that message. Reviews and calibration items that scored it point at it (`transcript`); numbered from 1 per
    interaction, oldest first."""

    interaction = models.ForeignKey(
        Interaction, verbose_name=_("interaction"), on_delete=models.CASCADE, related_name="transcript_revisions"
    )
    number = models.PositiveIntegerField(_("revision"))
    message_count = models.PositiveIntegerField(_("messages"), default=0)
    replaced_at = models.DateTimeField(_("replaced"), help_text=_("When a re-import replaced it with a newer transcript."))

    class Meta:
        ordering = ["interaction", "number"]
        verbose_name = _("transcript revision")
        verbose_name_plural = _("transcript revisions")
        constraints = [models.UniqueConstraint(fields=["interaction", "number"], name="transcript_revision_number")]

    def __str__(self) -> str:
        return f"{self.interaction_id} t{self.number}"


class Message(models.Model):
    """One message of a transcript. Bodies are customer-written: plain text is always rendered escaped, an HTML body
    (body_format html) only through the allow-list sanitiser (interactions/html.py). The body is kept as imported.

    An *event* (author_role event) is no chat message but something done during the contact: an agent's action in a
    tool (`account-lookup`, `refund-issued`, the agent who did it in `agent`) or a system event (`transferred`), named
    by `event_name` with its `event_parameters` (a JSON object, e.g. {"to": "billing"}); its body, if any, describes
    it. A message may carry a machine `translation` of its body (in `translation_language`) beside the original.
    """

    # No index of its own: the unique (interaction, position) constraint serves lookups and the cascade. Empty for a
    # message of an earlier transcript kept for its reviews (then `revision` holds it): it is no longer the contact's.
    interaction = models.ForeignKey(
        Interaction,
        verbose_name=_("interaction"),
        on_delete=models.CASCADE,
        related_name="messages",
        db_index=False,
        null=True,
        blank=True,
    )
    revision = models.ForeignKey(
        TranscriptRevision,
        verbose_name=_("transcript revision"),
        on_delete=models.CASCADE,
        related_name="messages",
        null=True,
        blank=True,
        db_index=False,
        help_text=_("Set on the messages of a replaced transcript that reviews scored."),
    )
    position = models.PositiveIntegerField(_("position"))
    author_role = models.CharField(_("author"), max_length=20, choices=AuthorRole.choices)
    # No index: nothing looks messages up by agent, and every imported message would pay for it.
    agent = models.ForeignKey(
        Agent, verbose_name=_("agent"), on_delete=models.SET_NULL, null=True, blank=True, related_name="messages", db_index=False
    )
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    body = models.TextField(_("body"))
    body_format = models.CharField(
        _("body format"), max_length=4, choices=BodyFormat.choices, default=BodyFormat.TEXT, db_default=BodyFormat.TEXT
    )
    is_public = models.BooleanField(_("public"), default=True, help_text=_("False for internal notes the customer never saw."))
    language = models.CharField(
        _("language"),
        max_length=LANGUAGE_TAG_MAX,
        blank=True,
        default="",
        db_default="",
        help_text=_("A BCP 47 tag, when this message's language differs from the interaction's."),
    )
    event_name = models.CharField(
        _("event"),
        max_length=100,
        blank=True,
        default="",
        db_default="",
        help_text=_("What happened, for an action or event (e.g. refund-issued); empty for other messages."),
    )
    event_parameters = models.JSONField(
        _("event parameters"), null=True, blank=True, help_text=_("The event's details, as a JSON object.")
    )
    translation = models.TextField(
        _("translation"), blank=True, default="", db_default="", help_text=_("A translation of the body, when one was made.")
    )
    translation_language = models.CharField(
        _("translation language"),
        max_length=LANGUAGE_TAG_MAX,
        blank=True,
        default="",
        db_default="",
        help_text=_("A BCP 47 tag: the language of the translation."),
    )

    class Meta:
        ordering = ["interaction", "position"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        constraints = [
            models.UniqueConstraint(fields=["interaction", "position"], name="message_position"),
            # Also serves reading a revision's messages in order (few rows: only transcripts replaced after review).
            models.UniqueConstraint(
                fields=["revision", "position"], condition=models.Q(revision__isnull=False), name="message_revision_position"
            ),
            # A message belongs to the current transcript or to a kept revision: never to neither.
            models.CheckConstraint(
                condition=models.Q(interaction__isnull=False) | models.Q(revision__isnull=False), name="message_has_a_transcript"
            ),
        ]
        # Only events are indexed (a few per transcript): "has event X" finds its interactions without reading messages.
        indexes = [
            models.Index(fields=["event_name", "interaction"], condition=models.Q(author_role="event"), name="message_event_name")
        ]

    def __str__(self) -> str:
        return f"{self.interaction_id}#{self.position} {self.author_role}"
