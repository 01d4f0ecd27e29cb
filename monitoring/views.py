"""Screens of monitoring: agreements, realisation, housing plans, objections, the dashboard."""

from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from gmr_thuis import pagecache
from gmr_thuis.exports import Sheet, csv_bytes, download, xlsx_bytes
from gmr_thuis.history import readable_history
from gmr_thuis.permissions import (
    CHANGE,
    READ_UNPUBLISHED,
    can,
    get_object_for,
    is_project_leader,
    membership_of,
    published,
    represented_municipality,
)
from gmr_thuis.tabular import size_text
from gmr_thuis.years import year_from_query
from monitoring import charts, selectors, services, tables, worklists
from monitoring.forms import (
    AgreementStepForm,
    HousingPlanForm,
    LocalAgreementForm,
    ObjectionDecisionForm,
    ObjectionForm,
    ObjectionWindowForm,
    RealisationForm,
    RealisationUploadForm,
)
from monitoring.importers import (
    EXAMPLE_ROW,
    TEMPLATE_COLUMNS,
    ImportRejected,
    parse_realisation_table,
    read_realisation_table,
)
from monitoring.models import (
    HousingPlan,
    HousingPlanKind,
    LocalAgreement,
    Objection,
    ObjectionWindow,
    Realisation,
)
from municipalities.models import Municipality, TargetGroup


def _records(frame):
    """A frame's rows as dicts for a template, with None where a value is missing."""
    return frame.astype(object).where(frame.notna(), None).to_dict("records")


def _history(user, record):
    """The record's history, for those who may read what it was before it was published."""
    if record is None:
        return []
    if published(type(record)) is not None and not can(user, READ_UNPUBLISHED):
        return []
    return readable_history(record)


def _require_member(user):
    """Region pages are for members of an organisation; anyone else learns nothing."""
    if membership_of(user) is None:
        raise Http404


def _period(request):
    """The year and quarter asked for, defaulting to the current quarter of this year."""
    today = timezone.localdate()
    year = year_from_query(request.GET, "jaar", default=today.year)
    default_quarter = (today.month - 1) // 3 + 1 if year == today.year else 4
    quarter = request.GET.get("kwartaal", "")
    quarter = int(quarter) if quarter in ("1", "2", "3", "4") else default_quarter
    return year, quarter


def _download(fmt, header, rows, *, name, sheet_title):
    """A table as an attachment: CSV for any tool, or an Excel workbook."""
    if fmt == "csv":
        return download(csv_bytes(header, rows), filename=name, fmt="csv")
    return download(
        xlsx_bytes([Sheet(sheet_title, list(header), list(rows))]), filename=name, fmt="xlsx"
    )


def _progress_tables(data):
    """The tables the dashboard and the quarterly report share: the region's totals as template
    rows, the two tables of a row per municipality (and group) as their rendered rows."""
    return {
        "data": data,
        "progress_rows": tables.progress_rows(data.progress, data.year),
        "group_totals": _records(data.group_totals),
        "turnover_rows": tables.turnover_rows(data.turnover),
    }


def _municipality(request, slug, action="view"):
    return get_object_for(request.user, Municipality.objects.all(), action, slug=slug)


def _add_errors(form, error):
    """Put a service's ValidationError on the form: on its field where the form has one."""
    if hasattr(error, "error_dict"):
        for field, messages_ in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages_)
    else:
        form.add_error(None, error.messages)


def _edit_record(request, *, form_class, record, save, template, context):
    """The record page: its values, its history, and (for a writer) the form that saves it
    through `save(cleaned_data, version)`. A stale save keeps the user's input and shows the
    other person's values; the form then carries their version, so saving again is deliberate.
    """
    municipality = context["municipality"]
    may_write = can(request.user, CHANGE, municipality)
    stale = None
    if request.method == "POST":
        # A user who may not change this municipality learns nothing more than a 404.
        _municipality(request, municipality.slug, CHANGE)
        form = form_class(request.POST)
        if form.is_valid():
            try:
                saved = save(form.cleaned_data, form.cleaned_data.get("version"))
            except services.StaleEdit as exc:
                stale = exc.current
                data = request.POST.copy()
                data["version"] = stale.version
                form = form_class(data)
                form.is_valid()
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _("Opgeslagen: %(record)s.") % {"record": saved})
                return redirect(request.get_full_path())
    else:
        initial = (
            {name: getattr(record, name, None) for name in form_class.base_fields} if record else {}
        )
        form = form_class(initial=initial)
    stale_values = (
        [
            (form.fields[name].label, getattr(stale, name))
            for name in form.fields
            if name != "version"
        ]
        if stale
        else None
    )
    return render(
        request,
        template,
        {
            **context,
            "record": record,
            "form": form if may_write else None,
            "stale": stale,
            "stale_values": stale_values,
            "history": _history(request.user, record),
        },
        status=409 if stale else 200,
    )


