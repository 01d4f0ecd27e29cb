"""Read queries of the mediation table: cases and offers a user may see, a meeting's agenda and
proposal (frames for `mediation.matching`), a case's export, and the figures monitoring shows."""

from datetime import date

import numpy as np
import pandas as pd
from django.db.models import Count, Q
from django.utils import timezone

from gmr_thuis.permissions import SYSTEM, VIEW, get_object_for
from mediation import matching
from mediation.models import (
    ACTIVE_STATUSES,
    Case,
    CaseAccessLog,
    CaseStatus,
    Decision,
    Meeting,
    Offer,
    OfferStatus,
    Placement,
)


def case_list(*, user):
    return (
        Case.objects.restrict(user, VIEW)
        .select_related("municipality", "target_group")
        .order_by("status", "deadline", "pk")
    )


def case_for(*, user, pk, action=VIEW):
    return get_object_for(
        user, Case.objects.select_related("municipality", "target_group"), action, pk=pk
    )


def offer_list(*, user):
    return Offer.objects.restrict(user, VIEW).select_related(
        "corporation", "municipality", "neighbourhood"
    )


def offers_in_a_decision(offers) -> set:
    """The pks of those offers a decision of the table placed a case in (one query)."""
    return set(
        Decision.objects.filter(offer__in=[o.pk for o in offers]).values_list("offer_id", flat=True)
    )


def meeting_list(*, user):
    return Meeting.objects.restrict(user, VIEW).select_related("region")


def meeting_for(*, user, pk):
    return get_object_for(user, Meeting.objects.select_related("region"), VIEW, pk=pk)


def open_cases(region):
    return Case.objects.filter(municipality__region=region, status__in=ACTIVE_STATUSES)


def valid_offers(region, on: date):
    return Offer.objects.filter(
        municipality__region=region, status=OfferStatus.AVAILABLE, valid_until__gte=on
    )


def agenda(*, user, meeting):
    """The cases (those the user may see) and the offers on a meeting's agenda."""
    cases = (
        case_list(user=user)
        .filter(pk__in=meeting.cases.values("pk"))
        .prefetch_related("excluded_municipalities", "preferred_municipalities")
    )
    offers = Offer.objects.filter(pk__in=meeting.offers.values("pk")).select_related(
        "corporation", "municipality", "neighbourhood"
    )
    return list(cases), list(offers)


def access_log(case):
    return CaseAccessLog.objects.filter(case=case)


# ---- frames for the matcher ----------------------------------------------------------------


def cases_frame(cases, *, on: date) -> pd.DataFrame:
    """The matcher's cases frame (columns of `mediation.matching`)."""
    rows = []
    for case in cases:
        rows.append(
            {
                "case_id": case.pk,
                "municipality": case.municipality.cbs_code,
                "group": case.target_group.code,
                "rooms_min": case.rooms_min or 0,
                "accessible_needed": bool(case.accessible_needed),
                "rent_max": float(case.rent_max or 0),
                "excluded": [m.cbs_code for m in case.excluded_municipalities.all()],
                "preferred": [m.cbs_code for m in case.preferred_municipalities.all()],
                "preference_weight": float(case.preference_weight),
                "waited_days": max((on - case.ready_from).days, 0),
                "ready": case.ready_from,
                "deadline": case.deadline,
                "excluded_neighbourhoods": [n.code for n in case.excluded_neighbourhoods.all()],
            }
        )
    optional = ["preference_weight", "waited_days", "ready", "deadline", "excluded_neighbourhoods"]
    return pd.DataFrame(rows, columns=[*matching.CASE_COLUMNS, *optional])


def fair_share_balance(*, region, year: int, quarter: int) -> tuple[dict, dict]:
    """Per municipality (CBS code): its balance per group (positive when behind its fair share,
    negative when ahead, in [-1, 1]) and the groups capped there and over their room; read from
    monitoring's progress of the approved run (`monitoring.selectors.dashboard`)."""
    from monitoring.selectors import dashboard

    board = dashboard(user=SYSTEM, year=year, quarter=quarter)
    codes = set(region.municipalities.values_list("cbs_code", flat=True))
    progress = board.progress[board.progress["cbs_code"].isin(codes)]
    progress = progress[progress["target"] > 0]
    gap = (progress["expected"] - progress["realised"]) / progress["target"].clip(lower=1)
    progress = progress.assign(balance=np.clip(gap.astype(float), -1.0, 1.0))
    balance: dict = {}
    for row in progress.itertuples():
        balance.setdefault(row.cbs_code, {})[row.group_code] = float(row.balance)
    over = set(board.turnover.loc[board.turnover["over_limit"].fillna(False), "cbs_code"])
    groups = sorted(progress["group_code"].unique())
    capped = {code: list(groups) for code in over if code in codes}
    return balance, capped


