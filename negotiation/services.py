"""Every write at the negotiation table, one transaction each, with the session row locked.

Each move locks the session row (`select_for_update`) first, so moves on one session are
serialised: two acceptances at the same moment cannot both pass the checks on the same board.
A move carries the board version its author saw; a move on a stale board is refused. Refusals are
`NegotiationError` with a Dutch message, and nothing is changed.
"""

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from allocation.engine import room_under_cap
from allocation.selectors import run_cap_share
from gmr_thuis.history import record_change
from gmr_thuis.models import ObjectChange
from gmr_thuis.permissions import APPROVE, SPEAK_AT_TABLE, SPEAK_FOR, VIEW, can, restrict
from negotiation import rules
from negotiation.models import (
    ROUND_ORDER,
    AdoptedAgreement,
    AdoptedTarget,
    BlockKind,
    BoardCell,
    Bottleneck,
    BottleneckReason,
    BuildingBlock,
    Consent,
    Delegation,
    Exchange,
    ExchangeStatus,
    Level,
    Move,
    Room,
    Round,
    RoundKind,
    Session,
    SessionStatus,
)


class NegotiationError(ValidationError):
    """A refused move; its message is Dutch and nothing was changed."""


# --- who may do what ------------------------------------------------------------------------


def is_facilitator(user, session):
    return session.facilitator_id == getattr(user, "pk", None) and can(user, APPROVE, session)


def acts_for(user, session, municipality_id):
    """Whether `user` may act for this municipality's delegation in this session."""
    delegation = (
        session.delegations.filter(municipality_id=municipality_id)
        .select_related("municipality", "session")
        .first()
    )
    if delegation is None:
        return False
    return _acts_for_delegation(user, session, delegation, may_view=can(user, VIEW, session))


def _acts_for_delegation(user, session, delegation, *, may_view):
    if not may_view:
        return False
    if session.is_practice and delegation.player_id is not None:
        return delegation.player_id == user.pk
    if session.is_practice and delegation.player_id is None:
        return is_facilitator(user, session)
    return can(user, SPEAK_AT_TABLE, delegation)


def delegations_of(user, session, delegations=None):
    """The municipality ids `user` acts for in `session` (of `delegations` when the caller
    has them loaded with their municipality), in a constant number of queries."""
    if delegations is None:
        delegations = session.delegations.select_related("municipality")
    may_view = can(user, VIEW, session)
    return [
        d.municipality_id
        for d in delegations
        if _acts_for_delegation(user, session, d, may_view=may_view)
    ]


def _require_facilitator(user, session):
    if not is_facilitator(user, session):
        raise PermissionDenied(_("Alleen de gespreksleider mag dit."))


def _require_delegation(user, session, municipality_id):
    if not acts_for(user, session, municipality_id):
        raise PermissionDenied(_("U spreekt niet namens deze gemeente."))


# --- helpers -------------------------------------------------------------------------------


def _lock(session):
    return Session.objects.select_for_update().get(pk=session.pk)


def _open_round(session, kind):
    current = session.rounds.filter(kind=kind).first()
    if current is None or not current.is_open:
        label = dict(RoundKind.choices)[kind]
        raise NegotiationError(_("De ronde %(round)s is niet open.") % {"round": label})
    return current


def _check_version(session, board_version):
    if board_version is None:
        return
    try:
        board_version = int(board_version)
    except (TypeError, ValueError) as exc:
        raise NegotiationError(_("Onbekende versie van het bord.")) from exc
    if board_version != session.board_version:
        raise NegotiationError(
            _(
                "Het bord is intussen veranderd (versie %(now)s, u zag versie %(seen)s). "
                "Bekijk het nieuwe bord en probeer het opnieuw."
            )
            % {"now": session.board_version, "seen": board_version}
        )


def _log(session, user, kind, payload, outcome=""):
    move = Move.objects.create(
        session=session,
        user=user if getattr(user, "is_authenticated", False) else None,
        user_name=getattr(user, "username", ""),
        kind=kind,
        payload=payload,
        outcome=outcome,
        board_version=session.board_version,
    )
    from negotiation.live import broadcast_after_commit

    broadcast_after_commit(session.pk, move.pk)
    return move


def _bump(session):
    Session.objects.filter(pk=session.pk).update(board_version=F("board_version") + 1)
    session.board_version += 1


def _fairness_now(session):
    from negotiation.selectors import fairness_snapshot

    return fairness_snapshot(session)


