"""In a real browser: each role opens the dashboards, the charts draw, a number explains itself."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests import factories
from tests.dashboards.conftest import YEAR, build_region

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BLOCKING_IMPACTS = {"serious", "critical"}
ROLES = ["projectleider", "stuurgroep", "alice", "corporatie"]


@pytest.fixture
def dashboard_data(region, westervoort, nijmegen, project_leader, steering_member, owner):
    corporation = factories.CorporationFactory(name="Woonstichting Test", slug="woonstichting-test")
    factories.member(
        role="corporation", corporation=corporation, region=region, username="corporatie"
    )
    # The public centroids of /work/shared/data/gmr_centroids.csv.
    for place, latitude, longitude in ((westervoort, 51.956, 5.972), (nijmegen, 51.842, 5.853)):
        place.latitude, place.longitude = latitude, longitude
        place.save()
    return build_region(region, municipalities=15, corporation=corporation)


def blocking_violations(page):
    results = Axe().run(page)
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']}"
        for violation in results.response["violations"]
        if violation["impact"] in BLOCKING_IMPACTS
    ]


def drawn(page, chart_id):
    """The Plotly chart has drawn its SVG with at least one data trace."""
    page.locator(f"#{chart_id}.chart__plot--drawn .main-svg").first.wait_for()
    return page.locator(f"#{chart_id} .main-svg .trace, #{chart_id} .main-svg .hm").count()


@pytest.mark.parametrize("username", ROLES)
def test_each_role_sees_the_regional_dashboard_with_drawn_charts(
    page, login, screenshot, dashboard_data, username
):
    login(page, username)
    page.get_by_role("link", name="Dashboard", exact=True).click()
    page.get_by_role("heading", name="Regionaal dashboard").wait_for()
    for chart_id in ("heatmap", "fair-share-supply", "task-supply", "sensitivity"):
        assert drawn(page, chart_id) > 0, chart_id
    rows = page.locator("table.ijktabel tbody tr").count()
    # The corporation only sees the municipality where it owns stock (plus the region row).
    assert rows == (2 if username == "corporatie" else 17 + 1)
    screenshot(page, f"dashboard-region-{username}")


def test_clicking_an_ijktabel_number_opens_its_explanation(page, login, screenshot, dashboard_data):
    login(page, "stuurgroep")
    page.goto("/dashboard/")
    row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Westervoort"))
    row.locator("a[data-explain]").first.click()
    page.get_by_role("heading", name="Waarom dit getal?").wait_for()
    sentence = page.locator("#explanation").inner_text()
    assert sentence.startswith(f"Westervoort krijgt in {YEAR} een fair share van")
    assert drawn(page, "waterfall") > 0
    assert page.locator(".estimate-mark").count() > 0
    screenshot(page, "dashboard-explanation")


def test_the_map_draws_a_bubble_per_municipality_and_links_to_it(
    page, login, screenshot, dashboard_data
):
    login(page, "stuurgroep")
    page.goto("/dashboard/kaart/")
    assert drawn(page, "map") > 0
    screenshot(page, "dashboard-map")
    assert page.locator("#map .main-svg .point").count() == 17
    page.goto("/dashboard/gemeente/westervoort/")
    page.get_by_role("heading", name="Fair share van Westervoort").wait_for()
    assert drawn(page, "municipality-region") > 0
    screenshot(page, "dashboard-municipality")


def test_language_switch_turns_the_dashboard_into_english(page, login, dashboard_data):
    login(page, "stuurgroep")
    page.goto("/dashboard/")
    page.get_by_label("Taal").select_option("en")
    page.get_by_role("button", name="Wissel").click()
    page.get_by_role("heading", name="Regional dashboard").wait_for()
    assert page.locator("html").get_attribute("lang") == "en"
    assert drawn(page, "heatmap") > 0
    page.get_by_role("link", name="Calibration table as CSV").wait_for()


@pytest.mark.parametrize(
    "path",
    [
        "/dashboard/",
        f"/dashboard/waarom/{{run}}/westervoort/statushouders/{YEAR}/",
        "/dashboard/gemeente/westervoort/",
        "/dashboard/kaart/",
        "/dashboard/rapport/",
    ],
)
def test_main_dashboard_pages_have_no_serious_accessibility_violations(
    page, login, screenshot, dashboard_data, path
):
    login(page, "stuurgroep")
    page.goto(path.format(run=dashboard_data.pk))
    page.wait_for_load_state("networkidle")
    assert blocking_violations(page) == []
    if "rapport" in path:
        page.emulate_media(media="print")
        screenshot(page, "dashboard-report-print")


def test_on_a_phone_the_heatmap_becomes_a_table_one_group_at_a_time(page, login, dashboard_data):
    """At 390 px the heatmap is not drawn (unreadable there); its table opens with a picker that
    shows one group's column beside the municipalities, and a wider screen draws the chart."""
    login(page, "stuurgroep")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/dashboard/")
    picker = page.get_by_label("Toon de kolom")
    picker.wait_for()
    assert page.locator("#heatmap.chart__plot--drawn").count() == 0
    table = page.locator("#heatmap-figure table")
    assert table.is_visible()
    groups = picker.locator("option").all_inner_texts()
    assert len(groups) > 1
    picker.select_option(label=groups[1])
    header = table.locator("thead th:visible").all_inner_texts()
    assert header == ["Gemeente", groups[1]]
    row = table.locator("tbody tr").first
    assert row.locator("th:visible, td:visible").count() == 2
    assert (
        page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        <= 0
    )

    page.set_viewport_size({"width": 1280, "height": 900})
    assert drawn(page, "heatmap") > 0
    assert not picker.is_visible()
    assert table.locator("thead th:visible").count() == len(groups) + 1
