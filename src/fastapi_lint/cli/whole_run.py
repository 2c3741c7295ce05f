"""A ``check`` answered whole from a snapshot when nothing it read has changed.

Only a run whose report is its whole output is answered so: not standard input, not
``--fix``/``--diff`` (they write or print the fixes), not the review page (it draws the
project's route table from the summaries). ``--baseline``, ``--write-baseline`` and
``--diff-from`` narrow the report afterwards, so they are answered too. A run that names
a missing path, or a file that cannot be read, is done again to report it.

The output printed from a snapshot is kept too, per format and options, and printed back
as it was by the next identical run: not when a flag narrows the report, nor for SARIF,
whose rule links come from the environment and the installed package. A command whose
output is kept that way also leaves its replay (``replay``), for the next identical
command to be answered before the command line is even parsed.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from fastapi_lint.cache_entries import MISSES
from fastapi_lint.cli.common import (
    STDIN,
    CheckRequest,
    Outcome,
    checked_project_root,
    chosen_cache_dir,
    discover_paths,
)
from fastapi_lint.config import Config
from fastapi_lint.input_checks import files_digest
from fastapi_lint.replay import Printed, Recorder
from fastapi_lint.run_inputs import InputLog
from fastapi_lint.runner.project_files import project_discovery
from fastapi_lint.snapshot import Snapshot, Snapshots, slot_key


@dataclass(frozen=True, slots=True)
class RunProbe:
    """Where this kind of run keeps its snapshot, and the digest of its files now."""

    snapshots: Snapshots
    slot: str
    files: str
    paths: tuple[str, ...]
    """The files digested into ``files``: those linted, and those only summarised."""

    def answer(self) -> Answer | None:
        snapshot = self.snapshots.load(self.slot, self.files)
        return None if snapshot is None else Answer(self, snapshot)

    def remember(self, inputs: InputLog, outcome: Outcome) -> Answer | None:
        """Keep the run's snapshot; the answer it now gives (for its output to be kept)."""
        if outcome.usage_problem:
            return None
        snapshot = self.snapshots.store(self.slot, self.files, inputs, outcome.report)
        return None if snapshot is None else Answer(self, snapshot)


@dataclass(frozen=True, slots=True)
class Answer:
    """A run answered from its snapshot."""

    probe: RunProbe
    snapshot: Snapshot

    @property
    def nothing_linted(self) -> bool:
        return self.snapshot.files == 0

    def outcome(self) -> Outcome | None:
        """The run's findings; None when the snapshot's report text is corrupted."""
        try:
            report = self.snapshot.report()
        except MISSES:
            return None
        return Outcome(report, nothing_linted=self.nothing_linted)

    def printed(self, request: CheckRequest) -> str | None:
        """What an identical run printed of this snapshot, when it can be printed again."""
        if not _replayable(request):
            return None
        return self.probe.snapshots.output(self.probe.slot, self.snapshot, _variant(request))

    def keep_printed(self, request: CheckRequest, text: str) -> None:
        if _replayable(request):
            snapshots, slot = self.probe.snapshots, self.probe.slot
            snapshots.store_output(slot, self.snapshot, _variant(request), text)

    def keep_replay(
        self, recorder: Recorder | None, request: CheckRequest, printed: str, exit_code: int
    ) -> None:
        """Keep the command's replay: only for an output printed to standard output alone
        (not to a file, and with no warning that nothing was linted)."""
        to_stdout_alone = request.output_file is None and not self.nothing_linted
        if recorder is None or not to_stdout_alone or not _replayable(request):
            return
        probe = self.probe
        kept = Printed(
            printed,
            color=request.color,
            exit_code=exit_code,
            paths=request.paths,
            files=probe.paths,
            files_digest=probe.files,
            inputs=self.snapshot.inputs,
        )
        recorder.keep(kept, probe.snapshots.directory)


def _replayable(request: CheckRequest) -> bool:
    narrowed = request.baseline or request.write_baseline or request.diff_from
    return not narrowed and request.output_format != "sarif"


def _variant(request: CheckRequest) -> str:
    options = (request.output_format, request.color, request.quiet, request.statistics)
    return "|".join(map(str, options))


def probe(request: CheckRequest, config: Config) -> RunProbe | None:
    """The run's snapshot slot and files; None for a run never answered from a snapshot."""
    cache_dir = chosen_cache_dir(request, config)
    if cache_dir is None or request.fixing or request.paths == (STDIN,) or request.reviews:
        return None
    found = discover_paths(request, config)
    if found.problems:
        return None
    root = checked_project_root(config, found.files)
    paths = [*found.files, *_rest_of_project(config, root, request.paths)]
    files = files_digest(paths)
    if files is None:
        return None
    kind = (os.getcwd(), repr(config), "\0".join(request.paths), str(request.force_exclude))
    named = tuple(sorted({os.path.abspath(path) for path in paths}))
    return RunProbe(Snapshots(cache_dir), slot_key(*kind), files, named)


def _rest_of_project(config: Config, root: Path, paths: Sequence[str]) -> Sequence[Path]:
    """The project's files that the run summarises besides those given (a partial run);
    none to add when the run was given the project's root itself."""
    if len(paths) == 1 and os.path.abspath(paths[0]) == os.path.abspath(root):
        return ()
    return project_discovery(config, root) or ()
