"""Who may do what, project-wide: every URL pattern is classified here and tried by every role.

The table ROUTES names each pattern of the project (Django admin excluded: it has its own tests),
says how to build a concrete URL from the module's data, and classifies it:

- PUBLIC: served without login (login, logout, language switch, health, API schema and docs).
- READ_EMPTY: a signed-in user without organisation gets the page, with nothing of the region.
- READ: any member of the region reads it; a user without organisation gets 404.
- WRITE: a member reads it; only the municipality's own civil servants and the project leader
  change what it shows (an outsider, the steering group: 403/404 and nothing changes).
- REGION: only the project leader may (approve, decide, start a run, set a deadline).
- API: /api/v1/, token only: no token, or a session cookie instead of a token, is 401.
- PERSONAL: a role's own first page ("Mijn gemeente", the inbox): each role is given its own,
  with only its own organisation's work; others get 404.
- LANDING: where login sends a user: each role to its own first page, a user without
  organisation to the home page that says so.
- STAFF: the user's own account settings for staff accounts (setting up the second factor):
  staff get the page; every other signed-in user, member or not, gets 404.
- DELEGATION: a member reads the negotiation board; only the delegation of the municipality
  (its civil servants) makes a move for it; everyone else (the project leader as facilitator
  too) is refused and nothing changes.
- OWN: a record of the user who made it (a large import's job page): only they read it; every
  other member, the project leader too, gets 404.
- MEDIATION: the regional mediation table's confidential pages: each route names the roles it
  admits (`allowed`); every other member gets 403/404 and nothing changes. The world's case
  comes from Nijmegen (`outsider`, the sending municipality), the home is Vivare's in
  Westervoort (`owner`, `colleague`: the receiving municipality; `corporation_with_offer`);
  Arnhem (`uninvited`) and the corporation without stock in Westervoort have nothing on the
  agenda.

A new URL pattern makes `test_every_url_pattern_is_classified` fail until it is added here.
The data (the GMR data set, the default scenario, two computed runs, monitoring records of
Westervoort) is built once per module and rolled back at its end; each test rolls back its own
writes.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from io import StringIO
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.views import static

from allocation import services as allocation_services
from allocation.forms import ScenarioEditForm
from allocation.models import AllocationRun, Approval, Scenario, SensitivitySweep
from allocation.selectors import methodology_settings
from allocation.services import DEFAULT_SCENARIO_SLUG
from mediation import services as mediation_services
from mediation.models import Decision as MediationDecision
from mediation.models import Meeting as MediationMeeting
from mediation.models import Offer as MediationOffer
from mediation.models import Placement as MediationPlacement
from monitoring import services as monitoring_services
from monitoring.models import (
    AgreementStatus,
    HousingPlan,
    LocalAgreement,
    Objection,
    ObjectionWindow,
    Realisation,
)
from municipalities.models import CorporationStock, HousingCorporation, Municipality, TargetGroup
from negotiation import services as negotiation_services
from negotiation.models import Bottleneck, RoundKind
from negotiation.models import Session as NegotiationSession
from projects import services as project_services
from projects.models import OlderPopulationForecast, Project
from tests import factories

MEDIATION = "mediation"
PUBLIC, READ_EMPTY, READ, WRITE, REGION, API, DELEGATION, PERSONAL, LANDING, STAFF, OWN = (
    "public",
    "read_empty",
    "read",
    "write",
    "region",
    "api",
    "delegation",
    "personal",
    "landing",
    "staff",
    "own",
)
YEAR = 2026
LOGIN = "/login/"

# The roles of tests/conftest.py, plus a corporation whose stock is only in Nijmegen.
READERS = ["project_leader", "steering_member", "owner", "colleague", "outsider"]
WESTERVOORT_WRITERS = ["project_leader", "owner", "colleague"]
NOT_WESTERVOORT_WRITERS = ["outsider", "steering_member"]
NOT_PROJECT_LEADER = ["owner", "colleague", "outsider", "steering_member"]


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The GMR data, a computed and approved run, a second computed run, monitoring records."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            with override_settings(
                PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]
            ):
                data = _build_world()
            yield data
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def _build_world():
    call_command("load_gmr_data", stdout=StringIO())
    call_command("load_default_scenario", stdout=StringIO())
    westervoort = Municipality.objects.get(cbs_code="GM0293")
    nijmegen = Municipality.objects.get(cbs_code="GM0268")
    region = westervoort.region
    portaal = HousingCorporation.objects.create(name="Alleen Nijmegen", slug="alleen-nijmegen")
    CorporationStock.objects.create(
        corporation=portaal, municipality=nijmegen, dwellings=100, source="test", is_estimate=True
    )
    users = {
        "project_leader": factories.member(
            role="project_leader", region=region, username="projectleider"
        ),
        "steering_member": factories.member(
            role="steering_group", region=region, username="stuurgroep"
        ),
        "owner": factories.member(role="civil_servant", municipality=westervoort, username="alice"),
        "colleague": factories.member(
            role="civil_servant", municipality=westervoort, username="bob"
        ),
        "outsider": factories.member(
            role="civil_servant", municipality=nijmegen, username="charlie"
        ),
        "corporation_outsider": factories.member(
            role="corporation", corporation=portaal, username="portaal-cees"
        ),
        "stranger": factories.UserFactory(username="stranger"),
        "uninvited": factories.member(
            role="civil_servant",
            municipality=Municipality.objects.get(cbs_code="GM0202"),
            username="arnhem-anna",
        ),
    }
    leader, owner = users["project_leader"], users["owner"]

    scenario = Scenario.objects.get(slug=DEFAULT_SCENARIO_SLUG)
    runs = []
    for _ in range(2):
        run = allocation_services.allocation_run_start(user=leader, scenario=scenario)
        runs.append(allocation_services.allocation_run_execute(run_id=run.pk))
    assert [run.status for run in runs] == ["succeeded", "succeeded"]
    approved, unapproved = runs
    allocation_services.allocation_run_approve(user=leader, run=approved)
    sweep = allocation_services.sensitivity_sweep_start(
        user=leader, scenario=scenario, weight_factors=[1.0], cap_shares=[0.3]
    )

    groups = {
        code: TargetGroup.objects.get(code=code) for code in ("statushouders", "uitstroom-bw")
    }
    draft = monitoring_services.local_agreement_save(
        user=owner,
        municipality=westervoort,
        target_group=groups["statushouders"],
        year=YEAR,
        agreed_number=10,
        version=None,
    )
    submitted = monitoring_services.local_agreement_save(
        user=owner,
        municipality=westervoort,
        target_group=groups["uitstroom-bw"],
        year=YEAR,
        agreed_number=4,
        version=None,
    )
    submitted = monitoring_services.local_agreement_transition(
        user=owner, agreement=submitted, step="submit", version=submitted.version
    )
    realisation = monitoring_services.realisation_save(
        user=owner,
        municipality=westervoort,
        target_group=groups["statushouders"],
        year=YEAR,
        quarter=1,
        placements=2,
        version=None,
    )
    plan = monitoring_services.housing_plan_save(
        user=owner,
        municipality=westervoort,
        year=YEAR,
        kind="new_construction",
        planned=40,
        forecast=35,
        delivered=0,
        version=None,
    )
    monitoring_services.objection_window_set(
        user=leader, year=YEAR, deadline=date.today() + timedelta(days=30)
    )
    objection = monitoring_services.objection_lodge(
        user=owner,
        municipality=westervoort,
        target_group=groups["statushouders"],
        year=YEAR,
        reasoning="Te weinig mutaties",
    )
    vivare = HousingCorporation.objects.get(slug="vivare")
    reporter = factories.member(role="corporation", corporation=vivare, username="vivare-melder")
    users["corporation_with_offer"] = reporter
    report, _created = monitoring_services.allocation_report_create(
        user=reporter,
        corporation=vivare,
        municipality=westervoort,
        target_group=groups["uitstroom-bw"],
        date=date(YEAR, 2, 10),
        count=2,
    )
    import_job = monitoring_services.realisation_import_job_start(
        user=owner, filename="groot.csv", content=b"", row_count=3000
    )
    session = negotiation_services.session_create(
        user=leader,
        name="Tafel",
        run=approved,
        level="ambtelijk",
        municipalities=[westervoort, nijmegen],
        observers=[users["steering_member"]],
    )
    negotiation_services.round_open(user=leader, session=session, kind=RoundKind.INSIGHT)
    project = project_services.project_create(
        user=owner, municipality=westervoort, values=_project_values(), phase=("plan", None)
    )
    mediation = _mediation_table(users, region, westervoort, nijmegen, vivare, groups)
    return SimpleNamespace(
        mediation=mediation,
        project=project,
        session=session,
        users=users,
        region=region,
        westervoort=westervoort,
        nijmegen=nijmegen,
        scenario=scenario,
        run=approved,
        unapproved=unapproved,
        sweep=sweep,
        groups=groups,
        draft=draft,
        submitted=submitted,
        realisation=realisation,
        plan=plan,
        objection=objection,
        report=report,
        import_job=import_job,
    )


def _mediation_table(users, region, westervoort, nijmegen, vivare, groups):
    """Two cases of Nijmegen, two homes of Vivare in Westervoort, one meeting: the first case
    placed (awaiting both confirmations), the second still open."""
    today = date.today()
    cases = [
        mediation_services.case_register(
            user=users["outsider"],
            municipality=nijmegen,
            values={
                "number": f"NIJ-{n}",
                "target_group": groups["uitstroom-bw"],
                "adults": 1,
                "children": 1,
                "rooms_min": 2,
                "rent_max": Decimal("850"),
                "ready_from": today - timedelta(days=20),
                "deadline": today + timedelta(days=100),
                "note": "Zorg loopt door.",
            },
            lists={},
        )
        for n in (1, 2)
    ]
    offers = [
        mediation_services.offer_create(
            user=users["corporation_with_offer"],
            corporation=vivare,
            values={
                "municipality": westervoort,
                "rooms": 3,
                "rent": Decimal("700"),
                "available_from": today,
                "valid_until": today + timedelta(days=60),
            },
        )[0]
        for _ in range(2)
    ]
    leader = users["project_leader"]
    meeting = mediation_services.meeting_schedule(user=leader, region=region, on=today)
    decision = mediation_services.decision_record(
        user=leader, meeting=meeting, case=cases[0], outcome="placed", offer=offers[0]
    )
    return SimpleNamespace(
        case=cases[0],
        open_case=cases[1],
        meeting=meeting,
        placement=decision.placement,
        offer=offers[1],
    )


def _confirmations(w):
    placement = MediationPlacement.objects.get(pk=w.mediation.placement.pk)
    return (placement.municipality_confirmed_at, placement.corporation_confirmed_at)


# ---- how each pattern is reached, and what a permitted POST would change ----------------------


def _edit_form_data(w):
    """A valid POST of the scenario editor: its current values, with a new name."""
    scenario = Scenario.objects.get(pk=w.scenario.pk)
    form = ScenarioEditForm(scenario=scenario, settings=methodology_settings(scenario.methodology))
    data = {}
    for name in form.fields:
        value = form[name].value()
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif value is not None:
            data[name] = value
    return data | {"name": "Hernoemd scenario"}


def _realisation_upload(w):
    body = f"gemeente,aandachtsgroep,jaar,kwartaal,plaatsingen\nGM0293,statushouders,{YEAR},1,9\n"
    return {"file": SimpleUploadedFile("realisatie.csv", body.encode(), "text/csv")}


def _project_values(**overrides):
    values = {
        "name": "Hof van Westervoort",
        "kind": "clustered_older",
        "homes_total": 30,
        "social_rent": 20,
        "mid_rent": 6,
        "owner_occupied": 4,
        "zero_step": 10,
        "clustered": 20,
        "nursing_care": 0,
        "plan_year": YEAR - 1,
        "expected_delivery_year": YEAR + 1,
    }
    return values | overrides


def _project_form(w, **overrides):
    data = {k: v for k, v in _project_values(**overrides).items()}
    return data | {"neighbourhood_code": "", "developer": "", "corporation": ""}


def _project_upload(w):
    body = (
        "gemeente,naam,soort,woningen_totaal,sociale_huur,fase,planjaar,opleverjaar\n"
        f"GM0293,Geimporteerd,new_construction,8,8,plan,{YEAR},{YEAR + 2}\n"
    )
    return {"file": SimpleUploadedFile("projecten.csv", body.encode(), "text/csv")}


def _older_population_upload(w):
    body = (
        "gemeente,jaar,inwoners,inwoners_75plus,inwoners_85plus,bron\n"
        "GM0293,2030,15200,1480,340,Prognose\n"
    )
    return {"file": SimpleUploadedFile("prognose.csv", body.encode(), "text/csv")}


@dataclass(frozen=True)
class Route:
    kind: str
    url: Callable  # world -> the concrete URL (path and query)
    get: bool = True  # False: the view answers POST only
    post: Callable | None = None  # world -> a valid payload of its write, if it writes
    state: Callable | None = None  # world -> what that write changes (compared before/after)
    westervoort: bool = False  # the page is about a record of Westervoort
    session: bool = False  # a negotiation session's page: only the session's audience reads it
    denied: frozenset = field(default=frozenset({403, 404}))  # a refused writer's status
    allowed: frozenset = field(default=frozenset())  # MEDIATION: the roles it admits


def _url(path):
    return lambda w: path


# Who reads a case and its meeting: the project leader, the sending municipality (Nijmegen), the
# receiving one (Westervoort) and the corporation with a home on the agenda.
TABLE_MEMBERS = frozenset(
    {"project_leader", "owner", "colleague", "outsider", "corporation_with_offer"}
)
MEDIATION_ROLES = [
    "project_leader",
    "owner",
    "colleague",
    "outsider",
    "uninvited",
    "corporation_with_offer",
    "corporation_outsider",
    "steering_member",
]


ROUTES = {
    # Project-level
    "home": Route(READ_EMPTY, _url("/")),
    "start": Route(LANDING, _url("/start/")),
    "healthz": Route(PUBLIC, _url("/healthz")),
    "readyz": Route(PUBLIC, _url("/readyz")),
    "login": Route(PUBLIC, _url("/login/")),
    "logout": Route(PUBLIC, _url("/logout/"), get=False, post=lambda w: {}),
    "set_language": Route(
        PUBLIC, _url("/i18n/setlang/"), get=False, post=lambda w: {"language": "en"}
    ),
    "target_groups": Route(READ_EMPTY, _url("/aandachtsgroepen/")),
    "second_factor": Route(STAFF, _url("/account/tweestapsverificatie/")),
    # API (deep matrices in tests/api)
    "api-schema": Route(PUBLIC, _url("/api/v1/schema/")),
    "api-docs": Route(PUBLIC, _url("/api/v1/docs/")),
    "api-municipality-list": Route(API, _url("/api/v1/municipalities/")),
    "api-municipality-detail": Route(API, _url("/api/v1/municipalities/GM0293/")),
    "api-target-group-list": Route(API, _url("/api/v1/target-groups/")),
    "api-target-group-detail": Route(API, _url("/api/v1/target-groups/statushouders/")),
    "api-target-list": Route(API, _url("/api/v1/targets/")),
    "api-neighbourhood-list": Route(API, _url("/api/v1/neighbourhoods/")),
    "api-neighbourhood-detail": Route(API, _url("/api/v1/neighbourhoods/WK029300/")),
    "api-neighbourhood-concentration-list": Route(
        API, _url("/api/v1/neighbourhood-concentration/")
    ),
    "api-agreement-list": Route(API, _url("/api/v1/agreements/")),
    "api-agreement-detail": Route(API, lambda w: f"/api/v1/agreements/{w.draft.pk}/"),
    "api-realisation-list": Route(API, _url("/api/v1/realisation/")),
    "api-allocation-list": Route(API, _url("/api/v1/allocations/")),
    "api-allocation-detail": Route(API, lambda w: f"/api/v1/allocations/{w.report.pk}/"),
    "api-mediation-offer-list": Route(API, _url("/api/v1/mediation-offers/")),
    "api-mediation-offer-detail": Route(
        API, lambda w: f"/api/v1/mediation-offers/{w.mediation.offer.pk}/"
    ),
    "api-mediation-offer-withdraw": Route(
        API, lambda w: f"/api/v1/mediation-offers/{w.mediation.offer.pk}/withdraw/"
    ),
    "api-negotiation-session-list": Route(API, _url("/api/v1/negotiation-sessions/")),
    "api-negotiation-session-detail": Route(
        API, lambda w: f"/api/v1/negotiation-sessions/{w.session.pk}/"
    ),
    "api-building-block-list": Route(API, _url("/api/v1/building-blocks/")),
    "api-building-block-detail": Route(API, _url("/api/v1/building-blocks/1/")),
    "api-project-list": Route(API, _url("/api/v1/projects/")),
    "api-project-detail": Route(API, lambda w: f"/api/v1/projects/{w.project.pk}/"),
    "api-older-people-list": Route(API, _url("/api/v1/older-people/")),
    "api-older-people-detail": Route(API, _url("/api/v1/older-people/GM0293/")),
    # Municipalities
    "municipalities:profile": Route(READ, _url("/gemeenten/westervoort/"), westervoort=True),
    # Allocation
    "allocation:scenario_list": Route(READ, _url("/verdeling/")),
    "allocation:scenario_create": Route(
        REGION,
        _url("/verdeling/scenario/nieuw/"),
        post=lambda w: {
            "name": "Nieuw scenario",
            "base_methodology": w.scenario.methodology_id,
            "first_year": 2025,
            "last_year": 2026,
            "data_year": 2024,
        },
        state=lambda w: Scenario.objects.count(),
    ),
    "allocation:scenario_detail": Route(READ, lambda w: f"/verdeling/scenario/{w.scenario.slug}/"),
    "allocation:scenario_edit": Route(
        REGION,
        lambda w: f"/verdeling/scenario/{w.scenario.slug}/bewerken/",
        post=_edit_form_data,
        state=lambda w: Scenario.objects.get(pk=w.scenario.pk).name,
    ),
    "allocation:scenario_preview": Route(
        REGION,
        lambda w: f"/verdeling/scenario/{w.scenario.slug}/voorbeeld/",
        get=False,
        post=_edit_form_data,
    ),
    "allocation:run_start": Route(
        REGION,
        lambda w: f"/verdeling/scenario/{w.scenario.slug}/starten/",
        get=False,
        post=lambda w: {},
        state=lambda w: AllocationRun.objects.count(),
    ),
    "allocation:sweep_start": Route(
        REGION,
        lambda w: f"/verdeling/scenario/{w.scenario.slug}/gevoeligheid/",
        get=False,
        post=lambda w: {"weight_factors": "1", "cap_shares": "0.25"},
        state=lambda w: SensitivitySweep.objects.count(),
    ),
    "allocation:run_detail": Route(READ, lambda w: f"/verdeling/run/{w.run.pk}/"),
    "allocation:run_progress": Route(READ, lambda w: f"/verdeling/run/{w.run.pk}/voortgang/"),
    "allocation:run_approve": Route(
        REGION,
        lambda w: f"/verdeling/run/{w.unapproved.pk}/goedkeuren/",
        get=False,
        post=lambda w: {"bevestigd": "1"},
        state=lambda w: Approval.objects.filter(run=w.unapproved).count(),
    ),
    "allocation:run_export_csv": Route(READ, lambda w: f"/verdeling/run/{w.run.pk}/export.csv"),
    "allocation:run_export_xlsx": Route(READ, lambda w: f"/verdeling/run/{w.run.pk}/export.xlsx"),
    "allocation:run_compare": Route(
        READ, lambda w: f"/verdeling/vergelijk/?basis={w.run.pk}&andere={w.unapproved.pk}"
    ),
    "allocation:sweep_detail": Route(READ, lambda w: f"/verdeling/gevoeligheid/{w.sweep.pk}/"),
    "allocation:sweep_export_csv": Route(
        READ, lambda w: f"/verdeling/gevoeligheid/{w.sweep.pk}/export.csv"
    ),
    "allocation:sweep_export_xlsx": Route(
        READ, lambda w: f"/verdeling/gevoeligheid/{w.sweep.pk}/export.xlsx"
    ),
    # Monitoring
    "monitoring:dashboard": Route(READ, _url(f"/monitoring/?jaar={YEAR}&kwartaal=2")),
    "monitoring:my_municipality": Route(PERSONAL, _url(f"/monitoring/mijn-gemeente/?jaar={YEAR}")),
    "monitoring:inbox": Route(PERSONAL, _url("/monitoring/inbox/")),
    "monitoring:dashboard_export": Route(READ, _url(f"/monitoring/export.csv?jaar={YEAR}")),
    "monitoring:quarterly_report": Route(READ, _url(f"/monitoring/rapportage/?jaar={YEAR}")),
    "monitoring:municipality_year": Route(
        READ, _url(f"/monitoring/gemeente/westervoort/{YEAR}/"), westervoort=True
    ),
    "monitoring:neighbourhoods": Route(
        READ, _url(f"/monitoring/gemeente/westervoort/wijken/?jaar={YEAR}"), westervoort=True
    ),
    "monitoring:agreement": Route(
        WRITE,
        _url(f"/monitoring/gemeente/westervoort/{YEAR}/afspraak/statushouders/"),
        post=lambda w: {"agreed_number": 12, "version": w.draft.version},
        state=lambda w: LocalAgreement.objects.get(pk=w.draft.pk).agreed_number,
        westervoort=True,
    ),
    "monitoring:agreement_step": Route(
        REGION,
        _url(f"/monitoring/gemeente/westervoort/{YEAR}/afspraak/uitstroom-bw/status/"),
        get=False,
        post=lambda w: {"step": "approve", "version": w.submitted.version},
        state=lambda w: LocalAgreement.objects.get(pk=w.submitted.pk).status,
        westervoort=True,
        # The owner may take other steps of this agreement: the view redirects with the
        # service's refusal as a message instead of answering 403.
        denied=frozenset({302, 403, 404}),
    ),
    "monitoring:agreements_grid": Route(
        WRITE,
        _url(f"/monitoring/gemeente/westervoort/{YEAR}/afspraken/"),
        post=lambda w: {
            "c-statushouders": 12,
            "o-statushouders": w.draft.agreed_number,
            "v-statushouders": w.draft.version,
        },
        state=lambda w: LocalAgreement.objects.get(pk=w.draft.pk).agreed_number,
        westervoort=True,
    ),
    "monitoring:realisation_grid": Route(
        WRITE,
        _url(f"/monitoring/gemeente/westervoort/{YEAR}/realisatie/"),
        post=lambda w: {
            "c-statushouders-1": 7,
            "o-statushouders-1": w.realisation.placements,
            "v-statushouders-1": w.realisation.version,
        },
        state=lambda w: Realisation.objects.get(pk=w.realisation.pk).placements,
        westervoort=True,
    ),
    "monitoring:realisation": Route(
        WRITE,
        _url(f"/monitoring/gemeente/westervoort/{YEAR}/realisatie/statushouders/1/"),
        post=lambda w: {"placements": 7, "version": w.realisation.version},
        state=lambda w: Realisation.objects.get(pk=w.realisation.pk).placements,
        westervoort=True,
    ),
    "monitoring:housing_plan": Route(
        WRITE,
        _url(f"/monitoring/gemeente/westervoort/{YEAR}/woningbouw/new_construction/"),
        post=lambda w: {"planned": 50, "forecast": 45, "delivered": 1, "version": w.plan.version},
        state=lambda w: HousingPlan.objects.get(pk=w.plan.pk).planned,
        westervoort=True,
    ),
    "monitoring:realisation_import": Route(
        WRITE,
        _url("/monitoring/realisatie/import/"),
        post=_realisation_upload,
        state=lambda w: Realisation.objects.get(pk=w.realisation.pk).placements,
        # An outsider's file is refused row by row (400, naming Westervoort); the steering
        # group does not import at all (404).
        denied=frozenset({400, 403, 404}),
    ),
    "monitoring:realisation_import_job": Route(
        OWN, lambda w: f"/monitoring/realisatie/import/{w.import_job.pk}/"
    ),
    "monitoring:realisation_template": Route(READ, _url("/monitoring/realisatie/sjabloon.csv")),
    "monitoring:objections": Route(
        REGION,
        _url("/monitoring/bezwaren/"),
        post=lambda w: {"year": YEAR + 1, "deadline": f"{YEAR + 1}-03-01"},
        state=lambda w: ObjectionWindow.objects.filter(year=YEAR + 1).count(),
    ),
    "monitoring:objection_lodge": Route(
        WRITE,
        _url("/monitoring/bezwaren/nieuw/westervoort/"),
        post=lambda w: {"year": YEAR, "reasoning": "Nog een bezwaar"},
        state=lambda w: Objection.objects.filter(municipality=w.westervoort).count(),
        westervoort=True,
    ),
    "monitoring:objection": Route(
        REGION,
        lambda w: f"/monitoring/bezwaren/{w.objection.pk}/",
        post=lambda w: {"accepted": "0", "reason": "Niet onderbouwd", "confirm": "on"},
        state=lambda w: Objection.objects.get(pk=w.objection.pk).status,
        westervoort=True,
    ),
    # Dashboards
    "dashboards:region": Route(READ, _url("/dashboard/")),
    "dashboards:explain": Route(
        READ,
        lambda w: f"/dashboard/waarom/{w.run.pk}/westervoort/statushouders/{YEAR}/",
        westervoort=True,
    ),
    "dashboards:municipality": Route(
        READ, _url("/dashboard/gemeente/westervoort/"), westervoort=True
    ),
    "dashboards:map": Route(READ, _url("/dashboard/kaart/")),
    "dashboards:report": Route(READ, _url("/dashboard/rapport/")),
    "dashboards:export_xlsx": Route(READ, _url("/dashboard/export/ijktabel.xlsx")),
    "dashboards:export_csv": Route(READ, _url("/dashboard/export/ijktabel.csv")),
    # The negotiation table
    "negotiation:session_list": Route(READ, _url("/onderhandeling/")),
    "negotiation:session_create": Route(
        REGION,
        _url("/onderhandeling/nieuw/"),
        post=lambda w: {
            "name": "Nog een tafel",
            "run": w.run.pk,
            "level": "bestuurlijk",
            "municipalities": [w.westervoort.pk, w.nijmegen.pk],
            "fairness_band": "0.25",
        },
        state=lambda w: NegotiationSession.objects.count(),
    ),
    "negotiation:board": Route(READ, lambda w: f"/onderhandeling/{w.session.pk}/", session=True),
    "negotiation:state": Route(
        READ, lambda w: f"/onderhandeling/{w.session.pk}/stand.json", session=True
    ),
    "negotiation:presentation": Route(
        READ, lambda w: f"/onderhandeling/{w.session.pk}/presentatie/", session=True
    ),
    "negotiation:replay": Route(
        READ, lambda w: f"/onderhandeling/{w.session.pk}/terugkijken/", session=True
    ),
    "negotiation:report": Route(
        READ, lambda w: f"/onderhandeling/{w.session.pk}/verslag/", session=True
    ),
    "negotiation:export": Route(
        READ, lambda w: f"/onderhandeling/{w.session.pk}/uitkomst.xlsx", session=True
    ),
    "negotiation:move": Route(
        DELEGATION,
        lambda w: f"/onderhandeling/{w.session.pk}/zet/",
        get=False,
        post=lambda w: {
            "move": "bottleneck",
            "municipality": w.westervoort.pk,
            "group": w.groups["statushouders"].pk,
            "reason": "no_care",
        },
        state=lambda w: Bottleneck.objects.filter(session=w.session).count(),
    ),
    "negotiation:facilitate": Route(
        REGION,
        lambda w: f"/onderhandeling/{w.session.pk}/leiding/",
        get=False,
        post=lambda w: {"action": "close", "round": "inzicht"},
        state=lambda w: (
            NegotiationSession.objects.get(pk=w.session.pk).rounds.get(kind="inzicht").closed_at
        ),
    ),
    # The project pipeline
    "projects:list": Route(READ, _url("/projecten/")),
    "projects:municipality": Route(
        READ, _url("/projecten/gemeente/westervoort/"), westervoort=True
    ),
    "projects:detail": Route(READ, lambda w: f"/projecten/{w.project.pk}/", westervoort=True),
    "projects:create": Route(
        WRITE,
        _url("/projecten/gemeente/westervoort/nieuw/"),
        post=lambda w: _project_form(w, name="Nieuw project"),
        state=lambda w: Project.objects.count(),
        westervoort=True,
    ),
    "projects:edit": Route(
        WRITE,
        lambda w: f"/projecten/{w.project.pk}/bewerken/",
        post=lambda w: _project_form(w, name="Hernoemd") | {"version": w.project.version},
        state=lambda w: Project.objects.get(pk=w.project.pk).name,
        westervoort=True,
    ),
    "projects:phase": Route(
        WRITE,
        lambda w: f"/projecten/{w.project.pk}/fase/",
        get=False,
        post=lambda w: {"version": w.project.version, "phase": "permit", "on": f"{YEAR}-02-01"},
        state=lambda w: Project.objects.get(pk=w.project.pk).phase,
        westervoort=True,
    ),
    "projects:import": Route(
        WRITE,
        _url("/projecten/import/"),
        post=_project_upload,
        state=lambda w: Project.objects.count(),
        denied=frozenset({400, 403, 404}),
    ),
    "projects:template": Route(READ, _url("/projecten/sjabloon.xlsx")),
    "projects:forecast": Route(READ, _url("/projecten/prognose/")),
    "projects:older_people": Route(READ, _url("/projecten/ouderen/")),
    "projects:pie": Route(READ, _url("/projecten/taart-vergroten/")),
    "projects:older_population_import": Route(
        WRITE,
        _url("/projecten/ouderen/import/"),
        post=_older_population_upload,
        state=lambda w: OlderPopulationForecast.objects.count(),
        denied=frozenset({400, 403, 404}),
    ),
    "projects:older_population_template": Route(READ, _url("/projecten/ouderen/sjabloon.csv")),
    # The mediation table (deep tests in tests/mediation)
    "mediation:cases": Route(READ, _url("/bemiddeling/")),
    "mediation:offers": Route(READ, _url("/bemiddeling/woningen/")),
    "mediation:meetings": Route(READ, _url("/bemiddeling/overleggen/")),
    "mediation:case_create": Route(
        MEDIATION,
        _url("/bemiddeling/casus/nieuw/"),
        allowed=frozenset({"project_leader", "owner", "colleague", "outsider", "uninvited"}),
    ),
    "mediation:case": Route(
        MEDIATION,
        lambda w: f"/bemiddeling/casus/{w.mediation.case.pk}/",
        allowed=TABLE_MEMBERS,
    ),
    "mediation:case_edit": Route(
        MEDIATION,
        lambda w: f"/bemiddeling/casus/{w.mediation.open_case.pk}/wijzigen/",
        allowed=frozenset({"project_leader", "outsider"}),
    ),
    "mediation:case_close": Route(
        MEDIATION,
        lambda w: f"/bemiddeling/casus/{w.mediation.open_case.pk}/sluiten/",
        allowed=frozenset({"project_leader", "outsider"}),
    ),
    "mediation:case_export": Route(
        MEDIATION,
        lambda w: f"/bemiddeling/casus/{w.mediation.case.pk}/gegevens.json",
        allowed=frozenset({"project_leader", "outsider"}),
    ),
    "mediation:offer_create": Route(
        MEDIATION,
        _url("/bemiddeling/woningen/nieuw/"),
        allowed=frozenset({"corporation_with_offer", "corporation_outsider"}),
    ),
    "mediation:offer_withdraw": Route(
        MEDIATION,
        lambda w: f"/bemiddeling/woningen/{w.mediation.offer.pk}/intrekken/",
        get=False,
        post=lambda w: {},
        state=lambda w: MediationOffer.objects.get(pk=w.mediation.offer.pk).status,
        allowed=frozenset({"project_leader", "corporation_with_offer"}),
    ),
    "mediation:meeting_schedule": Route(
        MEDIATION,
        _url("/bemiddeling/overleggen/nieuw/"),
        get=False,
        post=lambda w: {"date": date.today().isoformat()},
        state=lambda w: MediationMeeting.objects.count(),
        allowed=frozenset({"project_leader"}),
    ),
    "mediation:meeting": Route(
        MEDIATION,
        lambda w: f"/bemiddeling/overleggen/{w.mediation.meeting.pk}/",
        allowed=TABLE_MEMBERS,
    ),
    "mediation:meeting_refresh": Route(
        MEDIATION,
        lambda w: f"/bemiddeling/overleggen/{w.mediation.meeting.pk}/agenda-bijwerken/",
        get=False,
        post=lambda w: {},
        allowed=frozenset({"project_leader"}),
    ),
    "mediation:decision": Route(
        MEDIATION,
        lambda w: (
            f"/bemiddeling/overleggen/{w.mediation.meeting.pk}/besluit/{w.mediation.open_case.pk}/"
        ),
        get=False,
        post=lambda w: {"outcome": "postponed", "reason": "Zorg nog niet rond"},
        state=lambda w: MediationDecision.objects.count(),
        allowed=frozenset({"project_leader"}),
    ),
    "mediation:minutes": Route(
        MEDIATION,
        lambda w: f"/bemiddeling/overleggen/{w.mediation.meeting.pk}/verslag/",
        allowed=TABLE_MEMBERS,
    ),
    "mediation:minutes_xlsx": Route(
        MEDIATION,
        lambda w: f"/bemiddeling/overleggen/{w.mediation.meeting.pk}/verslag.xlsx",
        allowed=TABLE_MEMBERS,
    ),
    "mediation:minutes_pdf": Route(
        MEDIATION,
        lambda w: f"/bemiddeling/overleggen/{w.mediation.meeting.pk}/verslag.pdf",
        allowed=TABLE_MEMBERS,
    ),
    "mediation:confirm": Route(
        MEDIATION,
        lambda w: f"/bemiddeling/plaatsingen/{w.mediation.placement.pk}/bevestigen/",
        get=False,
        post=lambda w: {},
        state=_confirmations,
        allowed=frozenset({"owner", "colleague", "corporation_with_offer"}),
    ),
}

# Which pages a region-only action shows to other members: these GETs are reads.
REGION_PAGES_READ_BY_MEMBERS = {"monitoring:objections", "monitoring:objection"}
# Write pages that are also the record's read page: an outsider reads them, without a form.
WRITE_PAGES_READ_BY_MEMBERS = {
    "monitoring:agreement",
    "monitoring:realisation",
    "monitoring:housing_plan",
}
# The upload forms: every civil servant imports (their own municipality's rows), the steering
# group does not.
IMPORTS = (
    "monitoring:realisation_import",
    "projects:import",
    "projects:older_population_import",
)
IMPORTERS = ["project_leader", "owner", "colleague", "outsider"]


def _names(kind=None, **flags):
    return [
        name
        for name, route in ROUTES.items()
        if (kind is None or route.kind in (kind if isinstance(kind, tuple) else (kind,)))
        and all(getattr(route, flag) == value for flag, value in flags.items())
    ]


HTML = (READ, WRITE, REGION, DELEGATION, PERSONAL, OWN, MEDIATION)


# ---- the table covers the project ---------------------------------------------------------------


def _patterns(patterns, namespaces=()):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = (*namespaces, pattern.namespace) if pattern.namespace else namespaces
            yield from _patterns(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            yield ":".join((*namespaces, pattern.name or f"<unnamed {pattern.pattern}>")), pattern


def project_patterns():
    """Every URL pattern's full name, except the Django admin's and static file serving."""
    return {
        name
        for name, pattern in _patterns(get_resolver().url_patterns)
        if not name.startswith("admin:") and pattern.callback is not static.serve
    }


def test_every_url_pattern_is_classified():
    """A new view must be added to ROUTES (and so to this matrix) before the suite passes."""
    patterns = project_patterns()

    assert sorted(patterns - set(ROUTES)) == [], "URL patterns missing from ROUTES"
    assert sorted(set(ROUTES) - patterns) == [], "ROUTES names patterns that no longer exist"


@pytest.mark.django_db
@pytest.mark.parametrize("name", list(ROUTES))
def test_each_table_url_reaches_its_own_pattern(world, name):
    path = ROUTES[name].url(world).split("?")[0]

    assert resolve(path).view_name == name


# ---- clients --------------------------------------------------------------------------------


@pytest.fixture
def as_user(client, world):
    def login(role):
        if role != "anonymous":
            client.force_login(world.users[role])
        return client

    return login


def _request(client, world, name, method):
    route = ROUTES[name]
    if method == "get":
        return client.get(route.url(world))
    return client.post(route.url(world), route.post(world) if route.post else {})


def _primary_method(name):
    return "get" if ROUTES[name].get else "post"


def _state(world, name):
    route = ROUTES[name]
    return route.state(world) if route.state else None


def _act(world, client, name, method):
    """The response to one request, and whether the route's record changed because of it."""
    before = _state(world, name)
    response = _request(client, world, name, method)
    return response, _state(world, name) != before


