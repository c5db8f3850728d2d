"""A person's API token on the API: `Authorization: Token <secret>`, as before, now checked against the
stored digest, the expiry and the revocation. DRF's TokenAuthentication parses the header (and
drf-spectacular documents the scheme for its subclasses); only the look-up is ours."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from . import actions
from .models import ApiToken


class ApiTokenAuthentication(authentication.TokenAuthentication):
    model = ApiToken

    def authenticate_credentials(self, key):
        token = ApiToken.objects.select_related("user").filter(digest=ApiToken.digest_of(key)).first()
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        if token.revoked is not None:
            raise exceptions.AuthenticationFailed(_("This token has been revoked. Create a new one on your "
                                                    "account's API tokens page."))
        if token.is_expired(timezone.now()):
            raise exceptions.AuthenticationFailed(_("This token has expired. Create a new one on your "
                                                    "account's API tokens page."))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("This account is disabled."))
        actions.note_token_use(acting_user=token.user, token=token)
        return token.user, token
