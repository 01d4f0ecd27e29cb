"""Reads of the negotiation table, scoped to the user: the board's state, its fairness, the
replay, and the adopted targets monitoring prefers over the raw fair share."""

from collections import defaultdict

import pandas as pd
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from gmr_thuis.permissions import VIEW, can, get_object_for, restrict
from municipalities.models import Indicator, MunicipalityFigure, TargetGroup
from negotiation import fairness, rules
from negotiation.models import (
    AdoptedAgreement,
    AdoptedTarget,
    BottleneckReason,
    BuildingBlock,
    ExchangeStatus,
    RoundKind,
    Session,
)
from negotiation.services import counterparty, delegations_of, is_facilitator


def session_list(*, user):
    return restrict(Session.objects.all(), user, VIEW).select_related("run", "facilitator")


def session_for(*, user, pk):
    """The session, or 404 for anyone outside its region or without a role."""
    return get_object_for(user, Session.objects.select_related("run__scenario"), VIEW, pk=pk)


def building_blocks(*, user):
    """The building blocks that outlive their session; a practice session's are play only."""
    return (
        restrict(BuildingBlock.objects.exclude(session__is_practice=True), user, VIEW)
        .select_related("owner", "session")
        .prefetch_related("target_groups", "municipalities")
    )


def _profile(municipality_ids, data_year):
    wanted = [Indicator.INHABITANTS, Indicator.SOCIAL_RENT, Indicator.TURNOVER]
    figures = {}
    for f in MunicipalityFigure.objects.filter(
        municipality_id__in=municipality_ids, indicator__in=wanted, year__lte=data_year
    ).order_by("year"):
        figures[(f.municipality_id, f.indicator)] = float(f.value)
    return {
        m: {
            "inhabitants": figures.get((m, Indicator.INHABITANTS), 0.0),
            "social_rent": figures.get((m, Indicator.SOCIAL_RENT), 0.0),
            "turnover": figures.get((m, Indicator.TURNOVER), 0.0),
        }
        for m in municipality_ids
    }


def board_state(*, user, session):
    """Everything the board shows, as plain data (the page and the socket send the same)."""
    delegations = list(session.delegations.select_related("municipality"))
    municipalities = [d.municipality for d in delegations]
    ids = [m.pk for m in municipalities]
    cells = list(session.cells.select_related("target_group"))
    group_ids = sorted({c.target_group_id for c in cells})
    groups = list(TargetGroup.objects.filter(pk__in=group_ids))
    rooms = {(r.municipality_id, r.year): r for r in session.rooms.all()}
    profile = _profile(ids, session.run.scenario.data_year)
    by_municipality = defaultdict(list)
    totals = defaultdict(lambda: {"fair_share": 0, "number": 0})
    for c in cells:
        by_municipality[c.municipality_id].append(c)
        totals[(c.target_group_id, c.year)]["fair_share"] += c.fair_share
        totals[(c.target_group_id, c.year)]["number"] += c.number
    names = {m.pk: m.name for m in municipalities}
    group_names = {g.pk: g.name() for g in groups}
    consents = {c.municipality_id: c for c in session.consents.all()}
    inhabitants = sum(profile[m]["inhabitants"] for m in ids) or 1.0
    agreed = [m for m in ids if consents.get(m) and consents[m].agrees]
    rounds = list(session.rounds.all())
    current = next((r for r in rounds if r.is_open), None)
    mine = delegations_of(user, session, delegations)
    rows = []
    for m in municipalities:
        mcells = sorted(by_municipality[m.pk], key=lambda c: (c.year, c.target_group.sort_order))
        fair = sum(c.fair_share for c in mcells)
        number = sum(c.number for c in mcells)
        room = sum(rooms[(m.pk, y)].total for y in session.years if (m.pk, y) in rooms)
        rows.append(
            {
                "id": m.pk,
                "name": m.name,
                "cbs_code": m.cbs_code,
                "fair_share": fair,
                "number": number,
                "room": room,
                "capped": sum(c.number for c in mcells if c.capped),
                "profile": profile[m.pk],
                "mine": m.pk in mine,
                "consent": (
                    None
                    if m.pk not in consents
                    else {"agrees": consents[m.pk].agrees, "reason": consents[m.pk].reason}
                ),
                "pawns": [
                    {
                        "cell": c.pk,
                        "group": c.target_group_id,
                        "group_name": group_names[c.target_group_id],
                        "year": c.year,
                        "fair_share": c.fair_share,
                        "number": c.number,
                        "capped": c.capped,
                    }
                    for c in mcells
                ],
            }
        )
    exchanges = []
    for e in session.exchanges.select_related("building_block"):
        exchanges.append(
            {
                "id": e.pk,
                "year": e.year,
                "taker": names.get(e.taker_id),
                "giver": names.get(e.giver_id),
                "group": group_names.get(e.group_id),
                "amount": e.amount,
                "return_group": group_names.get(e.return_group_id),
                "return_amount": e.return_amount,
                "building_block": e.building_block.title if e.building_block else None,
                "motivation": e.motivation,
                "status": e.status,
                "status_label": e.get_status_display(),
                "decides": names.get(counterparty(e)),
                "may_decide": e.status == ExchangeStatus.PROPOSED
                and counterparty(e) in mine
                and current is not None
                and current.kind == "oplossen",
            }
        )
    return {
        "session": session.pk,
        "board_version": session.board_version,
        "status": session.status,
        "status_label": session.get_status_display(),
        "round": None
        if current is None
        else {
            "kind": current.kind,
            "label": current.get_kind_display(),
            "ends_at": current.ends_at.isoformat() if current.ends_at else None,
        },
        "rounds": [
            {
                "kind": r.kind,
                "label": r.get_kind_display(),
                "opened": r.opened_at is not None,
                "closed": r.closed_at is not None,
            }
            for r in rounds
        ],
        "is_facilitator": is_facilitator(user, session),
        "mine": mine,
        "municipalities": rows,
        "groups": group_cards(groups, group_names, cells, session),
        "totals": [
            {
                "group": group_names[g],
                "year": y,
                "fair_share": t["fair_share"],
                "number": t["number"],
            }
            for (g, y), t in sorted(totals.items())
        ],
        "bottlenecks": [
            {
                "municipality": names.get(b.municipality_id),
                "group": group_names.get(b.target_group_id),
                "reason": b.get_reason_display(),
                "text": b.text,
            }
            for b in session.bottlenecks.all()
        ],
        "exchanges": exchanges,
        "support": {
            "agreed": len(agreed),
            "total": len(ids),
            "inhabitant_share": sum(profile[m]["inhabitants"] for m in agreed) / inhabitants,
            "inhabitant_pct": round(
                100 * sum(profile[m]["inhabitants"] for m in agreed) / inhabitants
            ),
        },
        "fairness": fairness_of(rows),
        "now": timezone.now().isoformat(),
    }


