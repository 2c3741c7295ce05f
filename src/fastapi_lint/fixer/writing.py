"""Write a fixed file atomically: a temporary file in the same folder, synced, then renamed.

The temporary file is flushed to disk and given the original file's mode before
``os.replace``, so an interrupted run leaves each file old or new, never half written.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path


class FileChangedError(OSError):
    """The file changed on disk while it was being fixed."""


def write_atomically(target: Path, data: bytes, *, expected: bytes | None = None) -> None:
    """Replace ``target``'s content with ``data``, all at once, keeping its mode.

    A symlink's target is what gets replaced, so the link stays a link. ``expected`` is
    the content the fix was computed from: if the file no longer holds it, nothing is
    written (another program changed it meanwhile).
    """
    real = Path(os.path.realpath(target))
    mode = stat.S_IMODE(real.stat().st_mode)
    if expected is not None and real.read_bytes() != expected:
        raise FileChangedError(0, "the file changed while it was being fixed")
    handle, temporary = tempfile.mkstemp(dir=real.parent, prefix=f".{real.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, real)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    _sync_folder(real.parent)


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
