"""Agreements, realisation summaries and allocation reports through the API."""

import datetime

import pytest

from monitoring.models import AgreementStatus, AllocationReport, LocalAgreement, Realisation
from monitoring.selectors import realised_frame

AGREEMENTS = "/api/v1/agreements/"
REALISATION = "/api/v1/realisation/"
ALLOCATIONS = "/api/v1/allocations/"
REFUSED = ["anonymous", "expired", "revoked"]
REPORT = {
    "municipality": "GM0293",
    "target_group": "uitstroom-bw",
    "date": "2026-02-10",
    "count": 2,
    "reference": "TW-2026-0042",
}


@pytest.fixture
def agreements(westervoort, nijmegen, groups, vivare, portaal):
    def agreement(municipality, status, number):
        return LocalAgreement.objects.create(
            municipality=municipality,
            target_group=groups["uitstroom-bw"],
            year=2026,
            agreed_number=number,
            status=status,
        )

    return {
        "westervoort": agreement(westervoort, AgreementStatus.APPROVED, 4),
        "nijmegen": agreement(nijmegen, AgreementStatus.APPROVED, 40),
        "draft": LocalAgreement.objects.create(
            municipality=westervoort,
            target_group=groups["statushouders"],
            year=2026,
            agreed_number=1,
            status=AgreementStatus.DRAFT,
        ),
    }


@pytest.fixture
def vivare_report(corp_owner, westervoort, groups):
    return AllocationReport.objects.create(
        corporation=corp_owner.membership.corporation,
        municipality=westervoort,
        target_group=groups["uitstroom-bw"],
        date=datetime.date(2026, 1, 15),
        count=1,
        created_by=corp_owner,
    )


# --- agreements -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("caller", "visible"),
    [("owner", ["GM0293"]), ("colleague", ["GM0293"]), ("outsider", ["GM0268"])],
    indirect=["caller"],
)
def test_corporation_reads_approved_agreements_of_its_municipalities(caller, visible, agreements):
    response = caller.get(AGREEMENTS)
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [row["municipality"] for row in rows] == visible
    assert all(row["target_group"] == "uitstroom-bw" for row in rows)  # the draft stays hidden


@pytest.mark.parametrize(
    ("caller", "status"),
    [("owner", 200), ("colleague", 200), ("outsider", 404)],
    indirect=["caller"],
)
def test_agreement_detail_is_404_for_a_corporation_without_stock_there(caller, status, agreements):
    assert caller.get(f"{AGREEMENTS}{agreements['westervoort'].pk}/").status_code == status


@pytest.mark.parametrize("caller", ["owner"], indirect=True)
def test_draft_agreement_is_404_through_the_api(caller, agreements):
    assert caller.get(f"{AGREEMENTS}{agreements['draft'].pk}/").status_code == 404


@pytest.mark.parametrize("caller", REFUSED, indirect=True)
def test_agreements_refuse_callers_without_valid_token(caller, agreements):
    assert caller.get(AGREEMENTS).status_code == 401


def test_agreements_filter_by_municipality_and_year(api_as, project_leader, agreements):
    client = api_as(project_leader)
    rows = client.get(AGREEMENTS, {"municipality": "GM0268", "year": 2026}).json()["results"]
    assert [row["agreed_number"] for row in rows] == [40]
    assert client.get(AGREEMENTS, {"year": 2027}).json()["count"] == 0


def test_agreement_list_query_count_does_not_grow_with_rows(
    api_as, project_leader, agreements, region, groups, django_assert_max_num_queries
):
    from tests import factories

    client = api_as(project_leader)
    with django_assert_max_num_queries(4):
        client.get(AGREEMENTS)
    for n in range(15):
        LocalAgreement.objects.create(
            municipality=factories.MunicipalityFactory(region=region),
            target_group=groups["statushouders"],
            year=2026 + n % 3,
            agreed_number=n,
            status=AgreementStatus.APPROVED,
        )
    with django_assert_max_num_queries(4):
        assert client.get(AGREEMENTS).json()["count"] == 17


# --- realisation summaries -------------------------------------------------------------------


@pytest.fixture
def realisation(approve_targets, westervoort, nijmegen, groups, vivare, portaal, vivare_report):
    bw = groups["uitstroom-bw"]
    approve_targets({(westervoort, bw, 2026): 4, (nijmegen, bw, 2026): 40})
    Realisation.objects.create(
        municipality=nijmegen, target_group=bw, year=2026, quarter=1, placements=7
    )


@pytest.mark.parametrize("caller", ["owner", "colleague"], indirect=True)
def test_realisation_summary_puts_fair_share_next_to_reports(caller, realisation):
    rows = caller.get(REALISATION).json()["results"]
    assert rows == [
        {
            "municipality": "GM0293",
            "target_group": "uitstroom-bw",
            "year": 2026,
            "fair_share": 4,
            "reported": None,
            "by_corporations": 1,
            "realised": 1,
        }
    ]


