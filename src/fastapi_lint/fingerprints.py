"""Fingerprints that identify a finding across edits, not by its line number.

A finding is keyed by its path, its code, the normalised text of its source line and an
occurrence index (the n-th finding with that same path, code and text). Code moving up
or down the file keeps the key; editing the flagged line itself changes it.

Used by the ``gitlab`` reporter (Code Quality ``fingerprint``, which GitLab compares
between the base and head pipelines of a merge request) and by the baseline file
(:mod:`fastapi_lint.baseline`), so that both agree on what "the same finding" is.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from fastapi_lint.models import Diagnostic

# 32 hex digits (128 bits), the length of the MD5 fingerprints in GitLab's examples.
FINGERPRINT_LENGTH = 32


@dataclass(frozen=True, slots=True)
class FindingKey:
    """What makes a finding the same finding from one run to the next."""

    path: str
    code: str
    source: str
    occurrence: int

    def fingerprint(self) -> str:
        """A stable hex digest of the key (the NUL separator cannot occur in any part)."""
        text = "\0".join((self.path, self.code, self.source, str(self.occurrence)))
        return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[
            :FINGERPRINT_LENGTH
        ]


def normalise_source(line: str) -> str:
    """The line with runs of whitespace collapsed: re-indenting code keeps its findings."""
    return " ".join(line.split())


def normalise_path(path: str) -> str:
    """Forward slashes and no leading ``./``, so Windows and POSIX runs agree."""
    posix = path.replace("\\", "/")
    while posix.startswith("./"):
        posix = posix[2:]
    return posix


def finding_keys(diagnostics: Iterable[Diagnostic]) -> list[FindingKey]:
    """One key per diagnostic, in the order given.

    Occurrence indexes count in that order, so pass the diagnostics sorted by position
    (as :class:`~fastapi_lint.models.Report` holds them) to number repeats top to bottom.
    """
    seen: dict[tuple[str, str, str], int] = {}
    keys = []
    for diagnostic in diagnostics:
        identity = (
            normalise_path(diagnostic.path),
            diagnostic.code,
            normalise_source(diagnostic.source_line),
        )
        occurrence = seen.get(identity, 0)
        seen[identity] = occurrence + 1
        keys.append(FindingKey(*identity, occurrence))
    return keys


def fingerprints(diagnostics: Iterable[Diagnostic]) -> list[str]:
    """The fingerprint of each diagnostic, in the order given."""
    return [key.fingerprint() for key in finding_keys(diagnostics)]
