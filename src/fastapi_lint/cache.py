"""A per-file result cache: an unchanged file is neither parsed nor walked again.

An entry is keyed by everything a file's result depends on: its bytes, its path (rules
resolve relative imports from it), the fastapi-lint version, the rule options and the
rules selected for it. Each entry is its own small JSON file written atomically
(temporary file in the same folder, then ``os.replace``), so two runs at once are safe.
An entry that is unreadable, corrupted, or written for another key is ignored and
rewritten; the cache never turns into an error.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

from fastapi_lint import __version__
from fastapi_lint.models import Diagnostic, Edit, FileResult, Fix, JsonValue, TypeCoverage
from fastapi_lint.options import RuleOptions
from fastapi_lint.rule import Rule

CACHE_DIR_NAME = ".fastapi_lint_cache"
CACHE_DIR_ENV = "FASTAPI_LINT_CACHE_DIR"
_FORMAT = 1


def settings_fingerprint(options: RuleOptions, rules: Sequence[type[Rule]]) -> str:
    """What, besides the file itself, decides a file's result."""
    codes = ",".join(sorted(rule.code for rule in rules))
    return f"{__version__}|{options!r}|{codes}"


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


def _diagnostic_from(raw: JsonValue) -> Diagnostic:
    if not isinstance(raw, dict):
        raise TypeError("a diagnostic must be an object")
    fields = {**raw, "fix": _fix_from(raw.get("fix"))}
    return Diagnostic(**fields)  # type: ignore[arg-type]


def _encode(key: str, result: FileResult) -> str:
    payload = {
        "format": _FORMAT,
        "key": key,
        "diagnostics": [asdict(diagnostic) for diagnostic in result.diagnostics],
        "type_coverage": asdict(result.type_coverage),
    }
    return json.dumps(payload, separators=(",", ":"))


def _decode(key: str, text: str, path: str) -> FileResult | None:
    payload = json.loads(text)
    if payload.get("format") != _FORMAT or payload.get("key") != key:
        return None  # foreign, or written by another version of this format
    diagnostics = tuple(_diagnostic_from(raw) for raw in payload["diagnostics"])
    coverage = TypeCoverage(**payload["type_coverage"])
    return FileResult(path, diagnostics, (), coverage)


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
