"""Cached dashboard pages show the new truth after every change they show, per reader's scope."""

from io import BytesIO

from django.test import Client
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from allocation.models import AllocationResult, AllocationRun, RunStatus
from allocation.services import allocation_run_approve
from dashboards import figures, selectors
from gmr_thuis import pagecache
from municipalities.models import Indicator, Municipality, MunicipalityFigure
from tests import factories
from tests.dashboards.conftest import YEAR
from tests.dashboards.html import ijktabel_names, main_of

REGION = reverse("dashboards:region")
MAP = reverse("dashboards:map")
XLSX = reverse("dashboards:export_xlsx")


def _total(client):
    return client.get(REGION).context["table"]["total"]


def test_the_second_view_of_a_page_is_served_from_the_cache(
    client, run, steering_member, django_assert_max_num_queries
):
    client.force_login(steering_member)
    first = client.get(REGION)
    assert "table" in first.context  # computed and rendered
    with django_assert_max_num_queries(2):  # session, user with its membership: no run
        second = client.get(REGION)
    assert second.context is None  # the whole page, read from the cache: nothing rendered
    assert main_of(second) == main_of(first)


def test_an_approval_of_another_run_shows_at_once(client, run, steering_member, region):
    client.force_login(steering_member)
    before = _total(client)
    newer = AllocationRun.objects.create(
        scenario=run.scenario, status=run.status, first_year=YEAR, last_year=YEAR + 1,
        inputs=run.inputs, input_hash=run.input_hash,
    )  # fmt: skip
    AllocationResult.objects.bulk_create(
        AllocationResult(
            **{f.attname: getattr(r, f.attname) for f in r._meta.concrete_fields if f.name != "id"}
            | {"run_id": newer.pk, "quota": r.quota + 1}
        )
        for r in run.results.all()
    )
    allocation_run_approve(
        user=factories.member(role="project_leader", region=region, username="pl2"), run=newer
    )
    assert _total(client) == before + run.results.filter(year=YEAR).count()


def test_a_figure_edit_shows_as_a_change_since_the_run_on_the_cached_explanation(
    client, run, owner, westervoort, django_capture_on_commit_callbacks
):
    client.force_login(owner)
    url = reverse("dashboards:explain", args=[run.pk, "westervoort", "statushouders", YEAR])
    assert not client.get(url).context["changed"]
    figure = MunicipalityFigure.objects.get(
        municipality=westervoort, indicator=Indicator.INHABITANTS
    )
    with django_capture_on_commit_callbacks(execute=True):
        figure.value += 1000
        figure.save()
    assert client.get(url).context["changed"]


def test_readers_of_different_scope_never_share_a_cached_page(
    client, run, steering_member, corporation_member
):
    client.force_login(steering_member)
    assert len(client.get(REGION).context["table"]["rows"]) == 4
    client.force_login(corporation_member)
    rows = client.get(REGION).context["table"]["rows"]
    assert [row["municipality"] for row in rows] == ["Nijmegen"]


def test_a_change_made_without_signals_is_seen_after_an_explicit_bump(
    client, run, steering_member, region
):
    client.force_login(steering_member)

    def names():
        return set(ijktabel_names(client.get(REGION)))

    assert "Westervoort" in names()
    Municipality.objects.filter(cbs_code="GM0293").update(name="Westervoort-Oost")  # no signals
    # The cache cannot know: a writer of bulk updates bumps the region itself.
    assert "Westervoort" in names()
    pagecache.bump(region.pk)
    assert "Westervoort-Oost" in names()


def test_a_cached_page_carries_each_readers_own_name_and_csrf_token(client, run, owner, colleague):
    client.force_login(owner)
    first = client.get(REGION)
    client.force_login(colleague)
    second = client.get(REGION)
    assert second.context is None  # served from the page the owner's view stored
    assert ijktabel_names(second) == ijktabel_names(first)
    for response, own, other in ((first, owner, colleague), (second, colleague, owner)):
        page = response.content.decode()
        assert f'<span class="user-box__name">{own.username}</span>' in page
        assert f'<span class="user-box__name">{other.username}</span>' not in page
        assert "pagecache-" not in page  # every mark filled in
    # The token in the form is this session's: the language switch accepts it.
    token = second.content.decode().split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    checking = Client(enforce_csrf_checks=True)
    checking.cookies = client.cookies
    answer = checking.post(
        reverse("set_language"), {"language": "en", "next": REGION, "csrfmiddlewaretoken": token}
    )
    assert answer.status_code == 302


