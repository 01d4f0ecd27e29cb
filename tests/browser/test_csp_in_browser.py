"""In a real browser, under the strict Content-Security-Policy: the main pages load without a
single violation (the `page` fixture fails the test on any), Plotly figures draw, htmx swaps in
the live preview, and the behaviours moved out of the HTML (print, slider values) still work."""

import pytest
from playwright.sync_api import expect

from municipalities.models import Indicator, MunicipalityFigure
from tests import factories
from tests.dashboards.conftest import DATA_YEAR, YEAR, build_region

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def region_run(region, westervoort, nijmegen, project_leader, owner):
    corporation = factories.CorporationFactory(name="Woonstichting Test", slug="woonstichting-test")
    factories.member(
        role="corporation", corporation=corporation, region=region, username="corporatie"
    )
    run = build_region(region, municipalities=3, corporation=corporation)
    # The local group's key, so the editor's live preview can compute.
    for number, place in enumerate(region.municipalities.all(), start=1):
        MunicipalityFigure.objects.create(
            municipality=place,
            year=DATA_YEAR,
            indicator=Indicator.CARAVAN_DWELLERS,
            value=3 * number,
            source="test",
        )
    return run


def plotly_drawn(page):
    """At least one Plotly figure drew its SVG."""
    figure = page.locator(".js-plotly-plot .main-svg").first
    figure.wait_for()
    return page.locator(".js-plotly-plot svg").count()


def csp_header(page, path):
    return page.request.get(path).headers["content-security-policy"]


def test_project_leader_pages_work_under_the_policy(page, login, region_run):
    login(page, "projectleider")
    assert "script-src 'self'" in csp_header(page, "/")
    assert "'unsafe-inline'" not in csp_header(page, "/").split("script-src")[1].split(";")[0]

    page.get_by_role("heading", level=1).first.wait_for()
    for path in ("/dashboard/", "/dashboard/kaart/", f"/monitoring/?jaar={YEAR}&kwartaal=4"):
        page.goto(path)
        assert plotly_drawn(page) > 0, path

    page.goto(f"/verdeling/run/{region_run.pk}/")
    page.locator("table.ijktabel").first.wait_for()
    page.goto("/gemeenten/westervoort/")
    page.get_by_role("heading", name="Gemeenteprofiel Westervoort").wait_for()


def test_htmx_preview_and_slider_values_work_under_the_policy(page, login, region_run):
    login(page, "projectleider")
    page.goto(f"/verdeling/scenario/{region_run.scenario.slug}/bewerken/")
    # htmx posts the form on load and swaps the preview in.
    page.locator("#preview table.ijktabel").wait_for()
    before = page.locator("#preview").inner_text()
    cap = page.get_by_label("Maximaal aandeel van de mutaties voor urgente groepen")
    cap.fill("0.1")
    # page.js writes the slider's value into its <output>, in Dutch notation.
    expect(page.locator(f'output[for="{cap.get_attribute("id")}"]')).to_have_text("0,1")
    page.wait_for_function(
        "(before) => document.querySelector('#preview').innerText !== before", arg=before
    )


def test_print_button_prints_without_an_inline_handler(page, login, region_run):
    login(page, "projectleider")
    page.goto("/dashboard/rapport/")
    page.evaluate("() => { window.print = () => { window.__printed = true; }; }")
    page.get_by_role("button", name="Afdrukken of bewaren als PDF").click()
    assert page.evaluate("window.__printed === true")


@pytest.mark.parametrize("username", ["corporatie", "alice"])
def test_other_roles_see_drawn_figures_under_the_policy(page, login, region_run, username):
    login(page, username)
    page.goto("/dashboard/")
    assert plotly_drawn(page) > 0


def test_api_docs_render_under_the_policy(page):
    page.goto("/api/v1/docs/")
    page.locator(".swagger-ui .info").wait_for()


def test_admin_issues_an_api_key_shown_once_under_the_policy(page, region_run):
    from gmr_thuis.models import ApiToken

    factories.UserFactory(username="beheerder", is_staff=True, is_superuser=True)
    page.goto("/admin/login/")
    page.get_by_label("Gebruikersnaam").fill("beheerder")
    page.get_by_label("Wachtwoord").fill("geheim-wachtwoord-123")
    page.get_by_role("button", name="Aanmelden").click()
    page.goto("/admin/gmr_thuis/apitoken/add/")
    page.get_by_label("Gebruiker").select_option(label="corporatie")
    page.get_by_label("Naam").fill("ERP")
    page.get_by_role("button", name="Opslaan", exact=True).click()
    key = page.locator("#issued-key").input_value()
    assert key.startswith("gmr_") and ApiToken.objects.get().prefix == key[:10]
    assert all(key not in cookie["value"] for cookie in page.context.cookies())
    page.goto("/admin/gmr_thuis/apitoken/")
    assert key not in page.content()
