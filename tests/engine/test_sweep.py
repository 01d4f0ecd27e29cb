"""The sweep: the spread of the quotas over many methodologies, computed all at once."""

import dataclasses

import numpy as np
import pandas as pd
import pytest

from allocation.engine import GroupRule, Methodology, allocate_fair_share, sweep

CODES = ["GM0001", "GM0002", "GM0003", "GM0004"]
INDICATORS = pd.DataFrame(
    {
        "inhabitants": [165_000, 35_500, 15_114, 1_700],
        "social_rent": [33_846, 3_980, 2_098, 38],
        "social_rent_turnover": [2_200, 199, 90, 2],
    },
    index=CODES,
)
TASKS = pd.Series({"outflow": 380, "urgent": 120, "status": 90})
CARRIED = pd.DataFrame({"outflow": [400, 10, 72, 0]}, index=CODES)


def methodology(inhabitants=1.0, social_rent=0.0, cap_share=1 / 3, method="hamilton"):
    key = {"inhabitants": inhabitants, "social_rent": social_rent}
    return Methodology(
        rules=(
            GroupRule("outflow", key, correct_for_carried=True, capped=True),
            GroupRule("urgent", {"inhabitants": 1.0}, local=True, capped=True),
            GroupRule("status", key),
        ),
        cap_share=cap_share,
        method=method,
    )


VARIANTS = [
    methodology(inhabitants=w, social_rent=1 - w, cap_share=c, method=m)
    for w in (1.0, 0.5, 0.0)
    for c in (0.05, 1 / 3)
    for m in ("hamilton", "huntington_hill")
]


def one_by_one(variants):
    return np.stack(
        [
            allocate_fair_share(INDICATORS, TASKS, v, carried=CARRIED)["quota"].to_numpy()
            for v in variants
        ]
    )


def test_the_bands_are_the_spread_of_the_quotas_one_methodology_at_a_time():
    bands = sweep(INDICATORS, TASKS, VARIANTS, carried=CARRIED)
    quotas = one_by_one(VARIANTS)
    assert list(bands.columns) == [
        "municipality",
        "target_group",
        "min",
        "p10",
        "median",
        "p90",
        "max",
    ]
    assert np.array_equal(bands["min"], quotas.min(axis=0))
    assert np.array_equal(bands["max"], quotas.max(axis=0))
    assert np.allclose(bands["median"], np.median(quotas, axis=0))
    assert np.allclose(bands["p10"], np.quantile(quotas, 0.1, axis=0))
    assert np.allclose(bands["p90"], np.quantile(quotas, 0.9, axis=0))
    assert (bands["min"] < bands["max"]).any()


def test_a_sweep_of_one_methodology_is_its_allocation():
    result = allocate_fair_share(INDICATORS, TASKS, VARIANTS[1], carried=CARRIED)
    bands = sweep(INDICATORS, TASKS, VARIANTS[1:2], carried=CARRIED)
    assert bands[["municipality", "target_group"]].equals(result[["municipality", "target_group"]])
    for band in ("min", "p10", "median", "p90", "max"):
        assert bands[band].tolist() == result["quota"].tolist()


def test_the_sweep_is_vectorised_over_many_methodologies():
    rng = np.random.default_rng(3)
    variants = [
        methodology(
            inhabitants=rng.uniform(0.1, 1),
            social_rent=rng.uniform(0, 1),
            cap_share=rng.uniform(0.05, 0.5),
        )
        for _ in range(300)
    ]
    bands = sweep(INDICATORS, TASKS, variants, carried=CARRIED)
    quotas = one_by_one(variants[::30])
    assert (bands["min"].to_numpy() <= quotas.min(axis=0)).all()
    assert (bands["max"].to_numpy() >= quotas.max(axis=0)).all()


def test_methodologies_with_other_groups_cannot_be_swept_together():
    other = dataclasses.replace(
        VARIANTS[0],
        rules=(*VARIANTS[0].rules[:2], GroupRule("status", {"inhabitants": 1.0}, capped=True)),
    )
    with pytest.raises(ValueError, match="same target groups"):
        sweep(INDICATORS, TASKS, [VARIANTS[0], other], carried=CARRIED)
    with pytest.raises(ValueError, match="at least one"):
        sweep(INDICATORS, TASKS, [], carried=CARRIED)
