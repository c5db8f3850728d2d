"""People: memberships of users in units with a role, the login-failure counter, preferences and API tokens."""

import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dxboard.core.querysets import RestrictedQuerySet


class Role(models.TextChoices):
    ADMIN = "admin", _("Province administrator")
    OFFICER = "officer", _("Unit officer")
    REVIEWER = "reviewer", _("Reviewer")
    LEADER = "leader", _("Leader")


class Membership(models.Model):
    """A user acts for a unit in a role. A reviewer has one membership per unit assigned to them."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships",
                             verbose_name=_("user"))
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="memberships",
                             verbose_name=_("unit"))
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    title = models.CharField(_("job title"), max_length=120, blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()
    unit_path = "unit"
    # Only administrators manage memberships; officers may see who else acts for their unit.
    grants = {Role.OFFICER: {"view"}, Role.REVIEWER: set(), Role.LEADER: {"view"}}

    class Meta:
        ordering = ["unit__name", "role", "user__username"]
        constraints = [models.UniqueConstraint(fields=["user", "unit", "role"], name="one_membership_per_role")]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.unit}"


class LoginThrottle(models.Model):
    """Failed logins per account name. Updated with single UPDATE statements, so two parallel
    wrong guesses both count (no read-modify-write race)."""

    username = models.CharField(_("username"), max_length=150, unique=True)
    failures = models.PositiveIntegerField(_("failed attempts"), default=0)
    first_failure = models.DateTimeField(_("first failure"), null=True)
    locked_until = models.DateTimeField(_("locked until"), null=True)

    class Meta:
        verbose_name = _("login throttle")
        verbose_name_plural = _("login throttles")

    def __str__(self) -> str:
        return f"{self.username}: {self.failures}"


class Preference(models.Model):
    """What a person chose for themselves: the language the platform speaks to them — on its pages after they
    sign in, and in the notifications and e-mails others' actions send them."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True,
                                related_name="preference", verbose_name=_("user"))
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES,
                                default=settings.LANGUAGE_CODE)

    class Meta:
        verbose_name = _("preference")
        verbose_name_plural = _("preferences")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.language}"


def languages_of(users) -> dict:
    """{user id: language code} for `users`, the platform's language where a person chose none (one query)."""
    ids = [u.pk for u in users]
    chosen = dict(Preference.objects.filter(user_id__in=ids).values_list("user_id", "language"))
    return {pk: chosen.get(pk, settings.LANGUAGE_CODE) for pk in ids}


class ApiToken(models.Model):
    """A person's key for programs that call the API on their behalf. Several per person, each named by its
    owner. Only the SHA-256 of the secret is stored: the secret itself is shown once, when it is created, and
    a copy of the database lets nobody in. Random 256-bit secrets need no slow hash (nothing to guess)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens",
                             verbose_name=_("user"))
    name = models.CharField(_("name"), max_length=100)
    digest = models.CharField(_("hash"), max_length=64, unique=True, editable=False)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    expires = models.DateTimeField(_("expires at"))
    last_used = models.DateTimeField(_("last used at"), null=True, blank=True)
    # When a use last went to the audit log: uses are logged at most once an hour per token.
    use_logged = models.DateTimeField(_("use last logged at"), null=True, blank=True, editable=False)
    revoked = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.user} — {self.name}"

    @staticmethod
    def digest_of(secret: str) -> str:
        return hashlib.sha256(secret.encode()).hexdigest()

    def is_expired(self, now=None) -> bool:
        return self.expires <= (now or timezone.now())

    @property
    def is_usable(self) -> bool:
        return self.revoked is None and not self.is_expired()
