"""The summaries of every file of a project, which project rules (FAPI102...) read.

The first document of a project to be linted starts a build in a background thread:
every file of the project is linted once, as ``check`` would lint it, through the same
result cache (a project ``check`` has already seen costs a read per file), in a process
of its own (started fresh, not forked from a process full of threads, and kept for the
next build): a file that crashes the parser ends the build, not the analyser, and a
slow one holds up the builds alone. Until the build is done, project rules see the
document alone. Open documents then stand in for their files on disk with their unsaved
text; a closed one is read again.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from fastapi_lint.cache import decode_summary
from fastapi_lint.files import discover
from fastapi_lint.models import FileResult
from fastapi_lint.runner.jobs import FileJob, run_jobs
from fastapi_lint.runner.single_file import lint_file
from fastapi_lint.selection import job_in_project, rules_for_path
from fastapi_lint.server.setup import DocumentSetup, ProjectKey, cache_dir, display_path

# Beyond this many files the build is skipped: it would take minutes on a cold cache.
MAX_PROJECT_FILES = 5000
Entry = tuple[FileJob, FileResult]
# Told when a build is over, with what went wrong (empty when nothing did).
Built = Callable[[ProjectKey, tuple[str, ...]], None]


class Projects:
    """Each project's summaries on disk, and the open documents' in memory; thread-safe."""

    def __init__(self, on_built: Built, max_files: int = MAX_PROJECT_FILES) -> None:
        self._on_built = on_built
        self._max_files = max_files
        self._lock = threading.Lock()
        self._disk: dict[ProjectKey, dict[str, Entry]] = {}
        self._open: dict[ProjectKey, dict[str, Entry]] = {}
        self._started: set[ProjectKey] = set()
        self._builder = Builder()

    def others(self, setup: DocumentSetup) -> list[Entry] | None:
        """Every file of the document's project but itself; None while they are summarised."""
        key = setup.project
        if key is None:
            return None
        with self._lock:
            disk = self._disk.get(key)
            start = disk is None and key not in self._started
            self._started.add(key)
            merged = None if disk is None else {**disk, **self._open.get(key, {})}
        if start:  # outside the lock: a build done at once calls back into it
            self._start(key, setup)
        if merged is None:
            return None
        merged.pop(setup.display, None)
        return list(merged.values())

    def ready(self, key: ProjectKey) -> bool:
        with self._lock:
            return key in self._disk

    def remember(self, key: ProjectKey, job: FileJob, result: FileResult) -> None:
        """An open document's latest summary stands in for its file."""
        with self._lock:
            self._open.setdefault(key, {})[job.display_path] = (job, result)

    def forget(self, key: ProjectKey, setup: DocumentSetup) -> None:
        """A document was closed: its unsaved text is gone, the file on disk counts again."""
        with self._lock:
            self._open.get(key, {}).pop(setup.display, None)
            if key not in self._disk or setup.file is None:
                return
        job = _job(setup.file, key.root, setup)
        placement = job.placement(setup.context.context if setup.context else None)
        on_disk = lint_file(
            job.file, job.display_path, job.rules, key.options, "collect", placement=placement
        )
        entry = (job, _summarised(on_disk))
        with self._lock:
            self._disk[key][job.display_path] = entry

    def _start(self, key: ProjectKey, setup: DocumentSetup) -> None:
        # A daemon thread, not an executor's: exiting never waits for a long build.
        name = "fastapi-lint-project"
        threading.Thread(target=self._build, args=(key, setup), name=name, daemon=True).start()

    def _build(self, key: ProjectKey, setup: DocumentSetup) -> None:
        try:
            entries, problem = self._builder.summarise(key, setup, self._max_files)
        except BrokenProcessPool:
            entries, problem = {}, f"{key.root}: {_CRASHED}"
        except Exception as error:  # noqa: BLE001 - the document alone is still linted
            entries, problem = {}, f"project summaries failed: {type(error).__name__}: {error}"
        with self._lock:
            self._disk[key] = entries
        self._on_built(key, (problem,) if problem else ())


_CRASHED = (
    "project summaries failed: a file of the project crashed the analyser; project rules "
    "(FAPI102...) see each open document alone"
)


class Builder:
    """One process that summarises projects, one at a time; started again when it dies."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pool: ProcessPoolExecutor | None = None

    def summarise(
        self, key: ProjectKey, setup: DocumentSetup, max_files: int
    ) -> tuple[dict[str, Entry], str | None]:
        """``summarise_project`` there; BrokenProcessPool if it crashes twice in a row."""
        try:
            return self._run(key, setup, max_files)
        except BrokenProcessPool:  # maybe on another project's file: once more, anew
            return self._run(key, setup, max_files)

    def _run(
        self, key: ProjectKey, setup: DocumentSetup, max_files: int
    ) -> tuple[dict[str, Entry], str | None]:
        with self._lock:
            if self._pool is None:
                self._pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))
            pool = self._pool
        try:
            return pool.submit(summarise_project, key, setup, max_files).result()
        except BrokenProcessPool:
            with self._lock:
                if self._pool is pool:
                    self._pool = None
            raise


def summarise_project(
    key: ProjectKey, setup: DocumentSetup, max_files: int
) -> tuple[dict[str, Entry], str | None]:
    """Every file of the project, summarised; or none, and why, when there are too many."""
    config = setup.config
    found = discover(
        [str(key.root)],
        root=key.root,
        exclude=config.exclude,
        extend_exclude=config.extend_exclude,
    )
    if len(found.files) > max_files:
        problem = (
            f"{key.root}: {len(found.files)} files, more than {max_files}: project rules "
            "(FAPI102...) see each open document alone"
        )
        return {}, problem
    jobs = [_job(file, key.root, setup) for file in found.files]
    context = setup.context.context if setup.context is not None else None
    results = run_jobs(jobs, key.options, workers=1, cache_dir=cache_dir(config), project=context)
    pairs = zip(jobs, results, strict=True)
    return {job.display_path: (job, _summarised(result)) for job, result in pairs}, None


def _job(file: Path, root: Path, setup: DocumentSetup) -> FileJob:
    """The file's job as ``check`` makes it: its role read, the rules of that role."""
    shown = display_path(file, root)
    if setup.context is None:
        rules = rules_for_path(setup.rules, file, setup.config)
        return FileJob(file, shown, rules, summarise=True)
    job = job_in_project(file, shown, setup.rules, setup.config, setup.context)
    return dataclasses.replace(job, summarise=True)


def _summarised(result: FileResult) -> FileResult:
    """The result with its summary decoded once, not at every keystroke's project step."""
    if result.summary is not None or result.summary_json is None:
        return result
    try:
        summary = decode_summary(result.summary_json)
    except (ValueError, TypeError, KeyError):
        return dataclasses.replace(result, summary_json=None)  # left out of the project
    return dataclasses.replace(result, summary=summary, summary_json=None)
