"""Who may call the API: a token holder reads; only a token with the write flag writes."""

from django.utils.translation import gettext_lazy as _
from rest_framework import permissions

from gmr_thuis.models import ApiToken


class HasApiToken(permissions.BasePermission):
    """Without a token DRF answers 401; a read-only token that writes gets 403.

    What the token's user may see or change is decided by `gmr_thuis.permissions.restrict`
    in the base viewset, not here.
    """

    message = _("Deze sleutel mag alleen lezen.")

    def has_permission(self, request, view):
        if not isinstance(request.auth, ApiToken):
            return False
        return request.method in permissions.SAFE_METHODS or request.auth.can_write
