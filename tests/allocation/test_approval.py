"""Approval: only the project leader, one current approval per period, approved runs frozen."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError

from allocation import selectors, services
from allocation.models import AllocationResult, Approval, ImmutableWhenApproved, RunStatus
from tests import factories
from tests.runs import finished_run


@pytest.fixture
def run(scenario, westervoort, nijmegen, groups):
    group = groups["statushouders"]
    return finished_run(
        scenario,
        quotas={
            (westervoort, group, 2025): 8,
            (nijmegen, group, 2025): 92,
            (westervoort, group, 2026): 9,
            (nijmegen, group, 2026): 91,
        },
    )


@pytest.mark.parametrize("role_fixture", ["steering_member", "owner", "stranger"])
def test_only_the_project_leader_approves(request, run, role_fixture):
    user = request.getfixturevalue(role_fixture)
    with pytest.raises(PermissionDenied):
        services.allocation_run_approve(user=user, run=run)
    assert not Approval.objects.exists()


def test_project_leader_approves_a_succeeded_run(run, project_leader):
    approval = services.allocation_run_approve(user=project_leader, run=run)
    assert approval.is_current
    assert (approval.first_year, approval.last_year) == (2025, 2026)
    assert approval.approved_by == project_leader


def test_a_failed_run_cannot_be_approved(scenario, project_leader):
    failed = finished_run(scenario, quotas={}, status=RunStatus.FAILED)
    with pytest.raises(ValidationError):
        services.allocation_run_approve(user=project_leader, run=failed)


def test_a_new_approval_supersedes_the_old_one_which_stays_in_history(
    scenario, run, project_leader
):
    first = services.allocation_run_approve(user=project_leader, run=run)
    later_run = finished_run(scenario, quotas={})
    second = services.allocation_run_approve(user=project_leader, run=later_run)
    first.refresh_from_db()
    assert not first.is_current and first.superseded_at is not None
    assert second.is_current
    assert list(selectors.approval_history(user=project_leader, scenario=scenario)) == [
        second,
        first,
    ]


def test_the_database_refuses_two_current_approvals_for_one_period(
    scenario, run, project_leader, region
):
    services.allocation_run_approve(user=project_leader, run=run)
    other = finished_run(scenario, quotas={})
    with pytest.raises(IntegrityError):
        Approval.objects.create(
            run=other, region=region, first_year=2025, last_year=2026, approved_by=project_leader
        )


def test_an_approved_run_cannot_change_or_be_deleted(run, project_leader):
    services.allocation_run_approve(user=project_leader, run=run)
    run.status = RunStatus.FAILED
    with pytest.raises(ImmutableWhenApproved):
        run.save()
    with pytest.raises(ImmutableWhenApproved):
        run.delete()


def test_results_of_an_approved_run_cannot_change(run, project_leader):
    services.allocation_run_approve(user=project_leader, run=run)
    result = run.results.first()
    result.quota = 999
    with pytest.raises(ImmutableWhenApproved):
        result.save()
    with pytest.raises(ImmutableWhenApproved):
        AllocationResult.objects.filter(run=run).update(quota=0)
    with pytest.raises(ImmutableWhenApproved):
        AllocationResult.objects.filter(run=run).delete()
    assert sorted(run.results.values_list("quota", flat=True)) == [8, 9, 91, 92]


def test_approved_fair_shares_are_the_current_approvals_quotas(
    run, project_leader, westervoort, groups
):
    assert selectors.approved_fair_shares(user=project_leader).empty
    services.allocation_run_approve(user=project_leader, run=run)
    shares = selectors.approved_fair_shares(
        user=project_leader, years=[2026], municipality_ids=[westervoort.pk]
    )
    assert shares.to_dict("records") == [
        {
            "municipality_id": westervoort.pk,
            "cbs_code": "GM0293",
            "target_group_code": "statushouders",
            "target_group_id": groups["statushouders"].pk,
            "year": 2026,
            "quota": 9,
            "run_id": run.pk,
        }
    ]


def test_a_corporation_sees_approved_shares_only_where_it_owns_stock(
    run, project_leader, westervoort, region
):
    services.allocation_run_approve(user=project_leader, run=run)
    corporation = factories.CorporationFactory(name="Vivare")
    corporation.stock.create(municipality=westervoort, dwellings=1000, source="test")
    employee = factories.member(
        role="corporation", corporation=corporation, region=region, username="vivare"
    )
    shares = selectors.approved_fair_shares(user=employee)
    assert set(shares["cbs_code"]) == {"GM0293"}


def test_a_user_without_organisation_sees_no_approved_shares(run, project_leader, stranger):
    services.allocation_run_approve(user=project_leader, run=run)
    assert selectors.approved_fair_shares(user=stranger).empty
