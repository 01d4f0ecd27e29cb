"""Admin for API tokens: the region issues them (the key is shown once) and revokes them."""

from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import gettext_lazy as _

from gmr_thuis.admin_scoping import RegionScopedAdmin
from gmr_thuis.models import ApiToken
from gmr_thuis.permissions import CHANGE, admin_restrict, can_administer, region_users
from gmr_thuis.tokens import api_token_issue, api_token_revoke


@admin.register(ApiToken)
class ApiTokenAdmin(RegionScopedAdmin):
    """A token never changes after it is issued; it can only be revoked."""

    list_display = [
        "name",
        "user",
        "prefix",
        "can_write",
        "expires_at",
        "last_used_at",
        "revoked_at",
        "created_by",
    ]
    list_filter = ["can_write", "revoked_at"]
    search_fields = ["name", "prefix", "user__username"]
    list_select_related = ["user", "created_by"]
    fields = ["user", "name", "can_write", "expires_at"]
    readonly_fields = ["prefix", "last_used_at", "revoked_at", "created_by", "created_at"]
    actions = ["revoke"]

    def has_module_permission(self, request):
        return can_administer(request.user)

    def has_view_permission(self, request, obj=None):
        return can_administer(request.user) and super().has_view_permission(request, obj)

    def has_add_permission(self, request):
        return can_administer(request.user) and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_fields(self, request, obj=None):
        return self.fields if obj is None else [*self.fields, *self.readonly_fields]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            # Only members of an organisation get a role, so only they can use a token.
            # Only members of an organisation get a role, so only they can use a token; a region
            # issues tokens to its own members only.
            field = super().formfield_for_foreignkey(db_field, request, **kwargs)
            field.queryset = region_users(request.user).filter(membership__isnull=False)
            return field
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        token, key = api_token_issue(
            issued_by=request.user,
            user=obj.user,
            name=obj.name,
            can_write=obj.can_write,
            expires_at=obj.expires_at,
        )
        obj.pk, obj.prefix, obj.key_digest = token.pk, token.prefix, token.key_digest
        obj._state.adding = False
        # The key lives only in this request: response_add shows it in the answer to this POST.
        # It never goes into a message (a cookie) or the session, and is never stored.
        obj.issued_key = key

    def response_add(self, request, obj, post_url_continue=None):
        """The page with the new key, as the answer to the POST itself: no redirect, no cookie,
        and not kept by any cache or the browser's history."""
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("API-sleutel uitgegeven"),
            "token": obj,
            "key": obj.issued_key,
        }
        response = TemplateResponse(request, "admin/gmr_thuis/apitoken/issued.html", context)
        add_never_cache_headers(response)
        patch_cache_control(response, no_store=True, private=True)
        return response

    @admin.action(description=_("Geselecteerde sleutels intrekken"))
    def revoke(self, request, queryset):
        queryset = admin_restrict(queryset, request.user, CHANGE)
        for token in queryset:
            api_token_revoke(revoked_by=request.user, token=token)
        messages.success(request, _("%(n)s sleutel(s) ingetrokken.") % {"n": queryset.count()})
