"""The run page on the GMR data set: "changed since" read from the fingerprint of today's
inputs (built once per data generation, not per view), and its tables read narrowly yet equal
to what the full reads give."""

import pandas as pd
import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from allocation import selectors
from allocation.models import AllocationRun
from allocation.services import (
    allocation_run_approve,
    allocation_run_execute,
    ensure_default_scenario,
)
from allocation.templatetags.ijktabel import ijktabel_rows
from gmr_thuis.permissions import SYSTEM
from monitoring import selectors as monitoring_selectors
from monitoring import services as monitoring_services
from municipalities.models import Indicator, Municipality, MunicipalityFigure, TargetGroup
from municipalities.services import reference_data_load
from tests import factories

CHANGED = "Sinds deze verdeling"
UNCHANGED = "De cijfers en de methodiek zijn niet veranderd sinds deze verdeling."


@pytest.fixture
def gmr_run(db):
    reference_data_load()
    scenario = ensure_default_scenario()
    run = AllocationRun.objects.create(
        scenario=scenario, first_year=scenario.first_year, last_year=scenario.last_year
    )
    return allocation_run_execute(run_id=run.pk)


@pytest.fixture
def leader(gmr_run):
    return factories.member(
        role="project_leader", region=gmr_run.scenario.region, username="pl-gmr"
    )


@pytest.fixture
def steering(gmr_run):
    return factories.member(
        role="steering_group", region=gmr_run.scenario.region, username="sg-gmr"
    )


def westervoort_inhabitants(run):
    return MunicipalityFigure.objects.get(
        municipality__cbs_code="GM0293",
        year=run.scenario.data_year,
        indicator=Indicator.INHABITANTS,
    )


def edit(figure, **values):
    """A figure edited as the services save it: a save, which bumps the region's generation."""
    for field, value in values.items():
        setattr(figure, field, value)
    figure.save()


