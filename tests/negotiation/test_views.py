"""The negotiation screens: a session opened, played and adopted through the views."""

import pytest
from django.urls import reverse

from negotiation import services
from negotiation.models import BoardCell, RoundKind, Session


def test_project_leader_opens_a_session(client, project_leader, run, places):
    client.force_login(project_leader)
    response = client.post(
        reverse("negotiation:session_create"),
        {
            "name": "Tafel",
            "run": run.pk,
            "level": "bestuurlijk",
            "municipalities": [m.pk for m in places.values()],
            "fairness_band": "0.25",
        },
    )
    session = Session.objects.get()
    assert response.status_code == 302
    assert session.cells.count() == 6
    page = client.get(reverse("negotiation:board", args=[session.pk]))
    assert page.status_code == 200
    assert "Regionale totalen per groep" in page.content.decode()


def test_civil_servant_may_not_open_a_session(client, owner, run):
    client.force_login(owner)
    assert client.get(reverse("negotiation:session_create")).status_code == 403


def test_outsider_gets_404(client, session, stranger):
    client.force_login(stranger)
    assert client.get(reverse("negotiation:board", args=[session.pk])).status_code == 404


def test_moves_through_the_views(client, solving, owner, nijmegen_servant, places, groups):
    client.force_login(nijmegen_servant)
    response = client.post(
        reverse("negotiation:move", args=[solving.pk]),
        {
            "move": "propose",
            "taker": places["westervoort"].pk,
            "giver": places["nijmegen"].pk,
            "group": groups["statushouders"].pk,
            "amount": "2,5",
            "year": 2026,
            "board_version": solving.board_version,
        },
        follow=True,
    )
    assert "geheel getal" in response.content.decode()
    assert not solving.exchanges.exists()
    client.post(
        reverse("negotiation:move", args=[solving.pk]),
        {
            "move": "propose",
            "taker": places["westervoort"].pk,
            "giver": places["nijmegen"].pk,
            "group": groups["statushouders"].pk,
            "amount": "3",
            "year": 2026,
            "board_version": solving.board_version,
        },
    )
    exchange = solving.exchanges.get()
    client.force_login(owner)
    client.post(
        reverse("negotiation:move", args=[solving.pk]),
        {"move": "accept", "exchange": exchange.pk, "board_version": solving.board_version},
    )
    cell = BoardCell.objects.get(
        session=solving, municipality=places["westervoort"], target_group=groups["statushouders"]
    )
    assert cell.number == 23
    fragment = client.get(reverse("negotiation:board", args=[solving.pk]) + "?fragment=1")
    assert 'data-board-version="2"' in fragment.content.decode()


def test_delegation_may_not_open_rounds(client, session, owner):
    client.force_login(owner)
    response = client.post(
        reverse("negotiation:facilitate", args=[session.pk]),
        {"action": "open", "round": RoundKind.INSIGHT},
    )
    assert response.status_code == 403


@pytest.mark.parametrize("name", ["presentation", "replay", "report", "export", "state"])
def test_read_pages_for_an_observer(client, session, steering_member, name):
    client.force_login(steering_member)
    url = reverse(f"negotiation:{name}", args=[session.pk])
    assert client.get(url).status_code == 404  # not (yet) an observer of this session
    session.observers.add(steering_member)
    assert client.get(url).status_code == 200


def test_export_has_the_outcome(client, solving, project_leader):
    from io import BytesIO

    from openpyxl import load_workbook

    services.round_close(user=project_leader, session=solving, kind=RoundKind.SOLVE)
    client.force_login(project_leader)
    response = client.get(reverse("negotiation:export", args=[solving.pk]))
    book = load_workbook(BytesIO(response.content))
    assert book.sheetnames == ["Uitkomst", "Uitruilen", "Draagvlak en eerlijkheid"]
    assert book["Uitkomst"].max_row == 7
