"""Writes of the mediation table, one transaction each; a refused write saves nothing.

Errors are Dutch `ValidationError`s keyed by field; permissions are `PermissionDenied`.
"""

from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gmr_thuis.permissions import (
    CHANGE,
    CONFIRM_OFFERING,
    CONFIRM_RECEIVING,
    OFFER_HOMES,
    REGISTER_CASE,
    RUN_TABLE,
    VIEW,
    WITHDRAW_OFFER,
    can,
)
from mediation import selectors
from mediation.models import (
    ACTIVE_STATUSES,
    Case,
    CaseAccessLog,
    CaseStatus,
    CloseReason,
    Decision,
    Meeting,
    Offer,
    OfferStatus,
    Outcome,
    Placement,
)
from mediation.privacy import personal_data_found
from monitoring.services import StaleEdit

# Free-text fields checked for obvious personal data.
TEXT_FIELDS = ("number", "note", "care_provider")
CASE_FIELDS = (
    "number",
    "target_group",
    "adults",
    "children",
    "rooms_min",
    "accessible_needed",
    "rent_max",
    "care_provider",
    "care_intensity",
    "ready_from",
    "deadline",
    "preference_weight",
    "note",
)
CASE_LISTS = ("excluded_municipalities", "excluded_neighbourhoods", "preferred_municipalities")
MAX_PREFERENCE_WEIGHT = 3


def _check_text(errors, values, fields=TEXT_FIELDS):
    for name in fields:
        found = personal_data_found(str(values.get(name) or ""))
        if found:
            errors.setdefault(name, []).append(
                _(
                    "Dit lijkt persoonsgegevens te bevatten (%(what)s). Gebruik alleen het "
                    "pseudonieme casusnummer; noem nooit naam, adres, BSN, geboortedatum of "
                    "contactgegevens."
                )
                % {"what": ", ".join(found)}
            )


def _check_number(errors, municipality, values, case):
    number = (values.get("number") or "").strip()
    if not number:
        errors.setdefault("number", []).append(_("Vul een casusnummer in."))
    else:
        same = Case.objects.filter(municipality__region=municipality.region_id, number=number)
        if case is not None:
            same = same.exclude(pk=case.pk)
        if same.exists():
            errors.setdefault("number", []).append(
                _("Casusnummer %(number)s bestaat al in deze regio.") % {"number": number}
            )


def _check_places(errors, municipality, lists):
    excluded = {m.pk for m in lists.get("excluded_municipalities", [])}
    region_ids = set(municipality.region.municipalities.values_list("pk", flat=True))
    if region_ids and region_ids <= excluded:
        errors.setdefault("excluded_municipalities", []).append(
            _("Alle gemeenten van de regio zijn uitgesloten: dan kan de tafel niets voorstellen.")
        )
    elsewhere = [m for m in lists.get("excluded_municipalities", []) if m.pk not in region_ids]
    elsewhere += [m for m in lists.get("preferred_municipalities", []) if m.pk not in region_ids]
    if elsewhere:
        errors.setdefault("excluded_municipalities", []).append(
            _("Kies alleen gemeenten uit de regio.")
        )
    if excluded & {m.pk for m in lists.get("preferred_municipalities", [])}:
        errors.setdefault("preferred_municipalities", []).append(
            _("Een gemeente kan niet tegelijk uitgesloten en gewenst zijn.")
        )


