"""Who sees which dashboard, what the pages show, and that their query count is fixed."""

from io import BytesIO

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from tests.dashboards.conftest import YEAR, build_region

pytestmark = pytest.mark.django_db


def explain_url(run, slug="westervoort", group="statushouders", year=YEAR):
    return reverse("dashboards:explain", args=[run.pk, slug, group, year])


def page_urls(run):
    return [
        reverse("dashboards:region"),
        explain_url(run),
        reverse("dashboards:municipality", args=["westervoort"]),
        reverse("dashboards:map"),
        reverse("dashboards:report"),
        reverse("dashboards:export_xlsx"),
        reverse("dashboards:export_csv"),
    ]


@pytest.mark.parametrize(
    "role", ["project_leader", "steering_member", "owner", "colleague", "outsider"]
)
def test_region_members_read_every_dashboard_page(client, run, role, request):
    client.force_login(request.getfixturevalue(role))
    for url in page_urls(run):
        assert client.get(url).status_code == 200, url


def test_stranger_gets_404_on_every_dashboard_page(client, run, stranger):
    client.force_login(stranger)
    for url in page_urls(run):
        assert client.get(url).status_code == 404, url


def test_anonymous_is_sent_to_login_from_every_dashboard_page(client, run):
    for url in page_urls(run):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url


def test_corporation_reads_only_municipalities_where_it_owns_stock(client, run, corporation_member):
    client.force_login(corporation_member)
    assert client.get(explain_url(run, slug="nijmegen")).status_code == 200
    assert client.get(explain_url(run, slug="westervoort")).status_code == 404
    assert client.get(reverse("dashboards:municipality", args=["westervoort"])).status_code == 404
    region = client.get(reverse("dashboards:region"))
    assert region.status_code == 200
    assert [row["municipality"] for row in region.context["table"]["rows"]] == ["Nijmegen"]


def test_every_ijktabel_number_links_to_its_explanation(client, run, steering_member):
    client.force_login(steering_member)
    table = client.get(reverse("dashboards:region")).context["table"]
    links = [cell["url"] for row in table["rows"] for cell in row["cells"]]
    assert len(links) == 4 * 3
    assert explain_url(run) in links
    for link in links:
        assert client.get(link).status_code == 200


def test_region_headline_adds_up_the_cells(client, run, steering_member):
    client.force_login(steering_member)
    response = client.get(reverse("dashboards:region"))
    headline = response.context["headline"]
    assert headline["task"] == 120 + 300 + 10
    assert headline["quota"] == response.context["table"]["total"]
    assert headline["quota"] == 120 + 300 + 10  # the fixture's results place every task
    assert set(response.context["charts"]) == {"heatmap", "supply", "task", "bands", "progress"}
    assert response.context["charts"]["bands"] is not None


def test_explanation_shows_sentence_waterfall_and_sourced_inputs(client, run, owner):
    client.force_login(owner)
    response = client.get(explain_url(run))
    content = response.content.decode()
    assert "Westervoort krijgt in 2026 een fair share van" in response.context["sentence"]
    assert 'id="waterfall"' in content
    assert "testdata: estimate for the dashboard tests" in content
    assert "estimate-mark" in content
    assert [i.label for i in response.context["inputs"]][:1] == ["Aantal inwoners"]


def test_explanation_of_unknown_cell_is_404(client, run, owner):
    client.force_login(owner)
    assert client.get(explain_url(run, group="onbekend")).status_code == 404


def test_municipality_page_extends_the_profile_with_its_fair_share(client, run, owner):
    client.force_login(owner)
    response = client.get(reverse("dashboards:municipality", args=["westervoort"]))
    content = response.content.decode()
    assert "Gemeenteprofiel Westervoort" in content
    assert "Fair share van Westervoort" in content
    assert len(response.context["own_cells"]) == 3


def test_xlsx_export_has_table_explanations_and_method_sheets(client, run, steering_member):
    client.force_login(steering_member)
    response = client.get(reverse("dashboards:export_xlsx"), {"jaar": YEAR})
    workbook = load_workbook(BytesIO(response.content))
    assert workbook.sheetnames == ["IJktabel", "Uitleg", "Invoer", "Methodiek"]
    table = workbook["IJktabel"]
    assert table.cell(1, 1).value == "Gemeente"
    assert table.max_row == 1 + 4 + 1  # header, municipalities, region
    assert workbook["Uitleg"].max_row == 1 + 4 * 3
    method = [row[0] for row in workbook["Methodiek"].iter_rows(values_only=True)]
    assert "Plafond (deel van de mutaties)" in method


