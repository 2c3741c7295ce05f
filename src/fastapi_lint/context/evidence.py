"""Evidence in the code of which Pydantic, FastAPI and SQLAlchemy a project is written for.

Used only for a package the project declares no version of. ``scan_evidence`` reads one
file's text with a few precompiled regexes, each guarded by a plain substring test, so a
file that never mentions pydantic costs one ``in`` per probe. Its result is plain data,
to be cached with the file and combined for the project by ``combine_evidence``.

Strong evidence is code that fails on the other major version: ``from pydantic import
BaseSettings`` raises on Pydantic 2, ``field_validator`` does not exist in 1.x. Weak
evidence is a style the other version still accepts (``orm_mode``, ``@validator`` work on
2.x with a deprecation warning; ``pydantic.v1`` also exists in 1.10.17+). Strong evidence
outweighs weak; when evidence of the same strength disagrees (two applications in one
tree, or a half-done migration), the older version wins, because advice or a fix for the
newer one could break the code written for the older.

Only module-level imports count: an import indented under ``try:`` is the usual way of
supporting both versions and says nothing about either. Only code counts: a match inside a
string or a comment (a docstring showing ``User.model_validate(...)``) is text about code.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from packaging.version import Version

from fastapi_lint.context._constraints import Bound, pep440_bound

_IMPORT = r"^from[ \t]+{module}[ \t]+import[ \t]+(?P<names>\([^)]*\)|[^\n]*)"
_ALIAS = re.compile(r"\s+as\s+\w+")
_COMMENT = re.compile(r"#[^\n]*")
_MAX_TEXT = 80
# Sorts below every real version, for evidence whose specifier cannot be read.
_NEVER = Version("0")


@dataclass(frozen=True, slots=True)
class Evidence:
    """One line of code that only works on (or was written for) some versions of a package."""

    package: str
    specifier: str
    """The versions the line points to: ``<2``, ``>=2``, ``>=0.95``."""
    strong: bool
    path: str
    line: int
    text: str
    """The code, as shown in the explanation (``from pydantic import BaseSettings``)."""

    def describe(self) -> str:
        return f"{self.path}:{self.line}: {self.text}"


@dataclass(frozen=True, slots=True)
class _Probe:
    package: str
    specifier: str
    strong: bool
    needle: str
    """A substring every match contains: the probe is skipped when the file lacks it."""
    pattern: re.Pattern[str]
    names: frozenset[str] = frozenset()
    """For an import probe, the imported names that count (empty: any match counts)."""
    module: str = ""

    def first(self, source: str) -> tuple[int, str] | None:
        """The position of the first match in code, and the code to show for it."""
        if self.needle not in source:
            return None
        for match in self.pattern.finditer(source):
            if _in_text(source, match.start()):
                continue
            text = self._text(match)
            if text is not None:
                return match.start(), text
        return None

    def _text(self, match: re.Match[str]) -> str | None:
        if not self.names:
            return _line_at(match.string, match.start())
        imported = _imported_names(match.group("names"))
        counted = sorted(imported & self.names)
        return f"from {self.module} import {counted[0]}" if counted else None


def _import_probe(package: str, specifier: str, module: str, names: Iterable[str]) -> _Probe:
    pattern = re.compile(_IMPORT.format(module=re.escape(module)), re.MULTILINE)
    return _Probe(package, specifier, True, module, pattern, frozenset(names), module)


def _probe(package: str, specifier: str, strong: bool, needle: str, pattern: str) -> _Probe:
    return _Probe(package, specifier, strong, needle, re.compile(pattern, re.MULTILINE))


_PYDANTIC_2_NAMES = (
    *("field_validator", "model_validator", "field_serializer", "model_serializer"),
    *("ConfigDict", "computed_field", "TypeAdapter", "RootModel", "AliasChoices"),
    *("AliasPath", "ValidationInfo", "validate_call", "SerializeAsAny", "WithJsonSchema"),
)
_SQLALCHEMY_2_NAMES = ("Mapped", "mapped_column", "DeclarativeBase", "MappedAsDataclass")
_FASTAPI_PARAMS = r"(?:Depends|Security|Query|Path|Body|Header|Cookie|Form|File)"

_PROBES = (
    # BaseSettings moved to the pydantic-settings package in 2.0; importing it raises.
    _import_probe("pydantic", "<2", "pydantic", ["BaseSettings"]),
    _import_probe("pydantic", ">=2", "pydantic", _PYDANTIC_2_NAMES),
    # GenericModel was removed in 2.0: generic models subclass BaseModel and Generic.
    _probe("pydantic", "<2", True, "pydantic.generics", r"^from[ \t]+pydantic\.generics\b"),
    _probe("pydantic", "<2", True, "__root__", r"^[ \t]+__root__[ \t]*:"),
    _probe(
        "pydantic", ">=2", True, "pydantic_settings", r"^(?:from|import)[ \t]+pydantic_settings\b"
    ),
    _probe(
        "pydantic",
        ">=2",
        True,
        "model_config",
        r"^[ \t]+model_config[ \t]*(?::[^=\n]*)?=[ \t]*(?:Settings)?ConfigDict\(",
    ),
    _probe(
        "pydantic",
        ">=2",
        True,
        ".model_",
        r"\.model_(?:dump|dump_json|validate|validate_json|copy|json_schema)\(",
    ),
    _probe("pydantic", ">=2", False, "pydantic.v1", r"^(?:from|import)[ \t]+pydantic\.v1\b"),
    _probe("pydantic", "<2", False, "orm_mode", r"^[ \t]+orm_mode[ \t]*="),
    _probe("pydantic", "<2", False, "validator", r"^[ \t]*@(?:pydantic\.)?(?:root_)?validator\b"),
    # Annotated dependencies and parameters arrived in FastAPI 0.95, lifespan= in 0.93.
    _probe("fastapi", ">=0.95", True, "Annotated", rf"Annotated\[[^\]\n]*?\b{_FASTAPI_PARAMS}\("),
    _probe(
        "fastapi", ">=0.93", True, "lifespan", r"\bFastAPI\((?:[^()]|\([^()]*\))*?\blifespan[ \t]*="
    ),
    _import_probe("sqlalchemy", ">=2.0", "sqlalchemy.orm", _SQLALCHEMY_2_NAMES),
    _probe("sqlalchemy", ">=2.0", True, "async_sessionmaker", r"\basync_sessionmaker\b"),
    _probe(
        "sqlalchemy",
        ">=1.4",
        True,
        "sqlalchemy.ext.asyncio",
        r"^from[ \t]+sqlalchemy\.ext\.asyncio\b",
    ),
)


def scan_evidence(path: str, source: str) -> tuple[Evidence, ...]:
    """The first line of each kind of evidence in one file; ``path`` is shown as given."""
    found: list[Evidence] = []
    for probe in _PROBES:
        hit = probe.first(source)
        if hit is not None:
            position, text = hit
            line = source.count("\n", 0, position) + 1
            found.append(Evidence(probe.package, probe.specifier, probe.strong, path, line, text))
    return tuple(found)


def combine_evidence(package: str, evidence: Iterable[Evidence]) -> tuple[Bound, str] | None:
    """What the project's evidence says of ``package``, and the explanation; None if silent."""
    mine = [item for item in evidence if item.package == package]
    strongest = [item for item in mine if item.strong] or mine
    if not strongest:
        return None
    ceilings, floors = _split(strongest)
    if ceilings:
        chosen = _lowest_ceiling(ceilings)
        return _bound(chosen), _explain(chosen, floors)
    chosen = _highest_floor(floors)
    return _bound(chosen), _explain(chosen, [])


