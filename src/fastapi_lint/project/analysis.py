"""The whole-project step: project rules over every summary, findings back into results.

Runs once all files are summarised (from the cache or freshly). A project finding is
placed in the file it points at, and kept only if that file's rules include the rule
(``per-file-ignores``) and its line carries no ``# noqa`` for it, like any finding.
"""

from __future__ import annotations

import dataclasses
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from fastapi_lint.cache import ResultCache, decode_summary, project_key
from fastapi_lint.engine import FileJob, lint_file
from fastapi_lint.models import Diagnostic, FileResult, InternalError
from fastapi_lint.options import RuleOptions
from fastapi_lint.project.model import Project, ProjectFile
from fastapi_lint.project.modules import module_names
from fastapi_lint.rule import ProjectFinding, ProjectRule, Rule
from fastapi_lint.summary import ModuleSummary
from fastapi_lint.suppression import unsuppressed

PROJECT_PATH = "<project>"
Allowed = Callable[[str, type[Rule]], bool]


def project_rules(rules: Sequence[type[Rule]]) -> list[type[ProjectRule]]:
    return [rule for rule in rules if issubclass(rule, ProjectRule)]


def _diagnostic(rule: type[ProjectRule], finding: ProjectFinding, project: Project) -> Diagnostic:
    module = project.module_at(finding.path)
    source_line = module.summary.line_text(finding.line) if module is not None else ""
    return Diagnostic(
        code=rule.code,
        name=rule.name,
        family=rule.family,
        severity=rule.severity,
        message=finding.message,
        path=finding.path,
        line=finding.line,
        column=finding.column,
        end_line=finding.line,
        end_column=finding.end_column,
        source_line=source_line,
        chain=finding.chain,
        fix=finding.fix,
    )


def run_project_rules(
    project: Project, rules: Sequence[type[ProjectRule]], allowed: Allowed
) -> tuple[dict[str, list[Diagnostic]], list[InternalError]]:
    """Findings by path, and the rules that crashed (the other rules still run)."""
    found: dict[str, list[Diagnostic]] = {}
    errors: list[InternalError] = []
    for rule in rules:
        try:
            findings = list(rule.check_project(project))
        except Exception as error:  # noqa: BLE001 - one rule must not stop the others
            errors.append(_internal_error(rule, error))
            continue
        for finding in findings:
            if allowed(finding.path, rule):
                found.setdefault(finding.path, []).append(_diagnostic(rule, finding, project))
    return {path: unsuppressed(diagnostics) for path, diagnostics in found.items()}, errors


def _internal_error(rule: type[Rule], error: Exception) -> InternalError:
    where = traceback.extract_tb(error.__traceback__)[-1:]
    location = f" ({where[0].filename}:{where[0].lineno})" if where else ""
    text = f"{type(error).__name__}: {str(error)[:300]}{location}"
    return InternalError(PROJECT_PATH, rule.code, text)


def _merged(
    result: FileResult, extra: Sequence[Diagnostic], errors: Sequence[InternalError] = ()
) -> FileResult:
    if not extra and not errors:
        return result
    diagnostics = sorted([*result.diagnostics, *extra], key=Diagnostic.sort_key)
    return dataclasses.replace(
        result,
        diagnostics=tuple(diagnostics),
        internal_errors=(*result.internal_errors, *errors),
    )


def with_single_file_findings(result: FileResult, rules: Sequence[type[Rule]]) -> FileResult:
    """The file is the whole project: a lone file, an example, standard input."""
    if result.summary is None:
        return result
    project = Project([ProjectFile(result.path, None, result.summary)], Path.cwd())
    found, errors = run_project_rules(project, project_rules(rules), lambda path, rule: True)
    return _merged(result, found.get(result.path, ()), errors)


def _summary_of(job: FileJob, result: FileResult, options: RuleOptions) -> ModuleSummary | None:
    """A result's summary: in hand, decoded from the cache, or (if corrupted) made again."""
    if result.summary is not None or result.summary_json is None:
        return result.summary
    try:
        return decode_summary(result.summary_json)
    except (ValueError, TypeError, KeyError):
        return lint_file(job.file, job.display_path, (), options, project="collect").summary


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
    merged = [_merged(result, found.get(result.path, ())) for result in results]
    merged[0] = _merged(merged[0], (), errors)
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
