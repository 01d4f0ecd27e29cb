"""Query counts pinned for every page, and constant in the number of municipalities and years.

Every GET page of the access matrix's table is read on the matrix's world (the GMR data set,
17 municipalities, an approved and an unapproved run, monitoring records, a negotiation
session, a project), with a cold page cache. Then the region grows by synthetic municipalities
(with figures, results of both runs, agreements, realisations and housing plans for more years)
and every page must take exactly as many queries as before: a page whose count grows with the
data has an N+1.
"""

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from allocation.models import AllocationResult
from monitoring.models import HousingPlan, LocalAgreement, Realisation
from municipalities import geo
from municipalities.models import Municipality, MunicipalityFigure
from negotiation.models import BoardCell, Delegation, Room
from projects import services as project_services
from projects.models import OlderPopulationForecast
from tests.test_access_matrix import (  # noqa: F401  (world is a fixture)
    HTML,
    READ_EMPTY,
    ROUTES,
    YEAR,
    _project_values,
    world,
)

EXTRA_MUNICIPALITIES = 8
EXTRA_YEARS = (YEAR + 1, YEAR + 2, YEAR + 3)

# Who reads each kind of page: the project leader sees the whole region; a page of a civil
# servant's own (their first page, their import job) is read by Westervoort's civil servant.
OWNER_PAGES = {"monitoring:my_municipality", "monitoring:realisation_import_job"}
PAGES = sorted(
    name
    for name in ROUTES
    if ROUTES[name].get and ROUTES[name].kind in (READ_EMPTY, "landing", *HTML)
)

# The pinned counts, on a cold page cache. A change here is a change in how a page reads.
PINNED = {
    "allocation:run_compare": 13,
    # The run without its inputs snapshot; on a cold cache the snapshot once more for the table.
    "allocation:run_detail": 26,
    "allocation:run_export_csv": 5,
    "allocation:run_export_xlsx": 18,
    "allocation:run_progress": 4,
    "allocation:scenario_create": 8,
    "allocation:scenario_detail": 11,
    "allocation:scenario_edit": 9,
    "allocation:scenario_list": 8,
    "allocation:sweep_detail": 8,
    "allocation:sweep_export_csv": 5,
    "allocation:sweep_export_xlsx": 5,
    "dashboards:explain": 16,
    "dashboards:export_csv": 9,
    "dashboards:export_xlsx": 20,
    "dashboards:map": 13,
    "dashboards:municipality": 18,
    "dashboards:region": 26,
    "dashboards:report": 62,  # with the progress chart (the region dashboard's selector)
    "home": 8,
    "mediation:case": 16,
    "mediation:case_close": 9,
    "mediation:case_create": 7,
    "mediation:case_edit": 16,
    "mediation:case_export": 10,
    "mediation:cases": 15,
    "mediation:meeting": 40,
    "mediation:meetings": 7,
    "mediation:minutes": 45,
    "mediation:minutes_pdf": 44,
    "mediation:minutes_xlsx": 40,
    "mediation:offer_create": 6,
    # One more than before withdrawing existed: which offers a decision placed a case in.
    "mediation:offers": 8,
    "monitoring:agreement": 19,
    "monitoring:agreements_grid": 12,
    "monitoring:dashboard": 31,
    "monitoring:dashboard_export": 14,
    "monitoring:housing_plan": 11,
    "monitoring:inbox": 15,
    "monitoring:municipality_year": 20,
    "monitoring:my_municipality": 12,
    "monitoring:neighbourhoods": 15,
    "monitoring:objection": 16,
    "monitoring:objection_lodge": 13,
    "monitoring:objections": 8,
    "monitoring:quarterly_report": 18,
    "monitoring:realisation": 14,
    "monitoring:realisation_grid": 12,
    "monitoring:realisation_import": 6,
    "monitoring:realisation_import_job": 5,
    "monitoring:realisation_template": 3,
    "municipalities:profile": 16,
    "negotiation:board": 20,
    "negotiation:export": 18,
    "negotiation:presentation": 20,
    "negotiation:replay": 10,
    "negotiation:report": 21,
    "negotiation:session_create": 12,
    "negotiation:session_list": 8,
    "negotiation:state": 16,
    "projects:create": 9,
    "projects:detail": 11,
    "projects:edit": 10,
    "projects:forecast": 12,
    "projects:import": 7,
    "projects:list": 8,
    "projects:municipality": 9,
    "projects:older_people": 16,
    "projects:older_population_import": 7,
    "projects:older_population_template": 3,
    "projects:pie": 17,
    "projects:template": 3,
    "start": 3,
    "target_groups": 8,
}


