"""Shared fixtures: users in each role (owner, colleague, outsider), and the real-service guards."""

import os

import pytest
from django.conf import settings

from tests import factories


def require_service(name, available):
    """Skip a service test on a bare machine; fail it where the services are required (CI)."""
    if available:
        return
    if settings.GMR_REQUIRE_SERVICES:
        pytest.fail(f"{name} is required here (GMR_REQUIRE_SERVICES=1) but is not reachable.")
    pytest.skip(f"{name} not configured; CI runs this test against the real server.")


@pytest.fixture
def redis_url():
    url = os.environ.get("REDIS_URL", "")
    available = False
    if url:
        import redis

        try:
            available = redis.Redis.from_url(url, socket_connect_timeout=2).ping()
        except redis.RedisError:
            available = False
    require_service("Redis", available)
    return url


@pytest.fixture
def postgres_db(db):
    from django.db import connection

    require_service("PostgreSQL", connection.vendor == "postgresql")
    return connection


@pytest.fixture(autouse=True)
def dutch_by_default():
    """Every test starts in the product's language: a request in English through the test
    client leaves English active in the thread, and the next test would read its labels."""
    from django.conf import settings as django_settings
    from django.utils import translation

    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Tests create many users; the production hasher is slow by design."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def private_cache(settings):
    """Each test starts with an empty cache of its own (rate limits, ETags), even under CI's Redis."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "t"}
    }
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def eager_celery(request):
    """Unit and view tests run Celery tasks in-process; integration tests opt out."""
    from gmr_thuis.celery import app

    if request.node.get_closest_marker("services"):
        yield
        return
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture
def region(db):
    return factories.RegionFactory()


@pytest.fixture
def westervoort(region):
    return factories.MunicipalityFactory(region=region, name="Westervoort", cbs_code="GM0293")


@pytest.fixture
def nijmegen(region):
    return factories.MunicipalityFactory(region=region, name="Nijmegen", cbs_code="GM0268")


@pytest.fixture
def project_leader(region):
    return factories.member(role="project_leader", region=region, username="projectleider")


@pytest.fixture
def steering_member(region):
    return factories.member(role="steering_group", region=region, username="stuurgroep")


@pytest.fixture
def owner(westervoort):
    """A civil servant of Westervoort: owns Westervoort's records."""
    return factories.member(role="civil_servant", municipality=westervoort, username="alice")


@pytest.fixture
def colleague(westervoort):
    """A second civil servant of Westervoort: may do what the owner may."""
    return factories.member(role="civil_servant", municipality=westervoort, username="bob")


@pytest.fixture
def outsider(nijmegen):
    """A civil servant of Nijmegen: may read Westervoort, never change it."""
    return factories.member(role="civil_servant", municipality=nijmegen, username="charlie")


@pytest.fixture
def stranger(db):
    """A signed-in user without any organisation: may do nothing."""
    return factories.UserFactory(username="stranger")