def _close_open_rounds(session):
    """Close whatever round is open, each keeping the board's fairness as it leaves it."""
    now = timezone.now()
    fairness = _fairness_now(session)
    for current in session.rounds.filter(opened_at__isnull=False, closed_at__isnull=True):
        current.closed_at, current.fairness = now, fairness
        current.save(update_fields=["closed_at", "fairness"])


def _in_session(session, municipality_id):
    if not session.delegations.filter(municipality_id=municipality_id).exists():
        raise NegotiationError(_("Deze gemeente doet niet mee aan deze sessie."))


# --- session and rounds ----------------------------------------------------------------------


@transaction.atomic
def session_create(
    *,
    user,
    name,
    run,
    level,
    municipalities,
    first_year=None,
    last_year=None,
    observers=(),
    is_practice=False,
    fairness_band=0.25,
    players=None,
    aldermen=None,
):
    """Open a session; the board starts from the run's fair share (a copy of the numbers).

    `aldermen` ({municipality id: user}) names, at administrative level, the one account that
    speaks for each municipality; a municipality without one is represented by its civil
    servants."""
    from allocation.models import AllocationResult, RunStatus
    from municipalities.models import Indicator, MunicipalityFigure

    if not can(user, APPROVE, run):
        raise PermissionDenied(_("Alleen de projectleider opent een onderhandelsessie."))
    if run.status != RunStatus.SUCCEEDED:
        raise NegotiationError(_("Kies een verdeelrun die klaar is."))
    first_year = first_year or run.first_year
    last_year = last_year or run.last_year
    if not run.first_year <= first_year <= last_year <= run.last_year:
        raise NegotiationError(_("De periode valt buiten die van de verdeelrun."))
    municipalities = list(municipalities)
    if len(municipalities) < 2:
        raise NegotiationError(_("Een sessie heeft ten minste twee gemeenten."))
    session = Session.objects.create(
        name=name,
        region=run.scenario.region,
        run=run,
        first_year=first_year,
        last_year=last_year,
        level=level,
        facilitator=user,
        is_practice=is_practice,
        fairness_band=fairness_band,
    )
    session.observers.set(observers)
    players = players or {}
    aldermen = aldermen or {}
    if players and not is_practice:
        raise NegotiationError(_("Spelers kies je alleen voor een oefensessie."))
    if set(players) - {m.pk for m in municipalities}:
        raise NegotiationError(_("Een speler speelt een deelnemende gemeente."))
    if aldermen and level != Level.ADMINISTRATIVE:
        raise NegotiationError(_("Een wethouder spreekt alleen op bestuurlijk niveau."))
    for m in municipalities:
        alderman = aldermen.get(m.pk)
        if alderman is not None and not can(alderman, SPEAK_FOR, m):
            raise NegotiationError(
                _("%(user)s is geen account van %(municipality)s.")
                % {"user": alderman.get_username(), "municipality": m.name}
            )
    if set(aldermen) - {m.pk for m in municipalities}:
        raise NegotiationError(_("Een wethouder hoort bij een deelnemende gemeente."))
    Delegation.objects.bulk_create(
        Delegation(
            session=session,
            municipality=m,
            player=players.get(m.pk),
            alderman=aldermen.get(m.pk),
        )
        for m in municipalities
    )
    ids = [m.pk for m in municipalities]
    results = AllocationResult.objects.filter(
        run=run, municipality_id__in=ids, year__gte=first_year, year__lte=last_year
    )
    BoardCell.objects.bulk_create(
        BoardCell(
            session=session,
            municipality_id=r.municipality_id,
            target_group_id=r.target_group_id,
            year=r.year,
            fair_share=r.quota,
            number=r.quota,
            capped=r.capped,
        )
        for r in results
    )
    # The cap the run computed with, exactly (room = floor(turnover × cap)).
    cap_share = run_cap_share(run)
    figures = {}
    for f in MunicipalityFigure.objects.filter(
        municipality_id__in=ids,
        indicator__in=[
            Indicator.TURNOVER,
            Indicator.NEW_CONSTRUCTION,
            Indicator.EXISTING_STOCK_OPTIONS,
        ],
        year__lte=run.scenario.data_year,
    ).order_by("year"):
        figures[(f.municipality_id, f.indicator)] = float(f.value)  # latest year wins
    Room.objects.bulk_create(
        Room(
            session=session,
            municipality_id=m,
            year=year,
            turnover_under_cap=room_under_cap(
                int(figures.get((m, Indicator.TURNOVER), 0)), cap_share
            ),
            new_construction=int(figures.get((m, Indicator.NEW_CONSTRUCTION), 0)),
            existing_stock_options=int(figures.get((m, Indicator.EXISTING_STOCK_OPTIONS), 0)),
        )
        for m in ids
        for year in range(first_year, last_year + 1)
    )
    Round.objects.bulk_create(Round(session=session, kind=kind) for kind in ROUND_ORDER)
    record_change(user=user, obj=session, action=ObjectChange.Action.CREATE)
    _log(session, user, "session_create", {"name": name})
    return session


