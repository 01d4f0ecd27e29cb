"""API fixtures: two corporations with stock in different municipalities, their users and tokens."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone
from rest_framework.test import APIClient

from gmr_thuis.tokens import api_token_issue, api_token_revoke
from municipalities.models import CorporationStock
from tests import factories
from tests.runs import approved_run


@pytest.fixture(autouse=True)
def fresh_throttle_counts():
    """Throttle counters live in the cache; each test starts with a full budget."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def vivare(westervoort):
    corporation = factories.CorporationFactory(name="Vivare", slug="vivare")
    CorporationStock.objects.create(
        corporation=corporation,
        municipality=westervoort,
        dwellings=1800,
        source="test: invented stock",
        is_estimate=True,
    )
    return corporation


@pytest.fixture
def portaal(nijmegen):
    corporation = factories.CorporationFactory(name="Portaal", slug="portaal")
    CorporationStock.objects.create(
        corporation=corporation,
        municipality=nijmegen,
        dwellings=9000,
        source="test: invented stock",
        is_estimate=True,
    )
    return corporation


@pytest.fixture
def corp_owner(vivare):
    """A Vivare employee: the corporation whose records the tests look at."""
    return factories.member(role="corporation", corporation=vivare, username="vivare-anna")


@pytest.fixture
def corp_colleague(vivare):
    """A second Vivare employee: may see and report what the owner may."""
    return factories.member(role="corporation", corporation=vivare, username="vivare-bram")


@pytest.fixture
def corp_outsider(portaal):
    """A Portaal employee: owns stock only in Nijmegen, must not see Vivare's records."""
    return factories.member(role="corporation", corporation=portaal, username="portaal-cees")


def issue(user, *, can_write=True, expires_at=None):
    """A token of `user` and an APIClient that sends it."""
    token, key = api_token_issue(
        issued_by=None, user=user, name="test", can_write=can_write, expires_at=expires_at
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return token, client


@pytest.fixture
def api_as():
    """api_as(user, can_write=...) -> an APIClient that sends a fresh token of `user`."""
    return lambda user, **options: issue(user, **options)[1]


@pytest.fixture
def caller(request, corp_owner, corp_colleague, corp_outsider):
    """The client of one row of the permission matrix, by name (indirect parametrisation)."""
    name = request.param
    if name == "anonymous":
        return APIClient()
    if name == "expired":
        return issue(corp_owner, expires_at=timezone.now() - timedelta(seconds=1))[1]
    if name == "revoked":
        token, client = issue(corp_owner)
        operator = factories.UserFactory(username="operator", is_superuser=True)
        api_token_revoke(revoked_by=operator, token=token)
        return client
    if name == "read_only":
        return issue(corp_owner, can_write=False)[1]
    users = {"owner": corp_owner, "colleague": corp_colleague, "outsider": corp_outsider}
    return issue(users[name])[1]


@pytest.fixture
def groups(db):
    return {
        "uitstroom-bw": factories.TargetGroupFactory(code="uitstroom-bw", sort_order=1),
        "statushouders": factories.TargetGroupFactory(code="statushouders", sort_order=2),
    }


@pytest.fixture
def approve_targets(region, project_leader):
    """approve_targets({(municipality, group, year): quota, ...}) -> the approved run.

    Builds a finished run with those results and approves it for the years it covers, as the
    runs' own services would leave it.
    """

    def approve(quotas):
        return approved_run(region=region, quotas=quotas, approved_by=project_leader)

    return approve
