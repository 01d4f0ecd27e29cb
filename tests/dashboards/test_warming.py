"""A finished or approved run's pages are computed in a worker, per scope, before anyone asks."""

from django.urls import reverse

from allocation.models import AllocationRun
from allocation.services import allocation_run_approve
from dashboards import tasks, warming
from gmr_thuis import pagecache
from tests import factories
from tests.dashboards.conftest import YEAR
from tests.dashboards.html import ijktabel_names

REGION = reverse("dashboards:region")


def test_warmed_pages_are_served_from_the_cache_for_each_scope_with_its_own_rows(
    client, run, steering_member, corporation_member, django_assert_max_num_queries
):
    assert warming.warm_run(run.pk) > 0
    client.force_login(steering_member)
    client.get(reverse("home"))  # the session, outside the count
    with django_assert_max_num_queries(8):  # session, user with its membership, the run: no results
        names = ijktabel_names(client.get(REGION, {"run": run.pk, "jaar": YEAR}))
    assert len(names) == 4
    client.force_login(corporation_member)
    client.get(reverse("home"))
    with django_assert_max_num_queries(8):
        names = ijktabel_names(client.get(REGION, {"run": run.pk, "jaar": YEAR}))
    assert names == ["Nijmegen"]


def test_one_representative_per_scope(region, run, steering_member, owner, colleague, outsider):
    users = warming.scope_representatives(region.pk)
    scopes = [pagecache.scope_of(user) for user in users]
    assert len(scopes) == len(set(scopes))
    assert owner in users and colleague not in users  # Westervoort's two share one scope
    assert steering_member in users and outsider in users


def test_an_unfinished_run_is_not_warmed(run):
    queued = AllocationRun.objects.create(
        scenario=run.scenario, first_year=YEAR, last_year=YEAR + 1
    )
    assert warming.warm_run(queued.pk) == 0


def test_approval_queues_the_warming_after_commit_when_the_cache_is_shared(
    run, region, monkeypatch, django_capture_on_commit_callbacks
):
    sent = []
    monkeypatch.setattr(warming, "cache_is_shared", lambda: True)
    monkeypatch.setattr(tasks.warm_run_pages, "delay", sent.append)
    newer = AllocationRun.objects.create(
        scenario=run.scenario, status=run.status, first_year=YEAR, last_year=YEAR + 1,
        inputs=run.inputs, input_hash=run.input_hash,
    )  # fmt: skip
    leader = factories.member(role="project_leader", region=region, username="pl-warm")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        allocation_run_approve(user=leader, run=newer)
    assert sent == []  # nothing before the commit
    for callback in callbacks:
        callback()
    assert sent == [newer.pk]


def test_a_private_memory_cache_is_not_warmed(run, region, monkeypatch):
    sent = []
    monkeypatch.setattr(tasks.warm_run_pages, "delay", sent.append)
    assert not warming.cache_is_shared()
    warming.warm_after_commit(run.pk)
    assert sent == []


def test_a_new_run_makes_the_regions_cached_pages_stale(
    client, run, steering_member, region, django_capture_on_commit_callbacks
):
    client.force_login(steering_member)
    client.get(REGION)
    before = pagecache.generation(region.pk)
    with django_capture_on_commit_callbacks(execute=True):
        AllocationRun.objects.create(scenario=run.scenario, first_year=YEAR, last_year=YEAR + 1)
    assert pagecache.generation(region.pk) > before
