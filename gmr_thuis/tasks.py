"""Background jobs of the project itself: the region's averages, computed by a worker."""

from celery import shared_task
from django.contrib.auth import get_user_model

from municipalities import selectors


@shared_task
def regional_shares(*, user_id: int, region_id: int, year: int | None = None) -> dict[str, str]:
    """The region's population-weighted shares (percent) per figure, as the profile shows them.

    Pass ids, not objects; the result is JSON, so the shares travel as decimal strings.
    """
    user = get_user_model().objects.get(pk=user_id)
    shares = selectors.regional_shares(user=user, region_id=region_id, year=year)
    return {key: str(share) for key, share in shares.items() if share is not None}
