"""The token admin: the region issues a token and sees its key once; tokens are revoked, not edited."""

import hashlib
import re

import pytest

from gmr_thuis.models import ApiToken

ADD = "/admin/gmr_thuis/apitoken/add/"
LIST = "/admin/gmr_thuis/apitoken/"


def test_project_leader_issues_a_token_in_the_admin_and_sees_the_key_once(
    client, project_leader, corp_owner
):
    project_leader.is_staff = True
    project_leader.save()
    client.force_login(project_leader)
    response = client.post(ADD, {"user": corp_owner.pk, "name": "ERP", "can_write": "on"})

    # The key is the answer to the POST itself: no redirect, not cached, in no cookie.
    assert response.status_code == 200
    token = ApiToken.objects.get()
    [key] = re.findall(r'value="(gmr_[^"]+)"', response.content.decode())
    assert token.key_digest == hashlib.sha256(key.encode()).hexdigest()
    assert (token.created_by, token.can_write) == (project_leader, True)
    assert "no-store" in response["Cache-Control"]
    assert all(key not in morsel.OutputString() for morsel in response.cookies.values())
    assert all(key not in str(value) for value in client.session.values())
    assert key not in str(list(ApiToken.objects.values()))
    # Shown once: neither the next page nor the token's own page has it again.
    assert key not in client.get(LIST).content.decode()
    assert key not in client.get(f"{LIST}{token.pk}/change/").content.decode()


def test_admin_revokes_selected_tokens(admin_client, corp_owner, api_as):
    client = api_as(corp_owner)
    token = ApiToken.objects.get()
    admin_client.post(LIST, {"action": "revoke", "_selected_action": [token.pk]})
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert client.get("/api/v1/municipalities/").status_code == 401


@pytest.mark.parametrize("user", ["steering_member", "corp_owner"])
def test_other_roles_have_no_token_admin(request, client, user):
    staff = request.getfixturevalue(user)
    staff.is_staff = True
    staff.save()
    client.force_login(staff)
    assert client.get(ADD).status_code == 403