def _count(client, url):
    client.get(url)  # per-process caches (content types, translations, the session)
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    # /start/ sends each role on to its own first page.
    assert response.status_code in (200, 302), (url, response.status_code)
    return len(queries)


def _grow(w):
    """More municipalities in the region and more years of everything a page lists."""
    template = w.westervoort
    # Everything of Westervoort a page lists per municipality, copied to each new one.
    copied = [
        list(model.objects.filter(municipality=template))
        for model in (MunicipalityFigure, AllocationResult, OlderPopulationForecast)
    ] + [
        list(model.objects.filter(session=w.session, municipality=template))
        for model in (Delegation, BoardCell, Room)
    ]
    # Real boundaries (the map and the board draw every municipality), synthetic names.
    taken = set(Municipality.objects.values_list("cbs_code", flat=True))
    codes = sorted(set(geo.municipality_features()) - taken)[:EXTRA_MUNICIPALITIES]
    places = [
        Municipality.objects.create(
            region=w.region,
            name=f"Synthetische gemeente {n}",
            slug=f"synthetische-gemeente-{n}",
            cbs_code=code,
        )
        for n, code in enumerate(codes)
    ]
    for place in places:
        for records in copied:
            for record in records:
                record.pk, record.municipality = None, place
            if records:
                type(records[0]).objects.bulk_create(records)
    group = w.groups["statushouders"]
    for place in [template, *places]:
        for year in EXTRA_YEARS:
            LocalAgreement.objects.create(
                municipality=place, target_group=group, year=year, agreed_number=3
            )
            Realisation.objects.create(
                municipality=place, target_group=group, year=year, quarter=1, placements=1
            )
            HousingPlan.objects.create(
                municipality=place, year=year, kind="new_construction", planned=5, forecast=5
            )
            project_services.project_create(
                user=w.users["project_leader"],
                municipality=place,
                values=_project_values(name=f"Project {place.slug} {year}"),
                phase=("plan", None),
            )


@pytest.fixture(scope="module")
def counts(world, django_db_blocker):  # noqa: F811
    """{page: (queries on the world, queries on the grown world)}"""
    from django.test import Client

    measured = {}
    with django_db_blocker.unblock():
        clients = {}

        def client_for(name):
            # The project leader reads most pages; others only the roles they are for.
            allowed = getattr(ROUTES[name], "allowed", None)
            role = "owner" if name in OWNER_PAGES else "project_leader"
            if allowed and role not in allowed:
                role = sorted(allowed)[0]
            if role not in clients:
                clients[role] = Client()
                clients[role].force_login(world.users[role])
            return clients[role]

        def each():
            return {name: _count(client_for(name), ROUTES[name].url(world)) for name in PAGES}

        before = each()
        with transaction.atomic():
            _grow(world)
            after = each()
            transaction.set_rollback(True)
    for name in PAGES:
        measured[name] = (before[name], after[name])
    return measured


@pytest.mark.django_db
@pytest.mark.parametrize("name", PAGES)
def test_query_count_does_not_grow_with_municipalities_and_years(counts, name):
    before, after = counts[name]
    assert after == before, f"{name}: {before} queries at 17 municipalities, {after} when grown"


@pytest.mark.django_db
@pytest.mark.parametrize("name", PAGES)
def test_query_count_is_pinned(counts, name):
    assert counts[name][0] == PINNED.get(name), f"{name}: {counts[name][0]} queries"
