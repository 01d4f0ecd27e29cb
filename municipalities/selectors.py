"""Read queries on reference data; every one takes the user and goes through the scoping."""

from municipalities.models import Municipality


def municipality_overview(*, user):
    return Municipality.objects.restrict(user).select_related("region")
