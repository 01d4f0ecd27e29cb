"""`make bench` (python -m benchmarks.mediation): the mediation table's matcher, measured here.

* `match` on 2,000 cases × 2,000 offers (synthetic, seeded; goal < 2 s), best of three;
* its total score against a greedy baseline on the same instance (must never be lower);
* its total against brute force on 200 random small instances up to 7 × 7 (identical optimum).
"""

import time

import numpy as np
import pandas as pd

from mediation.baselines import brute_force, greedy, total
from mediation.matching import match, score_matrix

# Codes of the 17 GMR municipalities (CBS 2024).
CODES = [
    "GM0202", "GM0268", "GM0293", "GM0226", "GM1955", "GM0196", "GM0209", "GM0213",
    "GM0274", "GM0275", "GM0277", "GM0279", "GM0282", "GM0299", "GM1705", "GM1740", "GM0221",
]  # fmt: skip
GROUPS = ["statushouders", "uitstroom_bw", "uitstroom_ggz", "uitstroom_jeugd", "woonwagen"]


def synthetic(n_cases, n_offers, seed):
    """Random cases and offers in the region's ranges (synthetic, not real figures)."""
    rng = np.random.default_rng(seed)

    def codes(k):
        return [
            list(rng.choice(CODES, size=rng.integers(0, k + 1), replace=False))
            for _ in range(n_cases)
        ]

    cases = pd.DataFrame(
        {
            "case_id": np.arange(n_cases),
            "municipality": rng.choice(CODES, n_cases),
            "group": rng.choice(GROUPS, n_cases),
            "rooms_min": rng.integers(1, 5, n_cases),
            "accessible_needed": rng.random(n_cases) < 0.2,
            "rent_max": rng.integers(500, 900, n_cases).astype(float),
            "excluded": codes(2),
            "preferred": codes(3),
            "waited_days": rng.integers(0, 700, n_cases),
        }
    )
    offers = pd.DataFrame(
        {
            "offer_id": np.arange(n_offers) + 1_000_000,
            "municipality": rng.choice(CODES, n_offers),
            "rooms": rng.integers(1, 6, n_offers),
            "accessible": rng.random(n_offers) < 0.3,
            "rent": rng.integers(450, 950, n_offers).astype(float),
            "balance": [
                {g: float(b) for g, b in zip(GROUPS, rng.uniform(-1, 1, len(GROUPS)), strict=True)}
                for _ in range(n_offers)
            ],
            "neighbourhood_flagged": rng.random(n_offers) < 0.1,
        }
    )
    return cases, offers


def main():
    print("GMR Thuis mediation matcher benchmark")
    cases, offers = synthetic(2_000, 2_000, seed=14)
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        result = match(cases, offers)
        best = min(best, time.perf_counter() - started)
    ours = result["score"].sum()
    scores = score_matrix(cases, offers)
    started = time.perf_counter()
    baseline_pairs = greedy(scores)
    greedy_time = time.perf_counter() - started
    baseline = total(scores, baseline_pairs)
    print(
        f"\n2,000 cases × 2,000 offers (synthetic, seed 14), {int((scores > 0).sum()):,} feasible pairs"
    )
    print(
        f"  match (linear_sum_assignment)  {best:8.2f} s   {len(result):,} pairs, total {ours:,.2f}"
    )
    print(
        f"  greedy baseline                {greedy_time:8.2f} s   {len(baseline_pairs):,} pairs, total {baseline:,.2f}"
    )

    rng = np.random.default_rng(7)
    same = 0
    trials = 200
    for t in range(trials):
        small_cases, small_offers = synthetic(
            int(rng.integers(1, 8)), int(rng.integers(1, 8)), seed=t
        )
        small = score_matrix(small_cases, small_offers)
        if abs(match(small_cases, small_offers)["score"].sum() - brute_force(small)) < 1e-9:
            same += 1
    print(
        f"\nbrute force on {trials} random instances up to 7 × 7: same optimum on {same}/{trials}"
    )

    checks = [
        ("match 2,000 × 2,000", f"{best:.2f} s", "< 2 s", best < 2.0),
        ("total vs greedy", f"{ours / baseline:.4f}×", "≥ 1×", ours >= baseline - 1e-9),
        ("brute force identity", f"{same}/{trials}", f"{trials}/{trials}", same == trials),
    ]
    print("\ngoal                         measured      goal          met")
    for name, value, goal, met in checks:
        print(f"{name:<28} {value:<13} {goal:<13} {'yes' if met else 'NO'}")


if __name__ == "__main__":
    main()
