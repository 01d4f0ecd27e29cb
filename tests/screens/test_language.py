"""Dutch first: an English browser still gets Dutch until the user switches."""

import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_an_english_browser_still_gets_the_dutch_login_page(client):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")

    assert response.status_code == 200
    assert 'lang="nl"' in response.text
    assert "Gebruikersnaam" in response.text


@pytest.mark.django_db
def test_the_language_switch_turns_the_ui_english(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})

    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="nl")

    assert 'lang="en"' in response.text
    assert "Username" in response.text


@pytest.mark.django_db
def test_api_clients_choose_the_language_of_messages_with_accept_language(client):
    response = client.get("/api/v1/municipalities/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.headers["Content-Language"] == "en"
