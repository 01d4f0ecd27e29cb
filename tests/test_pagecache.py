"""Cached page parts: shared within a scope, never across scopes, stale after any change shown."""

from django.utils import translation

from gmr_thuis import pagecache
from tests import factories


def _counting():
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    return calls, compute


def test_users_of_the_same_scope_share_a_value_and_other_scopes_do_not(
    region, owner, colleague, outsider, steering_member
):
    calls, compute = _counting()
    values = [
        pagecache.cached("part", region_id=region.pk, user=user, compute=compute)
        for user in (owner, colleague, outsider, steering_member, owner)
    ]
    # Westervoort's two civil servants share; Nijmegen's and the steering group's are their own.
    assert values == [1, 1, 2, 3, 1]
    assert len(calls) == 3


def test_each_language_has_its_own_value(region, steering_member):
    calls, compute = _counting()
    with translation.override("nl"):
        pagecache.cached("part", region_id=region.pk, user=steering_member, compute=compute)
    with translation.override("en"):
        pagecache.cached("part", region_id=region.pk, user=steering_member, compute=compute)
    assert len(calls) == 2


def test_a_figure_edit_in_the_region_makes_its_pages_stale_but_not_another_regions(
    region, westervoort, steering_member, django_capture_on_commit_callbacks
):
    other_region = factories.RegionFactory(name="Andere regio", slug="andere")
    other_steering = factories.member(
        role="steering_group", region=other_region, username="andere-stuurgroep"
    )
    calls, compute = _counting()

    def read():
        return (
            pagecache.cached("part", region_id=region.pk, user=steering_member, compute=compute),
            pagecache.cached(
                "part", region_id=other_region.pk, user=other_steering, compute=compute
            ),
        )

    assert read() == (1, 2)
    with django_capture_on_commit_callbacks(execute=True):
        figure = factories.FigureFactory(municipality=westervoort)
        assert read() == (3, 2)  # the writer reads its own change
    assert read() == (4, 2)  # bumped again on commit, past anything read meanwhile
    with django_capture_on_commit_callbacks(execute=True):
        figure.value = figure.value + 1
        figure.save()
    assert read() == (5, 2)
    with django_capture_on_commit_callbacks(execute=True):
        figure.delete()
    assert read() == (6, 2)


def test_a_change_to_region_wide_reference_data_makes_every_region_stale(
    region, steering_member, django_capture_on_commit_callbacks
):
    calls, compute = _counting()
    pagecache.cached("part", region_id=region.pk, user=steering_member, compute=compute)
    with django_capture_on_commit_callbacks(execute=True):
        factories.TargetGroupFactory()
    pagecache.cached("part", region_id=region.pk, user=steering_member, compute=compute)
    assert len(calls) == 2


def test_the_region_of_a_record_follows_its_declared_scope(region, westervoort):
    from allocation.models import Scenario

    figure = factories.FigureFactory(municipality=westervoort)
    assert pagecache.region_id_of(figure) == region.pk
    assert pagecache.region_id_of(westervoort) == region.pk
    assert pagecache.region_id_of(region) == region.pk
    assert pagecache.region_id_of(Scenario(region=region)) == region.pk


