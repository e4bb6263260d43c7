"""The hashed locks in requirements/ (written by scripts/lock) cover what pyproject.toml
declares, and the running environment is the one its lock pins."""
import re
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
BASE = [Requirement(line) for line in PROJECT["dependencies"]]
TEST = [Requirement(line) for line in PROJECT["optional-dependencies"]["test"]]
LINES = ["py311", "py312"]  # Python 3.11 (Django 5.2 LTS); Python >= 3.12 (Django 6)
RUNNING_LINE = "py311" if sys.version_info < (3, 12) else "py312"
_PIN = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==(?P<version>[^\s;\\]+)\s*(?:;(?P<marker>[^\\]*))?")

pytestmark = pytest.mark.database_independent


def _lock(name):
    """{canonical name: [(version, marker or None, hashes)]} of requirements/NAME.txt."""
    entries = {}
    current = None
    for line in (ROOT / "requirements" / f"{name}.txt").read_text().splitlines():
        match = _PIN.match(line)
        if match:
            marker = match["marker"].strip() if match["marker"] else None
            current = (match["version"], marker, [])
            entries.setdefault(canonicalize_name(match["name"]), []).append(current)
        elif line.strip().startswith("--hash=sha256:") and current is not None:
            current[2].append(line.strip().removeprefix("--hash=sha256:").rstrip(" \\"))
        elif line.strip() and not line.lstrip().startswith("#"):
            assert line.startswith(" "), f"{name}.txt: a line that is no pin: {line!r}"
    return entries


def _applies(marker):
    return marker is None or Marker(marker).evaluate()


@pytest.mark.parametrize("line", LINES)
@pytest.mark.parametrize("with_test", [False, True], ids=["base", "test"])
def test_the_lock_pins_every_declared_dependency_with_hashes(line, with_test):
    name = f"{line}-test" if with_test else line
    lock = _lock(name)
    declared = BASE + (TEST if with_test else [])
    for requirement in declared:
        entries = lock.get(canonicalize_name(requirement.name))
        assert entries, f"requirements/{name}.txt lacks {requirement.name}: run scripts/lock"
        for version, _marker, _hashes in entries:
            assert requirement.specifier.contains(version, prereleases=True), (
                f"requirements/{name}.txt pins {requirement.name}=={version}, outside pyproject's "
                f"{requirement}: run scripts/lock"
            )
    for package, entries in lock.items():
        for version, _marker, hashes in entries:
            assert hashes and all(re.fullmatch(r"[0-9a-f]{64}", h) for h in hashes), (
                f"requirements/{name}.txt: {package}=={version} has no sha256 hash"
            )
    if not with_test:
        assert "pytest" not in lock and "playwright" not in lock, f"requirements/{name}.txt holds the test tools"


@pytest.mark.parametrize("line", LINES)
def test_the_base_lock_pins_the_versions_of_the_test_lock(line):
    base, full = _lock(line), _lock(f"{line}-test")
    for package, entries in base.items():
        assert [e[:2] for e in entries] == [e[:2] for e in full.get(package, [])], (
            f"requirements/{line}.txt and {line}-test.txt disagree on {package}: run scripts/lock"
        )


def test_python_3_11_gets_django_5_2_lts_and_3_12_up_django_6_0():
    (django_311,) = _lock("py311-test")["django"]
    (django_312,) = _lock("py312-test")["django"]
    assert django_311[0].startswith("5.2.") and django_311[1] is None
    # 6.1 brought ~600 deprecation warnings to the suite; pyproject caps Django below it.
    assert django_312[0].startswith("6.0.") and django_312[1] is None


def test_the_installed_django_is_the_one_locked_for_this_python():
    (version, _marker, _hashes), = _lock(f"{RUNNING_LINE}-test")["django"]
    assert metadata.version("django") == version, (
        f"Django {metadata.version('django')} is installed, requirements/{RUNNING_LINE}-test.txt "
        f"pins {version}: run scripts/bootstrap test"
    )


def test_every_installed_package_of_the_lock_is_at_its_pinned_version():
    drift = []
    for package, entries in _lock(f"{RUNNING_LINE}-test").items():
        for version, marker, _hashes in entries:
            if not _applies(marker):
                continue
            try:
                installed = metadata.version(package)
            except metadata.PackageNotFoundError:
                installed = None
            if installed != version:
                drift.append(f"{package}: {installed or 'missing'}, locked {version}")
    assert not drift, f"not as requirements/{RUNNING_LINE}-test.txt pins (run scripts/bootstrap test): {drift}"
