"""A cap on each uploaded file, which Django does not have.

DATA_UPLOAD_MAX_MEMORY_SIZE leaves file parts out, and FILE_UPLOAD_MAX_MEMORY_SIZE only
decides between memory and a temporary file; without this a single 30 MiB part in a
multipart POST reaches any form. The handler runs first and refuses the request (400)
as soon as one file passes FILE_UPLOAD_MAX_SIZE, before the rest is read.
"""
from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadhandler import FileUploadHandler


class FileSizeLimitHandler(FileUploadHandler):
    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > settings.FILE_UPLOAD_MAX_SIZE:
            raise RequestDataTooBig(
                f"The file {self.file_name!r} is larger than FILE_UPLOAD_MAX_SIZE ({settings.FILE_UPLOAD_MAX_SIZE} bytes)."
            )
        return raw_data

    def file_complete(self, file_size):
        return None  # the next handlers keep the file