def test_a_cache_that_is_down_costs_speed_not_correctness(region, steering_member, monkeypatch):
    def down(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(pagecache.cache, "get", down)
    calls, compute = _counting()
    first = pagecache.cached("part", region_id=region.pk, user=steering_member, compute=compute)
    second = pagecache.cached("part", region_id=region.pk, user=steering_member, compute=compute)
    assert (first, second) == (1, 2)


def test_a_cached_html_part_never_holds_a_csrf_token(region, steering_member):
    import pytest

    with pytest.raises(ValueError):
        pagecache.cached_html(
            "part",
            region_id=region.pk,
            user=steering_member,
            render=lambda: '<input name="csrfmiddlewaretoken" value="abc">',
        )


def test_the_marks_of_a_cached_page_come_from_the_secret_key(settings):
    first = pagecache._mark("csrf")
    settings.SECRET_KEY = "another-secret-key-" + "x" * 40
    assert pagecache._mark("csrf") != first


class _CountingCache:
    """The cache as pagecache sees it, counting its round trips to the cache server."""

    def __init__(self, cache):
        self._cache, self.calls = cache, []

    def __getattr__(self, name):
        method = getattr(self._cache, name)

        def counted(*args, **kwargs):
            self.calls.append(name)
            return method(*args, **kwargs)

        return counted


def test_a_hit_reads_the_generations_and_the_value_in_one_round_trip(
    region, steering_member, monkeypatch
):
    calls, compute = _counting()
    pagecache.cached("part", region_id=region.pk, user=steering_member, compute=compute)
    counting = _CountingCache(pagecache.cache)
    monkeypatch.setattr(pagecache, "cache", counting)
    assert pagecache.cached("part", region_id=region.pk, user=steering_member, compute=compute) == 1
    assert counting.calls == ["get_many"]


def test_readers_of_a_value_being_computed_wait_for_it_instead_of_computing_it_again(
    region, steering_member, monkeypatch
):
    import threading

    monkeypatch.setattr(pagecache, "WAIT_STEP_SECONDS", 0.01)
    started, release, computed = threading.Event(), threading.Event(), []

    def slow():
        computed.append("first")
        started.set()
        release.wait(5)
        return "the page"

    def again():
        computed.append("again")
        return "computed twice"

    results = {}
    first = threading.Thread(
        target=lambda: results.setdefault(
            "first",
            pagecache.cached("part", region_id=region.pk, user=steering_member, compute=slow),
        )
    )
    first.start()
    assert started.wait(5)
    second = threading.Thread(
        target=lambda: results.setdefault(
            "second",
            pagecache.cached("part", region_id=region.pk, user=steering_member, compute=again),
        )
    )
    second.start()
    release.set()
    first.join(5)
    second.join(5)
    assert results == {"first": "the page", "second": "the page"}
    assert computed == ["first"]


def test_a_reader_computes_itself_when_the_other_gives_up_without_a_value(
    region, steering_member, monkeypatch
):
    import threading

    monkeypatch.setattr(pagecache, "WAIT_STEP_SECONDS", 0.01)
    started, release = threading.Event(), threading.Event()

    def failing():
        started.set()
        release.wait(5)
        raise RuntimeError("the database went away")

    def failing_reader():
        try:
            pagecache.cached("part", region_id=region.pk, user=steering_member, compute=failing)
        except RuntimeError:
            pass

    first = threading.Thread(target=failing_reader)
    first.start()
    assert started.wait(5)
    results = []
    second = threading.Thread(
        target=lambda: results.append(
            pagecache.cached(
                "part", region_id=region.pk, user=steering_member, compute=lambda: "own value"
            )
        )
    )
    second.start()
    release.set()
    first.join(5)
    second.join(5)
    assert results == ["own value"]


def test_a_value_of_an_older_generation_is_not_served(region, steering_member):
    calls, compute = _counting()
    assert pagecache.cached("part", region_id=region.pk, user=steering_member, compute=compute) == 1
    pagecache.bump(region.pk)
    assert pagecache.cached("part", region_id=region.pk, user=steering_member, compute=compute) == 2
    assert pagecache.cached("part", region_id=region.pk, user=steering_member, compute=compute) == 2


def test_a_lost_generation_starts_past_the_old_one_so_no_older_value_is_served(
    region, steering_member
):
    calls, compute = _counting()
    assert pagecache.cached("part", region_id=region.pk, user=steering_member, compute=compute) == 1
    before = pagecache.generation(region.pk)
    pagecache.cache.delete(pagecache._GENERATION.format(region=region.pk))  # evicted
    assert pagecache.cached("part", region_id=region.pk, user=steering_member, compute=compute) == 2
    assert pagecache.generation(region.pk) > before
