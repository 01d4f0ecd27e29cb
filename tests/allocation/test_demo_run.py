"""`make run`'s demo run: the default scenario computed and approved once, so that a civil
servant's first page shows its fair share."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from allocation.models import AllocationRun, Approval, RunStatus
from municipalities.services import reference_data_load

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    reference_data_load()
    call_command("load_demo_users")


# The run is sent to Celery (eager here) when its transaction commits, as in `make run`.
@pytest.mark.django_db(transaction=True)
def test_the_demo_run_is_computed_and_approved_once(demo, client):
    call_command("load_demo_run", timeout=60)
    call_command("load_demo_run")  # again: nothing new

    run = AllocationRun.objects.get()
    assert run.status == RunStatus.SUCCEEDED
    assert Approval.objects.get().run == run
    assert run.started_by.username == "projectleider"

    client.force_login(get_user_model().objects.get(username="westervoort"))
    page = client.get(reverse("monitoring:my_municipality")).content.decode()
    assert "nog geen fair share goedgekeurd" not in page
    assert "Per aandachtsgroep de fair share" in page


def test_the_demo_run_is_refused_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG staat uit"):
        call_command("load_demo_run")
    assert not AllocationRun.objects.exists()
