"""The demo table of `make run`: fictional cases, Vivare's offers and one meeting, loaded once."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from mediation.models import Case, Meeting, Offer
from municipalities.services import reference_data_load

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    reference_data_load()
    call_command("load_demo_users")


def test_the_demo_table_is_loaded_once(demo, client):
    call_command("load_demo_mediation")
    call_command("load_demo_mediation")  # again: nothing new

    assert sorted(Case.objects.values_list("number", flat=True)) == [
        "DEMO-NIJ-001",
        "DEMO-NIJ-002",
        "DEMO-WES-001",
    ]
    assert all(
        note.startswith("Fictieve democasus")
        for note in Case.objects.values_list("note", flat=True)
    )
    assert Offer.objects.filter(corporation__slug="vivare").count() == 3
    meeting = Meeting.objects.get()
    assert meeting.cases.count() == 3
    assert meeting.offers.count() == 3

    client.force_login(get_user_model().objects.get(username="projectleider"))
    page = client.get(f"/bemiddeling/overleggen/{meeting.pk}/")
    assert page.status_code == 200
    proposed = {
        (row["case"].number, row["offer"].municipality.name) for row in page.context["proposal"]
    }
    assert proposed == {
        ("DEMO-NIJ-001", "Westervoort"),
        ("DEMO-NIJ-002", "Arnhem"),
        ("DEMO-WES-001", "Duiven"),
    }


def test_the_demo_table_needs_the_demo_users(settings):
    settings.DEBUG = True
    reference_data_load()

    with pytest.raises(CommandError, match="Laad eerst de demo-gebruikers"):
        call_command("load_demo_mediation")
    assert not Case.objects.exists()


def test_the_demo_table_is_refused_when_debug_is_off(demo, settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DEBUG staat uit"):
        call_command("load_demo_mediation")
    assert not Case.objects.exists()