@transaction.atomic
def round_open(*, user, session, kind, minutes=None):
    session = _lock(session)
    _require_facilitator(user, session)
    if session.status != SessionStatus.OPEN:
        raise NegotiationError(_("De sessie is gesloten."))
    target = session.rounds.get(kind=kind)
    if target.opened_at is not None:
        raise NegotiationError(_("Deze ronde is al geopend."))
    earlier = ROUND_ORDER[: ROUND_ORDER.index(kind)]
    if session.rounds.filter(kind__in=earlier, closed_at__isnull=True).exists():
        raise NegotiationError(_("Sluit eerst de vorige ronde."))
    now = timezone.now()
    target.opened_at = now
    if minutes:
        minutes = rules.whole_non_negative(minutes, "aantal minuten")
        target.ends_at = now + timedelta(minutes=minutes)
    target.save()
    _log(session, user, "round_open", {"round": kind, "minutes": minutes})
    return target


@transaction.atomic
def round_close(*, user, session, kind):
    session = _lock(session)
    _require_facilitator(user, session)
    target = _open_round(session, kind)
    target.closed_at = timezone.now()
    if kind == RoundKind.SOLVE:
        session.exchanges.filter(status=ExchangeStatus.PROPOSED).update(
            status=ExchangeStatus.DECLINED, decided_at=timezone.now()
        )
    target.fairness = _fairness_now(session)
    target.save()
    _log(session, user, "round_close", {"round": kind})
    return target


# --- round 1: bottlenecks --------------------------------------------------------------------


@transaction.atomic
def bottleneck_mark(*, user, session, municipality_id, target_group_id, reason, text=""):
    session = _lock(session)
    _in_session(session, municipality_id)
    _require_delegation(user, session, municipality_id)
    _open_round(session, RoundKind.INSIGHT)
    if reason not in BottleneckReason.values:
        raise NegotiationError(_("Kies een reden uit de lijst."))
    if reason == BottleneckReason.OTHER and not text.strip():
        raise NegotiationError(_("Licht de reden 'anders' toe."))
    if not session.cells.filter(
        municipality_id=municipality_id, target_group_id=target_group_id
    ).exists():
        raise NegotiationError(_("Deze groep staat niet op het bord."))
    bottleneck = Bottleneck.objects.create(
        session=session,
        municipality_id=municipality_id,
        target_group_id=target_group_id,
        reason=reason,
        text=text,
        created_by=user,
    )
    _log(
        session,
        user,
        "bottleneck",
        {"municipality": municipality_id, "group": target_group_id, "reason": reason, "text": text},
    )
    return bottleneck


# --- round 2: exchanges ----------------------------------------------------------------------


def _board(session, year):
    cells = list(session.cells.filter(year=year))
    board = {(c.municipality_id, c.target_group_id, c.year): c.number for c in cells}
    fair = {(c.municipality_id, c.target_group_id, c.year): c.fair_share for c in cells}
    capped = {(c.municipality_id, c.target_group_id, c.year): c.capped for c in cells}
    rooms = {(r.municipality_id, r.year): r.total for r in session.rooms.filter(year=year)}
    return cells, board, fair, capped, rooms


def _evaluate(session, exchange_args):
    _cells, board, fair, capped, rooms = _board(session, exchange_args["year"])
    try:
        new = rules.apply_exchange(board, **exchange_args)
    except rules.RuleError as exc:
        raise NegotiationError(str(exc)) from exc
    found = rules.concerns(
        board, new, fair_share=fair, capped=capped, rooms=rooms, width=float(session.fairness_band)
    )
    return board, new, found


def _concern_message(found):
    parts = []
    for _m, year, after, room in found.above_room:
        parts.append(
            _("de begrensde groepen komen in %(year)s op %(after)s, boven de ruimte van %(room)s")
            % {"year": year, "after": after, "room": room}
        )
    for _m, _g, year, number, lo, hi in found.outside_band:
        parts.append(
            _("%(number)s in %(year)s ligt buiten de bandbreedte %(lo)s–%(hi)s")
            % {"number": number, "year": year, "lo": lo, "hi": hi}
        )
    return _("Deze uitruil vraagt een motivering die iedereen ziet: %(parts)s.") % {
        "parts": "; ".join(parts)
    }


