"""Admin of the allocation: methodologies and scenarios editable, runs and results read-only."""

from django.contrib import admin

from allocation import models
from gmr_thuis.admin_scoping import (
    RegionScopedAdmin,
    RegionScopedAdminMixin,
    RegionScopedReadOnlyAdmin,
)


class RuleInline(RegionScopedAdminMixin, admin.TabularInline):
    model = models.MethodologyGroupRule
    extra = 0


@admin.register(models.Methodology)
class MethodologyAdmin(RegionScopedAdmin):
    """Shared by every region: edited by the platform administrator, read by region staff."""

    list_display = ["name", "slug", "cap_share", "rounding_method", "tie_break"]
    inlines = [RuleInline]


@admin.register(models.Scenario)
class ScenarioAdmin(RegionScopedAdmin):
    list_display = ["name", "slug", "first_year", "last_year", "data_year", "methodology"]


class ReadOnlyAdmin(RegionScopedReadOnlyAdmin):
    """Runs, results and approvals change only through the services (and the job)."""


@admin.register(models.AllocationRun)
class AllocationRunAdmin(ReadOnlyAdmin):
    list_display = ["pk", "scenario", "status", "progress", "created_at", "input_hash"]
    list_filter = ["status", "scenario"]
    exclude = ["inputs"]


@admin.register(models.Approval)
class ApprovalAdmin(ReadOnlyAdmin):
    list_display = ["run", "first_year", "last_year", "approved_by", "approved_at", "is_current"]
