"""Authentication of a source system (not a person) for the push API:
`Authorization: Bearer <token>`. Only the token's SHA-256 is stored."""

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from ..models import SourceSystem, hash_token


class SourceTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword.lower().encode():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("Invalid source token header."))
        try:
            token = parts[1].decode()
        except UnicodeError as exc:
            raise exceptions.AuthenticationFailed(_("Invalid source token header.")) from exc
        system = SourceSystem.objects.filter(token_hash=hash_token(token), is_active=True).first()
        if system is None:
            raise exceptions.AuthenticationFailed(_("Invalid or inactive source token."))
        return system, system

    def authenticate_header(self, request):
        return self.keyword


class IsSourceSystem:
    def has_permission(self, request, view):
        return isinstance(request.auth, SourceSystem)

    def has_object_permission(self, request, view, obj):
        return True
