"""Cache what pages compute from a region's data, until something they show can change.

Every cached value is keyed by the region's data generation, the reader's scope (role and
organisation, never the person) and the language. The generation is a counter per region that
every write a page can show bumps (a figure, an approval, a run finishing, a monitoring record),
so after such a write no page reads an old value: the old keys are simply never asked again and
expire. Two users of different scope never share a key; two of the same scope share the work.

The cache is Django's default: Redis when REDIS_URL is set (shared by all web processes), local
memory otherwise. A cache that is down costs speed, never correctness: values are computed.
"""

import hashlib
import hmac
import logging
import time
from functools import wraps

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from gmr_thuis.permissions import membership_of

logger = logging.getLogger(__name__)

TIMEOUT = 24 * 3600
_GENERATION = "pagecache:generation:{region}"


def scope_of(user) -> str:
    """What decides what a user may see: role and organisation, not the person."""
    member = membership_of(user)
    if member is None:
        return "none"
    return ":".join(
        str(part)
        for part in (
            member.role,
            member.region_id,
            member.municipality_id or "-",
            member.corporation_id or "-",
        )
    )


def _first_generation() -> int:
    """Where a region's generation starts: the clock in microseconds, so a generation lost
    with a restarted or evicting cache starts past every value an old one reached (bumps come
    far less often than a microsecond apart), and no value left from before matches it."""
    return time.time_ns() // 1000


def generation(region_id) -> int:
    return generations(region_id)[0]


def generations(*region_ids) -> list[int]:
    """The current generation of each region (or "all"), in one round trip; -1 if unknown."""
    keys = [_GENERATION.format(region=region_id) for region_id in region_ids]
    try:
        found = cache.get_many(keys)
        for key in keys:
            if key not in found:
                cache.add(key, _first_generation(), timeout=None)
                found[key] = cache.get(key, 1)
        return [int(found[key]) for key in keys]
    except Exception:
        logger.warning("page cache unreachable: generation unknown", exc_info=True)
        return [-1 for _key in keys]


def bump(region_id) -> None:
    """Something a page of this region shows changed: every cached value of it is stale now."""
    key = _GENERATION.format(region=region_id)
    try:
        cache.add(key, _first_generation(), timeout=None)
        cache.incr(key)
    except Exception:
        logger.warning("page cache unreachable: could not invalidate", exc_info=True)


def _generation_keys(region_id) -> list[str]:
    return [_GENERATION.format(region=region_id), _GENERATION.format(region="all")]


def _key(*parts) -> str:
    return ":".join(str(part) for part in parts)


def cached(name: str, *, region_id, user, parts=(), compute, timeout=TIMEOUT):
    """`compute()`'s value for this page part, region generation, user scope and language.

    A value is stored with the generations it was computed under, beside them rather than in
    its key, so a hit is one round trip that reads the generations and the value together; a
    value of an older generation is simply not used (and is overwritten by the new one).
    """
    key = _key("pagecache", name, region_id, scope_of(user), get_language(), *parts)
    return _generational(key, region_id, compute, timeout)


def shared(name: str, *, region_id, parts=(), compute, timeout=TIMEOUT):
    """`compute()`'s value for this region generation and `parts`, one for every reader.

    For values that depend on the region's data alone, never on who reads or in which
    language (a fingerprint of a scenario's inputs): every scope shares the work. What the
    value is used for must still be narrowed to the reader's rights by the caller.
    """
    key = _key("pagecache", "shared", name, region_id, *parts)
    return _generational(key, region_id, compute, timeout)


def shared_if_stored(name: str, *, region_id, parts=()):
    """The value `shared` holds for this region generation and `parts`, else None (not
    computed: for a reader who has a cheaper way of their own when nobody computed it yet)."""
    value, _current = _read(_key("pagecache", "shared", name, region_id, *parts), region_id)
    return None if value is _MISSING else value


def kept(name: str, *, parts, compute, timeout=TIMEOUT):
    """`compute()`'s value for `parts` alone, whatever the generation: for what is derived from
    data that never changes once written (a finished run's snapshot), so `parts` must name
    that data exactly, and the value must depend on nothing else (not the reader's rights)."""
    key = _key("pagecache", "kept", name, *parts)
    try:
        stored = cache.get(key)
    except Exception:
        logger.warning("page cache unreachable: computing", exc_info=True)
        return compute()
    if stored is not None:
        return stored[1]
    return _compute_once(key, ("kept", "kept"), compute, timeout)


