"""Regions as hard walls in the Django admin: every registered model admin, tried by the staff of
a second region (its project leader and a civil servant) against the records of GMR.

Like tests/test_access_matrix.py does for the app, `test_every_admin_is_walked` fails when a new
model admin is registered without being covered here. For every admin URL (changelist, add,
change, delete, history, custom URLs) the other region's staff must not see GMR's records, not be
offered them as choices, and not change them; shared catalogues are read-only for region staff.
"""

from datetime import date

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from allocation.models import AllocationRun, Approval, Methodology, Scenario
from gmr_thuis.models import ApiToken, Membership
from gmr_thuis.tokens import api_token_issue
from mediation import models as mediation
from monitoring.models import (
    AllocationReport,
    HousingPlan,
    LocalAgreement,
    Objection,
    ObjectionWindow,
    Realisation,
)
from municipalities import models as m
from projects.models import (
    OlderPeopleNorm,
    OlderPeopleStock,
    OlderPopulationForecast,
    PhaseProbability,
    Project,
)
from tests import factories

User = get_user_model()

# Models that belong to no region: region staff may read them, only the superuser edits them.
SHARED = {m.TargetGroup, m.HousingCorporation, Methodology}
# Models only the platform administrator (superuser) sees at all.
PLATFORM_ONLY = {User, Group, AccessAttempt, AccessLog, AccessFailureLog, TOTPDevice}


def staff(user):
    user.is_staff = True
    user.save()
    return user


def _records(region, municipality, corporation, group, methodology, leader, suffix):
    """One record of every regional model in `region`."""
    scenario = Scenario.objects.create(
        name=f"Scenario {suffix}",
        slug=f"scenario-{suffix}",
        region=region,
        methodology=methodology,
        first_year=2026,
        last_year=2027,
        data_year=2024,
    )
    run = AllocationRun.objects.create(scenario=scenario, first_year=2026, last_year=2027)
    civil = factories.member(
        role="civil_servant", municipality=municipality, username=f"ambtenaar-{suffix}"
    )
    corp_user = factories.member(
        role="corporation", region=region, corporation=corporation, username=f"corp-{suffix}"
    )
    token, _key = api_token_issue(issued_by=None, user=corp_user, name=f"ERP {suffix}")
    neighbourhood = m.Neighbourhood.objects.create(
        code=f"WK{municipality.cbs_code[2:]}01",
        kind="wijk",
        name="Centrum",
        municipality=municipality,
    )
    case = mediation.Case.objects.create(
        municipality=municipality,
        number=f"CASUS-{suffix}",
        target_group=group,
        adults=1,
        rooms_min=2,
        rent_max=800,
        note="Vertrouwelijke toelichting",
        care_provider="Zorgpartij",
        ready_from=date(2026, 1, 1),
        deadline=date(2026, 6, 1),
    )
    offer = mediation.Offer.objects.create(
        corporation=corporation,
        municipality=municipality,
        rooms=3,
        rent=700,
        available_from=date(2026, 1, 1),
        valid_until=date(2026, 6, 1),
    )
    meeting = mediation.Meeting.objects.create(region=region, date=date(2026, 2, 1))
    meeting.cases.add(case)
    meeting.offers.add(offer)
    decision = mediation.Decision.objects.create(
        meeting=meeting,
        case=case,
        outcome="placed",
        offer=offer,
        reason="Vertrouwelijke reden",
    )
    placement = mediation.Placement.objects.create(
        decision=decision,
        case=case,
        offer=offer,
        municipality=municipality,
        sending_municipality=municipality,
        corporation=corporation,
        target_group=group,
        ready_from=date(2026, 1, 1),
    )
    return {
        mediation.Case: case,
        mediation.Offer: offer,
        mediation.Meeting: meeting,
        mediation.Decision: decision,
        mediation.Placement: placement,
        mediation.CaseAccessLog: mediation.CaseAccessLog.objects.create(
            user=leader, username=leader.username, case=case, what="detail"
        ),
        m.Region: region,
        m.Municipality: municipality,
        m.MunicipalityFigure: factories.FigureFactory(municipality=municipality),
        m.CareClientCount: m.CareClientCount.objects.create(
            municipality=municipality, year=2024, care_type="mo", count=3, source="test"
        ),
        m.RegionalTask: m.RegionalTask.objects.create(
            region=region, target_group=group, year=2026, amount=10, source="test"
        ),
        m.CorporationStock: m.CorporationStock.objects.create(
            corporation=corporation, municipality=municipality, dwellings=100, source="test"
        ),
        m.Neighbourhood: neighbourhood,
        m.NeighbourhoodFigure: m.NeighbourhoodFigure.objects.create(
            neighbourhood=neighbourhood, year=2024, indicator="dwellings", value=900, source="test"
        ),
        m.ConcentrationSettings: m.ConcentrationSettings.objects.create(region=region),
        m.NeighbourhoodBoundaries: m.NeighbourhoodBoundaries.objects.create(
            region=region, filename="wijken.geojson", source="test", features=[]
        ),
        Membership: civil.membership,
        ApiToken: token,
        Scenario: scenario,
        AllocationRun: run,
        Approval: Approval.objects.create(
            run=run, region=region, first_year=2026, last_year=2027, approved_by=leader
        ),
        LocalAgreement: LocalAgreement.objects.create(
            municipality=municipality, target_group=group, year=2026, agreed_number=4
        ),
        Realisation: Realisation.objects.create(
            municipality=municipality, target_group=group, year=2026, quarter=1, placements=2
        ),
        HousingPlan: HousingPlan.objects.create(
            municipality=municipality, year=2026, kind="new_construction", planned=5, forecast=5
        ),
        Objection: Objection.objects.create(
            municipality=municipality, target_group=group, year=2026, reasoning="te veel"
        ),
        ObjectionWindow: ObjectionWindow.objects.create(
            region=region, year=2026, deadline=date(2026, 3, 1)
        ),
        AllocationReport: AllocationReport.objects.create(
            corporation=corporation,
            municipality=municipality,
            target_group=group,
            date=date(2026, 2, 1),
            count=1,
        ),
        Project: Project.objects.create(
            municipality=municipality,
            name=f"Project {suffix}",
            kind="new_construction",
            plan_year=2026,
            expected_delivery_year=2027,
        ),
        PhaseProbability: PhaseProbability.objects.create(
            region=region, phase="plan", probability="0.5"
        ),
        OlderPeopleNorm: OlderPeopleNorm.objects.create(
            region=region, suitability="clustered", per_thousand=100
        ),
        OlderPeopleStock: OlderPeopleStock.objects.create(
            municipality=municipality, suitability="clustered", year=2024, count=40, source="test"
        ),
        OlderPopulationForecast: OlderPopulationForecast.objects.create(
            municipality=municipality,
            year=2030,
            inhabitants=100,
            aged_75_plus=10,
            aged_85_plus=2,
            source="test",
        ),
    }


