"""A run's report: every file's findings in order, the rules' descriptions, type coverage."""

from __future__ import annotations

from collections.abc import Sequence

from fastapi_lint import __version__
from fastapi_lint.models import Diagnostic, FileResult, Report, RuleInfo, TypeCoverage


def build_report(results: Sequence[FileResult], rules: Sequence[RuleInfo]) -> Report:
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
    )
