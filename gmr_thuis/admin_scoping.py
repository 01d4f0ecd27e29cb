"""The admin behind the same walls as the screens: every changelist, form, inline, choice and
action goes through gmr_thuis.permissions.

- Changelists, change pages, history and actions see `admin_restrict(..., VIEW)`: a region's
  staff see their own region only; another region's record is "not found".
- Choice fields (foreign keys, many-to-many) offer only what the user may change (their region,
  their municipality); shared catalogues (target groups, corporations, methodologies) may be
  picked but not edited; users are the region's own members.
- Related list filters show only values present in the user's own records.
- Adding and deleting are for the region's project leader; shared catalogues for the platform
  administrator (superuser) only.
- Whatever a form did, the saved object (and every inline object) must still lie inside what the
  user may change, or the whole save is rolled back (the admin saves in one transaction).
- Every save and delete, inline rows and bulk actions included, leaves an `ObjectChange` with
  before and after, all changes of one admin request under one request id. Records that have a
  service of their own (methodologies, scenarios, runs) are read-only here, so the admin cannot
  go around the service's rules.
"""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import models

from gmr_thuis.history import change_request, record_change, snapshot
from gmr_thuis.models import ObjectChange
from gmr_thuis.permissions import (
    CHANGE,
    VIEW,
    admin_can,
    admin_restrict,
    is_platform_admin,
    is_project_leader,
    is_shared_catalogue,
    membership_of,
    region_users,
)


def choices_for(user, model):
    """The records of `model` that `user` may pick in an admin form."""
    queryset = model._default_manager.all()
    if is_platform_admin(user):
        return queryset
    if model is get_user_model():
        return region_users(user)
    if is_shared_catalogue(model):
        return queryset if membership_of(user) is not None else queryset.none()
    return admin_restrict(queryset, user, CHANGE)


class RegionScopedAdminMixin:
    """For ModelAdmin and InlineModelAdmin alike."""

    def get_queryset(self, request):
        return admin_restrict(super().get_queryset(request), request.user, VIEW)

    def _in_admin(self, request):
        return is_platform_admin(request.user) or membership_of(request.user) is not None

    def has_module_permission(self, request):
        return self._in_admin(request)

    def has_view_permission(self, request, obj=None):
        if not self._in_admin(request):
            return False
        return obj is None or admin_can(request.user, VIEW, obj)

    def has_change_permission(self, request, obj=None):
        if is_platform_admin(request.user):
            return True
        if not self._in_admin(request) or is_shared_catalogue(self.model):
            return False
        if obj is None:
            return admin_restrict(self.model._default_manager.all(), request.user, CHANGE).exists()
        return admin_can(request.user, CHANGE, obj)

    def has_add_permission(self, request, *args):
        if is_platform_admin(request.user):
            return True
        return not is_shared_catalogue(self.model) and is_project_leader(request.user)

    def has_delete_permission(self, request, obj=None):
        if is_platform_admin(request.user):
            return True
        if is_shared_catalogue(self.model) or not is_project_leader(request.user):
            return False
        return obj is None or admin_can(request.user, CHANGE, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        kwargs["queryset"] = choices_for(request.user, db_field.remote_field.model)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs["queryset"] = choices_for(request.user, db_field.remote_field.model)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_list_filter(self, request):
        filters = super().get_list_filter(request)
        if is_platform_admin(request.user):
            return filters
        return [_related_only(self.model, item) for item in filters]

    # One request id for everything one admin page or action changes.
    def changeform_view(self, request, *args, **kwargs):
        with change_request():
            return super().changeform_view(request, *args, **kwargs)

    def changelist_view(self, request, *args, **kwargs):
        with change_request():
            return super().changelist_view(request, *args, **kwargs)

    def delete_view(self, request, *args, **kwargs):
        with change_request():
            return super().delete_view(request, *args, **kwargs)

    def save_model(self, request, obj, form, change):
        before = _stored(obj) if change else None
        super().save_model(request, obj, form, change)
        ensure_inside(request.user, obj)
        _record(request.user, obj, before)

    def delete_model(self, request, obj):
        _record_deletion(request.user, obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            _record_deletion(request.user, obj)
        super().delete_queryset(request, queryset)

    def save_formset(self, request, form, formset, change):
        befores = {
            inline.instance.pk: _stored(inline.instance)
            for inline in formset.forms
            if inline.instance.pk is not None and inline.has_changed()
        }
        for deleted in formset.deleted_forms:
            if deleted.instance.pk is not None:
                _record_deletion(request.user, deleted.instance)
        super().save_formset(request, form, formset, change)
        for obj in formset.new_objects + [changed for changed, _fields in formset.changed_objects]:
            ensure_inside(request.user, obj)
            _record(request.user, obj, befores.get(obj.pk))


def _stored(obj):
    """The values `obj` has in the database now, before the form's are saved."""
    stored = type(obj)._default_manager.filter(pk=obj.pk).first()
    return snapshot(stored) if stored is not None else None


def _record(user, obj, before):
    action = ObjectChange.Action.UPDATE if before is not None else ObjectChange.Action.CREATE
    if before is not None and before == snapshot(obj):
        return  # saved unchanged: nothing to tell
    record_change(user=user, obj=obj, action=action, before=before, comment="beheer")


def _record_deletion(user, obj):
    record_change(
        user=user,
        obj=obj,
        action=ObjectChange.Action.DELETE,
        before=snapshot(obj),
        after=None,
        comment="beheer",
    )


def _related_only(model, item):
    """A related-field list filter offers only values found in the user's own records."""
    if not isinstance(item, str):
        return item
    try:
        field = model._meta.get_field(item)
    except Exception:  # a lookup path such as "a__b": leave it to Django
        return item
    if isinstance(field, models.ForeignKey | models.ManyToManyField):
        return (item, admin.RelatedOnlyFieldListFilter)
    return item


def ensure_inside(user, obj):
    """Refuse (and so roll back) a save that put `obj` outside what `user` may change."""
    if obj.pk is not None and not admin_can(user, CHANGE, obj):
        raise PermissionDenied


class RegionScopedAdmin(RegionScopedAdminMixin, admin.ModelAdmin):
    pass


class RegionScopedReadOnlyAdmin(RegionScopedAdmin):
    """Records that change only through the services (history, permissions, locking)."""

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PlatformAdminOnly:
    """Models only the platform administrator manages (users, groups, login lockouts)."""

    def has_module_permission(self, request):
        return is_platform_admin(request.user)

    def has_view_permission(self, request, obj=None):
        return is_platform_admin(request.user)

    def has_change_permission(self, request, obj=None):
        return is_platform_admin(request.user) and super().has_change_permission(request, obj)

    def has_add_permission(self, request, *args):
        return is_platform_admin(request.user) and super().has_add_permission(request, *args)

    def has_delete_permission(self, request, obj=None):
        return is_platform_admin(request.user) and super().has_delete_permission(request, obj)
