"""At administrative level (bestuurlijk) a municipality speaks through its alderman's account
when the session names one; its other civil servants then read but do not act for it."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from negotiation import services
from negotiation.models import Bottleneck, RoundKind, Session


@pytest.fixture
def administrative(project_leader, run, places, owner):
    session = services.session_create(
        user=project_leader,
        name="Bestuurlijke tafel",
        run=run,
        level="bestuurlijk",
        municipalities=places.values(),
        aldermen={places["westervoort"].pk: owner},
    )
    services.round_open(user=project_leader, session=session, kind=RoundKind.INSIGHT)
    return session


def mark(user, session, municipality, group):
    return services.bottleneck_mark(
        user=user,
        session=session,
        municipality_id=municipality.pk,
        target_group_id=group.pk,
        reason="no_care",
    )


def test_only_the_alderman_speaks_for_the_municipality(
    administrative, owner, colleague, nijmegen_servant, places, groups, client
):
    with pytest.raises(PermissionDenied):
        mark(colleague, administrative, places["westervoort"], groups["statushouders"])
    assert not Bottleneck.objects.exists()
    mark(owner, administrative, places["westervoort"], groups["statushouders"])
    # Nijmegen named no alderman: its civil servants speak for it.
    mark(nijmegen_servant, administrative, places["nijmegen"], groups["statushouders"])
    assert Bottleneck.objects.count() == 2
    # The colleague still reads the board, without a seat.
    client.force_login(colleague)
    page = client.get(reverse("negotiation:board", args=[administrative.pk]))
    assert page.status_code == 200
    assert "Knelpunt melden" not in page.content.decode()


def test_at_civil_level_every_civil_servant_speaks(
    project_leader, run, places, owner, colleague, groups
):
    with pytest.raises(services.NegotiationError, match="bestuurlijk"):
        services.session_create(
            user=project_leader,
            name="Ambtelijk",
            run=run,
            level="ambtelijk",
            municipalities=places.values(),
            aldermen={places["westervoort"].pk: owner},
        )
    session = services.session_create(
        user=project_leader,
        name="Ambtelijk",
        run=run,
        level="ambtelijk",
        municipalities=places.values(),
    )
    services.round_open(user=project_leader, session=session, kind=RoundKind.INSIGHT)
    mark(colleague, session, places["westervoort"], groups["statushouders"])
    assert Bottleneck.objects.count() == 1


def test_an_alderman_must_be_an_account_of_the_municipality(
    project_leader, run, places, nijmegen_servant
):
    with pytest.raises(services.NegotiationError, match="geen account van Westervoort"):
        services.session_create(
            user=project_leader,
            name="Bestuurlijk",
            run=run,
            level="bestuurlijk",
            municipalities=places.values(),
            aldermen={places["westervoort"].pk: nijmegen_servant},
        )
    assert not Session.objects.exists()


def test_the_form_names_aldermen(client, project_leader, run, places, owner, colleague):
    client.force_login(project_leader)
    data = {
        "name": "Tafel",
        "run": run.pk,
        "level": "bestuurlijk",
        "municipalities": [m.pk for m in places.values()],
        "fairness_band": "0.25",
        "aldermen": [owner.pk, colleague.pk],
    }
    response = client.post(reverse("negotiation:session_create"), data)
    assert response.status_code == 200
    assert "één wethouder" in response.content.decode()
    data["aldermen"] = [owner.pk]
    response = client.post(reverse("negotiation:session_create"), data)
    assert response.status_code == 302
    delegation = Session.objects.get().delegations.get(municipality=places["westervoort"])
    assert delegation.alderman == owner
