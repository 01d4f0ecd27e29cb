"""Token authentication: `Authorization: Token <key>`; missing, unknown, expired or revoked is 401."""

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off
from django.contrib.auth.signals import user_login_failed
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from gmr_thuis.api.errors import throttled_error
from gmr_thuis.lockout import API_KEY_USERNAME, lockout_message
from gmr_thuis.tokens import api_token_for_key, api_token_mark_used

KEYWORD = "Token"


def _count_failure(request):
    """Wrong keys are counted per client address like wrong passwords (django-axes); past the
    limit the guesser gets 429 with the moment to try again instead of 401. A valid key keeps
    working from that address: guessing a 256-bit key is hopeless, locking a corporation's
    shared address out of the API because one system holds an old key would not be."""
    credentials = {"username": API_KEY_USERNAME}
    django_request = request._request
    user_login_failed.send(sender=__name__, credentials=credentials, request=django_request)
    if not AxesProxyHandler.is_allowed(django_request, credentials):
        cool_off = get_cool_off(django_request)
        raise throttled_error(cool_off.total_seconds(), lockout_message(cool_off))


class ApiTokenAuthentication(authentication.BaseAuthentication):
    """Sets `request.user` to the token's user and `request.auth` to the ApiToken."""

    def authenticate(self, request):
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].lower() != KEYWORD.lower().encode():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(
                _("Geef de sleutel als 'Authorization: Token <sleutel>'.")
            )
        try:
            key = parts[1].decode()
        except UnicodeError as exc:
            _count_failure(request)
            raise exceptions.AuthenticationFailed(_("Ongeldige sleutel.")) from exc
        token = api_token_for_key(key)
        if token is None:
            _count_failure(request)
            # One message for unknown, expired and revoked: a guesser learns nothing.
            raise exceptions.AuthenticationFailed(_("Ongeldige, verlopen of ingetrokken sleutel."))
        api_token_mark_used(token=token)
        return token.user, token

    def authenticate_header(self, request):
        return KEYWORD


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = ApiTokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Token <key>`, the key issued by the region's project leader.",
        }