def _split(items: list[Evidence]) -> tuple[list[Evidence], list[Evidence]]:
    """The evidence for "below some version", and the evidence for "at least some version"."""
    ceilings = [item for item in items if item.specifier.startswith("<")]
    return ceilings, [item for item in items if item not in ceilings]


def _lowest_ceiling(items: list[Evidence]) -> Evidence:
    return min(items, key=lambda item: _bound(item).representative() or _NEVER)


def _highest_floor(items: list[Evidence]) -> Evidence:
    return max(items, key=lambda item: _bound(item).representative() or _NEVER)


def _bound(item: Evidence) -> Bound:
    return pep440_bound(item.specifier) or Bound()


def _explain(chosen: Evidence, overruled: list[Evidence]) -> str:
    text = f"code evidence ({chosen.describe()})"
    if overruled:
        text += f"; the older version wins over {overruled[0].describe()}"
    return text


def _imported_names(text: str) -> frozenset[str]:
    names = _ALIAS.sub("", _COMMENT.sub("", text))
    return frozenset(name.strip(" \t\n\\()") for name in names.split(","))


def _line_at(source: str, position: int) -> str:
    start = source.rfind("\n", 0, position) + 1
    end = source.find("\n", position)
    line = source[start : end if end >= 0 else len(source)].strip()
    return line if len(line) <= _MAX_TEXT else line[: _MAX_TEXT - 3] + "..."


def _in_text(source: str, position: int) -> bool:
    """Whether ``position`` is in a comment or a triple-quoted string (a docstring).

    A cheap reading, not a tokenizer (which would cost 15x the whole scan): the line
    before the match holds a ``#`` outside quotes, or an odd number of triple quotes
    comes before it. Code in an f-string's braces stays code."""
    line_start = source.rfind("\n", 0, position) + 1
    before = source[line_start:position]
    hash_at = before.find("#")
    if hash_at >= 0 and _outside_quotes(before[:hash_at]):
        return True
    quotes = source.count('"""', 0, position) + source.count("'''", 0, position)
    return quotes % 2 == 1


def _outside_quotes(line_start: str) -> bool:
    """Whether the end of ``line_start`` lies outside any one-line string."""
    return line_start.count('"') % 2 == 0 and line_start.count("'") % 2 == 0
