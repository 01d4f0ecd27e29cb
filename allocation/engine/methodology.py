"""A methodology: per target group a key, whether it is local, corrected or capped; the cap share,
the rounding method and the tie rule. Plus the region's sensible default (DOMAIN.md)."""

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from allocation.engine.apportionment import canonical_method, canonical_tie_break

# The one default cap: urgent groups take at most exactly one third of the social-rent turnover.
DEFAULT_CAP_SHARE = Fraction(1, 3)
# A decimal cap share (a slider, an old 0.333) is read as the nearest fraction with at most this
# denominator when it lies within SNAP of it: 0.333 is one third, 0.25 a quarter, 0.35 is 7/20.
_SNAP_DENOMINATOR = 12
_SNAP = Fraction(1, 2000)


def exact_cap_share(value) -> Fraction:
    """A cap share as an exact fraction from a Fraction, "p/q", a Decimal, a float or an int."""
    if isinstance(value, Fraction):
        fraction = value
    elif isinstance(value, str) and "/" in value:
        fraction = Fraction(value.strip())
    else:
        fraction = Fraction(Decimal(str(value)))
        nearest = fraction.limit_denominator(_SNAP_DENOMINATOR)
        if abs(nearest - fraction) <= _SNAP:
            fraction = nearest
    if not 0 <= fraction <= 1:
        raise ValueError(f"The cap share is a fraction from 0 to 1, not {value}.")
    return fraction


def room_under_cap(turnover: int, cap_share) -> int:
    """Whole dwellings under the cap: floor(turnover × cap share), computed exactly."""
    return math.floor(Fraction(int(turnover)) * exact_cap_share(cap_share))


class FrozenKey(Mapping):
    """A key (indicator column → weight) that cannot change, so rules are hashable."""

    def __init__(self, weights: Mapping[str, float]):
        self._weights = {str(column): float(weight) for column, weight in weights.items()}

    def __getitem__(self, column: str) -> float:
        return self._weights[column]

    def __iter__(self) -> Iterator[str]:
        return iter(self._weights)

    def __len__(self) -> int:
        return len(self._weights)

    def items(self):
        return self._weights.items()

    def __hash__(self) -> int:
        return hash(frozenset(self._weights.items()))

    def __repr__(self) -> str:
        return repr(self._weights)


@dataclass(frozen=True)
class GroupRule:
    """How one target group is shared out."""

    target_group: str  # TargetGroup.code
    key: Mapping[str, float]  # indicator column -> weight, e.g. {"inhabitants": 1.0}
    local: bool = False  # each municipality houses its own need (share by key, never moved)
    correct_for_carried: bool = False  # subtract what a municipality already carries
    capped: bool = False  # counts under the urgent cap (cap_share of turnover + capacity)

    def __post_init__(self):
        key = FrozenKey(self.key)
        if not key or any(not math.isfinite(w) or w < 0 for w in key.values()):
            raise ValueError(
                f"The key of {self.target_group!r} needs weights of 0 or more: {dict(key)}."
            )
        if sum(key.values()) <= 0:
            raise ValueError(f"The key of {self.target_group!r} has no weight above 0.")
        if self.local and self.correct_for_carried:
            raise ValueError(
                f"{self.target_group!r} is local: nothing is shared out, so there is nothing to "
                "correct for what a municipality already carries."
            )
        object.__setattr__(self, "key", key)


