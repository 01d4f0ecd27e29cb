"""Services: who may write, the agreement workflow, optimistic locking, history, objections,
corporation reports."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from gmr_thuis.history import history_of
from monitoring import services
from monitoring.models import AgreementStatus, ObjectionStatus, Realisation
from municipalities.models import CorporationStock
from tests import factories


def save_agreement(user, municipality, group, *, agreed=10, version=None, **extra):
    return services.local_agreement_save(
        user=user,
        municipality=municipality,
        target_group=group,
        year=2026,
        agreed_number=agreed,
        version=version,
        **extra,
    )


def test_civil_servant_creates_own_municipality_agreement(owner, westervoort, groups):
    agreement = save_agreement(
        owner, westervoort, groups["statushouders"], care_support="Begeleiding via wijkteam"
    )
    assert agreement.version == 1
    assert agreement.status == AgreementStatus.DRAFT
    assert agreement.updated_by == owner


@pytest.mark.parametrize("who", ["outsider", "steering_member", "stranger"])
def test_others_cannot_write_westervoort_agreement(request, who, westervoort, groups):
    with pytest.raises(PermissionDenied):
        save_agreement(request.getfixturevalue(who), westervoort, groups["statushouders"])


def test_outsider_cannot_change_existing_westervoort_agreement(
    owner, outsider, westervoort, groups
):
    agreement = save_agreement(owner, westervoort, groups["statushouders"], agreed=10)
    with pytest.raises(PermissionDenied):
        save_agreement(
            outsider, westervoort, groups["statushouders"], agreed=0, version=agreement.version
        )
    agreement.refresh_from_db()
    assert agreement.agreed_number == 10


def test_colleague_may_edit_owner_agreement(owner, colleague, westervoort, groups):
    agreement = save_agreement(owner, westervoort, groups["statushouders"], agreed=10)
    changed = save_agreement(colleague, westervoort, groups["statushouders"], agreed=12, version=1)
    assert (changed.pk, changed.agreed_number, changed.version) == (agreement.pk, 12, 2)


def test_second_save_with_same_loaded_version_is_refused_with_other_values(
    owner, colleague, westervoort, groups
):
    save_agreement(owner, westervoort, groups["statushouders"], agreed=10)
    # Both opened version 1; the colleague saves first.
    save_agreement(
        colleague, westervoort, groups["statushouders"], agreed=14, version=1, notes="Bob's"
    )
    with pytest.raises(services.StaleEdit) as refused:
        save_agreement(owner, westervoort, groups["statushouders"], agreed=11, version=1)
    assert refused.value.current.agreed_number == 14
    assert refused.value.current.notes == "Bob's"
    assert refused.value.changed_by == colleague
    assert Realisation.objects.count() == 0  # nothing else written by the refused save


def test_two_first_saves_of_the_same_cell_refuse_the_second(owner, colleague, westervoort, groups):
    save_agreement(owner, westervoort, groups["statushouders"], agreed=10)
    with pytest.raises(services.StaleEdit) as refused:
        save_agreement(colleague, westervoort, groups["statushouders"], agreed=20, version=None)
    assert refused.value.current.agreed_number == 10


def test_stale_realisation_save_is_refused(owner, colleague, westervoort, groups):
    def save(user, placements, version):
        return services.realisation_save(
            user=user,
            municipality=westervoort,
            target_group=groups["uitstroom-bw"],
            year=2026,
            quarter=1,
            placements=placements,
            version=version,
        )

    save(owner, 2, None)
    save(colleague, 3, 1)
    with pytest.raises(services.StaleEdit) as refused:
        save(owner, 5, 1)
    assert refused.value.current.placements == 3


def test_every_change_is_recorded_with_before_and_after(owner, colleague, westervoort, groups):
    agreement = save_agreement(owner, westervoort, groups["statushouders"], agreed=10)
    save_agreement(colleague, westervoort, groups["statushouders"], agreed=12, version=1)
    update, create = history_of(agreement)
    assert (
        create.action == "create" and create.user == owner and create.after["agreed_number"] == 10
    )
    assert update.user == colleague
    assert ("agreed_number", 10, 12) in update.changed_fields()


def test_region_approves_a_submitted_agreement(owner, project_leader, westervoort, groups):
    agreement = save_agreement(owner, westervoort, groups["statushouders"])
    agreement = services.local_agreement_transition(
        user=owner, agreement=agreement, step="submit", version=1
    )
    approved = services.local_agreement_transition(
        user=project_leader, agreement=agreement, step="approve", version=agreement.version
    )
    assert approved.status == AgreementStatus.APPROVED
    assert [c.action for c in history_of(approved)][:2] == ["transition", "transition"]
    assert history_of(approved)[0].before["status"] == "submitted"
    assert history_of(approved)[0].after["status"] == "approved"


@pytest.mark.parametrize("who", ["owner", "steering_member", "outsider"])
def test_only_the_project_leader_approves(request, who, owner, westervoort, groups):
    agreement = save_agreement(owner, westervoort, groups["statushouders"])
    agreement = services.local_agreement_transition(
        user=owner, agreement=agreement, step="submit", version=1
    )
    with pytest.raises(PermissionDenied):
        services.local_agreement_transition(
            user=request.getfixturevalue(who), agreement=agreement, step="approve", version=2
        )


def test_return_needs_a_comment_and_reopens_for_editing(owner, project_leader, westervoort, groups):
    agreement = save_agreement(owner, westervoort, groups["statushouders"])
    agreement = services.local_agreement_transition(
        user=owner, agreement=agreement, step="submit", version=1
    )
    with pytest.raises(ValidationError):
        services.local_agreement_transition(
            user=project_leader, agreement=agreement, step="return", version=2, comment=" "
        )
    returned = services.local_agreement_transition(
        user=project_leader,
        agreement=agreement,
        step="return",
        version=2,
        comment="Partners ontbreken",
    )
    assert returned.status == AgreementStatus.RETURNED
    assert returned.review_comment == "Partners ontbreken"
    edited = save_agreement(
        owner, westervoort, groups["statushouders"], agreed=9, version=returned.version
    )
    assert edited.agreed_number == 9


def test_submitted_agreement_cannot_be_edited(owner, westervoort, groups):
    agreement = save_agreement(owner, westervoort, groups["statushouders"])
    services.local_agreement_transition(user=owner, agreement=agreement, step="submit", version=1)
    with pytest.raises(ValidationError):
        save_agreement(owner, westervoort, groups["statushouders"], agreed=1, version=2)


def test_outsider_cannot_submit_westervoort_agreement(owner, outsider, westervoort, groups):
    agreement = save_agreement(owner, westervoort, groups["statushouders"])
    with pytest.raises(PermissionDenied):
        services.local_agreement_transition(
            user=outsider, agreement=agreement, step="submit", version=1
        )


def test_housing_plan_keeps_planned_forecast_and_delivered(owner, westervoort):
    plan = services.housing_plan_save(
        user=owner,
        municipality=westervoort,
        year=2026,
        kind="new_construction",
        planned=40,
        forecast=32,
        delivered=0,
        version=None,
    )
    plan = services.housing_plan_save(
        user=owner,
        municipality=westervoort,
        year=2026,
        kind="new_construction",
        planned=40,
        forecast=30,
        delivered=12,
        version=plan.version,
    )
    assert (plan.planned, plan.forecast, plan.delivered, plan.version) == (40, 30, 12, 2)


@pytest.fixture
def open_window(project_leader):
    return services.objection_window_set(
        user=project_leader, year=2026, deadline=date.today() + timedelta(days=7)
    )


def lodge(user, municipality, group=None):
    return services.objection_lodge(
        user=user,
        municipality=municipality,
        target_group=group,
        year=2026,
        reasoning="Weinig mutaties",
        figures="90 mutaties per jaar",
    )


def test_objection_lodged_before_deadline_and_decided_by_project_leader(
    open_window, owner, project_leader, westervoort, groups
):
    objection = lodge(owner, westervoort, groups["uitstroom-bw"])
    decided = services.objection_decide(
        user=project_leader, objection=objection, accepted=True, reason="Mutaties te laag"
    )
    assert decided.status == ObjectionStatus.ACCEPTED
    assert decided.decided_by == project_leader and decided.decided_at is not None
    change = history_of(decided)[0]
    assert change.comment == "Mutaties te laag" and change.after["status"] == "accepted"


def test_objection_after_deadline_is_refused(project_leader, owner, westervoort):
    services.objection_window_set(
        user=project_leader, year=2026, deadline=date.today() - timedelta(days=1)
    )
    with pytest.raises(ValidationError, match="verstreken"):
        lodge(owner, westervoort)


def test_objection_without_window_is_refused(owner, westervoort):
    with pytest.raises(ValidationError, match="geen bezwaartermijn"):
        lodge(owner, westervoort)


def test_outsider_cannot_object_for_westervoort(open_window, outsider, westervoort):
    with pytest.raises(PermissionDenied):
        lodge(outsider, westervoort)


@pytest.mark.parametrize("who", ["owner", "steering_member"])
def test_only_project_leader_decides_objections(request, who, open_window, owner, westervoort):
    objection = lodge(owner, westervoort)
    with pytest.raises(PermissionDenied):
        services.objection_decide(
            user=request.getfixturevalue(who), objection=objection, accepted=True, reason="x"
        )


def test_only_project_leader_sets_the_objection_deadline(owner):
    with pytest.raises(PermissionDenied):
        services.objection_window_set(user=owner, year=2026, deadline=date.today())


@pytest.fixture
def corporation(westervoort):
    corporation = factories.CorporationFactory(name="Vivare")
    CorporationStock.objects.create(
        corporation=corporation,
        municipality=westervoort,
        dwellings=1200,
        source="test",
        is_estimate=True,
    )
    return corporation


@pytest.fixture
def corporation_user(corporation):
    return factories.member(role="corporation", corporation=corporation, username="vivare")


def report(user, corporation, municipality, group, key=None, count=2):
    return services.allocation_report_create(
        user=user,
        corporation=corporation,
        municipality=municipality,
        target_group=group,
        date=date(2026, 2, 10),
        count=count,
        idempotency_key=key,
    )


def test_corporation_reports_where_it_owns_stock_and_a_retry_returns_the_first(
    corporation, corporation_user, westervoort, groups
):
    first, created = report(
        corporation_user, corporation, westervoort, groups["statushouders"], key="abc"
    )
    again, created_again = report(
        corporation_user, corporation, westervoort, groups["statushouders"], key="abc", count=9
    )
    assert created and not created_again
    assert again.pk == first.pk and again.count == 2
    assert first.quarter == 1
    assert history_of(first)[0].action == "create"


def test_corporation_cannot_report_where_it_owns_no_stock(
    corporation, corporation_user, nijmegen, groups
):
    with pytest.raises(ValidationError, match="geen bezit"):
        report(corporation_user, corporation, nijmegen, groups["statushouders"])


def test_civil_servant_cannot_report_for_a_corporation(corporation, owner, westervoort, groups):
    with pytest.raises(PermissionDenied):
        report(owner, corporation, westervoort, groups["statushouders"])


def test_the_project_leader_files_no_allocation_report_in_the_service_as_in_the_api(
    corporation, project_leader, westervoort, groups
):
    with pytest.raises(PermissionDenied):
        report(project_leader, corporation, westervoort, groups["statushouders"])


def test_history_reads_in_words_not_field_names_or_ids(
    owner, colleague, project_leader, westervoort, groups
):
    from django.utils import translation

    from gmr_thuis.history import readable_history

    agreement = save_agreement(owner, westervoort, groups["statushouders"], agreed=10)
    agreement = save_agreement(
        colleague, westervoort, groups["statushouders"], agreed=1200, version=1
    )
    agreement = services.local_agreement_transition(
        user=colleague, agreement=agreement, step="submit", version=agreement.version
    )
    with translation.override("nl"):
        submitted, update, create = readable_history(agreement)
    assert ("afgesproken aantal", "10", "1.200") in update.lines
    assert ("status", "concept", "ingediend") in [
        (label.lower(), before, after) for label, before, after in submitted.lines
    ]
    created = dict((label, after) for label, _before, after in create.lines)
    assert created["gemeente"] == "Westervoort"  # a name, not the id
    assert created["aandachtsgroep"] == str(groups["statushouders"])
    words = " ".join(
        " ".join(line) for change in (submitted, update, create) for line in change.lines
    )
    assert "agreed_number" not in words and "submitted" not in words
    assert str(westervoort.pk) not in created.values()
    assert create.time.tzinfo is not None and create.time.utcoffset().total_seconds() in (
        3600,
        7200,
    )
