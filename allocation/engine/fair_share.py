"""The fair-share allocation, step by step as an alderman reads it: key → correction for what is
already carried → supply cap with redistribution → integer rounding → carry-over, with every
step's contribution to each quota.

One array core computes any number of methodologies at once (methodologies × groups ×
municipalities); `allocate_fair_share` runs it for one and returns the explanation per cell,
`sweep` runs it for many and returns the spread of the quotas. docs/methodology.en.md says the
same in plain words.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from allocation.engine.apportionment import InfeasibleAllocation, apportion_many
from allocation.engine.levels import fill_to_level
from allocation.engine.methodology import Methodology

TURNOVER = "social_rent_turnover"
RESULT_COLUMNS = [
    "municipality",
    "target_group",
    "key_share",
    "ideal",
    "after_correction",
    "after_cap",
    "quota",
    "shortfall",
    "key_contribution",
    "correction_contribution",
    "cap_contribution",
    "rounding_contribution",
    "carry_over_contribution",
    "capacity",
    "capped",
    "local",
]
BAND_COLUMNS = ["municipality", "target_group", "min", "p10", "median", "p90", "max"]
# Room is whole dwellings: 1/3 of 90 re-lettings is 30, also when floating point says 29.99...
_ROOM_TOLERANCE = 1e-9


def allocate_fair_share(
    indicators: pd.DataFrame,
    tasks: pd.Series,
    methodology: Methodology,
    *,
    carried: pd.DataFrame | None = None,
    carry_over: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The fair share of every municipality × target group for one period, with its explanation.

    ``indicators``: one row per municipality (index: CBS code), one column per indicator.
    ``tasks``: the regional task per target group. ``carried``: units a municipality already
    carries per group (used by groups with ``correct_for_carried``). ``carry_over``: arrears (+)
    or advance (-) per municipality and group from the previous period, whole units.

    Returns one row per group × municipality (groups in rule order, municipalities by code) with
    the columns of ``RESULT_COLUMNS``; ``key_contribution + correction_contribution +
    cap_contribution + rounding_contribution + carry_over_contribution == quota`` per row and
    ``sum(quota) + sum(shortfall) == task + sum(carry_over)`` per group.
    """
    settings = _Settings.collect([methodology])
    region = _Region.build(indicators, tasks, methodology, settings, carried, carry_over)
    steps = _allocate(region, settings)
    municipalities = len(region.municipalities)
    frame = _cell_frame(region)
    for column, values in steps.explained().items():
        frame[column] = values[0].reshape(-1)
    frame[["quota", "shortfall"]] = frame[["quota", "shortfall"]].round().astype("int64")
    frame["capped"] = np.repeat(region.capped, municipalities)
    frame["local"] = np.repeat(region.local, municipalities)
    return frame[RESULT_COLUMNS]


