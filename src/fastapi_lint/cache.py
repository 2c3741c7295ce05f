"""A per-file result cache: an unchanged file is neither parsed nor walked again.

An entry is keyed by everything a file's result depends on: its bytes, its path (rules
resolve relative imports from it), the fastapi-lint version, the rule options, the
rules selected for it, its role and what of the project's context those rules read
(target versions, router builders), and whether its project summary was asked for; the summary is
stored with the findings, so whole-project analysis needs no parse of an unchanged
file. Each entry is its own small JSON file written atomically (temporary file in the
same folder, then ``os.replace``), so two runs at once are safe.
An entry that is unreadable, corrupted, or written for another key is ignored and
rewritten; the cache never turns into an error. How an entry is sealed and checked is
``cache_entries``.
"""

from __future__ import annotations

import functools
import hashlib
import json
import typing
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from fastapi_lint import __version__
from fastapi_lint.cache_entries import MISSES, decoded, encoded
from fastapi_lint.cache_folder import (
    ENTRY_FORMAT,
    prepare_folder,
    seal,
    sealed_payload,
    write_atomically,
)
from fastapi_lint.models import Diagnostic, FileResult, JsonValue, TypeCoverage
from fastapi_lint.options import RuleOptions
from fastapi_lint.summary.codec import summary_from_json, summary_to_json
from fastapi_lint.summary.records import ModuleSummary

if TYPE_CHECKING:  # a warm run reads entries without importing the rules (or LibCST)
    from fastapi_lint.rule import Rule


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
    # ``project_root`` is in the text (``repr``) but not in the options' equality.
    return _fingerprint(options, options.project_root, tuple(rules), summarise, context)


@functools.lru_cache(maxsize=256)
def _fingerprint(
    options: RuleOptions,
    project_root: str | None,
    rules: tuple[type[Rule], ...],
    summarise: bool,
    context: str,
) -> str:
    """Worked out once per settings: the files of a run share a few sets of them."""
    return f"{__version__}|{options!r}|{rule_codes(rules)}|summary={summarise}|{context}"


@functools.lru_cache(maxsize=256)
def rule_codes(rules: tuple[type[Rule], ...]) -> str:
    """The codes of ``rules``, sorted: how keys name a file's rules (once per set)."""
    return ",".join(sorted(rule.code for rule in rules))


def entry_key(data: bytes, path: str, fingerprint: str) -> str:
    digest = hashlib.sha256()
    for part in (fingerprint.encode(), b"\0", path.encode("utf-8", "surrogateescape"), b"\0"):
        digest.update(part)
    digest.update(data)
    return digest.hexdigest()


def _diagnostics_from(raw: JsonValue) -> tuple[Diagnostic, ...]:
    found = decoded(tuple[Diagnostic, ...], raw)
    return typing.cast(tuple[Diagnostic, ...], found)


def summary_text(summary: ModuleSummary) -> str:
    return json.dumps(summary_to_json(summary), separators=(",", ":"))


def _encode(key: str, result: FileResult) -> str:
    summary = result.summary
    payload = {
        "format": ENTRY_FORMAT,
        "key": key,
        "diagnostics": encoded(result.diagnostics),
        "type_coverage": encoded(result.type_coverage),
        # JSON text inside the entry: reading the entry does not decode it (see FileResult).
        "summary": summary_text(summary)
        if result.summary_json is None and summary is not None
        else result.summary_json,
    }
    return seal(json.dumps(payload, separators=(",", ":")))


def _decode(key: str, text: str, path: str) -> FileResult | None:
    """The result an entry holds; raises on any field of the wrong type or a bad checksum."""
    payload = sealed_payload(text, key)
    if payload is None:
        return None
    if payload.keys() != {"format", "key", "diagnostics", "type_coverage", "summary"}:
        raise TypeError("expected the fields of an entry")
    diagnostics = _diagnostics_from(payload["diagnostics"])
    coverage = typing.cast(TypeCoverage, decoded(TypeCoverage, payload["type_coverage"]))
    summary = typing.cast("str | None", decoded(str | None, payload["summary"]))
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
        except MISSES:
            return None  # missing, corrupted or edited: linted again and rewritten

    def _project_entry(self, key: str) -> Path:
        return self.directory / f"v{__version__}-project" / f"{key}.json"

    def load_project(self, key: str) -> dict[str, tuple[Diagnostic, ...]] | None:
        """The project rules' findings by path, when nothing they depend on changed."""
        try:
            payload = sealed_payload(self._project_entry(key).read_text(encoding="utf-8"), key)
            found = None if payload is None else payload["findings"]
            if not isinstance(found, dict):
                return None
            return {path: _diagnostics_from(raws) for path, raws in found.items()}
        except MISSES:
            return None

    def store_project(self, key: str, found: Mapping[str, Sequence[Diagnostic]]) -> None:
        if not self.writable:
            return
        findings = {path: encoded(diagnostics) for path, diagnostics in found.items()}
        payload = {"format": ENTRY_FORMAT, "key": key, "findings": findings}
        entry = self._project_entry(key)
        try:
            self.prepare(entry.parent)
            write_atomically(entry, seal(json.dumps(payload, separators=(",", ":"))))
        except OSError:
            self.writable = False

    def store(self, key: str, result: FileResult) -> None:
        if result.internal_errors or not self.writable:
            return  # a crash is reported again next time rather than remembered
        entry = self._entry(key)
        try:
            self.prepare(entry.parent)
            write_atomically(entry, _encode(key, result))
        except OSError:
            self.writable = False  # a read-only or full disk only costs the speed-up

    def prepare(self, folder: Path) -> None:
        prepare_folder(self.directory, folder)
