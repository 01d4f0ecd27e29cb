"""Screens of the dashboards: the region, why a number, a municipality, the map, exports."""

import hashlib

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from allocation import selectors as allocation_selectors
from dashboards import exports, figures, selectors, tables
from dashboards.explain import cell_sentence
from gmr_thuis import pagecache
from gmr_thuis.exports import download
from gmr_thuis.permissions import get_object_for, is_project_leader
from gmr_thuis.years import year_from_query
from monitoring import selectors as monitoring_selectors
from municipalities import selectors as municipality_selectors
from municipalities.models import Municipality
from municipalities.views import requested_year


def _explain_url_for(run, year):
    """A function (slug, group code) -> the explanation's URL, reversed once per page."""
    template = reverse("dashboards:explain", args=[run.pk, "SLUG", "GROUP", year])
    return lambda slug, code: template.replace("SLUG", slug).replace("GROUP", code)


def _int_param(request, name):
    value = request.GET.get(name, "")
    # ASCII digits only: str.isdigit() takes "²", which int() then refuses with a 500.
    return int(value) if value.isascii() and value.isdigit() else None


def _cached(request, run, name, compute, *parts):
    """A page part computed once per run, data generation, reader's scope and language."""
    return pagecache.cached(
        f"dashboards:{name}",
        region_id=run.scenario.region_id,
        user=request.user,
        parts=(run.pk, *parts),
        compute=compute,
    )


def _kept(request, run, year, name, compute, *parts):
    """What is computed from a run the pages show (a finished one, `shown_run`) for the
    reader's view of it (`run_view_digest`, which holds the run's state too), kept while that
    view stays the same, whatever else of the region changes meanwhile: a cold page after a
    figure edit reads it instead of computing it again."""
    # Once per request: a page keeps its frames and what it draws from them under one view.
    digests = request.__dict__.setdefault("run_view_digests", {})
    if (run.pk, year) not in digests:
        digests[run.pk, year] = selectors.run_view_digest(user=request.user, run=run, year=year)
    return pagecache.kept(
        f"dashboards:{name}", parts=(digests[run.pk, year], *parts), compute=compute
    )


def _frames(user, run, year):
    cells = selectors.result_cells(user=user, run=run, year=year)
    url_for = _explain_url_for(run, year)
    # Plain lists: iterating a frame's columns costs more than the URLs at thousands of cells.
    cells["url"] = [
        url_for(slug, code)
        for slug, code in zip(cells["slug"].tolist(), cells["target_group"].tolist(), strict=True)
    ]
    supply = selectors.municipality_supply(user=user, run=run, year=year)
    summary = selectors.municipality_summary(cells, supply)
    # One reversed URL; a slug is letters, digits and hyphens, so it stands in as it is.
    municipality_url = reverse("dashboards:municipality", args=["SLUG"])
    summary["url"] = [municipality_url.replace("SLUG", slug) for slug in summary["slug"].tolist()]
    return cells, summary


def _shown(request):
    """The run and year a region-wide page shows, found without computing anything of them."""
    if not selectors.visible_municipalities(user=request.user).exists():
        raise Http404
    run = allocation_selectors.shown_run(user=request.user, run_id=_int_param(request, "run"))
    if run is None:
        return None
    years = list(range(run.first_year, run.last_year + 1))
    year = year_from_query(request.GET, "jaar")
    year = year if year in years else years[0]
    return {
        "run": run,
        "year": year,
        "years": years,
        "url_for": _explain_url_for(run, year),
        "query": f"run={run.pk}&jaar={year}",
    }


def _with_frames(request, picture):
    """The picture with the cells and per-municipality summary every region-wide page uses."""
    run, year = picture["run"], picture["year"]

    def frames():
        return _kept(request, run, year, "frames", lambda: _frames(request.user, run, year))

    cells, summary = _cached(request, run, "frames", frames, year)
    return {**picture, "cells": cells, "summary": summary}


def _picture(request):
    """The run, year, cells and per-municipality summary every region-wide page starts from."""
    picture = _shown(request)
    return None if picture is None else _with_frames(request, picture)


@login_required
@pagecache.page
def region(request):
    picture = _shown(request)
    band = request.GET.get("bandgroep")
    band = band if band and band.replace("-", "").isalnum() and len(band) <= 60 else None
    if picture is None:
        content = render_to_string(REGION_CONTENT, {"picture": None})
    else:
        # The finished HTML of the page's body: a cached view reads one string.
        content = pagecache.cached_html(
            "dashboards:region-html",
            region_id=picture["run"].scenario.region_id,
            user=request.user,
            parts=(picture["run"].pk, picture["year"], band or ""),
            render=lambda: _region_content(request, picture, band),
        )
    return render(request, "dashboards/region.html", {"content": content})


REGION_CONTENT = "dashboards/includes/region_content.html"