def group_cards(groups, group_names, cells, session):
    """A card per group on the table: its definition, care needed, and its regional totals."""
    language = "en" if TargetGroup.name_field() == "name_en" else "nl"
    bottlenecks = defaultdict(int)
    for b in session.bottlenecks.all():
        bottlenecks[b.target_group_id] += 1
    cards = []
    for g in groups:
        mine = [c for c in cells if c.target_group_id == g.pk]
        cards.append(
            {
                "id": g.pk,
                "name": group_names[g.pk],
                "code": g.code,
                "definition": getattr(g, f"definition_{language}"),
                "care_support": getattr(g, f"care_support_{language}"),
                "legally_urgent": g.legally_urgent,
                "unit": g.unit,
                "fair_share": sum(c.fair_share for c in mine),
                "number": sum(c.number for c in mine),
                "capped": any(c.capped for c in mine),
                "bottlenecks": bottlenecks[g.pk],
            }
        )
    return cards


def fairness_of(rows):
    summary = fairness.summarise(
        fairness.Row(
            r["name"],
            r["fair_share"],
            r["number"],
            r["profile"]["inhabitants"],
            r["profile"]["social_rent"],
        )
        for r in rows
    )
    return {
        "total_deviation": summary.total_deviation,
        "largest": None
        if summary.largest is None
        else {"municipality": summary.largest.municipality, "deviation": summary.largest.deviation},
        "gini": round(summary.gini, 4),
        "fair_gini": round(summary.fair_gini, 4),
        "lorenz": summary.lorenz,
        "fair_lorenz": summary.fair_lorenz,
        "rows": [
            {
                "municipality": r.municipality,
                "fair_share": r.fair_share,
                "negotiated": r.negotiated,
                "deviation": r.deviation,
                "per_1000": None
                if r.deviation_per_1000_inhabitants is None
                else round(r.deviation_per_1000_inhabitants, 3),
                "per_100_social_rent": None
                if r.deviation_per_100_social_rent is None
                else round(r.deviation_per_100_social_rent, 3),
                "burden": None if r.burden is None else round(r.burden, 3),
                "fair_burden": None if r.fair_burden is None else round(r.fair_burden, 3),
            }
            for r in summary.rows
        ],
    }


