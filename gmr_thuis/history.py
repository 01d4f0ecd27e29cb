"""Change history: services call `record_change` inside their transaction for every write."""

import contextvars
import json
import uuid
from contextlib import contextmanager

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.forms.models import model_to_dict

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
