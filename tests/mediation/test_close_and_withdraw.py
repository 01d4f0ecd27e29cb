"""Closing a case (the sending municipality or the project leader, with a reason; the retention
period starts) and withdrawing an offer (the offering corporation or the project leader; refused
once a decision placed a case in it)."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from mediation import selectors, services
from mediation.models import CaseAccessLog, CaseStatus, CloseReason, OfferStatus, Outcome
from tests.mediation.conftest import offer_values

pytestmark = pytest.mark.django_db


# ---- closing a case: the service ----------------------------------------------------------


def test_the_sending_municipality_closes_its_case_with_a_reason(case, outsider):
    closed = services.case_close(user=outsider, case=case, reason=CloseReason.NOT_NEEDED)

    case.refresh_from_db()
    assert closed.status == case.status == CaseStatus.CLOSED
    assert case.close_reason == "not_needed" and case.close_note == ""
    assert case.closed_at is not None
    assert case.version == 2


def test_the_project_leader_closes_a_case(case, project_leader):
    services.case_close(user=project_leader, case=case, reason=CloseReason.WITHDRAWN)

    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED


@pytest.mark.parametrize("who", ["owner", "arnhem_staff", "vivare_staff", "steering_member"])
def test_no_one_else_closes_a_case(case, meeting, request, who):
    with pytest.raises(PermissionDenied):
        services.case_close(
            user=request.getfixturevalue(who), case=case, reason=CloseReason.NOT_NEEDED
        )

    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN and case.closed_at is None


def test_other_needs_a_note_free_of_personal_data(case, outsider):
    with pytest.raises(ValidationError) as empty:
        services.case_close(user=outsider, case=case, reason=CloseReason.OTHER)
    with pytest.raises(ValidationError) as personal:
        services.case_close(
            user=outsider, case=case, reason=CloseReason.OTHER, note="Bel 06-12345678"
        )
    with pytest.raises(ValidationError) as unknown:
        services.case_close(user=outsider, case=case, reason="whatever")

    assert "anders" in empty.value.message_dict["note"][0]
    assert "persoonsgegevens" in personal.value.message_dict["note"][0]
    assert "reden" in unknown.value.message_dict["reason"][0]
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN

    services.case_close(user=outsider, case=case, reason=CloseReason.OTHER, note="Verhuisd.")
    case.refresh_from_db()
    assert (case.close_reason, case.close_note) == ("other", "Verhuisd.")
    exported = selectors.case_export(case)
    assert (exported["reden_sluiten"], exported["toelichting_sluiten"]) == ("other", "Verhuisd.")


def test_a_closed_case_cannot_be_closed_again(case, outsider):
    services.case_close(user=outsider, case=case, reason=CloseReason.NOT_NEEDED)

    with pytest.raises(ValidationError, match="al gesloten"):
        services.case_close(user=outsider, case=case, reason=CloseReason.WITHDRAWN)
    case.refresh_from_db()
    assert case.close_reason == "not_needed"


def test_a_placed_case_or_one_awaiting_confirmation_cannot_be_closed(
    case, offer, meeting, project_leader, owner, vivare_staff, outsider
):
    decision = services.decision_record(
        user=project_leader, meeting=meeting, case=case, outcome=Outcome.PLACED, offer=offer
    )
    with pytest.raises(ValidationError, match="wacht op"):
        services.case_close(user=outsider, case=case, reason=CloseReason.NOT_NEEDED)

    services.placement_confirm(user=owner, placement=decision.placement, side="municipality")
    services.placement_confirm(user=vivare_staff, placement=decision.placement, side="corporation")
    with pytest.raises(ValidationError, match="al geplaatst"):
        services.case_close(user=outsider, case=case, reason=CloseReason.NOT_NEEDED)


def test_closing_starts_the_retention_period_and_the_note_is_anonymised(case, outsider, settings):
    settings.GMR_MEDIATION_RETENTION_MONTHS = 6
    services.case_close(user=outsider, case=case, reason=CloseReason.OTHER, note="Verhuisd.")

    assert services.anonymise_closed_cases(now=timezone.now() + timedelta(days=150)) == 0
    assert services.anonymise_closed_cases(now=timezone.now() + timedelta(days=200)) == 1
    case.refresh_from_db()
    assert case.close_note == "" and case.note == ""
    assert case.close_reason == "other"


def test_a_closed_case_leaves_the_proposal(case, offer, meeting, outsider, project_leader):
    assert [row["case"] for row in selectors.proposal(user=project_leader, meeting=meeting)[0]]

    services.case_close(user=outsider, case=case, reason=CloseReason.PLACED_ELSEWHERE)

    assert selectors.proposal(user=project_leader, meeting=meeting) == ([], [])


# ---- closing a case: the screen -----------------------------------------------------------


def test_the_close_screen_confirms_then_closes(client, case, outsider, settings):
    settings.GMR_MEDIATION_RETENTION_MONTHS = 6
    client.force_login(outsider)
    page = client.get(f"/bemiddeling/casus/{case.pk}/").content.decode()
    assert f"/bemiddeling/casus/{case.pk}/sluiten/" in page

    form = client.get(f"/bemiddeling/casus/{case.pk}/sluiten/")
    assert "6 maanden na sluiten worden de gegevens geanonimiseerd" in form.content.decode()

    unconfirmed = client.post(f"/bemiddeling/casus/{case.pk}/sluiten/", {"reason": "not_needed"})
    assert unconfirmed.status_code == 200
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN

    response = client.post(
        f"/bemiddeling/casus/{case.pk}/sluiten/",
        {"reason": "not_needed", "confirm": "on"},
        follow=True,
    )
    html = response.content.decode()
    assert "Casus NIJ-2026-001 gesloten (niet meer nodig)" in html
    assert "over 6 maanden geanonimiseerd" in html
    assert 'id="case-close-reason">niet meer nodig' in html
    assert f"/bemiddeling/casus/{case.pk}/sluiten/" not in html
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    listing = client.get("/bemiddeling/").content.decode()
    assert "gesloten (niet meer nodig)" in listing


def test_each_look_at_the_close_screen_is_logged(client, case, outsider):
    client.force_login(outsider)
    client.get(f"/bemiddeling/casus/{case.pk}/sluiten/")
    client.post(f"/bemiddeling/casus/{case.pk}/sluiten/", {"reason": "not_needed", "confirm": "on"})

    assert list(CaseAccessLog.objects.filter(what="close").values_list("username", flat=True)) == [
        "charlie",
        "charlie",
    ]


def test_the_close_screen_refuses_a_closed_case_clearly(client, case, outsider):
    services.case_close(user=outsider, case=case, reason=CloseReason.NOT_NEEDED)
    client.force_login(outsider)

    page = client.get(f"/bemiddeling/casus/{case.pk}/sluiten/")
    assert "Deze casus is al gesloten." in page.content.decode()
    again = client.post(
        f"/bemiddeling/casus/{case.pk}/sluiten/",
        {"reason": "withdrawn", "confirm": "on"},
        follow=True,
    )
    assert "Deze casus is al gesloten." in again.content.decode()
    case.refresh_from_db()
    assert case.close_reason == "not_needed"


def test_the_close_screen_shows_a_personal_data_error(client, case, outsider):
    client.force_login(outsider)
    response = client.post(
        f"/bemiddeling/casus/{case.pk}/sluiten/",
        {"reason": "other", "note": "mail a@b.nl", "confirm": "on"},
    )

    assert response.status_code == 200
    assert "persoonsgegevens" in response.content.decode()
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN


def test_an_invited_municipality_may_read_but_not_close(client, case, meeting, owner):
    client.force_login(owner)

    assert "/sluiten/" not in client.get(f"/bemiddeling/casus/{case.pk}/").content.decode()
    assert client.get(f"/bemiddeling/casus/{case.pk}/sluiten/").status_code == 404


# ---- withdrawing an offer -----------------------------------------------------------------


def test_the_corporation_withdraws_its_offer(offer, vivare_staff):
    services.offer_withdraw(user=vivare_staff, offer=offer)

    offer.refresh_from_db()
    assert offer.status == OfferStatus.WITHDRAWN


def test_the_project_leader_withdraws_an_offer(offer, project_leader):
    services.offer_withdraw(user=project_leader, offer=offer)

    offer.refresh_from_db()
    assert offer.status == OfferStatus.WITHDRAWN


@pytest.mark.parametrize("who", ["owner", "outsider", "portaal_staff", "steering_member"])
def test_no_one_else_withdraws_an_offer(offer, request, who):
    with pytest.raises(PermissionDenied):
        services.offer_withdraw(user=request.getfixturevalue(who), offer=offer)

    offer.refresh_from_db()
    assert offer.status == OfferStatus.AVAILABLE


def test_an_offer_in_a_decision_cannot_be_withdrawn(
    case, offer, meeting, project_leader, vivare_staff
):
    services.decision_record(
        user=project_leader, meeting=meeting, case=case, outcome=Outcome.PLACED, offer=offer
    )

    with pytest.raises(ValidationError, match="al een casus in deze woning geplaatst"):
        services.offer_withdraw(user=vivare_staff, offer=offer)
    offer.refresh_from_db()
    assert offer.status == OfferStatus.PLACED


def test_withdrawing_twice_is_refused(offer, vivare_staff):
    services.offer_withdraw(user=vivare_staff, offer=offer)

    with pytest.raises(ValidationError, match="al ingetrokken"):
        services.offer_withdraw(user=vivare_staff, offer=offer)


def test_a_withdrawn_offer_leaves_the_proposals_and_future_agendas(
    case, offer, meeting, project_leader, region, vivare_staff, vivare, westervoort
):
    later = services.meeting_schedule(
        user=project_leader, region=region, on=timezone.localdate() + timedelta(days=7)
    )
    other, _created = services.offer_create(
        user=vivare_staff, corporation=vivare, values=offer_values(westervoort, rooms=4)
    )
    services.meeting_refresh_agenda(user=project_leader, meeting=later)
    assert {o.pk for o in later.offers.all()} == {offer.pk, other.pk}

    services.offer_withdraw(user=vivare_staff, offer=offer)

    rows, _unmatched = selectors.proposal(user=project_leader, meeting=meeting)
    assert [row["offer"] for row in rows] == []  # today's meeting: only `offer` was on it
    rows, _unmatched = selectors.proposal(user=project_leader, meeting=later)
    assert [row["offer"].pk for row in rows] == [other.pk]
    assert {o.pk for o in later.offers.all()} == {other.pk}
    assert offer in meeting.offers.all()  # today's agenda keeps it, marked withdrawn
    services.meeting_refresh_agenda(user=project_leader, meeting=later)
    assert {o.pk for o in later.offers.all()} == {other.pk}


def test_a_decision_cannot_place_a_case_in_a_withdrawn_offer(
    case, offer, meeting, project_leader, vivare_staff
):
    stale = type(offer).objects.get(pk=offer.pk)  # loaded before the withdrawal
    services.offer_withdraw(user=vivare_staff, offer=offer)

    with pytest.raises(ValidationError):
        services.decision_record(
            user=project_leader, meeting=meeting, case=case, outcome=Outcome.PLACED, offer=stale
        )
    assert not meeting.decisions.exists()


def test_the_offers_list_has_a_withdraw_button_for_the_offering_corporation(
    client, offer, vivare_staff, owner
):
    url = f"/bemiddeling/woningen/{offer.pk}/intrekken/"
    client.force_login(owner)
    assert url not in client.get("/bemiddeling/woningen/").content.decode()
    assert client.post(url).status_code in (403, 404)

    client.force_login(vivare_staff)
    assert url in client.get("/bemiddeling/woningen/").content.decode()
    response = client.post(url, follow=True)
    html = response.content.decode()
    assert "Woning ingetrokken" in html
    assert url not in html
    offer.refresh_from_db()
    assert offer.status == OfferStatus.WITHDRAWN

    again = client.post(url, follow=True)
    assert "al ingetrokken" in again.content.decode()


def test_the_close_screen_and_its_messages_read_in_english(client, case, outsider, settings):
    from django.conf import settings as django_settings
    from django.utils import translation

    settings.GMR_MEDIATION_RETENTION_MONTHS = 6
    client.force_login(outsider)
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"

    page = client.get(f"/bemiddeling/casus/{case.pk}/sluiten/").content.decode()
    assert "Close case NIJ-2026-001" in page
    assert "6 months after closing its details are anonymised" in page
    assert "no longer needed" in page and "withdrawn by the care party" in page
    closed = client.post(
        f"/bemiddeling/casus/{case.pk}/sluiten/",
        {"reason": "not_needed", "confirm": "on"},
        follow=True,
    ).content.decode()
    assert "Case NIJ-2026-001 closed (no longer needed)" in closed
    with translation.override("en"), pytest.raises(ValidationError, match="already been closed"):
        services.case_close(user=outsider, case=case, reason=CloseReason.NOT_NEEDED)


def test_a_case_awaiting_confirmation_offers_no_close(
    client, case, offer, meeting, project_leader, outsider
):
    services.decision_record(
        user=project_leader, meeting=meeting, case=case, outcome=Outcome.PLACED, offer=offer
    )
    client.force_login(outsider)

    assert "/sluiten/" not in client.get(f"/bemiddeling/casus/{case.pk}/").content.decode()
    page = client.get(f"/bemiddeling/casus/{case.pk}/sluiten/").content.decode()
    assert "wacht op bevestiging" in page and "case-close-form" not in page
