"""The mediation table's matcher: pure pandas/numpy/scipy, frames in, a frame out (no Django).

`match(cases, offers, *, weights=None)` proposes the set of case–offer pairs with the largest
total score, computed with `scipy.optimize.linear_sum_assignment` on the score matrix (not a
greedy loop). Every proposed pair is feasible, scores > 0, carries its score's parts and one
Dutch sentence explaining it. `explain_unmatched(cases, offers)` says, per case without a single
feasible offer, which constraint excluded which offers.

Required columns
----------------
cases
    ``case_id`` (unique), ``municipality`` (sending, CBS code ``GMdddd``), ``group`` (target-group
    code), ``rooms_min`` (int), ``accessible_needed`` (bool), ``rent_max`` (number),
    ``excluded`` (list of CBS municipality codes the case must not live in), ``preferred`` (list
    of CBS municipality codes the case prefers).
offers
    ``offer_id`` (unique), ``municipality`` (CBS code), ``rooms`` (int), ``accessible`` (bool),
    ``rent`` (number).

Optional columns (missing column or missing value: no constraint, no score part)
--------------------------------------------------------------------------------
cases
    ``preference_weight`` (number ≥ 0, default 1): how much the case's preferences weigh (ties to
    work, school or care); ``waited_days`` (number ≥ 0): wait so far; ``ready`` and ``deadline``
    (dates): ready to move / must be placed by; ``excluded_neighbourhoods`` (list of CBS wijk
    ``WKddddddd`` or buurt ``BUdddddddd`` codes; a wijk excludes all its buurten).
offers
    ``available_from`` and ``valid_until`` (dates); ``neighbourhood`` (CBS wijk or buurt code);
    ``balance`` (mapping target-group code → number in [-1, 1]: the receiving municipality's
    fair-share balance for that group, positive when it is behind its fair share, negative when
    above); ``capped_over`` (list of target-group codes whose cap the receiving municipality has
    exceeded its room for); ``neighbourhood_flagged`` (bool) with ``neighbourhood_flag_reason``
    (str): the offer lies in a neighbourhood flagged for concentration; ``municipality_name``
    (str): how the explanation names the receiving municipality (default: its code).

Feasibility (hard constraints, never broken)
--------------------------------------------
``rooms >= rooms_min``; accessible when needed; ``rent <= rent_max``; the offer's municipality is
not in ``excluded``; its neighbourhood not in ``excluded_neighbourhoods``; ``available_from <=
deadline`` and ``valid_until >= ready`` when those dates are given.

Score of a feasible pair (weights, defaults in ``DEFAULT_WEIGHTS``)
-------------------------------------------------------------------
``base`` (1.0, every feasible pair)
+ ``preference`` (1.0) × ``preference_weight`` when the offer lies in a preferred municipality
+ ``wait`` (0.5) × min(waited_days / 365, 1)
+ ``fair_share`` (0.5) × balance of the receiving municipality for the case's group
  (behind: favoured, above: disfavoured)
− ``capped`` (0.2) when the case's group is capped there and over its room
− ``neighbourhood_flag`` (0.2) when the offer's neighbourhood is flagged.
Weights must keep every feasible score positive: ``base > fair_share + capped +
neighbourhood_flag``; a weights dict breaking that, or naming an unknown weight, is refused.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment

DEFAULT_WEIGHTS = {
    "base": 1.0,
    "preference": 1.0,
    "wait": 0.5,
    "fair_share": 0.5,
    "capped": 0.2,
    "neighbourhood_flag": 0.2,
}
WAIT_HORIZON_DAYS = 365
PARTS = ("base", "preference", "wait", "fair_share", "capped", "neighbourhood_flag")
RESULT_COLUMNS = ("case_id", "offer_id", "score", *PARTS, "explanation")

CASE_COLUMNS = (
    "case_id",
    "municipality",
    "group",
    "rooms_min",
    "accessible_needed",
    "rent_max",
    "excluded",
    "preferred",
)
OFFER_COLUMNS = ("offer_id", "municipality", "rooms", "accessible", "rent")

# Constraint codes of `explain_unmatched`, with the Dutch label the table reads.
CONSTRAINTS = {
    "rooms": "te weinig kamers",
    "accessible": "niet gelijkvloers/toegankelijk",
    "rent": "huur boven het maximum",
    "excluded": "gemeente uitgesloten",
    "neighbourhood": "wijk of buurt uitgesloten",
    "dates": "niet beschikbaar tussen verhuisklaar en uiterste datum",
}

MUNICIPALITY_CODE = re.compile(r"^GM\d{4}$")
NEIGHBOURHOOD_CODE = re.compile(r"^(WK\d{6}|BU\d{8})$")


class MatchInputError(ValueError):
    """A malformed cases or offers frame; the message names the frame, column and problem."""


def match(
    cases: pd.DataFrame, offers: pd.DataFrame, *, weights: dict | None = None
) -> pd.DataFrame:
    """The proposal: one row per pair (``RESULT_COLUMNS``), total score maximal.

    ``result.attrs["unmatched"]`` holds `explain_unmatched` for the cases without any feasible
    offer.
    """
    w = _weights(weights)
    cases, offers = _validate_cases(cases), _validate_offers(offers)
    if cases.empty or offers.empty:
        result = _empty_result()
        result.attrs["unmatched"] = explain_unmatched(cases, offers)
        return result
    feasible, broken = _feasibility(cases, offers)
    parts = _score_parts(cases, offers, w)
    score = np.add.reduce(list(parts.values()))
    matrix = np.where(feasible, score, 0.0)
    rows_any, cols_any = feasible.any(axis=1), feasible.any(axis=0)
    row_idx, col_idx = np.flatnonzero(rows_any), np.flatnonzero(cols_any)
    if row_idx.size and col_idx.size:
        sub = matrix[np.ix_(row_idx, col_idx)]
        r, c = linear_sum_assignment(sub, maximize=True)
        rows, cols = row_idx[r], col_idx[c]
        keep = feasible[rows, cols]
        rows, cols = rows[keep], cols[keep]
    else:
        rows = cols = np.array([], dtype=int)
    result = pd.DataFrame(
        {
            "case_id": cases["case_id"].to_numpy()[rows],
            "offer_id": offers["offer_id"].to_numpy()[cols],
            "score": score[rows, cols],
            **{name: parts[name][rows, cols] for name in PARTS},
        }
    )
    case_rows = cases.iloc[rows].to_dict("records")
    offer_rows = offers.iloc[cols].to_dict("records")
    result["explanation"] = [
        _explain(case_rows[k], offer_rows[k], {n: parts[n][i, j] for n in PARTS})
        for k, (i, j) in enumerate(zip(rows, cols, strict=True))
    ]
    result = result.sort_values("score", ascending=False, kind="stable").reset_index(drop=True)
    # The feasibility just computed explains the unmatched cases too: no second pass.
    result.attrs["unmatched"] = _unmatched(cases, offers, feasible, broken)
    return result


def feasible_matrix(cases: pd.DataFrame, offers: pd.DataFrame) -> np.ndarray:
    """Boolean cases × offers matrix of the hard constraints (rows and columns in frame order)."""
    return _feasibility(_validate_cases(cases), _validate_offers(offers))[0]


def score_matrix(
    cases: pd.DataFrame, offers: pd.DataFrame, *, weights: dict | None = None
) -> np.ndarray:
    """Cases × offers score matrix, 0 where a pair is infeasible."""
    w = _weights(weights)
    cases, offers = _validate_cases(cases), _validate_offers(offers)
    feasible, _ = _feasibility(cases, offers)
    return np.where(feasible, sum(_score_parts(cases, offers, w).values()), 0.0)


def explain_unmatched(cases: pd.DataFrame, offers: pd.DataFrame) -> pd.DataFrame:
    """Per case with no feasible offer, one row per constraint that excluded offers.

    Columns: ``case_id``, ``constraint`` (a key of ``CONSTRAINTS``), ``label`` (Dutch),
    ``offer_ids`` (list of the offers that constraint excluded; an offer broken by several
    constraints appears under each). A case facing no offers at all gets one row with constraint
    ``no_offers``.
    """
    cases, offers = _validate_cases(cases), _validate_offers(offers)
    rows = []
    if cases.empty:
        return pd.DataFrame(columns=["case_id", "constraint", "label", "offer_ids"])
    if offers.empty:
        for case_id in cases["case_id"]:
            rows.append((case_id, "no_offers", "geen aanbod op de agenda", []))
        return pd.DataFrame(rows, columns=["case_id", "constraint", "label", "offer_ids"])
    return _unmatched(cases, offers, *_feasibility(cases, offers))


def _unmatched(cases, offers, feasible, broken):
    """`explain_unmatched` on validated, non-empty frames whose feasibility is known."""
    rows = []
    offer_ids = offers["offer_id"].to_numpy()
    for i in np.flatnonzero(~feasible.any(axis=1)):
        for name, mask in broken.items():
            hit = np.flatnonzero(mask[i])
            if hit.size:
                rows.append(
                    (cases["case_id"].iloc[i], name, CONSTRAINTS[name], offer_ids[hit].tolist())
                )
    return pd.DataFrame(rows, columns=["case_id", "constraint", "label", "offer_ids"])


# --- validation -------------------------------------------------------------------------------


def _weights(weights):
    if weights is None:
        return dict(DEFAULT_WEIGHTS)
    if not isinstance(weights, Mapping):
        raise MatchInputError("weights: expected a dict of weight name → number")
    unknown = sorted(set(weights) - set(DEFAULT_WEIGHTS))
    if unknown:
        raise MatchInputError(f"weights: unknown weight(s) {', '.join(map(str, unknown))}")
    merged = dict(DEFAULT_WEIGHTS)
    for name, value in weights.items():
        if isinstance(value, bool) or not isinstance(value, (int, float, np.number)):
            raise MatchInputError(f"weights: {name} must be a number")
        if not np.isfinite(value) or value < 0:
            raise MatchInputError(f"weights: {name} must be a finite number ≥ 0")
        merged[name] = float(value)
    if merged["base"] <= merged["fair_share"] + merged["capped"] + merged["neighbourhood_flag"]:
        raise MatchInputError(
            "weights: base must exceed fair_share + capped + neighbourhood_flag, "
            "so that every feasible pair scores > 0"
        )
    return merged


def _require(frame, name, columns, id_column):
    if not isinstance(frame, pd.DataFrame):
        raise MatchInputError(f"{name}: expected a pandas DataFrame, got {type(frame).__name__}")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise MatchInputError(f"{name}: missing column(s) {', '.join(missing)}")
    for column in columns:
        if column not in ("excluded", "preferred") and frame[column].isna().any():
            raise MatchInputError(f"{name}: column {column} has missing values")
    duplicated = frame[id_column][frame[id_column].duplicated()]
    if not duplicated.empty:
        raise MatchInputError(f"{name}: duplicate {id_column} {duplicated.iloc[0]!r}")
    return frame.reset_index(drop=True)


def _int_column(frame, name, column):
    values = frame[column]
    if values.empty:
        return values.astype(int)
    if values.dtype == bool or not pd.api.types.is_numeric_dtype(values):
        raise MatchInputError(f"{name}: column {column} must hold whole numbers")
    if (values.astype(float) % 1 != 0).any():
        raise MatchInputError(f"{name}: column {column} must hold whole numbers")
    return values.astype(int)


def _number_column(frame, name, column):
    values = frame[column]
    if values.empty:
        return values.astype(float)
    if values.dtype == bool or not pd.api.types.is_numeric_dtype(values):
        raise MatchInputError(f"{name}: column {column} must hold numbers")
    values = values.astype(float)
    if not np.isfinite(values).all():
        raise MatchInputError(f"{name}: column {column} must hold finite numbers")
    return values


def _bool_column(frame, name, column):
    values = frame[column]
    if values.empty:
        return values.astype(bool)
    if values.dtype != bool and not all(isinstance(v, (bool, np.bool_)) for v in values):
        raise MatchInputError(f"{name}: column {column} must hold booleans (True/False)")
    return values.astype(bool)


def _codes(value, name, column, pattern, kind):
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ()
    if isinstance(value, str) or not isinstance(value, (list, tuple, set, frozenset, np.ndarray)):
        raise MatchInputError(f"{name}: column {column} must hold lists of {kind} codes")
    codes = tuple(value)
    for code in codes:
        if not isinstance(code, str) or not pattern.match(code):
            raise MatchInputError(f"{name}: column {column} holds {code!r}, not a {kind} code")
    return codes


def _municipality(frame, name):
    for code in frame["municipality"]:
        if not isinstance(code, str) or not MUNICIPALITY_CODE.match(code):
            raise MatchInputError(
                f"{name}: column municipality holds {code!r}, not a CBS code like GM0293"
            )


def _dates(frame, name, column):
    if column not in frame.columns:
        return None
    try:
        return pd.to_datetime(frame[column], errors="raise").to_numpy(dtype="datetime64[ns]")
    except (ValueError, TypeError) as error:
        raise MatchInputError(f"{name}: column {column} must hold dates") from error


def _validate_cases(cases):
    cases = _require(cases, "cases", CASE_COLUMNS, "case_id").copy()
    _municipality(cases, "cases")
    cases["rooms_min"] = _int_column(cases, "cases", "rooms_min")
    cases["rent_max"] = _number_column(cases, "cases", "rent_max")
    cases["accessible_needed"] = _bool_column(cases, "cases", "accessible_needed")
    for column in ("excluded", "preferred"):
        cases[column] = [
            _codes(v, "cases", column, MUNICIPALITY_CODE, "CBS municipality") for v in cases[column]
        ]
    if "excluded_neighbourhoods" in cases.columns:
        cases["excluded_neighbourhoods"] = [
            _codes(v, "cases", "excluded_neighbourhoods", NEIGHBOURHOOD_CODE, "CBS wijk/buurt")
            for v in cases["excluded_neighbourhoods"]
        ]
    for column in ("preference_weight", "waited_days"):
        if column in cases.columns:
            values = pd.to_numeric(cases[column], errors="coerce")
            if (values.isna() & cases[column].notna()).any() or (values < 0).any():
                raise MatchInputError(f"cases: column {column} must hold numbers ≥ 0")
    for column in ("ready", "deadline"):
        _dates(cases, "cases", column)
    return cases


def _missing(value):
    return value is None or (isinstance(value, float) and np.isnan(value))


def _check_neighbourhoods(offers):
    for code in offers.get("neighbourhood", []):
        if not _missing(code) and (not isinstance(code, str) or not NEIGHBOURHOOD_CODE.match(code)):
            raise MatchInputError(
                f"offers: column neighbourhood holds {code!r}, not a CBS wijk/buurt code"
            )


def _check_balances(offers):
    for value in offers.get("balance", []):
        if _missing(value):
            continue
        if not isinstance(value, Mapping) or not all(
            isinstance(b, (int, float)) and -1 <= b <= 1 for b in value.values()
        ):
            raise MatchInputError(
                "offers: column balance must hold mappings of group → number in [-1, 1]"
            )


def _check_capped_over(offers):
    for value in offers.get("capped_over", []):
        if not _missing(value) and not isinstance(value, (list, tuple, set, frozenset)):
            raise MatchInputError("offers: column capped_over must hold lists of group codes")


def _validate_offers(offers):
    offers = _require(offers, "offers", OFFER_COLUMNS, "offer_id").copy()
    _municipality(offers, "offers")
    offers["rooms"] = _int_column(offers, "offers", "rooms")
    offers["rent"] = _number_column(offers, "offers", "rent")
    offers["accessible"] = _bool_column(offers, "offers", "accessible")
    _check_neighbourhoods(offers)
    _check_balances(offers)
    _check_capped_over(offers)
    if "neighbourhood_flagged" in offers.columns:
        flagged = offers["neighbourhood_flagged"]
        if not all(isinstance(v, (bool, np.bool_)) or pd.isna(v) for v in flagged):
            raise MatchInputError("offers: column neighbourhood_flagged must hold booleans")
    for column in ("available_from", "valid_until"):
        _dates(offers, "offers", column)
    return offers


# --- computation ------------------------------------------------------------------------------


def _membership(lists, codes_of_offers):
    """cases × offers: offer's code is in the case's list."""
    vocabulary = {code: k for k, code in enumerate(dict.fromkeys(codes_of_offers))}
    table = np.zeros((len(lists), len(vocabulary) + 1), dtype=bool)
    for i, codes in enumerate(lists):
        for code in codes:
            k = vocabulary.get(code)
            if k is not None:
                table[i, k] = True
    return table[:, [vocabulary[c] for c in codes_of_offers]]


def _feasibility(cases, offers):
    n, m = len(cases), len(offers)
    broken = {
        "rooms": cases["rooms_min"].to_numpy()[:, None] > offers["rooms"].to_numpy()[None, :],
        "accessible": cases["accessible_needed"].to_numpy()[:, None]
        & ~offers["accessible"].to_numpy()[None, :],
        "rent": offers["rent"].to_numpy()[None, :] > cases["rent_max"].to_numpy()[:, None],
        "excluded": _membership(cases["excluded"], offers["municipality"].tolist()),
    }
    neighbourhood = np.zeros((n, m), dtype=bool)
    if "excluded_neighbourhoods" in cases.columns and "neighbourhood" in offers.columns:
        codes = [c if isinstance(c, str) else "" for c in offers["neighbourhood"]]
        wijk_of = np.array([c[2:8] for c in codes], dtype=object)
        full = np.array(codes, dtype=object)
        for i, excluded in enumerate(cases["excluded_neighbourhoods"]):
            for code in excluded:
                if code.startswith("WK"):
                    neighbourhood[i] |= wijk_of == code[2:8]
                else:
                    neighbourhood[i] |= full == code
    broken["neighbourhood"] = neighbourhood
    dates = np.zeros((n, m), dtype=bool)
    deadline, available = (
        _dates(cases, "cases", "deadline"),
        _dates(offers, "offers", "available_from"),
    )
    if deadline is not None and available is not None:
        # NaT compares False: a missing date is no constraint.
        dates |= available[None, :] > deadline[:, None]
    ready, valid = _dates(cases, "cases", "ready"), _dates(offers, "offers", "valid_until")
    if ready is not None and valid is not None:
        dates |= valid[None, :] < ready[:, None]
    broken["dates"] = dates
    feasible = ~np.logical_or.reduce(list(broken.values()))
    return feasible, broken


def _score_parts(cases, offers, w):
    n, m = len(cases), len(offers)
    parts = {"base": np.full((n, m), w["base"])}
    pref_weight = np.ones(n)
    if "preference_weight" in cases.columns:
        pref_weight = pd.to_numeric(cases["preference_weight"]).fillna(1.0).to_numpy(float)
    preferred = _membership(cases["preferred"], offers["municipality"].tolist())
    parts["preference"] = w["preference"] * preferred * pref_weight[:, None]
    wait = np.zeros(n)
    if "waited_days" in cases.columns:
        days = pd.to_numeric(cases["waited_days"]).fillna(0.0).to_numpy(float)
        wait = np.minimum(days / WAIT_HORIZON_DAYS, 1.0)
    parts["wait"] = np.repeat((w["wait"] * wait)[:, None], m, axis=1)
    groups = cases["group"].tolist()
    vocabulary = {g: k for k, g in enumerate(pd.unique(cases["group"]))}
    group_idx = np.array([vocabulary[g] for g in groups], dtype=int)
    balance = np.zeros((len(vocabulary), m))
    if "balance" in offers.columns:
        for j, mapping in enumerate(offers["balance"]):
            if isinstance(mapping, Mapping):
                for group, value in mapping.items():
                    if group in vocabulary:
                        balance[vocabulary[group], j] = float(value)
    parts["fair_share"] = w["fair_share"] * balance[group_idx]
    capped = np.zeros((len(vocabulary), m))
    if "capped_over" in offers.columns:
        for j, over in enumerate(offers["capped_over"]):
            if isinstance(over, (list, tuple, set, frozenset)):
                for group in over:
                    if group in vocabulary:
                        capped[vocabulary[group], j] = 1.0
    parts["capped"] = -w["capped"] * capped[group_idx]
    flagged = np.zeros(m)
    if "neighbourhood_flagged" in offers.columns:
        flagged = offers["neighbourhood_flagged"].fillna(False).astype(bool).to_numpy(float)
    parts["neighbourhood_flag"] = np.repeat((-w["neighbourhood_flag"] * flagged)[None, :], n, 0)
    return parts


def _euro(value):
    return f"€ {value:,.0f}".replace(",", ".")


def _explain(case, offer, parts):
    """One Dutch sentence: why this pair fits and what raised or lowered its score."""
    name = offer.get("municipality_name")
    if isinstance(name, str) and name.strip():
        offer = {**offer, "municipality": name}
    reasons = [
        f"{offer['rooms']} kamers (minimaal {case['rooms_min']}) en huur {_euro(offer['rent'])} "
        f"(maximaal {_euro(case['rent_max'])}) passen"
    ]
    if case["accessible_needed"]:
        reasons.append("de woning is toegankelijk zoals nodig")
    if parts["preference"] > 0:
        reasons.append(f"{offer['municipality']} is een voorkeursgemeente")
    if parts["wait"] > 0:
        reasons.append(f"de casus wacht al {int(case['waited_days'])} dagen")
    if parts["fair_share"] > 0:
        reasons.append(
            f"{offer['municipality']} loopt achter op haar eerlijk aandeel voor deze groep"
        )
    elif parts["fair_share"] < 0:
        reasons.append(f"{offer['municipality']} zit al boven haar eerlijk aandeel voor deze groep")
    if parts["capped"] < 0:
        reasons.append(f"{offer['municipality']} zit voor deze groep boven haar ruimte")
    if parts["neighbourhood_flag"] < 0:
        reason = offer.get("neighbourhood_flag_reason")
        reason = reason if isinstance(reason, str) and reason.strip() else "gesignaleerd"
        reasons.append(f"de buurt is gesignaleerd ({reason.strip()})")
    if len(reasons) == 1:
        sentence = reasons[0]
    else:
        sentence = ", ".join(reasons[:-1]) + " en " + reasons[-1]
    total = sum(parts.values())
    score = f"{total:.2f}".replace(".", ",")  # Dutch decimal comma, as in the score column
    return f"{sentence[0].upper()}{sentence[1:]}; score {score}."


def _empty_result():
    frame = pd.DataFrame({c: pd.Series(dtype=object) for c in ("case_id", "offer_id")})
    for column in ("score", *PARTS):
        frame[column] = pd.Series(dtype=float)
    frame["explanation"] = pd.Series(dtype=object)
    return frame