def test_a_waiting_message_is_shown_instead_of_the_cached_page(client, run, project_leader):
    client.force_login(project_leader)
    page = reverse("allocation:run_detail", args=[run.pk])
    client.get(page)  # cached
    # Approving without ticking the confirmation says so on the run page it returns to.
    response = client.post(reverse("allocation:run_approve", args=[run.pk]), follow=True)
    assert "Vink aan dat u de goedkeuring bevestigt" in response.content.decode()
    assert response.context is not None  # rendered, not the stored page


def test_the_page_of_a_running_run_is_never_stored(client, run, project_leader):
    running = AllocationRun.objects.create(
        scenario=run.scenario, status=RunStatus.RUNNING, first_year=YEAR, last_year=YEAR
    )
    client.force_login(project_leader)
    page = reverse("allocation:run_detail", args=[running.pk])
    assert client.get(page).context is not None
    assert client.get(page).context is not None  # live again, not from the cache


def _edit_a_figure(place, capture):
    figure = MunicipalityFigure.objects.get(municipality=place, indicator=Indicator.INHABITANTS)
    with capture(execute=True):
        figure.value += 1000
        figure.save()


def _sheet(response, name) -> list[tuple]:
    return list(load_workbook(BytesIO(response.content))[name].iter_rows(values_only=True))


def test_a_finished_runs_map_is_kept_when_a_figure_changes(
    client, run, steering_member, westervoort, monkeypatch, django_capture_on_commit_callbacks
):
    client.force_login(steering_member)
    first = client.get(MAP)
    drawn = []
    draw = figures.supply_map
    monkeypatch.setattr(figures, "supply_map", lambda *a, **k: drawn.append(1) or draw(*a, **k))
    _edit_a_figure(westervoort, django_capture_on_commit_callbacks)
    second = client.get(MAP)
    assert second.context is not None  # the page itself was rendered anew: its data changed
    assert drawn == []  # but the run's map did not: it was read, not drawn again
    assert main_of(second) == main_of(first)
    client.get(MAP, {"kleur": "fair-share"})
    assert drawn == [1]  # another colouring is another map


def test_a_renamed_municipality_shows_on_the_kept_map_and_workbook(
    client, run, steering_member, westervoort
):
    client.force_login(steering_member)
    assert "Westervoort-Oost" not in client.get(MAP).content.decode()
    names = [row[0] for row in _sheet(client.get(XLSX, {"jaar": YEAR}), "IJktabel")]
    assert "Westervoort" in names
    westervoort.name = "Westervoort-Oost"
    westervoort.save()
    assert "Westervoort-Oost" in client.get(MAP).content.decode()
    names = [row[0] for row in _sheet(client.get(XLSX, {"jaar": YEAR}), "IJktabel")]
    assert "Westervoort-Oost" in names and "Westervoort" not in names


def test_the_kept_workbook_names_a_figure_changed_since_the_run(
    client, run, steering_member, westervoort, django_capture_on_commit_callbacks
):
    client.force_login(steering_member)

    def method_labels():
        return [row[0] for row in _sheet(client.get(XLSX, {"jaar": YEAR}), "Methodiek")]

    assert "Gewijzigd sinds de berekening" not in method_labels()
    _edit_a_figure(westervoort, django_capture_on_commit_callbacks)
    assert "Gewijzigd sinds de berekening" in method_labels()


def test_readers_of_different_scope_never_share_a_kept_map_or_workbook(
    client, run, steering_member, corporation_member
):
    for user, count in ((steering_member, 4), (corporation_member, 1)):
        client.force_login(user)
        assert len(client.get(MAP).context["picture"]["years"]) == 2
        rows = _sheet(client.get(XLSX, {"jaar": YEAR}), "IJktabel")
        assert len(rows) == 1 + count + 1  # header, the municipalities they may read, region
        page = client.get(MAP).content.decode()
        assert ("Westervoort" in page) is (count == 4)


def test_the_view_of_a_run_is_the_same_until_what_it_shows_changes(
    run, steering_member, owner, colleague, corporation_member, westervoort,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    def digest(user):
        return selectors.run_view_digest(user=user, run=run, year=YEAR)

    before = digest(steering_member)
    assert digest(owner) == digest(colleague)  # one scope, one view
    assert digest(corporation_member) != before  # one municipality of the four
    with translation.override("en"):
        assert digest(steering_member) != before
    assert selectors.run_view_digest(user=steering_member, run=run, year=YEAR + 1) != before
    _edit_a_figure(westervoort, django_capture_on_commit_callbacks)
    assert digest(steering_member) == before  # the run did not use today's figure
    westervoort.name = "Westervoort-Oost"
    westervoort.save()
    assert digest(steering_member) != before
