"""The optional second factor for staff: a TOTP device (django-otp), set up once, asked at login.

A staff account without a confirmed device logs in with its password as before. Once a device is
confirmed, every login (the site's and /admin/login/) also asks for the six-digit code. Wrong
codes count as failed logins for the lockout (django-axes) on top of django-otp's own growing
delay per device, so the code cannot be guessed either.
"""

from base64 import b32encode

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from gmr_thuis.permissions import may_set_up_second_factor

DEVICE_NAME = "Authenticator-app"


def confirmed_device(user) -> TOTPDevice | None:
    """The device whose code `user` must give at login, or None."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def secret_of(device: TOTPDevice) -> str:
    """The secret as an authenticator app takes it by hand (base32)."""
    return b32encode(device.bin_key).decode()


class CodeRequired(ValidationError):
    """The password was right but no code was given: not a guess, so not counted as one."""


def code_check(device: TOTPDevice, code: str | None) -> None:
    """Accept a current code of `device` once; raise ValidationError otherwise."""
    if not (code or "").strip():
        raise CodeRequired(_("Geef ook de code uit uw authenticator-app."), code="code_required")
    allowed, _extra = device.verify_is_allowed()
    if not allowed:
        raise ValidationError(
            _("Te veel onjuiste codes. Wacht even en probeer het opnieuw."), code="throttled"
        )
    if not device.verify_token(code.strip()):
        raise ValidationError(_("De code is onjuist of verlopen."), code="invalid_code")


@transaction.atomic
def totp_device_pending(*, user) -> TOTPDevice:
    """The device `user` is setting up (not yet asked at login), made on first request."""
    if not may_set_up_second_factor(user):
        raise PermissionDenied
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


@transaction.atomic
def totp_device_confirm(*, user, code: str) -> TOTPDevice:
    """Confirm the pending device with a code from the app; from then on login asks for it."""
    device = (
        TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).first()
        if may_set_up_second_factor(user)
        else None
    )
    if device is None:
        raise PermissionDenied
    code_check(device, code)
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    # One device per account: an older confirmed one is replaced by the new.
    TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk).delete()
    return device
