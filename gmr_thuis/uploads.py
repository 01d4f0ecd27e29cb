"""Uploads bounded while they arrive: nothing beyond the import limit is kept in memory or on disk.

Django spools an upload to a temporary file before any view sees it, so a size check in the view
comes after a 2 GB file has been written. `BoundedUploadHandler` runs first in the chain: it counts
each file's bytes and, past `GMR_IMPORT_MAX_BYTES`, swallows the rest and hands the view an empty
`RefusedUpload` that still knows its size, so the upload page's own check
(`validate_upload_size`, `gmr_thuis.tabular.check_size`) refuses it with the usual Dutch message.
"""

from io import BytesIO

from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler

from gmr_thuis.tabular import check_size, max_bytes


class RefusedUpload(UploadedFile):
    """A file that went past the limit: its name and size, none of its bytes."""

    def __init__(self, name, content_type, size, charset):
        super().__init__(BytesIO(b""), name, content_type, size, charset)


class BoundedUploadHandler(FileUploadHandler):
    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        # Past the limit the chunk goes no further: the handlers after this one stop growing.
        return raw_data if self.received <= max_bytes() else None

    def file_complete(self, file_size):
        if self.received <= max_bytes():
            return None  # within the limit: the next handler makes the file as usual
        return RefusedUpload(self.file_name, self.content_type, self.received, self.charset)


def validate_upload_size(upload) -> None:
    """A form field validator: the upload page's size limit, with its Dutch message."""
    check_size(upload.size)
