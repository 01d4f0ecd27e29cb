"""Screens of the allocation: scenarios, the methodology editor, runs, approval, comparison."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from allocation import selectors, services
from allocation.forms import ScenarioCreateForm, ScenarioEditForm, SweepForm
from allocation.models import (
    AllocationResult,
    AllocationRun,
    Methodology,
    RunStatus,
    Scenario,
    SensitivitySweep,
)
from gmr_thuis import pagecache
from gmr_thuis.exports import (
    DECIMAL,
    INTEGER,
    Sheet,
    csv_bytes,
    download,
    input_sheet,
    methodology_sheet,
    verbose_header,
    xlsx_bytes,
)
from gmr_thuis.permissions import get_object_for, is_project_leader, membership_of
from gmr_thuis.years import year_from_query


def _member_only(request):
    # A signed-in user without an organisation learns nothing, not even that the page exists.
    if membership_of(request.user) is None:
        raise Http404


def _leader_only(request):
    _member_only(request)
    if not is_project_leader(request.user):
        raise PermissionDenied


def _scenario(request, slug):
    return get_object_for(request.user, Scenario.objects.select_related("methodology"), slug=slug)


def _run(request, pk):
    return get_object_for(
        request.user, AllocationRun.objects.select_related("scenario", "started_by"), pk=pk
    )


@login_required
@require_GET
def scenario_list(request):
    _member_only(request)
    return render(
        request,
        "allocation/scenario_list.html",
        {
            "scenarios": selectors.scenario_list(user=request.user),
            "approvals": selectors.current_approvals(user=request.user).select_related(
                "run__scenario"
            ),
            "can_write": is_project_leader(request.user),
        },
    )


@login_required
def scenario_create(request):
    _leader_only(request)
    form = ScenarioCreateForm(
        request.POST or None,
        initial={"base_methodology": Methodology.objects.filter(slug="standaard").first()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            scenario = services.scenario_create(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            return redirect("allocation:scenario_edit", slug=scenario.slug)
    return render(request, "allocation/scenario_create.html", {"form": form})


@login_required
@require_GET
def scenario_detail(request, slug):
    _member_only(request)
    scenario = _scenario(request, slug)
    return render(
        request,
        "allocation/scenario_detail.html",
        {
            "scenario": scenario,
            "runs": selectors.run_list(user=request.user, scenario=scenario),
            "approvals": selectors.approval_history(user=request.user, scenario=scenario),
            "sweeps": selectors.sweep_list(user=request.user, scenario=scenario),
            "sweep_form": SweepForm(),
            "can_write": is_project_leader(request.user),
        },
    )


def _edit_form(request, scenario):
    settings = selectors.methodology_settings(scenario.methodology)
    return ScenarioEditForm(request.POST or None, scenario=scenario, settings=settings)


@login_required
def scenario_edit(request, slug):
    _leader_only(request)
    scenario = _scenario(request, slug)
    form = _edit_form(request, scenario)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.scenario_update(
                user=request.user,
                scenario=scenario,
                name=data["name"],
                first_year=data["first_year"],
                last_year=data["last_year"],
                data_year=data["data_year"],
                notes=data["notes"],
                settings=form.methodology_settings(),
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, _("Het scenario is opgeslagen."))
            return redirect("allocation:scenario_detail", slug=scenario.slug)
    return render(request, "allocation/scenario_edit.html", {"scenario": scenario, "form": form})


@login_required
@require_POST
def scenario_preview(request, slug):
    """The live preview: the first year's IJktabel with the sliders as they stand (htmx)."""
    _leader_only(request)
    scenario = _scenario(request, slug)
    form = _edit_form(request, scenario)
    context = {"scenario": scenario, "year": scenario.first_year}
    if not form.is_valid():
        context["error"] = _("Pas de instellingen aan: %(errors)s") % {
            "errors": " ".join(str(e) for errors in form.errors.values() for e in errors)
        }
    else:
        try:
            results = selectors.fair_share_preview(
                user=request.user,
                scenario=scenario,
                settings=form.methodology_settings(),
                year=scenario.first_year,
            )
            context["table"] = selectors.ijktabel(results, scenario.first_year)
        except ValueError as error:
            context["error"] = str(error)
    return render(request, "allocation/_preview.html", context)


@login_required
@require_POST
def run_start(request, slug):
    _leader_only(request)
    scenario = _scenario(request, slug)
    run = services.allocation_run_start(user=request.user, scenario=scenario)
    run.refresh_from_db()
    if run.status == RunStatus.FAILED:  # e.g. the broker was down: the run page says why too
        messages.error(request, run.error)
    return redirect("allocation:run_detail", pk=run.pk)


def _run_context(run):
    return {"run": run, "running": not run.is_finished}


