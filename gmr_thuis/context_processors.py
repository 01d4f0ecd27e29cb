"""Template context: the signed-in user's membership (role and organisation)."""

from gmr_thuis.permissions import membership_of


def membership(request):
    return {"membership": membership_of(getattr(request, "user", None))}
