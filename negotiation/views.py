"""The negotiation table's screens: thin views over negotiation.selectors and .services."""

import io

import plotly.graph_objects as go
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gmr_thuis.charts import GREY, Chart, fmt, layout, percent, series_style
from gmr_thuis.permissions import is_project_leader, membership_of
from municipalities import geo, maps
from negotiation import selectors, services
from negotiation.forms import SessionForm
from negotiation.models import BlockKind, BottleneckReason, Exchange


def _member(user):
    if membership_of(user) is None:
        from django.http import Http404

        raise Http404


@login_required
def session_list(request):
    _member(request.user)
    return render(
        request,
        "negotiation/session_list.html",
        {
            "sessions": selectors.session_list(user=request.user),
            "may_create": is_project_leader(request.user),
            "blocks": selectors.building_blocks(user=request.user)[:50],
        },
    )


@login_required
def session_create(request):
    _member(request.user)
    if not is_project_leader(request.user):
        raise PermissionDenied
    form = SessionForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            session = services.session_create(
                user=request.user,
                name=data["name"],
                run=data["run"],
                level=data["level"],
                municipalities=data["municipalities"],
                observers=data["observers"],
                fairness_band=data["fairness_band"],
                is_practice=data["is_practice"],
                aldermen=data["aldermen_by_municipality"],
                players=data["players_by_municipality"],
            )
        except services.NegotiationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("negotiation:board", pk=session.pk)
    return render(request, "negotiation/session_create.html", {"form": form})


def board_map(state) -> Chart:
    """The participating municipalities' real shapes, coloured by room over negotiated number."""
    title = _("Kaart: ruimte tegenover opgave per gemeente")
    rows = state["municipalities"]
    features = geo.region_features([r["cbs_code"] for r in rows])
    values, hover = {}, {}
    for r in rows:
        values[r["cbs_code"]] = min(r["room"] / r["number"], 2.0) if r["number"] else None
        hover[r["cbs_code"]] = _(
            "%(name)s: fair share %(fair)s, nu %(number)s, ruimte %(room)s"
        ) % {"name": r["name"], "fair": r["fair_share"], "number": r["number"], "room": r["room"]}
    figure = maps.choropleth(
        features,
        values,
        hover=hover,
        colorbar_title=_("ruimte / opgave"),
        cmin=0,
        cmax=2,
        bubbles={r["cbs_code"]: float(r["number"]) for r in rows},
        bubble_title=_("onderhandeld aantal"),
    )
    return Chart(
        id="board-map",
        title=title,
        figure=figure,
        caption=_(
            "Groen: de ruimte dekt het onderhandelde aantal ruim, rood: te weinig ruimte. "
            "De cirkel is het onderhandelde aantal. %(attribution)s"
        )
        % {"attribution": geo.ATTRIBUTION},
        columns=[_("Gemeente"), _("Fair share"), _("Onderhandeld"), _("Ruimte")],
        rows=[[r["name"], fmt(r["fair_share"]), fmt(r["number"]), fmt(r["room"])] for r in rows],
    )


def lorenz_chart(state) -> Chart:
    """The spread of the burden per 1,000 inhabitants: the negotiated table's Lorenz curve
    beside the fair share's and the line of equal burden."""
    figures = state["fairness"]
    figure = go.Figure()
    figure.add_trace(
        go.Scatter(
            x=[0, 1],
            y=[0, 1],
            mode="lines",
            name=_("gelijke last"),
            line={"color": GREY, "dash": "dot"},
        )
    )
    curves = [
        ("fair_lorenz", _("fair share (Gini %(gini)s)") % {"gini": fmt(figures["fair_gini"], 3)}),
        ("lorenz", _("onderhandeld (Gini %(gini)s)") % {"gini": fmt(figures["gini"], 3)}),
    ]
    for index, (key, name) in enumerate(curves):
        style = series_style(index)
        figure.add_trace(
            go.Scatter(
                x=[x for x, _y in figures[key]],
                y=[y for _x, y in figures[key]],
                mode="lines+markers",
                name=name,
                line={"color": style["color"], "dash": style["dash"]},
            )
        )
    title = _("Lorenzcurve van de last per 1.000 inwoners")
    layout(
        figure,
        title=title,
        height=380,
        xaxis={"title": _("aandeel van de inwoners"), "range": [0, 1], "tickformat": ".0%"},
        yaxis={"title": _("aandeel van de huishoudens"), "range": [0, 1], "tickformat": ".0%"},
    )
    rows = [[name, percent(x), percent(y)] for key, name in curves for x, y in figures[key]]
    return Chart(
        id="lorenz",
        title=title,
        figure=figure,
        caption=_(
            "Gemeenten op volgorde van hun last per 1.000 inwoners. Hoe verder de curve onder de "
            "stippellijn ligt, hoe ongelijker de last verdeeld is. Gini onderhandeld: "
            "%(gini)s; bij de fair share: %(fair)s."
        )
        % {"gini": fmt(figures["gini"], 3), "fair": fmt(figures["fair_gini"], 3)},
        columns=[_("Curve"), _("Aandeel inwoners"), _("Aandeel huishoudens")],
        rows=rows,
    )


