"""Screens of the regional mediation table, under /bemiddeling/: cases, offered homes,
meetings with their agenda, proposal and decisions, confirmations and minutes.

Every screen showing a case writes one entry per case to its access log.
"""

import json
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_POST

from gmr_thuis.exports import Sheet, download, xlsx_bytes
from gmr_thuis.permissions import (
    CHANGE,
    CONFIRM_OFFERING,
    CONFIRM_RECEIVING,
    OFFER_HOMES,
    READ_ACCESS_LOG,
    REGISTER_CASE,
    RUN_TABLE,
    SEE_TABLE,
    WITHDRAW_OFFER,
    can,
    membership_of,
    represented_corporation,
    represented_municipality,
)
from mediation import charts, selectors, services
from mediation.forms import (
    NO_PERSONAL_DATA,
    CaseCloseForm,
    CaseEditForm,
    CaseForm,
    DecisionForm,
    MeetingForm,
    OfferForm,
)
from mediation.minutes_pdf import minutes_pdf
from mediation.models import ACTIVE_STATUSES, CaseAccessLog, OfferStatus, Outcome, Placement
from monitoring.services import StaleEdit
from municipalities.models import Municipality


def _member(user):
    member = membership_of(user)
    if member is None:
        raise Http404
    return member


def _add_errors(form, error):
    if hasattr(error, "error_dict"):
        for field, field_messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, field_messages)
    else:
        form.add_error(None, error.messages)


@login_required
def case_list(request):
    member = _member(request.user)
    figures = selectors.figures(region=member.region)
    return render(
        request,
        "mediation/cases.html",
        {
            "cases": list(selectors.case_list(user=request.user)),
            "may_register": can(request.user, REGISTER_CASE),
            "sees_table": can(request.user, SEE_TABLE),
            "figures": figures,
            "chart": charts.cases_per_group(figures),
        },
    )


def _sending_municipality(request):
    municipality = represented_municipality(request.user)
    if municipality is not None:
        return municipality
    # The project leader registers on behalf of a care party, for a municipality of the region.
    slug = request.POST.get("municipality") or request.GET.get("gemeente")
    if slug:
        return get_object_or_404(Municipality, slug=slug, region=membership_of(request.user).region)
    return None


@login_required
def case_create(request):
    member = _member(request.user)
    if not can(request.user, REGISTER_CASE):
        raise Http404
    municipality = _sending_municipality(request)
    municipalities = Municipality.objects.filter(region=member.region).order_by("name")
    form = CaseForm(request.POST or None, region=member.region)
    if request.method == "POST" and form.is_valid():
        if municipality is None:
            form.add_error(None, _("Kies de verzendende gemeente."))
        else:
            try:
                case = services.case_register(
                    user=request.user,
                    municipality=municipality,
                    values=form.values(),
                    lists=form.lists(),
                )
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(
                    request, _("Casus %(number)s ingebracht.") % {"number": case.number}
                )
                return redirect("mediation:case", pk=case.pk)
    return render(
        request,
        "mediation/case_form.html",
        {
            "form": form,
            "municipality": municipality,
            "municipalities": municipalities if municipality is None else None,
            "warning": NO_PERSONAL_DATA,
        },
    )


@login_required
def case_detail(request, pk):
    _member(request.user)
    case = selectors.case_for(user=request.user, pk=pk)
    services.log_access(user=request.user, cases=[case], what=CaseAccessLog.What.DETAIL)
    may_read_log = can(request.user, READ_ACCESS_LOG)
    may_change = can(request.user, CHANGE, case)
    # A case whose placement awaits its confirmations is not closed (one query, only then).
    may_close = may_change and _is_editable(case) and not case.placements.exists()
    return render(
        request,
        "mediation/case.html",
        {
            "case": case,
            "decisions": case.decisions.select_related("meeting", "offer__municipality"),
            "placements": case.placements.select_related("municipality", "corporation"),
            "access_log": selectors.access_log(case) if may_read_log else None,
            "may_export": may_change,
            "may_edit": may_change and _is_editable(case),
            "may_close": may_close,
        },
    )


