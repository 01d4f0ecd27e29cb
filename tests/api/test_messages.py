"""Every API answer is JSON in the error format, Dutch by default, English with Accept-Language."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

MUNICIPALITIES = "/api/v1/municipalities/"
ALLOCATIONS = "/api/v1/allocations/"


@pytest.fixture
def reader(api_as, corp_owner):
    return api_as(corp_owner, can_write=False)


@pytest.fixture
def writer(api_as, corp_owner, groups):
    return api_as(corp_owner)


def ask(client, language, method, path, **options):
    headers = {"HTTP_ACCEPT_LANGUAGE": language} if language else {}
    return getattr(client, method)(path, **options, **headers)


def messages(response):
    assert response["Content-Type"] == "application/json", response.content[:200]
    return [error["message"] for error in response.json()["errors"]]


# (who asks, method, path, options, status, Dutch message, English message)
CASES = {
    "401 no key": (
        "anonymous",
        "get",
        MUNICIPALITIES,
        {},
        401,
        "Geef een API-sleutel mee: 'Authorization: Token <sleutel>'.",
        "Send an API key: 'Authorization: Token <key>'.",
    ),
    "401 wrong key": (
        "wrong_key",
        "get",
        MUNICIPALITIES,
        {},
        401,
        "Ongeldige, verlopen of ingetrokken sleutel.",
        "Invalid, expired or revoked key.",
    ),
    "403 read-only key writes": (
        "reader",
        "post",
        ALLOCATIONS,
        {"data": {}, "format": "json"},
        403,
        "Deze sleutel mag alleen lezen.",
        "This key is read-only.",
    ),
    "404 unknown municipality": (
        "reader",
        "get",
        MUNICIPALITIES + "GM9999/",
        {},
        404,
        "Niet gevonden.",
        "Not found.",
    ),
    "404 no such route": (
        "reader",
        "get",
        "/api/v1/bestaat-niet/",
        {},
        404,
        "Niet gevonden.",
        "Not found.",
    ),
    "404 page beyond the last": (
        "reader",
        "get",
        MUNICIPALITIES + "?page=99",
        {},
        404,
        "Deze pagina bestaat niet.",
        "This page does not exist.",
    ),
    "405 method": (
        "writer",
        "delete",
        MUNICIPALITIES,
        {},
        405,
        "De methode DELETE is hier niet toegestaan.",
        "The method DELETE is not allowed here.",
    ),
    "406 accept": (
        "reader",
        "get",
        MUNICIPALITIES,
        {"HTTP_ACCEPT": "text/csv"},
        406,
        "Dit antwoord is alleen beschikbaar als application/json.",
        "This answer is only available as application/json.",
    ),
    "415 media type": (
        "writer",
        "post",
        ALLOCATIONS,
        {"data": "count=1", "content_type": "text/plain"},
        415,
        "Inhoudstype 'text/plain' wordt niet ondersteund; stuur application/json.",
        "Content type 'text/plain' is not supported; send application/json.",
    ),
    "400 repeated page_size": (
        "reader",
        "get",
        MUNICIPALITIES + "?page_size=1&page_size=2",
        {},
        400,
        "Geef deze parameter één keer mee.",
        "Give this parameter once.",
    ),
    "400 page_size out of bounds": (
        "reader",
        "get",
        MUNICIPALITIES + "?page_size=501",
        {},
        400,
        "Geef een geheel getal van 1 tot en met 500.",
        "Give a whole number from 1 to 500.",
    ),
    "400 filter of the wrong type": (
        "reader",
        "get",
        "/api/v1/target-groups/?legally_urgent=ja",
        {},
        400,
        "Geef true of false.",
        "Give true or false.",
    ),
}


@pytest.fixture
def clients(reader, writer):
    wrong = APIClient()
    wrong.credentials(HTTP_AUTHORIZATION="Token not-a-key")
    return {"anonymous": APIClient(), "wrong_key": wrong, "reader": reader, "writer": writer}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_message_is_dutch_by_default_and_english_on_request(clients, case):
    who, method, path, options, status, dutch, english = case
    client = clients[who]
    for language, expected in [(None, dutch), ("nl", dutch), ("en", english)]:
        response = ask(client, language, method, path, **options)
        assert response.status_code == status
        assert messages(response) == [expected], language


def test_django_s_english_404_wording_never_reaches_a_client(reader):
    body = reader.get(MUNICIPALITIES + "GM9999/").content.decode()
    assert "matches the given query" not in body


def test_405_still_says_which_methods_are_allowed(clients):
    response = clients["writer"].delete(MUNICIPALITIES)
    assert response["Allow"] == "GET, HEAD, OPTIONS"


def test_429_is_one_message_in_the_asked_language_with_retry_after(api_as, corp_owner, settings):
    settings.GMR_API_THROTTLE_RATES = {"read": "1/minute", "write": "1/minute"}
    client = api_as(corp_owner)
    assert client.get(MUNICIPALITIES).status_code == 200
    dutch = client.get(MUNICIPALITIES)
    english = client.get(MUNICIPALITIES, HTTP_ACCEPT_LANGUAGE="en")
    assert dutch.status_code == english.status_code == 429
    seconds = int(english["Retry-After"])
    assert 1 <= seconds <= 60
    [message] = messages(english)
    assert message.startswith("Too many requests with this key; try again in ")
    [bericht] = messages(dutch)
    assert bericht.startswith("Te veel verzoeken met deze sleutel; probeer het over ")
    assert "Expected available" not in bericht + message


def test_an_unexpected_error_is_a_json_500_without_a_trace(corp_owner, monkeypatch):
    from municipalities.api import views

    def broken(self, *args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(views.MunicipalityViewSet, "list", broken)
    from gmr_thuis.tokens import api_token_issue

    _token, key = api_token_issue(issued_by=None, user=corp_owner, name="t", can_write=False)
    client = Client(raise_request_exception=False)
    for language, expected in [("nl", "Er ging iets mis aan onze kant"), ("en", "Something went")]:
        response = client.get(
            MUNICIPALITIES, HTTP_AUTHORIZATION=f"Token {key}", HTTP_ACCEPT_LANGUAGE=language
        )
        assert response.status_code == 500
        [message] = messages(response)
        assert message.startswith(expected)
        assert "secret internals" not in response.content.decode()
        assert response.json()["errors"][0]["code"] == "server_error"


def test_outside_the_api_a_404_is_still_the_dutch_page(client, owner):
    client.force_login(owner)
    response = client.get("/bestaat-niet/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    assert "Niet gevonden" in response.content.decode()


@pytest.mark.parametrize("debug", [False, True])
def test_an_api_url_no_route_matches_is_json_also_with_debug_on(reader, settings, debug):
    settings.DEBUG = debug
    settings.GMR_DEBUG_404 = False
    response = reader.get("/api/v1/bestaat-niet/")
    assert response.status_code == 404
    assert messages(response) == ["Niet gevonden."]