@login_required
@require_GET
@pagecache.page
def run_detail(request, pk):
    _member_only(request)
    # The inputs snapshot (every figure of every municipality) is read only to compute the
    # cached parts, not on every view.
    run = get_object_for(
        request.user,
        AllocationRun.objects.select_related("scenario", "started_by").defer("inputs"),
        pk=pk,
    )
    requested = year_from_query(request.GET, "jaar")

    def compute():
        snapshot = selectors.run_snapshot_summary(run)
        return _run_tables(request.user, run, requested) | {
            "has_inputs": snapshot.has_inputs,
            "cap_share": selectors.cap_share_text(snapshot.cap_share)
            if snapshot.has_inputs
            else "",
        }

    # A finished run's results never change: its table and "changed since" are computed once
    # per data generation (a figure edit bumps it), scope and language. A running one is live.
    parts = (
        pagecache.cached(
            "allocation:run",
            region_id=run.scenario.region_id,
            user=request.user,
            parts=(run.pk, run.status, requested or ""),
            compute=compute,
        )
        if run.is_finished
        else compute()
    )
    approvals = list(run.approvals.select_related("approved_by"))
    context = (
        _run_context(run)
        | parts
        | {"table_html": mark_safe(parts["table_html"])}
        | {
            "other_runs": selectors.run_list(user=request.user).exclude(pk=run.pk).defer("inputs"),
            "can_start": is_project_leader(request.user),
            "approvals": approvals,
            # The current fair share needs no second approval; a superseded one may come back.
            "can_approve": is_project_leader(request.user)
            and run.status == RunStatus.SUCCEEDED
            and not any(approval.is_current for approval in approvals),
        }
    )
    response = render(request, "allocation/run_detail.html", context)
    response.pagecache = run.is_finished  # a running run's progress is live
    return response


def _run_tables(user, run, requested):
    """The run's years, its IJktabel of the year as finished HTML, and what changed since."""
    years = selectors.run_years(user=user, run=run)
    year = requested if requested in years else (years[0] if years else 0)
    table = (
        selectors.ijktabel(
            selectors.run_results(user=user, run=run, year=year, columns=["quota"]), year
        )
        if year in years
        else None
    )
    return {
        "years": years,
        "year": year,
        "has_table": table is not None,
        "table_html": ""
        if table is None
        else render_to_string("allocation/_ijktabel.html", {"table": table, "year": year}),
        "changes": selectors.labelled_differences(selectors.run_changes_since(user=user, run=run)),
    }


@login_required
@require_GET
def run_progress(request, pk):
    """The progress bar that htmx polls; a finished run reloads the page to show its table."""
    _member_only(request)
    run = _run(request, pk)
    response = render(request, "allocation/_progress.html", _run_context(run))
    if run.is_finished and request.htmx:
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_POST
def run_approve(request, pk):
    _leader_only(request)
    run = _run(request, pk)
    if request.POST.get("bevestigd") != "1":
        messages.error(
            request, _("Vink aan dat u de goedkeuring bevestigt; er is niets gewijzigd.")
        )
        return redirect("allocation:run_detail", pk=run.pk)
    try:
        services.allocation_run_approve(user=request.user, run=run)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _(
                "Berekening %(run)s is goedgekeurd als fair share voor %(first)s–%(last)s. "
                "Gemeenten en corporaties zien haar nu."
            )
            % {"run": run.pk, "first": run.first_year, "last": run.last_year},
        )
    return redirect("allocation:run_detail", pk=run.pk)


@login_required
@require_GET
def run_compare(request):
    _member_only(request)
    try:
        base = _run(request, int(request.GET.get("basis", "")))
        other = _run(request, int(request.GET.get("andere", "")))
    except ValueError as error:
        raise Http404 from error
    # Read from the earlier run to the later one: the difference is what the later run changed.
    if (base.created_at, base.pk) > (other.created_at, other.pk):
        base, other = other, base
    comparison = selectors.run_comparison(user=request.user, base=base, other=other)
    differences = (
        selectors.labelled_differences(
            selectors.visible_differences(
                user=request.user,
                differences=selectors.input_differences(base.inputs, other.inputs),
            )
        )
        if base.inputs and other.inputs
        else []
    )
    return render(
        request,
        "allocation/run_compare.html",
        {
            "base": base,
            "other": other,
            "rows": comparison[comparison["difference"] != 0].to_dict("records"),
            "unchanged": int((comparison["difference"] == 0).sum()),
            "differences": differences,
        },
    )


EXPORT_COLUMNS = ["year", "cbs_code", "municipality", "target_group", "target_group_name"]


