"""Large realisation imports run as a Celery job: a job row, a progress page, all or nothing."""

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from monitoring import selectors, services
from monitoring.importers import COLUMNS
from monitoring.models import ImportJob, ImportJobStatus, Realisation

URL = reverse("monitoring:realisation_import")


def csv_upload(rows):
    lines = [";".join(COLUMNS), *(";".join(map(str, row)) for row in rows)]
    return SimpleUploadedFile("groot.csv", "\n".join(lines).encode(), content_type="text/csv")


def quarters(count, municipality="GM0293"):
    """`count` distinct rows: two groups × quarters × years from 2021."""
    rows = []
    for n in range(count):
        group = ("statushouders", "uitstroom-bw")[n % 2]
        rows.append([municipality, group, 2021 + n // 8, n // 2 % 4 + 1, n])
    return rows


@pytest.fixture(autouse=True)
def small_threshold(settings):
    settings.GMR_IMPORT_JOB_THRESHOLD = 5


def upload(client, rows, capture):
    with capture(execute=True):
        response = client.post(URL, {"file": csv_upload(rows)})
    return response


def test_a_file_above_the_threshold_runs_as_a_job_and_writes_every_row(
    client, owner, westervoort, groups, django_capture_on_commit_callbacks
):
    client.force_login(owner)
    response = upload(client, quarters(12), django_capture_on_commit_callbacks)

    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("monitoring:realisation_import_job", args=[job.pk])
    assert (job.status, job.progress, job.written, job.row_count) == (
        ImportJobStatus.SUCCEEDED,
        100,
        12,
        12,
    )
    assert job.started_by == owner and job.finished_at is not None
    assert bytes(job.content) == b""  # the job keeps its outcome, not the data
    assert Realisation.objects.count() == 12
    page = client.get(response.url)
    assert "12 regels realisatie ingelezen." in page.content.decode()


def test_a_file_at_the_threshold_is_imported_in_the_request(client, owner, westervoort, groups):
    client.force_login(owner)
    response = client.post(URL, {"file": csv_upload(quarters(5))})
    assert response.status_code == 302 and response.url == URL
    assert not ImportJob.objects.exists()
    assert Realisation.objects.count() == 5


def test_a_bad_row_fails_the_job_with_its_row_and_writes_nothing(
    client, owner, westervoort, groups, django_capture_on_commit_callbacks
):
    client.force_login(owner)
    rows = quarters(10)
    rows[7][4] = "²"
    upload(client, rows, django_capture_on_commit_callbacks)

    job = ImportJob.objects.get()
    assert job.status == ImportJobStatus.FAILED
    assert job.errors == ["Rij 9: plaatsingen '²' moet een geheel getal van 0 of meer zijn."]
    assert not Realisation.objects.exists()
    page = client.get(reverse("monitoring:realisation_import_job", args=[job.pk])).content.decode()
    assert "Niets opgeslagen" in page and "Rij 9: plaatsingen" in page


def test_a_job_of_another_municipality_is_refused_by_the_service(
    client, outsider, westervoort, groups, django_capture_on_commit_callbacks
):
    client.force_login(outsider)
    upload(client, quarters(6), django_capture_on_commit_callbacks)

    job = ImportJob.objects.get()
    assert job.status == ImportJobStatus.FAILED
    assert job.errors[0] == "Rij 2: u mag de gegevens van Westervoort niet wijzigen."
    assert len(job.errors) == 6
    assert not Realisation.objects.exists()


def test_only_the_starter_sees_the_job(client, owner, colleague, westervoort, groups):
    job = services.realisation_import_job_start(
        user=owner, filename="groot.csv", content=b"x", row_count=9
    )
    url = reverse("monitoring:realisation_import_job", args=[job.pk])
    client.force_login(colleague)
    assert client.get(url).status_code == 404
    client.force_login(owner)
    assert client.get(url).status_code == 200


def test_the_progress_fragment_polls_with_htmx_and_no_script(client, owner, westervoort, groups):
    job = services.realisation_import_job_start(
        user=owner, filename="groot.csv", content=b"x", row_count=9
    )
    url = reverse("monitoring:realisation_import_job", args=[job.pk])
    cache.set(services.import_job_progress_key(job.pk), 42)
    client.force_login(owner)

    fragment = client.get(url, HTTP_HX_REQUEST="true").content.decode()

    assert f'hx-get="{url}"' in fragment and 'hx-trigger="every 2s"' in fragment
    assert 'value="42"' in fragment
    assert "<script" not in fragment
    assert selectors.import_job_progress(job) == 42


def test_a_finished_job_stops_polling_and_reloads_the_page(
    client, owner, westervoort, groups, django_capture_on_commit_callbacks
):
    client.force_login(owner)
    upload(client, quarters(6), django_capture_on_commit_callbacks)
    url = reverse("monitoring:realisation_import_job", args=[ImportJob.objects.get().pk])

    response = client.get(url, HTTP_HX_REQUEST="true")

    assert response["HX-Refresh"] == "true"
    assert "hx-get" not in response.content.decode()


def test_a_redelivered_task_does_not_import_twice(
    client, owner, westervoort, groups, django_capture_on_commit_callbacks
):
    client.force_login(owner)
    upload(client, quarters(6), django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()

    again = services.realisation_import_job_execute(job_id=job.pk)

    assert again.status == ImportJobStatus.SUCCEEDED and again.written == 6
    assert Realisation.objects.count() == 6


def test_the_steering_group_cannot_start_a_job(steering_member, westervoort):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.realisation_import_job_start(
            user=steering_member, filename="groot.csv", content=b"x", row_count=9
        )
    assert not ImportJob.objects.exists()


def test_with_the_broker_down_the_job_fails_at_once_with_a_message(
    client, owner, westervoort, groups, django_capture_on_commit_callbacks, monkeypatch
):
    from kombu.exceptions import OperationalError

    from monitoring import tasks

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to redis")

    monkeypatch.setattr(tasks.run_realisation_import, "delay", broker_down)
    client.force_login(owner)
    response = upload(client, quarters(6), django_capture_on_commit_callbacks)

    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert job.status == ImportJobStatus.FAILED
    assert job.errors == [
        "De achtergrondverwerking is nu niet bereikbaar; er is niets ingelezen. "
        "Probeer het over een paar minuten opnieuw."
    ]
    assert not Realisation.objects.exists()
    assert "niet bereikbaar" in client.get(response.url).content.decode()