_MISSING = object()


def _read(key, region_id):
    """(the value stored under `key` for the current generations, or _MISSING; the current
    generations, or None when the cache cannot say), in one round trip when all are there."""
    generation_keys = _generation_keys(region_id)
    try:
        found = cache.get_many([*generation_keys, key])
    except Exception:
        logger.warning("page cache unreachable: computing", exc_info=True)
        return _MISSING, None
    if all(generation_key in found for generation_key in generation_keys):
        current = tuple(int(found[generation_key]) for generation_key in generation_keys)
    else:
        current = tuple(generations(region_id, "all"))
        if min(current) < 0:
            return _MISSING, None
    stored = found.get(key)
    if stored is not None and stored[0] == current:
        return stored[1], current
    return _MISSING, current


def _generational(key, region_id, compute, timeout):
    value, current = _read(key, region_id)
    if current is None:
        return compute()
    if value is not _MISSING:
        return value
    return _compute_once(key, current, compute, timeout)


# How long a reader waits for another process computing the same value before computing it
# itself, and how often it looks.
WAIT_SECONDS, WAIT_STEP_SECONDS = 30, 0.05


def _compute_once(key, current, compute, timeout):
    """Compute a missing value in one process at a time: when forty people open a page the
    moment its data changed, one computes and the others wait for its value (instead of all
    computing the same thing at once on the same few cores)."""
    lock = f"{key}:computing:{current[0]}.{current[1]}"
    try:
        computing_here = cache.add(lock, 1, timeout=WAIT_SECONDS)
    except Exception:
        logger.warning("page cache unreachable: computing", exc_info=True)
        return compute()
    if not computing_here:
        value = _wait_for(key, lock, current)
        if value is not _MISSING:
            return value
    try:
        value = compute()
        try:
            cache.set(key, (current, value), timeout=timeout)
        except Exception:
            logger.warning("page cache unreachable: not stored", exc_info=True)
        return value
    finally:
        if computing_here:
            try:
                cache.delete(lock)
            except Exception:
                logger.warning("page cache unreachable: lock left to expire", exc_info=True)


def _wait_for(key, lock, current):
    """The value another process is computing for `current`, or _MISSING when it gave up (its
    lock is gone without a value: it failed or the value was not to be stored) or takes too
    long, or when the data changed meanwhile; the caller then computes itself."""
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        time.sleep(WAIT_STEP_SECONDS)
        try:
            found = cache.get_many([key, lock])
        except Exception:
            return _MISSING
        stored = found.get(key)
        if stored is not None and stored[0] == current:
            return stored[1]
        if lock not in found:
            return _MISSING
    return _MISSING


def cached_html(name: str, *, region_id, user, parts=(), render, timeout=TIMEOUT):
    """A page part as finished HTML, cached like `cached`.

    A hit reads one string: no figure, frame or table to unpickle and no template to render,
    so a cached page costs little more than its frame (header, menu, forms with their CSRF
    token), which is rendered per request. What `render()` returns must therefore depend on
    nothing but the region's data, the reader's scope, the language and `parts`: never a CSRF
    token or anything else of the person.
    """

    def compute():
        html = str(render())
        if "csrfmiddlewaretoken" in html:
            raise ValueError(f"{name}: a CSRF token is the person's, never part of a cached page")
        return html

    return mark_safe(cached(name, region_id=region_id, user=user, parts=parts, compute=compute))


def _mark(name):
    # Derived from the secret key, so no data shown on a page can contain a mark by chance
    # or on purpose (it would be replaced with the reader's token).
    digest = hmac.new(settings.SECRET_KEY.encode(), f"pagecache:{name}".encode(), "sha256")
    return f"pagecache-{name}-{digest.hexdigest()[:24]}"


def marks(request) -> dict:
    """Template context while a whole page is rendered for the cache: marks where the
    reader's own CSRF token and name go (a context processor; nothing otherwise)."""
    if not getattr(request, "pagecache_marks", False):
        return {}
    return {"csrf_token": _mark("csrf"), "person_name": _mark("name")}


