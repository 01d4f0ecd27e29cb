"""The optional second factor for staff (TOTP, django-otp): set up on the site, then asked at
every login, on /login/ and /admin/login/; accounts without it log in as before."""

import re
import time

import pytest
from django.conf import settings
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests import factories

PASSWORD = "geheim-wachtwoord-123"  # tests/factories.py
SETUP = "/account/tweestapsverificatie/"
LOGIN_URLS = ["/login/", "/admin/login/"]


def code_of(device, steps_ahead=0):
    """The code the authenticator app shows, now or `steps_ahead` time steps later."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


@pytest.fixture
def staff_leader(region):
    leader = factories.member(role="project_leader", region=region, username="pl")
    leader.is_staff = True
    leader.save()
    return leader


def _set_up(client, user, login=None):
    """Through the page: read the secret, confirm with the app's current code."""
    if login is None:
        client.force_login(user)
    else:
        login()
    page = client.get(SETUP)
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    secret = re.search(r'id="second-factor-secret">([A-Z2-7]+)<', page.content.decode())[1]
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert "otpauth://totp/GMR%20Thuis%3Apl?secret=" + secret in page.content.decode()
    confirmed = client.post(SETUP, {"code": code_of(device)})
    assert confirmed.status_code == 302
    client.logout()
    return TOTPDevice.objects.get(user=user, confirmed=True)


def _login(client, url, code=None, username="pl"):
    data = {"username": username, "password": PASSWORD}
    if code is not None:
        data["otp_token"] = code
    return client.post(url, data, REMOTE_ADDR="10.0.0.1")


@pytest.mark.parametrize("url", LOGIN_URLS)
def test_staff_without_a_device_log_in_with_the_password_as_before(client, staff_leader, url):
    response = _login(client, url)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(staff_leader.pk)


def test_a_wrong_code_does_not_confirm_the_device(client, staff_leader):
    client.force_login(staff_leader)
    client.get(SETUP)
    response = client.post(SETUP, {"code": "000000"})
    assert response.status_code == 200
    assert "De code is onjuist of verlopen." in response.content.decode()
    assert not TOTPDevice.objects.filter(user=staff_leader, confirmed=True).exists()


@pytest.mark.parametrize("url", LOGIN_URLS)
def test_with_a_device_the_login_asks_for_the_code(client, staff_leader, url):
    device = _set_up(client, staff_leader)

    without = _login(client, url)
    wrong = _login(client, url, "123456" if code_of(device, 1) != "123456" else "654321")
    assert (without.status_code, wrong.status_code) == (200, 200)
    assert "Geef ook de code uit uw authenticator-app." in without.content.decode()
    assert "De code is onjuist of verlopen." in wrong.content.decode()
    assert "_auth_user_id" not in client.session

    # After a wrong code django-otp makes the device wait a second; skip the wait.
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None)
    # The next time step's code: the one that confirmed the device is used up.
    right = _login(client, url, code_of(device, 1))
    assert right.status_code == 302
    assert client.session["_auth_user_id"] == str(staff_leader.pk)
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id


def test_a_used_code_is_refused(client, staff_leader):
    device = _set_up(client, staff_leader)
    assert _login(client, "/login/", code_of(device, 1)).status_code == 302
    client.logout()
    assert _login(client, "/login/", code_of(device, 1)).status_code == 200
    assert "_auth_user_id" not in client.session


def test_wrong_codes_count_towards_the_lockout(client, staff_leader):
    device = _set_up(client, staff_leader)
    # django-otp's own growing delay would refuse codes before the lockout; it stands aside
    # here to show that the lockout counts the wrong codes on its own.
    answers = []
    for _ in range(settings.AXES_FAILURE_LIMIT):
        TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None)
        answers.append(_login(client, "/login/", "000000").status_code)
    assert answers[-1] == 429
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None)
    assert _login(client, "/login/", code_of(device, 1)).status_code == 429


def test_members_without_staff_have_no_set_up_page_and_log_in_as_before(client, owner):
    client.force_login(owner)
    assert client.get(SETUP).status_code == 404
    client.logout()
    assert _login(client, "/login/", username="alice").status_code == 302


def test_a_new_app_replaces_the_old_one(client, staff_leader):
    first = _set_up(client, staff_leader)
    # A new app is set up in a session that gave the old app's code.
    second = _set_up(client, staff_leader, lambda: _login(client, "/login/", code_of(first, 1)))
    assert first.pk != second.pk
    assert list(TOTPDevice.objects.filter(user=staff_leader, confirmed=True)) == [second]


def test_a_session_opened_before_the_device_is_ended_at_its_next_request(staff_leader):
    from django.test import Client

    earlier, setting_up = Client(), Client()
    earlier.force_login(staff_leader)
    assert earlier.get("/start/").status_code in (200, 302)

    device = _set_up(setting_up, staff_leader)

    page = earlier.get("/start/")
    assert page.status_code == 302 and page.url.startswith("/login/?next=/start/")
    assert "_auth_user_id" not in earlier.session
    admin = earlier.get("/admin/")
    assert admin.url.startswith("/admin/login/")
    # Logging in again with a code opens a session that stays.
    assert _login(earlier, "/login/", code_of(device, 1)).status_code == 302
    assert earlier.get(SETUP).status_code == 200


def test_the_session_that_confirms_the_device_stays_logged_in(client, staff_leader):
    client.force_login(staff_leader)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=staff_leader, confirmed=False)
    assert client.post(SETUP, {"code": code_of(device)}).status_code == 302
    page = client.get(SETUP)
    assert page.status_code == 200
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id


def test_removing_the_device_lets_password_sessions_back_in(client, staff_leader):
    device = _set_up(client, staff_leader)
    client.force_login(staff_leader)
    assert client.get(SETUP).status_code == 302  # not verified: ended
    device.delete()
    client.force_login(staff_leader)
    assert client.get(SETUP).status_code == 200
