"""Every monitoring screen for every role: owner, colleague, outsider (Nijmegen), steering
member, project leader, stranger and anonymous; writes change only what the role may."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from monitoring import services
from monitoring.models import AgreementStatus, HousingPlan, LocalAgreement, Objection, Realisation

ROLES = [
    "owner",
    "colleague",
    "outsider",
    "steering_member",
    "project_leader",
    "stranger",
    "anonymous",
]
READERS = {"owner", "colleague", "outsider", "steering_member", "project_leader"}
WESTERVOORT_WRITERS = {"owner", "colleague", "project_leader"}


@pytest.fixture
def records(owner, project_leader, westervoort, groups, approve_fair_share):
    approve_fair_share({(westervoort, "statushouders", 2026): 10})
    group = groups["statushouders"]
    agreement = services.local_agreement_save(
        user=owner,
        municipality=westervoort,
        target_group=group,
        year=2026,
        agreed_number=10,
        version=None,
    )
    services.realisation_save(
        user=owner,
        municipality=westervoort,
        target_group=group,
        year=2026,
        quarter=1,
        placements=2,
        version=None,
    )
    services.housing_plan_save(
        user=owner,
        municipality=westervoort,
        year=2026,
        kind="new_construction",
        planned=40,
        forecast=35,
        delivered=0,
        version=None,
    )
    services.objection_window_set(
        user=project_leader, year=2026, deadline=date.today() + timedelta(days=7)
    )
    objection = services.objection_lodge(
        user=owner,
        municipality=westervoort,
        target_group=group,
        year=2026,
        reasoning="Te weinig mutaties",
    )
    return {"agreement": agreement, "objection": objection}


@pytest.fixture
def as_role(request, client):
    def login(role):
        if role != "anonymous":
            client.force_login(request.getfixturevalue(role))
        return client

    return login


def read_urls(records):
    objection = records["objection"]
    return {
        "dashboard": reverse("monitoring:dashboard") + "?jaar=2026&kwartaal=2",
        "export_csv": reverse("monitoring:dashboard_export", args=["csv"]) + "?jaar=2026",
        "export_xlsx": reverse("monitoring:dashboard_export", args=["xlsx"]) + "?jaar=2026",
        "report": reverse("monitoring:quarterly_report") + "?jaar=2026&kwartaal=1",
        "municipality_year": reverse("monitoring:municipality_year", args=["westervoort", 2026]),
        "agreement": reverse("monitoring:agreement", args=["westervoort", 2026, "statushouders"]),
        "realisation": reverse(
            "monitoring:realisation", args=["westervoort", 2026, "statushouders", 1]
        ),
        "housing_plan": reverse(
            "monitoring:housing_plan", args=["westervoort", 2026, "new_construction"]
        ),
        "objections": reverse("monitoring:objections"),
        "objection": reverse("monitoring:objection", args=[objection.pk]),
        "template_xlsx": reverse("monitoring:realisation_template", args=["xlsx"]),
    }


@pytest.mark.parametrize("role", ROLES)
def test_region_members_read_every_screen_others_do_not(role, as_role, records):
    client = as_role(role)
    for name, url in read_urls(records).items():
        response = client.get(url)
        if role == "anonymous":
            assert response.status_code == 302 and "/login/" in response["Location"], name
        elif role in READERS:
            assert response.status_code == 200, name
        else:
            assert response.status_code == 404, name


@pytest.mark.parametrize("role", ROLES)
def test_only_westervoort_writers_get_its_forms(role, as_role, records):
    client = as_role(role)
    lodge = client.get(reverse("monitoring:objection_lodge", args=["westervoort"]))
    record_page = client.get(
        reverse("monitoring:agreement", args=["westervoort", 2026, "statushouders"])
    )
    if role == "anonymous":
        assert lodge.status_code == 302
        return
    if role in WESTERVOORT_WRITERS:
        assert lodge.status_code == 200
        assert record_page.context["form"] is not None
    else:
        assert lodge.status_code == 404
        if role in READERS:
            assert record_page.context["form"] is None


@pytest.mark.parametrize("role", ROLES)
def test_only_westervoort_writers_change_its_records(role, as_role, records):
    client = as_role(role)
    posts = [
        (
            reverse("monitoring:agreement", args=["westervoort", 2026, "statushouders"]),
            {"version": 1, "agreed_number": 99},
        ),
        (
            reverse("monitoring:realisation", args=["westervoort", 2026, "statushouders", 1]),
            {"version": 1, "placements": 99},
        ),
        (
            reverse("monitoring:housing_plan", args=["westervoort", 2026, "new_construction"]),
            {"version": 1, "planned": 99, "forecast": 99, "delivered": 99},
        ),
    ]
    for url, data in posts:
        response = client.post(url, data)
        if role == "anonymous":
            assert response.status_code == 302 and "/login/" in response["Location"]
        elif role in WESTERVOORT_WRITERS:
            assert response.status_code == 302 and response["Location"] == url
        else:
            assert response.status_code == 404
    changed = role in WESTERVOORT_WRITERS
    assert (LocalAgreement.objects.get().agreed_number == 99) is changed
    assert (Realisation.objects.get().placements == 99) is changed
    assert (HousingPlan.objects.get().planned == 99) is changed


@pytest.mark.parametrize("role", ROLES)
def test_only_the_project_leader_approves_and_decides(role, as_role, records, owner):
    services.local_agreement_transition(
        user=owner, agreement=records["agreement"], step="submit", version=1
    )
    client = as_role(role)
    step = client.post(
        reverse("monitoring:agreement_step", args=["westervoort", 2026, "statushouders"]),
        {"step": "approve", "version": 2},
    )
    decide = client.post(
        reverse("monitoring:objection", args=[records["objection"].pk]),
        {"accepted": "0", "reason": "Fair share blijft"},
    )
    window = client.post(reverse("monitoring:objections"), {"year": 2027, "deadline": "2027-01-31"})
    approved = LocalAgreement.objects.get().status == AgreementStatus.APPROVED
    decided = Objection.objects.get().status != "lodged"
    assert approved is decided is (role == "project_leader")
    if role == "anonymous":
        assert {step.status_code, decide.status_code, window.status_code} == {302}
    elif role == "project_leader":
        assert {step.status_code, decide.status_code, window.status_code} == {302}
    else:
        # A Westervoort writer reaches the step but is refused; nobody else learns of it.
        assert step.status_code == (302 if role in WESTERVOORT_WRITERS else 404)
        assert decide.status_code == 404 and window.status_code == 404


def test_stale_save_shows_other_values_and_keeps_the_input(
    client, records, owner, colleague, westervoort, groups
):
    services.local_agreement_save(
        user=colleague,
        municipality=westervoort,
        target_group=groups["statushouders"],
        year=2026,
        agreed_number=14,
        notes="Afgestemd met Vivare",
        version=1,
    )
    client.force_login(owner)
    url = reverse("monitoring:agreement", args=["westervoort", 2026, "statushouders"])
    response = client.post(url, {"version": 1, "agreed_number": 11, "notes": "Mijn versie"})
    assert response.status_code == 409
    page = response.content.decode()
    assert "Niet opgeslagen: bob heeft dit record intussen gewijzigd" in page
    assert "Afgestemd met Vivare" in page  # the other person's value
    assert response.context["form"]["agreed_number"].value() == "11"  # the user's input stays
    assert response.context["form"]["version"].value() == 2  # saving again is deliberate
    assert LocalAgreement.objects.get().agreed_number == 14


def test_record_page_shows_its_history(client, records, owner):
    client.force_login(owner)
    services.local_agreement_transition(
        user=owner, agreement=records["agreement"], step="submit", version=1
    )
    response = client.get(
        reverse("monitoring:agreement", args=["westervoort", 2026, "statushouders"])
    )
    history = response.context["history"]
    assert [c.action for c in history] == ["status gewijzigd", "aangemaakt"]
    assert "Status</strong>: concept → ingediend" in response.content.decode()


def test_decision_and_reason_are_visible_to_the_municipality(
    client, records, project_leader, owner
):
    services.objection_decide(
        user=project_leader,
        objection=records["objection"],
        accepted=False,
        reason="Mutaties voldoende",
    )
    client.force_login(owner)
    page = client.get(
        reverse("monitoring:objection", args=[records["objection"].pk])
    ).content.decode()
    assert "afgewezen" in page and "Mutaties voldoende" in page


def test_dashboard_shows_plotly_figures_and_the_status_rule(client, records, owner):
    client.force_login(owner)
    page = client.get(reverse("monitoring:dashboard") + "?jaar=2026&kwartaal=2").content.decode()
    assert "vendor/plotly.min.js" in page and "js/charts.js" in page
    # Drawn from JSON by the shared chart script, with a caption and a table alternative.
    assert 'data-chart="monitoring-progress-data"' in page
    assert "Plotly.newPlot" not in page
    assert "De gegevens van deze grafiek als tabel" in page
    assert "Hoe de voortgang wordt berekend" in page
    assert "cdn.plot.ly" not in page


def test_dashboard_draws_no_empty_progress_charts_before_a_fair_share_is_approved(
    client, region, westervoort, owner
):
    client.force_login(owner)
    page = client.get(reverse("monitoring:dashboard") + "?jaar=2026&kwartaal=2").content.decode()
    assert "Nog geen goedgekeurde fair share" in page
    assert "Cumulatieve voortgang van de regio naar 2030" not in page.split("<table")[0]


def test_export_csv_has_the_dashboard_rows(client, records, owner):
    client.force_login(owner)
    response = client.get(
        reverse("monitoring:dashboard_export", args=["csv"]) + "?jaar=2026&kwartaal=4"
    )
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Gemeente;CBS-code;Code aandachtsgroep;Fair share;")
    westervoort = next(
        line for line in lines if line.startswith("Westervoort;GM0293;statushouders")
    )
    assert ";10;" in westervoort  # the fair share


def test_record_pages_name_the_target_group_in_the_page_language(client, records, owner):
    client.force_login(owner)
    year_page = reverse("monitoring:municipality_year", args=["westervoort", 2026])
    agreement = reverse("monitoring:agreement", args=["westervoort", 2026, "statushouders"])
    realisation = reverse("monitoring:realisation", args=["westervoort", 2026, "statushouders", 1])
    assert "Groep statushouders" in client.get(year_page).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": year_page})
    for url in (year_page, agreement, realisation):
        page = client.get(url).content.decode()
        assert "Group statushouders" in page, url
        assert "Groep statushouders" not in page, url
