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

Every entry is sealed with the SHA-256 of its content (the entry's JSON object, less a last
``checksum`` member that holds it), and every field of it is checked against the type of the
record it stands for when read. An entry edited by hand, truncated, or holding a value of the
wrong type (``"annotated": "1"``) is a miss: linted again and rewritten, never trusted.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import os
import tempfile
import types
import typing
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict
from pathlib import Path

from fastapi_lint import __version__
from fastapi_lint.models import Diagnostic, FileResult, JsonValue, TypeCoverage
from fastapi_lint.options import RuleOptions
from fastapi_lint.rule import Rule
from fastapi_lint.summary.codec import summary_from_json, summary_to_json
from fastapi_lint.summary.records import ModuleSummary

CACHE_DIR_NAME = ".fastapi_lint_cache"
CACHE_DIR_ENV = "FASTAPI_LINT_CACHE_DIR"
# 2: findings carry the fixes of issue 7 (entries from before would hide them from --fix).
# 3: entries are sealed with a checksum of their content.
_FORMAT = 3
_SEAL = ',"checksum":"'
_SEAL_LENGTH = len(_SEAL) + 64 + len('"}')
_MISS = (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError)
Decoder = Callable[[JsonValue], object]


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


def _sealed(content: str) -> str:
    """The JSON object ``content`` with a last member, ``checksum``, holding its digest."""
    digest = hashlib.sha256(content.encode("utf-8")).hexdigest()
    return f'{content[:-1]}{_SEAL}{digest}"}}'


def _unsealed(text: str) -> str:
    """The content of a sealed entry; raises ValueError when its checksum does not match."""
    cut = len(text) - _SEAL_LENGTH
    if cut < 1 or text[cut : cut + len(_SEAL)] != _SEAL or not text.endswith('"}'):
        raise ValueError("not a sealed entry")
    content = text[:cut] + "}"
    if hashlib.sha256(content.encode("utf-8")).hexdigest() != text[cut + len(_SEAL) : -2]:
        raise ValueError("the entry's checksum does not match its content")
    return content


def _payload(text: str, key: str) -> dict[str, JsonValue] | None:
    """A sealed entry's JSON object; None when it was written for another key or format."""
    payload = json.loads(_unsealed(text))
    if not isinstance(payload, dict):
        raise TypeError("an entry is a JSON object")
    if payload.get("format") != _FORMAT or payload.get("key") != key:
        return None  # foreign, or written by another version of this format
    return payload


@functools.cache
def _decoder(kind: object) -> Decoder:
    """How to check and rebuild a JSON value of type ``kind`` (a record's field), built once."""
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        return _record_decoder(kind)
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        return _tuple_decoder(_decoder(args[0]))
    if origin in (typing.Union, types.UnionType) and type(None) in args:
        return _optional_decoder(_decoder(next(a for a in args if a is not type(None))))
    if origin is typing.Literal:
        return _literal_decoder(args)
    if kind in (str, int):
        return _literal_decoder(kind)
    raise TypeError(f"no decoder for {kind}")


def _record_decoder(cls: type) -> Decoder:
    """A record stored as the object ``asdict`` makes of it: exactly its fields."""
    hints = typing.get_type_hints(cls)
    fields = {field.name: _decoder(hints[field.name]) for field in dataclasses.fields(cls)}

    def decode(raw: JsonValue) -> object:
        if not isinstance(raw, dict) or raw.keys() != fields.keys():
            raise TypeError(f"expected the fields of {cls.__name__}")
        return cls(**{name: check(raw[name]) for name, check in fields.items()})

    return decode


def _tuple_decoder(item: Decoder) -> Decoder:
    def decode(raw: JsonValue) -> object:
        if not isinstance(raw, list):
            raise TypeError("expected a list")
        return tuple(map(item, raw))

    return decode


def _optional_decoder(inner: Decoder) -> Decoder:
    def decode(raw: JsonValue) -> object:
        return None if raw is None else inner(raw)

    return decode


def _literal_decoder(allowed: type | tuple[object, ...]) -> Decoder:
    """A value of exactly one scalar type (``True`` is no int), or one of a few values."""

    def decode(raw: JsonValue) -> object:
        valid = type(raw) is allowed if isinstance(allowed, type) else raw in allowed
        if not valid:
            raise TypeError(f"expected {allowed}, got {raw!r}")
        return raw

    return decode


def _diagnostics_from(raw: JsonValue) -> tuple[Diagnostic, ...]:
    found = _decoder(tuple[Diagnostic, ...])(raw)
    return typing.cast(tuple[Diagnostic, ...], found)


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
    return _sealed(json.dumps(payload, separators=(",", ":")))


def _decode(key: str, text: str, path: str) -> FileResult | None:
    """The result an entry holds; raises on any field of the wrong type or a bad checksum."""
    payload = _payload(text, key)
    if payload is None:
        return None
    if payload.keys() != {"format", "key", "diagnostics", "type_coverage", "summary"}:
        raise TypeError("expected the fields of an entry")
    diagnostics = _diagnostics_from(payload["diagnostics"])
    coverage = typing.cast(TypeCoverage, _decoder(TypeCoverage)(payload["type_coverage"]))
    summary = typing.cast("str | None", _decoder(str | None)(payload["summary"]))
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
        except _MISS:
            return None  # missing, corrupted or edited: linted again and rewritten

    def _project_entry(self, key: str) -> Path:
        return self.directory / f"v{__version__}-project" / f"{key}.json"

    def load_project(self, key: str) -> dict[str, tuple[Diagnostic, ...]] | None:
        """The project rules' findings by path, when nothing they depend on changed."""
        try:
            payload = _payload(self._project_entry(key).read_text(encoding="utf-8"), key)
            found = None if payload is None else payload["findings"]
            if not isinstance(found, dict):
                return None
            return {path: _diagnostics_from(raws) for path, raws in found.items()}
        except _MISS:
            return None

    def store_project(self, key: str, found: Mapping[str, Sequence[Diagnostic]]) -> None:
        if not self.writable:
            return
        findings = {path: [asdict(d) for d in diagnostics] for path, diagnostics in found.items()}
        payload = {"format": _FORMAT, "key": key, "findings": findings}
        entry = self._project_entry(key)
        try:
            self._prepare(entry.parent)
            _write_atomically(entry, _sealed(json.dumps(payload, separators=(",", ":"))))
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
