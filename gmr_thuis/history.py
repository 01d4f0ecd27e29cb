"""Change history: services call `record_change` inside their transaction for every write."""

import contextvars
import json
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.forms.models import model_to_dict
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from gmr_thuis.models import ObjectChange


def snapshot(obj):
    """The object's field values as JSON-safe data, for the before/after of a change; related
    records (many-to-many) by their primary key."""
    values = {
        name: [getattr(item, "pk", item) for item in value] if isinstance(value, list) else value
        for name, value in model_to_dict(obj).items()
    }
    return json.loads(json.dumps(values, cls=DjangoJSONEncoder))


_request_id = contextvars.ContextVar("change_request_id", default="")


@contextmanager
def change_request(request_id: str | None = None):
    """Every change recorded inside shares one request id (an import, a request); nested
    blocks keep the outer id. Yields the id."""
    current = _request_id.get()
    if current:
        yield current
        return
    token = _request_id.set(request_id or uuid.uuid4().hex)
    try:
        yield _request_id.get()
    finally:
        _request_id.reset(token)


def record_change(*, user, obj, action, before=None, after=None, comment=""):
    """Record one change; call inside the service's transaction so both land or neither."""
    return ObjectChange.objects.create(
        request_id=_request_id.get() or uuid.uuid4().hex,
        user=user if getattr(user, "is_authenticated", False) else None,
        user_name=getattr(user, "username", "") or "",
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        object_repr=str(obj)[:255],
        action=action,
        comment=comment,
        before=before,
        after=after if after is not None or action == ObjectChange.Action.DELETE else snapshot(obj),
    )


def history_of(obj):
    """The recorded changes of one object, newest first."""
    return ObjectChange.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
    ).select_related("user")


# Bookkeeping fields a person never needs to see in a history.
HIDDEN_FIELDS = {"id", "version", "updated_at", "created_at", "updated_by"}


@dataclass
class ReadableChange:
    """One change as a person reads it: local time, who, what, and each field's label with
    its value before and after in words (names for related records, labels for choices)."""

    time: datetime
    user_name: str
    action: str
    comment: str
    lines: list[tuple[str, str, str]]


def readable_history(obj) -> list[ReadableChange]:
    """The history of `obj`, newest first, in the user's language and time zone."""
    changes = list(history_of(obj))
    fields = {field.name: field for field in type(obj)._meta.get_fields() if field.concrete}
    names = _related_names(changes, fields)
    return [
        ReadableChange(
            time=timezone.localtime(change.time),
            user_name=change.user_name or "–",
            action=change.get_action_display(),
            comment=change.comment,
            lines=[
                (
                    _label(fields.get(name), name),
                    _text(fields.get(name), before, names),
                    _text(fields.get(name), after, names),
                )
                for name, before, after in change.changed_fields()
                if name not in HIDDEN_FIELDS
            ],
        )
        for change in changes
    ]


def _related_names(changes, fields) -> dict:
    """{(related model, pk): name} for every related record the changes mention, in one query
    per related model."""
    wanted: dict = {}
    for change in changes:
        for name, before, after in change.changed_fields():
            field = fields.get(name)
            if field is None or not field.is_relation:
                continue
            for value in (before, after):
                for pk in value if isinstance(value, list) else [value]:
                    if pk is not None:
                        wanted.setdefault(field.related_model, set()).add(pk)
    return {
        (model, item.pk): _name_of(item)
        for model, pks in wanted.items()
        for item in model._default_manager.filter(pk__in=pks)
    }


def _name_of(item) -> str:
    """A record's name in the page's language where it has one per language (target groups)."""
    name = getattr(item, "name", None)
    return str(name() if callable(name) else item)


def _label(field, name: str) -> str:
    if field is not None and getattr(field, "verbose_name", None):
        return str(field.verbose_name)
    return name.replace("_", " ")


def _text(field, value, names) -> str:
    """A stored value in words."""
    if value is None or value == "" or value == []:
        return "–"
    if field is not None and field.is_relation:
        values = value if isinstance(value, list) else [value]
        return ", ".join(names.get((field.related_model, pk), _("(verwijderd)")) for pk in values)
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.BooleanField) or isinstance(value, bool):
        return _("ja") if value else _("nee")
    if isinstance(field, models.DateTimeField):
        moment = datetime.fromisoformat(str(value))
        return date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")
    if isinstance(field, models.DateField):
        return date_format(date.fromisoformat(str(value)), "SHORT_DATE_FORMAT")
    if isinstance(value, int | float) or isinstance(field, models.DecimalField | models.FloatField):
        try:
            return number_format(value, force_grouping=True)
        except (TypeError, ValueError):
            return str(value)
    return str(value)
