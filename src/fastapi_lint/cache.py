"""A per-file result cache: an unchanged file is neither parsed nor walked again.

An entry is keyed by everything a file's result depends on: its bytes, its path (rules
resolve relative imports from it), the fastapi-lint version, the rule options, the
rules selected for it, its role and what of the project's context those rules read
(target versions, router builders), and whether its project summary was asked for; the summary is
stored with the findings, so whole-project analysis needs no parse of an unchanged
file. Each entry is its own small JSON file written atomically (temporary file in the
same folder, then ``os.replace``), so two runs at once are safe.
An entry that is unreadable, corrupted, or written for another key is ignored and
rewritten; the cache never turns into an error.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from pathlib import Path

from fastapi_lint import __version__
from fastapi_lint.models import (
    ChainStep,
    Diagnostic,
    Edit,
    FileResult,
    Fix,
    JsonValue,
    TypeCoverage,
)
from fastapi_lint.options import RuleOptions
from fastapi_lint.rule import Rule
from fastapi_lint.summary.codec import summary_from_json, summary_to_json
from fastapi_lint.summary.records import ModuleSummary

CACHE_DIR_NAME = ".fastapi_lint_cache"
CACHE_DIR_ENV = "FASTAPI_LINT_CACHE_DIR"
# 2: findings carry the fixes of issue 7 (entries from before would hide them from --fix).
_FORMAT = 2


def settings_fingerprint(
    options: RuleOptions,
    rules: Sequence[type[Rule]],
    *,
    summarise: bool = False,
    context: str = "",
) -> str:
    """What, besides the file itself, decides a file's result (and whether it has a summary).

    ``context`` names what the project's context adds: the file's role, the target
    versions its rules read, the project's router builders.
    """
    codes = ",".join(sorted(rule.code for rule in rules))
    return f"{__version__}|{options!r}|{codes}|summary={summarise}|{context}"


def entry_key(data: bytes, path: str, fingerprint: str) -> str:
    digest = hashlib.sha256()
    for part in (fingerprint.encode(), b"\0", path.encode("utf-8", "surrogateescape"), b"\0"):
        digest.update(part)
    digest.update(data)
    return digest.hexdigest()


# Entries are our own JSON; a malformed one makes these constructors raise TypeError,
# which ``load`` treats as a miss. The ignores mark where JSON values meet field types.
def _fix_from(raw: JsonValue) -> Fix | None:
    if not isinstance(raw, dict):
        return None
    edits = raw["edits"]
    if not isinstance(edits, list):
        raise TypeError("edits must be a list")
    steps = tuple(Edit(**edit) for edit in edits)  # type: ignore[arg-type]
    return Fix(raw["applicability"], raw["message"], steps)  # type: ignore[arg-type]


def _chain_from(raw: JsonValue) -> tuple[ChainStep, ...]:
    if not isinstance(raw, list):
        raise TypeError("a chain must be a list")
    return tuple(ChainStep(**step) for step in raw)  # type: ignore[arg-type]


def _diagnostic_from(raw: JsonValue) -> Diagnostic:
    if not isinstance(raw, dict):
        raise TypeError("a diagnostic must be an object")
    fields = {**raw, "fix": _fix_from(raw.get("fix")), "chain": _chain_from(raw.get("chain", []))}
    return Diagnostic(**fields)  # type: ignore[arg-type]


def summary_text(summary: ModuleSummary) -> str:
    return json.dumps(summary_to_json(summary), separators=(",", ":"))


def _encode(key: str, result: FileResult) -> str:
    summary = result.summary
    payload = {
        "format": _FORMAT,
        "key": key,
        "diagnostics": [asdict(diagnostic) for diagnostic in result.diagnostics],
        "type_coverage": asdict(result.type_coverage),
        # JSON text inside the entry: reading the entry does not decode it (see FileResult).
        "summary": result.summary_json if summary is None else summary_text(summary),
    }
    return json.dumps(payload, separators=(",", ":"))


def _decode(key: str, text: str, path: str) -> FileResult | None:
    payload = json.loads(text)
    if payload.get("format") != _FORMAT or payload.get("key") != key:
        return None  # foreign, or written by another version of this format
    diagnostics = tuple(_diagnostic_from(raw) for raw in payload["diagnostics"])
    coverage = TypeCoverage(**payload["type_coverage"])
    summary = payload["summary"]
    if summary is not None and not isinstance(summary, str):
        raise TypeError("a summary is stored as JSON text")
    return FileResult(path, diagnostics, (), coverage, summary_json=summary, cache_key=key)


def decode_summary(text: str) -> ModuleSummary:
    """A cached summary; raises ValueError/TypeError when the text is corrupted."""
    return summary_from_json(json.loads(text))


def project_key(parts: Sequence[str]) -> str:
    """The key of a whole-project result: every file's entry key, name and path, and more."""
    digest = hashlib.sha256(__version__.encode())
    for part in parts:
        digest.update(b"\0" + part.encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


class ResultCache:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.writable = True

    def _entry(self, key: str) -> Path:
        return self.directory / f"v{__version__}" / key[:2] / f"{key[2:]}.json"

    def load(self, key: str, path: str) -> FileResult | None:
        try:
            return _decode(key, self._entry(key).read_text(encoding="utf-8"), path)
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None  # missing or corrupted: linted again and rewritten

    def _project_entry(self, key: str) -> Path:
        return self.directory / f"v{__version__}-project" / f"{key}.json"

    def load_project(self, key: str) -> dict[str, tuple[Diagnostic, ...]] | None:
        """The project rules' findings by path, when nothing they depend on changed."""
        try:
            payload = json.loads(self._project_entry(key).read_text(encoding="utf-8"))
            if payload.get("format") != _FORMAT or payload.get("key") != key:
                return None
            found = payload["findings"]
            return {path: tuple(map(_diagnostic_from, raws)) for path, raws in found.items()}
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None

    def store_project(self, key: str, found: Mapping[str, Sequence[Diagnostic]]) -> None:
        if not self.writable:
            return
        findings = {path: [asdict(d) for d in diagnostics] for path, diagnostics in found.items()}
        payload = {"format": _FORMAT, "key": key, "findings": findings}
        entry = self._project_entry(key)
        try:
            self._prepare(entry.parent)
            _write_atomically(entry, json.dumps(payload, separators=(",", ":")))
        except OSError:
            self.writable = False

    def store(self, key: str, result: FileResult) -> None:
        if result.internal_errors or not self.writable:
            return  # a crash is reported again next time rather than remembered
        entry = self._entry(key)
        try:
            self._prepare(entry.parent)
            _write_atomically(entry, _encode(key, result))
        except OSError:
            self.writable = False  # a read-only or full disk only costs the speed-up

    def _prepare(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        marker = self.directory / ".gitignore"
        if not marker.exists():
            _write_atomically(marker, "# Created by fastapi-lint: the cache is not source.\n*\n")


def _write_atomically(target: Path, text: str) -> None:
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=".json")
    try:
        os.fchmod(handle, 0o644)  # mkstemp's 0600 would hide the cache from other users
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
