"""Issue, revoke and check API tokens; a key is shown once and only its digest is kept."""

import hashlib
import secrets
from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gmr_thuis.history import record_change
from gmr_thuis.models import ApiToken, ObjectChange
from gmr_thuis.permissions import can_administer, is_platform_admin, membership_of

KEY_PREFIX = "gmr_"
# The digest is what the database holds; the display prefix is the first characters of the key.
DISPLAY_PREFIX_LENGTH = 10


def key_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _same_region(actor, user):
    """The platform administrator acts everywhere; a project leader in their own region only."""
    if is_platform_admin(actor):
        return True
    mine, theirs = membership_of(actor), membership_of(user)
    return mine is not None and theirs is not None and mine.region_id == theirs.region_id


@transaction.atomic
def api_token_issue(
    *, issued_by, user, name: str, can_write: bool = False, expires_at: datetime | None = None
) -> tuple[ApiToken, str]:
    """A new token for `user` and its key (shown once, never stored).

    `issued_by` is a project leader or superuser; None is the operator at the command line,
    who already has the whole database.
    """
    if issued_by is not None and not can_administer(issued_by):
        raise PermissionDenied(_("Alleen de projectleider van de regio geeft API-sleutels uit."))
    if membership_of(user) is None:
        raise PermissionDenied(_("Deze gebruiker hoort bij geen organisatie."))
    if issued_by is not None and not _same_region(issued_by, user):
        raise PermissionDenied(_("Deze gebruiker hoort bij een andere regio."))
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user,
        name=name,
        key_digest=key_digest(key),
        prefix=key[:DISPLAY_PREFIX_LENGTH],
        can_write=can_write,
        expires_at=expires_at,
        created_by=issued_by,
    )
    token.full_clean()
    token.save()
    record_change(user=issued_by, obj=token, action=ObjectChange.Action.CREATE)
    return token, key


@transaction.atomic
def api_token_revoke(*, revoked_by, token: ApiToken) -> ApiToken:
    """Revoke `token` from now on; revoking twice keeps the first moment."""
    if not can_administer(revoked_by):
        raise PermissionDenied(_("Alleen de projectleider van de regio trekt API-sleutels in."))
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if not _same_region(revoked_by, token.user):
        raise PermissionDenied(_("Deze sleutel hoort bij een andere regio."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record_change(
            user=revoked_by,
            obj=token,
            action=ObjectChange.Action.UPDATE,
            comment=_("API-sleutel ingetrokken"),
        )
    return token


def api_token_for_key(key: str) -> ApiToken | None:
    """The valid token with this key and its user's membership, or None."""
    token = (
        ApiToken.objects.select_related("user__membership")
        .filter(key_digest=key_digest(key))
        .first()
    )
    if token is None or not token.is_valid_at(timezone.now()) or not token.user.is_active:
        return None
    return token


# Writing the last-used time on every request would cost a write per call; once a minute is
# precise enough for an administrator deciding whether a token is still in use.
LAST_USED_RESOLUTION_SECONDS = 60


def api_token_mark_used(*, token: ApiToken) -> None:
    now = timezone.now()
    last = token.last_used_at
    if last is not None and (now - last).total_seconds() < LAST_USED_RESOLUTION_SECONDS:
        return
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.last_used_at = now
