"""The documents storage, twice: the local filesystem and an S3-compatible endpoint over real HTTP.

`documents_storage_kind` runs a test once per backend: the filesystem under a fresh
temporary folder, and moto's server mode (a real HTTP server speaking the S3 protocol)
through django-storages' S3Storage, with a fresh bucket per test. `stored_names()` lists
what the storage holds, so a test can say nothing was left behind.
"""
import socket
import uuid

import boto3
import pytest
from django.test import override_settings

from documents.storage import documents_storage

S3_REGION = "us-east-1"
S3_KEYS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def s3_endpoint():
    """moto's S3 over HTTP on a free local port, for the whole session."""
    from moto.server import ThreadedMotoServer

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


def _s3_client(endpoint):
    return boto3.client("s3", endpoint_url=endpoint, region_name=S3_REGION, **S3_KEYS)


class StorageUnderTest:
    def __init__(self, kind, *, root=None, endpoint=None, bucket=None):
        self.kind, self.root, self.endpoint, self.bucket = kind, root, endpoint, bucket

    def stored_names(self) -> list[str]:
        if self.kind == "filesystem":
            return sorted(str(p.relative_to(self.root)) for p in self.root.rglob("*") if p.is_file())
        listing = _s3_client(self.endpoint).list_objects_v2(Bucket=self.bucket)
        return sorted(item["Key"] for item in listing.get("Contents", []))

    def read(self, name: str) -> bytes:
        with documents_storage.open(name, "rb") as f:
            return f.read()


@pytest.fixture(params=["filesystem", "s3"])
def documents_storage_kind(request, settings, tmp_path):
    """STORAGES["documents"] on the filesystem or on the S3-compatible endpoint; yields a StorageUnderTest."""
    if request.param == "filesystem":
        root = tmp_path / "documents"
        root.mkdir()
        backend = {"BACKEND": "django.core.files.storage.FileSystemStorage",
                   "OPTIONS": {"location": str(root), "base_url": None}}
        under_test = StorageUnderTest("filesystem", root=root)
    else:
        endpoint = request.getfixturevalue("s3_endpoint")
        bucket = f"documents-{uuid.uuid4().hex[:12]}"
        _s3_client(endpoint).create_bucket(Bucket=bucket)
        backend = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {
            "bucket_name": bucket, "endpoint_url": endpoint, "region_name": S3_REGION,
            "access_key": S3_KEYS["aws_access_key_id"], "secret_key": S3_KEYS["aws_secret_access_key"],
            "default_acl": "private", "file_overwrite": False, "querystring_auth": True, "location": "documents",
        }}
        under_test = StorageUnderTest("s3", endpoint=endpoint, bucket=bucket)
    with override_settings(STORAGES={**settings.STORAGES, "documents": backend}):
        yield under_test