def _is_editable(case):
    return case.status in ACTIVE_STATUSES and case.anonymised_at is None


def _stale_values(form, case):
    """The values another editor saved, labelled as on the form."""
    shown = []
    for name, field in form.fields.items():
        if name == "version":
            continue
        if name in CaseForm.LISTS:
            value = ", ".join(str(item) for item in getattr(case, name).all())
        elif hasattr(case, f"get_{name}_display"):
            value = getattr(case, f"get_{name}_display")()
        else:
            value = getattr(case, name)
        shown.append((field.label, value))
    return shown


@login_required
def case_edit(request, pk):
    """The sending municipality (or the project leader) changes an open case. A save over a
    version someone else saved meanwhile is refused: the user's input stays, the other values
    are shown, and the form then carries the current version so saving again is deliberate."""
    _member(request.user)
    case = selectors.case_for(user=request.user, pk=pk, action=CHANGE)
    services.log_access(user=request.user, cases=[case], what=CaseAccessLog.What.EDIT)
    region = case.municipality.region
    editable = _is_editable(case)
    stale = None
    if request.method == "POST" and editable:
        form = CaseEditForm(request.POST, region=region)
        if form.is_valid():
            try:
                saved = services.case_update(
                    user=request.user,
                    case=case,
                    values=form.values(),
                    lists=form.lists(),
                    version=form.cleaned_data["version"],
                )
            except StaleEdit as exc:
                stale = exc.current
                data = request.POST.copy()
                data["version"] = stale.version
                form = CaseEditForm(data, region=region)
                form.is_valid()
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(
                    request, _("Casus %(number)s opgeslagen.") % {"number": saved.number}
                )
                return redirect("mediation:case", pk=saved.pk)
    else:
        form = CaseEditForm(initial=CaseEditForm.initial_of(case), region=region)
    return render(
        request,
        "mediation/case_edit.html",
        {
            "case": case,
            "form": form if editable else None,
            "warning": NO_PERSONAL_DATA,
            "stale": stale,
            "stale_values": _stale_values(form, stale) if stale else None,
        },
        status=409 if stale else 200,
    )