def fairness_snapshot(session):
    """The board's fairness as it stands, for a round to keep when it closes."""
    figures = board_state(user=None, session=session)["fairness"]
    return {key: figures[key] for key in ("total_deviation", "largest", "gini", "fair_gini")}


def fairness_per_round(session, state):
    """Per closed round its fairness at closing, and the board now ("at the end" once adopted),
    side by side with the fair share."""
    rows = [
        {"label": r.get_kind_display(), **r.fairness}
        for r in session.rounds.all()
        if r.closed_at is not None and r.fairness
    ]
    now = state["fairness"]
    rows.append(
        {
            "label": None,
            "total_deviation": now["total_deviation"],
            "largest": now["largest"],
            "gini": now["gini"],
            "fair_gini": now["fair_gini"],
        }
    )
    return rows


def replay(*, user, session):
    """The moves in order, each with the board version it left."""
    return list(session.moves.all())


def _describe(move, names, group_names, rounds):
    p = move.payload
    label = rounds.get(p.get("round"), p.get("round"))

    def exchange():
        text = _("%(taker)s neemt %(amount)s %(group)s over van %(giver)s (%(year)s)") % {
            "taker": names.get(p["taker"]),
            "amount": p["amount"],
            "group": group_names.get(p["group"]),
            "giver": names.get(p["giver"]),
            "year": p["year"],
        }
        if p.get("return_amount"):
            text += "; " + _("%(giver)s neemt %(amount)s %(group)s terug") % {
                "giver": names.get(p["giver"]),
                "amount": p["return_amount"],
                "group": group_names.get(p["return_group"]),
            }
        return text

    if move.kind == "session_create":
        return _("opende de sessie")
    if move.kind == "round_open":
        return _("opende de ronde %(round)s") % {"round": label}
    if move.kind == "round_close":
        return _("sloot de ronde %(round)s") % {"round": label}
    if move.kind == "bottleneck":
        return _("meldde een knelpunt: %(municipality)s – %(group)s (%(reason)s)") % {
            "municipality": names.get(p["municipality"]),
            "group": group_names.get(p["group"]),
            "reason": dict(BottleneckReason.choices).get(p["reason"], p["reason"]),
        }
    if move.kind == "exchange_propose":
        return _("stelde een uitruil voor: %(exchange)s") % {"exchange": exchange()}
    if move.kind == "exchange_decide" and move.outcome == "accepted":
        return _("aanvaardde: %(exchange)s") % {"exchange": exchange()}
    if move.kind == "exchange_decide":
        return _("wees af: %(exchange)s") % {"exchange": exchange()}
    if move.kind == "consent" and p.get("agrees"):
        return _("%(municipality)s stemt in") % {"municipality": names.get(p["municipality"])}
    if move.kind == "consent":
        return _("%(municipality)s maakt bezwaar: %(reason)s") % {
            "municipality": names.get(p["municipality"]),
            "reason": p.get("reason", ""),
        }
    if move.kind == "session_close":
        return _("sloot de sessie")
    if move.kind == "adopt":
        return _("stelde de uitkomst vast als regionale afspraak")
    return move.kind


def replay_at(*, user, session, step=None):
    """The session as it stood after `step` moves: the moves so far, described, and the board
    rebuilt from the fair share by the exchanges accepted until then (all moves: the board now)."""
    moves = replay(user=user, session=session)
    step = len(moves) if step is None else max(0, min(step, len(moves)))
    cells = list(session.cells.select_related("municipality", "target_group"))
    names = {
        d.municipality_id: d.municipality.name
        for d in session.delegations.select_related("municipality")
    }
    names.update({c.municipality_id: c.municipality.name for c in cells})
    group_names = {c.target_group_id: c.target_group.name() for c in cells}
    rounds = dict(RoundKind.choices)
    board = {(c.municipality_id, c.target_group_id, c.year): c.fair_share for c in cells}
    current_round, consents = None, {}
    for move in moves[:step]:
        p = move.payload
        if move.kind == "exchange_decide" and move.outcome == "accepted":
            board = rules.apply_exchange(
                board,
                taker=p["taker"],
                giver=p["giver"],
                group=p["group"],
                year=p["year"],
                amount=p["amount"],
                return_group=p.get("return_group"),
                return_amount=p.get("return_amount") or 0,
            )
        elif move.kind == "round_open":
            current_round = rounds.get(p["round"])
        elif move.kind in ("round_close", "session_close", "adopt"):
            current_round = None
        elif move.kind == "consent":
            consents[p["municipality"]] = p["agrees"]
    fair = defaultdict(int)
    number = defaultdict(int)
    for c in cells:
        key = (c.municipality_id, c.target_group_id, c.year)
        fair[(c.municipality_id, c.target_group_id)] += c.fair_share
        number[(c.municipality_id, c.target_group_id)] += board[key]
    rows = [
        {
            "municipality": names[m],
            "group": group_names[g],
            "fair_share": fair[(m, g)],
            "number": number[(m, g)],
            "difference": number[(m, g)] - fair[(m, g)],
        }
        for (m, g) in sorted(fair, key=lambda k: (names[k[0]], group_names[k[1]]))
    ]
    described = [
        {"move": m, "text": _describe(m, names, group_names, rounds)} for m in moves[:step]
    ]
    return {
        "step": step,
        "count": len(moves),
        "moves": described,
        "last": described[-1] if described else None,
        "round": current_round,
        "agreed": sum(1 for agrees in consents.values() if agrees),
        "total": len(names),
        "rows": rows,
        "board": board,
    }


