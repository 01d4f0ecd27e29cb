"""Cache what pages compute from a region's data, until something they show can change.

Every cached value is keyed by the region's data generation, the reader's scope (role and
organisation, never the person) and the language. The generation is a counter per region that
every write a page can show bumps (a figure, an approval, a run finishing, a monitoring record),
so after such a write no page reads an old value: the old keys are simply never asked again and
expire. Two users of different scope never share a key; two of the same scope share the work.

The cache is Django's default: Redis when REDIS_URL is set (shared by all web processes), local
memory otherwise. A cache that is down costs speed, never correctness: values are computed.
"""

import logging

from django.core.cache import cache
from django.db import transaction
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


def generation(region_id) -> int:
    return generations(region_id)[0]


def generations(*region_ids) -> list[int]:
    """The current generation of each region (or "all"), in one round trip; -1 if unknown."""
    keys = [_GENERATION.format(region=region_id) for region_id in region_ids]
    try:
        found = cache.get_many(keys)
        for key in keys:
            if key not in found:
                cache.add(key, 1, timeout=None)
                found[key] = cache.get(key, 1)
        return [int(found[key]) for key in keys]
    except Exception:
        logger.warning("page cache unreachable: generation unknown", exc_info=True)
        return [-1 for _key in keys]


def bump(region_id) -> None:
    """Something a page of this region shows changed: every cached value of it is stale now."""
    key = _GENERATION.format(region=region_id)
    try:
        cache.add(key, 1, timeout=None)
        cache.incr(key)
    except Exception:
        logger.warning("page cache unreachable: could not invalidate", exc_info=True)


def cached(name: str, *, region_id, user, parts=(), compute, timeout=TIMEOUT):
    """`compute()`'s value for this page part, region generation, user scope and language."""
    current, everywhere = generations(region_id, "all")
    if current < 0 or everywhere < 0:
        return compute()
    key = ":".join(
        str(part)
        for part in (
            "pagecache",
            name,
            region_id,
            f"{current}.{everywhere}",
            scope_of(user),
            get_language(),
            *parts,
        )
    )
    try:
        value = cache.get(key)
    except Exception:
        logger.warning("page cache unreachable: computing", exc_info=True)
        return compute()
    if value is None:
        value = compute()
        try:
            cache.set(key, value, timeout=timeout)
        except Exception:
            logger.warning("page cache unreachable: not stored", exc_info=True)
    return value


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


def connect_signals(models):
    """Bump the generation whenever one of `models` is saved or deleted."""
    from django.db.models.signals import post_delete, post_save

    for model in models:
        post_save.connect(_bump_for, sender=model, dispatch_uid=f"pagecache-save-{model._meta}")
        post_delete.connect(_bump_for, sender=model, dispatch_uid=f"pagecache-delete-{model._meta}")