def _region_content(request, picture, band):
    picture = _with_frames(request, picture)
    context = {"picture": picture}
    if not picture["cells"].empty:
        context |= _region_parts(request.user, picture, band)
    return render_to_string(REGION_CONTENT, context)


def _region_parts(user, picture, band):
    run, year, cells, summary = (
        picture["run"],
        picture["year"],
        picture["cells"],
        picture["summary"],
    )
    tasks = selectors.regional_tasks(user=user, run=run, year=year)
    band_group, band_groups, bands = selectors.latest_bands(
        user=user, run=run, cells=cells, year=year, group=band
    )
    progress = selectors.progress_towards_2030(user=user, year=year)
    charts = {
        "heatmap": figures.quota_heatmap(cells, explain_url=picture["url_for"]),
        "supply": figures.fair_share_vs_supply(summary),
        "task": figures.task_vs_supply(tasks, summary),
        "bands": figures.sensitivity_bands(bands) if bands is not None else None,
        "progress": figures.progress_to_2030(progress) if progress is not None else None,
    }
    names = dict(exports.groups_in_order(cells))
    table = exports.ijktabel_rows(cells, url_for=picture["url_for"])
    return {
        "headline": selectors.headline(cells, summary, tasks),
        "charts": charts,
        "table": table,
        "table_body": tables.ijktabel_body(table, query=picture["query"]),
        "band_group": band_group,
        "band_groups": [(code, names[code]) for code in band_groups],
    }


@login_required
@pagecache.page
def explain(request, run_id, slug, group, year):
    run = allocation_selectors.shown_run(user=request.user, run_id=run_id)
    if run is None:
        raise Http404
    # The page's title and body, finished: a cached view reads two strings.
    title, content = pagecache.cached(
        "dashboards:explain-html",
        region_id=run.scenario.region_id,
        user=request.user,
        parts=(run.pk, slug, group, year),
        compute=lambda: _explain_page(request, run, slug, group, year),
    )
    return render(
        request,
        "dashboards/explain.html",
        {"page_title": title, "content": mark_safe(content)},
    )


def _explain_page(request, run, slug, group, year):
    result, cell_inputs = selectors.cell_explanation(
        user=request.user, run=run, slug=slug, group=group, year=year
    )
    name = result.target_group.name("en" if get_language() == "en" else "nl")
    cell = {
        field: getattr(result, field)
        for field in ("year", "local", "shortfall", "quota", "key_share")
    }
    cell |= {column: getattr(result, column) for column, _measure in figures.WATERFALL_STEPS}
    content = render_to_string(
        "dashboards/includes/explain_content.html",
        {
            "run": run,
            "result": result,
            "group_name": name,
            "sentence": cell_sentence(
                cell,
                municipality=result.municipality.name,
                group=name,
                unit=result.target_group.unit,
            ),
            "chart": figures.quota_waterfall(cell),
            "rule": cell_inputs.rule,
            "inputs": cell_inputs.inputs,
            "task": cell_inputs.task,
            "changed": cell_inputs.changed,
            "can_start": is_project_leader(request.user),
            "query": f"run={run.pk}&jaar={year}",
        },
    )
    return f"{result.municipality.name} · {name}", content


@login_required
def municipality(request, slug):
    """The municipality profile, followed by its fair shares, supply and urgent share."""
    place = get_object_for(request.user, Municipality.objects.all(), slug=slug)
    profile = municipality_selectors.municipality_profile(
        user=request.user, slug=slug, year=requested_year(request)
    )
    picture = _picture(request)
    context = {"municipality": place, "profile": profile, "picture": picture}
    if picture is not None and not picture["cells"].empty:
        cells, summary = picture["cells"], picture["summary"]
        own = summary[summary["municipality_id"] == place.pk]
        context |= {
            "own": own.iloc[0] if len(own) else None,
            "chart": figures.municipality_vs_region(cells, municipality_id=place.pk)
            if (cells["municipality_id"] == place.pk).any()
            else None,
            "own_cells": cells[cells["municipality_id"] == place.pk].to_dict("records"),
            "cap_share": allocation_selectors.cap_share_text(
                allocation_selectors.run_snapshot_summary(picture["run"]).cap_share
            ),
        }
    return render(request, "dashboards/municipality.html", context)


@login_required
@pagecache.page
def supply_map(request):
    picture = _shown(request)
    measure = request.GET.get("kleur")
    measure = measure if measure in figures.MAP_MEASURES else figures.MAP_MEASURES[0]
    bubbles = request.GET.get("bellen", "1") != "0"
    chart = None
    if picture is not None:

        def drawn():
            framed = _with_frames(request, picture)
            if framed["cells"].empty:
                return None
            chart = figures.supply_map(framed["summary"], measure=measure, bubbles=bubbles)
            return render_to_string("includes/chart.html", {"chart": chart})

        # The map of a finished run draws only what the run stored: every boundary and colour
        # is kept while the reader's view of the run stays the same.
        html = _kept(request, picture["run"], picture["year"], "map", drawn, measure, bubbles)
        chart = None if html is None else mark_safe(html)
    return render(
        request,
        "dashboards/map.html",
        {
            "picture": picture,
            "chart": chart,
            "measure": measure,
            "bubbles": bubbles,
        },
    )


