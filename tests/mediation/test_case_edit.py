"""The case edit screen: the sending municipality (and the project leader) change an open case,
with the same personal-data checks as on registration, optimistic locking and an access log."""

from datetime import date

import pytest

from mediation import services
from mediation.models import Case, CaseAccessLog, CaseStatus

pytestmark = pytest.mark.django_db


def form_data(case, **overrides):
    data = {
        "version": case.version,
        "number": case.number,
        "target_group": case.target_group_id,
        "adults": case.adults,
        "children": case.children,
        "rooms_min": case.rooms_min,
        "rent_max": str(case.rent_max),
        "care_provider": case.care_provider,
        "care_intensity": case.care_intensity,
        "ready_from": case.ready_from.isoformat(),
        "deadline": case.deadline.isoformat(),
        "excluded_municipalities": [m.pk for m in case.excluded_municipalities.all()],
        "preference_weight": str(case.preference_weight),
        "note": case.note,
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def url(case):
    return f"/bemiddeling/casus/{case.pk}/wijzigen/"


def test_the_sending_municipality_edits_its_case(client, case, outsider):
    client.force_login(outsider)
    page = client.get(url(case))

    assert page.status_code == 200
    assert page.context["form"].initial["number"] == case.number
    assert "nooit een naam, adres, BSN" in page.content.decode()

    response = client.post(url(case), form_data(case, rooms_min=4, note="Zorg geregeld."))

    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.rooms_min, case.note, case.version) == (4, "Zorg geregeld.", 2)
    assert case.updated_by == outsider
    # The exclusion survives an edit that does not touch it.
    assert [m.name for m in case.excluded_municipalities.all()] == ["Arnhem"]


def test_the_project_leader_edits_a_case(client, case, project_leader):
    client.force_login(project_leader)
    response = client.post(url(case), form_data(case, adults=2))

    assert response.status_code == 302
    case.refresh_from_db()
    assert case.adults == 2


def test_the_case_page_links_to_the_edit_screen_for_its_editors_only(
    client, case, meeting, outsider, owner
):
    client.force_login(outsider)
    assert url(case) in client.get(f"/bemiddeling/casus/{case.pk}/").content.decode()
    client.force_login(owner)
    assert url(case) not in client.get(f"/bemiddeling/casus/{case.pk}/").content.decode()


def test_the_receiving_municipality_reads_but_does_not_edit(client, case, meeting, owner):
    client.force_login(owner)

    assert client.get(url(case)).status_code == 404
    assert client.post(url(case), form_data(case, rooms_min=1)).status_code == 404
    case.refresh_from_db()
    assert case.rooms_min == 3
    assert not CaseAccessLog.objects.filter(what="edit").exists()


def test_a_stale_edit_is_refused_in_dutch_and_keeps_the_input(client, case, outsider):
    loaded = form_data(case)
    services.case_update(
        user=outsider,
        case=case,
        values={**services_values(case), "rooms_min": 5},
        lists={},
        version=case.version,
    )
    client.force_login(outsider)
    response = client.post(url(case), {**loaded, "note": "Mijn wijziging"})

    assert response.status_code == 409
    page = response.content.decode()
    assert "Niet opgeslagen" in page
    assert "heeft dit record intussen gewijzigd" in page
    assert response.context["form"]["note"].value() == "Mijn wijziging"
    assert response.context["form"]["version"].value() == 2
    case.refresh_from_db()
    assert (case.rooms_min, case.version) == (5, 2)
    assert case.note != "Mijn wijziging"

    again = client.post(url(case), {**loaded, "version": 2, "note": "Mijn wijziging"})
    assert again.status_code == 302
    case.refresh_from_db()
    assert (case.note, case.version) == ("Mijn wijziging", 3)


def services_values(case):
    return {name: getattr(case, name) for name in services.CASE_FIELDS}


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("note", "Bel 06-12345678", "telefoonnummer"),
        ("care_provider", "zorg@example.nl", "e-mailadres"),
        ("adults", 0, "minstens één volwassene"),
        ("deadline", "2020-01-01", "vóór de datum verhuisklaar"),
    ],
)
def test_an_edit_with_bad_input_saves_nothing(client, case, outsider, field, value, message):
    client.force_login(outsider)
    response = client.post(url(case), form_data(case, **{field: value}))

    assert response.status_code == 200
    assert message in response.content.decode()
    assert Case.objects.get(pk=case.pk).version == 1


def test_a_duplicate_number_is_refused(client, case, outsider, nijmegen, group):
    from tests.mediation.conftest import case_values

    other = services.case_register(
        user=outsider,
        municipality=nijmegen,
        values=case_values(number="NIJ-2026-009", target_group=group),
        lists={},
    )
    client.force_login(outsider)
    response = client.post(url(other), form_data(other, number=case.number))

    assert "bestaat al in deze regio" in response.content.decode()
    other.refresh_from_db()
    assert other.number == "NIJ-2026-009"


def test_a_closed_case_is_not_edited(client, case, outsider):
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.REFERRED)
    client.force_login(outsider)

    page = client.get(url(case))
    assert page.context["form"] is None
    assert "wijzigen kan niet meer" in page.content.decode()
    client.post(url(case), form_data(case, rooms_min=1))
    case.refresh_from_db()
    assert case.rooms_min == 3


def test_each_look_at_the_edit_screen_is_logged(client, case, outsider):
    client.force_login(outsider)
    client.get(url(case))
    client.post(url(case), form_data(case, adults=0))

    assert list(CaseAccessLog.objects.values_list("username", "what")) == [
        ("charlie", "edit"),
        ("charlie", "edit"),
    ]


def test_date_pickers_show_their_value_in_iso(client, case, outsider, project_leader):
    """A type=date input takes only yyyy-mm-dd; the Dutch d-m-Y left the picker empty."""
    client.force_login(outsider)
    page = client.get(url(case)).content.decode()
    assert f'value="{case.ready_from.isoformat()}"' in page
    assert f'value="{case.deadline.isoformat()}"' in page

    client.force_login(project_leader)
    page = client.get("/bemiddeling/overleggen/").content.decode()
    assert f'name="date" value="{date.today().isoformat()}"' in page
