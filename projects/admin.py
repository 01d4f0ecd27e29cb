"""Admin of the project pipeline: projects read-only (they change through the services, with
history and locking); the region's chances per phase, older people's norms and the counted
stock of homes for older people editable (the stock by each municipality's own staff)."""

from django.contrib import admin

from gmr_thuis.admin_scoping import RegionScopedAdmin, RegionScopedReadOnlyAdmin
from projects import models


@admin.register(models.Project)
class ProjectAdmin(RegionScopedReadOnlyAdmin):
    list_display = [
        "name",
        "municipality",
        "kind",
        "phase",
        "homes_total",
        "expected_delivery_year",
    ]
    list_filter = ["kind", "phase", "expected_delivery_year"]


@admin.register(models.PhaseProbability)
class PhaseProbabilityAdmin(RegionScopedAdmin):
    list_display = ["region", "phase", "probability", "source"]


@admin.register(models.OlderPeopleNorm)
class OlderPeopleNormAdmin(RegionScopedAdmin):
    list_display = ["region", "suitability", "per_thousand", "source"]


@admin.register(models.OlderPopulationForecast)
class OlderPopulationForecastAdmin(RegionScopedReadOnlyAdmin):
    list_display = ["municipality", "year", "inhabitants", "aged_75_plus", "aged_85_plus"]
    list_filter = ["year"]


@admin.register(models.OlderPeopleStock)
class OlderPeopleStockAdmin(RegionScopedAdmin):
    list_display = ["municipality", "suitability", "year", "count", "is_estimate", "source"]
    list_filter = ["suitability", "year", "is_estimate"]
    list_select_related = ["municipality"]
