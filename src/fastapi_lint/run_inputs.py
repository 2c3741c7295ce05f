"""What a run read besides the Python files it lints: settings files and folder listings.

A run answered whole from the cache (``snapshot``) is right only while everything the
run read is unchanged. The snapshot hashes the Python files itself; this module records
the rest as the run reads it: every settings, declaration and lock file (all read
through ``small_files.read_small_file``) and every folder listing that roles and target
versions looked at (an ``alembic.ini`` or ``uv.lock`` that appears changes the answer).

Discovery's walks are recorded too, as ``scans``: each folder's names with the kind of
each entry, so that a replayed run (``replay``) knows the files it would find are the
same without walking through excludes and ``.gitignore`` patterns again.

Recording is off unless a run asks for it (``recording``); then each read costs one
digest. Each outcome is kept as a digest of what was read, or of the error that stopped
the read, so that a file that was missing and still is counts as unchanged. The module
imports no dataclasses: a replayed run imports it and has no time for ``inspect``.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager


class InputLog:
    """Digests of what one run read: ``reads`` by ``"<limit>:<path>"``, ``listings`` and
    ``scans`` by folder."""

    __slots__ = ("listings", "reads", "scans")

    def __init__(
        self,
        reads: Mapping[str, str] | None = None,
        listings: Mapping[str, str] | None = None,
        scans: Mapping[str, str] | None = None,
    ) -> None:
        self.reads = dict(reads or {})
        self.listings = dict(listings or {})
        self.scans = dict(scans or {})

    def update(self, other: InputLog) -> None:
        self.reads.update(other.reads)
        self.listings.update(other.listings)
        self.scans.update(other.scans)


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


def scan_digest(entries: Iterable[os.DirEntry[str]] | OSError) -> str:
    """The names in a folder with what each is: a folder, a file, a link (and where it
    leads: a symlinked file is linted at its real place), or something else."""
    if isinstance(entries, OSError):
        return outcome_digest(entries)
    kinds = sorted(f"{entry.name}\0{_entry_kind(entry)}" for entry in entries)
    return outcome_digest("\0\0".join(kinds).encode("utf-8", "surrogateescape"))


def _entry_kind(entry: os.DirEntry[str]) -> str:
    try:
        if entry.is_symlink():
            return "link:" + os.path.realpath(entry.path)
        if entry.is_dir():
            return "folder"
        return "file" if entry.is_file() else "other"
    except OSError:
        return "gone"


def note_read(path: os.PathLike[str] | str, limit: int, outcome: bytes | BaseException) -> None:
    for log in _active:
        log.reads[read_key(path, limit)] = outcome_digest(outcome)


def note_listing(folder: os.PathLike[str] | str, names: Iterable[str] | OSError) -> None:
    for log in _active:
        log.listings[os.fspath(folder)] = listing_digest(names)


def note_scan(folder: str, entries: Iterable[os.DirEntry[str]] | OSError) -> None:
    if _active:  # the digest is not free: only for a run that records
        digest = scan_digest(entries)
        for log in _active:
            log.scans[folder] = digest


def listed(folder: os.PathLike[str] | str) -> frozenset[str]:
    """The names in ``folder`` (none when it cannot be listed), recorded."""
    try:
        names = frozenset(os.listdir(folder))
    except OSError as error:
        note_listing(folder, error)
        return frozenset()
    note_listing(folder, names)
    return names
