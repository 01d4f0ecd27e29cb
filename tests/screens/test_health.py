"""/healthz: 200 when the database and the broker answer, 503 when the broker does not."""

import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_healthz_reports_database_and_eager_broker(client):
    # The autouse eager_celery fixture puts Celery in the embedded default, eager mode.
    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is True
    assert body["database"]["ok"] is True
    assert body["broker"] == {"ok": True, "mode": "eager"}


@pytest.mark.django_db
def test_healthz_is_503_when_the_broker_is_unreachable(client):
    from gmr_thuis.celery import app

    closed_port = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    previous = app.conf.broker_url, app.conf.task_always_eager
    app.conf.broker_url, app.conf.task_always_eager = closed_port, False
    try:
        response = client.get(reverse("healthz"))
    finally:
        app.conf.broker_url, app.conf.task_always_eager = previous

    assert response.status_code == 503
    body = response.json()
    assert body["ok"] is False
    assert body["database"]["ok"] is True
    assert body["broker"]["ok"] is False


@pytest.mark.django_db
def test_readyz_asks_the_broker_through_celery_and_is_503_when_it_is_down(client):
    from gmr_thuis.celery import app

    previous = app.conf.broker_url, app.conf.task_always_eager
    app.conf.broker_url, app.conf.task_always_eager = "redis://127.0.0.1:1/0", False
    try:
        response = client.get(reverse("readyz"))
    finally:
        app.conf.broker_url, app.conf.task_always_eager = previous

    assert response.status_code == 503
    assert response.json()["broker"]["ok"] is False


@pytest.mark.services
def test_healthz_reuses_one_pooled_connection_to_redis(client, redis_url, db):
    import redis

    from gmr_thuis import health
    from gmr_thuis.celery import app

    observer = redis.Redis.from_url(redis_url)

    def probe_connections():
        return [
            c["id"] for c in observer.client_list() if c.get("name") == health.PROBE_CLIENT_NAME
        ]

    previous = app.conf.broker_url, app.conf.task_always_eager
    app.conf.broker_url, app.conf.task_always_eager = redis_url, False
    health._redis_client.cache_clear()
    try:
        seen = []
        for _ in range(5):
            assert client.get(reverse("healthz")).status_code == 200
            seen.append(probe_connections())
    finally:
        app.conf.broker_url, app.conf.task_always_eager = previous
        health._redis_client.cache_clear()

    # Every probe went over the same one connection, which stays open between probes.
    assert len(seen[0]) == 1
    assert all(ids == seen[0] for ids in seen)
