"""Token authentication: `Authorization: Token <key>`; missing, unknown, expired or revoked is 401."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from gmr_thuis.tokens import api_token_for_key, api_token_mark_used

KEYWORD = "Token"


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
            raise exceptions.AuthenticationFailed(_("Ongeldige sleutel.")) from exc
        token = api_token_for_key(key)
        if token is None:
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
