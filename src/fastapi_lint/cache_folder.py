"""Where the caches live, and how their files are sealed, written and read back.

The per-file cache (``cache``), the snapshots (``snapshot``) and the replays (``replay``)
share one folder: ``--cache-dir``, else ``$FASTAPI_LINT_CACHE_DIR``, else
``.fastapi_lint_cache`` at the project's root. Every file is a JSON object sealed with
the SHA-256 of its content (an edited or truncated one is refused), written atomically
(a reader never sees half of one), in a folder marked as no source for git. Light to
import: a replayed run needs this and nothing else of the caches (``cache_entries``
checks the records inside entries field by field).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fastapi_lint.models import JsonValue

CACHE_DIR_NAME = ".fastapi_lint_cache"
CACHE_DIR_ENV = "FASTAPI_LINT_CACHE_DIR"
# 2: findings carry the fixes of issue 7 (entries from before would hide them from --fix).
# 3: entries are sealed with a checksum of their content.
# 4: summaries leave out the calls of lazy initialisations (summary.lazy_init).
ENTRY_FORMAT = 4
_SEAL = ',"checksum":"'
_SEAL_LENGTH = len(_SEAL) + 64 + len('"}')


def seal(content: str) -> str:
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


def seal_of(text: str) -> str:
    """The checksum a sealed entry ends with: it names that exact content."""
    return text[-_SEAL_LENGTH + len(_SEAL) : -2]


def sealed_payload(text: str, key: str) -> dict[str, JsonValue] | None:
    """A sealed entry's JSON object; None when it was written for another key or format."""
    payload = json.loads(_unsealed(text))
    if not isinstance(payload, dict):
        raise TypeError("an entry is a JSON object")
    if payload.get("format") != ENTRY_FORMAT or payload.get("key") != key:
        return None  # foreign, or written by another version of this format
    return payload


def sealed_entry(key: str, members: Mapping[str, object]) -> str:
    """A sealed entry of this format for ``key``, holding ``members`` (JSON values)."""
    return seal(json.dumps({"format": ENTRY_FORMAT, "key": key, **members}, separators=(",", ":")))


def write_atomically(target: Path, text: str) -> None:
    import tempfile  # only a run that writes pays for it (a replayed run reads only)

    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=".json")
    try:
        os.fchmod(handle, 0o644)  # mkstemp's 0600 would hide the cache from other users
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def prepare_folder(directory: Path, folder: Path) -> None:
    """Make ``folder`` inside the cache ``directory``, marking the cache as no source for git."""
    folder.mkdir(parents=True, exist_ok=True)
    marker = directory / ".gitignore"
    if not marker.exists():
        write_atomically(marker, "# Created by fastapi-lint: the cache is not source.\n*\n")
