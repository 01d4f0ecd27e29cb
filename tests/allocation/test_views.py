"""The allocation screens for each role: project leader, steering member, civil servant,
a user without organisation and an anonymous visitor."""

import io

import openpyxl
import pytest
from django.urls import reverse

from allocation.models import Approval, Scenario
from tests.runs import finished_run

READERS = ["project_leader", "steering_member", "owner"]


@pytest.fixture
def run(scenario, westervoort, nijmegen, groups):
    return finished_run(
        scenario,
        quotas={
            (westervoort, groups["statushouders"], 2025): 8,
            (nijmegen, groups["statushouders"], 2025): 92,
            (westervoort, groups["uitstroom-bw"], 2025): 3,
            (nijmegen, groups["uitstroom-bw"], 2025): 37,
        },
    )


def read_urls(scenario, run):
    return [
        reverse("allocation:scenario_list"),
        reverse("allocation:scenario_detail", args=[scenario.slug]),
        reverse("allocation:run_detail", args=[run.pk]),
        reverse("allocation:run_progress", args=[run.pk]),
        reverse("allocation:run_export_csv", args=[run.pk]),
        reverse("allocation:run_export_xlsx", args=[run.pk]),
        reverse("allocation:run_compare") + f"?basis={run.pk}&andere={run.pk}",
    ]


@pytest.mark.parametrize("role", READERS)
def test_members_of_the_region_read_scenarios_runs_and_exports(
    client, request, scenario, run, role
):
    client.force_login(request.getfixturevalue(role))
    for url in read_urls(scenario, run):
        assert client.get(url).status_code == 200, url


def test_a_user_without_organisation_gets_404_everywhere(client, stranger, scenario, run):
    client.force_login(stranger)
    for url in read_urls(scenario, run):
        assert client.get(url).status_code == 404, url
    for name, arg in (
        ("allocation:run_start", scenario.slug),
        ("allocation:run_approve", run.pk),
        ("allocation:scenario_edit", scenario.slug),
    ):
        assert client.post(reverse(name, args=[arg])).status_code == 404


def test_anonymous_visitors_are_sent_to_login(client, scenario, run):
    for url in read_urls(scenario, run):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login")), url


@pytest.mark.parametrize("role", ["steering_member", "owner"])
def test_readers_cannot_write_start_or_approve(client, request, scenario, run, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse("allocation:scenario_create")).status_code == 403
    assert client.get(reverse("allocation:scenario_edit", args=[scenario.slug])).status_code == 403
    assert client.post(reverse("allocation:run_start", args=[scenario.slug])).status_code == 403
    assert client.post(reverse("allocation:run_approve", args=[run.pk])).status_code == 403
    assert scenario.runs.count() == 1
    assert not Approval.objects.exists()


def test_project_leader_approves_from_the_run_page(client, project_leader, run):
    client.force_login(project_leader)
    response = client.post(reverse("allocation:run_approve", args=[run.pk]), follow=True)
    assert Approval.objects.get().run == run
    assert "Geldende fair share" in response.content.decode()


def test_project_leader_creates_a_scenario_with_its_own_methodology(
    client, project_leader, methodology, reference_data
):
    client.force_login(project_leader)
    response = client.post(
        reverse("allocation:scenario_create"),
        {
            "name": "Variant sociale voorraad",
            "base_methodology": methodology.pk,
            "first_year": 2025,
            "last_year": 2026,
            "data_year": 2024,
            "notes": "",
        },
    )
    scenario = Scenario.objects.get(slug="variant-sociale-voorraad")
    assert response.url == reverse("allocation:scenario_edit", args=[scenario.slug])
    assert scenario.methodology != methodology
    assert scenario.methodology.rules.count() == methodology.rules.count()