def sweep(
    indicators: pd.DataFrame,
    tasks: pd.Series,
    methodologies: Sequence[Methodology],
    *,
    carried: pd.DataFrame | None = None,
    carry_over: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The spread of each municipality × group's quota over many methodologies.

    The methodologies share their groups and each group's local/correct/capped settings; they
    may differ in keys, cap share, capacity columns and rounding. Returns one row per group ×
    municipality with the quota's min, p10, median, p90 and max over the methodologies
    (percentiles by linear interpolation between the sorted quotas).
    """
    methodologies = list(methodologies)
    if not methodologies:
        raise ValueError("A sweep needs at least one methodology.")
    settings = _Settings.collect(methodologies)
    region = _Region.build(indicators, tasks, methodologies[0], settings, carried, carry_over)
    quotas = np.empty((len(methodologies), len(region.groups), len(region.municipalities)))
    # One pass of the core per rounding rule; everything else is computed for all at once.
    for indices in settings.by_rounding():
        quotas[indices] = _allocate(region, settings.subset(indices)).quota
    bands = np.quantile(quotas, [0.0, 0.1, 0.5, 0.9, 1.0], axis=0)
    frame = _cell_frame(region)
    for column, band in zip(BAND_COLUMNS[2:], bands, strict=True):
        frame[column] = band.reshape(-1)
    return frame


def _cell_frame(region):
    """One row per group × municipality (groups in rule order, municipalities by code), the
    order in which the core's (groups, municipalities) arrays flatten."""
    return pd.DataFrame(
        {
            "municipality": np.tile(region.municipalities, len(region.groups)),
            "target_group": np.repeat(
                np.asarray(region.groups, dtype=object), len(region.municipalities)
            ),
        }
    )


@dataclass
class _Settings:
    """What the methodologies differ in, collected in one pass as arrays."""

    columns: list[str]  # every indicator a key names
    key_weights: np.ndarray  # (methodologies, groups, columns)
    cap_share: np.ndarray  # (methodologies,)
    capacity_columns: list[tuple[str, ...]]
    rounding: list[tuple]  # (method, tie break, seed) per methodology

    @classmethod
    def collect(cls, methodologies):
        first = methodologies[0]
        if any(len(m.rules) != len(first.rules) for m in methodologies):
            raise ValueError(_SAME_GROUPS)
        columns, weights = {}, []
        for g in range(len(first.rules)):
            rules = [m.rules[g] for m in methodologies]
            flags = {(r.target_group, r.local, r.correct_for_carried, r.capped) for r in rules}
            if len(flags) > 1:
                raise ValueError(_SAME_GROUPS)
            keys = [dict(r.key.items()) for r in rules]
            for column in dict.fromkeys(c for key in keys for c in key):
                index = columns.setdefault(column, len(columns))
                weights.append((g, index, [key.get(column, 0.0) for key in keys]))
        key_weights = np.zeros((len(methodologies), len(first.rules), len(columns)))
        for g, index, values in weights:
            key_weights[:, g, index] = values
        return cls(
            columns=list(columns),
            key_weights=key_weights,
            cap_share=np.array([m.cap_share for m in methodologies]),
            capacity_columns=[m.capacity_columns for m in methodologies],
            rounding=[(m.method, m.tie_break, m.seed) for m in methodologies],
        )

    def by_rounding(self):
        """The methodologies grouped by rounding rule, as index arrays."""
        groups = {}
        for index, rule in enumerate(self.rounding):
            groups.setdefault(rule, []).append(index)
        return [np.array(indices) for indices in groups.values()]

    def subset(self, indices):
        return _Settings(
            columns=self.columns,
            key_weights=self.key_weights[indices],
            cap_share=self.cap_share[indices],
            capacity_columns=[self.capacity_columns[i] for i in indices],
            rounding=[self.rounding[i] for i in indices],
        )


_SAME_GROUPS = (
    "Methodologies in one sweep must have the same target groups in the same order, each local, "
    "corrected and capped alike."
)


@dataclass
class _Region:
    """The inputs that all methodologies share, as arrays: groups × municipalities."""

    municipalities: np.ndarray  # CBS codes, sorted
    groups: tuple[str, ...]  # in rule order
    indicators: pd.DataFrame  # municipalities × columns, sorted like ``municipalities``
    tasks: np.ndarray  # (groups,)
    carried: np.ndarray  # (groups, municipalities); zero where a group does not correct
    carry_over: np.ndarray  # (groups, municipalities), whole units
    local: np.ndarray  # (groups,) bool
    capped: np.ndarray

    @classmethod
    def build(cls, indicators, tasks, methodology, settings, carried, carry_over):
        rules = methodology.rules
        groups = methodology.target_groups
        capped = np.array([rule.capped for rule in rules], dtype=bool)
        capacity = {c for columns in settings.capacity_columns for c in columns}
        indicators = _indicator_frame(
            indicators, settings.columns, capacity if capped.any() else None
        )
        codes = indicators.index.to_numpy(dtype=object)
        correct = np.array([rule.correct_for_carried for rule in rules], dtype=bool)
        return cls(
            municipalities=codes,
            groups=groups,
            indicators=indicators,
            tasks=_task_array(tasks, groups),
            carried=_group_frame(carried, codes, groups, "carried") * correct[:, None],
            carry_over=_group_frame(carry_over, codes, groups, "carry_over", obligation=True),
            local=np.array([rule.local for rule in rules], dtype=bool),
            capped=capped,
        )

    def key_shares(self, settings):
        """(methodologies, groups, municipalities): each municipality's share of each key.

        A key is a weighted average of the municipality's shares of the indicators it names;
        an indicator that is zero in the whole region drops out of the average.
        """
        values = self.indicators[settings.columns].to_numpy(dtype=float).T  # columns × munis
        totals = values.sum(axis=1, keepdims=True)
        shares = np.divide(values, totals, out=np.zeros_like(values), where=totals > 0)
        weights = settings.key_weights * (totals[:, 0] > 0)
        weight_sum = weights.sum(axis=2, keepdims=True)
        keyless = (weight_sum[..., 0] == 0) & (self.tasks > 0)
        for _m, g in zip(*np.nonzero(keyless), strict=True):
            names = ", ".join(
                c
                for c, w in zip(settings.columns, settings.key_weights[_m, g], strict=True)
                if w > 0
            )
            raise InfeasibleAllocation(
                f"The key of {self.groups[g]} ({names}) is zero in every municipality, so its "
                f"task of {self.tasks[g]:.0f} cannot be shared out."
            )
        weights = np.divide(weights, weight_sum, out=np.zeros_like(weights), where=weight_sum > 0)
        return weights @ shares

    def room(self, settings):
        """(methodologies, municipalities): cap share × social-rent turnover + capacity."""
        if TURNOVER not in self.indicators:
            return np.zeros((len(settings.cap_share), len(self.municipalities)))
        turnover = self.indicators[TURNOVER].to_numpy(dtype=float)
        capacity = {
            columns: self.indicators[list(columns)].to_numpy(dtype=float).sum(axis=1)
            for columns in set(settings.capacity_columns)
        }
        return settings.cap_share[:, None] * turnover + np.stack(
            [capacity[columns] for columns in settings.capacity_columns]
        )


@dataclass
class _Steps:
    """Every step's numbers, (methodologies, groups, municipalities)."""

    key_share: np.ndarray
    ideal: np.ndarray
    after_correction: np.ndarray
    after_cap: np.ndarray
    rounded: np.ndarray
    quota: np.ndarray
    shortfall: np.ndarray
    capacity: np.ndarray

    def explained(self):
        return {
            "key_share": self.key_share,
            "ideal": self.ideal,
            "after_correction": self.after_correction,
            "after_cap": self.after_cap,
            "quota": self.quota,
            "shortfall": self.shortfall,
            "key_contribution": self.ideal,
            "correction_contribution": self.after_correction - self.ideal,
            "cap_contribution": self.after_cap - self.after_correction,
            "rounding_contribution": self.rounded - self.after_cap,
            "carry_over_contribution": self.quota - self.rounded,
            "capacity": self.capacity,
        }


def _allocate(region: _Region, settings: _Settings) -> _Steps:
    """All steps for methodologies that share one rounding rule (method, tie break, seed)."""
    rounding = dict(zip(("method", "tie_break", "seed"), settings.rounding[0], strict=True))
    tasks = region.tasks[None, :, None]

    # 1. Key: the municipality's share of the key, times the regional task.
    key_share = region.key_shares(settings)
    ideal = key_share * tasks

    # 2. Correction: the fair target counts what a municipality already carries.
    after_correction = _correct(region, key_share, ideal)

    # 3. Cap: the capped groups together take at most the room under the cap.
    room = region.room(settings)
    after_cap, unplaced = _cap(region, key_share, after_correction, room)

    # 4. Rounding: whole units by the method, the capped groups within the whole room left.
    whole_room = np.floor(room + _ROOM_TOLERANCE)
    rounded = _round(region, after_cap, whole_room, rounding)
    shortfall = _attribute_shortfall(region, rounded, unplaced, after_correction)

    # 5. Carry-over: last period's arrears added, advances subtracted.
    quota, carried_on = _carry_over(region, rounded, whole_room)

    capacity = np.where(region.capped[None, :, None], room[:, None, :], np.nan)
    return _Steps(
        key_share=key_share,
        ideal=ideal,
        after_correction=after_correction,
        after_cap=after_cap,
        rounded=rounded,
        quota=quota,
        shortfall=shortfall + carried_on,
        capacity=np.broadcast_to(capacity, ideal.shape),
    )


def _correct(region, key_share, ideal):
    """Each municipality's fair target is its key share of everything the region houses for
    the group (the task plus what is already carried); it receives that target minus what it
    already carries, never less than zero. Raising the level until the task is placed keeps
    the others at their key's proportion."""
    after = ideal.copy()
    groups = np.flatnonzero(region.carried.any(axis=1) & (region.tasks > 0))
    if groups.size:
        shares = key_share[:, groups]
        after[:, groups] = _fill(shares, region.carried[groups], 0.0, np.inf, region.tasks[groups])
    return after


def _cap(region, key_share, wanted, room):
    """The capped groups within cap share × turnover + capacity, per municipality.

    Local groups use the room first; they are never moved, so what does not fit is unplaced.
    Shared groups: where they ask more than the room left, each gets the same fraction of what
    it asks; the rest is displaced. Room left elsewhere is shared by the groups in proportion
    to what each displaced, and each group's displaced units go to the municipalities with
    room in proportion to its key. What finds no room anywhere is unplaced.
    Returns (after cap, unplaced units by the municipality they came from).
    """
    placed, unplaced = wanted.copy(), np.zeros_like(wanted)
    room = room.copy()
    local = np.flatnonzero(region.capped & region.local)
    if local.size:
        asked = wanted[:, local]
        fits = _fraction(room, asked.sum(axis=1))
        placed[:, local] = asked * fits[:, None, :]
        unplaced[:, local] = asked - placed[:, local]
        room = np.maximum(room - placed[:, local].sum(axis=1), 0.0)

    shared = np.flatnonzero(region.capped & ~region.local)
    asked = wanted[:, shared]
    full = (asked.sum(axis=1) > room).any(axis=1)  # per methodology: is any municipality full?
    if not shared.size or not full.any():
        return placed, unplaced
    asked, room, shares = asked[full], room[full], key_share[full][:, shared]
    kept = asked * _fraction(room, asked.sum(axis=1))[:, None, :]
    displaced = asked - kept
    displaced_total = displaced.sum(axis=2, keepdims=True)
    free_room = np.maximum(room - asked.sum(axis=1), 0.0)[:, None, :]
    takers = displaced_total * (shares > 0)
    takers_total = takers.sum(axis=1, keepdims=True)
    offered = kept + free_room * np.divide(
        takers, takers_total, out=np.zeros_like(takers), where=takers_total > 0
    )
    after = _fill(shares, region.carried[shared], 0.0, offered, region.tasks[shared])
    missing = np.maximum(region.tasks[shared][None, :] - after.sum(axis=2), 0.0)[..., None]
    index = np.ix_(np.flatnonzero(full), shared)
    placed[index] = after
    unplaced[index] = np.divide(
        displaced * missing,
        displaced_total,
        out=np.zeros_like(displaced),
        where=displaced_total > 0,
    )
    return placed, unplaced


def _round(region, after_cap, whole_room, rounding):
    """Whole units by the methodology's method: each group's task over its municipalities.

    Capped groups go one by one (local groups first, then in rule order) within the whole room
    the groups before them left; together they place the whole units that fit of their
    continuous shares.
    """
    methodologies, groups, municipalities = after_cap.shape
    rounded = np.zeros(after_cap.shape)
    free = np.flatnonzero(~region.capped)
    if free.size:
        weights = after_cap[:, free].reshape(-1, municipalities)
        totals = np.tile(region.tasks[free], methodologies)
        rounded[:, free] = apportion_many(weights, totals, **rounding).reshape(
            methodologies, free.size, municipalities
        )
    order = np.concatenate(
        [
            np.flatnonzero(region.capped & region.local),
            np.flatnonzero(region.capped & ~region.local),
        ]
    )
    if order.size:
        # The whole units that fit, shared by the groups at once so no group's rounding wastes
        # a unit that another could have used.
        asked = after_cap[:, order].sum(axis=2)
        fits = np.floor(asked.sum(axis=1) + _ROOM_TOLERANCE)
        upper = np.broadcast_to(region.tasks[order], asked.shape)
        placed = apportion_many(asked, fits, upper=upper)
    room_left = whole_room.copy()
    for position, group in enumerate(order):
        wanted = after_cap[:, group]
        reachable = np.where(wanted > 0, room_left, 0.0).sum(axis=1)
        total = np.minimum(placed[:, position], reachable)
        rounded[:, group] = apportion_many(wanted, total, upper=room_left, **rounding)
        room_left -= rounded[:, group]
    return rounded


def _attribute_shortfall(region, rounded, unplaced, after_correction):
    """Units of a group's task that found no room, per municipality they came from (whole
    units, by largest remainder; a pure rounding loss goes to whoever received less than its
    corrected share)."""
    methodologies, groups, municipalities = rounded.shape
    missing = (region.tasks[None, :] - rounded.sum(axis=2)).reshape(-1)
    shortfall = np.zeros((missing.size, municipalities))
    rows = np.flatnonzero(missing > 0)
    if rows.size:
        origin = unplaced.reshape(-1, municipalities)[rows]
        lacking = np.maximum(after_correction - rounded, 0.0).reshape(-1, municipalities)[rows]
        weights = np.where(origin.sum(axis=1, keepdims=True) > 0, origin, lacking)
        shortfall[rows] = apportion_many(weights, missing[rows])
    return shortfall.reshape(rounded.shape)


def _carry_over(region, rounded, whole_room):
    """Arrears (+) are added and advances (-) subtracted; a quota never goes below zero.

    An advance larger than the quota leaves the rest of the advance for the next period, and
    arrears of a capped group that find no room under the cap stay arrears: both show in the
    shortfall (negative: advance left; positive: still owed). Returns (quota, carried on).
    """
    carry_over = np.broadcast_to(region.carry_over, rounded.shape)
    quota = np.maximum(rounded + np.minimum(carry_over, 0.0), 0.0)
    arrears = np.maximum(carry_over, 0.0).copy()
    capped = np.flatnonzero(region.capped)
    room_left = whole_room - quota[:, capped].sum(axis=1)
    for group in capped:  # in rule order, each within the whole room still free
        arrears[:, group] = np.minimum(arrears[:, group], room_left)
        room_left -= arrears[:, group]
    quota += arrears
    return quota, carry_over - (quota - rounded)


def _fill(slope, offset, low, high, target):
    """`fill_to_level` over (methodologies, groups, municipalities) with one target per group."""
    slope = np.asarray(slope)
    methodologies, groups, municipalities = slope.shape
    shape = (methodologies * groups, municipalities)
    values = fill_to_level(
        slope.reshape(shape),
        np.broadcast_to(offset, slope.shape).reshape(shape),
        low,
        np.broadcast_to(high, slope.shape).reshape(shape),
        np.tile(target, methodologies),
    )
    return values.reshape(slope.shape)


def _fraction(room, asked):
    """The fraction of what is asked that fits in the room (1 where it all fits)."""
    return np.divide(room, asked, out=np.ones_like(asked), where=asked > room)


# Input frames ---------------------------------------------------------------------------------


def _indicator_frame(indicators, key_columns, capacity_columns):
    """The indicators the methodologies use, as numbers, sorted by municipality code.

    ``capacity_columns`` is None when no group is capped (no room needed); a capacity column
    that is absent counts as 0 (no dedicated new construction recorded).
    """
    if not isinstance(indicators, pd.DataFrame):
        raise ValueError("The indicators must be a DataFrame (municipalities × indicators).")
    frame = indicators.copy()
    frame.index = frame.index.map(str)
    if not frame.index.is_unique:
        raise ValueError("Each municipality takes one row of indicators.")
    frame = frame.sort_index()
    needed = set(key_columns)
    if capacity_columns is not None:
        needed |= {TURNOVER, *capacity_columns}
        for column in capacity_columns - set(frame.columns):
            frame[column] = 0.0
    missing = sorted(needed - set(frame.columns))
    if missing:
        raise ValueError(f"The indicators lack the columns {missing}.")
    values = frame[sorted(needed)].apply(pd.to_numeric, errors="coerce").astype(float)
    bad = ~np.isfinite(values.to_numpy()) | (values.to_numpy() < 0)
    if bad.any():
        rows, columns = np.nonzero(bad)
        cells = [
            f"{values.index[r]}: {values.columns[c]}" for r, c in zip(rows, columns, strict=True)
        ]
        raise ValueError(f"Indicators must be numbers of 0 or more; not so for {cells[:10]}.")
    return values


def _task_array(tasks, groups):
    tasks = pd.Series(tasks)
    missing, extra = set(groups) - set(tasks.index), set(tasks.index) - set(groups)
    if missing or extra:
        raise ValueError(
            f"Tasks and rules must name the same target groups; without a task: "
            f"{sorted(missing)}, without a rule: {sorted(map(str, extra))}."
        )
    values = pd.to_numeric(tasks.reindex(list(groups)), errors="coerce").to_numpy(dtype=float)
    if not np.all(np.isfinite(values)) or (values < 0).any() or (values != np.round(values)).any():
        raise ValueError(f"Tasks must be whole numbers of 0 or more: {tasks.to_dict()}.")
    return values


def _group_frame(frame, codes, groups, name, obligation=False):
    """A municipalities × groups frame as a groups × municipalities array (absent: zero).

    Carried units of a group without a rule are not used; an obligation (carry-over) for a
    group or municipality without a rule is refused rather than dropped.
    """
    if frame is None:
        return np.zeros((len(groups), len(codes)))
    frame = pd.DataFrame(frame).copy()
    frame.index = frame.index.map(str)
    frame.columns = frame.columns.map(str)
    unknown_rows = sorted(set(frame.index) - set(codes))
    unknown_columns = sorted(set(frame.columns) - set(groups)) if obligation else []
    if unknown_rows or unknown_columns:
        raise ValueError(
            f"{name} names unknown municipalities {unknown_rows} or groups {unknown_columns}."
        )
    values = frame.reindex(index=codes, columns=list(groups)).apply(pd.to_numeric, errors="coerce")
    values = values.fillna(0.0).to_numpy(dtype=float).T
    if not np.isfinite(values).all():
        raise ValueError(f"{name} must be finite numbers.")
    if obligation and (values != np.round(values)).any():
        raise ValueError(f"{name} must be whole units.")
    if not obligation and (values < 0).any():
        raise ValueError(f"{name} must be 0 or more.")
    return values
