"""A small mediation table: Nijmegen sends a case, Vivare offers a home in Westervoort."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from mediation import services
from municipalities.models import CorporationStock
from tests import factories


@pytest.fixture
def arnhem(region):
    return factories.MunicipalityFactory(region=region, name="Arnhem", cbs_code="GM0202")


@pytest.fixture
def group(db):
    return factories.TargetGroupFactory(code="uitstroom-bw")


@pytest.fixture
def vivare(westervoort):
    corporation = factories.CorporationFactory(name="Vivare", slug="vivare")
    CorporationStock.objects.create(
        corporation=corporation, municipality=westervoort, dwellings=500, source="test"
    )
    return corporation


@pytest.fixture
def portaal(nijmegen):
    corporation = factories.CorporationFactory(name="Portaal", slug="portaal")
    CorporationStock.objects.create(
        corporation=corporation, municipality=nijmegen, dwellings=500, source="test"
    )
    return corporation


@pytest.fixture
def vivare_staff(vivare):
    return factories.member(role="corporation", corporation=vivare, username="vivare-vera")


@pytest.fixture
def portaal_staff(portaal):
    return factories.member(role="corporation", corporation=portaal, username="portaal-piet")


@pytest.fixture
def arnhem_staff(arnhem):
    return factories.member(role="civil_servant", municipality=arnhem, username="arnhem-anna")


def case_values(**overrides):
    today = timezone.localdate()
    values = {
        "number": "NIJ-2026-001",
        "target_group": None,
        "adults": 1,
        "children": 2,
        "rooms_min": 3,
        "accessible_needed": False,
        "rent_max": Decimal("800"),
        "care_provider": "Iriszorg",
        "care_intensity": "light",
        "ready_from": today - timedelta(days=30),
        "deadline": today + timedelta(days=90),
        "preference_weight": Decimal("1"),
        "note": "Moet buiten bereik van de pleger wonen.",
    }
    values.update(overrides)
    return values


def offer_values(municipality, **overrides):
    today = timezone.localdate()
    values = {
        "municipality": municipality,
        "rooms": 3,
        "accessible": False,
        "ground_floor": True,
        "rent": Decimal("700"),
        "available_from": today,
        "valid_until": today + timedelta(days=60),
    }
    values.update(overrides)
    return values


@pytest.fixture
def case(outsider, nijmegen, group, arnhem):
    """Nijmegen's case (its civil servant is `outsider` in the shared fixtures)."""
    return services.case_register(
        user=outsider,
        municipality=nijmegen,
        values=case_values(target_group=group),
        lists={"excluded_municipalities": [arnhem], "preferred_municipalities": []},
    )


@pytest.fixture
def offer(vivare_staff, vivare, westervoort):
    offer, _created = services.offer_create(
        user=vivare_staff, corporation=vivare, values=offer_values(westervoort)
    )
    return offer


@pytest.fixture
def meeting(project_leader, region, case, offer):
    return services.meeting_schedule(user=project_leader, region=region, on=date.today())
