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
    "allocation:run_compare": 11,
    # The run without its inputs snapshot; on a cold cache the snapshot once more for the table.
    "allocation:run_detail": 25,
    "allocation:run_export_csv": 4,
    "allocation:run_export_xlsx": 17,
    "allocation:run_progress": 3,
    "allocation:scenario_create": 7,
    "allocation:scenario_detail": 10,
    "allocation:scenario_edit": 8,
    "allocation:scenario_list": 7,
    "allocation:sweep_detail": 7,
    "allocation:sweep_export_csv": 4,
    "allocation:sweep_export_xlsx": 4,
    # A page computed anew reads its run's snapshot apart (`shown_run` leaves it out), and a
    # page of a run's frames first reads what the reader's view of the run is (three queries,
    # `run_view_digest`): the frames and what is drawn from them are kept under it.
    "dashboards:explain": 16,
    "dashboards:export_csv": 12,
    "dashboards:export_xlsx": 20,
    "dashboards:map": 16,
    "dashboards:municipality": 21,
    "dashboards:region": 24,
    "dashboards:report": 60,  # with the progress chart (the region dashboard's selector)
    "home": 7,
    "mediation:case": 15,
    "mediation:case_close": 8,
    "mediation:case_create": 6,
    "mediation:case_edit": 15,
    "mediation:case_export": 9,
    "mediation:cases": 14,
    "mediation:meeting": 39,
    "mediation:meetings": 6,
    "mediation:minutes": 44,
    "mediation:minutes_pdf": 43,
    "mediation:minutes_xlsx": 39,
    "mediation:offer_create": 5,
    # One more than before withdrawing existed: which offers a decision placed a case in.
    "mediation:offers": 7,
    "monitoring:agreement": 18,
    "monitoring:agreements_grid": 11,
    "monitoring:dashboard": 30,
    "monitoring:dashboard_export": 13,
    "monitoring:housing_plan": 10,
    "monitoring:inbox": 14,
    "monitoring:municipality_year": 19,
    "monitoring:my_municipality": 11,
    "monitoring:neighbourhoods": 14,
    "monitoring:objection": 15,
    "monitoring:objection_lodge": 12,
    "monitoring:objections": 7,
    "monitoring:quarterly_report": 17,
    "monitoring:realisation": 13,
    "monitoring:realisation_grid": 11,
    "monitoring:realisation_import": 5,
    "monitoring:realisation_import_job": 4,
    "monitoring:realisation_template": 2,
    "municipalities:profile": 15,
    "negotiation:board": 19,
    "negotiation:export": 17,
    "negotiation:presentation": 19,
    "negotiation:replay": 9,
    "negotiation:report": 20,
    "negotiation:session_create": 11,
    "negotiation:session_list": 7,
    "negotiation:state": 15,
    "projects:create": 8,
    "projects:detail": 10,
    "projects:edit": 9,
    "projects:forecast": 11,
    "projects:import": 6,
    "projects:list": 7,
    "projects:municipality": 8,
    "projects:older_people": 15,
    "projects:older_population_import": 6,
    "projects:older_population_template": 2,
    "projects:pie": 16,
    "projects:template": 2,
    "start": 2,
    "target_groups": 7,
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
