"""The big tables built in Python give what their template loops and per-municipality builders
gave: the same rows, numbers, links and markup, in Dutch and in English."""

import re

import pandas as pd
import pytest
from django.template import Context, Template
from django.utils import translation
from django.utils.formats import number_format

from dashboards import exports, figures, selectors, tables, views
from gmr_thuis.charts import fmt, percent
from monitoring.models import Realisation
from municipalities.models import TargetGroup
from tests.dashboards.conftest import YEAR, build_region

pytestmark = pytest.mark.django_db


def same_markup(html: str) -> str:
    """Markup without the whitespace between tags, which no reader sees."""
    return re.sub(r">\s+<", "><", html.strip())


def ijktabel_rows_per_municipality(cells, *, url_for, highlight=frozenset()):
    """The IJktabel as it was built before: a frame and a lookup per municipality and cell."""
    groups = exports.groups_in_order(cells)
    rows = []
    for (municipality, slug), own in cells.groupby(["municipality", "slug"], sort=True):
        by_group = own.set_index("target_group")
        rows.append(
            {
                "municipality": municipality,
                "slug": slug,
                "cells": [
                    {
                        "quota": int(by_group.at[code, "quota"]),
                        "url": url_for(slug, code),
                        "highlight": (slug, code) in highlight,
                    }
                    if code in by_group.index
                    else None
                    for code, _name in groups
                ],
                "total": int(own["quota"].sum()),
            }
        )
    totals = cells.groupby("target_group")["quota"].sum()
    return {
        "groups": groups,
        "rows": rows,
        "totals": [int(totals.get(code, 0)) for code, _name in groups],
        "total": int(cells["quota"].sum()),
    }


SCREEN_ROWS = Template(
    """{% load gmr %}{% for row in table.rows %}
        <tr>
          <th scope="row"><a href="{% url 'dashboards:municipality' row.slug %}?{{ query }}">{{ row.municipality }}</a></th>
          {% for cell in row.cells %}
            <td class="num{% if cell.highlight %} highlight{% endif %}">{% if cell %}<a href="{{ cell.url }}" data-explain>{{ cell.quota|number }}{% if cell.highlight %}*{% endif %}</a>{% else %}–{% endif %}</td>
          {% endfor %}
          <td class="num">{{ row.total|number }}</td>
        </tr>
      {% endfor %}"""
)
PRINTED_ROWS = Template(
    """{% load gmr %}{% for row in block.rows %}
      <tr><th scope="row">{{ row.municipality }}</th>{% for cell in row.cells %}<td class="num{% if cell.highlight %} highlight{% endif %}">{% if cell %}{{ cell.quota|number }}{% if cell.highlight %}*{% endif %}{% else %}–{% endif %}</td>{% endfor %}<td class="num">{{ row.total|number }}</td></tr>
    {% endfor %}"""
)
SUPPLY_ROWS = Template(
    """{% load gmr %}{% for row in summary %}
      <tr><th scope="row">{{ row.municipality }}</th><td class="num">{{ row.quota_total|number }}</td><td class="num{% if row.capped_quota > row.urgent_cap %} over-cap{% endif %}">{{ row.capped_quota|number }}</td><td class="num">{{ row.turnover|number }}</td><td class="num">{{ row.urgent_cap|number }}</td><td class="num">{{ row.new_construction|number }}</td></tr>
    {% endfor %}"""
)
CHART_ROWS = Template(
    """{% for row in chart.rows %}
            <tr>{% for value in row %}{% if forloop.first %}<th scope="row">{{ value }}</th>{% else %}<td class="num">{{ value }}</td>{% endif %}{% endfor %}</tr>
          {% endfor %}"""
)


