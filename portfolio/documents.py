"""The `documents` storage alias from the environment (settings.STORAGES; documents.storage).

PORTFOLIO_DOCUMENTS_STORAGE=filesystem (the default) keeps files under
PORTFOLIO_VAR_DIR/documents; =s3 puts them in a bucket of any S3-compatible store, so
several web servers share them. Files are never given a public URL: documents.views
serves them after its permission check.
"""
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from portfolio.env import env_choice, env_str


def documents_storage(var_dir: Path) -> dict:
    kind = env_choice("PORTFOLIO_DOCUMENTS_STORAGE", "filesystem", {"filesystem", "s3"})
    if kind == "filesystem":
        location = env_str("PORTFOLIO_DOCUMENTS_DIR", str(var_dir / "documents"))
        return {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            # base_url is never used: no URL of this storage is published.
            "OPTIONS": {"location": location, "base_url": None, "file_permissions_mode": 0o640},
        }
    bucket = env_str("DOCUMENTS_S3_BUCKET", "")
    if not bucket:
        raise ImproperlyConfigured("PORTFOLIO_DOCUMENTS_STORAGE=s3 needs DOCUMENTS_S3_BUCKET.")
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": env_str("DOCUMENTS_S3_ENDPOINT_URL", "") or None,  # e.g. http://minio:9000; empty: AWS
            "region_name": env_str("DOCUMENTS_S3_REGION", "") or None,
            "access_key": env_str("DOCUMENTS_S3_ACCESS_KEY_ID", "") or None,
            "secret_key": env_str("DOCUMENTS_S3_SECRET_ACCESS_KEY", "") or None,
            "default_acl": "private",
            "file_overwrite": False,
            "querystring_auth": True,
            "location": env_str("DOCUMENTS_S3_PREFIX", "documents"),
        },
    }