def page(client, run):
    response = client.get(reverse("allocation:run_detail", args=[run.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_notice_appears_after_a_figure_edit_and_goes_when_it_is_reverted(
    client, gmr_run, steering
):
    client.force_login(steering)
    assert UNCHANGED in page(client, gmr_run)

    figure = westervoort_inhabitants(gmr_run)
    original = figure.value
    edit(figure, value=original + 100)
    html = page(client, gmr_run)
    assert CHANGED in html and UNCHANGED not in html
    assert 'title="indicators.GM0293.inhabitants"' in html

    edit(figure, value=original)
    html = page(client, gmr_run)
    assert UNCHANGED in html and CHANGED not in html


@pytest.fixture
def builds(monkeypatch):
    """Every build of a scenario's inputs today, by the run page's reads."""
    calls = []
    build = selectors.scenario_inputs

    def counted(**kwargs):
        calls.append(kwargs)
        return build(**kwargs)

    monkeypatch.setattr(selectors, "scenario_inputs", counted)
    return calls


def test_the_fingerprint_of_todays_inputs_is_built_once_per_generation_for_every_reader(
    gmr_run, leader, steering, builds
):
    assert selectors.run_changes_since(user=leader, run=gmr_run) == []
    assert len(builds) == 1
    # Another view and another scope in the same generation build nothing.
    assert selectors.run_changes_since(user=leader, run=gmr_run) == []
    assert selectors.run_changes_since(user=steering, run=gmr_run) == []
    assert selectors.run_live_changes(user=steering, run=gmr_run, carry_over=False) == []
    assert len(builds) == 1

    figure = westervoort_inhabitants(gmr_run)
    edit(figure, value=figure.value + 100)
    changes = selectors.run_changes_since(user=leader, run=gmr_run)
    # Recomputed after the edit, and that one build also lists the change.
    assert len(builds) == 2
    assert "indicators.GM0293.inhabitants" in [path for path, _before, _after in changes]


def full_changes(user, run, *, carry_over=True):
    """What the page listed before the fingerprint: today's inputs built and compared."""
    live = selectors.scenario_inputs(
        scenario=run.scenario,
        carry_over=None if carry_over else run.inputs["carry_over"][str(run.first_year)],
    )
    return selectors.visible_differences(
        user=user, differences=selectors.input_differences(run.inputs, live)
    )


def test_changes_since_equal_the_full_comparison(gmr_run, leader, steering):
    figure = westervoort_inhabitants(gmr_run)
    original = {"value": figure.value, "source": figure.source, "is_estimate": figure.is_estimate}
    # The source and estimate mark are not in the run's hash, yet changes the page lists.
    changes = (
        {"value": 20000},
        {"source": "CBS, herzien"},
        {"is_estimate": not figure.is_estimate},
    )
    for change in changes:
        edit(figure, **change)
        for user in (leader, steering):
            for carry_over in (True, False):
                expected = full_changes(user, gmr_run, carry_over=carry_over)
                assert expected, change
                live = selectors.live_changes(user=user, run=gmr_run, carry_over=carry_over)
                assert live == expected, change
        assert selectors.run_changes_since(user=leader, run=gmr_run) == full_changes(
            leader, gmr_run
        )
        edit(figure, **original)
        assert selectors.run_changes_since(user=leader, run=gmr_run) == []


# The table body as the template's loop rendered it, cell by cell.
TEMPLATE_ROWS = (
    "{% load gmr %}{% for municipality, row in table.iterrows %}\n"
    '    <tr><th scope="row">{{ municipality }}</th>{% for value in row %}'
    "<td>{{ value|number }}</td>{% endfor %}</tr>\n  {% endfor %}"
)


def test_the_narrow_read_and_the_row_renderer_give_the_same_ijktabel(gmr_run, steering):
    full = selectors.run_results(user=steering, run=gmr_run)
    years = selectors.run_years(user=steering, run=gmr_run)
    assert years == sorted(full["year"].unique().tolist())
    assert years == list(range(gmr_run.first_year, gmr_run.last_year + 1))
    for year in years:
        narrow = selectors.run_results(user=steering, run=gmr_run, year=year, columns=["quota"])
        pd.testing.assert_frame_equal(
            selectors.ijktabel(narrow, year), selectors.ijktabel(full, year)
        )

    table = selectors.ijktabel(full, gmr_run.first_year)
    # A name to escape and a count in the thousands, as a national region has.
    table = table.rename(index={table.index[0]: "Bergen & <Dal>"})
    table.iloc[1, 0] = 12345
    for language in ("nl", "en"):
        with translation.override(language):
            expected = Template(TEMPLATE_ROWS).render(Context({"table": table}))
            assert str(ijktabel_rows(table)) == expected


def full_carry_over(*, year, user, period_start):
    """The carry-over read from every approved year, as before only the years that count."""
    fair = monitoring_selectors._fair_share_cells(user)
    balance = monitoring_selectors._balance(
        fair, monitoring_selectors.realised_frame(user=user), year, period_start=period_start
    )
    codes = dict(Municipality.objects.values_list("id", "cbs_code"))
    groups = dict(TargetGroup.objects.values_list("id", "code"))
    frame = balance.assign(
        cbs_code=balance["municipality_id"].map(codes),
        target_group_code=balance["target_group_id"].map(groups),
    ).pivot_table(
        index="cbs_code",
        columns="target_group_code",
        values="carry_over",
        aggfunc="sum",
        fill_value=0.0,
    )
    frame.index.name, frame.columns.name = "cbs_code", "target_group_code"
    return frame


def test_the_carry_over_read_from_the_years_that_count_equals_the_full_read(gmr_run, leader):
    allocation_run_approve(user=leader, run=gmr_run)
    result = gmr_run.results.select_related("municipality", "target_group")
    for cell in result.filter(year__in=(2025, 2026), quota__gt=0)[:40]:
        monitoring_services.realisation_save(
            user=leader,
            municipality=cell.municipality,
            target_group=cell.target_group,
            year=cell.year,
            quarter=2,
            placements=cell.quota // 2 + cell.pk % 3,
            version=None,
        )
    for year in range(2024, 2033):
        for period_start in (False, True):
            fast = monitoring_selectors.carry_over_frame(
                year=year, user=SYSTEM, period_start=period_start
            )
            expected = full_carry_over(year=year, user=SYSTEM, period_start=period_start)
            pd.testing.assert_frame_equal(fast, expected, check_dtype=False)
    assert not monitoring_selectors.carry_over_frame(year=2027, user=SYSTEM).empty
