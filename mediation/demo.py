"""Fictional demo content for the mediation table, so that `make run` shows it at work: three
pseudonymous cases (numbers starting with DEMO-, each note saying it is fictional), three homes
offered by Vivare and one meeting a week ahead with its agenda.

Everything goes through the services (the same checks as the screens). Loading again changes
nothing: a case whose number exists is left alone, the offers carry idempotency keys, and a
meeting is scheduled only when the region has none from today on.
"""

from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mediation import services
from mediation.models import Case, Meeting
from municipalities.models import HousingCorporation, Municipality, Region, TargetGroup

DEMO_PREFIX = "DEMO-"
FICTIONAL = "Fictieve democasus, geen echt huishouden."

# (sending municipality, user who brings it, number, group, values, excluded, preferred)
DEMO_CASES = [
    (
        "GM0268",
        "nijmegen",
        "DEMO-NIJ-001",
        "vrouwenopvang",
        {"adults": 1, "children": 2, "rooms_min": 3, "rent_max": Decimal("850")},
        ["GM0268", "GM0202"],
        [],
        "Moet buiten bereik van de pleger wonen.",
    ),
    (
        "GM0268",
        "nijmegen",
        "DEMO-NIJ-002",
        "uitstroom-bw",
        {
            "adults": 1,
            "children": 0,
            "rooms_min": 2,
            "rent_max": Decimal("700"),
            "care_provider": "Demo-zorgaanbieder",
            "care_intensity": "light",
            "preference_weight": Decimal("2"),
        },
        [],
        ["GM0202"],
        "Ambulante begeleiding loopt door vanuit Arnhem.",
    ),
    (
        "GM0293",
        "westervoort",
        "DEMO-WES-001",
        "lg",
        {
            "adults": 1,
            "children": 0,
            "rooms_min": 2,
            "rent_max": Decimal("800"),
            "accessible_needed": True,
        },
        [],
        ["GM0226", "GM0293"],
        "Gelijkvloers nodig (rolstoel).",
    ),
]
# (municipality, rooms, rent, accessible, ground floor, idempotency key)
DEMO_OFFERS = [
    ("GM0293", 3, Decimal("720"), False, True, "demo-bemiddeling-1"),
    ("GM0202", 2, Decimal("650"), False, False, "demo-bemiddeling-2"),
    ("GM0226", 2, Decimal("760"), True, True, "demo-bemiddeling-3"),
]
DEMO_CORPORATION = "vivare"


def _user(username):
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise ValidationError(_("Laad eerst de demo-gebruikers: python manage.py load_demo_users."))
    return user


def demo_table_load() -> dict:
    """Load the demo cases, offers and meeting (once); returns what it created."""
    region = Region.objects.filter(slug="gmr").first()
    if region is None:
        raise ValidationError(_("Laad eerst de GMR-gegevens: python manage.py load_gmr_data."))
    municipalities = {m.cbs_code: m for m in Municipality.objects.filter(region=region)}
    today = timezone.localdate()
    created = {"cases": 0, "offers": 0, "meetings": 0}
    with transaction.atomic():
        for code, username, number, group, values, excluded, preferred, note in DEMO_CASES:
            municipality = municipalities[code]
            if Case.objects.filter(municipality__region=region, number=number).exists():
                continue
            services.case_register(
                user=_user(username),
                municipality=municipality,
                values={
                    "number": number,
                    "target_group": TargetGroup.objects.get(code=group),
                    "ready_from": today - timedelta(days=21),
                    "deadline": today + timedelta(days=70),
                    "note": f"{FICTIONAL} {note}",
                    **values,
                },
                lists={
                    "excluded_municipalities": [municipalities[c] for c in excluded],
                    "preferred_municipalities": [municipalities[c] for c in preferred],
                },
            )
            created["cases"] += 1
        corporation = HousingCorporation.objects.get(slug=DEMO_CORPORATION)
        corporation_user = _user("corporatie")
        for code, rooms, rent, accessible, ground_floor, key in DEMO_OFFERS:
            _offer, new = services.offer_create(
                user=corporation_user,
                corporation=corporation,
                idempotency_key=key,
                values={
                    "municipality": municipalities[code],
                    "rooms": rooms,
                    "rent": rent,
                    "accessible": accessible,
                    "ground_floor": ground_floor,
                    "available_from": today,
                    "valid_until": today + timedelta(days=60),
                    "reference": f"DEMO-{key[-1]}",
                },
            )
            created["offers"] += int(new)
        leader = _user("projectleider")
        if not Meeting.objects.filter(region=region, date__gte=today).exists():
            services.meeting_schedule(user=leader, region=region, on=today + timedelta(days=7))
            created["meetings"] += 1
    return created
