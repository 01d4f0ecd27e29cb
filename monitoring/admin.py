"""Admin of monitoring: read-only, because every write goes through the services (history,
permissions, optimistic locking)."""

from django.contrib import admin

from gmr_thuis.admin_scoping import RegionScopedReadOnlyAdmin
from monitoring import models


class ReadOnlyAdmin(RegionScopedReadOnlyAdmin):
    """Read-only, and only the user's own region (gmr_thuis/admin_scoping.py)."""


@admin.register(models.LocalAgreement)
class LocalAgreementAdmin(ReadOnlyAdmin):
    list_display = ["municipality", "target_group", "year", "agreed_number", "status", "version"]
    list_filter = ["year", "status", "target_group"]


@admin.register(models.Realisation)
class RealisationAdmin(ReadOnlyAdmin):
    list_display = ["municipality", "target_group", "year", "quarter", "placements", "version"]
    list_filter = ["year", "quarter", "target_group"]


@admin.register(models.HousingPlan)
class HousingPlanAdmin(ReadOnlyAdmin):
    list_display = ["municipality", "year", "kind", "planned", "forecast", "delivered"]
    list_filter = ["year", "kind"]


@admin.register(models.Objection)
class ObjectionAdmin(ReadOnlyAdmin):
    list_display = ["municipality", "target_group", "year", "status", "decided_at"]
    list_filter = ["year", "status"]


@admin.register(models.ObjectionWindow)
class ObjectionWindowAdmin(ReadOnlyAdmin):
    list_display = ["region", "year", "deadline"]


@admin.register(models.AllocationReport)
class AllocationReportAdmin(ReadOnlyAdmin):
    list_display = ["corporation", "municipality", "target_group", "date", "count", "reference"]
    list_filter = ["corporation", "target_group"]
