"""A national sensitivity sweep (342 municipalities × 15 groups × 6 years) on one and on two
Celery worker processes: the speed-up from splitting the sweep over workers.

    python -m benchmarks.sweep_workers [--variants 400]

Needs Redis (REDIS_URL; the benchmark uses database 15 of that server) and a database the
workers share: PostgreSQL `<DATABASE_URL's database>_sweepbench` when DATABASE_URL names
PostgreSQL, else a
temporary SQLite file (said in the output). It loads the synthetic country as one region,
starts `celery worker --concurrency N` itself, and times a whole sweep for N = 1 and N = 2.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable

PREPARE = r"""
import itertools, tempfile
from pathlib import Path
from django.contrib.auth import get_user_model
from allocation.models import Scenario
from allocation import inputs as adapter
from allocation.services import _sweep_settings
from gmr_thuis.models import Membership, Role
from gmr_thuis.national import national_dataset_load
from municipalities.services import FIXTURES_DIR

with tempfile.TemporaryDirectory() as directory:
    national_dataset_load(out_dir=Path(directory) / "land", regions=1, seed=2026,
                          template_dir=FIXTURES_DIR)
scenario = Scenario.objects.get(slug__startswith="synthetisch")
user = get_user_model().objects.create_user("pl-sweep", password=None)
Membership.objects.create(user=user, role=Role.PROJECT_LEADER, region=scenario.region)
base = adapter.methodology_settings(scenario.methodology)
for count in itertools.count(2):
    factors = [0.5 + i / count for i in range(count)]
    if len(_sweep_settings(base, factors, [1 / 3])) >= VARIANTS:
        break
print("FACTORS" + ",".join(str(f) for f in factors))
"""

START = r"""
from allocation.models import Scenario
from allocation.services import sensitivity_sweep_start
from django.contrib.auth import get_user_model
sweep = sensitivity_sweep_start(user=get_user_model().objects.get(username="pl-sweep"),
    scenario=Scenario.objects.get(slug__startswith="synthetisch"), weight_factors=[FACTORS], cap_shares=[1 / 3])
print("SWEEP" + str(sweep.pk) + ":" + str(sweep.methodology_count))
"""

STATUS_SQL = "SELECT status, created_at, finished_at FROM allocation_sensitivitysweep WHERE id = %s"


def sweep_status(url, sweep_id):
    """Read straight from the database: a Django process per poll would steal the workers' CPU."""
    if url.startswith("sqlite:///"):
        import sqlite3

        with sqlite3.connect(url.removeprefix("sqlite:///")) as db:
            status, created, finished = db.execute(
                STATUS_SQL.replace("%s", "?"), (sweep_id,)
            ).fetchone()
        if finished is None:
            return status, None
        parse = datetime.fromisoformat
        return status, (parse(finished) - parse(created)).total_seconds()
    import psycopg

    with psycopg.connect(url) as db:
        status, created, finished = db.execute(STATUS_SQL, (sweep_id,)).fetchone()
    return status, (finished - created).total_seconds() if finished else None


def shell(env, code, marker):
    output = subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return output[output.index(marker) + len(marker) :].strip()


def database_url():
    configured = os.environ.get("DATABASE_URL", "")
    if configured.startswith(("postgres://", "postgresql://")):
        import psycopg

        parts = urlsplit(configured)
        # Named after the configured database, so benchmarks of several checkouts never meet.
        name = f"{parts.path.strip('/') or 'gmr'}_sweepbench"
        with psycopg.connect(parts._replace(path="/postgres").geturl(), autocommit=True) as db:
            db.execute(f'DROP DATABASE IF EXISTS "{name}"')
            db.execute(f'CREATE DATABASE "{name}"')
        return parts._replace(path=f"/{name}").geturl(), "PostgreSQL"
    path = Path(tempfile.mkdtemp()) / "sweep.sqlite3"
    return f"sqlite:///{path}", "SQLite (set DATABASE_URL for PostgreSQL)"


def timed_sweep(env, factors, concurrency):
    worker = subprocess.Popen(
        [
            str(Path(PYTHON).parent / "celery"),
            "-A",
            "gmr_thuis",
            "worker",
            "--concurrency",
            str(concurrency),
            "--loglevel",
            "WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        time.sleep(3)  # the worker connects and forks its processes before the clock starts
        sweep = shell(env, START.replace("FACTORS", factors), "SWEEP")
        sweep_id, count = sweep.split(":")
        while True:
            status, elapsed = sweep_status(env["DATABASE_URL"], int(sweep_id))
            if status in ("succeeded", "failed") and elapsed is not None:
                break
            time.sleep(0.2)
        # From the sweep's creation to its last year stored, as the database recorded them.
        return elapsed, status, int(count)
    finally:
        worker.terminate()
        worker.wait(timeout=60)


def _spin(_index):
    total = 0
    for number in range(20_000_000):
        total += number
    return total


def cpu_ceiling() -> float:
    """How much faster two CPU-bound processes finish than one on this machine right now: the
    most two workers can gain (a shared or busy host gives less than 2)."""
    import multiprocessing

    started = time.perf_counter()
    _spin(0)
    one = time.perf_counter() - started
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        started = time.perf_counter()
        pool.map(_spin, [0, 1])
        two = time.perf_counter() - started
    return 2 * one / two


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variants", type=int, default=400)
    options = parser.parse_args(argv)
    redis_url = os.environ.get("REDIS_URL", "")
    if not redis_url:
        print("National sweep over Celery workers: not measured, set REDIS_URL (a real broker).")
        return
    url, description = database_url()
    broker = urlsplit(redis_url)._replace(path="/15").geturl()
    env = {**os.environ, "DATABASE_URL": url, "REDIS_URL": broker, "LOG_LEVEL": "WARNING"}
    subprocess.run(
        [PYTHON, "manage.py", "migrate", "--noinput"],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    factors = shell(env, PREPARE.replace("VARIANTS", str(options.variants)), "FACTORS")
    print(f"National sweep (342 × 15 × 6) over Celery workers, {description}")
    print(f"{'workers':>7} {'variants':>9} {'seconds':>8} {'status':>10} {'speed-up':>9}")
    one = None
    for concurrency in (1, 2):
        seconds, status, count = timed_sweep(env, factors, concurrency)
        one = one or seconds
        print(f"{concurrency:>7} {count:>9} {seconds:>8.1f} {status:>10} {one / seconds:>8.2f}×")
    print(
        f"This machine's ceiling: two CPU-bound processes finish {cpu_ceiling():.2f}× as fast as one."
    )


if __name__ == "__main__":
    main()
