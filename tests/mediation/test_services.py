"""The mediation table's writes: bad input refused in Dutch with nothing saved, who sees a
case, the placement counted as the receiving municipality's realisation, retention."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from gmr_thuis.permissions import CHANGE, VIEW, can
from mediation import selectors, services
from mediation.models import Case, CaseStatus, Offer, Outcome
from mediation.privacy import is_bsn_like, personal_data_found
from monitoring.selectors import realised_frame
from tests.mediation.conftest import case_values, offer_values

pytestmark = pytest.mark.django_db


def _register(user, municipality, group, lists=None, **overrides):
    return services.case_register(
        user=user,
        municipality=municipality,
        values=case_values(target_group=group, **overrides),
        lists=lists or {},
    )


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"adults": 0}, "adults", "minstens één volwassene"),
        ({"deadline_shift": -40}, "deadline", "vóór de datum verhuisklaar"),
        ({"note": "BSN 111222333 bekend"}, "note", "BSN"),
        ({"note": "mail naar jan@example.nl"}, "note", "e-mailadres"),
        ({"note": "bel 06-12345678"}, "note", "telefoonnummer"),
        ({"number": "111222333"}, "number", "BSN"),
        ({"rooms_min": 0}, "rooms_min", "minstens één kamer"),
    ],
)
def test_a_bad_case_is_refused_in_dutch_and_nothing_is_saved(
    outsider, nijmegen, group, overrides, field, words
):
    shift = overrides.pop("deadline_shift", None)
    if shift is not None:
        overrides["deadline"] = timezone.localdate() + timedelta(days=shift)
    with pytest.raises(ValidationError) as caught:
        _register(outsider, nijmegen, group, **overrides)

    assert words in " ".join(caught.value.message_dict[field])
    assert Case.objects.count() == 0


def test_excluding_every_municipality_is_refused(outsider, nijmegen, westervoort, arnhem, group):
    with pytest.raises(ValidationError) as caught:
        _register(
            outsider,
            nijmegen,
            group,
            lists={"excluded_municipalities": [nijmegen, westervoort, arnhem]},
        )

    assert "Alle gemeenten" in caught.value.message_dict["excluded_municipalities"][0]
    assert Case.objects.count() == 0


def test_a_duplicate_case_number_in_the_region_is_refused(case, owner, westervoort, group):
    with pytest.raises(ValidationError) as caught:
        _register(owner, westervoort, group, number=case.number)

    assert "bestaat al" in caught.value.message_dict["number"][0]
    assert Case.objects.count() == 1


def test_a_municipality_brings_only_its_own_cases(owner, nijmegen, group):
    with pytest.raises(PermissionDenied):
        _register(owner, nijmegen, group)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"rooms": 0}, "rooms"),
        ({"rooms": -2}, "rooms"),
        ({"valid_until_shift": -1}, "valid_until"),
    ],
)
def test_a_bad_offer_is_refused_and_nothing_is_saved(
    vivare_staff, vivare, westervoort, overrides, field
):
    shift = overrides.pop("valid_until_shift", None)
    if shift is not None:
        overrides["valid_until"] = timezone.localdate() + timedelta(days=shift)
        overrides["available_from"] = overrides["valid_until"] - timedelta(days=10)
    with pytest.raises(ValidationError) as caught:
        services.offer_create(
            user=vivare_staff, corporation=vivare, values=offer_values(westervoort, **overrides)
        )

    assert field in caught.value.message_dict
    assert Offer.objects.count() == 0


def test_the_same_idempotency_key_returns_the_first_offer(vivare_staff, vivare, westervoort):
    first, created = services.offer_create(
        user=vivare_staff,
        corporation=vivare,
        values=offer_values(westervoort),
        idempotency_key="k1",
    )
    again, created_again = services.offer_create(
        user=vivare_staff,
        corporation=vivare,
        values=offer_values(westervoort),
        idempotency_key="k1",
    )

    assert (created, created_again) == (True, False)
    assert again.pk == first.pk
    assert Offer.objects.count() == 1


def test_bsn_eleven_test():
    assert is_bsn_like("111222333")
    assert not is_bsn_like("111222334")
    assert personal_data_found("Casus met drie kinderen, wacht sinds 2025.") == []


def test_who_sees_a_case(
    case,
    meeting,
    project_leader,
    outsider,
    owner,
    arnhem_staff,
    vivare_staff,
    portaal_staff,
    steering_member,
    stranger,
):
    seen = {
        name: can(user, VIEW, case)
        for name, user in {
            "project_leader": project_leader,
            "sending": outsider,
            "receiving": owner,
            "uninvited": arnhem_staff,
            "corporation_with_offer": vivare_staff,
            "corporation_without_offer": portaal_staff,
            "steering_group": steering_member,
            "stranger": stranger,
        }.items()
    }

    assert seen == {
        "project_leader": True,
        "sending": True,
        "receiving": True,
        "uninvited": False,
        "corporation_with_offer": True,
        "corporation_without_offer": False,
        "steering_group": False,
        "stranger": False,
    }
    assert can(outsider, CHANGE, case) and not can(owner, CHANGE, case)


def test_before_a_meeting_only_the_sender_and_the_project_leader_see_the_case(
    case, owner, outsider, project_leader
):
    assert [can(u, VIEW, case) for u in (owner, outsider, project_leader)] == [False, True, True]


def test_proposal_decision_and_both_confirmations_count_for_the_receiving_municipality(
    case, offer, meeting, project_leader, owner, vivare_staff, westervoort
):
    def westervoort_realised():
        frame = realised_frame(user=project_leader)
        return frame[frame["municipality_id"] == westervoort.pk]["realised"].sum()

    rows, unmatched = selectors.proposal(user=project_leader, meeting=meeting)
    assert [(r["case"].pk, r["offer"].pk) for r in rows] == [(case.pk, offer.pk)]
    assert rows[0]["score"] > 0 and rows[0]["explanation"]
    assert unmatched == []

    decision = services.decision_record(
        user=project_leader, meeting=meeting, case=case, outcome=Outcome.PLACED, offer=offer
    )
    placement = decision.placement
    before = westervoort_realised()
    with pytest.raises(PermissionDenied):
        services.placement_confirm(user=vivare_staff, placement=placement, side="municipality")
    services.placement_confirm(user=owner, placement=placement, side="municipality")
    assert westervoort_realised() == before  # one confirmation is not a placement yet
    services.placement_confirm(user=vivare_staff, placement=placement, side="corporation")

    assert westervoort_realised() == before + 1
    case.refresh_from_db()
    assert case.status == CaseStatus.PLACED and case.closed_at is not None


def test_a_placement_is_not_counted_twice_with_the_municipalitys_own_report(
    case, offer, meeting, project_leader, owner, vivare_staff, westervoort, group
):
    from monitoring import services as monitoring_services

    decision = services.decision_record(
        user=project_leader, meeting=meeting, case=case, outcome=Outcome.PLACED, offer=offer
    )
    services.placement_confirm(user=owner, placement=decision.placement, side="municipality")
    services.placement_confirm(user=vivare_staff, placement=decision.placement, side="corporation")
    today = timezone.localdate()
    monitoring_services.realisation_save(
        user=owner,
        municipality=westervoort,
        target_group=group,
        year=today.year,
        quarter=(today.month - 1) // 3 + 1,
        placements=1,
        version=None,
    )
    frame = realised_frame(user=project_leader)
    row = frame[frame["municipality_id"] == westervoort.pk].iloc[0]

    assert (row["reported"], row["via_mediation"], row["realised"]) == (1, 1, 1)


def test_a_decision_other_than_placed_needs_a_reason(case, meeting, project_leader):
    with pytest.raises(ValidationError):
        services.decision_record(
            user=project_leader, meeting=meeting, case=case, outcome=Outcome.POSTPONED
        )
    services.decision_record(
        user=project_leader, meeting=meeting, case=case, outcome=Outcome.REFERRED, reason="Zelf"
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.REFERRED


def test_only_the_project_leader_decides(case, meeting, outsider, offer):
    with pytest.raises(PermissionDenied):
        services.decision_record(
            user=outsider, meeting=meeting, case=case, outcome=Outcome.PLACED, offer=offer
        )


def test_no_feasible_offer_is_explained_per_case(outsider, nijmegen, group, project_leader, region):
    from datetime import date

    _register(outsider, nijmegen, group, number="NIJ-9", rooms_min=9)
    meeting = services.meeting_schedule(user=project_leader, region=region, on=date.today())
    rows, unmatched = selectors.proposal(user=project_leader, meeting=meeting)

    assert rows == []
    assert [u["reasons"] for u in unmatched] == [["geen aanbod op de agenda"]]


def test_an_infeasible_offer_is_named_with_its_constraint(
    outsider, nijmegen, group, project_leader, region, offer
):
    from datetime import date

    _register(outsider, nijmegen, group, number="NIJ-10", rooms_min=9)
    meeting = services.meeting_schedule(user=project_leader, region=region, on=date.today())
    rows, unmatched = selectors.proposal(user=project_leader, meeting=meeting)

    assert rows == []
    assert unmatched[0]["reasons"] == [f"te weinig kamers: {offer}"]


def test_retention_anonymises_details_and_keeps_the_counts(
    case, offer, meeting, project_leader, owner, vivare_staff, westervoort, settings, region
):
    decision = services.decision_record(
        user=project_leader, meeting=meeting, case=case, outcome=Outcome.PLACED, offer=offer
    )
    services.placement_confirm(user=owner, placement=decision.placement, side="municipality")
    services.placement_confirm(user=vivare_staff, placement=decision.placement, side="corporation")
    realised_before = realised_frame(user=project_leader)["realised"].sum()
    figures_before = selectors.figures(region=region)
    settings.GMR_MEDIATION_RETENTION_MONTHS = 6

    assert services.anonymise_closed_cases(now=timezone.now() + timedelta(days=150)) == 0
    assert services.anonymise_closed_cases(now=timezone.now() + timedelta(days=200)) == 1

    case.refresh_from_db()
    assert case.note == "" and case.care_provider == ""
    assert case.adults is None and case.children is None and case.rooms_min is None
    assert case.rent_max is None
    assert not case.excluded_municipalities.exists()
    assert not case.preferred_municipalities.exists()
    assert not case.excluded_neighbourhoods.exists()
    assert case.number.startswith("anoniem-")
    assert realised_frame(user=project_leader)["realised"].sum() == realised_before
    figures_after = selectors.figures(region=region)
    for key in ("total", "placed", "median_days", "past_deadline"):
        assert figures_after[key] == figures_before[key]
    assert figures_after["sent_received"].equals(figures_before["sent_received"])


def _district(westervoort, code, dwellings):
    from municipalities.models import Neighbourhood, NeighbourhoodFigure

    neighbourhood = Neighbourhood.objects.create(
        code=code, kind="wijk", name=f"Wijk {code[-2:]}", municipality=westervoort
    )
    NeighbourhoodFigure.objects.create(
        neighbourhood=neighbourhood,
        year=timezone.localdate().year - 1,
        indicator="dwellings",
        value=dwellings,
        source="test: invented",
        is_estimate=True,
    )
    return neighbourhood


def test_an_offer_in_a_neighbourhood_of_another_municipality_is_refused(
    vivare_staff, vivare, westervoort, nijmegen
):
    from municipalities.models import Neighbourhood

    hatert = Neighbourhood.objects.create(
        code="WK026807", kind="wijk", name="Hatert", municipality=nijmegen
    )
    with pytest.raises(ValidationError) as raised:
        services.offer_create(
            user=vivare_staff,
            corporation=vivare,
            values=offer_values(westervoort, neighbourhood=hatert),
        )
    assert raised.value.message_dict["neighbourhood"] == [
        "Hatert (WK026807) ligt niet in Westervoort."
    ]
    assert not Offer.objects.exists()


def test_a_confirmed_placement_counts_in_its_neighbourhood_s_concentration(
    case, meeting, project_leader, owner, vivare_staff, vivare, westervoort, group, region
):
    from monitoring import services as monitoring_services
    from monitoring.selectors import neighbourhood_concentration

    noord = _district(westervoort, "WK029300", 500)
    zuid = _district(westervoort, "WK029301", 500)
    offer, _created = services.offer_create(
        user=vivare_staff, corporation=vivare, values=offer_values(westervoort, neighbourhood=zuid)
    )
    meeting = services.meeting_refresh_agenda(user=project_leader, meeting=meeting)
    today = timezone.localdate()

    def placements():
        frame = neighbourhood_concentration(user=project_leader, region=region, year=today.year)
        return frame.set_index("code")["placements"].to_dict()

    assert placements() == {"WK029300": 0, "WK029301": 0}
    decision = services.decision_record(
        user=project_leader, meeting=meeting, case=case, outcome=Outcome.PLACED, offer=offer
    )
    services.placement_confirm(user=owner, placement=decision.placement, side="municipality")
    assert placements()["WK029301"] == 0  # one confirmation is not a placement yet
    services.placement_confirm(user=vivare_staff, placement=decision.placement, side="corporation")
    assert placements() == {"WK029300": 0, "WK029301": 1}

    # The municipality reports the same placement in Zuid and another one in Noord: Zuid
    # counts the larger of its report and the table's count, not their sum.
    for neighbourhood in (zuid, noord):
        monitoring_services.realisation_save(
            user=owner,
            municipality=westervoort,
            target_group=group,
            year=today.year,
            quarter=(today.month - 1) // 3 + 1,
            placements=1,
            neighbourhood=neighbourhood,
            version=None,
        )
    assert placements() == {"WK029300": 1, "WK029301": 1}


def test_the_proposal_honours_the_offers_dates_and_names_the_municipality(
    outsider, nijmegen, group, project_leader, region, vivare_staff, vivare, westervoort
):
    """The offers frame kept only rooms and rent: dates, balance and caps never reached the
    matcher, and the explanation named the municipality by its CBS code."""
    from datetime import date

    services.case_register(
        user=outsider,
        municipality=nijmegen,
        values=case_values(target_group=group),
        lists={"excluded_municipalities": [], "preferred_municipalities": [westervoort]},
    )
    late = timezone.localdate() + timedelta(days=120)
    services.offer_create(
        user=vivare_staff,
        corporation=vivare,
        values=offer_values(westervoort, available_from=late, valid_until=late + timedelta(30)),
    )
    meeting = services.meeting_schedule(user=project_leader, region=region, on=date.today())
    rows, unmatched = selectors.proposal(user=project_leader, meeting=meeting)
    assert rows == []

    services.offer_create(user=vivare_staff, corporation=vivare, values=offer_values(westervoort))
    meeting = services.meeting_refresh_agenda(user=project_leader, meeting=meeting)
    rows, _ = selectors.proposal(user=project_leader, meeting=meeting)
    assert len(rows) == 1
    assert "Westervoort is een voorkeursgemeente" in rows[0]["explanation"]
    assert westervoort.cbs_code not in rows[0]["explanation"]
    assert rows[0]["explanation"].endswith(f"score {rows[0]['score']:.2f}.".replace(".", ",", 1))


def test_the_frames_pass_every_optional_column_to_the_matcher(case, offer, region):
    on = timezone.localdate()
    cases = selectors.cases_frame([case], on=on)
    offers = selectors.offers_frame([offer], region=region, on=on)

    assert {"waited_days", "ready", "deadline", "excluded_neighbourhoods"} <= set(cases.columns)
    assert {"available_from", "valid_until", "balance", "capped_over"} <= set(offers.columns)