# ---- anonymous visitors ------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("name", _names((READ_EMPTY, LANDING, STAFF, *HTML)))
def test_anonymous_visitor_is_sent_to_login(world, as_user, name):
    url = ROUTES[name].url(world)
    response, changed = _act(world, as_user("anonymous"), name, _primary_method(name))

    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == LOGIN
    assert parse_qs(location.query)["next"] == [url]
    assert not changed


@pytest.mark.django_db
@pytest.mark.parametrize("name", _names(PUBLIC))
def test_public_route_serves_an_anonymous_visitor(world, as_user, name):
    response = _request(as_user("anonymous"), world, name, _primary_method(name))

    assert response.status_code in (200, 302)
    assert not response.get("Location", "").startswith(LOGIN) or name == "logout"


# ---- a signed-in user without organisation --------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("name", _names(HTML))
def test_user_without_organisation_gets_404(world, as_user, name):
    response, changed = _act(world, as_user("stranger"), name, _primary_method(name))

    assert response.status_code == 404
    assert not changed


@pytest.mark.django_db
@pytest.mark.parametrize("name", _names((WRITE, REGION), get=True))
def test_user_without_organisation_cannot_post_either(world, as_user, name):
    response, changed = _act(world, as_user("stranger"), name, "post")

    assert response.status_code == 404
    assert not changed


