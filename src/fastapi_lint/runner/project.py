"""The project step over a run's files: their summaries gathered, its findings cached.

Summaries come from the per-file results (in hand, or as JSON from the cache; a corrupted
one is made again by the engine). The project findings are stored in the cache under a
key made of every file's entry key, so a run where no file changed reuses them without
decoding a single summary.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from fastapi_lint.cache import ResultCache, decode_summary, project_key
from fastapi_lint.engine.lint import lint_file
from fastapi_lint.models import Diagnostic, FileResult, InternalError
from fastapi_lint.options import RuleOptions
from fastapi_lint.project.step import project_rules, run_project_rules, with_findings
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
) -> Project:
    """Every summarised file of a run (jobs and results in the same order)."""
    chosen = options or RuleOptions()
    files = []
    for job, result in zip(jobs, results, strict=True):
        summary = _summary_of(job, result, chosen)
        if summary is not None:
            files.append(ProjectFile(result.path, job.file.absolute(), summary))
    return Project(files, root)


@dataclass(frozen=True, slots=True)
class ProjectRun:
    """What the whole-project step of a ``check`` needs besides the per-file results."""

    rules: Sequence[type[Rule]]
    root: Path
    options: RuleOptions
    cache_dir: Path | None = None


def _cache_key(
    jobs: Sequence[FileJob], results: Sequence[FileResult], run: ProjectRun
) -> str | None:
    """The state of everything the project findings depend on, if every file has a key."""
    keys = [result.cache_key for result in results]
    if None in keys:
        return None
    # Module names depend on files around the linted ones (``__init__.py``), so they count.
    names = module_names([job.file.absolute() for job in jobs], [r.path for r in results], run.root)
    codes = ",".join(sorted(rule.code for rule in project_rules(run.rules)))
    parts = [str(run.root), codes]
    for result, name, key in zip(results, names, keys, strict=True):
        parts += [result.path, name, key or ""]
    return project_key(parts)


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

    project = build_project(jobs, results, run.root, run.options)
    found, errors = run_project_rules(project, project_rules(run.rules), allowed)
    return {path: tuple(diagnostics) for path, diagnostics in found.items()}, errors
