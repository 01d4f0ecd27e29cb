"""Home page, target-group cards, login, language switch and who sees what on each."""

import pytest
from django.urls import reverse

from municipalities.models import RegionalTask
from tests import factories


@pytest.fixture
def urgent_group(region):
    group = factories.TargetGroupFactory(
        code="uitstroom-bw",
        name_nl="Uitstroom beschermd wonen",
        name_en="Outflow from sheltered housing",
        definition_nl="Mensen die beschermd wonen verlaten.",
        definition_en="People leaving sheltered housing.",
        legally_urgent=True,
        unit="personen",
    )
    for year, amount in zip(range(2025, 2031), [100, 110, 120, 130, 140, 150], strict=True):
        RegionalTask.objects.create(
            region=region,
            target_group=group,
            year=year,
            amount=amount,
            source="test: invented task",
            is_estimate=True,
        )
    return group


@pytest.mark.django_db
def test_home_lists_municipalities_with_key_figures(client, seed_figures, owner):
    client.force_login(owner)
    html = client.get(reverse("home")).content.decode()

    assert reverse("municipalities:profile", args=["westervoort"]) in html
    assert reverse("municipalities:profile", args=["nijmegen"]) in html
    assert "15.114" in html and "2.098" in html and ">90<" in html


@pytest.mark.django_db
def test_home_query_count_does_not_grow_with_municipalities(
    client, seed_figures, owner, django_assert_num_queries
):
    client.force_login(owner)
    client.get(reverse("home"))
    for number in range(10):
        municipality = factories.MunicipalityFactory(region=seed_figures.region)
        factories.FigureFactory(municipality=municipality, value=1000 + number)

    # session, user with its membership, municipalities, figures, the header's organisation name
    with django_assert_num_queries(5):
        response = client.get(reverse("home"))
    assert len(response.context["rows"]) == 12


@pytest.mark.django_db
def test_home_shows_a_stranger_no_municipality(client, seed_figures, stranger):
    client.force_login(stranger)
    response = client.get(reverse("home"))

    assert response.status_code == 200
    assert response.context["rows"] == []
    assert "Westervoort" not in response.content.decode()


@pytest.mark.django_db
def test_home_shows_a_corporation_only_where_it_owns_stock(client, seed_figures):
    corporation = factories.CorporationFactory()
    corporation.stock.create(municipality=seed_figures, dwellings=1500, source="test")
    client.force_login(
        factories.member(role="corporation", username="corp", corporation=corporation)
    )

    rows = client.get(reverse("home")).context["rows"]

    assert [row.municipality.name for row in rows] == ["Westervoort"]


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", ["home", "target_groups"])
def test_anonymous_visitor_is_sent_to_login(client, url_name):
    response = client.get(reverse(url_name))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
def test_target_group_card_shows_the_task_per_year_and_total(client, urgent_group, outsider):
    client.force_login(outsider)
    response = client.get(reverse("target_groups"))

    (card,) = response.context["cards"]
    assert [task.amount for _year, task in card.tasks] == [100, 110, 120, 130, 140, 150]
    assert card.total == 750
    html = response.content.decode()
    assert "Uitstroom beschermd wonen" in html
    assert "Wettelijk urgent" in html
    assert "personen" in html


@pytest.mark.django_db
def test_target_group_cards_are_empty_for_a_stranger(client, urgent_group, stranger):
    client.force_login(stranger)

    assert client.get(reverse("target_groups")).context["cards"] == []


@pytest.mark.django_db
def test_target_group_cards_take_two_queries_for_any_number_of_groups(
    urgent_group, owner, django_assert_num_queries
):
    from municipalities import selectors

    for number in range(5):
        factories.TargetGroupFactory(code=f"extra-{number}")
    with django_assert_num_queries(2):
        cards = selectors.target_group_cards(user=owner, language="nl")
    assert len(cards) == 6


@pytest.mark.django_db
def test_english_shows_english_group_names_and_interface(client, urgent_group, owner):
    client.force_login(owner)
    client.post(reverse("set_language"), {"language": "en", "next": reverse("target_groups")})
    html = client.get(reverse("target_groups")).content.decode()

    assert '<html lang="en">' in html
    assert "Outflow from sheltered housing" in html
    assert "Uitstroom beschermd wonen" not in html
    assert "Legally urgent" in html
    assert "people" in html


@pytest.mark.django_db
def test_dutch_is_the_default_language(client, owner):
    client.force_login(owner)
    html = client.get(reverse("home")).content.decode()

    assert '<html lang="nl">' in html
    assert "Uitloggen" in html


@pytest.mark.django_db
def test_login_form_is_dutch_and_signs_in(client, owner):
    page = client.get(reverse("login")).content.decode()
    assert "Gebruikersnaam" in page and "Wachtwoord" in page

    response = client.post(
        reverse("login"), {"username": "alice", "password": "geheim-wachtwoord-123"}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("start")
    # A civil servant lands on their own municipality's work.
    assert client.get(response["Location"])["Location"] == reverse("monitoring:my_municipality")


@pytest.mark.django_db
def test_logout_is_a_post_and_ends_the_session(client, owner):
    client.force_login(owner)

    response = client.post(reverse("logout"))

    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302


@pytest.mark.django_db
def test_header_names_the_user_and_role(client, owner):
    client.force_login(owner)
    html = client.get(reverse("home")).content.decode()

    assert "alice" in html
    assert "Beleidsmedewerker gemeente · Westervoort" in html
