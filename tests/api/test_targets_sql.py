"""The targets endpoint pages in the database: PostgreSQL answers a page from the cell index."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from allocation.models import AllocationRun, Scenario
from allocation.selectors import approved_fair_share_rows
from allocation.services import (
    DEFAULT_SCENARIO_SLUG,
    allocation_run_approve,
    allocation_run_execute,
)
from tests import factories


@pytest.mark.services
def test_a_page_of_targets_is_read_through_the_run_year_index(postgres_db):
    call_command("load_gmr_data", stdout=StringIO())
    call_command("load_default_scenario", stdout=StringIO())
    scenario = Scenario.objects.get(slug=DEFAULT_SCENARIO_SLUG)
    leader = factories.member(
        role="project_leader", region=scenario.region, username="projectleider"
    )
    runs = []
    for _ in range(4):  # earlier, unapproved runs fill the table as they do in use
        run = AllocationRun.objects.create(
            scenario=scenario, first_year=scenario.first_year, last_year=scenario.last_year
        )
        runs.append(allocation_run_execute(run_id=run.pk))
    allocation_run_approve(user=leader, run=runs[-1])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    page = approved_fair_share_rows(user=leader, years=[2026]).order_by(
        "year", "cbs_code", "target_group_code"
    )[:50]
    plan = page.explain()

    # An index on the run finds the approved run's cells: no pass over every result of every run.
    assert re.search(r"Index (Only )?Scan using \w+ on allocation_allocationresult", plan), plan
    assert "Seq Scan on allocation_allocationresult" not in plan, plan
    assert len(list(page)) == 50