@login_required
@pagecache.page
def dashboard(request):
    _require_member(request.user)
    year, quarter = _period(request)
    may_import = may_import_realisation(request.user)
    # The finished body, once per data generation of the region, reader's scope, language,
    # period and day (what is expected "to date" moves with the calendar).
    content = pagecache.cached_html(
        "monitoring:dashboard-html",
        region_id=membership_of(request.user).region_id,
        user=request.user,
        parts=(year, quarter, timezone.localdate().isoformat(), may_import),
        render=lambda: render_to_string(
            "monitoring/_dashboard_content.html",
            {**_dashboard_context(request.user, year, quarter), "may_import": may_import},
            request=request,
        ),
    )
    return render(request, "monitoring/dashboard.html", {"content": content})


def _dashboard_context(user, year, quarter):
    data = selectors.dashboard(user=user, year=year, quarter=quarter)
    return {
        "flagged_neighbourhoods": selectors.flagged_neighbourhoods(
            user=user, region=membership_of(user).region, year=year
        ),
        **_progress_tables(data),
        "cumulative": _records(data.cumulative),
        "charts": [
            # Before the region approves a fair share there is nothing to draw; the tables
            # below say so instead of showing empty axes.
            *([charts.fair_share_by_municipality(data)] if not data.progress.empty else []),
            *([charts.cumulative_progress(data)] if not data.cumulative.empty else []),
            # Without turnover figures there is no share to draw; the table says "–".
            *(
                [charts.urgent_share_of_turnover(data)]
                if data.turnover["share"].notna().any()
                else []
            ),
        ],
        "years": range(2024, 2031),
        "quarters": range(1, 5),
        "limit": data.cap_share,
        "tolerance_percent": int(selectors.TOLERANCE_SHARE * 100),
    }


# The export's headers are the dashboard table's own words, so a spreadsheet reads like the page.
EXPORT_COLUMNS = [
    ("municipality", gettext_lazy("Gemeente")),
    ("cbs_code", gettext_lazy("CBS-code")),
    ("group_code", gettext_lazy("Code aandachtsgroep")),
    ("fair_share", gettext_lazy("Fair share")),
    ("carry_over", gettext_lazy("Overloop vorige jaren")),
    ("target", gettext_lazy("Opgave dit jaar")),
    ("agreed", gettext_lazy("Afgesproken (goedgekeurd)")),
    ("agreement_status", gettext_lazy("Status afspraak")),
    ("reported", gettext_lazy("Gemeld door de gemeente")),
    ("by_corporations", gettext_lazy("Gemeld door corporaties")),
    ("via_mediation", gettext_lazy("Via bemiddelingstafel")),
    ("realised", gettext_lazy("Gerealiseerd")),
    ("expected", gettext_lazy("Verwacht tot nu")),
    ("status_label", gettext_lazy("Voortgang")),
]


@login_required
def dashboard_export(request, fmt):
    _require_member(request.user)
    year, quarter = _period(request)
    progress = selectors.dashboard(user=request.user, year=year, quarter=quarter).progress
    columns = [column for column, _header in EXPORT_COLUMNS]
    # Counts are whole numbers in the frame's floats; write them as such.
    rows = [
        [int(v) if isinstance(v, float) and v.is_integer() else v for v in row.values()]
        for row in _records(progress[columns])
    ]
    return _download(
        fmt,
        [str(header) for _column, header in EXPORT_COLUMNS],
        rows,
        name=f"voortgang-fair-share-{year}-k{quarter}",
        sheet_title=f"{year} K{quarter}",
    )


