"""Approved fair-share targets: scoping, filters, ordering, ETag and pinned query counts."""

import pytest

TARGETS = "/api/v1/targets/"
REFUSED = ["anonymous", "expired", "revoked"]


@pytest.fixture
def targets(approve_targets, westervoort, nijmegen, groups, vivare, portaal):
    bw, status = groups["uitstroom-bw"], groups["statushouders"]
    return approve_targets(
        {
            (westervoort, bw, 2026): 4,
            (westervoort, status, 2026): 9,
            (westervoort, bw, 2027): 5,
            (nijmegen, bw, 2026): 40,
            (nijmegen, status, 2026): 80,
        }
    )


def cells(response):
    return [
        (row["municipality"], row["target_group"], row["year"], row["quota"])
        for row in response.json()["results"]
    ]


@pytest.mark.parametrize("caller", ["owner", "colleague", "read_only"], indirect=True)
def test_corporation_reads_the_targets_of_its_municipalities(caller, targets):
    response = caller.get(TARGETS)
    assert response.status_code == 200
    assert cells(response) == [
        ("GM0293", "statushouders", 2026, 9),
        ("GM0293", "uitstroom-bw", 2026, 4),
        ("GM0293", "uitstroom-bw", 2027, 5),
    ]
    assert {row["run"] for row in response.json()["results"]} == {targets.pk}


@pytest.mark.parametrize("caller", ["outsider"], indirect=True)
def test_other_corporation_never_sees_targets_where_it_has_no_stock(caller, targets):
    assert {c[0] for c in cells(caller.get(TARGETS))} == {"GM0268"}
    assert cells(caller.get(TARGETS, {"municipality": "GM0293"})) == []


@pytest.mark.parametrize("caller", REFUSED, indirect=True)
def test_targets_refuse_callers_without_valid_token(caller, targets):
    response = caller.get(TARGETS)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_targets_filter_by_municipality_group_year_and_period(api_as, project_leader, targets):
    client = api_as(project_leader, can_write=False)
    assert cells(
        client.get(TARGETS, {"municipality": "GM0268", "target_group": "statushouders"})
    ) == [("GM0268", "statushouders", 2026, 80)]
    assert [c[2] for c in cells(client.get(TARGETS, {"year": 2027}))] == [2027]
    assert len(cells(client.get(TARGETS, {"period": "2026-2027"}))) == 5
    assert cells(client.get(TARGETS, {"period": "2027-2030", "year": 2026})) == []
    # A period that ends before it starts is valid and holds no years.
    assert cells(client.get(TARGETS, {"period": "2030-2026"})) == []


def test_targets_order_by_quota_descending(api_as, project_leader, targets):
    quotas = [c[3] for c in cells(api_as(project_leader).get(TARGETS, {"ordering": "-quota"}))]
    assert quotas == [80, 40, 9, 5, 4]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"municipality": "Westervoort"}, "municipality"),
        ({"year": "twintig"}, "year"),
        ({"period": "1999-2026"}, "period"),
        ({"period": "2026-2030\n"}, "period"),
        ({"ordering": "password"}, "ordering"),
    ],
)
def test_invalid_target_query_is_a_structured_dutch_error(api_as, corp_owner, params, field):
    response = api_as(corp_owner).get(TARGETS, params)
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["field"] == field
    assert error["message"]


def test_invalid_query_message_is_english_on_request(api_as, corp_owner):
    client = api_as(corp_owner)
    dutch = client.get(TARGETS, {"year": "x"}).json()["errors"][0]["message"]
    english = client.get(TARGETS, {"year": "x"}, HTTP_ACCEPT_LANGUAGE="en").json()["errors"][0][
        "message"
    ]
    assert english == "Give a whole number."
    assert dutch != english


def test_unchanged_targets_answer_304_to_their_etag(api_as, corp_owner, targets):
    client = api_as(corp_owner)
    first = client.get(TARGETS)
    etag = first["ETag"]
    again = client.get(TARGETS, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again["ETag"] == etag
    assert not again.content


def test_new_approval_changes_the_etag(
    api_as, corp_owner, targets, approve_targets, westervoort, groups
):
    client = api_as(corp_owner)
    etag = client.get(TARGETS)["ETag"]
    approve_targets(
        {
            (westervoort, groups["uitstroom-bw"], 2026): 6,
            (westervoort, groups["uitstroom-bw"], 2027): 5,
        }
    )
    response = client.get(TARGETS, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert response["ETag"] != etag


def test_etag_differs_between_corporations(api_as, corp_owner, corp_outsider, targets):
    assert api_as(corp_owner).get(TARGETS)["ETag"] != api_as(corp_outsider).get(TARGETS)["ETag"]


def test_targets_query_count_does_not_grow_with_rows(
    api_as, project_leader, approve_targets, region, groups, django_assert_max_num_queries
):
    from tests import factories

    client = api_as(project_leader)
    municipalities = [factories.MunicipalityFactory(region=region) for _ in range(12)]
    approve_targets({(municipalities[0], groups["statushouders"], 2026): 1})
    # token+user+membership, last-used update, approvals, the page's count, the page's rows
    with django_assert_max_num_queries(5):
        assert len(cells(client.get(TARGETS))) == 1
    approve_targets({(m, g, 2026): 3 for m in municipalities for g in groups.values()})
    with django_assert_max_num_queries(5):
        assert len(cells(client.get(TARGETS))) == 24


def test_targets_order_by_year_descending_then_municipality_and_group(
    api_as, project_leader, targets
):
    rows = cells(api_as(project_leader).get(TARGETS, {"ordering": "-year"}))
    assert rows[0] == ("GM0293", "uitstroom-bw", 2027, 5)
    assert rows[1:3] == [
        ("GM0268", "statushouders", 2026, 80),
        ("GM0268", "uitstroom-bw", 2026, 40),
    ]
