"""`manage.py documents_bucket_ensure`: the compose stack's web service creates the bucket at start."""
import uuid
from io import StringIO

import boto3
import pytest
from django.core.management import call_command
from django.test import override_settings

from tests.documents.conftest import S3_KEYS, S3_REGION


def test_it_creates_the_bucket_once_on_the_s3_endpoint(s3_endpoint, settings):
    bucket = f"compose-{uuid.uuid4().hex[:12]}"
    backend = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {
        "bucket_name": bucket, "endpoint_url": s3_endpoint, "region_name": S3_REGION,
        "access_key": S3_KEYS["aws_access_key_id"], "secret_key": S3_KEYS["aws_secret_access_key"],
    }}
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name=S3_REGION, **S3_KEYS)
    with override_settings(STORAGES={**settings.STORAGES, "documents": backend}):
        for expected in (f"created bucket {bucket}", f"bucket {bucket} exists"):
            out = StringIO()
            call_command("documents_bucket_ensure", "--wait", "5", stdout=out)
            assert out.getvalue().strip() == expected
    assert bucket in [b["Name"] for b in client.list_buckets()["Buckets"]]


def test_the_filesystem_needs_no_bucket(settings, tmp_path):
    backend = {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}}
    with override_settings(STORAGES={**settings.STORAGES, "documents": backend}):
        out = StringIO()
        call_command("documents_bucket_ensure", stdout=out)
    assert "filesystem" in out.getvalue()


@pytest.mark.database_independent
def test_an_unreachable_endpoint_fails_after_the_wait(settings):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    backend = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {
        "bucket_name": "nowhere", "endpoint_url": f"http://127.0.0.1:{port}", "region_name": S3_REGION,
        "access_key": "x", "secret_key": "y",
    }}
    from botocore.exceptions import EndpointConnectionError

    with override_settings(STORAGES={**settings.STORAGES, "documents": backend}), \
            pytest.raises(EndpointConnectionError):
        call_command("documents_bucket_ensure", "--wait", "0", stdout=StringIO())
