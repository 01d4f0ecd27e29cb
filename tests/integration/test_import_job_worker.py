"""A large realisation import runs in a real Celery worker; the page follows it to the end."""

import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from monitoring.importers import COLUMNS
from monitoring.models import ImportJob, ImportJobStatus, Realisation
from tests import factories

pytestmark = pytest.mark.services


def test_a_worker_imports_a_large_file_all_or_nothing(
    celery_worker_process, client, owner, westervoort, settings
):
    settings.GMR_IMPORT_JOB_THRESHOLD = 10
    groups = [factories.TargetGroupFactory(code=f"groep-{n}", sort_order=n) for n in range(5)]
    lines = [";".join(COLUMNS)]
    for year in (2025, 2026):
        for quarter in range(1, 5):
            lines += [f"GM0293;{group.code};{year};{quarter};{quarter}" for group in groups]
    client.force_login(owner)

    response = client.post(
        reverse("monitoring:realisation_import"),
        {"file": SimpleUploadedFile("groot.csv", "\n".join(lines).encode())},
    )

    job = ImportJob.objects.get()
    assert response.url == reverse("monitoring:realisation_import_job", args=[job.pk])
    deadline = time.monotonic() + 60
    while not job.is_finished and time.monotonic() < deadline:
        time.sleep(0.5)
        job.refresh_from_db()
    assert (job.status, job.written, job.progress) == (ImportJobStatus.SUCCEEDED, 40, 100)
    assert Realisation.objects.count() == 40
    page = client.get(response.url).content.decode()
    assert "40 regels realisatie ingelezen." in page
    assert celery_worker_process.poll() is None