@login_required
def quarterly_report(request):
    _require_member(request.user)
    year, quarter = _period(request)
    data = selectors.dashboard(user=request.user, year=year, quarter=quarter)
    return render(
        request,
        "monitoring/quarterly_report.html",
        {
            **_progress_tables(data),
            "objections": selectors.objections(user=request.user).filter(year=year),
            "generated": timezone.localtime(),
        },
    )


@login_required
def municipality_year(request, slug, year):
    municipality = _municipality(request, slug)
    plans = {
        plan.kind: plan
        for plan in selectors.housing_plans(user=request.user, municipality=municipality).filter(
            year=year
        )
    }
    return render(
        request,
        "monitoring/municipality_year.html",
        {
            "municipality": municipality,
            "year": year,
            "agreements": selectors.agreement_rows(
                user=request.user, municipality=municipality, year=year
            ),
            "realisation": selectors.realisation_rows(
                user=request.user, municipality=municipality, year=year
            ),
            "plans": [(kind, label, plans.get(kind)) for kind, label in HousingPlanKind.choices],
            "objections": selectors.objections(user=request.user, municipality=municipality),
            "may_write": can(request.user, CHANGE, municipality),
        },
    )


@login_required
def neighbourhoods(request, slug):
    """The concentration of placements per neighbourhood of one municipality: a sorted table,
    and a map where the region imported district boundaries."""
    municipality = _municipality(request, slug)
    year, _quarter = _period(request)
    result = selectors.neighbourhood_concentration(
        user=request.user,
        region=municipality.region,
        year=year,
        municipality_ids=[municipality.pk],
    )
    rows = _records(result)
    boundaries = selectors.neighbourhood_boundaries(user=request.user, region=municipality.region)
    chart = (
        charts.neighbourhood_map(
            municipality,
            rows,
            boundaries,
            first_year=result.attrs["first_year"],
            last_year=result.attrs["last_year"],
        )
        if boundaries and rows
        else None
    )
    thresholds = result.attrs["thresholds"]
    return render(
        request,
        "monitoring/neighbourhoods.html",
        {
            "municipality": municipality,
            "year": year,
            "rows": rows,
            "chart": chart,
            "first_year": result.attrs["first_year"],
            "last_year": result.attrs["last_year"],
            "thresholds": {
                "municipality_multiple": float(thresholds.municipality_multiple),
                "attention_multiple": float(thresholds.attention_multiple),
                "weak_liveability_class": thresholds.weak_liveability_class,
            },
        },
    )


def _target_group(code):
    try:
        return TargetGroup.objects.get(code=code)
    except TargetGroup.DoesNotExist as exc:
        raise Http404 from exc


@login_required
def agreement(request, slug, year, group_code):
    municipality = _municipality(request, slug)
    group = _target_group(group_code)
    record = (
        LocalAgreement.objects.restrict(request.user)
        .filter(municipality=municipality, target_group=group, year=year)
        .first()
    )
    fair = selectors.agreement_rows(user=request.user, municipality=municipality, year=year)
    fair_share = next((row["fair_share"] for row in fair if row["group"] == group), None)

    def save(data, version):
        return services.local_agreement_save(
            user=request.user,
            municipality=municipality,
            target_group=group,
            year=year,
            agreed_number=data["agreed_number"],
            care_support=data["care_support"],
            corporation_partners=data["corporation_partners"],
            care_partners=data["care_partners"],
            notes=data["notes"],
            version=version,
        )

    return _edit_record(
        request,
        form_class=LocalAgreementForm,
        record=record,
        save=save,
        template="monitoring/agreement.html",
        context={
            "municipality": municipality,
            "group": group,
            "year": year,
            "fair_share": fair_share,
            "justification": selectors.agreed_target_justification(
                user=request.user, municipality=municipality, target_group=group, year=year
            ),
            "is_project_leader": is_project_leader(request.user),
            "step_form": AgreementStepForm(),
        },
    )


