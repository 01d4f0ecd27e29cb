"""The authentication backend loads the reader's membership with the user, in one query."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gmr_thuis.backends import MemberBackend
from gmr_thuis.permissions import membership_of


@pytest.mark.django_db
def test_the_user_comes_with_its_membership_in_one_query(owner):
    with CaptureQueriesContext(connection) as queries:
        user = MemberBackend().get_user(owner.pk)
        member = membership_of(user)
    assert len(queries) == 1
    assert member.municipality_id == owner.membership.municipality_id


@pytest.mark.django_db
def test_an_inactive_or_unknown_user_is_nobody(owner):
    owner.is_active = False
    owner.save()
    assert MemberBackend().get_user(owner.pk) is None
    assert MemberBackend().get_user(10**9) is None


@pytest.mark.django_db
def test_a_user_without_an_organisation_has_no_membership_and_no_rights(django_user_model):
    user = django_user_model.objects.create_user("zonder-organisatie", password="x" * 12)
    loaded = MemberBackend().get_user(user.pk)
    assert loaded == user
    assert membership_of(loaded) is None


@pytest.mark.django_db
def test_a_logged_in_page_loads_the_membership_with_the_user(client, owner):
    client.force_login(owner)
    with CaptureQueriesContext(connection) as queries:
        client.get("/start/")
    assert not any('FROM "gmr_thuis_membership"' in q["sql"] for q in queries.captured_queries)
