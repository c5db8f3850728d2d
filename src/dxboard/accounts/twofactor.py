"""TOTP two-factor authentication on top of django-otp's TOTP devices."""

import segno
from django_otp.plugins.otp_totp.models import TOTPDevice

from .permissions import is_admin


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def needs_second_factor(user) -> bool:
    """Has a device to verify, or must enrol one (administrators must)."""
    return confirmed_device(user) is not None or is_admin(user)


def pending_device(user) -> TOTPDevice:
    """The unconfirmed device being enrolled (created on first call, reused on reloads)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


def qr_svg(device: TOTPDevice) -> str:
    return segno.make(device.config_url, error="m").svg_inline(scale=5, dark="#1d2733")