@dataclass(frozen=True)
class Methodology:
    """The rules per group and the settings that apply to all groups."""

    rules: tuple[GroupRule, ...]
    cap_share: float = float(DEFAULT_CAP_SHARE)  # any exact_cap_share input; kept as float
    method: str = "hamilton"
    tie_break: str = "stable"  # or "lot" with seed
    seed: int | None = None
    capacity_columns: tuple[str, ...] = ("new_construction_capacity",)  # dedicated new construction

    def __post_init__(self):
        rules = tuple(self.rules)
        groups = [rule.target_group for rule in rules]
        if len(set(groups)) != len(groups):
            raise ValueError(f"Each target group takes one rule; got {groups}.")
        if not 0 <= float(self.cap_share) <= 1:
            raise ValueError(f"The cap share is a fraction from 0 to 1, not {self.cap_share}.")
        object.__setattr__(self, "rules", rules)
        # Exact fractions are computed as floats; the room's floor absorbs the rounding error
        # (fair_share._ROOM_TOLERANCE), so floor(turnover × cap) is exact for any stored cap.
        object.__setattr__(self, "cap_share", float(self.cap_share))
        object.__setattr__(self, "method", canonical_method(self.method))
        object.__setattr__(self, "tie_break", canonical_tie_break(self.tie_break, self.seed))
        object.__setattr__(self, "capacity_columns", tuple(self.capacity_columns))

    @property
    def target_groups(self) -> tuple[str, ...]:
        return tuple(rule.target_group for rule in self.rules)


# The default methodology of DOMAIN.md, by the kind of group. Codes belong to the data set, so a
# caller maps its codes to these kinds; DEFAULT_GROUP_SETTINGS is the GMR data set's mapping.
_INHABITANTS = {"inhabitants": 1.0}
DEFAULT_RULES = {
    # Institutions sit in the cities: the outflow spreads over the region, corrected for clients
    # already housed from institutions in the municipality, under the cap.
    "outflow": {"key": _INHABITANTS, "correct_for_carried": True, "capped": True},
    # Mirrors the national quota (taakstelling): by inhabitants, with carry-over.
    "status_holders": {"key": _INHABITANTS},
    # Urgent seekers under the by-law and informal carers already live there: local, capped.
    "urgent_local": {"key": _INHABITANTS, "local": True, "capped": True},
    # Independent living with a disability or GGZ: suitable homes are uneven, so social stock too.
    "independent_living": {"key": {"inhabitants": 1.0, "social_rent": 1.0}},
    # Tied to jobs, campuses, pitches and one's own place: shown locally, not shared out.
    "labour_migrants": {"key": {"labour_migrants": 1.0}, "local": True},
    "students": {"key": {"students": 1.0}, "local": True},
    "caravan_dwellers": {"key": {"caravan_dwellers": 1.0}, "local": True},
    "older_care": {"key": {"inhabitants_75_plus": 1.0}, "local": True},
}

DEFAULT_GROUP_SETTINGS = {
    "uitstroom-bw": "outflow",
    "uitstroom-mo": "outflow",
    "vrouwenopvang": "outflow",
    "jeugdzorg-leavers": "outflow",
    "dakloze-gezinnen": "outflow",
    "statushouders": "status_holders",
    "urgent-verordening": "urgent_local",
    "mantelzorg": "urgent_local",
    "vg": "independent_living",
    "lg": "independent_living",
    "ggz": "independent_living",
    "arbeidsmigranten": "labour_migrants",
    "studenten": "students",
    "woonwagenbewoners": "caravan_dwellers",
    "ouderen-zorg": "older_care",
}


def default_methodology(
    group_settings: Mapping[str, str] = DEFAULT_GROUP_SETTINGS, **settings
) -> Methodology:
    """The region's default methodology for the given groups.

    ``group_settings``: target-group code → kind of group (a key of ``DEFAULT_RULES``), in the
    order the rules should have. ``settings``: any other `Methodology` field (``cap_share``,
    ``method``, ...).
    """
    unknown = sorted(set(group_settings.values()) - set(DEFAULT_RULES))
    if unknown:
        raise ValueError(f"Unknown kind of group {unknown}; known: {sorted(DEFAULT_RULES)}.")
    rules = tuple(
        GroupRule(target_group=code, **DEFAULT_RULES[kind]) for code, kind in group_settings.items()
    )
    return Methodology(rules=rules, **settings)