def _context(request, session):
    state = selectors.board_state(user=request.user, session=session)
    return {
        "session": session,
        "state": state,
        "map": board_map(state),
        "lorenz": lorenz_chart(state),
        "fairness_rounds": selectors.fairness_per_round(session, state),
        "reasons": BottleneckReason.choices,
        "block_kinds": BlockKind.choices,
        "years": session.years,
    }


@login_required
def board(request, pk):
    session = selectors.session_for(user=request.user, pk=pk)
    context = _context(request, session)
    if request.GET.get("fragment"):
        return HttpResponse(render_to_string("negotiation/_live.html", context, request=request))
    return render(request, "negotiation/board.html", context)


@login_required
def state(request, pk):
    session = selectors.session_for(user=request.user, pk=pk)
    return JsonResponse(selectors.board_state(user=request.user, session=session))


def _int_or_none(value):
    return int(value) if value not in (None, "") and str(value).lstrip("-").isdigit() else value


@login_required
@require_POST
def move(request, pk):
    """A delegation's move: a bottleneck, an exchange proposal or decision, consent."""
    session = selectors.session_for(user=request.user, pk=pk)
    post = request.POST
    kind = post.get("move")
    try:
        if kind == "bottleneck":
            services.bottleneck_mark(
                user=request.user,
                session=session,
                municipality_id=_int_or_none(post.get("municipality")),
                target_group_id=_int_or_none(post.get("group")),
                reason=post.get("reason", ""),
                text=post.get("text", ""),
            )
        elif kind == "propose":
            block = None
            if post.get("block_title"):
                block = {
                    "title": post.get("block_title"),
                    "kind": post.get("block_kind"),
                    "homes_added": post.get("block_homes"),
                }
            services.exchange_propose(
                user=request.user,
                session=session,
                taker_id=_int_or_none(post.get("taker")),
                giver_id=_int_or_none(post.get("giver")),
                group_id=_int_or_none(post.get("group")),
                amount=post.get("amount", ""),
                year=post.get("year") or session.first_year,
                return_group_id=_int_or_none(post.get("return_group")),
                return_amount=post.get("return_amount") or 0,
                block=block,
                motivation=post.get("motivation", ""),
                board_version=post.get("board_version"),
            )
        elif kind in ("accept", "decline"):
            exchange = get_object_or_404(
                Exchange, pk=_int_or_none(post.get("exchange")), session=session
            )
            services.exchange_decide(
                user=request.user,
                exchange=exchange,
                accept=kind == "accept",
                board_version=post.get("board_version"),
                motivation=post.get("motivation", ""),
            )
        elif kind == "consent":
            services.consent_give(
                user=request.user,
                session=session,
                municipality_id=_int_or_none(post.get("municipality")),
                agrees=post.get("agrees") == "1",
                reason=post.get("reason", ""),
            )
        else:
            messages.error(request, _("Onbekende zet."))
            return redirect("negotiation:board", pk=session.pk)
    except services.NegotiationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Uw zet staat op het bord."))
    return redirect("negotiation:board", pk=session.pk)


@login_required
@require_POST
def facilitate(request, pk):
    """The facilitator opens or closes a round, closes the session or adopts its outcome."""
    session = selectors.session_for(user=request.user, pk=pk)
    if not services.is_facilitator(request.user, session):
        raise PermissionDenied
    action = request.POST.get("action")
    try:
        if action == "open":
            services.round_open(
                user=request.user,
                session=session,
                kind=request.POST.get("round"),
                minutes=request.POST.get("minutes") or None,
            )
        elif action == "close":
            services.round_close(user=request.user, session=session, kind=request.POST.get("round"))
        elif action == "close_session":
            services.session_close(user=request.user, session=session)
        elif action == "adopt":
            services.session_adopt(user=request.user, session=session)
            messages.success(request, _("De uitkomst is vastgesteld als regionale afspraak."))
        else:
            messages.error(request, _("Onbekende actie."))
    except services.NegotiationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("negotiation:board", pk=session.pk)


