"""A whole run's report, kept so that a run where nothing changed is answered at once.

The per-file cache (``cache``) spares an unchanged file its parse, but a run answered from
it still imports the rules and LibCST, resolves the project's context and reads one entry
per file: about a second on a mid-size project, ten times ruff. A snapshot keeps the
finished report of one kind of run (same working folder, configuration and paths, the
slot) with what it was computed from: a digest of every Python file the run could lint or
summarise, and of every settings file and folder listing it read (``run_inputs``). The
next run of that kind that finds them all unchanged is answered from the snapshot
without importing a rule.

Each slot holds one snapshot, overwritten by the next run of its kind, so the folder does
not grow with every edit. Like a cache entry, a snapshot is sealed with its checksum,
checked field by field when read and written atomically; anything wrong with it is a miss.
"""

from __future__ import annotations

import hashlib
import os
import typing
from collections.abc import Iterable, Mapping
from dataclasses import asdict
from pathlib import Path

from fastapi_lint import __version__
from fastapi_lint.cache_entries import (
    MISSES,
    decoded,
    prepare_folder,
    sealed_entry,
    sealed_payload,
    write_atomically,
)
from fastapi_lint.models import JsonValue, Report
from fastapi_lint.run_inputs import InputLog, listing_digest, outcome_digest
from fastapi_lint.small_files import SmallFileError, read_small_file, read_source_file


def slot_key(*parts: str) -> str:
    """The slot of a kind of run: the version and whatever else names the kind."""
    digest = hashlib.sha256(__version__.encode())
    for part in parts:
        digest.update(b"\0" + part.encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


def files_digest(files: Iterable[Path]) -> str | None:
    """One digest of the files' paths and bytes; None when one cannot be read (that run
    reports it, and is not answered from a snapshot)."""
    digest = hashlib.sha256()
    for path in sorted({os.path.abspath(file) for file in files}):
        try:
            data = read_source_file(Path(path))
        except OSError:
            return None
        digest.update(path.encode("utf-8", "surrogateescape") + b"\0")
        digest.update(hashlib.sha256(data).digest())
    return digest.hexdigest()


class Snapshots:
    """The snapshots kept in a cache folder, one per slot."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def _file(self, slot: str) -> Path:
        return self.directory / f"v{__version__}-runs" / f"{slot}.json"

    def load(self, slot: str, files: str) -> Report | None:
        """The slot's report, when its files and everything else it read are unchanged."""
        try:
            payload = sealed_payload(self._file(slot).read_text(encoding="utf-8"), slot)
            if payload is None or payload["files"] != files:
                return None
            if not _unchanged(payload["reads"], payload["listings"]):
                return None
            return typing.cast(Report, decoded(Report, payload["report"]))
        except MISSES:
            return None  # missing, corrupted or edited: the run is done again

    def store(self, slot: str, files: str, inputs: InputLog, report: Report) -> None:
        """Keep ``report`` for the slot; not a run with errors (reported again next time)."""
        if report.internal_errors:
            return
        members: dict[str, object] = {
            "files": files,
            "reads": inputs.reads,
            "listings": inputs.listings,
            "report": asdict(report),
        }
        target = self._file(slot)
        try:
            prepare_folder(self.directory, target.parent)
            write_atomically(target, sealed_entry(slot, members))
        except OSError:
            return  # a read-only or full disk only costs the speed-up


def _unchanged(reads: JsonValue, listings: JsonValue) -> bool:
    """Every file and folder read is as it was (``run_inputs`` recorded them)."""
    for key, digest in _strings(reads).items():
        limit, _, path = key.partition(":")
        if _read_outcome(Path(path), int(limit)) != digest:
            return False
    return all(_listing(folder) == digest for folder, digest in _strings(listings).items())


def _strings(raw: JsonValue) -> Mapping[str, str]:
    if not isinstance(raw, dict) or not all(isinstance(value, str) for value in raw.values()):
        raise TypeError("expected an object of strings")
    return typing.cast(Mapping[str, str], raw)


def _read_outcome(path: Path, limit: int) -> str:
    try:
        return outcome_digest(read_small_file(path, limit))
    except (OSError, SmallFileError) as error:
        return outcome_digest(error)


def _listing(folder: str) -> str:
    try:
        return listing_digest(os.listdir(folder))
    except OSError as error:
        return listing_digest(error)