@pytest.mark.django_db
@pytest.mark.parametrize("name", _names(READ_EMPTY))
def test_user_without_organisation_sees_an_empty_landing_page(world, as_user, name):
    response = _request(as_user("stranger"), world, name, "get")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Westervoort" not in html
    assert "Statushouders" not in html


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["stranger", *READERS, "corporation_outsider"])
@pytest.mark.parametrize("name", _names(STAFF))
def test_staff_pages_are_for_staff_accounts_only(world, as_user, name, role):
    client = as_user(role)
    assert _request(client, world, name, "get").status_code == 404

    user = world.users[role]
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    try:
        assert _request(client, world, name, "get").status_code == 200
    finally:
        user.is_staff = False
        user.save(update_fields=["is_staff"])


# ---- members reading -----------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("role", READERS)
@pytest.mark.parametrize(
    "name",
    _names((READ_EMPTY, READ))
    + sorted(WRITE_PAGES_READ_BY_MEMBERS)
    + sorted(REGION_PAGES_READ_BY_MEMBERS),
)
def test_member_reads(world, as_user, name, role):
    response = _request(as_user(role), world, name, "get")

    assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("name", _names(HTML, westervoort=True))
def test_corporation_without_stock_in_westervoort_gets_404_on_its_records(world, as_user, name):
    response, changed = _act(world, as_user("corporation_outsider"), name, _primary_method(name))

    assert response.status_code == 404
    assert not changed


