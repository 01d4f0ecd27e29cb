"""A project leader of another region never reaches this region's mediation cases: the table's
rule applies within the region's wall, like every other record."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from gmr_thuis import permissions
from mediation import models, services
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_leader(db):
    return factories.member(
        role="project_leader",
        region=factories.RegionFactory(name="Regio Foodvalley", slug="foodvalley"),
        username="andere-regio",
    )


def test_another_region_s_project_leader_neither_reads_nor_changes_a_case(
    case, other_leader, project_leader
):
    cases = models.Case.objects.filter(pk=case.pk)
    assert permissions.restrict(cases, project_leader).exists()
    assert not permissions.restrict(cases, other_leader).exists()
    assert not permissions.can(other_leader, permissions.CHANGE, case)


def test_another_region_s_project_leader_gets_404_on_the_case_pages(client, case, other_leader):
    client.force_login(other_leader)
    for name in ("mediation:case", "mediation:case_edit", "mediation:case_close"):
        assert client.get(reverse(name, args=[case.pk])).status_code == 404, name
    assert case.number not in client.get(reverse("mediation:cases")).content.decode()


def test_another_region_s_project_leader_cannot_close_a_case_through_the_service(
    case, other_leader
):
    with pytest.raises(PermissionDenied):
        services.case_close(user=other_leader, case=case, reason="not_needed")
    case.refresh_from_db()
    assert case.closed_at is None
