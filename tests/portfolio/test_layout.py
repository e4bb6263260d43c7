"""Where each behaviour lives (README, "Layout"): apps stay small and named for what they hold."""
import ast
from pathlib import Path

import pytest

pytestmark = pytest.mark.database_independent

ROOT = Path(__file__).resolve().parents[2]
APPS = ("portfolio", "regions", "donors", "projects", "classifications", "deadlines", "finance", "results", "documents", "api", "iati", "integrations", "dashboards", "benchmarks")


def _modules(app: str):
    for path in sorted((ROOT / app).rglob("*.py")):
        if "migrations" not in path.parts:
            yield path, ast.parse(path.read_text(encoding="utf-8"))


def _imports(tree) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def test_projects_stays_under_two_thousand_lines():
    lines = sum(len(path.read_text(encoding="utf-8").splitlines()) for path, _tree in _modules("projects"))
    assert lines < 2000, f"projects/ has {lines} lines without its migrations"


@pytest.mark.parametrize("app", APPS)
def test_each_behaviour_lives_in_the_app_named_for_it(app):
    for path, tree in _modules(app):
        imports = _imports(tree)
        classes = {node.name for node in ast.walk(tree) if isinstance(node, ast.ClassDef)}
        where = path.relative_to(ROOT)
        if app != "api":  # DRF views, serializers and renderers
            assert not any(name.startswith(("rest_framework.generics", "rest_framework.views")) for name in imports), where
            assert not any(name.startswith("rest_framework.serializers") for name in imports), where
        if app != "iati":  # the IATI XML
            assert not any(name.startswith("lxml") for name in imports), where
        if app != "deadlines":  # deadlines, reminders and their outbox
            assert not classes & {"Deadline", "Reminder", "ReminderDigest", "CalendarFeed"}, where
            assert not any(name.startswith("celery") for name in imports) or app == "portfolio", where
