"""Runs as jobs (eager Celery here): results, reproducibility, idempotence, failures, CLI, sweeps."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import OperationalError
from django.urls import reverse
from django.utils import translation

from allocation import selectors, services
from allocation.models import AllocationResult, RunStatus, SensitivityBand, SensitivitySweep
from municipalities.models import Indicator, MunicipalityFigure


@pytest.fixture
def start(django_capture_on_commit_callbacks, project_leader):
    """Start a run of a scenario and let its job run (in-process) once the start commits."""

    def start_run(scenario):
        with django_capture_on_commit_callbacks(execute=True):
            run = services.allocation_run_start(user=project_leader, scenario=scenario)
        run.refresh_from_db()
        return run

    return start_run


def quotas(run):
    return sorted(
        run.results.values_list("year", "municipality__cbs_code", "target_group__code", "quota")
    )


def test_a_run_shares_out_every_years_task_and_stores_the_explanation(start, scenario):
    run = start(scenario)
    assert run.status == RunStatus.SUCCEEDED and run.progress == 100
    assert run.results.count() == 2 * 2 * 2  # municipalities × groups × years
    for year in (2025, 2026):
        by_group = run.results.filter(year=year, target_group__code="statushouders")
        assert sum(by_group.values_list("quota", flat=True)) == 100
    assert run.engine_version and run.finished_at >= run.started_at


def test_the_run_hash_is_the_hash_of_the_inputs_it_stored(start, scenario):
    run = start(scenario)
    assert run.input_hash == selectors.inputs_hash(run.inputs)
    assert run.inputs == selectors.scenario_inputs(scenario=scenario)


def test_identical_inputs_give_identical_results_and_the_same_hash(start, scenario):
    first, second = start(scenario), start(scenario)
    assert first.input_hash == second.input_hash
    assert quotas(first) == quotas(second)


def test_a_changed_figure_gives_another_hash_and_marks_the_old_run(
    start, scenario, westervoort, project_leader
):
    first = start(scenario)
    MunicipalityFigure.objects.filter(
        municipality=westervoort, indicator=Indicator.INHABITANTS
    ).update(value=30000)
    second = start(scenario)
    assert first.input_hash != second.input_hash
    assert selectors.run_changes_since(user=project_leader, run=first)
    assert selectors.run_changes_since(user=project_leader, run=second) == []


def test_a_second_delivery_of_the_task_does_not_duplicate_results(start, scenario):
    from allocation.tasks import run_allocation

    run = start(scenario)
    before = quotas(run)
    run_allocation.apply(args=[run.pk])
    assert quotas(run) == before
    assert AllocationResult.objects.filter(run=run).count() == 8


def test_a_run_the_inputs_refuse_ends_failed_without_results(start, scenario, westervoort):
    MunicipalityFigure.objects.filter(
        municipality=westervoort, indicator=Indicator.TURNOVER
    ).delete()
    run = start(scenario)
    assert run.status == RunStatus.FAILED
    assert "social_rent_turnover" in run.error
    assert not run.results.exists()


def test_a_transient_database_error_is_retried_until_the_run_succeeds(scenario, monkeypatch):
    from allocation.models import AllocationRun
    from allocation.tasks import run_allocation

    real_execute = services.allocation_run_execute
    attempts = []

    def flaky_execute(**kwargs):
        attempts.append(1)
        if len(attempts) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return real_execute(**kwargs)

    monkeypatch.setattr(services, "allocation_run_execute", flaky_execute)
    run = AllocationRun.objects.create(scenario=scenario, first_year=2025, last_year=2026)
    # throw=False: eager apply() then follows the retry as a worker would, instead of raising it.
    run_allocation.apply(args=[run.pk], throw=False)
    run.refresh_from_db()
    assert len(attempts) == 2
    assert run.status == RunStatus.SUCCEEDED


def test_a_run_whose_heartbeat_stopped_is_requeued_by_the_sweeper(scenario, monkeypatch):
    from allocation import tasks
    from allocation.models import AllocationRun, RunNotice

    sent = []
    monkeypatch.setattr(
        tasks.run_allocation, "apply_async", lambda args, task_id: sent.append((args, task_id))
    )
    run = AllocationRun.objects.create(
        scenario=scenario,
        status=RunStatus.RUNNING,
        first_year=2025,
        last_year=2026,
        task_id="dead-worker",
        attempts=1,
    )
    AllocationRun.objects.filter(pk=run.pk).update(
        started_at="2020-01-01T00:00Z", heartbeat_at="2020-01-01T00:00Z"
    )
    run.refresh_from_db()
    assert run.worker_seems_lost

    assert services.allocation_runs_sweep() == {"requeued": 1, "failed": 0, "resent": 0}
    run.refresh_from_db()
    assert run.status == RunStatus.QUEUED and run.notice == RunNotice.WORKER_LOST
    assert sent == [([run.pk], run.task_id)] and run.task_id != "dead-worker"
    # The next sweep finds it freshly sent and leaves it alone.
    assert services.allocation_runs_sweep() == {"requeued": 0, "failed": 0, "resent": 0}


def test_a_running_run_with_a_fresh_heartbeat_is_left_alone(scenario, monkeypatch):
    from django.utils import timezone

    from allocation import tasks
    from allocation.models import AllocationRun

    monkeypatch.setattr(tasks.run_allocation, "apply_async", lambda **kwargs: 1 / 0)
    run = AllocationRun.objects.create(
        scenario=scenario,
        status=RunStatus.RUNNING,
        first_year=2025,
        last_year=2026,
        started_at="2020-01-01T00:00Z",
        heartbeat_at=timezone.now(),
    )
    assert not run.worker_seems_lost
    assert services.allocation_runs_sweep()["requeued"] == 0
    run.refresh_from_db()
    assert run.status == RunStatus.RUNNING


def test_a_run_that_lost_its_worker_too_often_fails(scenario, settings):
    from allocation.models import AllocationRun

    run = AllocationRun.objects.create(
        scenario=scenario,
        status=RunStatus.RUNNING,
        first_year=2025,
        last_year=2026,
        attempts=settings.GMR_RUN_MAX_ATTEMPTS,
    )
    AllocationRun.objects.filter(pk=run.pk).update(started_at="2020-01-01T00:00Z")
    with translation.override("nl"):  # as a worker writes it, whatever an earlier test left
        assert services.allocation_runs_sweep()["failed"] == 1
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED
    assert f"{settings.GMR_RUN_MAX_ATTEMPTS} keer" in run.error


def test_a_run_stuck_in_the_queue_is_sent_again_and_fails_after_the_give_up_time(
    scenario, monkeypatch, settings
):
    from datetime import timedelta

    from django.utils import timezone

    from allocation import tasks
    from allocation.models import AllocationRun, RunNotice

    sent = []
    monkeypatch.setattr(
        tasks.run_allocation, "apply_async", lambda args, task_id: sent.append(args)
    )
    run = AllocationRun.objects.create(scenario=scenario, first_year=2025, last_year=2026)
    long_ago = timezone.now() - timedelta(seconds=settings.GMR_RUN_REDISPATCH_SECONDS + 5)
    AllocationRun.objects.filter(pk=run.pk).update(created_at=long_ago, dispatched_at=long_ago)

    assert services.allocation_runs_sweep()["resent"] == 1
    run.refresh_from_db()
    assert sent == [[run.pk]] and run.status == RunStatus.QUEUED
    assert run.notice == RunNotice.REQUEUED and run.dispatched_at > long_ago

    settings.GMR_RUN_QUEUE_GIVE_UP_SECONDS = 1
    settings.GMR_RUN_REDISPATCH_SECONDS = 0
    with translation.override("nl"):
        assert services.allocation_runs_sweep()["failed"] == 1
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED and "werker" in run.error


@pytest.mark.django_db(transaction=True)
def test_the_allocate_command_runs_and_summarises_per_unit(scenario, groups):
    groups["statushouders"].unit = "personen"
    groups["statushouders"].save()
    out = StringIO()
    call_command("allocate", "--scenario", scenario.slug, "--wait", stdout=out)
    lines = out.getvalue().splitlines()
    run = scenario.runs.get()
    # The job ran in-process, so the status is final at once and printed only once.
    assert lines[0] == f"Run {run.pk} of scenario {scenario.slug}: succeeded."
    assert lines[1].startswith("Years 2025–2026: 8 results, engine ")
    assert lines[2] == "Fair share per year, each target group counted in its own unit:"
    assert lines[3] == "  2025: 100 persons, 40 households; shortfall 0.0"
    assert lines[4] == "  2026: 100 persons, 40 households; shortfall 0.0"
    assert len(lines) == 5


@pytest.mark.django_db(transaction=True)
def test_the_allocate_command_reports_the_status_again_when_a_worker_finished_it(
    scenario, monkeypatch
):
    from allocation import selectors, tasks

    # A broker queues the job; the "worker" runs it while the command waits.
    monkeypatch.setattr(tasks.run_allocation, "apply_async", lambda *args, **kwargs: None)
    monkeypatch.setattr(
        selectors.time,
        "sleep",
        lambda seconds: services.allocation_run_execute(run_id=scenario.runs.get().pk),
    )
    out = StringIO()
    call_command("allocate", "--scenario", scenario.slug, "--wait", stdout=out)
    lines = out.getvalue().splitlines()
    run = scenario.runs.get()
    assert lines[:2] == [
        f"Run {run.pk} of scenario {scenario.slug}: queued.",
        f"Run {run.pk}: succeeded.",
    ]
    assert sum("succeeded" in line for line in lines) == 1


@pytest.mark.django_db(transaction=True)
def test_the_allocate_command_fails_on_an_unknown_scenario(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No scenario"):
        call_command("allocate", "--scenario", "bestaat-niet")


def test_the_run_button_starts_a_job_and_shows_its_page(
    client, project_leader, scenario, django_capture_on_commit_callbacks
):
    client.force_login(project_leader)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("allocation:run_start", args=[scenario.slug]))
    run = scenario.runs.get()
    assert response.url == reverse("allocation:run_detail", args=[run.pk])
    run.refresh_from_db()
    assert run.status == RunStatus.SUCCEEDED


def test_the_progress_poll_reloads_the_page_once_the_run_finished(client, owner, start, scenario):
    run = start(scenario)
    client.force_login(owner)
    url = reverse("allocation:run_progress", args=[run.pk])
    response = client.get(url, headers={"HX-Request": "true"})
    assert response["HX-Refresh"] == "true"
    assert 'value="100"' in response.content.decode()


def test_the_live_preview_answers_with_the_unsaved_sliders(client, project_leader, scenario):
    client.force_login(project_leader)
    data = {
        "name": scenario.name,
        "first_year": 2025,
        "last_year": 2026,
        "data_year": 2024,
        "cap_share": "0.333",
        "rounding_method": "hamilton",
        "tie_break": "stable",
    }
    for group in ("statushouders", "uitstroom-bw"):
        for indicator in ("inhabitants", "social_rent", "social_rent_turnover", "dwellings"):
            data[f"{group}__w_{indicator}"] = "1" if indicator == "inhabitants" else "0"
    response = client.post(reverse("allocation:scenario_preview", args=[scenario.slug]), data)
    table = response.context["table"]
    assert table.loc["Regio"].iloc[-1] == 140
    assert scenario.runs.count() == 0  # a preview is not a run


def test_a_sweep_stores_bands_for_every_year(
    project_leader, scenario, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sweep = services.sensitivity_sweep_start(
            user=project_leader, scenario=scenario, weight_factors=[0.5, 1], cap_shares=[0.25, 0.5]
        )
    sweep.refresh_from_db()
    assert sweep.status == RunStatus.SUCCEEDED and sweep.methodology_count == 4
    bands = SensitivityBand.objects.filter(sweep=sweep)
    assert bands.count() == 2 * 2 * 2
    for band in bands:
        assert band.minimum <= band.p10 <= band.median <= band.p90 <= band.maximum


def test_the_sweep_result_filters_by_municipality_and_group_and_downloads_as_shown(
    client, project_leader, scenario, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sweep = services.sensitivity_sweep_start(
            user=project_leader, scenario=scenario, weight_factors=[0.5, 1], cap_shares=[0.5]
        )
    client.force_login(project_leader)
    url = f"/verdeling/gevoeligheid/{sweep.pk}/"
    everything = client.get(url).context["bands"]
    name = everything[0]["municipality"]

    page = client.get(url, {"gemeente": name})
    csv = client.get(f"{url}export.csv", {"gemeente": name})
    xlsx = client.get(f"{url}export.xlsx", {"gemeente": name})

    shown = page.context["bands"]
    assert shown and len(shown) < len(everything)
    assert {band["municipality"] for band in shown} == {name}
    lines = csv.content.decode("utf-8-sig").strip().splitlines()
    assert lines[0].startswith("Jaar;Gemeente;Aandachtsgroep")
    assert len(lines) == len(shown) + 1 and all(name in line for line in lines[1:])
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


def test_every_year_of_a_sweep_computes_from_the_inputs_taken_at_its_start(
    project_leader, scenario
):
    sweep = SensitivitySweep.objects.create(
        scenario=scenario, weight_factors=[1], cap_shares=[0.5], methodology_count=1
    )
    services.sensitivity_sweep_prepare(sweep_id=sweep.pk)
    services.sensitivity_sweep_year(sweep_id=sweep.pk, year=2025)
    # Someone corrects a figure while the sweep is under way.
    MunicipalityFigure.objects.filter(
        municipality__cbs_code="GM0293", indicator=Indicator.INHABITANTS
    ).update(value=150000)
    services.sensitivity_sweep_year(sweep_id=sweep.pk, year=2026)

    def medians(year):
        return dict(
            SensitivityBand.objects.filter(sweep=sweep, year=year).values_list(
                "municipality__cbs_code", "median"
            )
        )

    # Both years have the same task and the same (snapshotted) figures, so the same bands.
    assert medians(2025) == medians(2026)
    sweep.refresh_from_db()
    assert sweep.inputs["indicators"]["GM0293"]["inhabitants"] == 15114


def test_a_large_sweep_is_split_into_one_task_per_year_with_the_same_bands(
    project_leader, scenario, django_capture_on_commit_callbacks, monkeypatch
):
    def bands_of(sweep):
        return sorted(
            SensitivityBand.objects.filter(sweep=sweep).values_list(
                "year", "municipality_id", "target_group_id", "minimum", "median", "maximum"
            )
        )

    options = {"weight_factors": [0.5, 1, 2], "cap_shares": [0.3]}
    with django_capture_on_commit_callbacks(execute=True):
        small = services.sensitivity_sweep_start(user=project_leader, scenario=scenario, **options)
    monkeypatch.setattr(services, "SWEEP_CHUNK_THRESHOLD", 0)
    from allocation import tasks

    dispatched = []
    real_group = tasks.group

    def counting_group(signatures):
        dispatched.append(signatures)
        return real_group(signatures)

    monkeypatch.setattr(tasks, "group", counting_group)
    with django_capture_on_commit_callbacks(execute=True):
        large = services.sensitivity_sweep_start(user=project_leader, scenario=scenario, **options)
    large.refresh_from_db()
    assert dispatched and large.status == RunStatus.SUCCEEDED
    assert bands_of(large) == bands_of(small)


def test_only_the_project_leader_starts_runs_and_sweeps(steering_member, owner, scenario):
    from django.core.exceptions import PermissionDenied

    for user in (steering_member, owner):
        with pytest.raises(PermissionDenied):
            services.allocation_run_start(user=user, scenario=scenario)
        with pytest.raises(PermissionDenied):
            services.sensitivity_sweep_start(
                user=user, scenario=scenario, weight_factors=[1], cap_shares=[0.3]
            )
    assert not scenario.runs.exists() and not scenario.sweeps.exists()


def test_a_sweep_the_inputs_refuse_ends_failed_and_finished(
    project_leader, scenario, westervoort, django_capture_on_commit_callbacks
):
    MunicipalityFigure.objects.filter(
        municipality=westervoort, indicator=Indicator.TURNOVER
    ).delete()
    with django_capture_on_commit_callbacks(execute=True):
        sweep = services.sensitivity_sweep_start(
            user=project_leader, scenario=scenario, weight_factors=[1], cap_shares=[0.3]
        )
    sweep.refresh_from_db()
    assert sweep.status == RunStatus.FAILED and "social_rent_turnover" in sweep.error
    assert sweep.finished_at is not None
    assert not SensitivityBand.objects.filter(sweep=sweep).exists()


def test_a_sweep_whose_task_crashes_ends_failed_and_finished(scenario, monkeypatch):
    from allocation.tasks import run_sensitivity_sweep

    def crash(**kwargs):
        raise RuntimeError("worker bug")

    monkeypatch.setattr(services, "sensitivity_sweep_year", crash)
    sweep = SensitivitySweep.objects.create(
        scenario=scenario, weight_factors=[1], cap_shares=[0.3], methodology_count=1
    )
    run_sensitivity_sweep.apply(args=[sweep.pk], throw=False)
    sweep.refresh_from_db()
    assert sweep.status == RunStatus.FAILED and sweep.error == "RuntimeError: worker bug"
    assert sweep.finished_at is not None


# Transactional: the job is sent on commit, as in a request, before the view reads the run back.
@pytest.mark.django_db(transaction=True)
def test_starting_a_run_with_the_broker_down_says_so_and_fails_the_run(
    client, project_leader, scenario, monkeypatch
):
    from kombu.exceptions import OperationalError as BrokerOperationalError

    from allocation import tasks

    def broker_down(*args, **kwargs):
        raise BrokerOperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.run_allocation, "apply_async", broker_down)
    client.force_login(project_leader)
    response = client.post(reverse("allocation:run_start", args=[scenario.slug]), follow=True)
    run = scenario.runs.get()
    assert response.status_code == 200
    assert response.redirect_chain == [(reverse("allocation:run_detail", args=[run.pk]), 302)]
    assert run.status == RunStatus.FAILED and "wachtrij" in run.error
    # Once as the message after the redirect, once on the run's own status.
    assert response.content.decode().count("niet bereikbaar, dus de verdeling is niet gestart") == 2


def test_the_run_page_says_the_worker_was_lost_once_its_heartbeat_is_old(
    client, owner, scenario, settings
):
    from datetime import timedelta

    from django.utils import timezone

    from allocation.models import AllocationRun

    run = AllocationRun.objects.create(
        scenario=scenario, status=RunStatus.RUNNING, first_year=2025, last_year=2026
    )
    client.force_login(owner)
    url = reverse("allocation:run_progress", args=[run.pk])
    for age, lost in [(settings.GMR_RUN_LOST_AFTER_SECONDS - 5, False), (61, True)]:
        AllocationRun.objects.filter(pk=run.pk).update(
            started_at=timezone.now() - timedelta(minutes=5),
            heartbeat_at=timezone.now() - timedelta(seconds=age),
        )
        text = client.get(url).content.decode()
        assert ("Werker verloren, wordt opnieuw geprobeerd." in text) is lost


def test_a_delivery_for_a_run_another_live_worker_computes_returns_at_once(scenario):
    from django.utils import timezone

    from allocation.models import AllocationRun

    run = AllocationRun.objects.create(
        scenario=scenario,
        status=RunStatus.RUNNING,
        first_year=2025,
        last_year=2026,
        task_id="the-live-worker",
        heartbeat_at=timezone.now(),
        attempts=1,
    )
    returned = services.allocation_run_execute(run_id=run.pk, task_id="a-stray-duplicate")
    assert returned.status == RunStatus.RUNNING and returned.attempts == 1
    assert not returned.results.exists()
    # Its retry (the same task) takes it again, so a database hiccup does not strand the run.
    again = services.allocation_run_execute(run_id=run.pk, task_id="the-live-worker")
    assert again.status == RunStatus.SUCCEEDED and again.attempts == 1


@pytest.mark.parametrize("retries", range(10))
def test_database_retries_back_off_exponentially_never_at_once_and_bounded(retries):
    from allocation.tasks import RETRY_MAX_SECONDS, retry_countdown

    ceiling = min(RETRY_MAX_SECONDS, 2.0 * 2**retries)
    waits = [retry_countdown(retries) for _ in range(200)]
    assert all(ceiling / 2 <= wait <= ceiling for wait in waits)
    assert min(waits) >= 1
    assert len(set(waits)) > 1  # jittered
