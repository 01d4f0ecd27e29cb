"""A real Celery worker process against the test database and Redis, for integration tests."""

import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
WORKER_READY_TIMEOUT = 60  # seconds; a cold worker imports Django, pandas and the apps


def database_url_for(settings_dict):
    """A DATABASE_URL naming the database this test process uses (pytest-django's test DB)."""
    user = quote(settings_dict.get("USER") or "")
    password = settings_dict.get("PASSWORD") or ""
    credentials = f"{user}:{quote(password)}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or "5432"
    return f"postgres://{credentials}{host}:{port}/{settings_dict['NAME']}"


def wait_until_ready(app, process, node_name, log_path):
    """Ping the worker over the broker until it answers; fail with its log if it dies or hangs."""
    deadline = time.monotonic() + WORKER_READY_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(
                f"Celery worker exited with {process.returncode}:\n{log_path.read_text()[-4000:]}"
            )
        if app.control.ping(destination=[node_name], timeout=1.0):
            return
    pytest.fail(
        f"Celery worker not ready after {WORKER_READY_TIMEOUT}s:\n{log_path.read_text()[-4000:]}"
    )


def stop(process):
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


@pytest.fixture
def celery_worker_process(transactional_db, postgres_db, redis_url, tmp_path):
    """Start `celery -A gmr_thuis worker` (one process, solo pool) on the test database.

    Yields the `subprocess.Popen`; a test may kill it (e.g. mid-job) and the fixture still
    cleans up. Data the test writes must be committed for the worker to see it, hence
    `transactional_db`. The worker's log is `tmp_path / "celery-worker.log"`.
    """
    from gmr_thuis.celery import app

    node_name = f"gmr-test-{os.getpid()}@localhost"
    log_path = tmp_path / "celery-worker.log"
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "gmr_thuis.settings",
        "DATABASE_URL": database_url_for(postgres_db.settings_dict),
        "REDIS_URL": redis_url,
        # A short-lived worker must not hold the test database open after it stops.
        "CONN_MAX_AGE": "0",
    }
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "gmr_thuis",
                "worker",
                "--pool=solo",
                "--concurrency=1",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--loglevel=INFO",
                "-n",
                node_name,
            ],
            cwd=BASE_DIR,
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_until_ready(app, process, node_name, log_path)
        yield process
    finally:
        stop(process)
