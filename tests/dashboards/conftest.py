import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _language_reset():
    """A request in French leaves French active in the thread: start every later test in the default language."""
    yield
    translation.deactivate()