# ---- writes of a municipality's own records ---------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("role", WESTERVOORT_WRITERS)
@pytest.mark.parametrize("name", _names(WRITE))
def test_westervoort_writer_changes_the_record(world, as_user, name, role):
    response, changed = _act(world, as_user(role), name, "post")

    assert response.status_code in (200, 302), response.content[:500]
    assert response.status_code == 302, "the write was not accepted"
    assert changed


@pytest.mark.django_db
@pytest.mark.parametrize("role", NOT_WESTERVOORT_WRITERS)
@pytest.mark.parametrize("name", _names(WRITE))
def test_others_cannot_change_westervoort(world, as_user, name, role):
    response, changed = _act(world, as_user(role), name, "post")

    assert response.status_code in ROUTES[name].denied
    assert not changed


@pytest.mark.django_db
@pytest.mark.parametrize("role", NOT_WESTERVOORT_WRITERS)
@pytest.mark.parametrize("name", sorted(WRITE_PAGES_READ_BY_MEMBERS))
def test_others_read_westervoort_records_without_a_form(world, as_user, name, role):
    response = _request(as_user(role), world, name, "get")

    assert response.status_code == 200
    assert response.context["form"] is None


@pytest.mark.django_db
@pytest.mark.parametrize("role", NOT_WESTERVOORT_WRITERS)
@pytest.mark.parametrize(
    "name",
    [n for n in _names(WRITE, get=True) if n not in WRITE_PAGES_READ_BY_MEMBERS | set(IMPORTS)],
)
def test_others_do_not_get_westervoort_write_pages(world, as_user, name, role):
    response = _request(as_user(role), world, name, "get")

    assert response.status_code in (403, 404)


