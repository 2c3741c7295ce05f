"""Write a fixed file back: atomically where that keeps the file the same file.

The usual way is a temporary file in the same folder, synced, given the original's
mode, owner and group, then renamed over it: an interrupted run leaves each file old or
new, never half written. A rename makes a new file, though, so two cases are written in
place instead (the bytes replaced in the existing file): a file with several hard links
(a rename would leave the other links holding the old text) and a file whose owner or
group this process cannot give the new one (running as another user, say). A read-only
file is never written: its mode is the user saying "do not touch".

Temporary files are named ``.NAME.fastapi-lint-PID.XXXX.tmp``: never a ``.py`` file for
discovery to find, and removed by the next run that writes in that folder once the
process that made them is gone (a ``kill -9`` leaves them behind).
"""

from __future__ import annotations

import functools
import os
import re
import stat
import tempfile
from pathlib import Path

_TEMPORARY = re.compile(r"^\..+\.fastapi-lint-(\d+)\.[^.]+\.tmp$")
_WRITE_BITS = stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH


class FileChangedError(OSError):
    """The file changed on disk while it was being fixed."""


class ReadOnlyError(OSError):
    """The file is read-only: it is left as it is."""


def write_refusal(target: Path) -> str | None:
    """Why ``target`` must not be written (read-only), or None; checked before fixing."""
    try:
        status = os.stat(target)
    except OSError:
        return None  # the write reports it
    if not status.st_mode & _WRITE_BITS or not os.access(target, os.W_OK):
        return "the file is read-only"
    return None


def write_atomically(target: Path, data: bytes, *, expected: bytes | None = None) -> None:
    """Replace ``target``'s content with ``data``, keeping its mode, owner, group and links.

    A symlink's target is what gets replaced, so the link stays a link. ``expected`` is
    the content the fix was computed from: if the file no longer holds it, nothing is
    written (another program changed it meanwhile).
    """
    real = Path(os.path.realpath(target))
    status = real.stat()
    refusal = write_refusal(real)
    if refusal is not None:
        raise ReadOnlyError(0, refusal)
    if expected is not None and real.read_bytes() != expected:
        raise FileChangedError(0, "the file changed while it was being fixed")
    remove_stale_temporaries(real.parent)
    if status.st_nlink > 1 or not _replaced(real, data, status):
        _write_in_place(real, data)


def _replaced(real: Path, data: bytes, status: os.stat_result) -> bool:
    """Write ``data`` by rename; False (nothing changed) when owner or group cannot be kept."""
    prefix = f".{real.name}.fastapi-lint-{os.getpid()}."
    handle, temporary = tempfile.mkstemp(dir=real.parent, prefix=prefix, suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, stat.S_IMODE(status.st_mode))
        if not _same_owner(temporary, status):
            Path(temporary).unlink()
            return False
        os.replace(temporary, real)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    _sync_folder(real.parent)
    return True


def _same_owner(temporary: str, status: os.stat_result) -> bool:
    made = os.stat(temporary)
    if (made.st_uid, made.st_gid) == (status.st_uid, status.st_gid):
        return True
    try:
        os.chown(temporary, status.st_uid, status.st_gid)
    except OSError:
        return False  # only root may give a file away
    return True


def _write_in_place(real: Path, data: bytes) -> None:
    """Replace the bytes of the existing file (same inode: links and owner stay)."""
    with open(real, "r+b") as stream:
        stream.write(data)
        stream.truncate()
        stream.flush()
        os.fsync(stream.fileno())


def remove_stale_temporaries(folder: Path) -> None:
    """Delete temporary files left in ``folder`` by runs that were killed (once per run)."""
    _remove_stale_in(str(folder))


@functools.cache
def _remove_stale_in(folder: str) -> None:
    try:
        names = os.listdir(folder)
    except OSError:
        return
    for name in names:
        match = _TEMPORARY.match(name)
        if match is not None and not _running(int(match.group(1))):
            Path(folder, name).unlink(missing_ok=True)


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # it exists, owned by someone else
    return True


def _sync_folder(folder: Path) -> None:
    # The rename itself reaches the disk only once the folder is synced (POSIX).
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass  # some file systems refuse: the data is safe, only the rename may lag
    finally:
        os.close(descriptor)
