"""Fairness per round and at the end: each closed round keeps the board's figures; the board
and the report show them next to the fair share, with the Lorenz curve as a chart and table."""

from django.urls import reverse

from negotiation import services
from negotiation.models import RoundKind
from tests.negotiation.test_services import propose


def test_each_round_keeps_its_fairness_and_the_end_is_stated(
    client, solving, project_leader, owner, nijmegen_servant, places, groups
):
    insight = solving.rounds.get(kind=RoundKind.INSIGHT)
    assert insight.fairness["total_deviation"] == 0
    assert insight.fairness["gini"] == insight.fairness["fair_gini"]
    exchange = propose(
        nijmegen_servant,
        solving,
        places["westervoort"],
        places["nijmegen"],
        groups["statushouders"],
        4,
    )
    services.exchange_decide(user=owner, exchange=exchange, accept=True)
    services.round_close(user=project_leader, session=solving, kind=RoundKind.SOLVE)
    solve = solving.rounds.get(kind=RoundKind.SOLVE)
    assert solve.fairness["total_deviation"] == 4
    assert solve.fairness["largest"]["deviation"] in (4, -4)
    assert solve.fairness["gini"] != solve.fairness["fair_gini"]

    client.force_login(project_leader)
    for name in ("board", "report"):
        html = client.get(reverse(f"negotiation:{name}", args=[solving.pk])).content.decode()
        assert 'id="fairness-rounds"' in html
        assert "Na de ronde Inzicht" in html and "Na de ronde Oplossen" in html
        assert "Het bord nu" in html
        assert 'id="lorenz-data"' in html  # the chart's figure
        assert "Lorenzcurve van de last per 1.000 inwoners" in html
        assert "De gegevens van deze grafiek als tabel" in html  # its table alternative


def test_adoption_keeps_the_last_rounds_fairness(
    client, solving, project_leader, owner, nijmegen_servant, places
):
    services.round_close(user=project_leader, session=solving, kind=RoundKind.SOLVE)
    services.round_open(user=project_leader, session=solving, kind=RoundKind.AGREE)
    for servant, place in ((owner, "westervoort"), (nijmegen_servant, "nijmegen")):
        services.consent_give(
            user=servant, session=solving, municipality_id=places[place].pk, agrees=True
        )
    from tests.factories import member

    dora = member(role="civil_servant", municipality=places["duiven"], username="dora2")
    services.consent_give(
        user=dora, session=solving, municipality_id=places["duiven"].pk, agrees=True
    )
    services.session_adopt(user=project_leader, session=solving)
    assert solving.rounds.get(kind=RoundKind.AGREE).fairness is not None
    client.force_login(project_leader)
    html = client.get(reverse("negotiation:report", args=[solving.pk])).content.decode()
    assert "Vastgestelde uitkomst" in html
