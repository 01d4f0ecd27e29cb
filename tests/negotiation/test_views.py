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
    assert book.sheetnames == ["Uitkomst", "Uitruilen", "Draagvlak en eerlijkheid", "Bouwstenen"]
    assert book["Uitkomst"].max_row == 7
    labels = [row[0] for row in book["Draagvlak en eerlijkheid"].iter_rows(values_only=True)]
    assert "na ronde Inzicht" in labels and "na ronde Oplossen" in labels
    assert "uitkomst" in labels and "Draagvlak" in labels


def test_export_lists_the_building_blocks(client, solving, owner, nijmegen_servant, places, groups):
    from io import BytesIO

    from openpyxl import load_workbook

    from tests.negotiation.test_services import propose

    propose(
        nijmegen_servant,
        solving,
        places["nijmegen"],
        places["westervoort"],
        groups["statushouders"],
        2,
        block={"title": "Tiny houses", "kind": "new_construction", "homes_added": 6},
    )
    client.force_login(owner)
    response = client.get(reverse("negotiation:export", args=[solving.pk]))
    rows = list(load_workbook(BytesIO(response.content))["Bouwstenen"].iter_rows(values_only=True))
    assert rows[1][0] == "Tiny houses" and rows[1][2] == "Westervoort" and rows[1][5] == 6


def test_board_shows_a_card_per_group(client, session, owner, groups):
    client.force_login(owner)
    html = client.get(reverse("negotiation:board", args=[session.pk])).content.decode()
    assert 'id="group-cards"' in html
    assert 'id="kaart-statushouders"' in html and 'id="kaart-uitstroom-bw"' in html
    assert "Regio: fair share / onderhandeld" in html


def test_presentation_shows_map_totals_round_and_timer(client, session, project_leader):
    services.round_open(user=project_leader, session=session, kind=RoundKind.INSIGHT, minutes=10)
    client.force_login(project_leader)
    url = reverse("negotiation:presentation", args=[session.pk])
    for html in (
        client.get(url).content.decode(),
        client.get(url + "?fragment=1").content.decode(),
    ):
        assert 'data-chart="board-map-data"' in html
        assert "Regionale totalen per groep" in html
        assert "Inzicht" in html
        assert "data-timer" in html


def test_the_adopted_target_is_justified_on_the_local_agreement_page(
    client, solving, project_leader, owner, nijmegen_servant, duiven_servant, places, groups
):
    from allocation.services import allocation_run_approve
    from tests.negotiation.test_services import play_to_the_end, propose

    allocation_run_approve(user=project_leader, run=solving.run)
    exchange = propose(
        nijmegen_servant,
        solving,
        places["nijmegen"],
        places["westervoort"],
        groups["statushouders"],
        4,
        block={"title": "Flexwoningen De Liemers", "kind": "new_construction", "homes_added": 6},
    )
    services.exchange_decide(user=owner, exchange=exchange, accept=True)
    play_to_the_end(
        solving,
        project_leader,
        [
            (owner, places["westervoort"]),
            (nijmegen_servant, places["nijmegen"]),
            (duiven_servant, places["duiven"]),
        ],
    )
    services.session_adopt(user=project_leader, session=solving)
    client.force_login(owner)
    url = reverse("monitoring:agreement", args=["westervoort", 2026, "statushouders"])
    response = client.get(url)
    content = response.content.decode()
    justification = response.context["justification"]

    assert (justification["fair_share"], justification["number"]) == (20, 16)
    assert "Onderbouwing van het doel" in content
    assert "Nijmegen neemt 4 Groep statushouders over van Westervoort (2026)" in content
    assert "Flexwoningen De Liemers" in content
    assert reverse("negotiation:report", args=[solving.pk]) in content
    # A group no exchange touched keeps its fair share, still from the adopted agreement.
    other = client.get(reverse("monitoring:agreement", args=["westervoort", 2026, "uitstroom-bw"]))
    assert "Geen uitruil: het doel is de fair share." in other.content.decode()


def test_a_practice_session_lets_one_workshop_player_play_several(
    client, project_leader, run, places, owner
):
    client.force_login(project_leader)
    data = {
        "name": "Workshop",
        "run": run.pk,
        "level": "ambtelijk",
        "municipalities": [m.pk for m in places.values()],
        "fairness_band": "0.25",
        f"player_{places['nijmegen'].pk}": owner.pk,
        f"player_{places['duiven'].pk}": owner.pk,
    }
    refused = client.post(reverse("negotiation:session_create"), data)
    assert refused.status_code == 200
    assert "Spelers kies je alleen voor een oefensessie." in refused.content.decode()
    assert not Session.objects.exists()

    response = client.post(reverse("negotiation:session_create"), {**data, "is_practice": "on"})
    session = Session.objects.get()
    assert response.status_code == 302 and session.is_practice
    assert [
        services.acts_for(owner, session, m.pk)
        for m in (places["nijmegen"], places["duiven"], places["westervoort"])
    ] == [True, True, False]
    # Westervoort has no player: the facilitator plays it.
    assert services.acts_for(project_leader, session, places["westervoort"].pk)
    client.force_login(owner)
    assert client.get(reverse("negotiation:board", args=[session.pk])).status_code == 200


def test_a_practice_session_s_building_blocks_are_not_real_ones(
    project_leader, practice_with_block, owner
):
    from negotiation import selectors

    session = practice_with_block
    assert session.building_blocks.count() == 1
    assert not selectors.building_blocks(user=project_leader).exists()


def test_a_move_on_a_stale_board_is_refused_in_dutch_through_the_view(
    client, solving, owner, nijmegen_servant, places, groups
):
    from tests.negotiation.test_services import propose

    first = propose(
        owner, solving, places["westervoort"], places["nijmegen"], groups["statushouders"], 2
    )
    second = propose(
        owner, solving, places["westervoort"], places["nijmegen"], groups["uitstroom-bw"], 1
    )
    seen = solving.board_version
    services.exchange_decide(user=nijmegen_servant, exchange=first, accept=True)
    client.force_login(nijmegen_servant)
    response = client.post(
        reverse("negotiation:move", args=[solving.pk]),
        {"move": "accept", "exchange": second.pk, "board_version": seen},
        follow=True,
    )
    assert "Het bord is intussen veranderd" in response.content.decode()
    second.refresh_from_db()
    assert second.status == "proposed"
    cell = BoardCell.objects.get(
        session=solving, municipality=places["westervoort"], target_group=groups["uitstroom-bw"]
    )
    assert cell.number == 8
