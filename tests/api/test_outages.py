"""Outages against real servers the tests start themselves, on private ports.

Redis is killed under the API's rate limiter: the API keeps answering (fails open) and logs
a warning, and counts again once Redis is back. PostgreSQL is stopped under a gunicorn
serving the app with DEBUG off: the API answers a JSON 503 with Retry-After and the pages a
Dutch 503 page without a stack trace, and recovers by itself when PostgreSQL is back. The
shared servers are never touched.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
MUNICIPALITIES = "/api/v1/municipalities/"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(condition, timeout=30.0, what="server"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    pytest.fail(f"{what} did not come up within {timeout} s")


def accepts_connections(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


# --- Redis -----------------------------------------------------------------------------------


class PrivateRedis:
    def __init__(self):
        self.port = free_port()
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until(lambda: accepts_connections(self.port), what="redis-server")

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)
        assert not accepts_connections(self.port)


@pytest.fixture
def private_redis(settings):
    if shutil.which("redis-server") is None:
        pytest.fail("redis-server is needed to test the API with Redis killed")
    server = PrivateRedis()
    server.start()
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{server.port}/0",
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
    settings.GMR_API_THROTTLE_RATES = {"read": "3/minute", "write": "3/minute"}
    yield server
    # Back to a local cache before the server goes: later teardowns clear "the" cache.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    if server.process.poll() is None:
        server.kill()


def test_rate_limit_counts_in_redis_fails_open_when_killed_and_counts_again(
    private_redis, api_as, corp_owner, caplog
):
    client = api_as(corp_owner)
    # Counted in this Redis: the fourth read in the minute is refused.
    assert [client.get(MUNICIPALITIES).status_code for _ in range(4)] == [200, 200, 200, 429]

    private_redis.kill()
    with caplog.at_level("WARNING", logger="gmr_thuis.api.throttling"):
        answers = [client.get(MUNICIPALITIES) for _ in range(5)]
    # Not counted, so not refused: the API keeps serving, in JSON.
    assert [answer.status_code for answer in answers] == [200] * 5
    assert answers[-1]["Content-Type"] == "application/json"
    warnings = [r for r in caplog.records if "rate limit not counted" in r.getMessage()]
    assert len(warnings) == 5

    # Back (empty, as after a restart without persistence): counting resumes.
    private_redis.start()
    assert [client.get(MUNICIPALITIES).status_code for _ in range(4)] == [200, 200, 200, 429]


# --- PostgreSQL ------------------------------------------------------------------------------


def postgres_bin():
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
    if not found:
        pytest.fail("PostgreSQL's pg_ctl/initdb (/usr/lib/postgresql/*/bin) is needed here")
    return found[-1].parent


def as_postgres_user(command):
    # initdb and postgres refuse to run as root; a container's root runs them as postgres.
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


class PrivatePostgres:
    def __init__(self, directory):
        self.bin = postgres_bin()
        self.directory = directory
        self.data = directory / "data"
        self.port = free_port()
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/gmr"

    def run(self, *command):
        subprocess.run(as_postgres_user([str(self.bin / command[0]), *command[1:]]), check=True)

    def start(self):
        self.run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync")
        self.resume()
        self.run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "gmr")

    def resume(self):
        self.run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-l",
            str(self.directory / "postgres.log"),
            "-w",
            "-o",
            f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 -c fsync=off",
            "start",
        )

    def stop(self):
        if (self.data / "postmaster.pid").exists():
            self.run("pg_ctl", "-D", str(self.data), "-w", "-m", "immediate", "stop")


@pytest.fixture
def private_postgres():
    directory = Path(tempfile.mkdtemp(prefix="gmr-pg-"))
    if os.geteuid() == 0:
        shutil.chown(directory, "postgres")
    server = PrivatePostgres(directory)
    try:
        server.start()
        yield server
    finally:
        server.stop()
        shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture
def gunicorn_on(private_postgres):
    """The app under gunicorn, DEBUG off, on the private PostgreSQL (migrated), no Redis."""
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": private_postgres.url,
        "REDIS_URL": "",
        "DEBUG": "0",
        "SECRET_KEY": "outage-test-" + "k" * 40,
        "SECURE_SSL_REDIRECT": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SETTINGS_MODULE": "gmr_thuis.settings",
    }
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "gmr_thuis.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--timeout",
            "30",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: accepts_connections(port), what="gunicorn")
        yield base
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_postgres_down_is_a_json_503_on_the_api_and_a_dutch_page_elsewhere(
    private_postgres, gunicorn_on
):
    wrong_key = {"Authorization": "Token not-a-real-key"}
    session = {"Cookie": "sessionid=abcdefghijklmnopqrstuvwxyz012345"}
    # Up: the key is looked up in the database (and refused), the session too.
    up = requests.get(gunicorn_on + MUNICIPALITIES, headers=wrong_key, timeout=10)
    assert up.status_code == 401
    assert (
        requests.get(gunicorn_on + "/", headers=session, allow_redirects=False).status_code == 302
    )

    private_postgres.stop()

    down = requests.get(gunicorn_on + MUNICIPALITIES, headers=wrong_key, timeout=10)
    assert down.status_code == 503
    assert down.headers["Content-Type"] == "application/json"
    assert int(down.headers["Retry-After"]) > 0
    [error] = down.json()["errors"]
    assert error["code"] == "service_unavailable"
    assert "niet bereikbaar" in error["message"]

    english = requests.get(
        gunicorn_on + MUNICIPALITIES, headers={**wrong_key, "Accept-Language": "en"}, timeout=10
    )
    assert english.status_code == 503
    assert "temporarily unavailable" in english.json()["errors"][0]["message"]

    page = requests.get(gunicorn_on + "/", headers=session, allow_redirects=False, timeout=10)
    assert page.status_code == 503
    assert page.headers["Content-Type"].startswith("text/html")
    assert "Retry-After" in page.headers
    assert "niet bereikbaar" in page.text
    assert "Traceback" not in page.text and "OperationalError" not in page.text

    # Back up: the same worker reconnects on the next request, nothing to restart.
    private_postgres.resume()
    again = requests.get(gunicorn_on + MUNICIPALITIES, headers=wrong_key, timeout=10)
    assert again.status_code == 401
