"""The fair-share engine: pure pandas/numpy, frames in, frames out (no Django, no I/O).

Read top to bottom it is the methodology: `apportionment` hands out whole units, `methodology`
says how each target group is shared, `fair_share` computes key → correction → cap → rounding →
carry-over with each step's contribution, and the sweep over many methodologies.
"""

from allocation.engine.apportionment import (
    METHODS,
    InfeasibleAllocation,
    apportion,
    apportion_many,
)
from allocation.engine.fair_share import RESULT_COLUMNS, allocate_fair_share, sweep
from allocation.engine.methodology import (
    DEFAULT_CAP_SHARE,
    DEFAULT_GROUP_SETTINGS,
    DEFAULT_RULES,
    GroupRule,
    Methodology,
    default_methodology,
    exact_cap_share,
    room_under_cap,
)

# Bump when results for the same inputs could change (stored runs record it).
ENGINE_VERSION = "1.0.0"

__all__ = [
    "DEFAULT_CAP_SHARE",
    "DEFAULT_GROUP_SETTINGS",
    "DEFAULT_RULES",
    "ENGINE_VERSION",
    "METHODS",
    "RESULT_COLUMNS",
    "GroupRule",
    "InfeasibleAllocation",
    "Methodology",
    "allocate_fair_share",
    "apportion",
    "apportion_many",
    "default_methodology",
    "exact_cap_share",
    "room_under_cap",
    "sweep",
]
