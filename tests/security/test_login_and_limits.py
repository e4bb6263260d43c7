"""Login throttling (django-axes) and request size limits."""
import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _login(client, password):
    return client.post(reverse("admin:login"), {"username": "officer1", "password": password, "next": "/admin/"})


def test_repeated_wrong_passwords_lock_the_login_out(client, officer, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _login(client, "wrong").status_code == 200  # the form again, with its error
    assert _login(client, "wrong").status_code == 429
    # Locked out: even the right password is refused for the cool-off time.
    response = _login(client, "pw-officer-1")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_good_login_resets_the_failure_count(client, officer, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _login(client, "wrong")
    assert _login(client, "pw-officer-1").status_code == 302
    client.logout()
    assert _login(client, "wrong").status_code == 200


def test_lockout_is_per_user_name(client, officer, settings):
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_user("officer2", password="pw-officer-2", is_staff=True)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "wrong")
    response = client.post(reverse("admin:login"), {"username": "officer2", "password": "pw-officer-2", "next": "/admin/"})
    assert response.status_code == 302


def test_oversized_request_body_gets_400(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    response = client.post(reverse("admin:login"), {"username": "x" * 4096, "password": "y"})
    assert response.status_code == 400


@pytest.mark.parametrize("url", ["/admin/login/", "/accounts/login/", "/i18n/setlang/"])
def test_a_file_part_over_the_cap_gets_400_on_any_form(client, settings, url):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.FILE_UPLOAD_MAX_SIZE = 1024 * 1024
    big = SimpleUploadedFile("big.bin", b"\0" * (settings.FILE_UPLOAD_MAX_SIZE + 1))
    assert client.post(url, {"username": "x", "password": "y", "upload": big}).status_code == 400
    small = SimpleUploadedFile("small.bin", b"\0" * 1000)
    assert client.post(url, {"username": "x", "password": "y", "upload": small}).status_code != 400


def test_too_many_form_fields_get_400(client, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 100
    response = client.post(reverse("admin:login"), {f"field{i}": "1" for i in range(200)})
    assert response.status_code == 400


def test_limits_come_from_the_environment():
    import os
    import subprocess
    import sys
    from pathlib import Path

    def run(value):
        env = os.environ | {"DATA_UPLOAD_MAX_MEMORY_SIZE": value}
        code = "from django.conf import settings; print(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)"
        return subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", code],
            cwd=Path(__file__).resolve().parents[2], env=env, capture_output=True, text=True, timeout=120,
        )

    assert run("5000000").stdout.strip().endswith("5000000")
    refused = run("lots")
    assert refused.returncode != 0 and "DATA_UPLOAD_MAX_MEMORY_SIZE must be an integer" in refused.stderr
