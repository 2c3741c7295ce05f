"""The project step over a run's files: their summaries gathered, its findings cached.

Summaries come from the per-file results (in hand, or as JSON from the cache; a corrupted
one is made again by the engine). The project findings are stored in the cache under a
key made of every file's entry key, so a run where no file changed reuses them without
decoding a single summary.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from fastapi_lint.cache import (
    ResultCache,
    decode_summary,
    project_key,
    rule_codes,
    summary_text,
)
from fastapi_lint.context.project import ProjectContext
from fastapi_lint.engine.lint import lint_file
from fastapi_lint.models import Diagnostic, FileResult, InternalError
from fastapi_lint.options import RuleOptions
from fastapi_lint.project.step import (
    PROJECT_PATH,
    project_rules,
    run_project_rules,
    with_findings,
)
from fastapi_lint.project_model.modules import module_names
from fastapi_lint.project_model.project import Project, ProjectFile
from fastapi_lint.rule import Rule
from fastapi_lint.runner.jobs import FileJob
from fastapi_lint.summary.records import ModuleSummary


def _summary_of(job: FileJob, result: FileResult, options: RuleOptions) -> ModuleSummary | None:
    """A result's summary: in hand, decoded from the cache, or (if corrupted) made again."""
    if result.summary is not None or result.summary_json is None:
        return result.summary
    try:
        return decode_summary(result.summary_json)
    except (ValueError, TypeError, KeyError):
        return lint_file(job.file, job.display_path, (), options, summarise=True).summary


def build_project(
    jobs: Sequence[FileJob],
    results: Sequence[FileResult],
    root: Path,
    options: RuleOptions | None = None,
    source_roots: Sequence[Path] = (),
) -> Project:
    """Every summarised file of a run (jobs and results in the same order)."""
    chosen = options or RuleOptions()
    files = []
    for job, result in zip(jobs, results, strict=True):
        summary = _summary_of(job, result, chosen)
        if summary is not None:
            files.append(ProjectFile(result.path, job.file.absolute(), summary))
    return Project(files, root, source_roots)


@dataclass(frozen=True, slots=True)
class ProjectRun:
    """What the whole-project step of a ``check`` needs besides the per-file results."""

    rules: Sequence[type[Rule]]
    root: Path
    options: RuleOptions
    cache_dir: Path | None = None
    # The project's context: its target versions gate the project rules' fixes.
    context: ProjectContext | None = None

    @property
    def source_roots(self) -> tuple[Path, ...]:
        return self.context.source_roots if self.context is not None else ()


def _cache_key(
    jobs: Sequence[FileJob], results: Sequence[FileResult], run: ProjectRun
) -> str | None:
    """The state of everything the project findings depend on, if every file was cached.

    The project rules read summaries, never a file's text: a file is keyed by its
    summary, not its bytes, so an edit its summary does not show (a comment, a string's
    wording, a local variable) leaves the project findings as they were.
    """
    if any(result.cache_key is None for result in results):
        return None  # an unreadable file, a crash: computed again next time
    # Module names depend on files around the linted ones (``__init__.py``), so they count.
    files = [job.file.absolute() for job in jobs]
    names = module_names(files, [r.path for r in results], run.root, run.source_roots)
    codes = ",".join(sorted(rule.code for rule in project_rules(run.rules)))
    parts = [str(run.root), codes, _context_key(run.context), repr(run.options)]
    parts.append(repr(run.source_roots))
    for job, result, name in zip(jobs, results, names, strict=True):
        parts += [result.path, name, rule_codes(job.rules), _summary_text(result)]
    return project_key(parts)


def _summary_text(result: FileResult) -> str:
    """The summary as the cache holds it (a stored result carries its text already)."""
    if result.summary_json is not None:
        return result.summary_json
    return "-" if result.summary is None else summary_text(result.summary)


