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
not grow with every edit. Beside it, the output the report was printed as (per format and
options) is kept under the snapshot's checksum, so the next identical run prints it back
without decoding thousands of findings; the report itself is kept as JSON text, decoded
only when it is needed (another format, ``--baseline``, ``--diff-from``).

Like a cache entry, a snapshot is sealed with its checksum, checked field by field when
read and written atomically; anything wrong with it is a miss.
"""

from __future__ import annotations

import hashlib
import json
import typing
from dataclasses import dataclass
from pathlib import Path

from fastapi_lint import __version__
from fastapi_lint.cache_entries import MISSES, decoded, encoded
from fastapi_lint.cache_folder import (
    prepare_folder,
    seal_of,
    sealed_entry,
    sealed_payload,
    write_atomically,
)
from fastapi_lint.input_checks import recorded_inputs, unchanged
from fastapi_lint.models import Report
from fastapi_lint.run_inputs import InputLog


def slot_key(*parts: str) -> str:
    """The slot of a kind of run: the version and whatever else names the kind."""
    digest = hashlib.sha256(__version__.encode())
    for part in parts:
        digest.update(b"\0" + part.encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


@dataclass(frozen=True, slots=True)
class Snapshot:
    """A kept report, still as JSON text, and the checksum that names it."""

    seal: str
    report_json: str
    findings: int
    files: int
    inputs: InputLog
    """What the run that made it read besides the Python files."""

    def report(self) -> Report:
        """The report; raises TypeError or ValueError when its text is corrupted."""
        return typing.cast(Report, decoded(Report, json.loads(self.report_json)))


class Snapshots:
    """The snapshots kept in a cache folder, one per slot, and the outputs printed of them."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def _file(self, slot: str, suffix: str = "") -> Path:
        return self.directory / f"v{__version__}-runs" / f"{slot}{suffix}.json"

    def load(self, slot: str, files: str) -> Snapshot | None:
        """The slot's snapshot, when its files and everything else it read are unchanged."""
        try:
            text = self._file(slot).read_text(encoding="utf-8")
            payload = sealed_payload(text, slot)
            if payload is None or payload["files"] != files:
                return None
            inputs = recorded_inputs(payload["reads"], payload["listings"], payload["scans"])
            if not unchanged(inputs):
                return None
            report, counts = payload["report"], payload["counts"]
            if not isinstance(report, str) or not isinstance(counts, list):
                raise TypeError("expected the report's text and its counts")
            findings, linted = typing.cast(tuple[int, int], decoded(tuple[int, int], counts))
            return Snapshot(seal_of(text), report, findings, linted, inputs)
        except MISSES:
            return None  # missing, corrupted or edited: the run is done again

    def output(self, slot: str, snapshot: Snapshot, variant: str) -> str | None:
        """What ``snapshot`` was printed as in ``variant`` (a format and its options)."""
        try:
            entry = self._file(slot, _variant_suffix(variant)).read_text(encoding="utf-8")
            payload = sealed_payload(entry, f"{snapshot.seal}|{variant}")
            found = None if payload is None else payload["text"]
            return found if isinstance(found, str) else None
        except MISSES:
            return None

    def store_output(self, slot: str, snapshot: Snapshot, variant: str, text: str) -> None:
        target = self._file(slot, _variant_suffix(variant))
        self._write(target, sealed_entry(f"{snapshot.seal}|{variant}", {"text": text}))

    def store(self, slot: str, files: str, inputs: InputLog, report: Report) -> Snapshot | None:
        """Keep ``report`` for the slot; not a run with errors (reported again next time)."""
        if report.internal_errors:
            return None
        report_json = json.dumps(encoded(report), separators=(",", ":"))
        counts = (len(report.diagnostics), report.files)
        members: dict[str, object] = {
            "files": files,
            "reads": inputs.reads,
            "listings": inputs.listings,
            "scans": inputs.scans,
            # Text inside the snapshot: reading the snapshot does not decode the findings.
            "report": report_json,
            "counts": counts,
        }
        text = sealed_entry(slot, members)
        self._write(self._file(slot), text)
        return Snapshot(seal_of(text), report_json, *counts, inputs)

    def _write(self, target: Path, text: str) -> None:
        try:
            prepare_folder(self.directory, target.parent)
            write_atomically(target, text)
        except OSError:
            return  # a read-only or full disk only costs the speed-up


def _variant_suffix(variant: str) -> str:
    return "-" + hashlib.sha256(variant.encode()).hexdigest()[:16]
