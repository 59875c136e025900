"""People and organisation: users with roles, sites, teams, agents, settings and API tokens."""

import hashlib
import secrets
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AbstractUser
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qadesk.accounts.querysets import AgentQuerySet, ApiTokenQuerySet, SavedFilterQuerySet
from qadesk.core.text import strip_bidi_controls


class Role(models.TextChoices):
    ADMIN = "admin", _("Admin")
    QA_LEAD = "qa_lead", _("QA lead")
    REVIEWER = "reviewer", _("Reviewer")
    TEAM_LEAD = "team_lead", _("Team lead")
    AGENT = "agent", _("Agent")
    MANAGER = "manager", _("Manager")


class Site(models.Model):
    """A physical or legal location of the contact centre (a city); the audit must cover every site."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    country = models.CharField(_("country"), max_length=2, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("site")
        verbose_name_plural = _("sites")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        self.name = strip_bidi_controls(self.name)  # names are shown as typed, never reordered (core.text)


class Team(models.Model):
    """A group of agents led by a team lead, working from one site."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    site = models.ForeignKey(Site, verbose_name=_("site"), on_delete=models.PROTECT, null=True, blank=True, related_name="teams")

    class Meta:
        ordering = ["name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        self.name = strip_bidi_controls(self.name)


class User(AbstractUser):
    """A person who logs in. Their role decides what they see and do; an agent's login links to an Agent."""

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.AGENT)
    language = models.CharField(_("language"), max_length=8, default="en", help_text=_("Language of the interface and e-mails."))
    review_languages = models.JSONField(
        _("languages I review"),
        default=list,
        blank=True,
        help_text=_(
            "Languages (such as it, fr) of the conversations this person reviews; sampling gives them those first. "
            "Empty: no preference."
        ),
    )
    team = models.ForeignKey(
        Team,
        verbose_name=_("team"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
        help_text=_("The team a team lead leads or an agent belongs to."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def clean(self) -> None:
        super().clean()
        self.first_name, self.last_name = strip_bidi_controls(self.first_name), strip_bidi_controls(self.last_name)

    def save(self, *args: Any, **kwargs: Any) -> None:
        # set_password() leaves the new password in _password until the user is saved; Django clears it before
        # saving a mere re-hash at login, so this is a real change, whatever the path: the password change form, a
        # reset, the admin, `changepassword`. A token must not outlive the password it was issued under.
        password_changed = getattr(self, "_password", None) is not None and not self._state.adding
        super().save(*args, **kwargs)
        if password_changed:
            ApiToken.objects.filter(user=self, revoked_at__isnull=True).update(
                revoked_at=timezone.now(), revoked_reason=ApiToken.Revoked.PASSWORD
            )

    @property
    def sees_everything(self) -> bool:
        """Admins, QA leads and managers read every team's data."""
        return self.role in {Role.ADMIN, Role.QA_LEAD, Role.MANAGER} or self.is_superuser

    @property
    def can_review(self) -> bool:
        return self.role in {Role.ADMIN, Role.QA_LEAD, Role.REVIEWER}


class Agent(models.Model):
    """Someone (or a bot) who handles customer contacts. Agents are imported from helpdesks and need not have a login:
    `people invite` creates one from their e-mail, and their reviews wait for them until then."""

    username = models.CharField(_("username"), max_length=150, unique=True, help_text=_("The agent's id in the helpdesk."))
    display_name = models.CharField(_("display name"), max_length=150, blank=True)
    team = models.ForeignKey(
        Team, verbose_name=_("team"), on_delete=models.SET_NULL, null=True, blank=True, related_name="agents"
    )
    site = models.ForeignKey(
        Site, verbose_name=_("site"), on_delete=models.SET_NULL, null=True, blank=True, related_name="agents"
    )
    user = models.OneToOneField(
        User, verbose_name=_("login"), on_delete=models.SET_NULL, null=True, blank=True, related_name="agent"
    )
    is_active = models.BooleanField(_("active"), default=True)
    # From the import (agent_email): where `people invite` sends the invitation that creates the login.
    email = models.EmailField(_("e-mail"), blank=True, default="", db_default="")
    is_bot = models.BooleanField(
        _("bot"),
        default=False,
        db_default=False,
        help_text=_("A bot or virtual agent: reviewed like a person, reported apart."),
    )

    objects = AgentQuerySet.as_manager()

    class Meta:
        ordering = ["display_name", "username"]
        verbose_name = _("agent")
        verbose_name_plural = _("agents")

    def __str__(self) -> str:
        return self.display_name or self.username

    def clean(self) -> None:
        self.username, self.display_name = strip_bidi_controls(self.username), strip_bidi_controls(self.display_name)


# Upper bounds of the settings as the settings page and the API accept them: day and hour counts are added to dates,
# and a date past the year 9999 cannot be computed (ten years of dispute window is already far beyond any use).
SETTING_MAX_DAYS = 3650
SETTING_MAX_HOURS = 24 * 365
SETTING_MAX_MINIMUM_N = 100_000


class OrgSettings(models.Model):
    """The organisation's QA settings; there is exactly one row (pk=1)."""

    pass_mark = models.DecimalField(
        _("pass mark"), max_digits=5, decimal_places=2, default=80, help_text=_("A review scoring at least this passes.")
    )
    minimum_n = models.PositiveIntegerField(
        _("minimum reviews"),
        default=5,
        validators=[MinValueValidator(2)],
        help_text=_("Below this many reviews a score is marked not conclusive (at least 2: one review has no interval)."),
    )
    max_interval_width = models.DecimalField(
        _("maximum interval width"),
        max_digits=5,
        decimal_places=1,
        default=Decimal(20),
        validators=[MinValueValidator(Decimal(1)), MaxValueValidator(Decimal(100))],
        help_text=_(
            "A score is conclusive only when its interval (95 %) is at most this many points wide (1–100), "
            "however many reviews it has."
        ),
    )
    allow_self_review = models.BooleanField(_("allow self-review"), default=False)
    dispute_window_days = models.PositiveIntegerField(
        _("dispute window (days)"), default=7, help_text=_("How long after submission an agent may dispute a review.")
    )
    dispute_decision_days = models.PositiveIntegerField(
        _("days to decide a dispute"), default=5, help_text=_("A dispute undecided after this is overdue.")
    )
    disputes_go_to_qa_lead = models.BooleanField(
        _("disputes go to a QA lead"), default=False, help_text=_("Otherwise to the original reviewer, who may escalate.")
    )
    calibration_reminder_hours = models.PositiveIntegerField(
        _("calibration reminder (hours before the deadline)"),
        default=24,
        help_text=_(
            "Participants who have not scored every interaction of a session are reminded this long before its deadline; "
            "0: never. Sessions opened closer to their deadline than this get no reminder."
        ),
    )

    class Meta:
        verbose_name = _("organisation settings")
        verbose_name_plural = _("organisation settings")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)

    @classmethod
    def load(cls) -> "OrgSettings":
        obj, _created = cls.objects.get_or_create(pk=1)
        return obj


class ApiToken(models.Model):
    """A personal API token. Only a SHA-256 digest is stored; the key is shown once when created. A token may expire,
    and is revoked by its owner, by an admin, or when its owner's password changes; then the API answers 401."""

    class Revoked(models.TextChoices):
        OWNER = "owner", _("by its owner")
        ADMIN = "admin", _("by an admin")
        PASSWORD = "password", _("when the password changed")

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=12, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True, help_text=_("Empty: never."))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)
    revoked_reason = models.CharField(_("revoked"), max_length=10, choices=Revoked.choices, blank=True, editable=False)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @staticmethod
    def generate_key() -> str:
        return "qad_" + secrets.token_urlsafe(32)

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and not self.is_expired


class SavedFilter(models.Model):
    """A list's filters saved under a name by one person, to apply again in one click (interactions, reviews)."""

    class Page(models.TextChoices):
        INTERACTIONS = "interactions", _("Interactions")
        REVIEWS = "reviews", _("Reviews")

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="saved_filters")
    page = models.CharField(_("list"), max_length=20, choices=Page.choices)
    name = models.CharField(_("name"), max_length=80)
    query = models.CharField(_("filters"), max_length=2000, blank=True, help_text=_("The list's query string."))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = SavedFilterQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("saved filter")
        verbose_name_plural = _("saved filters")
        constraints = [models.UniqueConstraint(fields=["user", "page", "name"], name="saved_filter_name")]

    def __str__(self) -> str:
        return self.name