# What the user is told after each step of an agreement, and who hears of it.
_STEP_DONE = {
    "submit": gettext_lazy(
        "De afspraak is ingediend bij de regio; de projectleider krijgt bericht."
    ),
    "approve": gettext_lazy("De afspraak is goedgekeurd; de gemeente krijgt bericht."),
    "return": gettext_lazy(
        "De afspraak is teruggestuurd met uw opmerking; de gemeente krijgt bericht."
    ),
}


@login_required
@require_POST
def agreement_step(request, slug, year, group_code):
    municipality = _municipality(request, slug)
    record = get_object_for(
        request.user,
        LocalAgreement.objects.all(),
        CHANGE,
        municipality=municipality,
        target_group__code=group_code,
        year=year,
    )
    form = AgreementStepForm(request.POST)
    if not form.is_valid():
        raise Http404
    try:
        services.local_agreement_transition(
            user=request.user,
            agreement=record,
            step=form.cleaned_data["step"],
            version=form.cleaned_data["version"],
            comment=form.cleaned_data["comment"],
        )
    except services.StaleEdit as exc:
        messages.error(
            request,
            _(
                "Iemand anders heeft deze afspraak intussen gewijzigd (nu versie %(version)s, status '%(status)s'). Bekijk de huidige waarden en probeer het opnieuw."
            )
            % {"version": exc.current.version, "status": exc.current.get_status_display()},
        )
    except (ValidationError, PermissionDenied) as exc:
        text = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
        for message in text:
            messages.error(request, message)
    else:
        messages.success(request, str(_STEP_DONE[form.cleaned_data["step"]]))
    return redirect("monitoring:agreement", slug=slug, year=year, group_code=group_code)


@login_required
def realisation(request, slug, year, group_code, quarter):
    """One quarter's placements of a group: without a neighbourhood, or with `?wijk=<CBS code>`
    those in one of the municipality's neighbourhoods (docs/neighbourhoods.md)."""
    if not 1 <= quarter <= 4:
        raise Http404
    municipality = _municipality(request, slug)
    group = _target_group(group_code)
    neighbourhoods = list(municipality.neighbourhoods.order_by("code"))
    code = request.GET.get("wijk") or None
    neighbourhood = next((n for n in neighbourhoods if n.code == code), None)
    if code is not None and neighbourhood is None:
        raise Http404
    quarter_records = (
        Realisation.objects.restrict(request.user)
        .filter(municipality=municipality, target_group=group, year=year, quarter=quarter)
        .select_related("neighbourhood")
    )
    record = next(
        (r for r in quarter_records if r.neighbourhood_id == getattr(neighbourhood, "pk", None)),
        None,
    )

    def save(data, version):
        return services.realisation_save(
            user=request.user,
            municipality=municipality,
            target_group=group,
            year=year,
            quarter=quarter,
            placements=data["placements"],
            notes=data["notes"],
            version=version,
            neighbourhood=neighbourhood,
        )

    return _edit_record(
        request,
        form_class=RealisationForm,
        record=record,
        save=save,
        template="monitoring/realisation.html",
        context={
            "municipality": municipality,
            "group": group,
            "year": year,
            "quarter": quarter,
            "neighbourhood": neighbourhood,
            "neighbourhoods": neighbourhoods,
            "per_neighbourhood": [r for r in quarter_records if r.neighbourhood_id is not None],
        },
    )


@login_required
def housing_plan(request, slug, year, kind):
    if kind not in HousingPlanKind.values:
        raise Http404
    municipality = _municipality(request, slug)
    record = (
        HousingPlan.objects.restrict(request.user)
        .filter(municipality=municipality, year=year, kind=kind)
        .first()
    )

    def save(data, version):
        return services.housing_plan_save(
            user=request.user,
            municipality=municipality,
            year=year,
            kind=kind,
            planned=data["planned"],
            forecast=data["forecast"],
            delivered=data["delivered"],
            notes=data["notes"],
            version=version,
        )

    return _edit_record(
        request,
        form_class=HousingPlanForm,
        record=record,
        save=save,
        template="monitoring/housing_plan.html",
        context={
            "municipality": municipality,
            "year": year,
            "kind_label": HousingPlanKind(kind).label,
        },
    )


