from io import StringIO

import pytest
from django.core.management import call_command

from municipalities.models import Municipality
from tests import factories


@pytest.fixture
def gmr(db):
    call_command("load_gmr_data", stdout=StringIO())
    call_command("load_default_scenario", stdout=StringIO())
    return Municipality.objects.get(cbs_code="GM0293")


@pytest.fixture
def civil_servant(gmr):
    return factories.member(role="civil_servant", municipality=gmr, username="wv-ambtenaar")


@pytest.fixture
def leader(gmr):
    return factories.member(role="project_leader", region=gmr.region, username="pl")


def project_values(**overrides):
    values = {
        "name": "De Hoge Hof",
        "kind": "new_construction",
        "total_homes": 30,
        "homes_social_rent": 20,
        "homes_mid_rent": 5,
        "homes_owner_occupied": 5,
        "homes_zero_step": 10,
        "phase": "plan",
        "plan_year": 2025,
        "expected_year": 2026,
    }
    return values | overrides
