"""Agencies, teams and users. A user belongs to one agency (and optionally a team) and
holds one role; what the role may do lives in rules.py, what it may see in pole/access.py."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AbstractUser
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from .roles import AgencyKind, Role


class DataRegime(models.TextChoices):
    DPA_PART3 = "dpa_part3", "DPA 2018 Part 3 (law enforcement)"
    UK_GDPR = "uk_gdpr", "UK GDPR"


class Agency(models.Model):
    name = models.CharField(max_length=200, unique=True)
    short_name = models.CharField(max_length=40, blank=True)
    kind = models.CharField(max_length=32, choices=AgencyKind.choices)
    # NRM first responders (police, local authorities, some charities) may refer to the NRM.
    is_first_responder = models.BooleanField(default=False)
    is_hub_member = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return self.name

    @property
    def is_police(self) -> bool:
        return self.kind == AgencyKind.POLICE

    @property
    def data_regime(self) -> str:
        return DataRegime.DPA_PART3 if self.is_police else DataRegime.UK_GDPR


class Team(models.Model):
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True)

    class Meta:
        ordering = ["agency__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "name"], name="team_unique_per_agency")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.agency.short_name or self.agency.name})"


# User.has_perm's answers, by (permission, role, is_active, is_superuser).
_PERM_ANSWERS: dict[tuple[str, str, bool, bool], bool] = {}


class User(AbstractUser):
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="users", null=True, blank=True
    )
    team = models.ForeignKey(
        Team, on_delete=models.SET_NULL, related_name="members", null=True, blank=True
    )
    role = models.CharField(max_length=32, choices=Role.choices, default=Role.PRACTITIONER)
    job_title = models.CharField(max_length=200, blank=True)
    phone = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["last_name", "first_name"]

    if TYPE_CHECKING:
        # django-otp's OTPMiddleware binds this on the user of every request: whether the
        # session has passed the second step of signing in (cairn/accounts/two_step.py).
        def is_verified(self) -> bool: ...

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def has_perm(self, perm: str, obj: Any = None) -> bool:
        """Django's answer, remembered for the process: a page asks about the same dozen
        permissions many times (navigation, Tools link, sections, access checks), each
        answer going through every backend, and every request loads its user afresh. The
        answer depends only on the key's fields: the backends grant nothing but the role
        map (rules.py, fixed at import), and Django's own rule adds the active and
        superuser flags. Object permissions are never remembered."""
        if obj is not None:
            return super().has_perm(perm, obj)
        key = (perm, self.role, self.is_active, self.is_superuser)
        answer = _PERM_ANSWERS.get(key)
        if answer is None:
            answer = _PERM_ANSWERS[key] = super().has_perm(perm)
        return answer

    @property
    def is_police(self) -> bool:
        return self.agency is not None and self.agency.is_police

    @property
    def role_label(self) -> str:
        return Role(self.role).label


class ChangeRequestStatus(models.TextChoices):
    PENDING = "pending", "Waiting for approval"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    SUPERSEDED = "superseded", "Replaced by a later change"


class AccountChangeRequest(models.Model):
    """A change to a user's access that would grant police or intelligence data access: it
    waits here until a second system admin approves it (cairn/accounts/services.py)."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="change_requests")
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    # The access fields as they were when asked, and the values asked for (ids for agency
    # and team): approval refuses if the account has changed in between.
    before = models.JSONField(default=dict)
    changes = models.JSONField(default=dict)
    grants = models.JSONField(default=list)  # what the change would newly give, in words
    status = models.CharField(
        max_length=16, choices=ChangeRequestStatus.choices, default=ChangeRequestStatus.PENDING
    )
    decided_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["requested_at", "pk"]
        indexes = [models.Index(fields=["status", "requested_at"], name="acct_change_status")]

    def __str__(self) -> str:
        return f"Change #{self.pk} to {self.user}"


class IdentityProvider(models.Model):
    """An agency's OpenID Connect identity provider (the force's Entra ID, the council's,
    the NHS trust's): its staff sign in there instead of with a Cairn password. The client
    secret is never stored here: `client_secret_env` names the environment variable that
    holds it (docs/deployment.md)."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="identity_providers")
    name = models.CharField(
        max_length=120, help_text="Shown on the sign-in button, e.g. 'Northshire Police (Entra ID)'"
    )
    slug = models.SlugField(max_length=40, unique=True)
    is_enabled = models.BooleanField(default=True)
    issuer = models.URLField(help_text="Must equal the 'iss' of every ID token")
    authorization_endpoint = models.URLField()
    token_endpoint = models.URLField()
    userinfo_endpoint = models.URLField()
    jwks_uri = models.URLField(verbose_name="JWKS URI")
    end_session_endpoint = models.URLField(
        blank=True, help_text="Leave empty if the provider does not support signing out"
    )
    client_id = models.CharField(max_length=200)
    client_secret_env = models.CharField(
        max_length=100, help_text="The environment variable holding the client secret"
    )
    scopes = models.CharField(max_length=200, default="openid email profile")
    # Role from the provider's groups: only where the agency trusts its provider's groups;
    # otherwise every new account starts as a practitioner and an admin sets the role.
    role_from_groups = models.BooleanField(default=False)
    groups_claim = models.CharField(max_length=60, default="groups")
    group_roles = models.JSONField(
        default=dict, blank=True, help_text='Group id to Cairn role, e.g. {"a1b2...": "analyst"}'
    )
    # The provider's own MFA counts as Cairn's second step only where configured.
    mfa_satisfies_two_step = models.BooleanField(default=False)
    mfa_amr_values = models.JSONField(default=list, blank=True, help_text='e.g. ["mfa"]')
    mfa_acr_values = models.JSONField(default=list, blank=True)
    # prompt=login: on a shared computer a provider session left open (the sign-out
    # confirmation at the provider skipped) must not sign the next person in.
    reauthenticate = models.BooleanField(
        default=True,
        verbose_name="Ask for the provider sign-in every time",
        help_text="Sends prompt=login. Turn off only where every device is single-user.",
    )
    # An API token must not outlive the provider account by long: Cairn is not told when
    # the provider disables someone (docs/deployment.md).
    api_token_max_days = models.PositiveSmallIntegerField(
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        verbose_name="Longest API token for these accounts (days)",
    )

    class Meta:
        ordering = ["agency__name", "name"]

    def __str__(self) -> str:
        return self.name


class ExternalIdentity(models.Model):
    """A Cairn user's identity at a provider: the provider's stable subject (`sub`), never
    an email address, which a provider may reassign."""

    provider = models.ForeignKey(
        IdentityProvider, on_delete=models.PROTECT, related_name="identities"
    )
    subject = models.CharField(max_length=255)
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="external_identities")
    created_at = models.DateTimeField(default=timezone.now)
    last_sign_in_at = models.DateTimeField(null=True, blank=True)
    # What the provider said at the last sign-in, for the admin who approves the account.
    email = models.CharField(max_length=254, blank=True)
    groups = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name_plural = "external identities"
        constraints = [
            models.UniqueConstraint(fields=["provider", "subject"], name="ext_identity_unique_sub")
        ]

    def __str__(self) -> str:
        return f"{self.provider.slug}:{self.subject}"
