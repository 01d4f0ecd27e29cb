"""Screens of the project pipeline: overview with map, a municipality's projects, a project's
page with its history, and the forms that create, change and move a project."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from allocation.selectors import scenario_list
from gmr_thuis.exports import Sheet, csv_bytes, download, xlsx_bytes
from gmr_thuis.history import history_of
from gmr_thuis.permissions import CHANGE, VIEW, can, get_object_for, membership_of
from monitoring.importers import ImportRejected
from monitoring.services import StaleEdit
from municipalities.models import Municipality
from projects import charts, selectors, services
from projects import forecast as forecast_module
from projects import older_people as older_people_module
from projects.forms import PhaseForm, ProjectForm, ProjectUploadForm
from projects.importers import (
    COLUMNS,
    EXAMPLE_ROW,
    FORECAST_COLUMNS,
    FORECAST_EXAMPLE_ROW,
    parse_older_population,
    parse_projects,
)
from projects.models import Phase, Project
from projects.pie import pie_growth


def _require_member(user):
    if membership_of(user) is None:
        raise Http404


def _municipality(request, slug, action=VIEW):
    return get_object_for(request.user, Municipality.objects.all(), action, slug=slug)


def _project(request, pk, action=VIEW):
    return get_object_for(
        request.user, Project.objects.select_related("municipality"), action, pk=pk
    )


def _add_errors(form, error):
    if hasattr(error, "error_dict"):
        for field, field_messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, field_messages)
    else:
        form.add_error(None, error.messages)


@login_required
def project_overview(request):
    _require_member(request.user)
    municipalities = list(selectors.municipality_pipeline(user=request.user))
    return render(
        request,
        "projects/overview.html",
        {
            "municipalities": municipalities,
            "chart": charts.pipeline_map(municipalities),
            "may_import": selectors.may_import_projects(request.user),
        },
    )


@login_required
def municipality_projects(request, slug):
    municipality = _municipality(request, slug)
    return render(
        request,
        "projects/municipality.html",
        {
            "municipality": municipality,
            "projects": selectors.project_list(user=request.user, municipality=municipality),
            "may_write": can(request.user, CHANGE, municipality),
        },
    )


@login_required
def project_detail(request, pk):
    project = _project(request, pk)
    may_write = can(request.user, CHANGE, project)
    return render(
        request,
        "projects/detail.html",
        {
            "project": project,
            "earmarks": project.earmarks.select_related("target_group"),
            "steps": project.steps.select_related("recorded_by"),
            "history": history_of(project),
            "may_write": may_write,
            "phase_form": PhaseForm(initial={"version": project.version, "phase": project.phase})
            if may_write
            else None,
        },
    )


def _save_project(request, form, save):
    """Save a valid form through `save()`; a refusal lands on the form. Returns the project."""
    try:
        return save()
    except StaleEdit as exc:
        form.add_error(
            None,
            _("%(error)s Herlaad de pagina om de huidige waarden te zien.") % {"error": exc},
        )
    except ValidationError as exc:
        _add_errors(form, exc)
    return None


@login_required
def project_create(request, slug):
    municipality = _municipality(request, slug, CHANGE)
    form = ProjectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        project = _save_project(
            request,
            form,
            lambda: services.project_create(
                user=request.user,
                municipality=municipality,
                values=form.values(),
                earmarks=form.earmarks(),
            ),
        )
        if project is not None:
            messages.success(request, _("Project aangemaakt: %(name)s.") % {"name": project.name})
            return redirect("projects:detail", project.pk)
    return render(
        request, "projects/form.html", {"form": form, "municipality": municipality, "project": None}
    )


@login_required
def project_edit(request, pk):
    project = _project(request, pk, CHANGE)
    earmarks = selectors.project_earmarks(project)
    if request.method == "POST":
        form = ProjectForm(request.POST, instance=project, earmarks=earmarks)
    else:
        form = ProjectForm(
            instance=project, earmarks=earmarks, initial={"version": project.version}
        )
    if request.method == "POST" and form.is_valid():
        saved = _save_project(
            request,
            form,
            lambda: services.project_update(
                user=request.user,
                project=project,
                version=form.cleaned_data["version"],
                values=form.values(),
                earmarks=form.earmarks(),
            ),
        )
        if saved is not None:
            messages.success(request, _("Opgeslagen: %(name)s.") % {"name": saved.name})
            return redirect("projects:detail", saved.pk)
    return render(
        request,
        "projects/form.html",
        {"form": form, "municipality": project.municipality, "project": project},
    )


@login_required
@require_POST
def project_phase(request, pk):
    project = _project(request, pk, CHANGE)
    form = PhaseForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.project_move_phase(
                user=request.user,
                project=project,
                version=data["version"],
                phase=data["phase"],
                on=data["on"],
                expected_delivery_year=data["expected_delivery_year"],
                comment=data["comment"],
            )
        except (StaleEdit, PermissionDenied) as exc:
            messages.error(request, str(exc))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("De fase van het project is gewijzigd."))
    else:
        messages.error(request, _("Kies een fase en een datum."))
    return redirect("projects:detail", project.pk)


def _import_page(request, *, parse, save, columns, kind):
    """The upload page of `kind` ("projects" or "older_people"): all rows or none, with the
    errors per row."""
    if not selectors.may_import_projects(request.user):
        raise Http404
    errors, form = [], ProjectUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            count = save(
                user=request.user, rows=parse(form.cleaned_data["file"], user=request.user)
            )
        except ImportRejected as exc:
            errors = exc.errors
        except (ValidationError, PermissionDenied) as exc:
            errors = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
        else:
            messages.success(request, _("%(count)s regels ingelezen.") % {"count": count})
            return redirect(request.path)
    return render(
        request,
        "projects/import.html",
        {"form": form, "errors": errors, "columns": list(columns), "kind": kind},
        status=400 if errors else 200,
    )


@login_required
def project_import(request):
    return _import_page(
        request,
        parse=parse_projects,
        save=services.project_import,
        columns=COLUMNS,
        kind="projects",
    )


@login_required
def older_population_import(request):
    return _import_page(
        request,
        parse=parse_older_population,
        save=services.older_population_import,
        columns=FORECAST_COLUMNS,
        kind="older_people",
    )


def _template(fmt, header, row, name):
    body = (
        csv_bytes(header, [row])
        if fmt == "csv"
        else xlsx_bytes([Sheet(title=name, header=header, rows=[row])])
    )
    return download(body, filename=f"sjabloon-{name}", fmt=fmt)


@login_required
def project_template(request, fmt):
    _require_member(request.user)
    return _template(fmt, list(COLUMNS), EXAMPLE_ROW, "projecten")


@login_required
def older_population_template(request, fmt):
    _require_member(request.user)
    return _template(fmt, FORECAST_COLUMNS, FORECAST_EXAMPLE_ROW, "prognose-ouderen")


@login_required
def forecast(request):
    member = membership_of(request.user)
    if member is None:
        raise Http404
    years = selectors.forecast_years()
    probabilities = forecast_module.phase_probabilities(member.region)
    return render(
        request,
        "projects/forecast.html",
        {
            "years": years,
            "rows": selectors.forecast_rows(user=request.user, region=member.region, years=years),
            "slips": forecast_module.slipped_projects(user=request.user, region=member.region),
            "probabilities": probabilities,
            "phase_chances": [
                (Phase(phase).label, chance) for phase, chance in probabilities.by_phase.items()
            ],
        },
    )


@login_required
def older_people(request):
    member = membership_of(request.user)
    if member is None:
        raise Http404
    rows = older_people_module.older_people_task(user=request.user, region=member.region)
    return render(
        request,
        "projects/older_people.html",
        {
            "table": selectors.older_people_table(rows),
            "translation": selectors.as_floats(older_people_module.regional_translation(rows)),
            "norms": selectors.as_floats(older_people_module.region_norms(member.region)),
            "goal_year": older_people_module.NATIONAL_GOAL_YEAR,
            "horizons": older_people_module.HORIZONS,
            "source": older_people_module.SOURCE,
            "may_import": selectors.may_import_projects(request.user),
        },
    )


@login_required
def pie(request):
    _require_member(request.user)
    scenarios = list(scenario_list(user=request.user))
    chosen = next((s for s in scenarios if s.slug == request.GET.get("scenario")), None)
    scenario = chosen or (scenarios[0] if scenarios else None)
    return render(
        request,
        "projects/pie.html",
        {
            "scenarios": scenarios,
            "scenario": scenario,
            "years": pie_growth(user=request.user, scenario=scenario) if scenario else [],
        },
    )
