"""Django admin for the reference data, narrowed by the same scoping as every other screen."""

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gmr_thuis.admin_scoping import RegionScopedAdminMixin
from gmr_thuis.permissions import CHANGE, admin_restrict, is_platform_admin, membership_of
from gmr_thuis.tabular import check_size, read_table
from monitoring import selectors as monitoring_selectors
from municipalities import models as m
from municipalities.forms import FigureImportForm, NeighbourhoodImportForm
from municipalities.neighbourhood_services import neighbourhood_file_import
from municipalities.services import figure_import_job_start, municipality_figures_import

# Foreign keys declared without a verbose_name would show their English field name.
DUTCH_LABELS = {
    "corporation": gettext_lazy("woningcorporatie"),
    "municipality": gettext_lazy("gemeente"),
    "region": gettext_lazy("regio"),
}


class ScopedAdminMixin(RegionScopedAdminMixin):
    """The region's walls (gmr_thuis/admin_scoping.py) plus Dutch labels for foreign keys."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None and db_field.name in DUTCH_LABELS and not db_field._verbose_name:
            field.label = DUTCH_LABELS[db_field.name]
        return field


class ScopedAdmin(ScopedAdminMixin, admin.ModelAdmin):
    pass


class ImportPageMixin:
    """An upload page beside the changelist, offered to those who may change a municipality."""

    def import_page(self, request, form, title):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": title,
            "form": form,
        }
        return TemplateResponse(
            request, "admin/municipalities/municipalityfigure/import.html", context
        )

    def may_import(self, request):
        return admin_restrict(m.Municipality.objects.all(), request.user, CHANGE).exists()

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "may_import": self.may_import(request)}
        return super().changelist_view(request, extra_context)


class FigureInline(ScopedAdminMixin, admin.TabularInline):
    model = m.MunicipalityFigure
    fields = ["year", "indicator", "value", "source", "is_estimate"]
    extra = 0


class CareClientInline(ScopedAdminMixin, admin.TabularInline):
    model = m.CareClientCount
    fields = ["year", "care_type", "count", "source", "is_estimate"]
    extra = 0


class StockInline(ScopedAdminMixin, admin.TabularInline):
    model = m.CorporationStock
    fields = ["municipality", "dwellings", "source", "is_estimate"]
    extra = 0


class TaskInline(ScopedAdminMixin, admin.TabularInline):
    model = m.RegionalTask
    fields = ["region", "year", "amount", "source", "is_estimate"]
    extra = 0


@admin.register(m.Region)
class RegionAdmin(ScopedAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}

    # A region is founded and dissolved by the platform administrator.
    def has_add_permission(self, request, *args):
        return is_platform_admin(request.user)

    def has_delete_permission(self, request, obj=None):
        return is_platform_admin(request.user)


@admin.register(m.Municipality)
class MunicipalityAdmin(ScopedAdmin):
    list_display = ["name", "cbs_code", "main_town", "region"]
    list_filter = ["region"]
    search_fields = ["name", "cbs_code", "main_town"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [FigureInline, CareClientInline]
    actions = ["import_figures"]

    @admin.action(description=gettext_lazy("Cijfers importeren uit een CSV-bestand"))
    def import_figures(self, request, queryset):
        """The upload page takes the file; the import itself is all or nothing."""
        return redirect("admin:municipalities_municipalityfigure_import")


@admin.register(m.MunicipalityFigure)
class MunicipalityFigureAdmin(ImportPageMixin, ScopedAdmin):
    list_display = ["municipality", "year", "indicator", "value", "is_estimate", "source"]
    list_filter = ["year", "indicator", "is_estimate", "municipality"]
    search_fields = ["municipality__name", "source"]
    list_select_related = ["municipality"]

    def get_urls(self):
        upload = path(
            "import/",
            self.admin_site.admin_view(self.import_view),
            name="municipalities_municipalityfigure_import",
        )
        job = path(
            "import/<int:pk>/",
            self.admin_site.admin_view(self.import_job_view),
            name="municipalities_municipalityfigure_import_job",
        )
        return [upload, job, *super().get_urls()]

    def import_view(self, request):
        """Upload a file of figures; all or nothing, each problem with its row."""
        if not self.may_import(request):
            raise PermissionDenied
        form = FigureImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                check_size(upload.size)  # before the file is read into memory
                content = upload.read()
                # Limits first; a file above the threshold is imported by a job, not this request.
                rows = len(read_table(content, filename=upload.name).rows)
                if rows > settings.GMR_IMPORT_JOB_THRESHOLD:
                    job = figure_import_job_start(
                        user=request.user,
                        filename=upload.name,
                        content=content,
                        row_count=rows,
                        year=form.cleaned_data["year"],
                    )
                    return redirect("admin:municipalities_municipalityfigure_import_job", pk=job.pk)
                summary = municipality_figures_import(
                    user=request.user,
                    content=content,
                    filename=upload.name,
                    year=form.cleaned_data["year"],
                )
            except ValidationError as error:
                form.add_error(None, _("Er is niets geïmporteerd."))
                for message in error.messages:
                    form.add_error(None, message)
            else:
                messages.success(
                    request,
                    _("%(created)s cijfers toegevoegd, %(updated)s bijgewerkt.")
                    % {"created": summary.created, "updated": summary.updated},
                )
                return redirect(reverse("admin:municipalities_municipalityfigure_changelist"))
        return self.import_page(request, form, _("Gemeentecijfers importeren"))

    def import_job_view(self, request, pk):
        """A large figure import's progress; htmx polls the fragment until the job has finished."""
        if not self.may_import(request):
            raise PermissionDenied
        job = monitoring_selectors.import_job_for(user=request.user, pk=pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Gemeentecijfers importeren"),
            "job": job,
            "progress": monitoring_selectors.import_job_progress(job),
            "poll_url": reverse("admin:municipalities_municipalityfigure_import_job", args=[pk]),
        }
        if request.htmx:
            response = TemplateResponse(request, "monitoring/_import_job_progress.html", context)
            if job.is_finished:
                response["HX-Refresh"] = "true"  # the full page shows the outcome
            return response
        return TemplateResponse(
            request, "admin/municipalities/municipalityfigure/import_job.html", context
        )


