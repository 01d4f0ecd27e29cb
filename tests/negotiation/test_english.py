"""The services' refusals are Dutch first and English when the user reads in English."""

import pytest
from django.utils import translation

from negotiation import services
from negotiation.models import Exchange
from tests.negotiation.test_services import propose


@pytest.mark.parametrize(
    ("language", "text"),
    [("nl", "geheel getal van 0 of meer"), ("en", "must be a whole number of 0 or more")],
)
def test_a_refused_exchange_speaks_the_users_language(
    solving, nijmegen_servant, places, groups, language, text
):
    with translation.override(language), pytest.raises(services.NegotiationError) as refused:
        propose(
            nijmegen_servant,
            solving,
            places["westervoort"],
            places["nijmegen"],
            groups["statushouders"],
            -2,
        )
    assert text in refused.value.messages[0]
    assert not Exchange.objects.exists()


def test_stale_board_in_english(solving, nijmegen_servant, places, groups):
    with translation.override("en"), pytest.raises(services.NegotiationError) as refused:
        propose(
            nijmegen_servant,
            solving,
            places["westervoort"],
            places["nijmegen"],
            groups["statushouders"],
            2,
            board_version=solving.board_version + 5,
        )
    assert "The board has changed in the meantime" in refused.value.messages[0]


def test_the_move_view_shows_the_refusal_in_english(client, solving, nijmegen_servant, places):
    client.force_login(nijmegen_servant)
    client.cookies["django_language"] = "en"
    response = client.post(
        f"/onderhandeling/{solving.pk}/zet/",
        {"move": "consent", "municipality": places["nijmegen"].pk, "agrees": "1"},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "The round Agreements is not open." in response.content.decode()
