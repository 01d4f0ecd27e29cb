"""Admin of the allocation: methodologies and scenarios editable, runs and results read-only."""

from django.contrib import admin

from allocation import models
from gmr_thuis.admin_scoping import (
    RegionScopedAdminMixin,
    RegionScopedReadOnlyAdmin,
)


class ReadOnlyAdmin(RegionScopedReadOnlyAdmin):
    """Methodologies, scenarios, runs and approvals change only through the services (the
    scenario editor, the run job, the approval), which check, lock and keep the history."""


class RuleInline(RegionScopedAdminMixin, admin.TabularInline):
    model = models.MethodologyGroupRule
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(models.Methodology)
class MethodologyAdmin(ReadOnlyAdmin):
    list_display = ["name", "slug", "cap_share", "rounding_method", "tie_break"]
    inlines = [RuleInline]


@admin.register(models.Scenario)
class ScenarioAdmin(ReadOnlyAdmin):
    list_display = ["name", "slug", "first_year", "last_year", "data_year", "methodology"]


@admin.register(models.AllocationRun)
class AllocationRunAdmin(ReadOnlyAdmin):
    list_display = ["pk", "scenario", "status", "progress", "created_at", "input_hash"]
    list_filter = ["status", "scenario"]
    exclude = ["inputs"]


@admin.register(models.Approval)
class ApprovalAdmin(ReadOnlyAdmin):
    list_display = ["run", "first_year", "last_year", "approved_by", "approved_at", "is_current"]
