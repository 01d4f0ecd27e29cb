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