@login_required
def presentation(request, pk):
    session = selectors.session_for(user=request.user, pk=pk)
    context = _context(request, session)
    if request.GET.get("fragment"):
        return HttpResponse(
            render_to_string("negotiation/_presentation.html", context, request=request)
        )
    return render(request, "negotiation/presentation.html", context)


@login_required
def replay(request, pk):
    session = selectors.session_for(user=request.user, pk=pk)
    try:
        step = int(request.GET["stap"])
    except (KeyError, ValueError):
        step = None
    replayed = selectors.replay_at(user=request.user, session=session, step=step)
    return render(request, "negotiation/replay.html", {"session": session, **replayed})


@login_required
def report(request, pk):
    session = selectors.session_for(user=request.user, pk=pk)
    return render(request, "negotiation/report.html", _context(request, session))


@login_required
def export(request, pk):
    from openpyxl import Workbook

    session = selectors.session_for(user=request.user, pk=pk)
    state = selectors.board_state(user=request.user, session=session)
    book = Workbook()
    sheet = book.active
    sheet.title = "Uitkomst"
    sheet.append(["gemeente", "aandachtsgroep", "jaar", "fair share", "onderhandeld"])
    for r in state["municipalities"]:
        for p in r["pawns"]:
            sheet.append([r["name"], p["group_name"], p["year"], p["fair_share"], p["number"]])
    sheet = book.create_sheet("Uitruilen")
    sheet.append(
        [
            "jaar",
            "neemt",
            "van",
            "groep",
            "aantal",
            "terug",
            "groep terug",
            "bouwsteen",
            "status",
            "motivering",
        ]
    )
    for e in state["exchanges"]:
        sheet.append(
            [
                e["year"],
                e["taker"],
                e["giver"],
                e["group"],
                e["amount"],
                e["return_amount"],
                e["return_group"],
                e["building_block"],
                e["status_label"],
                e["motivation"],
            ]
        )
    sheet = book.create_sheet("Draagvlak en eerlijkheid")
    sheet.append(
        [
            "gemeente",
            "fair share",
            "onderhandeld",
            "afwijking",
            "per 1.000 inwoners",
            "per 100 sociale huur",
            "akkoord",
        ]
    )
    consent = {r["name"]: r["consent"] for r in state["municipalities"]}
    for r in state["fairness"]["rows"]:
        c = consent.get(r["municipality"])
        sheet.append(
            [
                r["municipality"],
                r["fair_share"],
                r["negotiated"],
                r["deviation"],
                r["per_1000"],
                r["per_100_social_rent"],
                None if c is None else ("ja" if c["agrees"] else "nee: " + c["reason"]),
            ]
        )
    sheet.append([])
    sheet.append(["Gini onderhandeld", state["fairness"]["gini"]])
    sheet.append(["Gini fair share", state["fairness"]["fair_gini"]])
    sheet.append(
        ["Draagvlak", f"{state['support']['agreed']} van {state['support']['total']} gemeenten"]
    )
    sheet.append(["Aandeel inwoners akkoord", state["support"]["inhabitant_share"]])
    sheet.append([])
    sheet.append(
        ["moment", "verschoven huishoudens", "grootste afwijking", "Gini", "Gini fair share"]
    )
    for r in selectors.fairness_per_round(session, state):
        largest = r["largest"]
        sheet.append(
            [
                f"na ronde {r['label']}" if r["label"] else "uitkomst",
                r["total_deviation"],
                f"{largest['municipality']} ({largest['deviation']})" if largest else None,
                r["gini"],
                r["fair_gini"],
            ]
        )
    sheet = book.create_sheet("Bouwstenen")
    sheet.append(
        [
            "titel",
            "soort",
            "eigenaar",
            "gemeenten",
            "groepen",
            "woningen of plaatsen",
            "jaar",
            "status",
        ]
    )
    for b in session.building_blocks.select_related("owner").prefetch_related(
        "municipalities", "target_groups"
    ):
        sheet.append(
            [
                b.title,
                b.get_kind_display(),
                b.owner.name,
                ", ".join(m.name for m in b.municipalities.all()),
                ", ".join(g.name() for g in b.target_groups.all()),
                b.homes_added,
                b.year,
                b.get_status_display(),
            ]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="onderhandeling-{session.pk}.xlsx"'
    return response
