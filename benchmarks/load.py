"""Load benchmark: pages and API endpoints under 10 and 50 concurrent clients, as ratios to /healthz.

    python -m benchmarks.load [--seconds 20] [--clients 10,50] [--workers 3]

It prepares a database of its own (PostgreSQL `<DATABASE_URL's database>_load` when
DATABASE_URL names a PostgreSQL server, else a temporary SQLite file, said in the output) with the GMR data set, an approved
run, the demo users and API tokens; starts gunicorn with DEBUG off on a free local port; then
for each concurrency and each URL sends one request (so the measurement is of the cached page;
the first request's time is printed at the end as the cold one), then keeps that many clients,
spread over two client processes, busy for the given seconds and prints p50, p95, throughput
and errors. Every ratio is to /healthz's p95 at the same concurrency,
measured in the same run, so the numbers compare across machines.

Then, with a shared Redis page cache, each page on a cold cache: `--cold-clients` (50) people
open it at the same instant right after its data changed (the page cache's generation is
bumped, as by any write the page shows), wave after wave for the given seconds; p50 and p95 of
all those requests, as a ratio to /healthz's p95.
"""

import argparse
import json
import multiprocessing
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.client import HTTPConnection
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable

# What the load users read; printed as JSON by a Django shell in the prepared database.
PREPARE = r"""
import json
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.auth import SESSION_KEY, BACKEND_SESSION_KEY, HASH_SESSION_KEY
from allocation.models import AllocationRun, RunStatus, Scenario
from allocation.services import allocation_run_approve, allocation_run_execute
from gmr_thuis.tokens import api_token_issue
from municipalities.models import Municipality

scenario = Scenario.objects.get(slug="gmr-2025-2030")
run = AllocationRun.objects.create(scenario=scenario, first_year=scenario.first_year,
                                   last_year=scenario.last_year)
run = allocation_run_execute(run_id=run.pk)
users = get_user_model().objects
allocation_run_approve(user=users.get(username="projectleider"), run=run)

def session(username):
    user = users.get(username=username)
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "gmr_thuis.backends.MemberBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key

corporation = users.get(username="corporatie")
tokens = [api_token_issue(issued_by=None, user=corporation, name=f"load {i}", can_write=False)[1]
          for i in range(int(CLIENTS))]
westervoort = Municipality.objects.get(cbs_code="GM0293")
from django.db import connection
if connection.vendor == "postgresql":  # the planner's statistics, as autovacuum keeps them
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
print("JSON" + json.dumps({
    "run": run.pk, "slug": westervoort.slug,
    "steering": session("stuurgroep"), "leader": session("projectleider"), "tokens": tokens,
}))
"""


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_url():
    """A database of the benchmark's own, recreated empty; (url, description)."""
    configured = os.environ.get("DATABASE_URL", "")
    if configured.startswith(("postgres://", "postgresql://")):
        import psycopg

        parts = urlsplit(configured)
        # Named after the configured database, so benchmarks of several checkouts never meet.
        name = f"{parts.path.strip('/') or 'gmr'}_load"
        admin = parts._replace(path="/postgres").geturl()
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
            connection.execute(f'CREATE DATABASE "{name}"')
        return parts._replace(path=f"/{name}").geturl(), "PostgreSQL"
    path = Path(tempfile.mkdtemp()) / "load.sqlite3"
    return f"sqlite:///{path}", "SQLite (set DATABASE_URL for PostgreSQL)"


def manage(env, *args):
    subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
    )


def prepare(env, clients):
    for command in (
        ["migrate", "--noinput"],
        ["load_gmr_data"],
        ["load_default_scenario"],
        ["load_demo_users", "--force"],
    ):
        manage(env, *command)
    code = PREPARE.replace("int(CLIENTS)", str(clients))
    output = subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(output[output.index("JSON") + 4 :])