def _export_picture(request):
    picture = _picture(request)
    if picture is None or picture["cells"].empty:
        raise Http404(_("Er is nog geen verdeling om te exporteren."))
    return picture


def _filename(picture):
    return f"ijktabel-run{picture['run'].pk}-{picture['year']}"


@login_required
def export_xlsx(request):
    picture = _shown(request)
    if picture is None:
        raise Http404(_("Er is nog geen verdeling om te exporteren."))
    run, year = picture["run"], picture["year"]

    def workbook():
        # Its method sheet names the figures changed since the run; all else is of the run.
        method = allocation_selectors.methodology_rows(
            run,
            year,
            allocation_selectors.run_live_changes(user=request.user, run=run, carry_over=False),
        )

        def written():
            # The run's cells alone: the workbook needs no supply, summary or links of the pages.
            cells = selectors.result_cells(user=request.user, run=run, year=year)
            if cells.empty:
                return None
            inputs = allocation_selectors.run_input_rows(user=request.user, run=run)
            return exports.xlsx_workbook(cells, year=year, inputs=inputs, method=method)

        method_digest = hashlib.sha256(repr(method).encode()).hexdigest()
        return _kept(request, run, year, "xlsx", written, method_digest)

    body = _cached(request, run, "xlsx", workbook, year)
    if body is None:
        raise Http404(_("Er is nog geen verdeling om te exporteren."))
    return download(body, filename=_filename(picture), fmt="xlsx")


@login_required
def export_csv(request):
    picture = _export_picture(request)
    return download(exports.csv_bytes_of(picture["cells"]), filename=_filename(picture), fmt="csv")


@login_required
@pagecache.page
def report(request):
    picture = _shown(request)
    if picture is None:
        raise Http404(_("Er is nog geen verdeling om te exporteren."))
    # What the report computes from the run, as finished HTML (shared by the report's URLs);
    # the whole page, the other apps' chapters with it, is cached by `pagecache.page`.
    content = pagecache.cached_html(
        "dashboards:report-html",
        region_id=picture["run"].scenario.region_id,
        user=request.user,
        parts=(picture["run"].pk, picture["year"]),
        render=lambda: _report_content(request, picture),
    )
    return render(request, "dashboards/report.html", {"picture": picture, "content": content})


def _report_content(request, picture):
    picture = _with_frames(request, picture)
    if picture["cells"].empty:
        raise Http404(_("Er is nog geen verdeling om te exporteren."))
    return render_to_string(
        "dashboards/includes/report_content.html",
        {"picture": picture, **_report_parts(request.user, picture)},
    )


# Groups per printed block of the IJktabel: with the municipality and the totals, 10 columns fit
# the width of an A4 landscape page.
PRINT_BLOCK_GROUPS = 8


def _report_parts(user, picture):
    run, year, cells, summary = (
        picture["run"],
        picture["year"],
        picture["cells"],
        picture["summary"],
    )
    tasks = selectors.regional_tasks(user=user, run=run, year=year)
    highlighted = exports.highlighted_cells(cells)
    table = exports.ijktabel_rows(
        cells,
        url_for=picture["url_for"],
        highlight=set(zip(highlighted["slug"], highlighted["target_group"], strict=True)),
    )
    explained = exports.explained_cells(highlighted)
    progress = selectors.progress_towards_2030(user=user, year=year)
    charts = {
        "supply": figures.fair_share_vs_supply(summary),
        "task": figures.task_vs_supply(tasks, summary),
        "progress": figures.progress_to_2030(progress) if progress is not None else None,
    }
    return {
        "headline": selectors.headline(cells, summary, tasks),
        "charts": charts,
        "table": table,
        "table_body": tables.ijktabel_body(table, query=picture["query"]),
        "blocks": [
            {**block, "body": tables.ijktabel_block_body(block)}
            for block in exports.ijktabel_blocks(table, size=PRINT_BLOCK_GROUPS)
        ],
        "summary_body": tables.supply_body(summary),
        "changes": allocation_selectors.run_live_changes(user=user, run=run, carry_over=False),
        "explanations": explained[
            ["municipality", "target_group_name", "quota", "sentence"]
        ].to_dict("records"),
        "cell_count": len(cells),
        "flagged_neighbourhoods": monitoring_selectors.flagged_neighbourhoods(
            user=user, region=run.scenario.region, year=year
        ),
    }