@pytest.mark.django_db
@pytest.mark.parametrize("name", IMPORTS)
@pytest.mark.parametrize("role", [*IMPORTERS, "steering_member"])
def test_import_forms_are_for_civil_servants_and_the_project_leader(world, as_user, role, name):
    response = _request(as_user(role), world, name, "get")

    assert response.status_code == (200 if role in IMPORTERS else 404)


# ---- a user's own records: only they read them -------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("role", [*READERS, "corporation_outsider"])
@pytest.mark.parametrize("name", _names(OWN))
def test_only_the_user_who_made_it_reads_their_own_record(world, as_user, name, role):
    response = _request(as_user(role), world, name, "get")

    assert response.status_code == (200 if role == "owner" else 404)


# ---- the negotiation table: a delegation moves only for its own municipality -----------------


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["owner", "colleague"])
@pytest.mark.parametrize("name", _names(DELEGATION))
def test_delegation_moves_for_its_municipality(world, as_user, name, role):
    response, changed = _act(world, as_user(role), name, "post")

    assert response.status_code == 302
    assert changed


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["outsider", "steering_member", "project_leader"])
@pytest.mark.parametrize("name", _names(DELEGATION))
def test_no_one_else_moves_for_a_delegation(world, as_user, name, role):
    response, changed = _act(world, as_user(role), name, "post")

    assert response.status_code == 403
    assert not changed


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "admitted"),
    [
        ("project_leader", True),
        ("steering_member", True),
        ("owner", True),
        ("outsider", True),
        ("corporation_outsider", False),
        ("stranger", False),
        ("anonymous", False),
    ],
)
def test_board_socket_admits_members_only(world, role, admitted, monkeypatch):
    """The live board's websocket checks the session's permission on connect."""
    import channels.db
    from asgiref.sync import async_to_sync
    from channels.routing import URLRouter
    from channels.testing import WebsocketCommunicator
    from django.contrib.auth.models import AnonymousUser

    from negotiation.routing import websocket_urlpatterns

    async def connect():
        communicator = WebsocketCommunicator(
            URLRouter(websocket_urlpatterns), f"/ws/onderhandeling/{world.session.pk}/"
        )
        communicator.scope["user"] = AnonymousUser() if role == "anonymous" else world.users[role]
        connected, _code = await communicator.connect()
        await communicator.disconnect()
        return connected

    # The module's data lives in one open transaction on this test's connection; Channels would
    # close that connection as older than CONN_MAX_AGE (PostgreSQL) before each database call.
    monkeypatch.setattr(channels.db, "close_old_connections", lambda: None)
    assert async_to_sync(connect)() is admitted


