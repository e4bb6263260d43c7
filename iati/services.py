"""Writes of the iati app to the outside: refreshing the kept codelists from IATI's own files."""
import datetime
import json
import shutil
import tempfile
import urllib.request
from collections.abc import Callable
from pathlib import Path

from iati import codelists

# Where IATI publishes each codelist: the lists embedded in the 2.03 schema on that version's branch,
# the replicated ones (DAC sectors, currencies, SDGs...) in the version-independent repository.
SOURCES = (
    "https://raw.githubusercontent.com/IATI/IATI-Codelists/version-2.03/xml/{name}.xml",
    "https://raw.githubusercontent.com/IATI/IATI-Codelists-NonEmbedded/master/xml/{name}.xml",
)
FETCH_TIMEOUT = 30  # seconds per file
MAX_BYTES = 5_000_000  # the largest list (Sector) is about 300 kB


class RefreshError(Exception):
    pass


def _fetch(url: str) -> bytes | None:
    """The bytes at `url`, or None when it is not there (404)."""
    try:
        with urllib.request.urlopen(url, timeout=FETCH_TIMEOUT) as response:
            return response.read(MAX_BYTES + 1)
    except urllib.error.HTTPError as error:
        if error.code == 404:
            return None
        raise


def codelists_refresh(*, names: list[str] | None = None, fetch: Callable[[str], bytes | None] | None = None,
                      folder: Path | None = None) -> dict[str, str]:
    """Download the kept codelists (`names`, default: those in MANIFEST.json) again; {name: url} of each.

    All or nothing: every file is fetched and checked (an IATI codelist of that name) into a
    temporary folder first, and only then are the kept files and the manifest replaced.
    """
    fetch, folder = fetch or _fetch, folder or codelists.FOLDER
    manifest = json.loads((folder / "MANIFEST.json").read_text(encoding="utf-8"))
    names = names or sorted(manifest["codelists"])
    fetched = {}
    with tempfile.TemporaryDirectory() as temporary:
        for name in names:
            for template in SOURCES:
                url = template.format(name=name)
                try:
                    content = fetch(url)
                except OSError as error:
                    raise RefreshError(f"{name}: {url} could not be fetched ({error}). Nothing was changed.") from None
                if content is not None:
                    break
            else:
                raise RefreshError(f"{name}: no IATI source has it. Nothing was changed.")
            if len(content) > MAX_BYTES:
                raise RefreshError(f"{name}: {url} is larger than {MAX_BYTES} bytes. Nothing was changed.")
            try:
                parsed = codelists.parse(content)
            except (ValueError, SyntaxError) as error:
                raise RefreshError(f"{name}: {url} is not an IATI codelist ({error}). Nothing was changed.") from None
            if parsed.name != name or not parsed.codes:
                raise RefreshError(f"{name}: {url} holds the codelist {parsed.name!r} with {len(parsed.codes)} codes. "
                                   "Nothing was changed.")
            (Path(temporary) / f"{name}.xml").write_bytes(content)
            fetched[name] = url
        for name in names:
            shutil.copyfile(Path(temporary) / f"{name}.xml", folder / f"{name}.xml")
    today = datetime.date.today().isoformat()
    for name, url in fetched.items():
        manifest["codelists"][name] = {"source": url, "fetched": today}
    (folder / "MANIFEST.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    codelists.codelist.cache_clear()
    return fetched
