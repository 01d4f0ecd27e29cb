"""The dashboard's progress rows written in Python are the markup the template loop wrote, and
its unsorted read of the fair share cells holds the same cells."""

import pandas as pd
import pytest
from django.template import Context, Template
from django.utils import translation

from monitoring import selectors, tables
from monitoring.views import _records
from tests.test_access_matrix import YEAR, world  # noqa: F401  (world is a fixture)

# The progress table's rows as the template wrote them before tables.progress_rows.
TEMPLATE_ROWS = Template(
    """{% load gmr %}{% for row in progress %}
      <tr data-municipality="{{ row.cbs_code }}" data-group="{{ row.group_code }}">
        <th scope="row"><a href="{% url 'monitoring:municipality_year' row.slug data.year %}">{{ row.municipality }}</a></th>
        <td>{{ row.target_group }}</td>
        <td class="num">{{ row.fair_share|number }}</td>
        <td class="num">{{ row.carry_over|number }}</td>
        <td class="num agreed">{{ row.agreed|number }}</td>
        <td>{{ row.agreement_status|default:"–" }}</td>
        <td class="num realised">{{ row.realised|number }}</td>
        <td class="num">{{ row.by_corporations|number }}</td>
        <td class="num via-mediation">{{ row.via_mediation|number }}</td>
        <td class="num">{{ row.expected|number:1 }}</td>
        <td><span class="badge progress-{{ row.status }} utrecht-status-badge">{{ row.status_label }}</span></td>
      </tr>
    {% endfor %}"""  # noqa: E501
)

TEMPLATE_TURNOVER_ROWS = Template(
    """{% load i18n gmr %}{% for row in turnover %}
      <tr>
        <th scope="row">{{ row.municipality }}</th>
        <td class="num">{{ row.placements|number }}</td>
        <td class="num">{% if row.turnover is not None %}{% figure row.turnover "" row.is_estimate %} <span class="muted">({{ row.turnover_year|floatformat:0 }})</span>{% else %}–{% endif %}</td>
        <td class="num">{{ row.share_percent|percentage:1 }}</td>
        <td>{% if row.over_limit %}<strong>{% translate "ja" %}</strong>{% else %}{% translate "nee" %}{% endif %}</td>
      </tr>
    {% endfor %}"""  # noqa: E501
)


def template_rows(data, progress):
    return TEMPLATE_ROWS.render(Context({"data": data, "progress": _records(progress)}))


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("quarter", [1, 4])
def test_progress_rows_are_the_template_rows_on_the_gmr_data(world, language, quarter):  # noqa: F811
    with translation.override(language):
        data = selectors.dashboard(user=world.users["project_leader"], year=YEAR, quarter=quarter)
        progress = data.progress
        assert len(progress) > 17 and progress["realised"].gt(0).any()
        assert progress["by_corporations"].isna().any()  # "–", not "0"
        assert tables.progress_rows(progress, data.year) == template_rows(data, progress)


@pytest.mark.django_db
def test_progress_rows_escape_names_and_fill_in_what_is_missing(world):  # noqa: F811
    data = selectors.dashboard(user=world.users["project_leader"], year=YEAR)
    progress = data.progress.head(3).copy()
    progress["municipality"] = ["<b>Ede</b>", "O'Brien & Zn", '"Arnhem"']
    progress["agreement_status"] = ["", None, "goedgekeurd"]
    progress["carry_over"] = [-0.4, 1234567.5, float("nan")]
    progress["expected"] = [0.05, 2.25, -0.04]
    without_mediation = progress.drop(columns="via_mediation", errors="ignore")
    for frame in (progress, without_mediation):
        rows = tables.progress_rows(frame, data.year)
        assert rows == template_rows(data, frame)
        assert "<b>Ede" not in rows and "&lt;b&gt;Ede&lt;/b&gt;" in rows


def test_no_rows_for_an_empty_progress_frame():
    columns = ["cbs_code", "group_code", "slug", "municipality", "target_group", "fair_share",
               "carry_over", "agreed", "agreement_status", "realised", "by_corporations",
               "expected", "status", "status_label"]  # fmt: skip
    assert tables.progress_rows(pd.DataFrame(columns=columns), YEAR) == ""


@pytest.mark.django_db
def test_the_dashboard_reads_the_same_fair_share_cells_unsorted(world):  # noqa: F811
    user = world.users["project_leader"]
    key = ["year", "municipality_id", "target_group_id"]
    summed = selectors._summed_fair_share_cells(user).sort_values(key, ignore_index=True)
    cells = selectors._fair_share_cells(user).sort_values(key, ignore_index=True)
    assert len(cells) > 17
    pd.testing.assert_frame_equal(summed, cells)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["nl", "en"])
def test_turnover_rows_are_the_template_rows(world, language):  # noqa: F811
    with translation.override(language):
        turnover = selectors.dashboard(user=world.users["project_leader"], year=YEAR).turnover
        assert turnover["turnover"].notna().any()
        turnover = turnover.astype({"is_estimate": object, "turnover_year": float})
        # Every case the template told apart: no turnover, an estimate or not, over the cap.
        turnover.loc[0, ["turnover", "turnover_year", "is_estimate", "share_percent"]] = None
        turnover.loc[1, ["is_estimate", "over_limit"]] = [True, True]
        turnover.loc[2, ["is_estimate", "turnover", "municipality"]] = [False, 12345.5, "<i>"]
        rows = TEMPLATE_TURNOVER_ROWS.render(Context({"turnover": _records(turnover)}))
        assert tables.turnover_rows(turnover) == rows
