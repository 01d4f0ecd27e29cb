"""Services of the project pipeline: who may write, the Dutch refusals of bad input, phase
history, optimistic locking and the change history."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from gmr_thuis.history import history_of
from gmr_thuis.models import ObjectChange
from monitoring.services import StaleEdit
from projects import services
from projects.models import Project
from tests import factories
from tests.projects.conftest import project_values


def test_civil_servant_creates_a_project_of_own_municipality(owner, westervoort):
    group = factories.TargetGroupFactory(code="statushouders")

    project = services.project_create(
        user=owner,
        municipality=westervoort,
        values=project_values(),
        earmarks=[services.Earmark(group, 5)],
    )

    assert project.phase == "idea"
    assert project.earmarks.get().earmarked_homes == 5
    assert [step.phase for step in project.steps.all()] == ["idea"]
    assert history_of(project).get().action == ObjectChange.Action.CREATE


@pytest.mark.parametrize("who", ["outsider", "steering_member", "stranger"])
def test_others_cannot_create_a_westervoort_project(request, who, westervoort):
    with pytest.raises(PermissionDenied):
        services.project_create(
            user=request.getfixturevalue(who), municipality=westervoort, values=project_values()
        )
    assert not Project.objects.exists()


def test_project_leader_creates_in_any_municipality(project_leader, nijmegen):
    project = services.project_create(
        user=project_leader, municipality=nijmegen, values=project_values()
    )
    assert project.municipality == nijmegen


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"social_rent": -1, "mid_rent": 27}, "social_rent", "niet negatief"),
        ({"homes_total": 31}, "homes_total", "tellen niet op tot het totaal van 31"),
        ({"expected_delivery_year": 2024}, "expected_delivery_year", "ligt voor het planjaar"),
        ({"zero_step": 11}, "zero_step", "meer dan het totaal"),
        ({"neighbourhood_code": "GM0293"}, "neighbourhood_code", "Een buurtcode"),
    ],
)
def test_bad_input_is_refused_in_dutch_and_nothing_saved(
    owner, westervoort, overrides, field, message
):
    with pytest.raises(ValidationError) as refused:
        services.project_create(
            user=owner, municipality=westervoort, values=project_values(**overrides)
        )
    assert message in " ".join(refused.value.message_dict[field])
    assert not Project.objects.exists()


def test_delivered_without_delivery_date_is_refused(owner, westervoort):
    with pytest.raises(ValidationError) as refused:
        services.project_create(
            user=owner,
            municipality=westervoort,
            values=project_values(),
            phase=("delivered", None),
        )
    assert "opleverdatum" in refused.value.message_dict["delivered_on"][0]


def test_more_earmarked_than_homes_is_refused(owner, westervoort):
    group = factories.TargetGroupFactory(code="statushouders")
    with pytest.raises(ValidationError, match="meer dan het totaal van 30"):
        services.project_create(
            user=owner,
            municipality=westervoort,
            values=project_values(),
            earmarks=[services.Earmark(group, 31)],
        )
    assert not Project.objects.exists()


def test_phase_move_keeps_the_history(colleague, project):
    moved = services.project_move_phase(
        user=colleague,
        project=project,
        version=project.version,
        phase="permit",
        on=date(2026, 3, 1),
    )
    delivered = services.project_move_phase(
        user=colleague,
        project=moved,
        version=moved.version,
        phase="delivered",
        on=date(2027, 9, 1),
    )

    assert [s.phase for s in delivered.steps.all()] == ["plan", "permit", "delivered"]
    assert delivered.delivered_on == date(2027, 9, 1)
    change = history_of(delivered).first()
    assert change.action == ObjectChange.Action.TRANSITION
    assert change.before["phase"] == "permit" and change.after["phase"] == "delivered"


def test_outsider_cannot_move_a_westervoort_project(outsider, project):
    with pytest.raises(PermissionDenied):
        services.project_move_phase(
            user=outsider, project=project, version=1, phase="permit", on=date(2026, 1, 1)
        )
    assert Project.objects.get().phase == "plan"


def test_save_over_a_moved_version_is_refused(owner, colleague, project):
    services.project_update(
        user=colleague, project=project, version=1, values={"expected_delivery_year": 2028}
    )

    with pytest.raises(StaleEdit) as stale:
        services.project_update(user=owner, project=project, version=1, values={"name": "Ander"})
    assert stale.value.current.expected_delivery_year == 2028
    assert Project.objects.get().name == "Hof van Westervoort"


def test_delivery_year_moved_later_is_a_step(owner, project):
    services.project_update(
        user=owner, project=project, version=1, values={"expected_delivery_year": 2028}
    )
    assert [s.expected_delivery_year for s in project.steps.all()] == [2027, 2028]
