"""Municipalities and target groups: who reads what, filters, ordering, pinned query counts."""

import pytest

from tests import factories

MUNICIPALITIES = "/api/v1/municipalities/"
TARGET_GROUPS = "/api/v1/target-groups/"
REFUSED = ["anonymous", "expired", "revoked"]


def codes(response):
    return [row["cbs_code"] for row in response.json()["results"]]


@pytest.mark.parametrize(
    ("caller", "visible"),
    [
        ("owner", ["GM0293"]),
        ("colleague", ["GM0293"]),
        ("read_only", ["GM0293"]),
        ("outsider", ["GM0268"]),
    ],
    indirect=["caller"],
)
def test_corporation_lists_only_municipalities_where_it_owns_stock(caller, visible):
    response = caller.get(MUNICIPALITIES)
    assert response.status_code == 200
    assert codes(response) == visible


@pytest.mark.parametrize(
    ("caller", "status"),
    [("owner", 200), ("colleague", 200), ("read_only", 200), ("outsider", 404)],
    indirect=["caller"],
)
def test_municipality_detail_is_404_for_a_corporation_without_stock_there(caller, status):
    assert caller.get(f"{MUNICIPALITIES}GM0293/").status_code == status


@pytest.mark.parametrize("caller", REFUSED, indirect=True)
@pytest.mark.parametrize("url", [MUNICIPALITIES, f"{MUNICIPALITIES}GM0293/", TARGET_GROUPS])
def test_reference_data_refuses_callers_without_valid_token(caller, url):
    response = caller.get(url)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


@pytest.mark.parametrize("caller", ["owner", "colleague", "outsider", "read_only"], indirect=True)
def test_every_token_holder_reads_the_regional_target_groups(caller, db):
    factories.TargetGroupFactory(code="uitstroom-bw", sort_order=1)
    factories.TargetGroupFactory(code="statushouders", sort_order=2)
    response = caller.get(TARGET_GROUPS)
    assert response.status_code == 200
    assert [g["code"] for g in response.json()["results"]] == ["uitstroom-bw", "statushouders"]
    assert caller.get(f"{TARGET_GROUPS}statushouders/").status_code == 200


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_reference_data_cannot_be_written_through_the_api(api_as, corp_owner, method):
    response = getattr(api_as(corp_owner), method)(f"{MUNICIPALITIES}GM0293/", {}, format="json")
    assert response.status_code == 405


def test_region_roles_read_all_municipalities_with_a_token(
    api_as, steering_member, vivare, portaal
):
    response = api_as(steering_member, can_write=False).get(MUNICIPALITIES)
    assert codes(response) == ["GM0268", "GM0293"]  # ordered by name: Nijmegen, Westervoort


def test_municipalities_filter_and_order(api_as, project_leader, westervoort, nijmegen):
    client = api_as(project_leader)
    assert codes(client.get(MUNICIPALITIES, {"name": "wester"})) == ["GM0293"]
    assert codes(client.get(MUNICIPALITIES, {"cbs_code": "GM0268"})) == ["GM0268"]
    assert codes(client.get(MUNICIPALITIES, {"ordering": "-cbs_code"})) == ["GM0293", "GM0268"]


def test_municipality_list_query_count_does_not_grow_with_rows(
    api_as, corp_owner, vivare, django_assert_max_num_queries
):
    client = api_as(corp_owner)
    # token+user+membership, last-used update, count, page
    with django_assert_max_num_queries(4):
        assert len(codes(client.get(MUNICIPALITIES))) == 1
    for n in range(20):
        municipality = factories.MunicipalityFactory(name=f"Extra {n}")
        vivare.stock.create(
            municipality=municipality, dwellings=10, source="test", is_estimate=True
        )
    with django_assert_max_num_queries(4):
        assert len(codes(client.get(MUNICIPALITIES))) == 21


def test_page_size_is_bounded(api_as, project_leader, westervoort, nijmegen):
    response = api_as(project_leader).get(MUNICIPALITIES, {"page_size": 1})
    body = response.json()
    assert body["count"] == 2 and len(body["results"]) == 1 and body["next"]


def test_a_repeated_list_page_is_read_from_the_page_cache_and_a_write_shows_at_once(
    api_as, corp_owner, vivare, django_capture_on_commit_callbacks
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = api_as(corp_owner)
    first = client.get(MUNICIPALITIES)
    with CaptureQueriesContext(connection) as queries:
        again = client.get(MUNICIPALITIES)
    assert again.json() == first.json()
    assert not any('FROM "municipalities_municipality"' in q["sql"] for q in queries)
    with django_capture_on_commit_callbacks(execute=True):
        municipality = factories.MunicipalityFactory(name="Nieuw")
        vivare.stock.create(municipality=municipality, dwellings=5, source="test", is_estimate=True)
    assert len(codes(client.get(MUNICIPALITIES))) == 2


def test_readers_of_different_scope_never_share_a_cached_list_page(
    api_as, corp_owner, corp_outsider, vivare
):
    assert len(codes(api_as(corp_owner).get(MUNICIPALITIES))) == 1
    assert codes(api_as(corp_outsider).get(MUNICIPALITIES)) != codes(
        api_as(corp_owner).get(MUNICIPALITIES)
    )
