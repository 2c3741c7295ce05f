"""A run's report: every file's findings in order, the rules' descriptions, type coverage,
and what the run knew about the project."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from fastapi_lint import __version__
from fastapi_lint.context.roles import Role
from fastapi_lint.models import (
    Diagnostic,
    FileResult,
    Report,
    RuleInfo,
    RuleOff,
    RunContext,
    TargetInfo,
    TypeCoverage,
)
from fastapi_lint.runner.context import ProjectSetup
from fastapi_lint.runner.jobs import FileJob


def run_context(setup: ProjectSetup, jobs: Sequence[FileJob]) -> RunContext:
    """The record of ``setup`` for reporters: targets, role counts, rules off by version."""
    targets = tuple(
        TargetInfo(t.package, t.display, t.origin.value, t.source)
        for t in setup.context.targets.versions
    )
    counts = Counter(job.role.role for job in jobs if job.role is not None)
    roles = tuple((role.value, counts[role]) for role in Role if counts[role])
    off = tuple(RuleOff(gate.rule.code, gate.package, gate.specifier) for gate in setup.off)
    return RunContext(targets, roles, off)


def build_report(
    results: Sequence[FileResult], rules: Sequence[RuleInfo], context: RunContext | None = None
) -> Report:
    diagnostics = sorted(
        (diagnostic for result in results for diagnostic in result.diagnostics),
        key=Diagnostic.sort_key,
    )
    errors = tuple(error for result in results for error in result.internal_errors)
    coverage = sum((result.type_coverage for result in results), start=TypeCoverage())
    return Report(
        tool_version=__version__,
        files=len(results),
        diagnostics=tuple(diagnostics),
        rules=tuple(rules),
        internal_errors=errors,
        type_coverage=coverage,
        context=context,
    )
