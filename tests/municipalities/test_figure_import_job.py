"""Large figure imports in the admin run as a Celery job: a job row, a progress page, all or
nothing, with the importer's own rights."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from monitoring.models import ImportJob, ImportJobStatus
from municipalities.models import MunicipalityFigure
from municipalities.services import figure_import_job_start

UPLOAD = reverse("admin:municipalities_municipalityfigure_import")


def job_url(job):
    return reverse("admin:municipalities_municipalityfigure_import_job", args=[job.pk])


def figures_csv(years, code="GM0293", name="Westervoort"):
    lines = ["cbs_code,municipality,year,population,population_source"]
    lines += [f"{code},{name},{year},{15000 + year},seed" for year in years]
    return lines


def post(client, lines, capture, year=""):
    file = SimpleUploadedFile("groot.csv", "\n".join(lines).encode(), content_type="text/csv")
    with capture(execute=True):
        return client.post(UPLOAD, {"file": file, "year": year})


def staff(user):
    user.is_staff = True
    user.save()
    return user


@pytest.fixture(autouse=True)
def small_threshold(settings):
    settings.GMR_IMPORT_JOB_THRESHOLD = 3


def test_a_file_above_the_threshold_runs_as_a_job_and_writes_every_figure(
    client, project_leader, westervoort, django_capture_on_commit_callbacks
):
    client.force_login(staff(project_leader))
    response = post(client, figures_csv(range(2019, 2025)), django_capture_on_commit_callbacks)

    job = ImportJob.objects.get()
    assert response.status_code == 302 and response.url == job_url(job)
    assert (job.kind, job.status, job.progress, job.written, job.row_count) == (
        ImportJob.Kind.FIGURES,
        ImportJobStatus.SUCCEEDED,
        100,
        6,
        6,
    )
    assert bytes(job.content) == b""  # the job keeps its outcome, not the data
    assert MunicipalityFigure.objects.filter(municipality=westervoort).count() == 6
    assert MunicipalityFigure.objects.get(year=2024).value == 17024
    page = client.get(response.url).content.decode()
    assert "6 cijfers ingelezen." in page


def test_a_file_at_the_threshold_is_imported_in_the_request(client, project_leader, westervoort):
    client.force_login(staff(project_leader))
    file = SimpleUploadedFile(
        "klein.csv", "\n".join(figures_csv([2022, 2023, 2024])).encode(), content_type="text/csv"
    )
    response = client.post(UPLOAD, {"file": file, "year": ""})
    assert response.status_code == 302
    assert not ImportJob.objects.exists()
    assert MunicipalityFigure.objects.count() == 3


def test_a_bad_row_fails_the_job_with_its_row_and_writes_nothing(
    client, project_leader, westervoort, django_capture_on_commit_callbacks
):
    client.force_login(staff(project_leader))
    lines = figures_csv(range(2019, 2025))
    lines[4] = "GM0293,Westervoort,2022,²,seed"
    post(client, lines, django_capture_on_commit_callbacks)

    job = ImportJob.objects.get()
    assert job.status == ImportJobStatus.FAILED
    assert len(job.errors) == 1 and job.errors[0].startswith("Rij 5:")
    assert not MunicipalityFigure.objects.exists()
    page = client.get(job_url(job)).content.decode()
    assert "Niets opgeslagen" in page and "Rij 5:" in page


def test_the_job_imports_with_the_starters_rights(
    client, owner, westervoort, nijmegen, django_capture_on_commit_callbacks
):
    """A civil servant's job may write only their own municipality, like the upload page."""
    client.force_login(staff(owner))
    lines = figures_csv(range(2019, 2023)) + figures_csv([2024], "GM0268", "Nijmegen")[1:]
    post(client, lines, django_capture_on_commit_callbacks)

    job = ImportJob.objects.get()
    assert job.status == ImportJobStatus.FAILED
    assert job.errors == ["Rij 6: u mag de cijfers van Nijmegen niet wijzigen."]
    assert not MunicipalityFigure.objects.exists()


def test_only_the_starter_sees_the_job(client, owner, colleague, project_leader, westervoort):
    job = figure_import_job_start(user=owner, filename="groot.csv", content=b"x", row_count=9)
    for other in (colleague, project_leader):
        client.force_login(staff(other))
        assert client.get(job_url(job)).status_code == 404
    client.force_login(staff(owner))
    assert client.get(job_url(job)).status_code == 200


def test_the_platform_administrator_runs_a_job_without_a_region(
    admin_client, admin_user, westervoort, django_capture_on_commit_callbacks
):
    post(admin_client, figures_csv(range(2019, 2025)), django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    assert job.region is None and job.started_by == admin_user
    assert job.status == ImportJobStatus.SUCCEEDED


def test_the_progress_fragment_polls_until_the_job_has_finished(client, owner, westervoort):
    job = figure_import_job_start(user=owner, filename="groot.csv", content=b"x", row_count=9)
    client.force_login(staff(owner))

    fragment = client.get(job_url(job), headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert f'hx-get="{job_url(job)}"' in fragment.content.decode()
    assert "HX-Refresh" not in fragment

    ImportJob.objects.filter(pk=job.pk).update(status=ImportJobStatus.SUCCEEDED)
    finished = client.get(job_url(job), headers={"HX-Request": "true"})
    assert finished["HX-Refresh"] == "true" and "hx-get" not in finished.content.decode()