@pytest.fixture
def region_outsiders(world):
    """Members of the region without a seat or a chair at the session: a corporation that is no
    observer, a civil servant of a municipality that does not take part."""
    duiven = Municipality.objects.get(cbs_code="GM0226")
    return {
        "corporation_outsider": world.users["corporation_outsider"],
        "duiven": factories.member(role="civil_servant", municipality=duiven, username="dirk"),
    }


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["corporation_outsider", "duiven"])
@pytest.mark.parametrize("name", [*_names(session=True), "negotiation:move"])
def test_session_is_hidden_from_region_members_outside_it(
    world, client, region_outsiders, name, who
):
    client.force_login(region_outsiders[who])
    response, changed = _act(world, client, name, _primary_method(name))

    assert response.status_code == 404
    assert not changed
    listing = client.get("/onderhandeling/").content.decode()
    assert f"/onderhandeling/{world.session.pk}/" not in listing


@pytest.mark.django_db
@pytest.mark.parametrize("name", _names(session=True))
def test_an_observer_reads_the_session_but_cannot_act(world, client, name):
    observer = world.users["corporation_outsider"]
    world.session.observers.add(observer)
    client.force_login(observer)

    assert _request(client, world, name, "get").status_code == 200
    for action in ("negotiation:move", "negotiation:facilitate"):
        response, changed = _act(world, client, action, "post")
        assert response.status_code == 403
        assert not changed


