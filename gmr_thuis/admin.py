"""Django admin for memberships: who holds which role in which organisation."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from gmr_thuis.models import Membership
from gmr_thuis.permissions import can_administer


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    """Handing out roles is for superusers and the region's project leader only."""

    list_display = ["user", "role", "organisation"]
    list_filter = ["role", "municipality", "corporation"]
    search_fields = ["user__username", "user__email"]
    list_select_related = ["user", "municipality", "corporation", "region"]
    autocomplete_fields = ["user"]

    @admin.display(description=_("organisatie"))
    def organisation(self, membership):
        return membership.organisation_name

    def has_module_permission(self, request):
        return can_administer(request.user)

    def has_view_permission(self, request, obj=None):
        return can_administer(request.user)

    def has_change_permission(self, request, obj=None):
        return can_administer(request.user)

    def has_add_permission(self, request):
        return can_administer(request.user)

    def has_delete_permission(self, request, obj=None):
        return can_administer(request.user)


# API tokens: their admin lives with the API (gmr_thuis/api/admin.py).
from gmr_thuis.api import admin as api_token_admin  # noqa: E402, F401
