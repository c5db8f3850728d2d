import base64

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from dxboard.audit.log import record

from . import actions
from .forms import LoginForm, TokenForm
from .models import Preference
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
    token = None
    if request.method == "POST" and request.POST.get("action") == "token":
        token = actions.issue_api_token(acting_user=request.user, user=request.user).key
    return render(request, "accounts/security.html", {"has_2fa": confirmed_device(request.user) is not None,
                                                      "new_token": token})


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password.html"
    success_url = reverse_lazy("accounts:security")

    def form_valid(self, form):
        response = super().form_valid(form)
        record(actor=self.request.user, action="accounts.change_password", obj=self.request.user)
        messages.success(self.request, _("Your password has been changed."))
        return response