@pytest.mark.django_db
def test_board_socket_refuses_a_region_member_outside_the_session(
    world, region_outsiders, monkeypatch
):
    import channels.db
    from asgiref.sync import async_to_sync
    from channels.routing import URLRouter
    from channels.testing import WebsocketCommunicator

    from negotiation.routing import websocket_urlpatterns

    async def connect(user):
        communicator = WebsocketCommunicator(
            URLRouter(websocket_urlpatterns), f"/ws/onderhandeling/{world.session.pk}/"
        )
        communicator.scope["user"] = user
        connected, _code = await communicator.connect()
        await communicator.disconnect()
        return connected

    monkeypatch.setattr(channels.db, "close_old_connections", lambda: None)
    assert async_to_sync(connect)(region_outsiders["duiven"]) is False
    world.session.observers.add(region_outsiders["duiven"])
    assert async_to_sync(connect)(region_outsiders["duiven"]) is True


# ---- region-only actions ------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("name", _names(REGION))
def test_project_leader_takes_region_actions(world, as_user, name):
    response, changed = _act(world, as_user("project_leader"), name, "post")

    assert response.status_code in (200, 302), response.content[:500]
    if ROUTES[name].state:
        assert response.status_code == 302, "the action was not accepted"
        assert changed


@pytest.mark.django_db
@pytest.mark.parametrize("role", NOT_PROJECT_LEADER)
@pytest.mark.parametrize("name", _names(REGION))
def test_only_the_project_leader_takes_region_actions(world, as_user, name, role):
    response, changed = _act(world, as_user(role), name, "post")

    assert response.status_code in ROUTES[name].denied
    assert not changed