def offers_frame(offers, *, region, on: date) -> pd.DataFrame:
    """The matcher's offers frame, with fair-share balance and neighbourhood flags."""
    from monitoring.selectors import with_neighbourhood_flags

    quarter = (on.month - 1) // 3 + 1
    balance, capped = fair_share_balance(region=region, year=on.year, quarter=quarter)
    rows = [
        {
            "offer_id": offer.pk,
            "municipality": offer.municipality.cbs_code,
            "municipality_name": offer.municipality.name,
            "rooms": offer.rooms,
            "accessible": offer.is_accessible,
            "rent": float(offer.rent),
            "available_from": offer.available_from,
            "valid_until": offer.valid_until,
            "neighbourhood": offer.neighbourhood.code if offer.neighbourhood_id else None,
            "balance": balance.get(offer.municipality.cbs_code, {}),
            "capped_over": capped.get(offer.municipality.cbs_code, []),
        }
        for offer in offers
    ]
    optional = ["available_from", "valid_until", "neighbourhood", "balance", "capped_over"]
    frame = pd.DataFrame(rows, columns=[*matching.OFFER_COLUMNS, *optional, "municipality_name"])
    if frame.empty:
        return frame
    return with_neighbourhood_flags(frame, user=SYSTEM, region=region, year=on.year)


def proposal(*, user, meeting):
    """The best set of pairs for a meeting's agenda: (rows, unmatched) where each row carries
    the case, the offer, the score, its parts and the explanation; `unmatched` lists per case
    without any feasible offer which constraint excluded which offers."""
    cases, offers = agenda(user=user, meeting=meeting)
    decided = set(meeting.decisions.values_list("case_id", flat=True))
    cases = [case for case in cases if case.pk not in decided and case.status in ACTIVE_STATUSES]
    offers = [offer for offer in offers if offer.status == OfferStatus.AVAILABLE]
    if not cases:
        return [], []
    on = meeting.date
    case_frame = cases_frame(cases, on=on)
    offer_frame = offers_frame(offers, region=meeting.region, on=on)
    by_case = {case.pk: case for case in cases}
    by_offer = {offer.pk: offer for offer in offers}
    if offers:
        result = matching.match(case_frame, offer_frame)
        explained = result.attrs.get("unmatched")
    else:
        result = pd.DataFrame(columns=list(matching.RESULT_COLUMNS))
        explained = matching.explain_unmatched(case_frame, offer_frame)
    rows = [
        {
            "case": by_case[int(row["case_id"])],
            "offer": by_offer[int(row["offer_id"])],
            "score": float(row["score"]),
            "parts": {part: float(row[part]) for part in matching.PARTS},
            "explanation": row["explanation"],
        }
        for row in result.to_dict("records")
    ]
    reasons: dict[int, list[str]] = {}
    for row in (explained if explained is not None else pd.DataFrame()).to_dict("records"):
        described = ", ".join(str(by_offer[int(pk)]) for pk in row["offer_ids"] if pk in by_offer)
        reasons.setdefault(int(row["case_id"]), []).append(
            f"{row['label']}: {described}" if described else row["label"]
        )
    unmatched = [{"case": by_case[pk], "reasons": found} for pk, found in reasons.items()]
    return rows, unmatched


def case_export(case) -> dict:
    """Everything the platform holds about a case, for an access request (AVG art. 15)."""
    return {
        "casusnummer": case.number,
        "verzendende_gemeente": case.municipality.name,
        "aandachtsgroep": case.target_group.code,
        "volwassenen": case.adults,
        "kinderen": case.children,
        "minimaal_kamers": case.rooms_min,
        "toegankelijk_nodig": case.accessible_needed,
        "maximale_huur": None if case.rent_max is None else str(case.rent_max),
        "zorgaanbieder": case.care_provider,
        "intensiteit_zorg": case.care_intensity,
        "verhuisklaar_vanaf": case.ready_from.isoformat(),
        "uiterste_datum": case.deadline.isoformat(),
        "uitgesloten_gemeenten": [m.name for m in case.excluded_municipalities.all()],
        "uitgesloten_wijken": [n.code for n in case.excluded_neighbourhoods.all()],
        "voorkeursgemeenten": [m.name for m in case.preferred_municipalities.all()],
        "gewicht_voorkeur": str(case.preference_weight),
        "toelichting": case.note,
        "status": case.status,
        "gesloten_op": case.closed_at.isoformat() if case.closed_at else None,
        "reden_sluiten": case.close_reason,
        "toelichting_sluiten": case.close_note,
        "besluiten": [
            {
                "overleg": d.meeting.date.isoformat(),
                "besluit": d.outcome,
                "woning": d.offer_id,
                "reden": d.reason,
            }
            for d in case.decisions.select_related("meeting")
        ],
        "inzage": [
            {"gebruiker": log.username, "moment": log.at.isoformat(), "wat": log.what}
            for log in case.access_log.all()
        ],
    }


