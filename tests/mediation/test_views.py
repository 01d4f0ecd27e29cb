"""The mediation screens: each look at a case leaves one access-log entry; the project leader
reads the log; the export answers an access request; the figures reach monitoring."""

import json

import pytest

from mediation import services
from mediation.models import CaseAccessLog, Outcome

pytestmark = pytest.mark.django_db


def test_each_view_of_a_case_leaves_one_entry(client, case, meeting, outsider, owner):
    client.force_login(owner)
    client.get(f"/bemiddeling/casus/{case.pk}/")

    assert list(CaseAccessLog.objects.values_list("username", "what")) == [("alice", "detail")]

    client.get(f"/bemiddeling/overleggen/{meeting.pk}/")
    client.force_login(outsider)
    client.get(f"/bemiddeling/casus/{case.pk}/gegevens.json")

    assert sorted(CaseAccessLog.objects.values_list("username", "what")) == [
        ("alice", "agenda"),
        ("alice", "detail"),
        ("charlie", "export"),
    ]


def test_a_refused_look_leaves_no_entry(client, case, arnhem_staff):
    client.force_login(arnhem_staff)

    assert client.get(f"/bemiddeling/casus/{case.pk}/").status_code == 404
    assert not CaseAccessLog.objects.exists()


def test_only_the_project_leader_reads_the_access_log(client, case, meeting, project_leader, owner):
    client.force_login(owner)
    assert client.get(f"/bemiddeling/casus/{case.pk}/").context["access_log"] is None
    client.force_login(project_leader)
    log = client.get(f"/bemiddeling/casus/{case.pk}/").context["access_log"]

    assert [entry.username for entry in log] == ["projectleider", "alice"]


def test_the_export_holds_the_cases_data(client, case, outsider):
    client.force_login(outsider)
    data = json.loads(client.get(f"/bemiddeling/casus/{case.pk}/gegevens.json").content)

    assert data["casusnummer"] == case.number
    assert data["volwassenen"] == 1
    assert data["uitgesloten_gemeenten"] == ["Arnhem"]


def test_the_register_form_warns_against_personal_data(client, outsider):
    client.force_login(outsider)
    response = client.get("/bemiddeling/casus/nieuw/")

    assert "nooit een naam, adres, BSN, geboortedatum" in response.content.decode()


def test_a_form_with_a_bsn_in_the_note_saves_nothing(client, outsider, group):
    client.force_login(outsider)
    response = client.post(
        "/bemiddeling/casus/nieuw/",
        {
            "number": "NIJ-7",
            "target_group": group.pk,
            "adults": 1,
            "children": 0,
            "rooms_min": 2,
            "rent_max": "700",
            "ready_from": "2026-01-01",
            "deadline": "2027-01-01",
            "preference_weight": "1",
            "note": "BSN 111222333",
        },
    )

    assert response.status_code == 200
    assert "BSN-achtig nummer" in response.content.decode()
    from mediation.models import Case

    assert not Case.objects.exists()


def test_minutes_export_as_xlsx(client, case, meeting, project_leader, offer):
    services.decision_record(
        user=project_leader, meeting=meeting, case=case, outcome=Outcome.PLACED, offer=offer
    )
    client.force_login(project_leader)
    response = client.get(f"/bemiddeling/overleggen/{meeting.pk}/verslag.xlsx")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_dashboard_and_report_show_the_tables_figures(
    client, case, meeting, project_leader, owner, vivare_staff, offer, steering_member
):
    decision = services.decision_record(
        user=project_leader, meeting=meeting, case=case, outcome=Outcome.PLACED, offer=offer
    )
    services.placement_confirm(user=owner, placement=decision.placement, side="municipality")
    services.placement_confirm(user=vivare_staff, placement=decision.placement, side="corporation")
    client.force_login(steering_member)
    page = client.get("/monitoring/").content.decode()

    assert 'id="report-mediation"' in page
    assert 'data-municipality="westervoort"><th scope="row">Westervoort</th>' in page
    assert case.number not in page
