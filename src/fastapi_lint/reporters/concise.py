"""One line per finding, ``path:line:col: CODE message``, for editors and grep."""

from __future__ import annotations

from fastapi_lint.models import Diagnostic, Report
from fastapi_lint.reporters import (
    NOT_ALL_CHECKED,
    context_line,
    fix_hint,
    hidden_lines,
    incomplete_line,
)


def render(report: Report, *, color: bool = False, quiet: bool = False) -> str:
    """Render ``report``; ``color`` is accepted for a uniform signature but never used."""
    lines = [_format_line(diagnostic) for diagnostic in report.diagnostics]
    if not quiet:
        lines.append(_summary(report))
        lines.extend(hidden_lines(report))
        incomplete = incomplete_line(report)
        if incomplete is not None:
            lines.append(incomplete)
        hint = fix_hint(report)
        if hint is not None:
            lines.append(hint)
        switched_off = context_line(report)
        if switched_off is not None:
            lines.append(switched_off)
    return "".join(f"{line}\n" for line in lines)


def _format_line(diagnostic: Diagnostic) -> str:
    # The "[*]" marker mirrors ruff, so users already know it means "--fix can repair this".
    marker = "[*] " if diagnostic.fix is not None else ""
    location = f"{diagnostic.path}:{diagnostic.line}:{diagnostic.column}"
    return f"{location}: {diagnostic.code} {marker}{diagnostic.message}"


def _summary(report: Report) -> str:
    count = len(report.diagnostics)
    if not report.files:
        return "No files checked."
    if count == 0 and report.internal_errors:  # a crash is not a pass
        return NOT_ALL_CHECKED
    if count == 0:
        return "All checks passed!"
    noun = "problem" if count == 1 else "problems"
    return f"Found {count} {noun}."
