import base64

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from dxboard.audit.log import record

from . import actions
from .forms import ApiTokenForm, LoginForm, TokenForm
from .models import ApiToken, Preference
from .twofactor import confirmed_device, pending_device, qr_svg


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse_lazy("core:home")


def login_view(request):
    form = LoginForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        login(request, form.user)  # rotates the session key: no fixation
        record(actor=form.user, action="accounts.login", obj=form.user)
        return _in_chosen_language(redirect(_next_url(request)), form.user)
    return render(request, "accounts/login.html", {"form": form, "next": request.GET.get("next", "")})


def _in_chosen_language(response, user):
    """The pages speak the language the person chose (on any device), once they have chosen one."""
    preference = Preference.objects.filter(user=user).first()
    if preference is not None:
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, preference.language, samesite="Lax",
                            max_age=settings.LANGUAGE_COOKIE_AGE, secure=settings.LANGUAGE_COOKIE_SECURE)
    return response


@require_POST
def logout_view(request):
    logout(request)
    return redirect("core:home")


@login_required
def verify(request):
    device = confirmed_device(request.user)
    if device is None:
        return redirect("accounts:2fa-setup")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            otp_login(request, device)
            return redirect(_next_url(request))
        form.add_error("token", _("This code is wrong or has expired."))
    return render(request, "accounts/verify.html", {"form": form})


@login_required
def setup(request):
    if confirmed_device(request.user) is not None:
        return redirect("accounts:security")
    device = pending_device(request.user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            actions.confirm_totp(acting_user=request.user, device=device)
            otp_login(request, device)
            messages.success(request, _("Two-factor authentication is on."))
            return redirect("core:home")
        form.add_error("token", _("This code is wrong or has expired."))
    return render(request, "accounts/setup.html", {
        "form": form, "qr": qr_svg(device), "secret": base64.b32encode(device.bin_key).decode(),
    })


@login_required
def security(request):
    return render(request, "accounts/security.html", {"has_2fa": confirmed_device(request.user) is not None})


@login_required
def api_tokens(request):
    """The person's own tokens; a new one's secret is in this response only (never stored, never again)."""
    form = ApiTokenForm(request.POST or None)
    secret = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, secret = actions.issue_api_token(acting_user=request.user, user=request.user,
                                                     name=form.cleaned_data["name"])
        except actions.NotAllowed:
            form.add_error(None, _("An administrator's token can only be created after two-factor verification "
                                   "in this session."))
        else:
            form = ApiTokenForm()
    return render(request, "accounts/tokens.html", {
        "form": form, "new_secret": secret, "now": timezone.now(), "token_days": settings.API_TOKEN_DAYS,
        "tokens": ApiToken.objects.filter(user=request.user),
    })


@login_required
@require_POST
def revoke_api_token(request, pk: int):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)  # someone else's token: 404
    actions.revoke_api_token(acting_user=request.user, token=token)
    messages.success(request, _("The token “%(name)s” is revoked.") % {"name": token.name})
    return redirect("accounts:tokens")


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password.html"
    success_url = reverse_lazy("accounts:security")

    def form_valid(self, form):
        response = super().form_valid(form)
        record(actor=self.request.user, action="accounts.change_password", obj=self.request.user)
        messages.success(self.request, _("Your password has been changed."))
        return response

