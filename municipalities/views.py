"""Screens of the reference data: the municipality profile and the target-group cards."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from gmr_thuis.permissions import get_object_for
from municipalities.models import Municipality


@login_required
def municipality_profile(request, slug):
    municipality = get_object_for(request.user, Municipality.objects.all(), slug=slug)
    return render(request, "municipalities/profile.html", {"municipality": municipality})