def _personal(request, body: bytes, charset: str) -> bytes:
    """The cached page with this reader's CSRF token and name in place of the marks."""
    user = request.user
    name = escape(user.get_full_name() or user.get_username())
    return body.replace(_mark("csrf").encode(), get_token(request).encode(charset)).replace(
        _mark("name").encode(), name.encode(charset)
    )


def page(view):
    """Serve the view's whole HTML page from the cache to every reader of one scope.

    For GET views whose permissions and content depend on nothing but the reader's scope, the
    region's data, the language and the URL (path and query): the page is rendered once with
    marks for the reader's CSRF token and name, which each request fills in, so a hit costs
    the session, the user, one cache read and a replace. Pages with flash messages waiting, and
    answers other than 200 (or a response whose `pagecache` attribute is False: something
    live), are rendered as usual and not stored. The view's own checks run on a miss only; a
    reader of the same scope has the same rights, so on a hit they would answer the same.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        member = membership_of(request.user)
        if request.method != "GET" or member is None or len(get_messages(request)):
            return view(request, *args, **kwargs)
        parts = (
            hashlib.sha256(request.get_full_path().encode()).hexdigest(),
            int(bool(request.user.is_staff)),
            int(bool(getattr(request, "htmx", False))),
            # What is expected "to date" (monitoring) or late (projects) moves with the day.
            timezone.localdate().isoformat(),
        )
        name = f"page:{view.__module__}.{view.__name__}"
        stored = {}

        def render_page():
            request.pagecache_marks = True
            try:
                response = view(request, *args, **kwargs)
            finally:
                request.pagecache_marks = False
            stored["response"] = response
            if (
                response.status_code != 200
                or response.streaming
                or getattr(response, "pagecache", True) is False
                or not response.get("Content-Type", "").startswith("text/html")
                or len(get_messages(request))  # the view said something to this reader
            ):
                raise _NotStored
            return response.charset, response.content

        try:
            charset, body = cached(
                name,
                region_id=member.region_id,
                user=request.user,
                parts=parts,
                compute=render_page,
            )
        except _NotStored:
            response = stored["response"]
            if not response.streaming and response.get("Content-Type", "").startswith("text/"):
                response.content = _personal(request, response.content, response.charset)
            return response
        response = stored.get("response") or HttpResponse(charset=charset)
        response.content = _personal(request, body, charset)
        return response

    return wrapper


class _NotStored(Exception):
    """The page was rendered but is not one to share (not 200, live, not HTML)."""


def _follow(instance, path):
    for step in path.split("__"):
        instance = getattr(instance, step, None)
        if instance is None:
            return None
    return instance


def region_id_of(instance):
    """The region a saved record belongs to, by the scope paths its model declares."""
    region_path = getattr(type(instance), "scope_region", None)
    if region_path == "pk":
        return instance.pk
    if region_path:
        return (
            getattr(_follow(instance, region_path.rsplit("__", 1)[0]), "region_id", None)
            if ("__" in region_path)
            else getattr(instance, f"{region_path}_id", None)
        )
    municipality_path = getattr(type(instance), "scope_municipality", None)
    if municipality_path is None:
        return None
    municipality = instance if municipality_path == "" else _follow(instance, municipality_path)
    return getattr(municipality, "region_id", None)


def _bump_for(sender, instance, **kwargs):
    region_id = region_id_of(instance)
    # Region-wide reference data (target groups, methodologies) concerns every region.
    target = "all" if region_id is None else region_id
    # Now, so the writing transaction reads its own change; and again after commit, because a
    # reader between the write and the commit saw (and cached) the old data under the new
    # generation.
    bump(target)
    transaction.on_commit(lambda: bump(target))


# The models whose writes bump a generation: what a cached value may be computed from.
_PAGE_DATA = set()


def is_page_data(model) -> bool:
    """Whether every save or delete of `model` makes cached values of its region stale."""
    return model in _PAGE_DATA


def connect_signals(models):
    """Bump the generation whenever one of `models` is saved or deleted."""
    from django.db.models.signals import post_delete, post_save

    for model in models:
        _PAGE_DATA.add(model)
        post_save.connect(_bump_for, sender=model, dispatch_uid=f"pagecache-save-{model._meta}")
        post_delete.connect(_bump_for, sender=model, dispatch_uid=f"pagecache-delete-{model._meta}")
