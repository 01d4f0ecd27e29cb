"""Query parameters and body fields take what the schema says, and refuse the rest (400)."""

import pytest

MUNICIPALITIES = "/api/v1/municipalities/"
ALLOCATIONS = "/api/v1/allocations/"
AGREEMENTS = "/api/v1/agreements/"


@pytest.fixture
def client(api_as, corp_owner, groups):
    return api_as(corp_owner)


def fields(response):
    assert response.status_code == 400, response.content[:300]
    return [error["field"] for error in response.json()["errors"]]


@pytest.mark.parametrize(
    ("path", "field"),
    [
        (MUNICIPALITIES + "?nmae=Wester", "nmae"),  # a typo must not answer unfiltered
        (MUNICIPALITIES + "GM0293/?page=1", "page"),  # a detail has no pages
        (MUNICIPALITIES + "?page=", "page"),
        (MUNICIPALITIES + "?page=0", "page"),
        (MUNICIPALITIES + "?page=last", "page"),
        (MUNICIPALITIES + "?page_size=abc", "page_size"),
        (MUNICIPALITIES + "?page_size=0", "page_size"),
        (MUNICIPALITIES + "?=x", "query"),
        (AGREEMENTS + "?year=0.5", "year"),
        (AGREEMENTS + "?year=", "year"),
        (ALLOCATIONS + "?date_to=", "date_to"),
        (ALLOCATIONS + "?date_to=1/2/2026", "date_to"),
        ("/api/v1/target-groups/?legally_urgent=1", "legally_urgent"),
        ("/api/v1/targets/?target_group=", "target_group"),
        ("/api/v1/targets/?municipality=GM0293%0A", "municipality"),
    ],
)
def test_a_query_the_schema_does_not_allow_is_refused(client, path, field):
    assert fields(client.get(path)) == [field]


def test_valid_queries_still_filter(client):
    assert client.get(MUNICIPALITIES + "?name=wester&page=1&page_size=5").status_code == 200
    assert client.get("/api/v1/target-groups/?legally_urgent=true").status_code == 200
    assert client.get(ALLOCATIONS + "?date_from=2026-01-01&date_to=2026-12-31").status_code == 200
    assert client.get(AGREEMENTS + "?year=2026").status_code == 200


def test_a_year_no_column_can_hold_matches_nothing(client):
    response = client.get(AGREEMENTS + "?year=99999999999999999999")
    assert response.status_code == 200
    assert response.json()["count"] == 0


def test_text_with_a_nul_character_matches_nothing(client):
    response = client.get(MUNICIPALITIES + "?name=Wester%00voort")
    assert response.status_code == 200
    assert response.json()["count"] == 0


def report(**changes):
    return {
        "municipality": "GM0293",
        "target_group": "statushouders",
        "date": "2026-01-05",
        "count": 1,
        **changes,
    }


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"reference": 0}, "reference"),
        ({"count": "2"}, "count"),
        ({"count": 2.0}, "count"),
        ({"count": True}, "count"),
    ],
)
def test_a_body_field_of_the_wrong_json_type_is_refused(client, changes, field):
    response = client.post(ALLOCATIONS, report(**changes), format="json")
    assert fields(response) == [field]


def test_a_reversed_period_is_valid_and_empty(client):
    response = client.get("/api/v1/targets/?period=2030-2026")
    assert response.status_code == 200
    assert response.json()["results"] == []
