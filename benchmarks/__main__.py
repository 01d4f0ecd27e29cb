"""`make bench` (python -m benchmarks): the engine's speed against its peers, all measured in
this run on this machine, printed as times and ratios with the goals of issue 3.

* 10,000 problems × 342 labels (national scale: the Netherlands has 342 municipalities), for
  `hamilton` and `huntington_hill`: `apportion_many` against a Python loop over `apportion`,
  against a loop over the PyPI package `apportionment` (a peer), and against one
  `numpy.argsort` of the same matrix (the floor for any ranking step).
* One full GMR allocation (default methodology, the fixtures' data set) and a sweep over
  10,000 GMR methodologies.

Vectorised timings are the best of a few repetitions (the machine may be shared); loops are
timed once on a sample of the problems and scaled to all 10,000, as the output says.
"""

import dataclasses
import os
import platform
import time

import numpy as np

PROBLEMS, LABELS = 10_000, 342
LOOP_SAMPLE = 1_000  # problems timed for the loop over our own apportion
PEER_SAMPLE = {"hamilton": 1_000, "huntington_hill": 20}  # the peer's divisor loop is slow
PEER_NAME = {"hamilton": "largest_remainder", "huntington_hill": "huntington"}
# The peer names labels by letter in its tie messages; 342 labels need names of their own.
PARTIES = [f"label {i}" for i in range(LABELS)]
SCENARIOS = 10_000
GOALS = {
    "vs peer loop": "≥ 100× faster",
    "hamilton vs argsort": "≤ 3×",
    "huntington_hill vs argsort": "≤ 10×",
    "GMR allocation": "< 50 ms",
    "GMR sweep": "< 1 s",
}


def main():
    from allocation.engine import ENGINE_VERSION

    print(f"GMR Thuis engine {ENGINE_VERSION} benchmark")
    print(
        f"machine: {_cpu()}, {os.cpu_count()} CPUs (nproc), Python {platform.python_version()},"
        f" numpy {np.__version__}"
    )
    weights, totals = national_problems()
    print(
        f"\n{PROBLEMS:,} problems × {LABELS} labels; weights: synthetic municipality populations "
        f"(log-normal around 30,000), totals {totals.min():,}–{totals.max():,} units\n"
    )
    checks = []
    floor = best_of(lambda: np.argsort(weights, axis=1))
    print(f"numpy.argsort of the matrix: {floor * 1e3:8.1f} ms")
    for method in ("hamilton", "huntington_hill"):
        checks += compare_apportionment(method, weights, totals, floor)
    checks += gmr()
    print("\ngoal                         measured      goal          met")
    for name, value, goal, met in checks:
        print(f"{name:<28} {value:<13} {goal:<13} {'yes' if met else 'NO'}")


def national_problems(seed=2026):
    rng = np.random.default_rng(seed)
    weights = np.round(rng.lognormal(np.log(30_000), 0.9, size=(PROBLEMS, LABELS)))
    totals = rng.integers(1_000, 20_001, size=PROBLEMS)
    return weights, totals


def compare_apportionment(method, weights, totals, floor):
    from apportionment.methods import compute

    from allocation.engine import apportion, apportion_many

    vectorised = best_of(lambda: apportion_many(weights, totals, method))
    ours = apportion_many(weights, totals, method)

    sample = LOOP_SAMPLE
    started = time.perf_counter()
    looped = [apportion(weights[i], int(totals[i]), method).to_numpy() for i in range(sample)]
    loop = (time.perf_counter() - started) * PROBLEMS / sample
    assert all((looped[i] == ours[i]).all() for i in range(sample))

    peer_sample = PEER_SAMPLE[method]
    started = time.perf_counter()
    peer = [
        compute(PEER_NAME[method], weights[i].tolist(), int(totals[i]), parties=PARTIES)
        for i in range(peer_sample)
    ]
    peer_time = (time.perf_counter() - started) * PROBLEMS / peer_sample
    same = sum(list(ours[i]) == peer[i] for i in range(peer_sample))

    print(f"\n{method}")
    print(f"  apportion_many, all {PROBLEMS:,} at once     {vectorised * 1e3:10.1f} ms")
    print(
        f"  loop over apportion               {loop * 1e3:10.1f} ms  "
        f"({loop / vectorised:7.1f}× slower; timed on {sample:,}, scaled)"
    )
    print(
        f"  loop over PyPI apportionment 1.0  {peer_time * 1e3:10.1f} ms  "
        f"({peer_time / vectorised:7.1f}× slower; timed on {peer_sample:,}, scaled; "
        f"same result on {same}/{peer_sample})"
    )
    print(f"  vs one numpy.argsort              {vectorised / floor:10.2f}×")
    limit = 3 if method == "hamilton" else 10
    return [
        (
            f"{method} vs peer loop",
            f"{peer_time / vectorised:,.0f}×",
            GOALS["vs peer loop"],
            peer_time / vectorised >= 100,
        ),
        (
            f"{method} vs argsort",
            f"{vectorised / floor:.2f}×",
            GOALS[f"{method} vs argsort"],
            vectorised / floor <= limit,
        ),
    ]


def gmr():
    from allocation.engine import allocate_fair_share, default_methodology, sweep
    from benchmarks.gmr import gmr_frames

    indicators, tasks, carried = gmr_frames()
    methodology = default_methodology()
    once = best_of(lambda: allocate_fair_share(indicators, tasks, methodology, carried=carried))
    variants = gmr_variants(methodology, SCENARIOS)
    swept = best_of(lambda: sweep(indicators, tasks, variants, carried=carried), repeat=3)
    print(
        f"\nGMR: {len(indicators)} municipalities × {len(tasks)} target groups "
        f"(fixtures, default methodology)"
    )
    print(f"  one allocation                    {once * 1e3:10.1f} ms")
    print(
        f"  sweep over {SCENARIOS:,} methodologies    {swept * 1e3:10.1f} ms "
        f"(keys and cap shares varied)"
    )
    return [
        ("GMR allocation", f"{once * 1e3:.1f} ms", GOALS["GMR allocation"], once < 0.05),
        ("GMR sweep (10,000)", f"{swept:.2f} s", GOALS["GMR sweep"], swept < 1.0),
    ]


def gmr_variants(methodology, count, seed=7):
    """Methodologies around the default: each shared key weighs inhabitants and social stock
    anew, and the cap share lies between 20% and 50% of the turnover."""
    rng = np.random.default_rng(seed)
    variants = []
    for _ in range(count):
        inhabitants, social_rent = rng.uniform(0.0, 1.0, size=2) + [0.05, 0.0]
        rules = tuple(
            rule
            if rule.local
            else dataclasses.replace(
                rule, key={"inhabitants": inhabitants, "social_rent": social_rent}
            )
            for rule in methodology.rules
        )
        variants.append(
            dataclasses.replace(methodology, rules=rules, cap_share=rng.uniform(0.2, 0.5))
        )
    return variants


def best_of(run, repeat=5):
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - started)
    return best


def _cpu():
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


if __name__ == "__main__":
    main()
