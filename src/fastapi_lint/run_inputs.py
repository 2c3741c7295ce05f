"""What a run read besides the Python files it lints: settings files and folder listings.

A run answered whole from the cache (``snapshot``) is right only while everything the
run read is unchanged. The snapshot hashes the Python files itself; this module records
the rest as the run reads it: every settings, declaration and lock file (all read
through ``small_files.read_small_file``) and every folder listing that roles and target
versions looked at (an ``alembic.ini`` or ``uv.lock`` that appears changes the answer).

Recording is off unless a run asks for it (``recording``); then each read costs one
digest. Each outcome is kept as a digest of what was read, or of the error that stopped
the read, so that a file that was missing and still is counts as unchanged.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass(slots=True)
class InputLog:
    """Digests of what one run read: ``reads`` by ``"<limit>:<path>"``, ``listings`` by
    folder."""

    reads: dict[str, str] = field(default_factory=dict)
    listings: dict[str, str] = field(default_factory=dict)


_active: list[InputLog] = []


@contextmanager
def recording() -> Iterator[InputLog]:
    """Record the reads of the code run inside, into the log yielded."""
    log = InputLog()
    _active.append(log)
    try:
        yield log
    finally:
        _active.remove(log)


def read_key(path: os.PathLike[str] | str, limit: int) -> str:
    return f"{limit}:{os.fspath(path)}"


def read_of_key(key: str) -> tuple[str, int]:
    """The path and size limit of a ``reads`` key; ValueError when it is not one."""
    limit, _, path = key.partition(":")
    return path, int(limit)


def outcome_digest(outcome: bytes | BaseException) -> str:
    """The digest of bytes read, or the name of the error that stopped the read."""
    if isinstance(outcome, BaseException):
        return f"error:{type(outcome).__name__}"
    return hashlib.sha256(outcome).hexdigest()


def listing_digest(names: Iterable[str] | OSError) -> str:
    if isinstance(names, OSError):
        return outcome_digest(names)
    return outcome_digest("\0".join(sorted(names)).encode("utf-8", "surrogateescape"))


def note_read(path: os.PathLike[str] | str, limit: int, outcome: bytes | BaseException) -> None:
    for log in _active:
        log.reads[read_key(path, limit)] = outcome_digest(outcome)


def note_listing(folder: os.PathLike[str] | str, names: Iterable[str] | OSError) -> None:
    for log in _active:
        log.listings[os.fspath(folder)] = listing_digest(names)


def listed(folder: os.PathLike[str] | str) -> frozenset[str]:
    """The names in ``folder`` (none when it cannot be listed), recorded."""
    try:
        names = frozenset(os.listdir(folder))
    except OSError as error:
        note_listing(folder, error)
        return frozenset()
    note_listing(folder, names)
    return names
