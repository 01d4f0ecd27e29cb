"""Screens of projects and of the older people's task (thin: selectors and services do the work)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gmr_thuis.history import history_of
from gmr_thuis.models import Role
from gmr_thuis.permissions import CHANGE, can, get_object_for, is_project_leader, membership_of
from monitoring.views import _add_errors, _download
from municipalities.models import Municipality
from projects import figures, importers, selectors, services
from projects.forms import PhaseForm, ProjectForm, UploadForm
from projects.models import Project


def _member(request):
    member = membership_of(request.user)
    if member is None:
        raise Http404
    return member


def _writable_municipalities(user):
    return Municipality.objects.restrict(user, CHANGE)


@login_required
def project_list(request):
    member = _member(request)
    region = member.region
    projects = selectors.project_list(user=request.user).filter(municipality__region=region)
    supply = selectors.supply_by_year(user=request.user, region=region)
    return render(
        request,
        "projects/list.html",
        {
            "projects": projects,
            "map": figures.project_map(projects, region=region),
            "supply": figures.supply_chart(supply, municipalities=region.municipalities.all()),
            "delays": selectors.delays(user=request.user, region=region),
            "writable": _writable_municipalities(request.user),
            "probabilities": selectors.phase_probabilities(region),
        },
    )


@login_required
def project_detail(request, pk):
    _member(request)
    project = get_object_for(request.user, Project.objects.select_related("municipality"), pk=pk)
    may_write = can(request.user, CHANGE, project)
    return render(
        request,
        "projects/detail.html",
        {
            "project": project,
            "may_write": may_write,
            "phase_form": PhaseForm(initial={"version": project.version, "phase": project.phase})
            if may_write
            else None,
            "history": history_of(project),
            "year_changes": project.year_changes.all(),
            "earmarks": project.target_groups.select_related("target_group"),
        },
    )


def _save(request, *, form, save):
    if form.is_valid():
        try:
            project = save(form)
        except services.StaleEdit as exc:
            form.add_error(
                None,
                _("Niet opgeslagen: %(error)s Laad de pagina opnieuw en vergelijk.")
                % {"error": exc},
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Opgeslagen: %(project)s.") % {"project": project})
            return redirect("projects:detail", pk=project.pk)
    return None


@login_required
def project_create(request, slug):
    _member(request)
    municipality = get_object_for(request.user, Municipality.objects.all(), CHANGE, slug=slug)
    instance = Project(municipality=municipality)
    form = ProjectForm(request.POST or None, instance=instance)
    if request.method == "POST":
        done = _save(
            request,
            form=form,
            save=lambda f: services.project_create(
                user=request.user,
                municipality=municipality,
                values=f.values(),
                target_groups=f.target_groups(),
            ),
        )
        if done:
            return done
    return render(
        request,
        "projects/form.html",
        {"form": form, "municipality": municipality, "project": None},
        status=400 if form.errors else 200,
    )


@login_required
def project_edit(request, pk):
    _member(request)
    project = get_object_for(
        request.user, Project.objects.select_related("municipality"), CHANGE, pk=pk
    )
    loaded = Project.objects.get(pk=pk)
    form = ProjectForm(request.POST or None, instance=loaded, initial={"version": project.version})
    if request.method == "POST":
        done = _save(
            request,
            form=form,
            save=lambda f: services.project_update(
                user=request.user,
                project=project,
                values=f.values(),
                version=f.cleaned_data.get("version"),
                target_groups=f.target_groups(),
            ),
        )
        if done:
            return done
    return render(
        request,
        "projects/form.html",
        {"form": form, "municipality": project.municipality, "project": project},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def project_phase(request, pk):
    _member(request)
    project = get_object_for(request.user, Project.objects.all(), CHANGE, pk=pk)
    form = PhaseForm(request.POST)
    if form.is_valid():
        try:
            services.project_set_phase(
                user=request.user,
                project=project,
                phase=form.cleaned_data["phase"],
                on=form.cleaned_data["on"],
                version=form.cleaned_data["version"],
                expected_year=form.cleaned_data.get("expected_year"),
            )
        except (ValidationError, services.StaleEdit) as exc:
            text = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            messages.error(request, _("Fase niet gewijzigd: %(error)s") % {"error": text})
        else:
            messages.success(request, _("Fase gewijzigd."))
    else:
        messages.error(request, _("Fase niet gewijzigd: vul een fase en datum in."))
    return redirect("projects:detail", pk=project.pk)


@login_required
def project_import(request):
    member = _member(request)
    if member.role not in (Role.PROJECT_LEADER, Role.CIVIL_SERVANT):
        raise Http404
    errors, form = [], UploadForm()
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                saved = importers.import_projects(form.cleaned_data["file"], user=request.user)
            except importers.ImportRejected as exc:
                errors = exc.errors
            except (ValidationError, PermissionDenied) as exc:
                errors = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
            else:
                messages.success(
                    request, _("%(count)s projecten ingelezen.") % {"count": len(saved)}
                )
                return redirect("projects:list")
    return render(
        request,
        "projects/import.html",
        {
            "form": form,
            "errors": errors,
            "columns": importers.PROJECT_COLUMNS,
            "title": _("Projecten importeren"),
            "template_url": "projects:template",
        },
        status=400 if errors else 200,
    )


@login_required
def project_template(request, fmt):
    _member(request)
    return _download(
        fmt,
        importers.PROJECT_COLUMNS,
        [importers.PROJECT_EXAMPLE],
        name="sjabloon-projecten",
        sheet_title="projecten",
    )


@login_required
def pie(request):
    """Taart vergroten: how much the pipeline raises each municipality's room under the cap."""
    member = _member(request)
    picture = selectors.room_under_cap(user=request.user, region=member.region)
    return render(
        request,
        "projects/pie.html",
        {"picture": picture, **(pie_context(picture) if picture else {})},
    )


def pie_context(picture):
    municipalities = picture["municipalities"]
    return {
        "chart": figures.pie_chart(picture),
        "region_rows": picture["region"].to_dict("records"),
        "municipality_rows": municipalities.astype(object)
        .where(municipalities.notna(), None)
        .to_dict("records"),
    }


# ---- older people -------------------------------------------------------------------------------


@login_required
def older_people(request):
    member = _member(request)
    region = member.region
    task = selectors.older_people_task(user=request.user, region=region)
    goal = selectors.regional_goal(user=request.user, region=region)
    return render(
        request,
        "projects/older_people.html",
        {
            "task": task,
            "goal": goal,
            "charts": figures.older_people_charts(task) if not task.empty else [],
            "table_2030": figures.gap_table(task, 2030) if not task.empty else [],
            "norms": selectors.care_norms(region),
            "may_import": is_project_leader(request.user),
        },
    )


@login_required
def forecast_import(request):
    member = _member(request)
    if not is_project_leader(request.user):
        raise PermissionDenied
    errors, form = [], UploadForm()
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                count = importers.import_forecast(
                    form.cleaned_data["file"], municipalities=member.region.municipalities.all()
                )
            except importers.ImportRejected as exc:
                errors = exc.errors
            else:
                messages.success(
                    request, _("%(count)s prognoseregels ingelezen.") % {"count": count}
                )
                return redirect("older_people:dashboard")
    return render(
        request,
        "projects/import.html",
        {
            "form": form,
            "errors": errors,
            "columns": importers.FORECAST_COLUMNS,
            "title": _("Prognose ouderen importeren"),
            "template_url": None,
        },
        status=400 if errors else 200,
    )