@pytest.mark.django_db
@pytest.mark.parametrize("role", NOT_PROJECT_LEADER)
@pytest.mark.parametrize(
    "name", [n for n in _names(REGION, get=True) if n not in REGION_PAGES_READ_BY_MEMBERS]
)
def test_region_only_pages_are_refused_to_other_members(world, as_user, name, role):
    response = _request(as_user(role), world, name, "get")

    assert response.status_code in (403, 404)


@pytest.mark.django_db
@pytest.mark.parametrize("role", NOT_PROJECT_LEADER)
@pytest.mark.parametrize("name", sorted(REGION_PAGES_READ_BY_MEMBERS))
def test_region_action_pages_show_other_members_no_action_form(world, as_user, name, role):
    response = _request(as_user(role), world, name, "get")

    assert response.status_code == 200
    form = "window_form" if name == "monitoring:objections" else "form"
    assert response.context[form] is None


# ---- the API: token only ------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["anonymous", "stranger", "owner", "project_leader"])
@pytest.mark.parametrize("name", _names(API))
def test_api_refuses_callers_without_a_token(world, as_user, name, role):
    """The API authenticates by token only: neither no credentials nor a session cookie do."""
    response = as_user(role).get(ROUTES[name].url(world))

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "submitted"),
    [(role, True) for role in WESTERVOORT_WRITERS] + [(r, False) for r in NOT_WESTERVOORT_WRITERS],
)
def test_only_westervoort_writers_submit_its_agreement(world, as_user, role, submitted):
    """The status URL also takes the municipality's own step: submitting a draft."""
    url = f"/monitoring/gemeente/westervoort/{YEAR}/afspraak/statushouders/status/"

    response = as_user(role).post(url, {"step": "submit", "version": world.draft.version})

    status = LocalAgreement.objects.get(pk=world.draft.pk).status
    if submitted:
        assert response.status_code == 302
        assert status == AgreementStatus.SUBMITTED
    else:
        assert response.status_code == 404
        assert status == AgreementStatus.DRAFT


@pytest.mark.django_db
def test_run_page_shows_a_corporation_no_changed_figures_of_municipalities_outside_its_stock(
    world, as_user
):
    """A corporation may not read the figures of a municipality where it owns no stock
    (restrict: MunicipalityFigure is scoped by municipality); the run page's list of inputs
    changed since the run must not name them either."""
    from municipalities.models import MunicipalityFigure

    MunicipalityFigure.objects.filter(
        municipality=world.westervoort, year=world.scenario.data_year
    ).update(value=12345)

    response = as_user("corporation_outsider").get(f"/verdeling/run/{world.run.pk}/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "GM0293" not in html
    assert "12345" not in html


# ---- no dead links --------------------------------------------------------------------------------

LINK = re.compile(r'href="(/[^"#]*)"')
NOT_PAGES = ("/static/", "/i18n/", "/logout/", "/admin/", "/api/")


@pytest.mark.django_db
@pytest.mark.parametrize("role", [*READERS, "corporation_outsider"])
def test_no_page_shows_a_link_its_reader_may_not_follow(world, as_user, role):
    """Every internal link on every page a role can read answers that role with a page, not a
    403 or 404: nobody is shown a door that is locked for them."""
    client = as_user(role)
    checked, dead = set(), []
    for name in _names(READ) + _names(READ_EMPTY):
        if not ROUTES[name].get:
            continue
        url = ROUTES[name].url(world)
        response = client.get(url)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        for href in set(LINK.findall(response.content.decode())):
            href = href.replace("&amp;", "&")
            if href in checked or href.startswith(NOT_PAGES):
                continue
            checked.add(href)
            status = client.get(href).status_code
            if status in (403, 404):
                dead.append(f"{url} -> {href} ({status})")

    assert dead == []


# ---- the mediation table: its members only ----------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("role", MEDIATION_ROLES)
@pytest.mark.parametrize("name", _names(MEDIATION))
def test_the_mediation_table_admits_its_members_only(world, as_user, name, role):
    route = ROUTES[name]
    response, changed = _act(world, as_user(role), name, _primary_method(name))

    if role in route.allowed:
        assert response.status_code in (200, 302), response.content[:500]
        assert changed or route.state is None
    else:
        assert response.status_code in (403, 404)
        assert not changed


# Through the API with a token: the offering corporation and the project leader withdraw an
# offer; the municipality where the home is is refused (403), everyone else does not see it.
WITHDRAW_BY_TOKEN = {
    "project_leader": 200,
    "corporation_with_offer": 200,
    "owner": 403,
    "colleague": 403,
    "outsider": 404,
    "uninvited": 404,
    "corporation_outsider": 404,
    "steering_member": 404,
}


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "status"), list(WITHDRAW_BY_TOKEN.items()))
def test_only_the_offering_corporation_and_the_project_leader_withdraw_by_api(world, role, status):
    from tests.api.conftest import issue

    url = ROUTES["api-mediation-offer-withdraw"].url(world)
    response = issue(world.users[role])[1].post(url, format="json")

    assert response.status_code == status, response.content[:300]
    withdrawn = MediationOffer.objects.get(pk=world.mediation.offer.pk).status == "withdrawn"
    assert withdrawn == (status == 200)


# ---- each role's own first page -------------------------------------------------------------

LANDING = {
    "project_leader": "/monitoring/inbox/",
    "steering_member": "/dashboard/",
    "owner": "/monitoring/mijn-gemeente/",
    "colleague": "/monitoring/mijn-gemeente/",
    "outsider": "/monitoring/mijn-gemeente/",
    "corporation_outsider": "/dashboard/",
    "stranger": "/",
}


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(LANDING))
def test_each_role_lands_on_its_own_page(world, as_user, role):
    response = as_user(role).get("/start/")

    assert response.status_code == 302
    assert response["Location"] == LANDING[role]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "status"),
    [("owner", 200), ("colleague", 200), ("outsider", 200), ("project_leader", 404),
     ("steering_member", 404), ("corporation_outsider", 404)],
)  # fmt: skip
def test_my_municipality_is_a_civil_servants_own(world, as_user, role, status):
    response = as_user(role).get(ROUTES["monitoring:my_municipality"].url(world))

    assert response.status_code == status
    if status == 200:
        own = world.users[role].membership.municipality
        assert response.context["work"].municipality == own
        other = "Nijmegen" if own.name == "Westervoort" else "Westervoort"
        assert f"Mijn gemeente: {other}" not in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "status"),
    [("project_leader", 200), ("owner", 404), ("colleague", 404), ("outsider", 404),
     ("steering_member", 404), ("corporation_outsider", 404)],
)  # fmt: skip
def test_the_inbox_is_the_project_leaders(world, as_user, role, status):
    response = as_user(role).get("/monitoring/inbox/")

    assert response.status_code == status