@pytest.fixture
def picture(region, westervoort, nijmegen, corporation, steering_member):
    """The frames of a region of 22 municipalities, one cell missing and a name to escape."""
    run = build_region(region, municipalities=20, corporation=corporation)
    westervoort.name = "Westervoort & <Zevenaar>"
    westervoort.save()
    cells, summary = views._frames(steering_member, run, YEAR)
    cells = cells.drop(cells.index[5])  # a municipality without a cell of one group
    summary.loc[0, "turnover"] = 1234.5  # a number that rounds half up
    return {
        "run": run,
        "cells": cells,
        "summary": summary,
        "url_for": views._explain_url_for(run, YEAR),
        "query": f"run={run.pk}&jaar={YEAR}",
    }


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_ijktabel_and_its_rows_are_the_same_as_before(picture, language):
    cells, url_for = picture["cells"], picture["url_for"]
    highlighted = exports.highlighted_cells(cells)
    highlight = set(zip(highlighted["slug"], highlighted["target_group"], strict=True))
    table = exports.ijktabel_rows(cells, url_for=url_for, highlight=highlight)
    assert table == ijktabel_rows_per_municipality(cells, url_for=url_for, highlight=highlight)
    assert any(cell is None for row in table["rows"] for cell in row["cells"])
    assert any(cell and cell["highlight"] for row in table["rows"] for cell in row["cells"])

    with translation.override(language):
        screen = tables.ijktabel_body(table, query=picture["query"])
        assert same_markup(screen) == same_markup(
            SCREEN_ROWS.render(Context({"table": table, "query": picture["query"]}))
        )
        assert "Westervoort &amp; &lt;Zevenaar&gt;" in screen
        for block in exports.ijktabel_blocks(table, size=2):
            assert same_markup(tables.ijktabel_block_body(block)) == same_markup(
                PRINTED_ROWS.render(Context({"block": block}))
            )


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_supply_rows_are_the_same_as_before(picture, language):
    summary = picture["summary"]
    summary.loc[1, "capped_quota"] = summary.loc[1, "urgent_cap"] + 1  # one over the ceiling
    with translation.override(language):
        rows = tables.supply_body(summary)
        assert same_markup(rows) == same_markup(
            SUPPLY_ROWS.render(Context({"summary": summary.to_dict("records")}))
        )
    assert "over-cap" in rows
    assert ("1.235" if language == "nl" else "1,235") in rows


@pytest.mark.parametrize("language", ["nl", "en"])
def test_a_charts_table_rows_are_the_same_as_before(picture, language):
    with translation.override(language):
        chart = figures.quota_heatmap(picture["cells"], explain_url=picture["url_for"])
        chart.rows.append(["<b>", 2026, 1234.5, None])  # text to escape, numbers to localize
        assert same_markup(chart.table_body()) == same_markup(
            CHART_ROWS.render(Context({"chart": chart}))
        )


@pytest.mark.parametrize("language", ["nl", "en"])
def test_chart_numbers_read_as_number_format_wrote_them(language):
    values = [0, -0.0, 0.5, 1.5, 2.5, -2.5, 1234.5, -98765.4321, 1e16, 12345678.95, 0.05]
    with translation.override(language):
        for decimals in (0, 1, 2):
            assert [fmt(value, decimals) for value in values] == [
                number_format(round(float(v), decimals), decimal_pos=decimals, force_grouping=True)
                for v in values
            ]
        assert fmt(None) == fmt(float("nan")) == "–"


def test_progress_towards_2030_is_the_monitoring_dashboards_cumulative(
    picture, steering_member, westervoort
):
    from monitoring import selectors as monitoring

    group = TargetGroup.objects.get(code="statushouders")
    for year, quarter, placements in ((YEAR, 1, 7), (YEAR, 3, 2), (YEAR + 1, 2, 5)):
        Realisation.objects.create(
            municipality=westervoort,
            target_group=group,
            year=year,
            quarter=quarter,
            placements=placements,
        )
    progress = selectors.progress_towards_2030(user=steering_member, year=YEAR)
    expected = monitoring.dashboard(user=steering_member, year=YEAR).cumulative
    pd.testing.assert_frame_equal(progress, expected, check_dtype=False)
    assert progress["cumulative_realised"].iloc[-1] == 14


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_heatmap_and_supply_charts_are_the_same_as_before(picture, language):
    cells, summary = picture["cells"], picture["summary"]
    with translation.override(language):
        heatmap = figures.quota_heatmap(cells, explain_url=picture["url_for"])
        supply = figures.fair_share_vs_supply(summary)
        table = cells.pivot_table(
            index="municipality",
            columns="target_group_name",
            values="quota",
            aggfunc="sum",
            sort=False,
        ).fillna(0)
        links = cells.pivot_table(
            index="municipality",
            columns="target_group_name",
            values="url",
            aggfunc="first",
            sort=False,
        ).reindex_like(table)
        assert heatmap.rows == [
            [name, *(fmt(value) for value in row)] for name, row in table.iterrows()
        ]
        assert heatmap.figure.data[0].customdata.tolist() == links.fillna("").to_numpy().tolist()
        assert supply.rows == [
            [
                row.municipality,
                fmt(row.capped_quota),
                fmt(row.turnover),
                fmt(row.urgent_cap),
                percent(row.urgent_share),
            ]
            for row in summary.itertuples()
        ]