@pytest.mark.parametrize("caller", ["outsider"], indirect=True)
def test_realisation_summary_of_other_corporation_shows_only_its_municipalities(
    caller, realisation
):
    rows = caller.get(REALISATION).json()["results"]
    assert [(r["municipality"], r["reported"], r["realised"]) for r in rows] == [("GM0268", 7, 7)]


@pytest.mark.parametrize("caller", REFUSED, indirect=True)
def test_realisation_refuses_callers_without_valid_token(caller, realisation):
    assert caller.get(REALISATION).status_code == 401


def test_realisation_query_count_does_not_grow_with_rows(
    api_as, project_leader, realisation, region, groups, django_assert_max_num_queries
):
    from tests import factories

    client = api_as(project_leader)
    # token, last-used update, approvals, results, adopted targets, realisation, reports,
    # mediation placements, codes, groups
    with django_assert_max_num_queries(10):
        assert client.get(REALISATION).json()["count"] == 2
    for _n in range(10):
        municipality = factories.MunicipalityFactory(region=region)
        Realisation.objects.create(
            municipality=municipality,
            target_group=groups["statushouders"],
            year=2026,
            quarter=2,
            placements=3,
        )
    with django_assert_max_num_queries(9):
        assert client.get(REALISATION).json()["count"] == 12


# --- allocation reports ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("caller", "status"),
    [
        ("owner", 201),
        ("colleague", 201),
        ("outsider", 400),  # Westervoort is no municipality of Portaal's: it does not exist there
        ("read_only", 403),
        ("anonymous", 401),
        ("expired", 401),
        ("revoked", 401),
    ],
    indirect=["caller"],
)
def test_reporting_an_allocation_by_role(caller, status, groups):
    response = caller.post(ALLOCATIONS, REPORT, format="json")
    assert response.status_code == status
    assert AllocationReport.objects.count() == (1 if status == 201 else 0)


@pytest.mark.parametrize(
    ("caller", "status"),
    [("owner", 200), ("colleague", 200), ("outsider", 404), ("anonymous", 401)],
    indirect=["caller"],
)
def test_allocation_report_detail_is_404_for_another_corporation(caller, status, vivare_report):
    assert caller.get(f"{ALLOCATIONS}{vivare_report.pk}/").status_code == status


@pytest.mark.parametrize(
    ("caller", "count"), [("owner", 1), ("colleague", 1), ("outsider", 0)], indirect=["caller"]
)
def test_corporation_lists_only_its_own_reports(caller, count, vivare_report):
    assert caller.get(ALLOCATIONS).json()["count"] == count


def test_read_only_token_writing_gets_403_in_the_error_format(api_as, corp_owner, groups):
    response = api_as(corp_owner, can_write=False).post(ALLOCATIONS, REPORT, format="json")
    assert response.status_code == 403
    assert response.json() == {
        "errors": [
            {
                "field": None,
                "message": "Deze sleutel mag alleen lezen.",
                "code": "permission_denied",
            }
        ]
    }


def test_region_roles_cannot_report_allocations(api_as, project_leader, groups, westervoort):
    response = api_as(project_leader, can_write=True).post(ALLOCATIONS, REPORT, format="json")
    assert response.status_code == 403


def test_reported_allocation_shows_up_in_monitoring(api_as, corp_owner, project_leader, groups):
    response = api_as(corp_owner).post(ALLOCATIONS, REPORT, format="json")
    assert response.status_code == 201
    body = response.json()
    assert {k: body[k] for k in REPORT} == REPORT
    assert body["quarter"] == 1
    frame = realised_frame(user=project_leader)
    [row] = frame.to_dict("records")
    assert (row["year"], row["quarter"], row["by_corporations"], row["realised"]) == (2026, 1, 2, 2)


def test_retry_with_the_same_idempotency_key_reports_once(api_as, corp_owner, groups):
    client = api_as(corp_owner)
    first = client.post(ALLOCATIONS, REPORT, format="json", HTTP_IDEMPOTENCY_KEY="erp-42")
    retry = client.post(ALLOCATIONS, REPORT, format="json", HTTP_IDEMPOTENCY_KEY="erp-42")
    assert (first.status_code, retry.status_code) == (201, 200)
    assert retry.json() == first.json()
    assert AllocationReport.objects.count() == 1


