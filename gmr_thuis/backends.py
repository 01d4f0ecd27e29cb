"""The authentication backend: Django's own, loading the user's membership with the user."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class MemberBackend(ModelBackend):
    """ModelBackend whose `get_user` joins the membership (role and organisation) in one query.

    Every request asks for the membership (scoping, the page cache's key), so loading it with
    the user saves a database round trip per request; passwords are checked as by ModelBackend.
    """

    def get_user(self, user_id):
        users = get_user_model()._default_manager.select_related("membership")
        try:
            user = users.get(pk=user_id)
        except get_user_model().DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
