"""State changes of people and permissions: atomic, audited, keyword-only acting user."""

import datetime
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from dxboard.audit.log import record, snapshot

from .models import ApiToken, Membership
from .permissions import is_admin


class NotAllowed(PermissionError):
    pass


def _require_admin(acting_user) -> None:
    if acting_user is not None and not is_admin(acting_user):
        raise NotAllowed("Only a province administrator may manage people.")


@transaction.atomic
def create_user(*, acting_user, username: str, password: str, full_name: str = "", email: str = ""):
    """Create a user. `acting_user=None` means the system itself (setup commands, demo loader)."""
    _require_admin(acting_user)
    first, _sep, last = full_name.rpartition(" ")
    user = get_user_model()(username=username, email=email, first_name=first, last_name=last)
    validate_password(password, user)
    user.set_password(password)
    user.save()
    record(actor=acting_user, action="accounts.create_user", obj=user, after=snapshot(user))
    return user


@transaction.atomic
def add_membership(*, acting_user, user, unit, role: str, title: str = "") -> Membership:
    _require_admin(acting_user)
    membership, created = Membership.objects.get_or_create(user=user, unit=unit, role=role, defaults={"title": title})
    if created:
        record(actor=acting_user, action="accounts.add_membership", obj=membership, after=snapshot(membership))
    return membership


@transaction.atomic
def remove_membership(*, acting_user, membership: Membership) -> None:
    _require_admin(acting_user)
    before = snapshot(membership)
    record(actor=acting_user, action="accounts.remove_membership", obj=membership, before=before)
    membership.delete()


@transaction.atomic
def confirm_totp(*, acting_user, device) -> None:
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    record(actor=acting_user, action="accounts.enable_2fa", obj=device, after={"device": device.name})


def _passed_second_factor(user) -> bool:
    # django_otp's middleware gives the request's user is_verified(); a user from elsewhere has not passed it.
    return bool(getattr(user, "is_verified", None) and user.is_verified())


@transaction.atomic
def issue_api_token(*, acting_user, user, name: str) -> tuple[ApiToken, str]:
    """A new API token for programs acting for `user`, beside the ones they have: (the token, its secret).
    The secret is returned once and never stored (only its digest). `acting_user=None` is the system itself.
    An administrator's token gives the whole province: it is issued only in a session that passed 2FA."""
    if acting_user is not None:
        if acting_user != user:
            _require_admin(acting_user)
        if (is_admin(user) or is_admin(acting_user)) and not _passed_second_factor(acting_user):
            raise NotAllowed("An administrator's API token needs a session verified by two-factor authentication.")
    secret = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name, digest=ApiToken.digest_of(secret),
                                    expires=timezone.now() + datetime.timedelta(days=settings.API_TOKEN_DAYS))
    # Neither the secret nor its digest goes to the log.
    record(actor=acting_user, action="accounts.issue_token", obj=token,
           after={"token_for": user.username, "name": name, "expires": token.expires.isoformat()})
    return token, secret


@transaction.atomic
def revoke_api_token(*, acting_user, token: ApiToken) -> None:
    """The owner (or an administrator) stops a token for good; it answers 401 from then on."""
    if acting_user != token.user:
        _require_admin(acting_user)
    if token.revoked is not None:
        return
    token.revoked = timezone.now()
    token.save(update_fields=["revoked"])
    record(actor=acting_user, action="accounts.revoke_token", obj=token,
           before={"revoked": None}, after={"revoked": token.revoked.isoformat()})


# A token used by a program every few seconds would flood the log: one row per token and hour says enough.
USE_LOGGED_EVERY = datetime.timedelta(hours=1)


@transaction.atomic
def note_token_use(*, acting_user, token: ApiToken) -> None:
    """A request authenticated by `token`: last_used always; an audit row at most once an hour per token.
    The conditional UPDATE lets only one of two parallel requests write that row."""
    now = timezone.now()
    ApiToken.objects.filter(pk=token.pk).update(last_used=now)
    due = ApiToken.objects.filter(pk=token.pk).filter(
        Q(use_logged__isnull=True) | Q(use_logged__lte=now - USE_LOGGED_EVERY)).update(use_logged=now)
    if due:
        record(actor=acting_user, action="accounts.use_token", obj=token, after={"name": token.name})


@transaction.atomic
def set_language(*, acting_user, language: str) -> None:
    """A person's own choice of language (nobody else's: it is their preference)."""
    from .models import Preference

    if language not in dict(settings.LANGUAGES):
        raise ValueError(language)
    preference, _created = Preference.objects.get_or_create(user=acting_user)
    if preference.language != language:
        before = {"language": preference.language}
        preference.language = language
        preference.save(update_fields=["language"])
        record(actor=acting_user, action="accounts.set_language", obj=preference, before=before,
               after={"language": language})
