"""Mail to whoever has to act next, sent once the decision is stored."""

from datetime import date, timedelta

from monitoring import services

YEAR = 2026


def _submitted(owner, westervoort, group):
    agreement = services.local_agreement_save(
        user=owner,
        municipality=westervoort,
        target_group=group,
        year=YEAR,
        agreed_number=5,
        version=None,
    )
    return services.local_agreement_transition(
        user=owner, agreement=agreement, step="submit", version=agreement.version
    )


def test_a_submitted_agreement_is_mailed_to_the_project_leader(
    owner,
    project_leader,
    outsider,
    westervoort,
    groups,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        _submitted(owner, westervoort, groups["statushouders"])

    assert [mail.to for mail in mailoutbox] == [[project_leader.email]]
    assert "Westervoort" in mailoutbox[0].subject
    assert "/monitoring/gemeente/westervoort/2026/afspraak/statushouders/" in mailoutbox[0].body


def test_a_returned_agreement_is_mailed_to_the_municipalitys_civil_servants_only(
    owner, colleague, outsider, project_leader, westervoort, groups, mailoutbox,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    agreement = _submitted(owner, westervoort, groups["statushouders"])
    with django_capture_on_commit_callbacks(execute=True):
        services.local_agreement_transition(
            user=project_leader,
            agreement=agreement,
            step="return",
            version=agreement.version,
            comment="Noem de zorgpartners",
        )

    assert sorted(mailoutbox[-1].to) == sorted([owner.email, colleague.email])
    assert outsider.email not in mailoutbox[-1].to
    assert "Noem de zorgpartners" in mailoutbox[-1].body
    assert "teruggestuurd" in mailoutbox[-1].subject.lower()


def test_an_objection_and_its_decision_are_mailed(
    owner, project_leader, westervoort, groups, mailoutbox, django_capture_on_commit_callbacks
):
    services.objection_window_set(
        user=project_leader, year=YEAR, deadline=date.today() + timedelta(days=10)
    )
    with django_capture_on_commit_callbacks(execute=True):
        objection = services.objection_lodge(
            user=owner,
            municipality=westervoort,
            target_group=None,
            year=YEAR,
            reasoning="Te weinig mutaties",
        )
    assert mailoutbox[-1].to == [project_leader.email]
    with django_capture_on_commit_callbacks(execute=True):
        services.objection_decide(
            user=project_leader, objection=objection, accepted=False, reason="Cijfers kloppen"
        )
    assert mailoutbox[-1].to == [owner.email]
    assert "afgewezen" in mailoutbox[-1].body and "Cijfers kloppen" in mailoutbox[-1].body


def test_a_refused_step_sends_nothing(owner, outsider, westervoort, groups, mailoutbox):
    import pytest
    from django.core.exceptions import PermissionDenied

    agreement = services.local_agreement_save(
        user=owner, municipality=westervoort, target_group=groups["statushouders"],
        year=YEAR, agreed_number=5, version=None,
    )  # fmt: skip
    with pytest.raises(PermissionDenied):
        services.local_agreement_transition(
            user=outsider, agreement=agreement, step="submit", version=agreement.version
        )
    assert mailoutbox == []
