"""The minutes of a meeting as a PDF: agenda, decisions with reasons, confirmations, by
pseudonymous case number only, every case looked at on record."""

import re
import zlib

import pytest

from mediation import services
from mediation.minutes_pdf import latin1
from mediation.models import CaseAccessLog, Outcome
from tests.mediation.conftest import case_values

pytestmark = pytest.mark.django_db


def pdf_text(body: bytes) -> str:
    """The text a PDF shows, from its (Flate-compressed or plain) content streams."""
    shown = []
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", body, re.S):
        try:
            stream = zlib.decompress(stream)
        except zlib.error:
            pass
        for literal in re.findall(rb"\(((?:\\.|[^\\)])*)\)\s*Tj", stream):
            shown.append(re.sub(rb"\\(.)", rb"\1", literal).decode("latin-1"))
    return "\n".join(shown)


@pytest.fixture
def decided(case, meeting, project_leader, outsider, nijmegen, group, offer, owner):
    second = services.case_register(
        user=outsider,
        municipality=nijmegen,
        values=case_values(number="NIJ-2026-002", target_group=group),
        lists={},
    )
    services.meeting_refresh_agenda(user=project_leader, meeting=meeting)
    decision = services.decision_record(
        user=project_leader, meeting=meeting, case=case, outcome=Outcome.PLACED, offer=offer
    )
    services.decision_record(
        user=project_leader,
        meeting=meeting,
        case=second,
        outcome=Outcome.POSTPONED,
        reason="Zorg pas in maart rond; huur max € 800",
    )
    services.placement_confirm(user=owner, placement=decision.placement, side="municipality")
    return meeting, case, second


def test_the_minutes_download_as_a_pdf_with_agenda_decisions_and_confirmations(
    client, decided, project_leader
):
    meeting, case, second = decided
    client.force_login(project_leader)
    response = client.get(f"/bemiddeling/overleggen/{meeting.pk}/verslag.pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content)
    for expected in (
        "Agenda: casussen",
        case.number,
        second.number,
        "Besluiten",
        "geplaatst",
        "aangehouden",
        "Zorg pas in maart rond; huur max EUR 800",
        "Bevestigingen",
        "Westervoort",
        "Vivare",
        "nog niet",
    ):
        assert expected in text, expected


def test_the_pdf_names_no_case_details(client, decided, project_leader):
    meeting, case, _second = decided
    client.force_login(project_leader)
    text = pdf_text(client.get(f"/bemiddeling/overleggen/{meeting.pk}/verslag.pdf").content)

    assert case.note not in text
    assert "Iriszorg" not in text


def test_each_case_in_the_pdf_is_on_record(client, decided, owner):
    meeting, case, second = decided
    CaseAccessLog.objects.all().delete()
    client.force_login(owner)
    client.get(f"/bemiddeling/overleggen/{meeting.pk}/verslag.pdf")

    minutes = CaseAccessLog.objects.filter(what=CaseAccessLog.What.MINUTES, username="alice")
    assert sorted(minutes.values_list("case__number", flat=True)) == [case.number, second.number]


def test_an_uninvited_municipality_gets_no_pdf(client, decided, arnhem_staff):
    meeting, _case, _second = decided
    client.force_login(arnhem_staff)

    assert client.get(f"/bemiddeling/overleggen/{meeting.pk}/verslag.pdf").status_code == 404


def test_text_outside_latin1_is_approximated_not_dropped():
    assert latin1("Zoë’s € 800 – Dvořák → ok") == "Zoë's EUR 800 - Dvorák -> ok"
    assert latin1("Ωmega") == "?mega"
    assert latin1(None) == ""
