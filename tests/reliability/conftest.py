"""Real servers of the tests' own: a private Redis and PostgreSQL on free ports, and workers.

These tests stop, restart and kill servers, so they never use the shared ones (5432/6379):
the session starts a `redis-server` and a PostgreSQL cluster (`initdb` + `pg_ctl`, trust
authentication) in temporary directories, migrates a database there, and each test module
points this process's Django connection and Celery app at them. Workers and beat are real
`celery` processes whose environment names the private servers.

Without the PostgreSQL or Redis binaries the tests skip, unless GMR_REQUIRE_SERVICES is set
(CI), where they fail instead.
"""

import glob
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import require_service
from tests.integration.conftest import BASE_DIR, stop, wait_until_ready

DATABASE_NAME = "gmr_reliability"
SERVER_TIMEOUT = 30  # seconds for a private server to accept connections


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "reliability: stops, restarts or kills private servers and workers"
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _postgres_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


def _wait_for(ready, what, log_path=None):
    deadline = time.monotonic() + SERVER_TIMEOUT
    while time.monotonic() < deadline:
        if ready():
            return
        time.sleep(0.1)
    log = Path(log_path).read_text()[-3000:] if log_path and Path(log_path).exists() else ""
    pytest.fail(f"{what} did not come up in {SERVER_TIMEOUT}s\n{log}")


class PrivateRedis:
    """A `redis-server` without persistence: a restart loses every message, the harder case."""

    def __init__(self, directory: Path):
        self.directory, self.port, self.process = directory, free_port(), None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        log = (self.directory / "redis.log").open("ab")
        self.process = subprocess.Popen(
            [
                *("redis-server", "--port", str(self.port), "--bind", "127.0.0.1"),
                *("--dir", str(self.directory), "--save", "", "--appendonly", "no"),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        _wait_for(self.ping, "Redis", self.directory / "redis.log")

    def ping(self) -> bool:
        import redis

        try:
            return redis.Redis(port=self.port, socket_connect_timeout=0.5).ping()
        except redis.RedisError:
            return False

    def stop(self):
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


class PrivatePostgres:
    """A throw-away cluster; run as the `postgres` user when the tests run as root."""

    def __init__(self, bin_dir: Path, directory: Path):
        self.bin_dir, self.directory, self.port = bin_dir, directory, free_port()
        self.data = directory / "data"
        self.log = directory / "postgres.log"

    def _run(self, *command):
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run(
            [*prefix, str(self.bin_dir / command[0]), *command[1:]],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            timeout=SERVER_TIMEOUT * 2,
        )

    def init(self):
        if os.geteuid() == 0:
            shutil.chown(self.directory, "postgres", "postgres")
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8")

    def start(self):
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.directory} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "start")
        _wait_for(self.accepts, "PostgreSQL", self.log)

    def stop(self, mode="fast"):
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def accepts(self) -> bool:
        import psycopg

        try:
            psycopg.connect(
                host="127.0.0.1", port=self.port, user="postgres", dbname="postgres"
            ).close()
            return True
        except psycopg.OperationalError:
            return False

    def create_database(self, name):
        import psycopg

        with psycopg.connect(
            host="127.0.0.1", port=self.port, user="postgres", dbname="postgres", autocommit=True
        ) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')

    def url(self, name) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def settings_dict(self, base: dict, name: str) -> dict:
        return {
            **base,
            "ENGINE": "django.db.backends.postgresql",
            "NAME": name,
            "USER": "postgres",
            "PASSWORD": "",
            "HOST": "127.0.0.1",
            "PORT": str(self.port),
            "CONN_MAX_AGE": 0,
            "CONN_HEALTH_CHECKS": False,
            "OPTIONS": {},
            "TEST": {**base.get("TEST", {}), "NAME": name},
        }


@contextmanager
def default_database(settings_dict):
    """This process's default database connection goes to `settings_dict` meanwhile."""
    from django.db import connections

    previous_settings, previous = connections.settings["default"], connections["default"]
    connections.settings["default"] = settings_dict
    del connections["default"]
    try:
        yield
    finally:
        connections["default"].close()
        connections.settings["default"] = previous_settings
        connections["default"] = previous


