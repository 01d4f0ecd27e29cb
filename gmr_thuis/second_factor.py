"""The optional second factor for staff: a TOTP device (django-otp), set up once, asked at login.

A staff account without a confirmed device logs in with its password as before. Once a device is
confirmed, every login (the site's and /admin/login/) also asks for the six-digit code. Wrong
codes count as failed logins for the lockout (django-axes) on top of django-otp's own growing
delay per device, so the code cannot be guessed either. A session that did not pass the code
(one opened before the device was confirmed, on another computer) is ended at its next request
(`SecondFactorSessionMiddleware`): switching the second factor on also shuts the old doors.
"""

from base64 import b32encode

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.urls import reverse
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from gmr_thuis.permissions import may_set_up_second_factor

DEVICE_NAME = "Authenticator-app"


def confirmed_device(user) -> TOTPDevice | None:
    """The device whose code `user` must give at login, or None."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def _device_key(user_id) -> str:
    return f"gmr:second-factor:{user_id}"


def has_confirmed_device(user) -> bool:
    """Whether login asks `user` for a code; cached, so an ordinary request costs no query."""
    key = _device_key(user.pk)
    known = cache.get(key)
    if known is None:
        known = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        cache.set(key, known, timeout=24 * 3600)
    return known


@receiver(post_save, sender=TOTPDevice)
@receiver(post_delete, sender=TOTPDevice)
def _device_changed(sender, instance, **kwargs):
    # Also when the platform administrator removes a device in the admin. Once more after the
    # commit, so a request reading in between cannot keep the old answer.
    key = _device_key(instance.user_id)
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))


class SecondFactorSessionMiddleware:
    """Ends a session of an account with a second factor that did not pass the code."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if may_set_up_second_factor(user) and not user.is_verified() and has_confirmed_device(user):
            logout(request)
            messages.info(
                request,
                _("Log opnieuw in, nu met de code uit uw authenticator-app."),
            )
            admin = request.path.startswith(reverse("admin:index"))
            return redirect_to_login(
                request.get_full_path(), reverse("admin:login") if admin else None
            )
        return self.get_response(request)


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
