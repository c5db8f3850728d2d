from django import forms
from django.contrib.auth import authenticate
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from . import throttle


class LoginForm(forms.Form):
    username = forms.CharField(label=_("User name"), max_length=150,
                               widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}))
    password = forms.CharField(label=_("Password"), strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))

    def __init__(self, request=None, *args, **kwargs):
        self.request = request
        self.user = None
        super().__init__(*args, **kwargs)

    def clean(self):
        username, password = self.cleaned_data.get("username"), self.cleaned_data.get("password")
        if not username or not password:
            return self.cleaned_data
        until = throttle.locked_until(username)
        if until:
            raise forms.ValidationError(
                _("Too many failed attempts. This account is locked until %(time)s.")
                % {"time": formats.date_format(timezone.localtime(until), "H:i")}, code="locked")
        self.user = authenticate(self.request, username=username, password=password)
        if self.user is None or not self.user.is_active:
            if throttle.register_failure(username):
                raise forms.ValidationError(
                    _("Too many failed attempts. This account is locked for a while."), code="locked")
            raise forms.ValidationError(_("Wrong user name or password."), code="invalid_login")
        throttle.register_success(username)
        return self.cleaned_data


class TokenForm(forms.Form):
    token = forms.RegexField(label=_("Six-digit code"), regex=r"^\d{6}$",
                             widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric",
                                                           "autofocus": True}),
                             error_messages={"invalid": _("Enter the six digits shown by your authenticator app.")})


class ApiTokenForm(forms.Form):
    name = forms.CharField(label=_("Token name"), max_length=100,
                           help_text=_("Which program uses it, so that you recognise it later."))
