"""GitHub Actions workflow commands, so findings show up as annotations on the PR diff."""

from __future__ import annotations

from fastapi_lint.models import Diagnostic, Report


def render(report: Report, *, color: bool = False, quiet: bool = False) -> str:
    """Render ``report``; an empty report renders as ``""`` (no summary line exists here)."""
    return "".join(f"{_command(diagnostic)}\n" for diagnostic in report.diagnostics)


def escape_data(text: str) -> str:
    """Escape the message part of a workflow command the way the Actions runner decodes it."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a ``key=value`` property; ``:`` and ``,`` would otherwise end the value."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _command(diagnostic: Diagnostic) -> str:
    properties = ",".join(
        f"{key}={escape_property(value)}" for key, value in _properties(diagnostic)
    )
    return f"::{diagnostic.severity} {properties}::{escape_data(diagnostic.message)}"


def _properties(diagnostic: Diagnostic) -> list[tuple[str, str]]:
    path = diagnostic.path.replace("\\", "/")
    position = [("line", str(diagnostic.line)), *_range(diagnostic)]
    return [("file", path), *position, ("title", diagnostic.code)]


def _range(diagnostic: Diagnostic) -> list[tuple[str, str]]:
    if diagnostic.end_line != diagnostic.line:
        # The runner drops the whole annotation when col/endColumn are set on a
        # multi-line range, so such findings are pinned to their lines only.
        return [("endLine", str(diagnostic.end_line))]
    # endColumn < col is rejected the same way, so an empty range is widened to its start.
    end_column = max(diagnostic.end_column, diagnostic.column)
    return [
        ("col", str(diagnostic.column)),
        ("endLine", str(diagnostic.end_line)),
        ("endColumn", str(end_column)),
    ]