@transaction.atomic
def exchange_propose(
    *,
    user,
    session,
    taker_id,
    giver_id,
    group_id,
    amount,
    year,
    return_group_id=None,
    return_amount=0,
    block=None,
    motivation="",
    board_version=None,
):
    """A delegation (taker or giver) or the facilitator proposes an exchange."""
    session = _lock(session)
    _check_version(session, board_version)
    for municipality_id in (taker_id, giver_id):
        _in_session(session, municipality_id)
    facilitator = is_facilitator(user, session)
    if acts_for(user, session, taker_id):
        proposer = taker_id
    elif acts_for(user, session, giver_id):
        proposer = giver_id
    elif facilitator:
        proposer = None
    else:
        raise PermissionDenied(_("U spreekt niet namens een van deze gemeenten."))
    _open_round(session, RoundKind.SOLVE)
    try:
        amount = rules.whole_non_negative(amount)
        return_amount = rules.whole_non_negative(return_amount or 0, "aantal terug")
        year = int(year)
    except (rules.RuleError, ValueError) as exc:
        raise NegotiationError(str(exc)) from exc
    if year not in session.years:
        raise NegotiationError(_("Dit jaar valt buiten de periode van de sessie."))
    if block and return_amount:
        raise NegotiationError(_("Kies als tegenprestatie óf een aantal terug óf een bouwsteen."))
    args = {
        "taker": taker_id,
        "giver": giver_id,
        "group": group_id,
        "year": year,
        "amount": amount,
        "return_group": return_group_id if return_amount else None,
        "return_amount": return_amount,
    }
    _board_now, _new, found = _evaluate(session, args)
    if found and not motivation.strip():
        raise NegotiationError(_concern_message(found))
    building_block = None
    if block:
        building_block = _pledge(session, giver_id, group_id, year, block)
    exchange = Exchange.objects.create(
        session=session,
        year=year,
        taker_id=taker_id,
        giver_id=giver_id,
        group_id=group_id,
        amount=amount,
        return_group_id=args["return_group"],
        return_amount=return_amount,
        building_block=building_block,
        proposer_id=proposer,
        motivation=motivation.strip(),
        proposed_by=user,
    )
    _log(session, user, "exchange_propose", _exchange_payload(exchange))
    return exchange


def _pledge(session, owner_id, group_id, year, block):
    try:
        homes = rules.whole_non_negative(block.get("homes_added"), "aantal woningen")
    except rules.RuleError as exc:
        raise NegotiationError(str(exc)) from exc
    if not (block.get("title") or "").strip():
        raise NegotiationError(_("Een bouwsteen heeft een titel."))
    if block.get("kind") not in BlockKind.values:
        raise NegotiationError(_("Kies de soort bouwsteen."))
    building_block = BuildingBlock.objects.create(
        title=block["title"].strip(),
        kind=block["kind"],
        owner_id=owner_id,
        homes_added=homes,
        year=year,
        session=session,
    )
    building_block.municipalities.set([owner_id])
    building_block.target_groups.set([group_id])
    return building_block


def _exchange_payload(exchange):
    return {
        "exchange": exchange.pk,
        "year": exchange.year,
        "taker": exchange.taker_id,
        "giver": exchange.giver_id,
        "group": exchange.group_id,
        "amount": exchange.amount,
        "return_group": exchange.return_group_id,
        "return_amount": exchange.return_amount,
        "building_block": exchange.building_block_id,
        "motivation": exchange.motivation,
        "status": exchange.status,
    }


def counterparty(exchange):
    """The municipality that decides: the one that did not propose (the giver when the
    facilitator proposed)."""
    return exchange.taker_id if exchange.proposer_id == exchange.giver_id else exchange.giver_id