@login_required
def case_close(request, pk):
    """The sending municipality (or the project leader) closes an open case: a reason from the
    list, a confirmation that the retention period starts, then the case is off the table."""
    _member(request.user)
    case = selectors.case_for(user=request.user, pk=pk, action=CHANGE)
    services.log_access(user=request.user, cases=[case], what=CaseAccessLog.What.CLOSE)
    refused = services.close_refused(case)
    form = None if refused else CaseCloseForm(request.POST or None)
    if request.method == "POST" and refused:
        messages.error(request, refused)
        return redirect("mediation:case", pk=case.pk)
    if request.method == "POST" and form.is_valid():
        try:
            closed = services.case_close(
                user=request.user,
                case=case,
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(
                request,
                _(
                    "Casus %(number)s gesloten (%(reason)s). De gegevens worden over "
                    "%(months)s maanden geanonimiseerd."
                )
                % {
                    "number": closed.number,
                    "reason": closed.get_close_reason_display(),
                    "months": services.retention_months(),
                },
            )
            return redirect("mediation:case", pk=closed.pk)
    return render(
        request,
        "mediation/case_close.html",
        {
            "case": case,
            "form": form,
            "refused": refused,
            "months": services.retention_months(),
            "warning": NO_PERSONAL_DATA,
        },
    )


@login_required
def case_export(request, pk):
    _member(request.user)
    case = selectors.case_for(user=request.user, pk=pk, action=CHANGE)
    services.log_access(user=request.user, cases=[case], what=CaseAccessLog.What.EXPORT)
    body = json.dumps(selectors.case_export(case), ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="casus-{case.pk}.json"'
    return response


@login_required
def offer_list(request):
    _member(request.user)
    offers = list(selectors.offer_list(user=request.user))
    decided = selectors.offers_in_a_decision(offers)
    for offer in offers:
        offer.may_withdraw = (
            offer.status == OfferStatus.AVAILABLE
            and offer.pk not in decided
            and can(request.user, WITHDRAW_OFFER, offer)
        )
    return render(
        request,
        "mediation/offers.html",
        {"offers": offers, "may_offer": can(request.user, OFFER_HOMES)},
    )


@login_required
@require_POST
def offer_withdraw(request, pk):
    """The offering corporation (or the project leader) withdraws a home from the table."""
    _member(request.user)
    offer = get_object_or_404(selectors.offer_list(user=request.user), pk=pk)
    if not can(request.user, WITHDRAW_OFFER, offer):
        raise PermissionDenied
    try:
        services.offer_withdraw(user=request.user, offer=offer)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("Woning ingetrokken: %(offer)s staat niet meer op de agenda van komende overleggen.")
            % {"offer": offer},
        )
    return redirect("mediation:offers")


@login_required
def offer_create(request):
    _member(request.user)
    corporation = represented_corporation(request.user)
    if corporation is None or not can(request.user, OFFER_HOMES, corporation):
        raise Http404
    municipalities = Municipality.objects.filter(corporation_stock__corporation=corporation)
    form = OfferForm(request.POST or None, municipalities=municipalities.order_by("name"))
    if request.method == "POST" and form.is_valid():
        try:
            services.offer_create(
                user=request.user, corporation=corporation, values=form.cleaned_data
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Woning aangeboden aan de bemiddelingstafel."))
            return redirect("mediation:offers")
    return render(request, "mediation/offer_form.html", {"form": form})


@login_required
def meeting_list(request):
    _member(request.user)
    may_schedule = can(request.user, RUN_TABLE)
    return render(
        request,
        "mediation/meetings.html",
        {
            "meetings": selectors.meeting_list(user=request.user),
            "form": MeetingForm(initial={"date": date.today()}) if may_schedule else None,
        },
    )


@login_required
@require_POST
def meeting_schedule(request):
    member = _member(request.user)
    if not can(request.user, RUN_TABLE):
        raise PermissionDenied
    form = MeetingForm(request.POST)
    if form.is_valid():
        try:
            meeting = services.meeting_schedule(
                user=request.user, region=member.region, on=form.cleaned_data["date"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            return redirect("mediation:meeting", pk=meeting.pk)
    else:
        messages.error(request, _("Vul een geldige datum in."))
    return redirect("mediation:meetings")


def _meeting_context(request, meeting):
    cases, offers = selectors.agenda(user=request.user, meeting=meeting)
    services.log_access(user=request.user, cases=cases, what=CaseAccessLog.What.AGENDA)
    proposal, unmatched = selectors.proposal(user=request.user, meeting=meeting)
    decisions = {
        d.case_id: d for d in meeting.decisions.select_related("offer__municipality", "placement")
    }
    proposed = {row["case"].pk: row for row in proposal}
    return {
        "meeting": meeting,
        "rows": [
            {"case": case, "decision": decisions.get(case.pk), "proposal": proposed.get(case.pk)}
            for case in cases
        ],
        "offers": offers,
        "proposal": proposal,
        "unmatched": unmatched,
        "decisions": decisions.values(),
    }


@login_required
def meeting_detail(request, pk):
    _member(request.user)
    meeting = selectors.meeting_for(user=request.user, pk=pk)
    context = _meeting_context(request, meeting)
    may_decide = can(request.user, RUN_TABLE)
    for row in context["rows"]:
        placement = getattr(row["decision"], "placement", None) if row["decision"] else None
        row["placement"] = placement
        row["may_confirm_receiving"] = bool(
            placement
            and placement.municipality_confirmed_at is None
            and can(request.user, CONFIRM_RECEIVING, placement)
        )
        row["may_confirm_offering"] = bool(
            placement
            and placement.corporation_confirmed_at is None
            and can(request.user, CONFIRM_OFFERING, placement)
        )
    context.update(
        {
            "may_decide": may_decide,
            "outcomes": Outcome.choices,
            "weights_note": _("Standaardgewichten van de regio; zie docs/mediation.md."),
        }
    )
    return render(request, "mediation/meeting.html", context)


@login_required
@require_POST
def meeting_refresh(request, pk):
    _member(request.user)
    meeting = selectors.meeting_for(user=request.user, pk=pk)
    services.meeting_refresh_agenda(user=request.user, meeting=meeting)
    return redirect("mediation:meeting", pk=meeting.pk)


@login_required
@require_POST
def decision_record(request, pk, case_pk):
    _member(request.user)
    meeting = selectors.meeting_for(user=request.user, pk=pk)
    if not can(request.user, RUN_TABLE):
        raise PermissionDenied
    case = selectors.case_for(user=request.user, pk=case_pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Kies een besluit."))
        return redirect("mediation:meeting", pk=meeting.pk)
    offer_pk = form.cleaned_data["offer"]
    offer = meeting.offers.filter(pk=offer_pk).first() if offer_pk else None
    try:
        services.decision_record(
            user=request.user,
            meeting=meeting,
            case=case,
            outcome=form.cleaned_data["outcome"],
            offer=offer,
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Besluit over %(case)s vastgelegd.") % {"case": case})
    return redirect("mediation:meeting", pk=meeting.pk)


@login_required
@require_POST
def placement_confirm(request, pk):
    _member(request.user)
    placement = get_object_or_404(Placement.objects.select_related("decision"), pk=pk)
    if can(request.user, CONFIRM_RECEIVING, placement):
        side = "municipality"
    elif can(request.user, CONFIRM_OFFERING, placement):
        side = "corporation"
    else:
        raise Http404
    try:
        services.placement_confirm(user=request.user, placement=placement, side=side)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Plaatsing bevestigd."))
    return redirect("mediation:meeting", pk=placement.decision.meeting_id)


def _minutes_rows(context):
    rows = []
    for row in context["rows"]:
        decision, proposal = row["decision"], row["proposal"]
        placement = getattr(decision, "placement", None) if decision else None
        rows.append(
            [
                row["case"].number,
                row["case"].municipality.name,
                str(row["case"].target_group),
                str(proposal["offer"]) if proposal else "",
                round(proposal["score"], 2) if proposal else None,
                decision.get_outcome_display() if decision else _("nog geen besluit"),
                str(decision.offer) if decision and decision.offer else "",
                decision.reason if decision else "",
                _("ja") if placement and placement.is_confirmed else _("nee"),
            ]
        )
    return rows


# Marked for translation here, translated when a minutes page or file is made.
MINUTES_HEADER = [
    gettext_noop("Casus"),
    gettext_noop("Verzendende gemeente"),
    gettext_noop("Aandachtsgroep"),
    gettext_noop("Voorstel"),
    gettext_noop("Score"),
    gettext_noop("Besluit"),
    gettext_noop("Woning"),
    gettext_noop("Reden"),
    gettext_noop("Plaatsing bevestigd"),
]


@login_required
def meeting_minutes(request, pk, fmt="html"):
    _member(request.user)
    meeting = selectors.meeting_for(user=request.user, pk=pk)
    cases, _offers = selectors.agenda(user=request.user, meeting=meeting)
    context = _meeting_context(request, meeting)
    services.log_access(user=request.user, cases=cases, what=CaseAccessLog.What.MINUTES)
    if fmt == "pdf":
        response = HttpResponse(minutes_pdf(context), content_type="application/pdf")
        response["Content-Disposition"] = (
            f'attachment; filename="verslag-bemiddelingstafel-{meeting.date}.pdf"'
        )
        return response
    if fmt == "xlsx":
        sheet = Sheet(
            title=_("Verslag"),
            header=[_(h) for h in MINUTES_HEADER],
            rows=_minutes_rows(context),
            widths=[16, 20, 24, 36, 8, 14, 36, 40, 12],
        )
        return download(
            xlsx_bytes([sheet]), filename=f"verslag-bemiddelingstafel-{meeting.date}", fmt="xlsx"
        )
    context["minutes"] = _minutes_rows(context)
    context["header"] = [_(h) for h in MINUTES_HEADER]
    return render(request, "mediation/minutes.html", context)
