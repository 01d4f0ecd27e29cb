"""A session replayed step by step: each step shows its move and the board as it then stood,
rebuilt from the fair share by the exchanges accepted so far; the last step is the board now."""

from django.urls import reverse

from negotiation import selectors, services
from negotiation.models import BoardCell
from tests.negotiation.test_services import propose


def test_replay_rebuilds_the_board_at_every_step(
    client, solving, project_leader, owner, nijmegen_servant, places, groups
):
    first = propose(
        nijmegen_servant,
        solving,
        places["westervoort"],
        places["nijmegen"],
        groups["statushouders"],
        3,
    )
    services.exchange_decide(user=owner, exchange=first, accept=True)
    second = propose(
        owner,
        solving,
        places["nijmegen"],
        places["westervoort"],
        groups["uitstroom-bw"],
        2,
        board_version=solving.board_version + 1,
    )
    services.exchange_decide(user=nijmegen_servant, exchange=second, accept=False)

    whole = selectors.replay_at(user=project_leader, session=solving)
    now = {
        (c.municipality_id, c.target_group_id, c.year): c.number
        for c in BoardCell.objects.filter(session=solving)
    }
    assert whole["board"] == now
    steps = [
        selectors.replay_at(user=project_leader, session=solving, step=n)
        for n in range(whole["count"] + 1)
    ]
    westervoort = (places["westervoort"].pk, groups["statushouders"].pk, 2026)
    numbers = [s["board"][westervoort] for s in steps]
    assert numbers[0] == 20 and numbers[-1] == 23
    assert sorted(numbers) == numbers  # rises once, at the acceptance
    accepted_at = numbers.index(23)
    assert "aanvaardde" in steps[accepted_at]["last"]["text"]
    assert "Westervoort neemt 3" in steps[accepted_at]["last"]["text"]

    client.force_login(owner)
    url = reverse("negotiation:replay", args=[solving.pk])
    page = client.get(url, {"stap": accepted_at - 1}).content.decode()
    assert f"Stap {accepted_at - 1} van {whole['count']}" in page
    assert "volgende zet" in page
    page = client.get(url, {"stap": accepted_at}).content.decode()
    assert "aanvaardde" in page and 'id="replay-board"' in page
    assert client.get(url, {"stap": "x"}).status_code == 200
    assert "wees af" in client.get(url).content.decode()