@transaction.atomic
def exchange_decide(*, user, exchange, accept, board_version=None, motivation=""):
    """The counterparty accepts (the board changes, checks run again on the current board) or
    declines."""
    session = _lock(exchange.session)
    exchange = Exchange.objects.select_for_update().get(pk=exchange.pk)
    _require_delegation(user, session, counterparty(exchange))
    _open_round(session, RoundKind.SOLVE)
    if exchange.status != ExchangeStatus.PROPOSED:
        raise NegotiationError(_("Over deze uitruil is al beslist."))
    if not accept:
        exchange.status = ExchangeStatus.DECLINED
        exchange.decided_by, exchange.decided_at = user, timezone.now()
        exchange.save()
        _log(session, user, "exchange_decide", _exchange_payload(exchange), "declined")
        return exchange
    _check_version(session, board_version)
    args = {
        "taker": exchange.taker_id,
        "giver": exchange.giver_id,
        "group": exchange.group_id,
        "year": exchange.year,
        "amount": exchange.amount,
        "return_group": exchange.return_group_id,
        "return_amount": exchange.return_amount,
    }
    board, new, found = _evaluate(session, args)
    motivation = (motivation or "").strip()
    if found and not (exchange.motivation or motivation):
        raise NegotiationError(_concern_message(found))
    if motivation:
        exchange.motivation = "\n".join(filter(None, [exchange.motivation, motivation]))
    cells = {
        (c.municipality_id, c.target_group_id, c.year): c
        for c in session.cells.select_for_update().filter(year=exchange.year)
    }
    changed = [cells[key] for key in new if new[key] != board[key]]
    for cell in changed:
        cell.number = new[(cell.municipality_id, cell.target_group_id, cell.year)]
    BoardCell.objects.bulk_update(changed, ["number"])
    exchange.status = ExchangeStatus.ACCEPTED
    exchange.decided_by, exchange.decided_at = user, timezone.now()
    exchange.save()
    _bump(session)
    _log(session, user, "exchange_decide", _exchange_payload(exchange), "accepted")
    return exchange


# --- round 3: consent, close, adopt ----------------------------------------------------------


@transaction.atomic
def consent_give(*, user, session, municipality_id, agrees, reason=""):
    session = _lock(session)
    _in_session(session, municipality_id)
    _require_delegation(user, session, municipality_id)
    _open_round(session, RoundKind.AGREE)
    if not agrees and not (reason or "").strip():
        raise NegotiationError(_("Geef een reden bij een bezwaar."))
    consent, _created = Consent.objects.update_or_create(
        session=session,
        municipality_id=municipality_id,
        defaults={"agrees": bool(agrees), "reason": (reason or "").strip(), "given_by": user},
    )
    _log(
        session,
        user,
        "consent",
        {"municipality": municipality_id, "agrees": bool(agrees), "reason": consent.reason},
        "agreed" if agrees else "objected",
    )
    return consent


@transaction.atomic
def session_close(*, user, session):
    """The facilitator closes the table, with whatever objections are recorded."""
    session = _lock(session)
    _require_facilitator(user, session)
    if session.status != SessionStatus.OPEN:
        raise NegotiationError(_("De sessie is al gesloten."))
    _close_open_rounds(session)
    session.status = SessionStatus.CLOSED
    session.save(update_fields=["status"])
    _log(session, user, "session_close", {})
    return session


@transaction.atomic
def session_adopt(*, user, session):
    """Adopt the outcome as the region's agreed targets for the session's years."""
    session = _lock(session)
    _require_facilitator(user, session)
    if session.is_practice:
        raise NegotiationError(_("Een oefensessie wordt niet vastgesteld."))
    if session.status == SessionStatus.ADOPTED:
        raise NegotiationError(_("Deze uitkomst is al vastgesteld."))
    agree_round = session.rounds.get(kind=RoundKind.AGREE)
    if session.status != SessionStatus.CLOSED and (agree_round.opened_at is None):
        raise NegotiationError(_("Stel de uitkomst pas vast na de ronde Afspraken."))
    delegations = set(session.delegations.values_list("municipality_id", flat=True))
    agreed = set(session.consents.filter(agrees=True).values_list("municipality_id", flat=True))
    if session.status == SessionStatus.OPEN and agreed != delegations:
        raise NegotiationError(
            _(
                "Nog niet alle gemeenten stemden in; sluit de sessie met de bezwaren, "
                "of wacht op hun instemming."
            )
        )
    _close_open_rounds(session)
    AdoptedAgreement.objects.filter(
        region=session.region,
        is_current=True,
        first_year__lte=session.last_year,
        last_year__gte=session.first_year,
    ).update(is_current=False)
    agreement = AdoptedAgreement.objects.create(
        session=session,
        region=session.region,
        first_year=session.first_year,
        last_year=session.last_year,
        adopted_by=user,
    )
    AdoptedTarget.objects.bulk_create(
        AdoptedTarget(
            agreement=agreement,
            municipality_id=c.municipality_id,
            target_group_id=c.target_group_id,
            year=c.year,
            number=c.number,
        )
        for c in session.cells.all()
    )
    session.status = SessionStatus.ADOPTED
    session.save(update_fields=["status"])
    record_change(user=user, obj=agreement, action=ObjectChange.Action.CREATE)
    _log(session, user, "adopt", {"agreement": agreement.pk}, "adopted")
    return agreement


def visible_sessions(user):
    return restrict(Session.objects.all(), user, VIEW)
