"""The baseline file: today's findings, recorded so that CI fails only on new ones.

A finding is matched by its :class:`~fastapi_lint.fingerprints.FindingKey` (path, code,
normalised source line, occurrence index), never by its line number: code moving up or
down keeps its findings hidden, an edited line shows its findings again.

Paths in the file are relative to the folder holding the baseline file, so the same file
works whatever the working directory of the run. The file lists one finding per line,
sorted, so that a review of a rewritten baseline shows exactly the findings paid off::

    {
      "version": 1,
      "findings": [
        {"path": "app/main.py", "code": "FAPI101", "source": "time.sleep(1)", "occurrence": 0}
      ]
    }

Syntax errors (FAPI000) are never recorded nor hidden, as ``# noqa`` cannot hide them: a
file that does not parse is not linted at all, and a baseline must not make that silent.
"""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from fastapi_lint.fingerprints import FindingKey, finding_keys
from fastapi_lint.models import Diagnostic, JsonObject, JsonValue, Report
from fastapi_lint.suppression import UNSUPPRESSIBLE

BASELINE_VERSION = 1
_FIELDS = ("path", "code", "source", "occurrence")


class BaselineError(Exception):
    """The baseline file is missing, unreadable or not a baseline."""


@dataclass(frozen=True, slots=True)
class Baseline:
    """The recorded keys, and the folder their paths are relative to."""

    root: Path
    keys: frozenset[FindingKey]


def load_baseline(file: Path) -> Baseline:
    """Read ``file``; entries whose file no longer exists are dropped (deleted files)."""
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BaselineError(
            f"baseline file {file} does not exist (create it with --write-baseline {file})"
        ) from None
    except (OSError, UnicodeDecodeError) as error:
        raise BaselineError(f"cannot read baseline file {file}: {error}") from None
    root = _root(file)
    keys = _parse(text, file)
    return Baseline(root, frozenset(key for key in keys if (root / key.path).exists()))


def write_baseline(file: Path, report: Report) -> int:
    """Record the findings of ``report`` in ``file``, atomically; returns how many."""
    keys = sorted(
        _keys(report.diagnostics, _root(file)),
        key=lambda key: (key.path, key.code, key.source, key.occurrence),
    )
    entries = [json.dumps(_entry(key), ensure_ascii=False) for key in keys]
    body = ",\n".join(f"    {entry}" for entry in entries)
    findings = f"[\n{body}\n  ]" if entries else "[]"
    text = f'{{\n  "version": {BASELINE_VERSION},\n  "findings": {findings}\n}}\n'
    # A lone surrogate (undecodable source kept by surrogateescape) becomes the JSON escape
    # ``\udcXX``, which reads back as the same character.
    _write_atomically(file, text.encode("utf-8", "backslashreplace"))
    return len(keys)


def without_baselined(report: Report, baseline: Baseline) -> Report:
    """``report`` less the findings the baseline records, counting them in ``baselined``."""
    keys = finding_keys(_rebased(report.diagnostics, baseline.root))
    kept = tuple(
        diagnostic
        for diagnostic, key in zip(report.diagnostics, keys, strict=True)
        if diagnostic.code in UNSUPPRESSIBLE or key not in baseline.keys
    )
    hidden = len(report.diagnostics) - len(kept)
    return dataclasses.replace(report, diagnostics=kept, baselined=hidden)


def _root(file: Path) -> Path:
    return file.absolute().parent


def _keys(diagnostics: Iterable[Diagnostic], root: Path) -> list[FindingKey]:
    recordable = [d for d in diagnostics if d.code not in UNSUPPRESSIBLE]
    return finding_keys(_rebased(recordable, root))


def _rebased(diagnostics: Iterable[Diagnostic], root: Path) -> list[Diagnostic]:
    """The diagnostics with paths relative to ``root`` (the baseline's folder)."""
    return [dataclasses.replace(d, path=_relative(d.path, root)) for d in diagnostics]


def _relative(path: str, root: Path) -> str:
    try:
        return Path(os.path.relpath(Path(path).absolute(), root)).as_posix()
    except ValueError:  # another drive on Windows: no relative path exists
        return Path(path).as_posix()


def _entry(key: FindingKey) -> JsonObject:
    return {"path": key.path, "code": key.code, "source": key.source, "occurrence": key.occurrence}


def _parse(text: str, file: Path) -> list[FindingKey]:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise BaselineError(f"baseline file {file} is not valid JSON: {error}") from None
    if not isinstance(document, dict) or document.get("version") != BASELINE_VERSION:
        raise BaselineError(
            f"baseline file {file} is not a version {BASELINE_VERSION} fastapi-lint baseline"
        )
    findings = document.get("findings")
    if not isinstance(findings, list):
        raise BaselineError(f"baseline file {file} has no list of findings")
    return [_key(entry, file, index) for index, entry in enumerate(findings)]


def _key(entry: JsonValue, file: Path, index: int) -> FindingKey:
    key = _as_key(entry)
    if key is None:
        fields = ", ".join(_FIELDS)
        raise BaselineError(f"baseline file {file}: finding {index} needs exactly {fields}")
    return key


def _as_key(entry: JsonValue) -> FindingKey | None:
    if not isinstance(entry, dict) or sorted(entry) != sorted(_FIELDS):
        return None
    path, code, source, occurrence = (entry[name] for name in _FIELDS)
    texts = isinstance(path, str) and isinstance(code, str) and isinstance(source, str)
    # bool is an int subclass: ``true`` is no occurrence index.
    if not texts or not isinstance(occurrence, int) or isinstance(occurrence, bool):
        return None
    return FindingKey(str(path), str(code), str(source), occurrence)


def _write_atomically(file: Path, data: bytes) -> None:
    """Write a temporary file beside ``file``, then rename it over: never half a file."""
    folder = file.absolute().parent
    folder.mkdir(parents=True, exist_ok=True)
    # Opened by name, not with mkstemp, so the file gets the umask's usual permissions.
    temporary = folder / f".{file.name}.{os.getpid()}.tmp"
    try:
        temporary.write_bytes(data)
        os.replace(temporary, file)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
