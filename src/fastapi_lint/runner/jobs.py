"""Runs file jobs: through the result cache, in worker processes when there are many.

Workers receive jobs (paths and rule classes, which pickle by name) and send back
plain ``FileResult`` records; no syntax tree ever crosses a process boundary. Results
come back in job order, so the report is the same whatever ``--jobs`` is.
"""

from __future__ import annotations

import dataclasses
import functools
import multiprocessing
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import suppress
from dataclasses import dataclass
from multiprocessing.context import BaseContext
from pathlib import Path
from typing import TypeVar

from fastapi_lint.cache import ResultCache, entry_key, settings_fingerprint, summary_text
from fastapi_lint.context.project import ALONE, Placement, ProjectContext
from fastapi_lint.context.roles import FileRole
from fastapi_lint.engine.lint import unreadable
from fastapi_lint.models import WORKER_CRASHED, FileResult, InternalError
from fastapi_lint.options import RuleOptions
from fastapi_lint.rule import Rule
from fastapi_lint.runner.single_file import ProjectMode, lint_bytes
from fastapi_lint.small_files import read_source_file

# Below this many files per worker, starting processes costs more than it saves.
_MIN_FILES_PER_WORKER = 4
# A batch is 1/_SHARE of each worker's weight still to come, and no less than
# 1/_SMALLEST_SHARE of its whole weight: a few dozen messages in all.
_SHARE = 4
_SMALLEST_SHARE = 64
# Linting an empty file costs about what 250 bytes of code add (start, context, result).
_FILE_COST = 250
_R = TypeVar("_R")
_J = TypeVar("_J")  # a job: a FileJob, or a file and its state when fixing


@dataclass(frozen=True, slots=True)
class FileJob:
    """One file to lint with the rules that apply to it (per-file ignores already applied).

    ``summarise`` asks for the file's project summary: the run has a project rule selected
    (for this file or another: chains pass through every file) or builds the route table.
    ``role`` is the file's role in the project (its rules are already the ones that
    review that role); ``context_key`` names what else of the project's context its
    result depends on (``ProjectSetup.cache_key``).
    """

    file: Path
    display_path: str
    rules: tuple[type[Rule], ...]
    summarise: bool = False
    role: FileRole | None = None
    context_key: str = ""

    def placement(self, project: ProjectContext | None) -> Placement:
        return ALONE if project is None else Placement(project, self.role)


def lint_job(
    job: FileJob,
    options: RuleOptions,
    cache_dir: Path | None,
    project: ProjectContext | None = None,
) -> FileResult:
    """Lint one file, or take its result from the cache when nothing it depends on changed."""
    try:
        data = read_source_file(job.file)
    except OSError as error:
        return unreadable(job.display_path, error)
    return lint_data(job, data, options, cache_dir, project)


def project_mode(job: FileJob) -> ProjectMode:
    # Project rules run once every file is summarised (``runner.project``), not here.
    return "collect" if job.summarise else "skip"


def _key(job: FileJob, data: bytes, options: RuleOptions) -> str:
    fingerprint = settings_fingerprint(
        options, job.rules, summarise=job.summarise, context=job.context_key
    )
    return entry_key(data, job.display_path, fingerprint)


def lint_data(
    job: FileJob,
    data: bytes,
    options: RuleOptions,
    cache_dir: Path | None,
    project: ProjectContext | None = None,
) -> FileResult:
    """``lint_job`` for content already read (the fixer reads it once, for both)."""
    if cache_dir is not None:
        cached = ResultCache(cache_dir).load(_key(job, data, options), job.display_path)
        if cached is not None:
            return cached
    placement = job.placement(project)
    mode = project_mode(job)
    result = lint_bytes(data, job.display_path, job.rules, options, mode, placement=placement)
    return result if cache_dir is None else remember(job, data, result, options, cache_dir)


def remember(
    job: FileJob, data: bytes, result: FileResult, options: RuleOptions, cache_dir: Path
) -> FileResult:
    """Store ``result`` as the result of ``data``; a fixed file's new content, say."""
    key = _key(job, data, options)
    if result.summary is not None and result.summary_json is None:
        # Encoded once: the entry holds it, and the project findings' key reads it.
        result = dataclasses.replace(result, summary_json=summary_text(result.summary))
    ResultCache(cache_dir).store(key, result)
    # The key names the file's state in the whole-project result's key too.
    return dataclasses.replace(result, cache_key=key)


