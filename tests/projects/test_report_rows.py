"""The report chapters' rows, written in Python, are the rows their template loops wrote."""

import re

import pytest
from django.template import Context, Template
from django.utils import translation

from gmr_thuis.permissions import membership_of
from projects import report, selectors
from projects.older_people import older_people_task
from tests import factories

PIPELINE_ROWS = Template(
    """{% load gmr %}{% for row in rows %}
      <tr><th scope="row">{{ row.municipality.name }}</th>{% for cell in row.years %}<td class="num">{{ cell.planned|number }} / {{ cell.expected|number }} / {{ cell.delivered|number }}</td>{% endfor %}</tr>
    {% endfor %}"""
)
OLDER_PEOPLE_ROWS = Template(
    """{% load gmr %}{% for row in table %}
      <tr><th scope="row">{{ row.municipality.name }}</th>{% for kind in row.kinds %}<td class="num">{{ kind.gap|number }}</td>{% endfor %}</tr>
    {% endfor %}"""
)


def same_markup(html: str) -> str:
    return re.sub(r">\s+<", "><", html.strip())


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_chapters_rows_are_the_template_loops_rows(
    owner, westervoort, nijmegen, project, language
):
    for place, inhabitants in ((westervoort, 15114), (nijmegen, 179073)):
        factories.FigureFactory(
            municipality=place, year=2024, indicator="inhabitants", value=inhabitants
        )
        factories.FigureFactory(municipality=place, year=2024, indicator="share_75_plus", value=8)
    region = membership_of(owner).region
    with translation.override(language):
        (_pipeline, pipeline), (_older, older) = report.chapters(owner)
        years = selectors.forecast_years()
        rows = selectors.forecast_rows(user=owner, region=region, years=years)
        assert same_markup(pipeline["body"]) == same_markup(
            PIPELINE_ROWS.render(Context({"rows": rows}))
        )
        table = selectors.older_people_table(older_people_task(user=owner, region=region))
        assert len(table) == 2
        assert same_markup(older["body"]) == same_markup(
            OLDER_PEOPLE_ROWS.render(Context({"table": table}))
        )