def may_import_realisation(user):
    """The realisation import is for the project leader and civil servants; others see no link."""
    return services.may_import_realisation(user)


def _queue_large_import(request, upload, table):
    """Above the threshold the import runs as a job; returns the redirect to its page, or None."""
    if len(table.rows) <= settings.GMR_IMPORT_JOB_THRESHOLD:
        return None
    upload.seek(0)
    job = services.realisation_import_job_start(
        user=request.user,
        filename=upload.name,
        content=upload.read(),
        row_count=len(table.rows),
    )
    return redirect("monitoring:realisation_import_job", pk=job.pk)


@login_required
def realisation_import(request):
    if not may_import_realisation(request.user):
        raise Http404
    errors, form = [], RealisationUploadForm()
    if request.method == "POST":
        form = RealisationUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                # Limits first: a file above them is refused before anything else is read.
                table = read_realisation_table(upload)
                queued = _queue_large_import(request, upload, table)
                if queued is not None:
                    return queued
                rows = parse_realisation_table(table, user=request.user)
                count = services.realisation_import(user=request.user, rows=rows)
            except ImportRejected as exc:
                errors = exc.errors
            except (ValidationError, PermissionDenied) as exc:
                errors = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
            except services.StaleEdit as exc:
                # Someone saved a quarter while the file was read: nothing was written.
                errors = [str(exc), _("Er is niets ingelezen; lees het bestand opnieuw in.")]
            else:
                messages.success(
                    request, _("%(count)s regels realisatie ingelezen.") % {"count": count}
                )
                return redirect("monitoring:realisation_import")
    return render(
        request,
        "monitoring/realisation_import.html",
        {
            "form": form,
            "errors": errors,
            "columns": TEMPLATE_COLUMNS,
            "max_size": size_text(settings.GMR_IMPORT_MAX_BYTES),
            "max_rows": settings.GMR_IMPORT_MAX_ROWS,
            "job_threshold": settings.GMR_IMPORT_JOB_THRESHOLD,
        },
        status=400 if errors or form.errors else 200,
    )


@login_required
def realisation_import_job(request, pk):
    """A large import's progress; htmx polls the fragment until the job has finished."""
    if not may_import_realisation(request.user):
        raise Http404
    job = selectors.import_job_for(user=request.user, pk=pk)
    context = {
        "job": job,
        "progress": selectors.import_job_progress(job),
        "columns": TEMPLATE_COLUMNS,
    }
    if request.htmx:
        response = render(request, "monitoring/_import_job_progress.html", context)
        if job.is_finished:
            response["HX-Refresh"] = "true"  # the full page shows the outcome and the form
        return response
    context["form"] = RealisationUploadForm()
    return render(request, "monitoring/realisation_import_job.html", context)


@login_required
def realisation_template(request, fmt):
    _require_member(request.user)
    return _download(
        fmt, TEMPLATE_COLUMNS, [EXAMPLE_ROW], name="sjabloon-realisatie", sheet_title="realisatie"
    )


@login_required
def objections(request):
    _require_member(request.user)
    window_form = (
        ObjectionWindowForm(request.POST or None) if is_project_leader(request.user) else None
    )
    if request.method == "POST":
        if window_form is None:
            raise Http404
        if window_form.is_valid():
            services.objection_window_set(user=request.user, **window_form.cleaned_data)
            messages.success(request, _("De bezwaartermijn is vastgelegd."))
            return redirect("monitoring:objections")
    member = membership_of(request.user)
    return render(
        request,
        "monitoring/objections.html",
        {
            "objections": selectors.objections(user=request.user),
            "windows": ObjectionWindow.objects.restrict(request.user).filter(region=member.region),
            "window_form": window_form,
            "own_municipality": represented_municipality(request.user),
        },
        status=400 if window_form is not None and window_form.errors else 200,
    )


