"""Each role's first page: what a civil servant has to do, what waits for the project leader."""

from datetime import date, timedelta

from django.urls import reverse

from monitoring import services, worklists

YEAR = 2026
MID_AUGUST = date(YEAR, 8, 15)  # quarters 1 and 2 have ended


def _agreement(user, municipality, group, agreed=5, version=None):
    return services.local_agreement_save(
        user=user,
        municipality=municipality,
        target_group=group,
        year=YEAR,
        agreed_number=agreed,
        version=version,
    )


def test_quarters_due_are_the_ended_ones():
    assert worklists.quarters_due(MID_AUGUST, YEAR) == [1, 2]
    assert worklists.quarters_due(MID_AUGUST, YEAR - 1) == [1, 2, 3, 4]
    assert worklists.quarters_due(MID_AUGUST, YEAR + 1) == []
    assert worklists.quarters_due(date(YEAR, 1, 5), YEAR) == []


def test_civil_servant_sees_what_to_fill_fix_and_report(
    approve_fair_share, owner, project_leader, westervoort, nijmegen, groups
):
    approve_fair_share(
        {
            (westervoort, "statushouders", YEAR): 10,
            (westervoort, "uitstroom-bw", YEAR): 4,
            (nijmegen, "statushouders", YEAR): 50,
        }
    )
    returned = _agreement(owner, westervoort, groups["uitstroom-bw"])
    returned = services.local_agreement_transition(
        user=owner, agreement=returned, step="submit", version=returned.version
    )
    services.local_agreement_transition(
        user=project_leader,
        agreement=returned,
        step="return",
        version=returned.version,
        comment="Graag de zorgpartners noemen",
    )
    services.realisation_save(
        user=owner,
        municipality=westervoort,
        target_group=groups["statushouders"],
        year=YEAR,
        quarter=1,
        placements=3,
        version=None,
    )

    work = worklists.municipality_work(user=owner, year=YEAR, today=MID_AUGUST)

    assert work.municipality == westervoort
    assert [row["group"].code for row in work.to_fill] == ["statushouders"]
    assert [row["group"].code for row in work.returned] == ["uitstroom-bw"]
    assert work.returned[0]["agreement"].review_comment == "Graag de zorgpartners noemen"
    assert sorted((g.code, q) for g, q in work.missing_quarters) == [
        ("statushouders", 2),
        ("uitstroom-bw", 1),
        ("uitstroom-bw", 2),
    ]
    assert work.open_tasks == 5


def test_other_roles_have_no_municipality_work(project_leader, steering_member):
    for user in (project_leader, steering_member):
        assert worklists.municipality_work(user=user, year=YEAR, today=MID_AUGUST) is None


def test_inbox_holds_submitted_agreements_lodged_objections_and_new_runs(
    approve_fair_share, owner, outsider, project_leader, westervoort, nijmegen, groups
):
    approve_fair_share(
        {(westervoort, "statushouders", YEAR): 10, (nijmegen, "statushouders", YEAR): 50}
    )
    agreement = _agreement(owner, westervoort, groups["statushouders"])
    services.local_agreement_transition(
        user=owner, agreement=agreement, step="submit", version=agreement.version
    )
    services.objection_window_set(
        user=project_leader, year=YEAR, deadline=date.today() + timedelta(days=30)
    )
    services.objection_lodge(
        user=outsider,
        municipality=nijmegen,
        target_group=groups["statushouders"],
        year=YEAR,
        reasoning="Te hoog voor ons aanbod",
    )

    box = worklists.inbox(user=project_leader, today=MID_AUGUST)

    assert [(a.municipality, a.target_group.code) for a in box.agreements] == [
        (westervoort, "statushouders")
    ]
    assert [o.municipality for o in box.objections] == [nijmegen]
    assert box.count == 2 + len(box.runs)
    # Nobody has reported the second quarter: both municipalities are behind.
    assert [m for m, _missing in box.behind] == [nijmegen, westervoort]
    assert worklists.inbox_count(project_leader) == 2
    assert worklists.inbox(user=owner, today=MID_AUGUST) is None
    assert worklists.inbox_count(owner) is None


def test_the_menu_shows_the_inbox_count_to_the_project_leader_only(
    client, approve_fair_share, owner, project_leader, westervoort, groups
):
    approve_fair_share({(westervoort, "statushouders", YEAR): 10})
    agreement = _agreement(owner, westervoort, groups["statushouders"])
    services.local_agreement_transition(
        user=owner, agreement=agreement, step="submit", version=agreement.version
    )
    client.force_login(project_leader)
    page = client.get(reverse("monitoring:dashboard")).content.decode()
    assert reverse("monitoring:inbox") in page and 'utrecht-badge-counter">1<' in page
    assert reverse("monitoring:my_municipality") not in page
    client.force_login(owner)
    page = client.get(reverse("monitoring:dashboard")).content.decode()
    assert reverse("monitoring:inbox") not in page
    assert reverse("monitoring:my_municipality") in page