def test_saving_the_editor_stores_slider_weights_and_switches(client, project_leader, scenario):
    client.force_login(project_leader)
    data = {
        "name": scenario.name,
        "first_year": 2025,
        "last_year": 2026,
        "data_year": 2024,
        "notes": "Meer gewicht op sociale huur",
        "cap_share": "0.25",
        "rounding_method": "webster",
        "tie_break": "stable",
        "seed": "",
        "statushouders__w_inhabitants": "1",
        "statushouders__w_social_rent": "2.5",
        "statushouders__w_social_rent_turnover": "0",
        "statushouders__w_dwellings": "0",
        "uitstroom-bw__w_inhabitants": "1",
        "uitstroom-bw__w_social_rent": "0",
        "uitstroom-bw__w_social_rent_turnover": "0",
        "uitstroom-bw__w_dwellings": "0",
        "uitstroom-bw__capped": "on",
    }
    response = client.post(reverse("allocation:scenario_edit", args=[scenario.slug]), data)
    assert response.status_code == 302
    methodology = scenario.methodology
    methodology.refresh_from_db()
    assert float(methodology.cap_share) == 0.25 and methodology.rounding_method == "webster"
    rules = {r.target_group.code: r for r in methodology.rules.all()}
    assert rules["statushouders"].key_weights == {"inhabitants": 1.0, "social_rent": 2.5}
    assert rules["uitstroom-bw"].capped and not rules["uitstroom-bw"].correct_for_carried


def test_the_editor_refuses_a_group_without_any_weight(client, project_leader, scenario):
    client.force_login(project_leader)
    data = {
        "name": scenario.name,
        "first_year": 2025,
        "last_year": 2026,
        "data_year": 2024,
        "cap_share": "0.333",
        "rounding_method": "hamilton",
        "tie_break": "stable",
    }
    for group in ("statushouders", "uitstroom-bw"):
        for indicator in ("inhabitants", "social_rent", "social_rent_turnover", "dwellings"):
            data[f"{group}__w_{indicator}"] = "0"
    response = client.post(reverse("allocation:scenario_edit", args=[scenario.slug]), data)
    assert response.status_code == 200
    assert "ten minste één indicator met gewicht" in response.content.decode()


def test_the_run_page_shows_the_ijktabel_with_totals(client, steering_member, run):
    client.force_login(steering_member)
    html = client.get(reverse("allocation:run_detail", args=[run.pk])).content.decode()
    assert "IJktabel 2025" in html
    assert "Westervoort" in html and "Regio" in html
    assert "<td>140</td>" in html  # the region's total over both groups


def test_csv_export_has_every_explanation_column(client, owner, run):
    client.force_login(owner)
    response = client.get(reverse("allocation:run_export_csv", args=[run.pk]))
    assert response.content.startswith("\ufeff".encode())  # Excel reads UTF-8
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].split(";")[:5] == [
        "Jaar",
        "CBS-code",
        "Gemeente",
        "Code aandachtsgroep",
        "Aandachtsgroep",
    ]
    assert "Bijdrage afronding" in lines[0] and len(lines) == 5


def test_xlsx_export_has_an_ijktabel_sheet_per_year(client, owner, run):
    client.force_login(owner)
    response = client.get(reverse("allocation:run_export_xlsx", args=[run.pk]))
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["IJktabel 2025", "Uitleg", "Invoer", "Methodiek"]
    assert workbook["Uitleg"].freeze_panes == "A2"
    sheet = workbook["IJktabel 2025"]
    rows = {row[0]: row[1:] for row in sheet.iter_rows(values_only=True)}
    assert rows["Westervoort"][-1] == 11  # 8 status holders + 3 outflow


def test_comparison_shows_quota_differences_and_changed_settings(
    client, project_leader, scenario, run, westervoort, nijmegen, groups
):
    from allocation import selectors

    other = finished_run(
        scenario,
        quotas={
            (westervoort, groups["statushouders"], 2025): 10,
            (nijmegen, groups["statushouders"], 2025): 90,
            (westervoort, groups["uitstroom-bw"], 2025): 3,
            (nijmegen, groups["uitstroom-bw"], 2025): 37,
        },
    )
    inputs = selectors.scenario_inputs(scenario=scenario)
    changed = {**inputs, "methodology": {**inputs["methodology"], "cap_share": 0.25}}
    type(run).objects.filter(pk=run.pk).update(inputs=inputs)
    type(run).objects.filter(pk=other.pk).update(inputs=changed)
    client.force_login(project_leader)
    response = client.get(reverse("allocation:run_compare") + f"?basis={run.pk}&andere={other.pk}")
    html = response.content.decode()
    assert "methodology.cap_share" in html
    assert "<td>+2</td>" in html and "<td>-2</td>" in html
    assert response.context["unchanged"] == 2
