"""Read queries behind the monitoring endpoints that summarise rather than list records."""

import pandas as pd

from monitoring.selectors import approved_fair_shares, realised_frame
from municipalities.models import Municipality, TargetGroup

CELL = ["municipality_id", "target_group_id", "year"]


def realisation_summary(*, user, municipality_ids, years=None) -> pd.DataFrame:
    """Per municipality × group × year: the approved fair share next to what was realised.

    `reported` is the municipality's own count, `by_corporations` the sum of the corporations'
    allocation reports, `realised` what monitoring counts (the municipality's count where it
    reported a quarter, else the corporations'). Missing numbers are None, not 0.
    """
    fair = approved_fair_shares(user=user, years=years, municipality_ids=municipality_ids)
    fair = fair[CELL + ["quota"]].rename(columns={"quota": "fair_share"})
    realised = realised_frame(user=user, municipality_ids=municipality_ids)
    if years is not None:
        realised = realised[realised["year"].isin(years)]
    # min_count=1 keeps "nothing reported" apart from "reported zero".
    realised = realised.groupby(CELL, as_index=False)[
        ["reported", "by_corporations", "realised"]
    ].sum(min_count=1)
    frame = fair.merge(realised, on=CELL, how="outer")
    codes = dict(Municipality.objects.filter(pk__in=municipality_ids).values_list("pk", "cbs_code"))
    groups = dict(TargetGroup.objects.values_list("pk", "code"))
    frame["cbs_code"] = frame["municipality_id"].map(codes)
    frame["target_group_code"] = frame["target_group_id"].map(groups)
    frame = frame.astype(object).where(frame.notna(), None)
    return frame
