"""Admin of the mediation table: read-only, because every write goes through the services
(checks for personal data, locking, the table's rules), and behind the same walls as the
screens (gmr_thuis/admin_scoping.py).

The admin never shows a case's free text (the note, the care provider, a decision's reason) nor
its household details: those are read on the case's own page, where each look is logged. Each
opening of a case's admin page is logged too (`CaseAccessLog`, "in het beheer bekeken").
"""

from django.contrib import admin
from django.contrib.admin.utils import unquote

from gmr_thuis.admin_scoping import RegionScopedReadOnlyAdmin
from mediation import models, services


@admin.register(models.Case)
class CaseAdmin(RegionScopedReadOnlyAdmin):
    list_display = ["number", "municipality", "target_group", "status", "ready_from", "deadline"]
    list_filter = ["status", "target_group", "municipality"]
    list_select_related = ["municipality", "target_group"]
    fields = [
        "number",
        "municipality",
        "target_group",
        "status",
        "ready_from",
        "deadline",
        "created_at",
        "closed_at",
        "close_reason",
        "anonymised_at",
        "version",
        "updated_at",
    ]
    readonly_fields = fields

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if response.status_code == 200:
            case = self.get_object(request, unquote(object_id))
            if case is not None:
                services.log_access(
                    user=request.user, cases=[case], what=models.CaseAccessLog.What.ADMIN
                )
        return response


@admin.register(models.Offer)
class OfferAdmin(RegionScopedReadOnlyAdmin):
    list_display = [
        "corporation",
        "municipality",
        "rooms",
        "rent",
        "available_from",
        "valid_until",
        "status",
    ]
    list_filter = ["status", "corporation", "municipality"]
    list_select_related = ["corporation", "municipality"]
    exclude = ["idempotency_key"]


@admin.register(models.Meeting)
class MeetingAdmin(RegionScopedReadOnlyAdmin):
    list_display = ["date", "region"]
    list_select_related = ["region"]
    # The agenda's cases are seen on the meeting's own page, where the look is logged.
    fields = ["region", "date", "invited_municipalities", "invited_corporations", "created_by"]


@admin.register(models.Decision)
class DecisionAdmin(RegionScopedReadOnlyAdmin):
    list_display = ["meeting", "case", "outcome", "offer", "decided_at"]
    list_filter = ["outcome"]
    list_select_related = ["meeting", "case", "offer__municipality", "offer__corporation"]
    # The reason is free text: read on the meeting's page.
    fields = ["meeting", "case", "outcome", "offer", "decided_by", "decided_at"]
    readonly_fields = ["decided_at"]


@admin.register(models.Placement)
class PlacementAdmin(RegionScopedReadOnlyAdmin):
    list_display = [
        "case",
        "sending_municipality",
        "municipality",
        "corporation",
        "target_group",
        "placed_on",
    ]
    list_filter = ["target_group", "municipality"]
    list_select_related = [
        "case",
        "sending_municipality",
        "municipality",
        "corporation",
        "target_group",
    ]


@admin.register(models.CaseAccessLog)
class CaseAccessLogAdmin(RegionScopedReadOnlyAdmin):
    list_display = ["at", "username", "case", "what"]
    list_filter = ["what"]
    list_select_related = ["case"]
