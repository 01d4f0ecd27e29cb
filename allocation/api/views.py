"""Approved fair-share targets (taakstelling) per municipality × target group × year."""

from allocation.api.serializers import TargetSerializer
from allocation.selectors import approved_fair_share_rows
from gmr_thuis.api.frames import CellFrameViewSet


class TargetViewSet(CellFrameViewSet):
    """The region's approved fair shares; a corporation sees those of its municipalities.

    Supports conditional GET: send the ETag back in If-None-Match to get 304 when unchanged.
    """

    serializer_class = TargetSerializer
    orderings = {**CellFrameViewSet.orderings, "quota": "quota"}

    def cells(self, *, municipality_ids, years):
        return approved_fair_share_rows(
            user=self.request.user, years=years, municipality_ids=municipality_ids
        )
