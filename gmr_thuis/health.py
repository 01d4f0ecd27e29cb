"""Health checks: /healthz is cheap (pooled connections), /readyz asks Celery's broker itself."""

from functools import lru_cache

import redis
from django.db import connection


def check_database():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return {"ok": True, "engine": connection.vendor}
    except Exception as exc:  # report any failure rather than crash the probe
        return {"ok": False, "engine": connection.vendor, "error": str(exc)}


PROBE_CLIENT_NAME = "gmr-healthz"


@lru_cache(maxsize=4)
def _redis_client(url):
    # One pooled client per broker URL and process: a probe reuses its connection.
    return redis.Redis.from_url(
        url, socket_connect_timeout=2, socket_timeout=2, client_name=PROBE_CLIENT_NAME
    )


def check_broker():
    """A PING over a pooled connection to the broker's Redis; eager mode needs no broker."""
    from gmr_thuis.celery import app

    if app.conf.task_always_eager:
        return {"ok": True, "mode": "eager"}
    try:
        _redis_client(app.conf.broker_url).ping()
        return {"ok": True, "mode": "redis"}
    except Exception as exc:
        return {"ok": False, "mode": "redis", "error": str(exc)}


def check_broker_deep():
    """A fresh connection through Celery's own transport, as a worker would open it."""
    from gmr_thuis.celery import app

    if app.conf.task_always_eager:
        return {"ok": True, "mode": "eager"}
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return {"ok": True, "mode": "redis"}
    except Exception as exc:
        return {"ok": False, "mode": "redis", "error": str(exc)}


def check_all():
    return {"database": check_database(), "broker": check_broker()}


def check_ready():
    return {"database": check_database(), "broker": check_broker_deep()}
