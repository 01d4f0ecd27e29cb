"""The settings module: embedded default, environment switches, production hardening."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


# What the test run itself sets (CI's services, the browser tests' async escape hatch) is not
# part of the configuration under test.
NOT_INHERITED = {"DATABASE_URL", "REDIS_URL", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}


def clean_environment():
    return {k: v for k, v in os.environ.items() if k not in NOT_INHERITED}


def run_manage(*args, **env):
    base = clean_environment()
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def settings_value(expression, **env):
    code = f"import django; django.setup(); from django.conf import settings; print({expression})"
    base = clean_environment()
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**base, "DJANGO_SETTINGS_MODULE": "gmr_thuis.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_embedded_default_is_sqlite_and_eager_celery():
    assert settings_value("settings.DATABASES['default']['ENGINE']") == (
        "django.db.backends.sqlite3"
    )
    assert settings_value("settings.CELERY_TASK_ALWAYS_EAGER") == "True"


def test_database_url_selects_postgresql():
    engine = settings_value(
        "settings.DATABASES['default']['ENGINE']",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/gmr",
    )
    assert engine == "django.db.backends.postgresql"


def test_redis_url_selects_a_real_broker():
    url = "redis://127.0.0.1:6379/3"
    assert settings_value("settings.CELERY_BROKER_URL", REDIS_URL=url) == url
    assert settings_value("settings.CELERY_TASK_ALWAYS_EAGER", REDIS_URL=url) == "False"


def test_secret_key_is_required_when_debug_is_off():
    result = run_manage("check", DEBUG="0", SECRET_KEY="")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_settings_pass_check_deploy():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        SECRET_KEY="a-long-random-production-secret-" + "k8Jq2LmZ9xVb" * 4,
        ALLOWED_HOSTS="gmr.example.org",
    )
    assert result.returncode == 0, result.stdout + result.stderr