# ---- what monitoring counts ----------------------------------------------------------------


def confirmed_placements(municipality_ids=None):
    """Placements both parties confirmed (counts only: no case detail is read)."""
    placements = Placement.objects.filter(placed_on__isnull=False)
    if municipality_ids is not None:
        placements = placements.filter(
            Q(municipality_id__in=municipality_ids)
            | Q(sending_municipality_id__in=municipality_ids)
        )
    return placements


def via_mediation_frame(municipality_ids) -> pd.DataFrame:
    """Per receiving municipality × group × year × quarter: confirmed table placements."""
    key = ["municipality_id", "target_group_id", "year", "quarter"]
    rows = [
        {
            "municipality_id": p["municipality_id"],
            "target_group_id": p["target_group_id"],
            "year": p["placed_on"].year,
            "quarter": (p["placed_on"].month - 1) // 3 + 1,
            "via_mediation": 1,
        }
        for p in confirmed_placements()
        .filter(municipality_id__in=municipality_ids)
        .values("municipality_id", "target_group_id", "placed_on")
    ]
    frame = pd.DataFrame(rows, columns=[*key, "via_mediation"])
    return frame.groupby(key, as_index=False)["via_mediation"].sum()


def via_mediation_neighbourhood_frame(municipality_ids) -> pd.DataFrame:
    """Per receiving municipality × group × year × quarter × neighbourhood: confirmed table
    placements whose home lies in a known neighbourhood (the offer's)."""
    key = ["municipality_id", "target_group_id", "year", "quarter", "neighbourhood_id"]
    rows = [
        {
            "municipality_id": p["municipality_id"],
            "target_group_id": p["target_group_id"],
            "year": p["placed_on"].year,
            "quarter": (p["placed_on"].month - 1) // 3 + 1,
            "neighbourhood_id": p["offer__neighbourhood_id"],
            "via_mediation": 1,
        }
        for p in confirmed_placements()
        .filter(municipality_id__in=municipality_ids, offer__neighbourhood__isnull=False)
        .values("municipality_id", "target_group_id", "placed_on", "offer__neighbourhood_id")
    ]
    frame = pd.DataFrame(rows, columns=[*key, "via_mediation"])
    return frame.groupby(key, as_index=False)["via_mediation"].sum()


def sent_received(*, region) -> pd.DataFrame:
    """Per municipality of the region: cases brought to the table and cases received."""
    sent = dict(
        Case.objects.filter(municipality__region=region)
        .values_list("municipality_id")
        .annotate(n=Count("pk"))
    )
    received = dict(
        confirmed_placements()
        .filter(municipality__region=region)
        .values_list("municipality_id")
        .annotate(n=Count("pk"))
    )
    rows = [
        {
            "municipality_id": m.pk,
            "municipality": m.name,
            "slug": m.slug,
            "sent": sent.get(m.pk, 0),
            "received": received.get(m.pk, 0),
        }
        for m in region.municipalities.order_by("name")
    ]
    return pd.DataFrame(
        rows, columns=["municipality_id", "municipality", "slug", "sent", "received"]
    )


def figures(*, region, today: date | None = None) -> dict:
    """The table's figures: cases per group, placement rate, median days from ready to
    placement, open cases past their deadline (counts only, anonymised cases included)."""
    today = today or timezone.localdate()
    cases = Case.objects.filter(municipality__region=region)
    per_group = list(
        cases.values("target_group__code", "target_group__name_nl")
        .annotate(
            total=Count("pk"),
            placed=Count("pk", filter=Q(status=CaseStatus.PLACED)),
        )
        .order_by("target_group__sort_order")
    )
    total = cases.count()
    placed = cases.filter(status=CaseStatus.PLACED).count()
    days = [
        (p.placed_on - p.ready_from).days
        for p in confirmed_placements().filter(municipality__region=region)
    ]
    return {
        "per_group": per_group,
        "total": total,
        "placed": placed,
        "placement_rate": (placed / total) if total else None,
        "placement_percent": (100 * placed / total) if total else None,
        "median_days": float(np.median(days)) if days else None,
        "past_deadline": cases.filter(status__in=ACTIVE_STATUSES, deadline__lt=today).count(),
        "sent_received": sent_received(region=region),
    }