@login_required
def objection_lodge(request, slug):
    """The objection form, shown only while a term is open, next to the fair share objected to."""
    municipality = _municipality(request, slug, CHANGE)
    today = timezone.localdate()
    open_windows = list(
        ObjectionWindow.objects.filter(region=municipality.region_id, deadline__gte=today)
    )
    form = ObjectionForm(request.POST or None, years=[w.year for w in open_windows])
    if request.method == "POST" and not open_windows:
        form.add_error(None, _("Er staat geen bezwaartermijn open."))
    elif request.method == "POST" and form.is_valid():
        try:
            objection = services.objection_lodge(
                user=request.user, municipality=municipality, **form.cleaned_data
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Uw bezwaar is ingediend."))
            return redirect("monitoring:objection", pk=objection.pk)
    return render(
        request,
        "monitoring/objection_lodge.html",
        {
            "municipality": municipality,
            "form": form if open_windows else None,
            "windows": open_windows,
            "fair_shares": [
                (
                    window,
                    selectors.objected_fair_shares(
                        user=request.user, municipality=municipality, year=window.year
                    ),
                )
                for window in open_windows
            ],
        },
        status=400 if form.errors else 200,
    )


@login_required
def objection(request, pk):
    record = get_object_for(
        request.user, Objection.objects.select_related("municipality", "target_group"), pk=pk
    )
    leader = is_project_leader(request.user)
    form = ObjectionDecisionForm(request.POST or None) if leader else None
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            try:
                services.objection_decide(
                    user=request.user,
                    objection=record,
                    accepted=form.cleaned_data["accepted"],
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(
                    request, _("Het besluit is vastgelegd; de gemeente krijgt bericht.")
                )
                return redirect(reverse("monitoring:objection", args=[pk]))
    objected = [
        row
        for row in selectors.objected_fair_shares(
            user=request.user, municipality=record.municipality, year=record.year
        )
        if record.target_group_id is None or row["group"].pk == record.target_group_id
    ]
    return render(
        request,
        "monitoring/objection.html",
        {
            "objection": record,
            "form": form,
            "history": _history(request.user, record),
            "objected": objected,
            "objected_total": sum(row["quota"] for row in objected),
        },
    )


@login_required
def my_municipality(request):
    """A civil servant's first page: this year's fair share, agreements to fill or fix,
    quarters to report, objections and their deadlines."""
    today = timezone.localdate()
    year = year_from_query(request.GET, "jaar", default=today.year)
    work = worklists.municipality_work(user=request.user, year=year, today=today)
    if work is None:
        raise Http404
    return render(request, "monitoring/my_municipality.html", {"work": work, "today": today})


@login_required
def inbox(request):
    """The project leader's inbox: what waits for the region's decision."""
    today = timezone.localdate()
    box = worklists.inbox(user=request.user, today=today)
    if box is None:
        raise Http404
    return render(request, "monitoring/inbox.html", {"inbox": box, "inbox_year": today.year})


@dataclass
class GridCell:
    """One editable number of a grid: its record's field, the value shown and the version
    the user loaded (the optimistic lock of that record)."""

    key: str
    label: str
    record: object
    field: str
    editable: bool = True
    value: str = ""
    original: str = ""
    version: int | None = None
    error: str = ""

    def __post_init__(self):
        current = getattr(self.record, self.field, None) if self.record else None
        self.value = self.original = "" if current is None else str(current)
        self.version = self.record.version if self.record else None


def _grid_cells(rows):
    return [cell for row in rows for cell in row["cells"] if cell.editable]


def _grid_number(raw):
    """A typed cell: a whole number of 0 or more (spaces allowed), else ValueError."""
    text = raw.replace(" ", "").replace("\u00a0", "")
    if not text.isdigit():
        raise ValueError(text)
    return int(text)


def _grid(request, *, rows, save, template, context):
    """A grid of records saved with one POST: only changed cells are saved, through
    `save(cell, value, version)`, all together or not at all; problems are shown at the cell.
    A cell someone else saved meanwhile keeps the user's input and takes their version, so
    saving again is deliberate (as on the record pages)."""
    status = 200
    if request.method == "POST":
        saves = []
        for cell in _grid_cells(rows):
            raw = request.POST.get(f"c-{cell.key}", "").strip()
            original = request.POST.get(f"o-{cell.key}", "")
            version = request.POST.get(f"v-{cell.key}", "")
            cell.value = raw
            cell.original = original
            cell.version = int(version) if version.isdigit() else None
            if raw == original:
                continue
            if not raw:
                cell.error = _("Vul een aantal in; een ingevuld aantal kan niet leeg worden.")
                continue
            try:
                value = _grid_number(raw)
            except ValueError:
                cell.error = _("Vul een geheel aantal in van 0 of meer, bijvoorbeeld 12.")
                continue
            saves.append((cell.key, partial(save, cell, value, cell.version)))
        errors = [cell for cell in _grid_cells(rows) if cell.error]
        if not errors and not saves:
            messages.info(request, _("Er was niets gewijzigd."))
            return redirect(request.get_full_path())
        if not errors:
            try:
                saved = services.grid_save(saves=saves)
            except services.GridRejected as exc:
                for cell in _grid_cells(rows):
                    cell.error = exc.errors.get(cell.key, "")
                    current = exc.stale.get(cell.key)
                    if current is not None:
                        value = getattr(current, cell.field)
                        cell.original = "" if value is None else str(value)
                        cell.version = current.version
                status = 409 if exc.stale else 400
            else:
                messages.success(
                    request,
                    ngettext(
                        "%(count)s cel opgeslagen.", "%(count)s cellen opgeslagen.", len(saved)
                    )
                    % {"count": len(saved)},
                )
                return redirect(request.get_full_path())
        else:
            status = 400
    return render(
        request,
        template,
        {
            **context,
            "rows": rows,
            "errors": [cell for cell in _grid_cells(rows) if cell.error],
        },
        status=status,
    )


@login_required
def agreements_grid(request, slug, year):
    """All groups' local agreements of one year on one page (the agreed numbers); the record
    page of each keeps its texts, comments and history."""
    municipality = _municipality(request, slug, CHANGE)
    rows = [
        {
            "group": row["group"],
            "fair_share": row["fair_share"],
            "agreement": row["agreement"],
            "cells": [
                GridCell(
                    key=row["group"].code,
                    label=_("%(group)s: afgesproken aantal %(year)s")
                    % {"group": row["group"].name(), "year": year},
                    record=row["agreement"],
                    field="agreed_number",
                    editable=row["agreement"] is None or row["agreement"].is_editable,
                )
            ],
        }
        for row in selectors.agreement_rows(user=request.user, municipality=municipality, year=year)
    ]
    groups = {row["group"].code: row["group"] for row in rows}

    def save(cell, value, version):
        record = cell.record
        return services.local_agreement_save(
            user=request.user,
            municipality=municipality,
            target_group=groups[cell.key],
            year=year,
            agreed_number=value,
            care_support=record.care_support if record else "",
            corporation_partners=record.corporation_partners if record else "",
            care_partners=record.care_partners if record else "",
            notes=record.notes if record else "",
            version=version,
        )

    return _grid(
        request,
        rows=rows,
        save=save,
        template="monitoring/agreements_grid.html",
        context={"municipality": municipality, "year": year},
    )


@login_required
def realisation_grid(request, slug, year):
    """A year's placements of every group per quarter in one grid, as a spreadsheet."""
    municipality = _municipality(request, slug, CHANGE)
    rows = [
        {
            "group": row["group"],
            "cells": [
                GridCell(
                    key=f"{row['group'].code}-{cell['quarter']}",
                    label=_("%(group)s: plaatsingen kwartaal %(quarter)s %(year)s")
                    % {"group": row["group"].name(), "quarter": cell["quarter"], "year": year},
                    record=cell["record"],
                    field="placements",
                )
                for cell in row["quarters"]
            ],
        }
        for row in selectors.realisation_rows(
            user=request.user, municipality=municipality, year=year
        )
    ]
    groups = {row["group"].code: row["group"] for row in rows}

    def save(cell, value, version):
        code, quarter = cell.key.rsplit("-", 1)
        return services.realisation_save(
            user=request.user,
            municipality=municipality,
            target_group=groups[code],
            year=year,
            quarter=int(quarter),
            placements=value,
            notes=cell.record.notes if cell.record else "",
            version=version,
        )

    return _grid(
        request,
        rows=rows,
        save=save,
        template="monitoring/realisation_grid.html",
        context={"municipality": municipality, "year": year, "quarters": range(1, 5)},
    )
