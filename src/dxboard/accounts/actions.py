"""State changes of people and permissions: atomic, audited, keyword-only acting user."""

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from rest_framework.authtoken.models import Token

from dxboard.audit.log import record, snapshot

from .models import Membership
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


@transaction.atomic
def issue_api_token(*, acting_user, user) -> Token:
    """A new API token for machine clients (replaces the old one)."""
    if acting_user is not None and acting_user != user:
        _require_admin(acting_user)
    Token.objects.filter(user=user).delete()
    token = Token.objects.create(user=user)
    # The token itself never goes to the log.
    record(actor=acting_user, action="accounts.issue_token", obj=user, after={"token_for": user.username})
    return token


@transaction.atomic
def set_language(*, acting_user, language: str) -> None:
    """A person's own choice of language (nobody else's: it is their preference)."""
    from django.conf import settings

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