@contextmanager
def celery_broker(url):
    """This process's Celery app sends to (and reads results from) `url` meanwhile."""
    from gmr_thuis.celery import app

    saved = {key: app.conf[key] for key in ("broker_url", "result_backend", "task_always_eager")}

    def reset():
        # Drop the app's references only: the pools are kombu's, shared per URL, and closing
        # them would break every later user of the same broker ("Acquire on closed pool").
        app._pool = None
        if "amqp" in app.__dict__:
            app.amqp._producer_pool = None
        app._backend_cache = None
        app._local.__dict__.pop("backend", None)

    app.conf.update(broker_url=url, result_backend=url, task_always_eager=False)
    reset()
    try:
        yield app
    finally:
        app.conf.update(saved)
        reset()


@pytest.fixture(scope="session")
def private_servers(django_db_setup, django_db_blocker):
    bin_dir = _postgres_bin()
    require_service("PostgreSQL binaries (initdb, pg_ctl)", bin_dir is not None)
    require_service("redis-server", shutil.which("redis-server") is not None)
    directory = Path(tempfile.mkdtemp(prefix="gmr-reliability-"))
    redis_server = PrivateRedis(directory)
    postgres = PrivatePostgres(bin_dir, directory)
    try:
        redis_server.start()
        postgres.init()
        postgres.start()
        postgres.create_database(DATABASE_NAME)
        from django.core.management import call_command
        from django.db import connections

        base = connections.settings["default"]
        with (
            django_db_blocker.unblock(),
            default_database(postgres.settings_dict(base, DATABASE_NAME)),
        ):
            call_command("migrate", verbosity=0, interactive=False)
        yield redis_server, postgres
    finally:
        redis_server.stop()
        if postgres.accepts():
            postgres.stop(mode="immediate")
        shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture(scope="module", autouse=True)
def on_private_servers(private_servers):
    """Each module's tests talk to the private servers, and only to them."""
    from django.db import connections

    redis_server, postgres = private_servers
    base = connections.settings["default"]
    with (
        default_database(postgres.settings_dict(base, DATABASE_NAME)),
        celery_broker(redis_server.url),
    ):
        yield


@pytest.fixture
def redis_server(private_servers):
    redis_server, _postgres = private_servers
    yield redis_server
    if redis_server.process is None:  # a test that stopped it and failed before restarting
        redis_server.start()


@pytest.fixture
def postgres_server(private_servers):
    _redis, postgres = private_servers
    yield postgres
    if not postgres.accepts():
        postgres.start()


@pytest.fixture
def private_cache_on_redis(settings, redis_server):
    """The page cache on the private Redis, as production has it (and loses it with Redis)."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_server.url,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }


@pytest.fixture
def celery_process(private_servers, tmp_path):
    """Start `celery -A gmr_thuis <kind>` on the private servers; stops them all at the end.

    `start("worker", name, **environment)` returns the Popen once the worker answers a ping;
    `start("beat")` once it started. Logs are `tmp_path / f"{name}.log"`.
    """
    from gmr_thuis.celery import app

    redis_server, postgres = private_servers
    processes = []

    def start(kind, name="worker", wait=True, **environment):
        node = f"{name}-{os.getpid()}@localhost"
        log_path = tmp_path / f"{name}.log"
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "gmr_thuis.settings",
            "DATABASE_URL": postgres.url(DATABASE_NAME),
            "REDIS_URL": redis_server.url,
            "CONN_MAX_AGE": "0",
            **{key: str(value) for key, value in environment.items()},
        }
        if kind == "worker":
            arguments = [
                *("worker", "--pool=solo", "--concurrency=1", "--without-gossip"),
                *("--without-mingle", "--without-heartbeat", "--loglevel=INFO", "-n", node),
            ]
        else:
            arguments = ["beat", "--loglevel=INFO", "-s", str(tmp_path / "beat-schedule")]
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "gmr_thuis", *arguments],
                cwd=BASE_DIR,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        process.log_path, process.node = log_path, node
        processes.append(process)
        if kind == "worker" and wait:
            wait_until_ready(app, process, node, log_path)
        return process

    start.ready = lambda process: wait_until_ready(app, process, process.node, process.log_path)
    yield start
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process in processes:
        stop(process)
    if redis_server.ping():
        app.control.purge()  # no later test's worker should find this test's messages