def test_colleague_retry_with_the_same_key_is_the_same_report(
    api_as, corp_owner, corp_colleague, groups
):
    first = api_as(corp_owner).post(ALLOCATIONS, REPORT, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    retry = api_as(corp_colleague).post(
        ALLOCATIONS, REPORT, format="json", HTTP_IDEMPOTENCY_KEY="k1"
    )
    assert retry.status_code == 200 and retry.json()["id"] == first.json()["id"]


def test_reusing_an_idempotency_key_for_another_report_is_a_conflict(api_as, corp_owner, groups):
    client = api_as(corp_owner)
    client.post(ALLOCATIONS, REPORT, format="json", HTTP_IDEMPOTENCY_KEY="erp-43")
    response = client.post(
        ALLOCATIONS, {**REPORT, "count": 3}, format="json", HTTP_IDEMPOTENCY_KEY="erp-43"
    )
    assert response.status_code == 409
    assert response.json()["errors"][0]["code"] == "idempotency_conflict"
    assert AllocationReport.objects.count() == 1


def test_without_idempotency_key_two_posts_are_two_reports(api_as, corp_owner, groups):
    client = api_as(corp_owner)
    client.post(ALLOCATIONS, REPORT, format="json")
    client.post(ALLOCATIONS, REPORT, format="json")
    assert AllocationReport.objects.count() == 2


def test_invalid_report_lists_every_field_error_in_dutch(api_as, corp_owner, groups):
    response = api_as(corp_owner).post(
        ALLOCATIONS,
        {"municipality": "GM9999", "target_group": "bestaat-niet", "date": "morgen", "count": 0},
        format="json",
    )
    assert response.status_code == 400
    errors = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert set(errors) == {"municipality", "target_group", "date", "count"}
    assert "bestaat niet" in errors["municipality"]


def test_invalid_report_in_english_on_request(api_as, corp_owner, groups):
    response = api_as(corp_owner).post(
        ALLOCATIONS, {**REPORT, "count": 0}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.json()["errors"] == [
        {
            "field": "count",
            "message": "Ensure this value is greater than or equal to 1.",
            "code": "min_value",
        }
    ]


def test_overlong_idempotency_key_is_a_field_error(api_as, corp_owner, groups):
    response = api_as(corp_owner).post(
        ALLOCATIONS, REPORT, format="json", HTTP_IDEMPOTENCY_KEY="x" * 101
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "Idempotency-Key"


def test_allocation_list_query_count_does_not_grow_with_rows(
    api_as, corp_owner, vivare_report, django_assert_max_num_queries
):
    client = api_as(corp_owner)
    with django_assert_max_num_queries(4):
        client.get(ALLOCATIONS)
    for day in range(1, 21):
        client.post(ALLOCATIONS, {**REPORT, "date": f"2026-03-{day:02d}"}, format="json")
    with django_assert_max_num_queries(4):
        assert client.get(ALLOCATIONS).json()["count"] == 21


def test_realisation_orders_cells_without_reports_last(
    api_as, project_leader, realisation, approve_targets, westervoort, groups
):
    approve_targets({(westervoort, groups["statushouders"], 2027): 3})
    rows = api_as(project_leader).get(REALISATION, {"ordering": "-realised"}).json()["results"]
    assert [row["realised"] for row in rows] == [7, 1, None]


def test_realisation_without_any_numbers_is_an_empty_list(api_as, corp_owner, vivare):
    response = api_as(corp_owner).get(REALISATION)
    assert response.status_code == 200
    assert response.json()["results"] == []


# --- neighbourhood of an allocation -----------------------------------------------------------


@pytest.fixture
def districts(westervoort, nijmegen):
    from municipalities.models import Neighbourhood

    return {
        "westervoort": Neighbourhood.objects.create(
            code="WK029300", kind="wijk", name="Westervoort-Noord", municipality=westervoort
        ),
        "nijmegen": Neighbourhood.objects.create(
            code="WK026807", kind="wijk", name="Hatert", municipality=nijmegen
        ),
    }


def test_allocation_report_carries_its_neighbourhood(api_as, corp_owner, groups, districts):
    response = api_as(corp_owner).post(
        ALLOCATIONS, {**REPORT, "neighbourhood": "WK029300"}, format="json"
    )
    assert response.status_code == 201, response.json()
    assert response.json()["neighbourhood"] == "WK029300"
    assert AllocationReport.objects.get().neighbourhood == districts["westervoort"]


def test_a_neighbourhood_of_another_municipality_is_refused_in_dutch(
    api_as, corp_owner, groups, districts, nijmegen
):
    from municipalities.models import CorporationStock

    # Vivare owns stock in both, so it sees Hatert: the refusal is the municipality rule's.
    CorporationStock.objects.create(
        corporation=corp_owner.membership.corporation,
        municipality=nijmegen,
        dwellings=10,
        source="test",
    )
    response = api_as(corp_owner).post(
        ALLOCATIONS, {**REPORT, "neighbourhood": "WK026807"}, format="json"
    )
    assert response.status_code == 400
    errors = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert errors == {"neighbourhood": "Hatert (WK026807) ligt niet in Westervoort."}
    assert not AllocationReport.objects.exists()


def test_a_neighbourhood_outside_the_corporation_s_stock_does_not_exist(
    api_as, corp_owner, groups, districts
):
    response = api_as(corp_owner).post(
        ALLOCATIONS, {**REPORT, "neighbourhood": "WK026807"}, format="json"
    )
    assert response.status_code == 400
    assert "bestaat niet" in response.json()["errors"][0]["message"]


def test_a_retry_with_another_neighbourhood_is_a_conflict(api_as, corp_owner, groups, districts):
    client = api_as(corp_owner)
    client.post(ALLOCATIONS, REPORT, format="json", HTTP_IDEMPOTENCY_KEY="erp-50")
    response = client.post(
        ALLOCATIONS,
        {**REPORT, "neighbourhood": "WK029300"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="erp-50",
    )
    assert response.status_code == 409