def start_server(env, port, workers):
    server = subprocess.Popen(
        [
            str(Path(PYTHON).parent / "gunicorn"),
            "gmr_thuis.wsgi",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--timeout",
            "120",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    for _attempt in range(100):
        try:
            connection = HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise RuntimeError("gunicorn did not answer /healthz")


def _clients(port, path, headers_for, numbers, start_at, seconds, results):
    """One load process: a thread per client number, each with its own keep-alive connection,
    from `start_at` (wall clock, shared by the processes) for `seconds`."""
    latencies, errors, lock = [], [0], threading.Lock()
    time.sleep(max(0.0, start_at - time.time()))
    deadline = time.perf_counter() + seconds

    def client(number):
        connection = HTTPConnection("127.0.0.1", port, timeout=60)
        headers = headers_for(number)
        mine, failed = [], 0
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                response.read()
                if response.status != 200:
                    failed += 1
                mine.append(time.perf_counter() - started)
            except OSError:
                failed += 1
                connection.close()
                connection = HTTPConnection("127.0.0.1", port, timeout=60)
        with lock:
            latencies.extend(mine)
            errors[0] += failed

    threads = [threading.Thread(target=client, args=(n,)) for n in numbers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    results.send((latencies, errors[0], time.time() - start_at))
    results.close()


def hammer(port, path, headers_for, clients, seconds, processes=2):
    """`clients` concurrent clients for `seconds`, spread over `processes` client processes so
    that the client's own interpreter lock does not become what is measured."""
    context = multiprocessing.get_context("fork")
    start_at = time.time() + 0.5
    pipes, workers = [], []
    for index in range(min(processes, clients)):
        receiving, sending = context.Pipe(duplex=False)
        worker = context.Process(
            target=_clients,
            args=(port, path, headers_for, range(index, clients, processes), start_at, seconds),
            kwargs={"results": sending},
        )
        worker.start()
        sending.close()
        pipes.append(receiving)
        workers.append(worker)
    latencies, errors, elapsed = [], 0, seconds
    for receiving in pipes:
        mine, failed, took = receiving.recv()
        latencies.extend(mine)
        errors += failed
        elapsed = max(elapsed, took)
    for worker in workers:
        worker.join()
    latencies.sort()
    p50 = statistics.median(latencies) if latencies else float("nan")
    p95 = latencies[int(0.95 * (len(latencies) - 1))] if latencies else float("nan")
    return {
        "p50": p50,
        "p95": p95,
        "rps": len(latencies) / elapsed,
        "errors": errors,
        "n": len(latencies),
    }


def warm(port, path, headers):
    """One request first: the measurement is of the cached page (its first reader computes)."""
    connection = HTTPConnection("127.0.0.1", port, timeout=120)
    started = time.perf_counter()
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    response.read()
    connection.close()
    return time.perf_counter() - started, response.status


def invalidator(redis_url, key_prefix):
    """A function that does what any write a page shows does: bump the generation every
    region's page cache is keyed by (`gmr_thuis.pagecache.bump("all")`), straight in the
    server's Redis under its key prefix, so the benchmark starts no Django of its own."""
    import redis
    from django.core.cache.backends.base import default_key_func

    client = redis.Redis.from_url(redis_url)
    key = default_key_func("pagecache:generation:all", key_prefix, 1)
    return lambda: client.incr(key)


def _wave(port, path, headers_for, clients):
    """`clients` requests sent at the same instant; (seconds, ok) of each."""
    barrier = threading.Barrier(clients)
    outcome = [None] * clients

    def client(number):
        connection = HTTPConnection("127.0.0.1", port, timeout=120)
        headers = headers_for(number)
        barrier.wait()
        started = time.perf_counter()
        try:
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            response.read()
            outcome[number] = (time.perf_counter() - started, response.status == 200)
        except OSError:
            outcome[number] = (time.perf_counter() - started, False)
        finally:
            connection.close()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcome


def cold_waves(port, path, headers_for, clients, seconds, invalidate, least=3):
    """The page the moment its data changed, opened by `clients` people at once: each wave
    invalidates the page cache, then every client sends one request at the same instant; waves
    follow each other for `seconds` (at least `least` waves). Latencies of all requests."""
    latencies, errors, waves = [], 0, 0
    deadline = time.perf_counter() + seconds
    while waves < least or time.perf_counter() < deadline:
        invalidate()
        outcome = _wave(port, path, headers_for, clients)
        latencies.extend(took for took, _ok in outcome)
        errors += sum(1 for _took, ok in outcome if not ok)
        waves += 1
    latencies.sort()
    return {
        "p50": statistics.median(latencies),
        "p95": latencies[int(0.95 * (len(latencies) - 1))],
        "waves": waves,
        "errors": errors,
        "n": len(latencies),
    }


def targets(data):
    browser = {"Cookie": f"sessionid={data['steering']}"}
    leader = {"Cookie": f"sessionid={data['leader']}"}

    def api(number):
        return {"Authorization": f"Token {data['tokens'][number % len(data['tokens'])]}"}

    run, slug = data["run"], data["slug"]
    return [
        ("/healthz", "/healthz", lambda n: {}),
        ("region dashboard", f"/dashboard/?run={run}", lambda n: browser),
        ("run page", f"/verdeling/run/{run}/", lambda n: leader),
        (
            "why this number",
            f"/dashboard/waarom/{run}/{slug}/statushouders/2026/",
            lambda n: browser,
        ),
        ("monitoring dashboard", "/monitoring/", lambda n: browser),
        ("API targets", "/api/v1/targets/", api),
        ("API municipalities", "/api/v1/municipalities/", api),
    ]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--clients", default="10,50")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument(
        "--only", default="", help="comma-separated labels to measure (besides /healthz)"
    )
    parser.add_argument(
        "--client-processes", type=int, default=2, help="processes the clients are spread over"
    )
    parser.add_argument(
        "--cold-clients",
        type=int,
        default=50,
        help="people opening each page at once right after its data changed (0: skip)",
    )
    options = parser.parse_args(argv)
    concurrencies = [int(c) for c in options.clients.split(",")]
    url, description = database_url()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DEBUG": "0",
        "SECRET_KEY": "load-benchmark-only-" + "x" * 40,
        "SECURE_SSL_REDIRECT": "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "LOG_LEVEL": "WARNING",
        # The endpoints are measured, not the tokens' budget (600 a minute would answer 429).
        "GMR_API_READ_RATE": "100000000/minute",
        # Nothing is collected for the benchmark; WhiteNoise serves from the finders.
        "PYTHONWARNINGS": "ignore::UserWarning",
    }
    redis_url = env.pop("REDIS_URL", None)
    # The data is prepared without a broker (runs compute in-process, nothing is queued).
    data = prepare(env, max(concurrencies))
    if redis_url:
        # The server shares one page cache between its workers, as in production; a prefix of
        # this run's own keeps pages cached by an earlier run (same ids) out of it.
        env |= {"REDIS_URL": redis_url, "CACHE_KEY_PREFIX": f"load-{os.getpid()}-{time.time():.0f}"}
        invalidate = invalidator(redis_url, env["CACHE_KEY_PREFIX"])
        cache = "Redis page cache shared by the workers"
    else:
        cache = "a memory page cache per worker (set REDIS_URL for a shared one)"
        invalidate = None
    port = free_port()
    server = start_server(env, port, options.workers)
    cold, healthz_p95 = [], {}
    try:
        print(
            f"Load benchmark: gunicorn {options.workers} sync workers, {description}, {cache}, "
            f"{options.seconds:g} s per measurement"
        )
        print(
            f"{'clients':>7} {'URL':<22} {'p50 ms':>8} {'p95 ms':>8} {'req/s':>7} "
            f"{'errors':>6} {'p95 ÷ /healthz':>15}"
        )
        for clients in concurrencies:
            baseline = None
            only = [label for label in options.only.split(",") if label]
            for label, path, headers_for in targets(data):
                if only and label != "/healthz" and label not in only:
                    continue
                first, status = warm(port, path, headers_for(0))
                if clients == concurrencies[0]:
                    cold.append((label, first, status))
                result = hammer(
                    port, path, headers_for, clients, options.seconds, options.client_processes
                )
                baseline = baseline or result["p95"]
                healthz_p95.setdefault(clients, baseline)
                print(
                    f"{clients:>7} {label:<22} {result['p50'] * 1000:>8.1f} "
                    f"{result['p95'] * 1000:>8.1f} {result['rps']:>7.1f} {result['errors']:>6} "
                    f"{result['p95'] / baseline:>14.1f}×",
                    flush=True,
                )
        print("First request of each URL (cold page cache, before the first measurement):")
        for label, first, status in cold:
            print(f"        {label:<22} {first * 1000:>8.1f} ms  (status {status})")
        measure_cold(options, data, port, invalidate, healthz_p95)
    finally:
        server.terminate()
        server.wait(timeout=30)


def measure_cold(options, data, port, invalidate, healthz_p95):
    """Each page opened by `--cold-clients` people at once right after its data changed, as
    ratios to /healthz's p95 at the nearest measured concurrency."""
    clients = options.cold_clients
    if not clients:
        return
    if invalidate is None:
        print(
            "Cold pages not measured: invalidating needs the shared Redis page cache (REDIS_URL)."
        )
        return
    nearest = min(healthz_p95, key=lambda measured: abs(measured - clients))
    baseline = healthz_p95[nearest]
    print(
        f"Cold page cache: {clients} clients open the page at once right after its data "
        f"changed, in waves for {options.seconds:g} s; ratio to /healthz p95 at {nearest} clients"
    )
    print(
        f"{'clients':>7} {'URL':<22} {'p50 ms':>8} {'p95 ms':>8} {'waves':>7} "
        f"{'errors':>6} {'p95 ÷ /healthz':>15}"
    )
    only = [label for label in options.only.split(",") if label]
    for label, path, headers_for in targets(data):
        if label == "/healthz" or (only and label not in only):
            continue
        result = cold_waves(port, path, headers_for, clients, options.seconds, invalidate)
        print(
            f"{clients:>7} {label:<22} {result['p50'] * 1000:>8.1f} {result['p95'] * 1000:>8.1f} "
            f"{result['waves']:>7} {result['errors']:>6} {result['p95'] / baseline:>14.1f}×",
            flush=True,
        )


if __name__ == "__main__":
    main()
