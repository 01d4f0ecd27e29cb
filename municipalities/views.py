"""Screens of the reference data: the municipality profile and the target-group cards."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language

from gmr_thuis.years import year_from_query
from monitoring import selectors as monitoring_selectors
from municipalities import selectors


def requested_year(request):
    """The year asked for in `?jaar=`, or None (also for a malformed one): the latest year."""
    return year_from_query(request.GET, "jaar")


@login_required
def municipality_profile(request, slug):
    profile = selectors.municipality_profile(
        user=request.user, slug=slug, year=requested_year(request)
    )
    municipality = profile.municipality
    flagged = monitoring_selectors.neighbourhood_concentration(
        user=request.user,
        region=municipality.region,
        year=timezone.localdate().year,
        municipality_ids=[municipality.pk],
    )
    context = {
        "profile": profile,
        "neighbourhoods": len(flagged),
        "flagged_neighbourhoods": flagged[flagged["flagged"]].to_dict("records"),
    }
    return render(request, "municipalities/profile.html", context)


@login_required
def target_groups(request):
    cards = selectors.target_group_cards(user=request.user, language=get_language())
    return render(
        request,
        "municipalities/target_groups.html",
        {"cards": cards, "years": list(selectors.TASK_YEARS)},
    )
