"""Uploads are bounded while they arrive: past the import limit nothing more is kept."""

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.http.multipartparser import MultiPartParser
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.urls import reverse

from gmr_thuis.uploads import BoundedUploadHandler, RefusedUpload
from monitoring.models import Realisation

LIMIT = 100_000


@pytest.fixture(autouse=True)
def small_limit(settings):
    settings.GMR_IMPORT_MAX_BYTES = LIMIT


class RecordingTemporaryHandler(TemporaryFileUploadHandler):
    """The handler that would write the temporary file, counting what reaches it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kept = 0

    def receive_data_chunk(self, raw_data, start):
        self.kept += len(raw_data)
        return super().receive_data_chunk(raw_data, start)


def parse(size):
    body = encode_multipart(BOUNDARY, {"file": SimpleUploadedFile("groot.csv", b"x" * size)})
    meta = {"CONTENT_TYPE": MULTIPART_CONTENT, "CONTENT_LENGTH": str(len(body))}
    temporary = RecordingTemporaryHandler()
    handlers = [BoundedUploadHandler(), temporary]
    _, files = MultiPartParser(meta, BytesIO(body), handlers).parse()
    return files["file"], temporary.kept


def test_a_file_past_the_limit_is_not_kept_beyond_it():
    upload, kept = parse(20 * LIMIT)
    assert isinstance(upload, RefusedUpload)
    assert upload.size == 20 * LIMIT  # its size is known, so the message can say it
    assert upload.read() == b""
    assert kept <= LIMIT


def test_a_file_within_the_limit_arrives_whole():
    upload, kept = parse(LIMIT)
    assert not isinstance(upload, RefusedUpload)
    assert upload.size == LIMIT == kept
    assert upload.read() == b"x" * LIMIT


def test_the_import_page_refuses_it_in_dutch_and_writes_nothing(client, owner, westervoort):
    client.force_login(owner)
    upload = SimpleUploadedFile("groot.csv", b"x" * (3 * LIMIT), content_type="text/csv")
    response = client.post(reverse("monitoring:realisation_import"), {"file": upload})
    assert response.status_code == 400
    content = response.content.decode()
    assert "Het bestand is 300 kB; de grens voor een import is 100 kB." in content
    assert not Realisation.objects.exists()