@pytest.fixture
def world(db):
    gmr = factories.RegionFactory()
    other = factories.RegionFactory(name="Andere regio", slug="andere")
    westervoort = factories.MunicipalityFactory(region=gmr, name="Westervoort", cbs_code="GM0293")
    andersdorp = factories.MunicipalityFactory(region=other, name="Andersdorp", cbs_code="GM8888")
    group = factories.TargetGroupFactory(code="statushouders")
    vivare = factories.CorporationFactory(name="Vivare")
    elders = factories.CorporationFactory(name="Elders Wonen")
    methodology = Methodology.objects.create(name="Standaard", slug="standaard")
    gmr_leader = staff(factories.member(role="project_leader", region=gmr, username="pl-gmr"))
    other_leader = staff(factories.member(role="project_leader", region=other, username="pl-b"))
    gmr_records = _records(gmr, westervoort, vivare, group, methodology, gmr_leader, "gmr")
    other_records = _records(other, andersdorp, elders, group, methodology, other_leader, "b")
    other_civil = staff(User.objects.get(username="ambtenaar-b"))
    gmr_records[User] = gmr_leader
    gmr_records[Group] = Group.objects.create(name="beheer")
    lockout = {"username": "pl-gmr", "ip_address": "10.0.0.1", "user_agent": "test"}
    gmr_records[AccessAttempt] = AccessAttempt.objects.create(
        **lockout, get_data="", post_data="", failures_since_start=5
    )
    gmr_records[AccessLog] = AccessLog.objects.create(**lockout)
    gmr_records[AccessFailureLog] = AccessFailureLog.objects.create(**lockout)
    # Not yet confirmed: a confirmed device would end the force-logged-in sessions below.
    gmr_records[TOTPDevice] = TOTPDevice.objects.create(
        user=gmr_leader, name="app", confirmed=False
    )
    for model in SHARED:
        gmr_records[model] = model.objects.first()
    return {
        "gmr": gmr,
        "other": other,
        "westervoort": westervoort,
        "andersdorp": andersdorp,
        "group": group,
        "vivare": vivare,
        "gmr_leader": gmr_leader,
        "other_leader": other_leader,
        "other_civil": other_civil,
        "gmr_records": gmr_records,
        "other_records": other_records,
    }