def _context() -> BaseContext:
    # fork starts workers in milliseconds with everything already imported.
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else None)


def crashed(job: FileJob) -> FileResult:
    error = InternalError(job.display_path, "engine", WORKER_CRASHED)
    return FileResult(job.display_path, internal_errors=(error,))


def _cached(job: FileJob, options: RuleOptions, cache_dir: Path) -> FileResult | None:
    """The cached result of ``job`` when nothing it depends on changed, else None."""
    try:
        data = read_source_file(job.file)
    except OSError:
        return None  # lint_job reports it
    return ResultCache(cache_dir).load(_key(job, data, options), job.display_path)


def map_jobs(
    work: Callable[[_J], _R],
    jobs: Sequence[_J],
    workers: int,
    crashed: Callable[[_J], _R],
    weight: Callable[[_J], int] | None = None,
) -> list[_R]:
    """``work`` over ``jobs``, in worker processes when there are enough; job order kept.

    Jobs go out by ``weight`` (a file's size, say), heaviest first, in batches that
    shrink as the work left does: a long file travels alone and early, so no worker is
    left with it while the others are done; small files travel together, so messages
    stay few, and the last batches are small, so the workers finish together.
    """
    workers = min(workers, len(jobs) // _MIN_FILES_PER_WORKER)
    if workers <= 1:
        return [work(job) for job in jobs]
    batches = _batches([weight(job) if weight else 1 for job in jobs], workers)
    done: dict[int, _R] = {}
    run = functools.partial(_work_batch, work)
    # A crashed worker breaks the pool: the jobs not done by then are reported as crashed.
    with (
        suppress(BrokenProcessPool),
        ProcessPoolExecutor(workers, mp_context=_context()) as pool,
    ):
        answers = pool.map(run, _jobs_of(batches, jobs))
        for batch, results in zip(batches, answers, strict=True):
            done.update(zip(batch, results, strict=True))
    return [done[index] if index in done else crashed(job) for index, job in enumerate(jobs)]


def _batches(weights: Sequence[int], workers: int) -> list[list[int]]:
    """Indices of the jobs in batches, heaviest jobs first, each batch a share of the
    weight still to hand out: big batches while there is much left, small ones at the end,
    so the workers finish together (guided scheduling)."""
    order = sorted(range(len(weights)), key=lambda index: weights[index], reverse=True)
    left = sum(max(1, weight) for weight in weights)
    floor = max(1, left // (workers * _SMALLEST_SHARE))
    batches: list[list[int]] = []
    batch: list[int] = []
    load = 0
    for index in order:
        batch.append(index)
        load += max(1, weights[index])
        if load >= max(floor, left // (workers * _SHARE)):
            batches.append(batch)
            left -= load
            batch, load = [], 0
    return [*batches, batch] if batch else batches


def _jobs_of(batches: Sequence[Sequence[int]], jobs: Sequence[_J]) -> Iterator[list[_J]]:
    for batch in batches:
        yield [jobs[index] for index in batch]


def _work_batch(work: Callable[[_J], _R], jobs: Sequence[_J]) -> list[_R]:
    return [work(job) for job in jobs]


def _lint_all(
    jobs: Sequence[FileJob],
    options: RuleOptions,
    workers: int,
    cache_dir: Path | None,
    project: ProjectContext | None,
) -> list[FileResult]:
    work = functools.partial(lint_job, options=options, cache_dir=cache_dir, project=project)
    return map_jobs(work, jobs, workers, crashed, weight=_file_size)


def _file_size(job: FileJob) -> int:
    """The file's weight: its size, plus what any file costs (about 250 bytes' worth)."""
    try:
        return job.file.stat().st_size + _FILE_COST
    except OSError:
        return _FILE_COST  # linting it says why


def run_jobs(
    jobs: Sequence[FileJob],
    options: RuleOptions,
    *,
    workers: int,
    cache_dir: Path | None,
    project: ProjectContext | None = None,
) -> list[FileResult]:
    """Results in job order: cache hits answered here, only the rest sent to workers.

    ``project`` is the run's project context, given to every rule (None: each file is
    linted on its own, every rule of its job run and every fix kept).
    """
    if cache_dir is None:
        return _lint_all(jobs, options, workers, None, project)
    found = [_cached(job, options, cache_dir) for job in jobs]
    missing = [job for job, result in zip(jobs, found, strict=True) if result is None]
    linted = iter(_lint_all(missing, options, workers, cache_dir, project))
    return [result if result is not None else next(linted) for result in found]