def _export_header():
    return verbose_header(
        AllocationResult,
        [*EXPORT_COLUMNS, *selectors.RESULT_COLUMNS],
        extra={
            "cbs_code": _("CBS-code"),
            "municipality": _("Gemeente"),
            "target_group": _("Code aandachtsgroep"),
            "target_group_name": _("Aandachtsgroep"),
        },
    )


@login_required
@require_GET
def run_export(request, pk, fmt):
    """The run's results: CSV in long form with every explanation column; XLSX per year, the
    explanation, the figures the run used and the method, all from the run itself."""
    _member_only(request)
    run = _run(request, pk)
    results = selectors.run_results(user=request.user, run=run)
    if results.empty:
        raise Http404
    tidy = results[EXPORT_COLUMNS + selectors.RESULT_COLUMNS]
    header, rows = _export_header(), list(tidy.itertuples(index=False))
    filename = f"fair-share-run-{run.pk}"
    if fmt == "csv":
        return download(csv_bytes(header, rows), filename=filename, fmt="csv")
    sheets = []
    for year in sorted(results["year"].unique()):
        table = selectors.ijktabel(results, year)
        sheets.append(
            Sheet(
                _("IJktabel %(year)s") % {"year": year},
                [_("Gemeente"), *table.columns],
                [[name, *[int(v) for v in row]] for name, row in table.iterrows()],
                [22, *[16] * len(table.columns)],
                {i: INTEGER for i in range(1, len(table.columns) + 1)},
                bold_last_row=True,
            )
        )
    first = sorted(results["year"].unique())[0]
    changes = selectors.run_live_changes(user=request.user, run=run, carry_over=False)
    sheets += [
        Sheet(_("Uitleg"), header, rows, formats={i: DECIMAL for i in range(5, len(header))}),
        input_sheet(selectors.run_input_rows(user=request.user, run=run)),
        methodology_sheet(selectors.methodology_rows(run, first, changes)),
    ]
    return download(xlsx_bytes(sheets), filename=filename, fmt="xlsx")


@login_required
@require_POST
def sweep_start(request, slug):
    _leader_only(request)
    scenario = _scenario(request, slug)
    form = SweepForm(request.POST)
    if form.is_valid():
        try:
            sweep = services.sensitivity_sweep_start(
                user=request.user, scenario=scenario, **form.cleaned_data
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            return redirect("allocation:sweep_detail", pk=sweep.pk)
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("allocation:scenario_detail", slug=scenario.slug)


def _sweep_bands(request, pk):
    """The sweep and its bands, narrowed to ?gemeente= and ?groep= where given, with the
    choices the filter offers."""
    _member_only(request)
    sweep = get_object_for(request.user, SensitivitySweep.objects.select_related("scenario"), pk=pk)
    bands = selectors.sensitivity_bands(user=request.user, sweep=sweep)
    choices = {
        "municipalities": sorted(bands["municipality"].unique()) if not bands.empty else [],
        "groups": sorted(bands["target_group"].unique()) if not bands.empty else [],
    }
    chosen = {"gemeente": request.GET.get("gemeente", ""), "groep": request.GET.get("groep", "")}
    if chosen["gemeente"] and not bands.empty:
        bands = bands[bands["municipality"] == chosen["gemeente"]]
    if chosen["groep"] and not bands.empty:
        bands = bands[bands["target_group"] == chosen["groep"]]
    return sweep, bands, choices, chosen


SWEEP_COLUMNS = [
    "year",
    "municipality",
    "target_group",
    "minimum",
    "p10",
    "median",
    "p90",
    "maximum",
]


@login_required
@require_GET
def sweep_detail(request, pk):
    sweep, bands, choices, chosen = _sweep_bands(request, pk)
    return render(
        request,
        "allocation/sweep_detail.html",
        {
            "sweep": sweep,
            "bands": bands.to_dict("records") if not bands.empty else [],
            "choices": choices,
            "chosen": chosen,
            "query": request.GET.urlencode(),
        },
    )


@login_required
@require_GET
def sweep_export(request, pk, fmt):
    """The (filtered) sweep result as CSV or an Excel workbook."""
    sweep, bands, _choices, _chosen = _sweep_bands(request, pk)
    header = [
        _("Jaar"),
        _("Gemeente"),
        _("Aandachtsgroep"),
        _("Laagste"),
        _("10e percentiel"),
        _("Mediaan"),
        _("90e percentiel"),
        _("Hoogste"),
    ]
    rows = (
        [list(row) for row in bands[SWEEP_COLUMNS].itertuples(index=False)]
        if not bands.empty
        else []
    )
    name = f"gevoeligheid-{sweep.pk}"
    if fmt == "csv":
        return download(csv_bytes(header, rows, decimals=1), filename=name, fmt="csv")
    return download(xlsx_bytes([Sheet(_("Bandbreedte"), header, rows)]), filename=name, fmt="xlsx")
