"""Tokens: issued by the region, stored as a digest, refused when expired, revoked or unknown."""

import hashlib
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.utils import timezone
from rest_framework.test import APIClient

from gmr_thuis.models import ApiToken
from gmr_thuis.tokens import LAST_USED_RESOLUTION_SECONDS, api_token_issue, api_token_revoke

MUNICIPALITIES = "/api/v1/municipalities/"


def test_project_leader_issues_token_and_only_the_digest_is_stored(project_leader, corp_owner):
    token, key = api_token_issue(
        issued_by=project_leader, user=corp_owner, name="ERP-koppeling", can_write=True
    )
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.key_digest == hashlib.sha256(key.encode()).hexdigest()
    assert key not in {stored.key_digest, stored.prefix, stored.name}
    assert key.startswith(stored.prefix)
    assert stored.created_by == project_leader


def test_new_token_is_read_only_by_default(project_leader, corp_owner):
    token, _key = api_token_issue(issued_by=project_leader, user=corp_owner, name="lezen")
    assert token.can_write is False


@pytest.mark.parametrize("issuer", ["steering_member", "owner", "corp_owner"])
def test_only_project_leader_issues_tokens(request, issuer, corp_colleague):
    with pytest.raises(PermissionDenied):
        api_token_issue(
            issued_by=request.getfixturevalue(issuer), user=corp_colleague, name="poging"
        )
    assert not ApiToken.objects.exists()


def test_user_without_organisation_gets_no_token(project_leader, stranger):
    with pytest.raises(PermissionDenied):
        api_token_issue(issued_by=project_leader, user=stranger, name="niemand")


def test_corporation_cannot_revoke_tokens(project_leader, corp_owner):
    token, _key = api_token_issue(issued_by=project_leader, user=corp_owner, name="x")
    with pytest.raises(PermissionDenied):
        api_token_revoke(revoked_by=corp_owner, token=token)


def test_revoked_token_is_refused_from_then_on(project_leader, corp_owner, api_as, vivare):
    token, key = api_token_issue(issued_by=project_leader, user=corp_owner, name="x")
    headers = {"HTTP_AUTHORIZATION": f"Token {key}"}
    client = APIClient()
    assert client.get(MUNICIPALITIES, **headers).status_code == 200
    api_token_revoke(revoked_by=project_leader, token=token)
    response = client.get(MUNICIPALITIES, **headers)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


@pytest.mark.parametrize(
    "authorization",
    ["", "Token", "Token gmr_onbekend", "Token a b", "Bearer gmr_x", "Basic dXNlcjpwdw=="],
)
def test_missing_or_malformed_token_is_401_with_challenge(authorization, db):
    response = APIClient().get(MUNICIPALITIES, HTTP_AUTHORIZATION=authorization)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json()["errors"][0]["field"] is None


def test_expired_token_is_refused(project_leader, corp_owner):
    _token, key = api_token_issue(
        issued_by=project_leader,
        user=corp_owner,
        name="x",
        expires_at=timezone.now() - timedelta(minutes=1),
    )
    response = APIClient().get(MUNICIPALITIES, HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 401


def test_token_of_deactivated_user_is_refused(project_leader, corp_owner):
    _token, key = api_token_issue(issued_by=project_leader, user=corp_owner, name="x")
    corp_owner.is_active = False
    corp_owner.save()
    response = APIClient().get(MUNICIPALITIES, HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 401


def test_use_records_last_used_time_at_most_once_a_minute(project_leader, corp_owner):
    token, key = api_token_issue(issued_by=project_leader, user=corp_owner, name="x")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    client.get(MUNICIPALITIES)
    first = ApiToken.objects.get(pk=token.pk).last_used_at
    assert first is not None
    client.get(MUNICIPALITIES)
    assert ApiToken.objects.get(pk=token.pk).last_used_at == first
    earlier = first - timedelta(seconds=LAST_USED_RESOLUTION_SECONDS + 1)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=earlier)
    client.get(MUNICIPALITIES)
    assert ApiToken.objects.get(pk=token.pk).last_used_at > first


def test_issue_api_token_command_prints_the_key_once(corp_owner, capsys):
    call_command("issue_api_token", "vivare-anna", "--write", "--days", "30")
    key = capsys.readouterr().out.strip().splitlines()[-1]
    token = ApiToken.objects.get()
    assert token.can_write is True
    assert token.key_digest == hashlib.sha256(key.encode()).hexdigest()
    assert timedelta(days=29) < token.expires_at - timezone.now() <= timedelta(days=30)