def test_report_explains_only_the_highlighted_cells_with_fair_share_and_sentence(
    client, run, steering_member
):
    client.force_login(steering_member)
    response = client.get(reverse("dashboards:report"), {"jaar": YEAR})
    rows = response.context["explanations"]
    # Per group its largest fair share (3 groups), not every one of the 4 × 3 cells.
    assert 3 <= len(rows) < 4 * 3
    assert response.context["cell_count"] == 4 * 3
    marked = [cell for row in response.context["table"]["rows"] for cell in row["cells"]]
    assert sum(bool(cell and cell["highlight"]) for cell in marked) == len(rows)
    blocks = response.context["blocks"]
    assert [group for block in blocks for group in block["groups"]] == list(
        response.context["table"]["groups"]
    )
    first = rows[0]
    assert set(first) == {"municipality", "target_group_name", "quota", "sentence"}
    assert first["municipality"] in first["sentence"]
    assert first["sentence"] in response.content.decode()


def test_csv_export_uses_dutch_spreadsheet_convention(client, run, steering_member):
    client.force_login(steering_member)
    response = client.get(reverse("dashboards:export_csv"))
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeffJaar;CBS-code;Gemeente")
    assert len(text.strip().splitlines()) == 1 + 4 * 3


def test_region_without_any_run_says_so(client, westervoort, steering_member):
    client.force_login(steering_member)
    response = client.get(reverse("dashboards:region"))
    assert response.status_code == 200
    assert "Er is nog geen berekende verdeling" in response.content.decode()


def test_an_unapproved_run_can_be_chosen_and_is_marked(
    client, region, westervoort, steering_member
):
    run = build_region(region, municipalities=1, approve=False)
    client.force_login(steering_member)
    response = client.get(reverse("dashboards:region"), {"run": run.pk})
    assert "niet goedgekeurd" in response.content.decode()


def _queries_with(client, region, url, *, municipalities):
    """Queries of one page over a region of that many municipalities, built and rolled back."""
    with transaction.atomic():
        build_region(region, municipalities=municipalities)
        client.get(url)  # warm the per-process caches (content types, translations)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        transaction.set_rollback(True)
    return len(queries)


@pytest.mark.parametrize(
    "url_name",
    ["dashboards:region", "dashboards:map", "dashboards:report", "dashboards:export_xlsx"],
)
def test_query_count_does_not_grow_with_the_number_of_municipalities(
    client, region, steering_member, url_name
):
    client.force_login(steering_member)
    url = reverse(url_name)
    assert _queries_with(client, region, url, municipalities=17) == _queries_with(
        client, region, url, municipalities=40
    )


def test_explanation_query_count_does_not_grow_with_the_number_of_municipalities(
    client, region, steering_member
):
    client.force_login(steering_member)
    counts = []
    for municipalities in (17, 40):
        with transaction.atomic():
            run = build_region(region, municipalities=municipalities)
            url = explain_url(run, slug="testgemeente-003")
            client.get(url)
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            counts.append(len(queries))
            transaction.set_rollback(True)
    assert counts[0] == counts[1]


def test_progress_towards_2030_appears_once_placements_are_recorded(
    client, run, westervoort, steering_member
):
    from monitoring.models import Realisation
    from municipalities.models import TargetGroup

    client.force_login(steering_member)
    assert client.get(reverse("dashboards:region")).context["charts"]["progress"] is None
    Realisation.objects.create(
        municipality=westervoort,
        target_group=TargetGroup.objects.get(code="statushouders"),
        year=YEAR,
        quarter=1,
        placements=7,
    )
    chart = client.get(reverse("dashboards:region")).context["charts"]["progress"]
    assert chart is not None
    assert [row[0] for row in chart.rows][:2] == [YEAR, YEAR + 1]
    assert chart.rows[0][2] == "7"


def test_report_names_the_flagged_neighbourhoods(client, run, steering_member, westervoort):
    from monitoring.models import Realisation
    from municipalities.models import Neighbourhood, NeighbourhoodFigure, TargetGroup

    group = TargetGroup.objects.first()
    for code, name, placements in (("WK029300", "Noord", 1), ("WK029301", "Zuid", 8)):
        n = Neighbourhood.objects.create(
            code=code, kind="wijk", name=name, municipality=westervoort
        )
        NeighbourhoodFigure.objects.create(
            neighbourhood=n, year=2024, indicator="dwellings", value=1000, source="test"
        )
        Realisation.objects.create(
            municipality=westervoort, target_group=group, year=YEAR, quarter=1,
            placements=placements, neighbourhood=n,
        )  # fmt: skip
    client.force_login(steering_member)
    response = client.get(reverse("dashboards:report"), {"jaar": YEAR})
    assert [row["code"] for row in response.context["flagged_neighbourhoods"]] == ["WK029301"]
    content = response.content.decode()
    assert "Wijken waar plaatsingen zich opstapelen" in content
    assert "boven 1,50× het gemiddelde van de gemeente" in content


def test_the_printed_report_blocks_and_page_identity_are_translated(client, run, steering_member):
    client.force_login(steering_member)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("dashboards:report"), {"jaar": YEAR}).content.decode()
    assert "priority groups 1 to 3 of 3" in page
    assert "The explanation of the marked numbers" in page
    assert (
        f"run {run.pk}" in page
        and "berekening" not in page.split("<style>")[1].split("</style>")[0]
    )
