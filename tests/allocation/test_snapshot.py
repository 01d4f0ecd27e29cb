"""A run is explained from its snapshot; the cap is exact; exports neutralise formulas."""

import io
from fractions import Fraction

import openpyxl
import pandas as pd
import pytest
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from allocation import selectors, services
from allocation.engine import (
    DEFAULT_CAP_SHARE,
    GroupRule,
    Methodology,
    allocate_fair_share,
    exact_cap_share,
    room_under_cap,
)
from allocation.models import Methodology as MethodologyModel
from municipalities.models import Indicator, MunicipalityFigure

from .conftest import SOURCE


@pytest.fixture
def start(django_capture_on_commit_callbacks, project_leader):
    def start_run(scenario):
        with django_capture_on_commit_callbacks(execute=True):
            run = services.allocation_run_start(user=project_leader, scenario=scenario)
        run.refresh_from_db()
        return run

    return start_run


def set_inhabitants(municipality, value):
    MunicipalityFigure.objects.filter(
        municipality=municipality, year=2024, indicator=Indicator.INHABITANTS
    ).update(value=value, source="Nieuwe bron", is_estimate=False)


def test_the_snapshot_stores_every_figure_with_its_source_and_estimate_mark(start, scenario):
    run = start(scenario)
    assert run.inputs["indicators"]["GM0293"]["inhabitants"] == 15114
    assert run.inputs["sources"]["indicators"]["GM0293"]["inhabitants"] == [SOURCE, True]
    assert run.inputs["sources"]["tasks"]["2025"]["statushouders"] == [SOURCE, True]
    assert run.inputs["methodology"]["cap_share"] == "1/3"


def test_a_figure_changed_after_the_run_leaves_its_explanation_page_exports_and_report(
    start, scenario, project_leader, client, westervoort
):
    run = start(scenario)
    services.allocation_run_approve(user=project_leader, run=run)
    set_inhabitants(westervoort, 99999)
    client.force_login(project_leader)

    explain = client.get(
        reverse("dashboards:explain", args=[run.pk, westervoort.slug, "statushouders", 2025])
    )
    inhabitants = next(i for i in explain.context["inputs"] if i.code == "inhabitants")
    assert inhabitants.value == 15114 and inhabitants.source == SOURCE
    assert inhabitants.is_estimate and inhabitants.live == 99999
    text = explain.content.decode()
    assert 'id="live-changes"' in text and "15.114" in text and "99.999" in text

    page = client.get(reverse("allocation:run_detail", args=[run.pk]))
    changed = {path: (before, after) for _label, path, before, after in page.context["changes"]}
    assert changed["indicators.GM0293.inhabitants"] == (15114, 99999)
    assert "Nieuwe verdeling starten" in page.content.decode()

    for name, params in (
        ("dashboards:export_xlsx", {"run": run.pk, "jaar": 2025}),
        ("allocation:run_export_xlsx", None),
    ):
        url = reverse(name, args=[run.pk]) if params is None else reverse(name)
        workbook = openpyxl.load_workbook(io.BytesIO(client.get(url, params or {}).content))
        figures = [row for row in workbook["Invoer"].iter_rows(values_only=True)]
        assert ("Westervoort", "Aantal inwoners", 15114, SOURCE, True) in figures
        method = [row for row in workbook["Methodiek"].iter_rows(values_only=True)]
        assert ("Westervoort: aantal inwoners", "15114.0 → 99999.0") in method

    report = client.get(reverse("dashboards:report"), {"run": run.pk, "jaar": 2025})
    assert 'id="live-changes"' in report.content.decode()
    assert any(
        path == "indicators.GM0293.inhabitants" for _l, path, *_ in report.context["changes"]
    )

    again = start(scenario)
    assert again.inputs["indicators"]["GM0293"]["inhabitants"] == 99999
    assert again.inputs["sources"]["indicators"]["GM0293"]["inhabitants"] == ["Nieuwe bron", False]
    assert selectors.live_changes(user=project_leader, run=again) == []