def _context_key(context: ProjectContext | None) -> str:
    if context is None:
        return "alone"
    return f"{context.targets.fingerprint()}|{context.routers.fingerprint()}"


@dataclass(frozen=True, slots=True)
class _StoredFindings:
    """The project findings' cache entry, or nothing to read or write (no cache, no key)."""

    cache: ResultCache | None
    key: str | None

    @classmethod
    def of(
        cls, jobs: Sequence[FileJob], results: Sequence[FileResult], run: ProjectRun
    ) -> _StoredFindings:
        if run.cache_dir is None:
            return cls(None, None)
        return cls(ResultCache(run.cache_dir), _cache_key(jobs, results, run))

    def load(self) -> dict[str, tuple[Diagnostic, ...]] | None:
        if self.cache is None or self.key is None:
            return None
        return self.cache.load_project(self.key)

    def store(self, found: dict[str, tuple[Diagnostic, ...]]) -> None:
        if self.cache is not None and self.key is not None:
            self.cache.store_project(self.key, found)


def with_project_findings(
    jobs: Sequence[FileJob], results: Sequence[FileResult], run: ProjectRun
) -> list[FileResult]:
    """``results`` with the findings of the selected project rules added.

    With a cache, the findings are stored under a key made of every file's entry key: a
    run where no file changed reuses them without decoding a single summary.
    """
    if not project_rules(run.rules) or not results:
        return list(results)
    stored = _StoredFindings.of(jobs, results, run)
    found = stored.load()
    errors: list[InternalError] = []
    if found is None:
        found, errors = _project_findings(jobs, results, run)
        if not errors:  # a crash is reported again next time rather than remembered
            stored.store(found)
    merged = [with_findings(result, found.get(result.path, ())) for result in results]
    merged[0] = with_findings(merged[0], (), errors)
    return merged


def _project_findings(
    jobs: Sequence[FileJob], results: Sequence[FileResult], run: ProjectRun
) -> tuple[dict[str, tuple[Diagnostic, ...]], list[InternalError]]:
    enabled = {job.display_path: frozenset(job.rules) for job in jobs}

    def allowed(path: str, rule: type[Rule]) -> bool:
        return rule in enabled.get(path, frozenset())

    project = build_project(jobs, results, run.root, run.options, run.source_roots)
    targets = run.context.targets if run.context is not None else None
    found, errors = run_project_rules(project, project_rules(run.rules), allowed, targets)
    return {path: tuple(diagnostics) for path, diagnostics in found.items()}, errors


Entry = tuple[FileJob, FileResult]


def with_whole_project(
    jobs: Sequence[FileJob],
    results: Sequence[FileResult],
    run: ProjectRun,
    others: Sequence[Entry] = (),
) -> list[FileResult]:
    """``results`` (of ``jobs``) with the project findings of the whole project: ``jobs``
    and the project's ``others`` (files not linted for their own findings: a partial run).

    Every file goes to the project step in path order, so the findings in a file do not
    depend on which files the run was given. The project rules' crashes are reported on
    the first of ``results``.
    """
    entries = [(job, result, True) for job, result in zip(jobs, results, strict=True)]
    entries += [(job, result, False) for job, result in others]
    entries.sort(key=lambda entry: entry[0].display_path)
    merged = with_project_findings([e[0] for e in entries], [e[1] for e in entries], run)
    errors = [error for result in merged for error in result.internal_errors]
    stepped = [error for error in errors if error.path == PROJECT_PATH]
    found = {id(entry[0]): result for entry, result in zip(entries, merged, strict=True)}
    ordered = [_without(found[id(job)], stepped) for job in jobs]
    if ordered:
        ordered[0] = with_findings(ordered[0], (), stepped)
    return ordered


def _without(result: FileResult, errors: Sequence[InternalError]) -> FileResult:
    kept = tuple(error for error in result.internal_errors if error not in errors)
    return (
        result
        if kept == result.internal_errors
        else dataclasses.replace(result, internal_errors=kept)
    )