def validate_case(*, municipality, values, lists, case=None) -> None:
    """The rules of a case; raises a `ValidationError` naming every broken one."""
    errors: dict[str, list] = {}
    _check_number(errors, municipality, values, case)
    adults = values.get("adults")
    if adults is None or adults < 1:
        errors.setdefault("adults", []).append(_("Een huishouden heeft minstens één volwassene."))
    if (values.get("children") or 0) < 0:
        errors.setdefault("children", []).append(_("Het aantal kinderen kan niet negatief zijn."))
    rooms = values.get("rooms_min")
    if rooms is None or rooms < 1:
        errors.setdefault("rooms_min", []).append(_("Vraag minstens één kamer."))
    rent = values.get("rent_max")
    if rent is None or rent <= 0:
        errors.setdefault("rent_max", []).append(_("Vul een maximale huur boven € 0 in."))
    weight = values.get("preference_weight")
    if weight is not None and not 0 <= weight <= MAX_PREFERENCE_WEIGHT:
        errors.setdefault("preference_weight", []).append(
            _("Het gewicht van de voorkeur ligt tussen 0 en %(max)s.")
            % {"max": MAX_PREFERENCE_WEIGHT}
        )
    ready, deadline = values.get("ready_from"), values.get("deadline")
    if ready is None:
        errors.setdefault("ready_from", []).append(_("Vul de datum verhuisklaar in."))
    if deadline is None:
        errors.setdefault("deadline", []).append(_("Vul een uiterste datum in."))
    if ready is not None and deadline is not None and deadline < ready:
        errors.setdefault("deadline", []).append(
            _("De uiterste datum (%(deadline)s) ligt vóór de datum verhuisklaar (%(ready)s).")
            % {"deadline": deadline.strftime("%d-%m-%Y"), "ready": ready.strftime("%d-%m-%Y")}
        )
    _check_places(errors, municipality, lists)
    _check_text(errors, values)
    if errors:
        raise ValidationError(errors)


def _set_lists(case, lists):
    for name in CASE_LISTS:
        if name in lists:
            getattr(case, name).set(lists[name])


def case_register(*, user, municipality, values: dict, lists: dict) -> Case:
    """A municipality (or the project leader for a care party) brings a case to the table."""
    if not can(user, REGISTER_CASE, municipality):
        raise PermissionDenied(
            _("U mag geen casus inbrengen namens %(name)s.") % {"name": municipality}
        )
    values = {name: values.get(name) for name in CASE_FIELDS if name in values}
    values["number"] = (values.get("number") or "").strip()
    validate_case(municipality=municipality, values=values, lists=lists)
    try:
        with transaction.atomic():
            case = Case.objects.create(
                municipality=municipality, created_by=user, updated_by=user, **values
            )
            _set_lists(case, lists)
    except IntegrityError as exc:
        raise ValidationError(
            {"number": _("Casusnummer %(number)s bestaat al.") % {"number": values["number"]}}
        ) from exc
    return case


def case_update(*, user, case, values: dict, lists: dict, version: int) -> Case:
    """The sending municipality changes its open case; a save over a moved version is refused."""
    with transaction.atomic():
        row = Case.objects.restrict(user, CHANGE).select_for_update().filter(pk=case.pk).first()
        if row is None:
            raise PermissionDenied(_("U mag deze casus niet wijzigen."))
        if row.anonymised_at is not None:
            raise ValidationError(_("Deze casus is geanonimiseerd."))
        if row.status not in ACTIVE_STATUSES:
            raise ValidationError(_("Deze casus is afgesloten: wijzigen kan niet meer."))
        if row.version != version:
            raise StaleEdit(row)
        values = {name: values.get(name) for name in CASE_FIELDS if name in values}
        if "number" in values:
            values["number"] = (values.get("number") or "").strip()
        validate_case(municipality=row.municipality, values=values, lists=lists, case=row)
        for name, value in values.items():
            setattr(row, name, value)
        row.version += 1
        row.updated_by = user
        row.save()
        _set_lists(row, lists)
    return row


def validate_offer(values, *, today: date) -> None:
    errors: dict[str, list] = {}
    rooms = values.get("rooms")
    if rooms is None or rooms <= 0:
        errors.setdefault("rooms", []).append(_("Een woning heeft minstens één kamer."))
    rent = values.get("rent")
    if rent is None or rent <= 0:
        errors.setdefault("rent", []).append(_("Vul een huur boven € 0 in."))
    available, until = values.get("available_from"), values.get("valid_until")
    if available is None:
        errors.setdefault("available_from", []).append(_("Vul in vanaf wanneer de woning vrij is."))
    if until is None:
        errors.setdefault("valid_until", []).append(_("Vul in tot wanneer het aanbod geldt."))
    elif until < today:
        errors.setdefault("valid_until", []).append(
            _("Het aanbod geldt tot %(date)s: die datum ligt in het verleden.")
            % {"date": until.strftime("%d-%m-%Y")}
        )
    if available is not None and until is not None and until < available:
        errors.setdefault("valid_until", []).append(
            _("Het aanbod loopt af vóór de woning beschikbaar is.")
        )
    municipality, neighbourhood = values.get("municipality"), values.get("neighbourhood")
    if neighbourhood is not None and municipality is not None:
        if neighbourhood.municipality_id != municipality.pk:
            errors.setdefault("neighbourhood", []).append(
                _("%(neighbourhood)s ligt niet in %(municipality)s.")
                % {"neighbourhood": neighbourhood, "municipality": municipality}
            )
    _check_text(errors, values, fields=("reference",))
    if errors:
        raise ValidationError(errors)


