"""The whole-project step: project rules over every summary, findings back into results.

Runs once all files are summarised (from the cache or freshly; ``runner.project`` gathers
them). A project finding is placed in the file it points at, and kept only if that
file's rules include the rule (``per-file-ignores``) and its line carries no ``# noqa``
for it, like any finding. It reads summaries, never a syntax tree: it does not know
the per-file engine, which knows nothing of it either.
"""

from __future__ import annotations

import dataclasses
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path

from fastapi_lint.context.versions import TargetVersions
from fastapi_lint.models import Diagnostic, FileResult, InternalError
from fastapi_lint.project_model.project import Project, ProjectFile
from fastapi_lint.rule import ProjectFinding, ProjectRule, Rule
from fastapi_lint.suppression import unsuppressed

PROJECT_PATH = "<project>"
Allowed = Callable[[str, type[Rule]], bool]


def project_rules(rules: Sequence[type[Rule]]) -> list[type[ProjectRule]]:
    return [rule for rule in rules if issubclass(rule, ProjectRule)]


def _diagnostic(
    rule: type[ProjectRule],
    finding: ProjectFinding,
    project: Project,
    targets: TargetVersions | None,
) -> Diagnostic:
    """The finding as a record; its fix dropped when the target versions lack what it writes."""
    module = project.module_at(finding.path)
    fix = finding.fix
    if fix is not None and targets is not None and targets.unmet(rule.fix_requires):
        fix = None
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
        fix=fix,
    )


def run_project_rules(
    project: Project,
    rules: Sequence[type[ProjectRule]],
    allowed: Allowed,
    targets: TargetVersions | None = None,
) -> tuple[dict[str, list[Diagnostic]], list[InternalError]]:
    """Findings by path, and the rules that crashed (the other rules still run).

    ``targets`` (the project's target versions) gate the findings' fixes; None keeps them.
    """
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
                diagnostic = _diagnostic(rule, finding, project, targets)
                found.setdefault(finding.path, []).append(diagnostic)
    return {path: unsuppressed(diagnostics) for path, diagnostics in found.items()}, errors


def _internal_error(rule: type[Rule], error: Exception) -> InternalError:
    where = traceback.extract_tb(error.__traceback__)[-1:]
    location = f" ({where[0].filename}:{where[0].lineno})" if where else ""
    text = f"{type(error).__name__}: {str(error)[:300]}{location}"
    return InternalError(PROJECT_PATH, rule.code, text)


def with_findings(
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


def with_single_file_findings(
    result: FileResult, rules: Sequence[type[Rule]], targets: TargetVersions | None = None
) -> FileResult:
    """The file is the whole project: a lone file, an example, standard input."""
    if result.summary is None:
        return result
    project = Project([ProjectFile(result.path, None, result.summary)], Path.cwd())
    every_rule = project_rules(rules)
    found, errors = run_project_rules(project, every_rule, lambda path, rule: True, targets)
    return with_findings(result, found.get(result.path, ()), errors)
