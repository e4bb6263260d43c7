"""The IATI 2.03 codelists kept in iati/codelists/: a code's name in a language, its category, whether it is withdrawn.

The files are IATI's own XML (see MANIFEST.json there; `manage.py iati_codelists_refresh`
fetches them again). Each is parsed once per process, so a lookup costs a dictionary access.
"""
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.utils.translation import get_language, gettext
from lxml import etree

FOLDER = Path(__file__).resolve().parent / "codelists"
MANIFEST = FOLDER / "MANIFEST.json"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# Our files are trusted, but refreshed ones come from the network: parse them as the importer parses input.
PARSER_OPTIONS = {"resolve_entities": False, "no_network": True, "load_dtd": False, "remove_comments": True}


class UnknownCode(ValueError):
    """A code that is not in its codelist."""


@dataclass(frozen=True, slots=True)
class Code:
    code: str
    names: dict[str, str]  # language → name; "en" is always there
    category: str
    withdrawn: bool

    def name(self, language: str = "en") -> str:
        """The name in `language` (e.g. "fr", "fr-ch"), else the English one."""
        return self.names.get((language or "en")[:2].lower()) or self.names["en"]


@dataclass(frozen=True)
class Codelist:
    name: str
    codes: dict[str, Code]

    def __contains__(self, code) -> bool:
        return str(code) in self.codes

    def __getitem__(self, code) -> Code:
        try:
            return self.codes[str(code)]
        except KeyError:
            raise UnknownCode(f"{code!r} is not a code of the IATI {self.name} codelist.") from None

    def label(self, code, language: str = "en") -> str:
        """`code` and its name, e.g. "15190 Facilitation of orderly ... migration"; the code alone if unknown."""
        item = self.codes.get(str(code))
        return f"{code} {item.name(language)}" if item else str(code)

    def translated(self, code, language: str | None = None) -> str:
        """A code's name in `language` (default: the active one): the codelist's own translation, else the
        catalogues' (locale/, for the names the product uses), else English; the code itself if unknown."""
        item = self.codes.get(str(code))
        if item is None:
            return str(code)
        own = item.names.get((language or get_language() or "en")[:2].lower())
        return own or gettext(item.names["en"])

    def choices(self, language: str = "en", *, keep=()) -> list[tuple[str, str]]:
        """(code, "code name") of the active codes, and of the withdrawn ones in `keep` (a row's current code)."""
        return [(c.code, f"{c.code} {c.name(language)}") for c in self.codes.values() if not c.withdrawn or c.code in keep]


def _text(element) -> str:
    return " ".join((element.text or "").split()) if element is not None else ""


def _names(item, default_language: str) -> dict[str, str]:
    name = item.find("name")
    names = {}
    for narrative in name.findall("narrative") if name is not None else ():
        names.setdefault(narrative.get(XML_LANG, default_language)[:2], _text(narrative))
    if not names:  # some older lists give the name as plain text
        names[default_language] = _text(name)
    names.setdefault("en", next(iter(names.values())))
    return names


def parse(source) -> Codelist:
    """A codelist from an IATI codelist XML file (a path or bytes)."""
    parser = etree.XMLParser(**PARSER_OPTIONS)
    root = etree.fromstring(source, parser) if isinstance(source, bytes) else etree.parse(str(source), parser).getroot()
    if root.tag != "codelist" or not root.get("name"):
        raise ValueError("not an IATI codelist: the root element must be <codelist name=...>.")
    language = root.get(XML_LANG, "en")
    codes = {}
    for item in root.iter("codelist-item"):
        code = _text(item.find("code"))
        codes[code] = Code(code, _names(item, language), _text(item.find("category")), item.get("status") == "withdrawn")
    return Codelist(root.get("name"), codes)


@cache
def codelist(name: str) -> Codelist:
    """The kept codelist `name` (e.g. "Sector"), parsed once per process."""
    path = FOLDER / f"{name}.xml"
    if not path.is_file():
        raise LookupError(f"No IATI codelist {name!r} is kept in {FOLDER}.")
    return parse(path)


def manifest() -> dict:
    """What the kept files are: the IATI version, where each came from and when."""
    return json.loads(MANIFEST.read_text(encoding="utf-8"))