def offer_create(
    *, user, corporation, values: dict, idempotency_key: str | None = None
) -> tuple[Offer, bool]:
    """A corporation offers a vacant home; the same idempotency key returns the first offer."""
    from municipalities.models import CorporationStock

    if not can(user, OFFER_HOMES, corporation):
        raise PermissionDenied(
            _("U mag geen woningen aanbieden namens %(name)s.") % {"name": corporation}
        )
    if idempotency_key:
        earlier = Offer.objects.filter(
            corporation=corporation, idempotency_key=idempotency_key
        ).first()
        if earlier is not None:
            return earlier, False
    validate_offer(values, today=timezone.localdate())
    municipality = values["municipality"]
    if not CorporationStock.objects.filter(
        corporation=corporation, municipality=municipality
    ).exists():
        raise ValidationError(
            {
                "municipality": _("%(corporation)s heeft geen bezit in %(municipality)s.")
                % {"corporation": corporation, "municipality": municipality}
            }
        )
    fields = (
        "municipality",
        "neighbourhood",
        "rooms",
        "accessible",
        "ground_floor",
        "rent",
        "available_from",
        "valid_until",
        "reference",
    )
    try:
        with transaction.atomic():
            offer = Offer.objects.create(
                corporation=corporation,
                created_by=user,
                idempotency_key=idempotency_key or None,
                **{name: values[name] for name in fields if name in values},
            )
    except IntegrityError:
        # A concurrent request with the same key won the race: return its offer.
        return Offer.objects.get(corporation=corporation, idempotency_key=idempotency_key), False
    return offer, True


def _require_table(user):
    if not can(user, RUN_TABLE):
        raise PermissionDenied(_("Alleen de projectleider van de regio leidt de tafel."))


def _invite(meeting):
    cases = meeting.cases.all()
    offers = meeting.offers.all()
    municipalities = {c.municipality_id for c in cases} | {o.municipality_id for o in offers}
    meeting.invited_municipalities.set(municipalities)
    meeting.invited_corporations.set({o.corporation_id for o in offers})


def meeting_schedule(*, user, region, on: date) -> Meeting:
    """The project leader schedules a meeting; its agenda takes the region's open cases and the
    offers still valid that day, and invites their municipalities and corporations."""
    _require_table(user)
    if on < timezone.localdate():
        raise ValidationError({"date": _("Een overleg plant u vandaag of later.")})
    with transaction.atomic():
        meeting = Meeting.objects.create(region=region, date=on, created_by=user)
        meeting_refresh_agenda(user=user, meeting=meeting)
    return meeting


def meeting_refresh_agenda(*, user, meeting) -> Meeting:
    """Bring the agenda up to date: open cases and valid offers added, the invitations too."""
    _require_table(user)
    with transaction.atomic():
        meeting.cases.add(*selectors.open_cases(meeting.region))
        meeting.offers.add(*selectors.valid_offers(meeting.region, meeting.date))
        _invite(meeting)
    return meeting


def _lock_available(offer):
    """The same row lock as `offer_withdraw`: a home withdrawn meanwhile is not given away."""
    locked = Offer.objects.select_for_update().get(pk=offer.pk)
    if locked.status != OfferStatus.AVAILABLE:
        raise ValidationError({"offer": _("Deze woning is niet (meer) beschikbaar.")})


