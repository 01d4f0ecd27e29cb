"""Django admin for memberships: who holds which role in which organisation.

A region's project leader hands out roles in their own region only; nobody changes or removes
their own membership (not even the platform administrator, who would lock themselves out).
Users and groups are the platform administrator's.
"""

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from gmr_thuis.admin_scoping import PlatformAdminOnly, RegionScopedAdmin
from gmr_thuis.forms import AdminLoginForm
from gmr_thuis.models import Membership
from gmr_thuis.permissions import can_administer, is_platform_admin


@admin.register(Membership)
class MembershipAdmin(RegionScopedAdmin):
    """Handing out roles is for superusers and the region's project leader only."""

    list_display = ["user", "role", "organisation"]
    list_filter = ["role", "municipality", "corporation"]
    search_fields = ["user__username", "user__email"]
    list_select_related = ["user", "municipality", "corporation", "region"]

    @admin.display(description=_("organisatie"))
    def organisation(self, membership):
        return membership.organisation_name

    def _own(self, request, obj):
        return obj is not None and obj.user_id == request.user.pk

    def has_module_permission(self, request):
        return can_administer(request.user)

    def has_view_permission(self, request, obj=None):
        return can_administer(request.user) and super().has_view_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return (
            can_administer(request.user)
            and not self._own(request, obj)
            and super().has_change_permission(request, obj)
        )

    def has_add_permission(self, request):
        return can_administer(request.user) and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return (
            can_administer(request.user)
            and not self._own(request, obj)
            and super().has_delete_permission(request, obj)
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "user":
            # The region's members and people without any organisation yet; never oneself.
            users = get_user_model()._default_manager.exclude(pk=request.user.pk)
            if not is_platform_admin(request.user):
                users = users.filter(
                    Q(membership__isnull=True)
                    | Q(membership__region_id=request.user.membership.region_id)
                )
            field.queryset = users
        return field

    def save_model(self, request, obj, form, change):
        if obj.user_id == request.user.pk:
            raise PermissionDenied
        super().save_model(request, obj, form, change)


# Users, groups and login lockouts: only the platform administrator (a project leader who could
# edit users could make themselves superuser; lockouts name accounts and addresses of every region).
def _platform_admin_only(model, model_admin):
    if admin.site.is_registered(model):
        model_admin = type(admin.site._registry[model])
        admin.site.unregister(model)
    admin_class = type(
        model_admin.__name__, (PlatformAdminOnly, model_admin), {"__module__": __name__}
    )
    admin.site.register(model, admin_class)


_platform_admin_only(get_user_model(), UserAdmin)
_platform_admin_only(Group, GroupAdmin)
# Second-factor devices hold their owner's secret: the platform administrator may remove one (a
# lost phone); nobody else sees them. Staff set up their own on the site.
for _model in (AccessAttempt, AccessLog, AccessFailureLog, TOTPDevice):
    if admin.site.is_registered(_model):
        _platform_admin_only(_model, None)


# /admin/login/ asks for the second factor's code like the site's login does.
admin.site.login_form = AdminLoginForm
admin.site.login_template = "admin/login_second_factor.html"

# API tokens: their admin lives with the API (gmr_thuis/api/admin.py).
from gmr_thuis.api import admin as api_token_admin  # noqa: E402, F401