@admin.register(m.CareClientCount)
class CareClientCountAdmin(ScopedAdmin):
    list_display = ["municipality", "year", "care_type", "count", "is_estimate"]
    list_filter = ["year", "care_type", "is_estimate", "municipality"]
    list_select_related = ["municipality"]


@admin.register(m.TargetGroup)
class TargetGroupAdmin(ScopedAdmin):
    list_display = ["name_nl", "code", "unit", "legally_urgent", "legally_urgent_from"]
    list_filter = ["legally_urgent"]
    search_fields = ["code", "name_nl", "name_en"]
    inlines = [TaskInline]


@admin.register(m.RegionalTask)
class RegionalTaskAdmin(ScopedAdmin):
    list_display = ["target_group", "year", "amount", "is_estimate"]
    list_filter = ["year", "target_group", "is_estimate"]
    list_select_related = ["target_group"]


@admin.register(m.HousingCorporation)
class HousingCorporationAdmin(ScopedAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [StockInline]


@admin.register(m.CorporationStock)
class CorporationStockAdmin(ScopedAdmin):
    list_display = ["corporation", "municipality", "dwellings", "is_estimate"]
    list_filter = ["corporation", "municipality", "is_estimate"]
    list_select_related = ["corporation", "municipality"]


class NeighbourhoodFigureInline(ScopedAdminMixin, admin.TabularInline):
    model = m.NeighbourhoodFigure
    fields = ["year", "indicator", "value", "source", "is_estimate"]
    extra = 0


@admin.register(m.Neighbourhood)
class NeighbourhoodAdmin(ImportPageMixin, ScopedAdmin):
    list_display = ["name", "code", "kind", "municipality"]
    list_filter = ["kind", "municipality"]
    search_fields = ["name", "code"]
    list_select_related = ["municipality"]
    inlines = [NeighbourhoodFigureInline]

    def get_urls(self):
        upload = path(
            "import/",
            self.admin_site.admin_view(self.import_view),
            name="municipalities_neighbourhood_import",
        )
        return [upload, *super().get_urls()]

    def import_view(self, request):
        """Upload CBS Kerncijfers, liveability or boundaries; all or nothing, row by row."""
        member = membership_of(request.user)
        member_region = member.region if member is not None else None
        if not self.may_import(request) or member_region is None:
            raise PermissionDenied
        form = NeighbourhoodImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                message = neighbourhood_file_import(
                    user=request.user,
                    kind=form.cleaned_data["kind"],
                    content=upload.read(),
                    filename=upload.name,
                    region=member_region,
                    year=form.cleaned_data["year"],
                    source=form.cleaned_data["source"],
                )
            except (ValidationError, PermissionDenied) as error:
                form.add_error(None, _("Er is niets geïmporteerd."))
                for text in getattr(error, "messages", None) or [str(error)]:
                    form.add_error(None, text)
            else:
                messages.success(request, message)
                return redirect(reverse("admin:municipalities_neighbourhood_changelist"))
        return self.import_page(request, form, _("Wijkgegevens importeren"))


@admin.register(m.NeighbourhoodFigure)
class NeighbourhoodFigureAdmin(ScopedAdmin):
    list_display = ["neighbourhood", "year", "indicator", "value", "is_estimate", "source"]
    list_filter = ["year", "indicator", "is_estimate"]
    search_fields = ["neighbourhood__name", "neighbourhood__code", "source"]
    list_select_related = ["neighbourhood"]


@admin.register(m.ConcentrationSettings)
class ConcentrationSettingsAdmin(ScopedAdmin):
    list_display = [
        "region",
        "municipality_multiple",
        "attention_multiple",
        "weak_liveability_class",
        "years",
    ]


@admin.register(m.NeighbourhoodBoundaries)
class NeighbourhoodBoundariesAdmin(ScopedAdmin):
    """Read-only: boundaries come in through the import, which validates them."""

    list_display = ["region", "filename", "source", "imported_at"]
    readonly_fields = ["region", "filename", "source", "imported_at", "imported_by"]
    exclude = ["features"]

    def has_add_permission(self, request, *args):
        return False
