"""Failed logins are throttled (django-axes) per account and per client address, on the login
page, /admin/login/ and the API keys; the answer says in Dutch when to try again."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.urls import reverse
from rest_framework.test import APIClient

from gmr_thuis.lockout import API_KEY_USERNAME
from gmr_thuis.tokens import api_token_issue
from tests import factories

PASSWORD = "geheim-wachtwoord-123"  # tests/factories.py
LIMIT = settings.AXES_FAILURE_LIMIT


def _login(client, username, password, url="/login/", address="10.0.0.1"):
    return client.post(
        url, {"username": username, "password": password}, REMOTE_ADDR=address, follow=False
    )


def _fail(client, username, times=LIMIT, **kwargs):
    return [_login(client, username, "fout", **kwargs).status_code for _ in range(times)]


def _assert_locked(response):
    assert response.status_code == 429
    content = response.content.decode()
    assert "Te veel mislukte inlogpogingen. Probeer het opnieuw om" in content
    assert int(response["Retry-After"]) == settings.AXES_COOLOFF_TIME.total_seconds()


@pytest.mark.parametrize("url", ["/login/", "/admin/login/"])
def test_account_is_locked_after_the_limit_even_with_the_right_password(client, owner, url):
    if url.startswith("/admin/"):
        owner.is_staff = True
        owner.save()
    # Below the limit a wrong password is just the form again; the failure that reaches it locks.
    assert _fail(client, "alice", url=url) == [200] * (LIMIT - 1) + [429]

    locked = _login(client, "alice", PASSWORD, url=url)
    from_elsewhere = _login(client, "alice", PASSWORD, url=url, address="10.9.9.9")

    _assert_locked(locked)
    _assert_locked(from_elsewhere)
    assert "_auth_user_id" not in client.session


def test_one_address_is_locked_for_every_account(client, owner, colleague):
    for number in range(LIMIT):
        _login(client, f"geraden-{number}", "fout")

    _assert_locked(_login(client, "bob", PASSWORD))
    # Another address with the right password is let in.
    assert _login(client, "bob", PASSWORD, address="10.0.0.2").status_code == 302


def test_right_password_below_the_limit_logs_in_and_resets_the_count(client, owner):
    _fail(client, "alice", times=LIMIT - 1)
    assert _login(client, "alice", PASSWORD).status_code == 302
    assert not AccessAttempt.objects.filter(username="alice", failures_since_start__gt=0).exists()


def test_lock_lifts_after_the_cool_off(client, owner):
    _fail(client, "alice")
    _assert_locked(_login(client, "alice", PASSWORD))

    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time
        - settings.AXES_COOLOFF_TIME
        - timedelta(seconds=1)
    )

    assert _login(client, "alice", PASSWORD).status_code == 302


def test_lockout_page_is_in_english_when_asked(client, owner):
    _fail(client, "alice")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = _login(client, "alice", PASSWORD)
    assert response.status_code == 429
    assert "Too many failed login attempts. Try again at" in response.content.decode()


def test_wrong_api_keys_are_throttled_per_address_and_valid_keys_keep_working(db, owner):
    token_user = factories.member(
        role="corporation", corporation=factories.CorporationFactory(), username="corp"
    )
    _token, key = api_token_issue(issued_by=None, user=token_user, name="ERP")
    guesser, other = APIClient(REMOTE_ADDR="10.0.0.7"), APIClient(REMOTE_ADDR="10.0.0.8")
    guesser.credentials(HTTP_AUTHORIZATION="Token gmr_geraden")

    answers = [guesser.get("/api/v1/municipalities/").status_code for _ in range(LIMIT)]
    locked = guesser.get("/api/v1/municipalities/")
    other.credentials(HTTP_AUTHORIZATION="Token gmr_anders")
    elsewhere = other.get("/api/v1/municipalities/")
    guesser.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    valid = guesser.get("/api/v1/municipalities/")

    assert answers == [401] * (LIMIT - 1) + [429]
    assert locked.status_code == 429
    assert locked["Content-Type"] == "application/json"
    [error] = locked.json()["errors"]
    assert "Probeer het opnieuw om" in error["message"]
    assert int(locked["Retry-After"]) > 0
    assert elsewhere.status_code == 401
    assert valid.status_code == 200
    assert set(AccessAttempt.objects.values_list("username", flat=True)) == {API_KEY_USERNAME}


def test_lockouts_are_listed_for_the_platform_administrator_only(client, admin_client, owner):
    _fail(client, "alice")
    listing = admin_client.get(reverse("admin:axes_accessattempt_changelist"))
    assert listing.status_code == 200
    assert "alice" in listing.content.decode()

    leader = factories.member(role="project_leader", region=owner.membership.region, username="pl")
    leader.is_staff = True
    leader.save()
    client.force_login(leader)
    assert client.get(reverse("admin:axes_accessattempt_changelist")).status_code == 403
