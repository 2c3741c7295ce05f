"""Whether what a run read is still as it was: the test behind snapshots and replays.

A run answered from the cache (``snapshot``, ``replay``) is right only while every file it
linted and everything else it read is unchanged. ``files_digest`` is one digest of the
Python files; ``unchanged`` reads again what ``run_inputs`` recorded (settings files,
folder listings, discovery's scans) and compares the digests. Light to import: a replayed
run calls both before anything else is loaded.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from pathlib import Path

from fastapi_lint.run_inputs import (
    InputLog,
    listing_digest,
    outcome_digest,
    read_of_key,
    scan_digest,
)
from fastapi_lint.small_files import SmallFileError, read_small_file, read_source_file


def files_digest(files: Iterable[Path | str]) -> str | None:
    """One digest of the files' paths and bytes; None when one cannot be read (that run
    reports it, and is not answered from the cache)."""
    digest = hashlib.sha256()
    for path in sorted({os.path.abspath(file) for file in files}):
        try:
            data = read_source_file(Path(path))
        except OSError:
            return None
        digest.update(path.encode("utf-8", "surrogateescape") + b"\0")
        digest.update(hashlib.sha256(data).digest())
    return digest.hexdigest()


def recorded_inputs(reads: object, listings: object, scans: object) -> InputLog:
    """The log a cache file kept as three JSON objects of strings; TypeError otherwise."""
    return InputLog(_strings(reads), _strings(listings), _strings(scans))


def _strings(raw: object) -> dict[str, str]:
    if not isinstance(raw, dict):
        raise TypeError("expected an object of strings")
    if not all(isinstance(key, str) and isinstance(value, str) for key, value in raw.items()):
        raise TypeError("expected an object of strings")
    return raw


def unchanged(log: InputLog) -> bool:
    """Every file read, folder listed and folder scanned is as ``log`` recorded it.

    Raises ValueError when a read's key is not one ``run_inputs`` writes.
    """
    for key, digest in log.reads.items():
        path, limit = read_of_key(key)
        if _read_outcome(Path(path), limit) != digest:
            return False
    if any(listing_of(folder) != digest for folder, digest in log.listings.items()):
        return False
    return all(_scan(folder) == digest for folder, digest in log.scans.items())


def _read_outcome(path: Path, limit: int) -> str:
    try:
        return outcome_digest(read_small_file(path, limit))
    except (OSError, SmallFileError) as error:
        return outcome_digest(error)


def listing_of(folder: str) -> str:
    try:
        return listing_digest(os.listdir(folder))
    except OSError as error:
        return listing_digest(error)


def _scan(folder: str) -> str:
    try:
        with os.scandir(folder) as entries:
            return scan_digest(list(entries))
    except OSError as error:
        return scan_digest(error)
