"""Read a settings or declaration file only when it is a regular file of bounded size.

``pyproject.toml``, ``--config FILE``, requirements and lock files are named by the user or
found by name, so any of them may be a named pipe (reading blocks forever), a device
(``/dev/zero`` never ends) or a huge file. They are opened without blocking, checked to be
regular files, and read up to a limit; anything else is refused with a reason.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from fastapi_lint.run_inputs import note_read

MEGABYTE = 1_000_000
# Settings files are small; a lock file of a large project can be a few megabytes.
SETTINGS_LIMIT = MEGABYTE
DECLARATIONS_LIMIT = 32 * MEGABYTE
# A pipe opened for reading must not wait for a writer (there is no flag on Windows).
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)


class SmallFileError(ValueError):
    """A path that is not a regular file, or is larger than the limit; says which."""


def read_small_file(path: Path, limit: int) -> bytes:
    """The bytes of ``path``; raises SmallFileError, or OSError when it cannot be read.

    What it read, or why it could not, is noted for a run that records its inputs.
    """
    try:
        data = _read_small_file(path, limit)
    except (OSError, SmallFileError) as error:
        note_read(path, limit, error)
        raise
    note_read(path, limit, data)
    return data


def _read_small_file(path: Path, limit: int) -> bytes:
    refuse_unless_small(os.stat(path), limit)  # devices are not even opened
    descriptor = os.open(path, _OPEN_FLAGS)
    with os.fdopen(descriptor, "rb") as handle:
        refuse_unless_small(os.fstat(descriptor), limit)  # replaced since the stat
        data = handle.read(limit + 1)
    refuse_unless_small(len(data), limit)
    return data


def refuse_unless_small(found: os.stat_result | int, limit: int) -> None:
    """Raise SmallFileError for a stat that is not a regular file's, or a size over the limit."""
    if isinstance(found, os.stat_result):
        if not stat.S_ISREG(found.st_mode):
            raise SmallFileError("it is not a regular file")
        found = found.st_size
    if found > limit:
        raise SmallFileError(f"it is larger than {_megabytes(limit)}, the size limit")


def _megabytes(limit: int) -> str:
    return f"{limit / MEGABYTE:g} MB"


def read_source_file(path: Path) -> bytes:
    """The bytes of a file to lint, of any size; OSError unless it is a regular file.

    Discovery lints only regular files, but a file can be replaced by a pipe between
    the walk and the read: opened without blocking and checked again, it cannot hang.
    """
    descriptor = os.open(path, _OPEN_FLAGS)
    with os.fdopen(descriptor, "rb") as handle:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise OSError(errno.EINVAL, "not a regular file")
        return handle.read()
