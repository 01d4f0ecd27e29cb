"""Health checks of the database and the Celery broker, for /healthz."""

from django.db import connection


def check_database():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return {"ok": True, "engine": connection.vendor}
    except Exception as exc:  # report any failure rather than crash the probe
        return {"ok": False, "engine": connection.vendor, "error": str(exc)}


def check_broker():
    from gmr_thuis.celery import app

    # Celery's own configuration says whether jobs run in-process or go through the broker.
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
