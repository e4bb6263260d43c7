import os
import shutil
from pathlib import Path

import pytest
from django.utils import translation
from playwright.sync_api import sync_playwright

from tests.money import money  # noqa: F401  (a fixture: test_pdf.py; test_money.py has its own)

CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


@pytest.fixture(autouse=True)
def _language_reset():
    """A request in French leaves French active in the thread: start every later test in the default language."""
    yield
    translation.deactivate()


def chromium_path() -> str:
    """Debian's Chromium (scripts/system-packages installs it); never a downloaded browser."""
    path = os.environ.get("PORTFOLIO_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    assert Path(path).exists(), "Chromium is missing: run scripts/system-packages (installs chromium)."
    return path


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for every browser test module (Playwright's sync API allows one per thread)."""
    # Playwright's sync API keeps an event loop running in this thread; the
    # test's own ORM calls (fixtures) are still synchronous and safe.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield browser
        browser.close()
