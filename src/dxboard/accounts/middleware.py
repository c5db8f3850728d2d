from django.http import JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from .twofactor import confirmed_device, needs_second_factor

# Paths a half-logged-in user may reach: the second-factor pages themselves and what they need.
OPEN_PREFIXES = ("/accounts/2fa/", "/accounts/logout/", "/static/", "/i18n/", "/healthz")


class RequireTwoFactorMiddleware:
    """A user who has a TOTP device, or who is an administrator, must pass the second factor before
    anything else; an administrator without a device must enrol one first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (user.is_authenticated and not user.is_verified() and not request.path.startswith(OPEN_PREFIXES)
                and needs_second_factor(user)):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": _("Two-factor verification required.")}, status=403)
            target = "accounts:2fa-verify" if confirmed_device(user) else "accounts:2fa-setup"
            return redirect(target)
        return self.get_response(request)