def test_the_dashboard_shows_the_room_the_run_stored(start, scenario, project_leader, westervoort):
    run = start(scenario)
    MunicipalityFigure.objects.filter(
        municipality=westervoort, year=2024, indicator=Indicator.TURNOVER
    ).update(value=300)
    supply = selectors.run_supply(run, user=project_leader).set_index("cbs_code")
    assert supply.loc["GM0293", "turnover"] == 90  # the snapshot, not today's 300
    assert supply.loc["GM0293", "urgent_cap"] == pytest.approx(30)  # 90 × 1/3
    assert supply.loc["GM0293", "supply"] == pytest.approx(70)  # plus 40 new construction


def test_the_default_cap_is_exactly_one_third_and_90_turnover_leaves_room_for_30(db):
    methodology = MethodologyModel.objects.create(name="Exact", slug="exact")
    methodology.refresh_from_db()
    assert methodology.cap_share == Fraction(1, 3) == DEFAULT_CAP_SHARE
    assert room_under_cap(90, methodology.cap_share) == 30
    # An old decimal 0.333 reads as one third, a quarter stays a quarter.
    methodology.cap_share = "0.333"
    assert (methodology.cap_numerator, methodology.cap_denominator) == (1, 3)
    methodology.cap_share = 0.25
    assert methodology.cap_share == Fraction(1, 4)


def one_municipality_room(turnover: int, cap: Fraction) -> int:
    """What the engine places of a capped group in a lone municipality asked for more than fits."""
    indicators = pd.DataFrame(
        {"inhabitants": [1000.0], "social_rent_turnover": [float(turnover)], "new": [0.0]},
        index=pd.Index(["GM0001"], name="municipality"),
    )
    methodology = Methodology(
        rules=(GroupRule("urgent", {"inhabitants": 1.0}, capped=True),),
        cap_share=cap,
        capacity_columns=("new",),
    )
    result = allocate_fair_share(indicators, pd.Series({"urgent": turnover + 10}), methodology)
    return int(result["quota"].iloc[0])


@settings(max_examples=150, deadline=None)
@given(
    turnover=st.integers(min_value=0, max_value=100_000),
    denominator=st.integers(min_value=1, max_value=1000),
    data=st.data(),
)
def test_room_is_floor_of_turnover_times_cap_exactly(turnover, denominator, data):
    cap = Fraction(data.draw(st.integers(min_value=0, max_value=denominator)), denominator)
    exact = (turnover * cap.numerator) // cap.denominator
    assert room_under_cap(turnover, cap) == exact
    assert one_municipality_room(turnover, cap) == exact
    assert exact_cap_share(f"{cap.numerator}/{cap.denominator}") == cap


def test_the_engine_places_30_under_the_default_cap_for_turnover_90():
    assert one_municipality_room(90, DEFAULT_CAP_SHARE) == 30


INJECTION = '=HYPERLINK("http://example.org","klik")'


def test_scenario_name_and_notes_that_look_like_formulas_are_neutralised_in_every_export(
    start, scenario, project_leader, client
):
    scenario.name, scenario.notes = INJECTION, INJECTION
    scenario.save()
    run = start(scenario)
    client.force_login(project_leader)
    exports = [
        client.get(reverse("allocation:run_export_csv", args=[run.pk])),
        client.get(reverse("allocation:run_export_xlsx", args=[run.pk])),
        client.get(reverse("dashboards:export_csv"), {"run": run.pk, "jaar": 2025}),
        client.get(reverse("dashboards:export_xlsx"), {"run": run.pk, "jaar": 2025}),
    ]
    seen = 0
    for response in exports:
        assert response.status_code == 200
        if response["Content-Type"].startswith("text/csv"):
            cells = [
                cell
                for line in response.content.decode("utf-8-sig").splitlines()
                for cell in line.split(";")
            ]
        else:
            workbook = openpyxl.load_workbook(io.BytesIO(response.content))
            cells = [
                value
                for sheet in workbook.worksheets
                for row in sheet.iter_rows(values_only=True)
                for value in row
                if isinstance(value, str)
            ]
            seen += cells.count("'" + INJECTION)
        assert not [c for c in cells if c.startswith(("=", "+", "@", "\t", "\r"))]
    assert seen == 2 * 2  # name and notes on both workbooks' method sheets