def decision_record(*, user, meeting, case, outcome: str, offer=None, reason: str = "") -> Decision:
    """The table's decision on one case; a placement waits for both confirmations."""
    _require_table(user)
    errors: dict[str, list] = {}
    if outcome not in Outcome.values:
        errors.setdefault("outcome", []).append(_("Kies een besluit."))
    if not meeting.cases.filter(pk=case.pk).exists():
        errors.setdefault("case", []).append(_("Deze casus staat niet op de agenda."))
    if case.status not in ACTIVE_STATUSES:
        errors.setdefault("case", []).append(_("Over deze casus is al besloten."))
    if meeting.decisions.filter(case=case).exists():
        errors.setdefault("case", []).append(_("Over deze casus is in dit overleg al besloten."))
    if outcome == Outcome.PLACED:
        if offer is None:
            errors.setdefault("offer", []).append(_("Kies de woning waar de casus naartoe gaat."))
        elif offer.status != OfferStatus.AVAILABLE or not meeting.offers.filter(pk=offer.pk):
            errors.setdefault("offer", []).append(_("Deze woning is niet (meer) beschikbaar."))
        elif offer.municipality_id in set(
            case.excluded_municipalities.values_list("pk", flat=True)
        ):
            errors.setdefault("offer", []).append(
                _("De casus mag niet in %(name)s wonen.") % {"name": offer.municipality}
            )
    elif not (reason or "").strip():
        errors.setdefault("reason", []).append(_("Geef de reden van het besluit."))
    _check_text(errors, {"reason": reason}, fields=("reason",))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if outcome == Outcome.PLACED:
            _lock_available(offer)
        decision = Decision.objects.create(
            meeting=meeting,
            case=case,
            outcome=outcome,
            offer=offer if outcome == Outcome.PLACED else None,
            reason=reason,
            decided_by=user,
        )
        if outcome == Outcome.PLACED:
            Placement.objects.create(
                decision=decision,
                case=case,
                offer=offer,
                municipality=offer.municipality,
                sending_municipality=case.municipality,
                corporation=offer.corporation,
                target_group=case.target_group,
                ready_from=case.ready_from,
            )
            Offer.objects.filter(pk=offer.pk).update(status=OfferStatus.PLACED)
        elif outcome == Outcome.POSTPONED:
            Case.objects.filter(pk=case.pk).update(status=CaseStatus.POSTPONED)
        else:
            Case.objects.filter(pk=case.pk).update(
                status=CaseStatus.REFERRED, closed_at=timezone.now()
            )
    return decision


def placement_confirm(*, user, placement, side: str) -> Placement:
    """The receiving municipality (`side="municipality"`) or the corporation
    (`side="corporation"`) confirms a placement; with both, the case is placed and counts as
    the receiving municipality's realisation of the day of the second confirmation."""
    ability = CONFIRM_RECEIVING if side == "municipality" else CONFIRM_OFFERING
    if side not in ("municipality", "corporation") or not can(user, ability, placement):
        raise PermissionDenied(_("U mag deze plaatsing niet bevestigen."))
    with transaction.atomic():
        row = Placement.objects.select_for_update().get(pk=placement.pk)
        if getattr(row, f"{side}_confirmed_at") is not None:
            raise ValidationError(_("Deze plaatsing is al bevestigd."))
        now = timezone.now()
        setattr(row, f"{side}_confirmed_by", user)
        setattr(row, f"{side}_confirmed_at", now)
        if row.municipality_confirmed_at and row.corporation_confirmed_at:
            row.placed_on = timezone.localdate(now)
            Case.objects.filter(pk=row.case_id).update(status=CaseStatus.PLACED, closed_at=now)
        row.save()
    return row


def retention_months() -> int:
    return settings.GMR_MEDIATION_RETENTION_MONTHS


def closed_message(row):
    """Why a case can no longer be closed."""
    if row.anonymised_at is not None:
        return _("Deze casus is geanonimiseerd.")
    if row.status == CaseStatus.PLACED:
        return _("Deze casus is al geplaatst: sluiten kan niet meer.")
    if row.status == CaseStatus.REFERRED:
        return _("Deze casus is al terugverwezen en daarmee afgesloten.")
    return _("Deze casus is al gesloten.")


def close_refused(case) -> str | None:
    """Why `case` cannot be closed, or None when it can."""
    if case.status not in ACTIVE_STATUSES or case.anonymised_at is not None:
        return closed_message(case)
    if case.placements.exists():
        return _(
            "De tafel heeft voor deze casus een plaatsing besloten; die wacht op "
            "bevestiging. Sluiten kan daarom niet."
        )
    return None