def _admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def test_every_admin_is_walked(world):
    """A new model admin must get a record here (and so be walked by the tests below)."""
    assert set(admin.site._registry) == set(world["gmr_records"])


def _choice_querysets(response):
    """Every model-choice field of the admin form and its inline forms."""
    context = response.context
    form_list = [context["adminform"].form]
    for inline in context.get("inline_admin_formsets", []):
        form_list.extend(inline.formset.forms)
        form_list.append(inline.formset.empty_form)
    for form in form_list:
        for field in form.fields.values():
            # The hidden primary key of an inline row offers no choice to pick.
            if isinstance(field, forms.ModelChoiceField) and not field.widget.is_hidden:
                yield field.queryset


def _foreign_pks(world):
    """For every model, the primary keys of GMR's records the other region must never meet."""
    foreign = {}
    for model, obj in world["gmr_records"].items():
        if model not in SHARED:
            foreign.setdefault(model, set()).add(obj.pk)
    # GMR's other users and memberships (the project leader's own, and the records' owners).
    for membership in Membership.objects.filter(region=world["gmr"]):
        foreign.setdefault(Membership, set()).add(membership.pk)
        foreign.setdefault(User, set()).add(membership.user_id)
    return foreign


@pytest.mark.parametrize("who", ["other_leader", "other_civil"])
def test_other_region_walks_every_admin_url_and_meets_nothing_of_gmr(client, world, who):
    client.force_login(world[who])
    foreign = _foreign_pks(world)
    walked = 0
    for model, obj in world["gmr_records"].items():
        changelist = client.get(_admin_url(model, "changelist"))
        walked += 1
        if model in PLATFORM_ONLY:
            assert changelist.status_code == 403, model
        elif changelist.status_code == 200:
            shown = {row.pk for row in changelist.context["cl"].result_list}
            assert not shown & foreign.get(model, set()), model
            # Filters offer only values of the user's own records.
            for spec in changelist.context["cl"].filter_specs:
                for choice in spec.choices(changelist.context["cl"]):
                    assert "Westervoort" not in str(choice.get("display")), model
        else:
            assert changelist.status_code == 403, model

        add = client.get(_admin_url(model, "add"))
        walked += 1
        if add.status_code == 200:
            assert model not in SHARED | PLATFORM_ONLY, model
            for queryset in _choice_querysets(add):
                assert not set(queryset.values_list("pk", flat=True)) & foreign.get(
                    queryset.model, set()
                ), (model, queryset.model)
        else:
            assert add.status_code in (403, 302), model

        for view in ("change", "delete", "history"):
            response = client.get(_admin_url(model, view, obj.pk))
            walked += 1
            if model in SHARED and view != "delete":
                assert response.status_code == 200, (model, view)
                if view == "change":
                    # Read-only: no editable inputs for the catalogue's own fields.
                    assert not response.context["has_change_permission"], model
            elif model in SHARED:
                assert response.status_code == 403, (model, view)
            else:
                # Another region's record does not exist for them: redirected with a notice.
                assert response.status_code in (302, 403, 404), (model, view)
    assert walked == 5 * len(world["gmr_records"])


