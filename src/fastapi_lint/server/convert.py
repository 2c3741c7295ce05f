"""Our findings and fixes as LSP diagnostics and text edits."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from lsprotocol import types

from fastapi_lint.models import ChainStep, Diagnostic, Edit, Fix
from fastapi_lint.server.links import rule_docs_hint, rule_docs_link
from fastapi_lint.server.text import TextPositions

SOURCE = "fastapi-lint"
_SEVERITY = {"error": types.DiagnosticSeverity.Error, "warning": types.DiagnosticSeverity.Warning}
# Where a file of the project (by the path findings name it with) is, as a URI.
Locate = Callable[[str], str | None]


def lsp_diagnostic(
    diagnostic: Diagnostic, positions: TextPositions, locate: Locate
) -> types.Diagnostic:
    d = diagnostic
    link = rule_docs_link(d.code)
    message = d.message if link else f"{d.message} (docs: `{rule_docs_hint(d.code)}`)"
    return types.Diagnostic(
        range=positions.range(d.line, d.column, d.end_line, d.end_column),
        severity=_SEVERITY.get(d.severity, types.DiagnosticSeverity.Warning),
        code=d.code,
        code_description=types.CodeDescription(href=link) if link else None,
        source=SOURCE,
        message=message,
        related_information=_chain(d.chain, locate) or None,
    )


def _chain(steps: Sequence[ChainStep], locate: Locate) -> list[types.DiagnosticRelatedInformation]:
    """A FAPI102 chain of calls, each step a place the editor can jump to."""
    related = []
    for step in steps:
        uri = locate(step.path)
        if uri is None:
            continue
        start = types.Position(line=max(step.line - 1, 0), character=0)
        location = types.Location(uri=uri, range=types.Range(start=start, end=start))
        related.append(types.DiagnosticRelatedInformation(location, f"calls `{step.function}`"))
    return related


def text_edit(edit: Edit, positions: TextPositions) -> types.TextEdit:
    where = positions.range(edit.line, edit.column, edit.end_line, edit.end_column)
    return types.TextEdit(range=where, new_text=edit.content)


def text_edits(fix: Fix, positions: TextPositions) -> list[types.TextEdit]:
    return [text_edit(edit, positions) for edit in fix.edits]