def case_close(*, user, case, reason: str, note: str = "") -> Case:
    """The sending municipality (or the project leader) takes its open case off the table with a
    reason of `CloseReason`; "other" needs a short note, checked for personal data. Closing
    starts the retention period (`anonymise_closed_cases`). Refused for a case already closed,
    placed or referred back, and for one with a placement the table decided (it waits for its
    confirmations)."""
    note = (note or "").strip()
    errors: dict[str, list] = {}
    if reason not in CloseReason.values:
        errors.setdefault("reason", []).append(_("Kies de reden van sluiten."))
    if reason == CloseReason.OTHER and not note:
        errors.setdefault("note", []).append(_("Licht de reden 'anders' kort toe."))
    _check_text(errors, {"note": note}, fields=("note",))
    with transaction.atomic():
        row = Case.objects.restrict(user, CHANGE).select_for_update().filter(pk=case.pk).first()
        if row is None:
            raise PermissionDenied(_("U mag deze casus niet sluiten."))
        refused = close_refused(row)
        if refused:
            raise ValidationError(refused)
        if errors:
            raise ValidationError(errors)
        row.status = CaseStatus.CLOSED
        row.closed_at = timezone.now()
        row.close_reason = reason
        row.close_note = note if reason == CloseReason.OTHER else ""
        row.updated_by = user
        row.version += 1
        row.save(
            update_fields=[
                "status",
                "closed_at",
                "close_reason",
                "close_note",
                "updated_by",
                "version",
            ]
        )
    return row


def offer_withdraw(*, user, offer) -> Offer:
    """The offering corporation (or the project leader) withdraws a home from the table. The
    row is locked so that a decision placing a case there cannot pass at the same moment;
    refused once a decision placed a case in it. A withdrawn offer leaves every proposal and the
    agendas of meetings still to come (their invitations follow)."""
    with transaction.atomic():
        row = (
            Offer.objects.restrict(user, VIEW)
            .select_for_update(of=("self",))
            .select_related("municipality", "corporation")
            .filter(pk=offer.pk)
            .first()
        )
        if row is None or not can(user, WITHDRAW_OFFER, row):
            raise PermissionDenied(_("U mag deze woning niet intrekken."))
        if row.status == OfferStatus.WITHDRAWN:
            raise ValidationError(_("Deze woning is al ingetrokken."))
        if row.status == OfferStatus.PLACED or row.decisions.exists():
            raise ValidationError(
                _(
                    "De tafel heeft al een casus in deze woning geplaatst: intrekken kan niet "
                    "meer. Neem contact op met de projectleider."
                )
            )
        row.status = OfferStatus.WITHDRAWN
        row.save(update_fields=["status"])
        for meeting in Meeting.objects.filter(offers=row, date__gt=timezone.localdate()):
            meeting.offers.remove(row)
            _invite(meeting)
    return row


def log_access(*, user, cases, what: str) -> None:
    """One entry per case looked at."""
    CaseAccessLog.objects.bulk_create(
        [
            CaseAccessLog(user=user, username=user.get_username(), case=case, what=what)
            for case in cases
        ]
    )


def may_view_case(user, case) -> bool:
    return can(user, VIEW, case)


def anonymise_closed_cases(*, now=None) -> int:
    """Empty the details of cases closed more than GMR_MEDIATION_RETENTION_MONTHS ago: the
    household, the home needed, care, exclusions, preferences, the note, the reasons of their
    decisions; kept are the counts monitoring needs (group, sending municipality, status, dates,
    placements). Returns how many cases it anonymised."""
    now = now or timezone.now()
    months = settings.GMR_MEDIATION_RETENTION_MONTHS
    cutoff = now - timedelta(days=round(months * 30.44))
    due = Case.objects.filter(closed_at__lte=cutoff, anonymised_at__isnull=True)
    done = 0
    for pk in list(due.values_list("pk", flat=True)):
        with transaction.atomic():
            case = Case.objects.select_for_update().get(pk=pk)
            case.number = f"anoniem-{case.pk}"
            case.adults = None
            case.children = None
            case.rooms_min = None
            case.rent_max = None
            case.accessible_needed = False
            case.care_provider = ""
            case.care_intensity = ""
            case.preference_weight = 0
            case.note = ""
            case.close_note = ""
            case.anonymised_at = now
            case.save()
            for name in CASE_LISTS:
                getattr(case, name).clear()
            case.decisions.update(reason="")
            done += 1
    return done