@pytest.mark.parametrize("who", ["other_leader", "other_civil"])
def test_other_region_cannot_change_or_delete_gmr_records_by_post(client, world, who):
    client.force_login(world[who])
    for model, obj in world["gmr_records"].items():
        before = model.objects.filter(pk=obj.pk).values().get()
        client.post(_admin_url(model, "change", obj.pk), {"name": "overgenomen"})
        client.post(_admin_url(model, "delete", obj.pk), {"post": "yes"})
        client.post(
            _admin_url(model, "changelist"),
            {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"},
        )
        assert model.objects.filter(pk=obj.pk).values().get() == before, model


def test_own_membership_cannot_be_moved_to_another_region(client, world):
    leader = world["other_leader"]
    client.force_login(leader)
    membership = leader.membership
    url = _admin_url(Membership, "change", membership.pk)

    page = client.get(url)
    response = client.post(
        url, {"user": leader.pk, "role": "project_leader", "region": world["gmr"].pk}
    )

    assert not page.context["has_change_permission"]
    assert response.status_code == 403
    membership.refresh_from_db()
    assert membership.region == world["other"]


def test_own_membership_cannot_be_deleted_even_by_the_platform_administrator(
    admin_user, client, world
):
    Membership.objects.create(user=admin_user, role="project_leader", region=world["gmr"])
    client.force_login(admin_user)
    response = client.post(_admin_url(Membership, "delete", admin_user.membership.pk), {"post": 1})
    assert response.status_code == 403
    assert Membership.objects.filter(user=admin_user).exists()


def test_no_membership_for_oneself_or_in_another_region(client, world):
    client.force_login(world["other_leader"])
    newcomer = factories.UserFactory(username="nieuw")
    before = Membership.objects.count()

    for data in (
        {"user": newcomer.pk, "role": "project_leader", "region": world["gmr"].pk},
        {"user": world["other_leader"].pk, "role": "steering_group", "region": world["other"].pk},
        {
            "user": newcomer.pk,
            "role": "civil_servant",
            "region": world["other"].pk,
            "municipality": world["westervoort"].pk,
        },
        {"user": world["gmr_leader"].pk, "role": "steering_group", "region": world["other"].pk},
    ):
        response = client.post(_admin_url(Membership, "add"), data)
        assert response.status_code == 200, data
        assert response.context["adminform"].form.errors, data

    assert Membership.objects.count() == before
    ok = client.post(
        _admin_url(Membership, "add"),
        {"user": newcomer.pk, "role": "steering_group", "region": world["other"].pk},
    )
    assert ok.status_code == 302
    assert Membership.objects.get(user=newcomer).region == world["other"]


def test_no_token_for_a_member_of_another_region(client, world):
    client.force_login(world["other_leader"])
    before = ApiToken.objects.count()
    response = client.post(
        _admin_url(ApiToken, "add"), {"user": world["gmr_leader"].pk, "name": "overname"}
    )
    assert response.status_code == 200
    assert "user" in response.context["adminform"].form.errors
    assert ApiToken.objects.count() == before


def test_no_revoking_another_regions_token(client, world):
    client.force_login(world["other_leader"])
    token = world["gmr_records"][ApiToken]
    client.post(
        _admin_url(ApiToken, "changelist"),
        {"action": "revoke", "_selected_action": [token.pk]},
    )
    token.refresh_from_db()
    assert token.revoked_at is None


def test_own_regions_token_is_revoked(client, world):
    client.force_login(world["other_leader"])
    token = world["other_records"][ApiToken]
    client.post(
        _admin_url(ApiToken, "changelist"),
        {"action": "revoke", "_selected_action": [token.pk]},
    )
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_no_municipality_added_to_another_region(client, world):
    client.force_login(world["other_leader"])
    response = client.post(
        _admin_url(m.Municipality, "add"),
        {
            "cbs_code": "GM7777",
            "name": "Indringer",
            "slug": "indringer",
            "region": world["gmr"].pk,
            **_empty_inlines(),
        },
    )
    assert response.status_code == 200
    assert "region" in response.context["adminform"].form.errors
    assert not m.Municipality.objects.filter(cbs_code="GM7777").exists()


def test_no_figure_added_for_another_regions_municipality(client, world):
    client.force_login(world["other_leader"])
    response = client.post(
        _admin_url(m.MunicipalityFigure, "add"),
        {
            "municipality": world["westervoort"].pk,
            "year": 2024,
            "indicator": m.Indicator.INHABITANTS,
            "value": 1,
            "source": "indringer",
        },
    )
    assert response.status_code == 200
    assert "municipality" in response.context["adminform"].form.errors
    assert not m.MunicipalityFigure.objects.filter(source="indringer").exists()


def test_own_figure_is_added(client, world):
    client.force_login(world["other_leader"])
    response = client.post(
        _admin_url(m.MunicipalityFigure, "add"),
        {
            "municipality": world["andersdorp"].pk,
            "year": 2023,
            "indicator": m.Indicator.INHABITANTS,
            "value": 1,
            "source": "eigen",
        },
    )
    assert response.status_code == 302
    assert m.MunicipalityFigure.objects.filter(source="eigen").exists()


@pytest.mark.parametrize("who", ["other_leader", "gmr_leader"])
def test_shared_catalogues_are_read_only_for_region_staff(client, world, who):
    client.force_login(world[who])
    group, corporation = world["group"], world["vivare"]

    responses = [
        client.post(
            _admin_url(m.TargetGroup, "change", group.pk),
            {"code": group.code, "name_nl": "Gewijzigd", "name_en": "Changed"},
        ),
        client.post(
            _admin_url(m.HousingCorporation, "change", corporation.pk),
            {"name": "Gewijzigd", "slug": corporation.slug},
        ),
        client.post(_admin_url(m.TargetGroup, "add"), {"code": "nieuw", "name_nl": "Nieuw"}),
        client.post(_admin_url(m.HousingCorporation, "add"), {"name": "Nieuw", "slug": "nieuw"}),
    ]

    assert [r.status_code for r in responses] == [403, 403, 403, 403]
    group.refresh_from_db()
    corporation.refresh_from_db()
    assert (group.name_nl, corporation.name) == ("Groep statushouders", "Vivare")


def test_platform_administrator_edits_shared_catalogues(admin_client, world):
    corporation = world["vivare"]
    response = admin_client.post(
        _admin_url(m.HousingCorporation, "change", corporation.pk),
        {
            "name": "Vivare Wonen",
            "slug": corporation.slug,
            **_empty_inlines("stock"),
        },
    )
    assert response.status_code == 302, (
        getattr(response, "context", None) and response.context["adminform"].form.errors
    )
    corporation.refresh_from_db()
    assert corporation.name == "Vivare Wonen"


def test_platform_administrator_sees_every_region(admin_client, world):
    response = admin_client.get(_admin_url(m.Municipality, "changelist"))
    assert {row.name for row in response.context["cl"].result_list} == {"Westervoort", "Andersdorp"}


def test_region_staff_cannot_reach_users_or_login_lockouts(client, world):
    client.force_login(world["other_leader"])
    assert client.get(_admin_url(User, "changelist")).status_code == 403
    assert client.get(_admin_url(User, "change", world["gmr_leader"].pk)).status_code == 403


def _empty_inlines(*only):
    """Management forms for every inline of the posted admin page, with no rows."""
    prefixes = ["figures", "care_clients", "stock", "tasks", "rules"]
    data = {}
    for prefix in only or prefixes:
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
    return data


def test_token_services_refuse_another_region(world):
    from django.core.exceptions import PermissionDenied

    from gmr_thuis.tokens import api_token_revoke

    with pytest.raises(PermissionDenied):
        api_token_issue(issued_by=world["other_leader"], user=world["gmr_leader"], name="x")
    with pytest.raises(PermissionDenied):
        api_token_revoke(revoked_by=world["other_leader"], token=world["gmr_records"][ApiToken])


def test_the_mediation_admin_shows_no_free_text_and_logs_each_look_at_a_case(client, world):
    leader = world["other_leader"]
    client.force_login(leader)
    records = world["other_records"]
    case = records[mediation.Case]
    before = mediation.CaseAccessLog.objects.filter(case=case, what="admin").count()

    pages = [
        client.get(_admin_url(model, view, *args))
        for model in (mediation.Case, mediation.Decision, mediation.Placement, mediation.Meeting)
        for view, args in (("changelist", ()), ("change", (records[model].pk,)))
    ]

    for page in pages:
        assert page.status_code == 200
        content = page.content.decode()
        assert "Vertrouwelijke" not in content
        assert "Zorgpartij" not in content
    case_page = pages[1]
    assert not case_page.context["has_change_permission"]
    assert case.number in case_page.content.decode()
    after = mediation.CaseAccessLog.objects.filter(case=case, what="admin")
    assert after.count() == before + 1
    assert after.first().username == leader.username