def prefer_adopted_targets(frame, *, user, years=None, municipality_ids=None):
    """Monitoring's fair-share frame with the numbers of the current adopted agreements in
    place of the run's quota, for the cells they cover (the agreed targets)."""
    agreements = restrict(AdoptedAgreement.objects.filter(is_current=True), user, VIEW)
    targets = restrict(AdoptedTarget.objects.all(), user, VIEW).filter(agreement__in=agreements)
    if years is not None:
        targets = targets.filter(year__in=list(years))
    if municipality_ids is not None:
        targets = targets.filter(municipality_id__in=municipality_ids)
    rows = list(
        targets.values_list(
            "municipality_id",
            "municipality__cbs_code",
            "target_group__code",
            "target_group_id",
            "year",
            "number",
            "agreement__session__run_id",
        )
    )
    if not rows:
        return frame
    columns = [
        "municipality_id",
        "cbs_code",
        "target_group_code",
        "target_group_id",
        "year",
        "quota",
        "run_id",
    ]
    adopted = pd.DataFrame.from_records(rows, columns=columns)
    key = ["municipality_id", "target_group_id", "year"]
    if frame.empty:
        return adopted
    kept = frame.merge(adopted[key], on=key, how="left", indicator=True)
    kept = kept[kept["_merge"] == "left_only"].drop(columns="_merge")
    merged = pd.concat([kept[frame.columns], adopted[frame.columns]], ignore_index=True)
    return merged.sort_values(["year", "cbs_code", "target_group_code"]).reset_index(drop=True)


def adopted_justification(*, user, municipality, target_group, year):
    """Why a municipality's agreed target of one group and year is what it is: the current
    adopted agreement's number next to the fair share the session started from, with the
    accepted exchanges and the building blocks that moved it. None without an adopted target."""
    target = (
        restrict(AdoptedTarget.objects.all(), user, VIEW)
        .filter(
            agreement__is_current=True,
            municipality=municipality,
            target_group=target_group,
            year=year,
        )
        .select_related("agreement__session")
        .first()
    )
    if target is None:
        return None
    session = target.agreement.session
    cell = session.cells.filter(
        municipality=municipality, target_group=target_group, year=year
    ).first()
    concerned = Q(taker=municipality) | Q(giver=municipality)
    of_group = Q(group=target_group) | Q(return_group=target_group)
    exchanges = (
        session.exchanges.filter(concerned, of_group, status=ExchangeStatus.ACCEPTED, year=year)
        .select_related("taker", "giver", "group", "return_group", "building_block")
        .order_by("decided_at", "pk")
    )
    lines = []
    for e in exchanges:
        text = _("%(taker)s neemt %(amount)s %(group)s over van %(giver)s (%(year)s)") % {
            "taker": e.taker.name,
            "amount": e.amount,
            "group": e.group.name(),
            "giver": e.giver.name,
            "year": e.year,
        }
        if e.return_amount:
            text += "; " + _("%(giver)s neemt %(amount)s %(group)s terug") % {
                "giver": e.giver.name,
                "amount": e.return_amount,
                "group": e.return_group.name(),
            }
        if e.building_block_id:
            text += "; " + _("bouwsteen: %(title)s") % {"title": e.building_block.title}
        lines.append({"text": text, "motivation": e.motivation})
    blocks = (
        session.building_blocks.filter(
            Q(owner=municipality) | Q(municipalities=municipality),
            target_groups=target_group,
            year=year,
        )
        .select_related("owner")
        .distinct()
        .order_by("title")
    )
    return {
        "agreement": target.agreement,
        "session": session,
        "may_open_session": can(user, VIEW, session),
        "fair_share": cell.fair_share if cell else None,
        "number": target.number,
        "exchanges": lines,
        "building_blocks": list(blocks),
    }
