"""Findings as records: positions resolved and fixes turned into edits, once a file is walked.

Positions are computed only for files that have findings, statement by statement where
the walk knew the statement a finding was reported in.
"""

from __future__ import annotations

import re
import traceback
from collections.abc import Callable, Mapping, Sequence

import libcst as cst
from libcst.metadata import CodeRange

from fastapi_lint.fixes import LineIndex, PendingFix, edit_nodes, resolve_fix
from fastapi_lint.models import Diagnostic, Fix, InternalError
from fastapi_lint.positions import NodeStart, node_ranges, node_starts, statement_ranges
from fastapi_lint.rule import FileContext, InnerStatement, PendingReport

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_MAX_ERROR_TEXT = 300


def internal_error(path: str, rule_code: str, error: BaseException) -> InternalError:
    where = traceback.extract_tb(error.__traceback__)[-1:]
    location = f" ({where[0].filename}:{where[0].lineno})" if where else ""
    text = str(error)
    if len(text) > _MAX_ERROR_TEXT:  # e.g. a KeyError whose key is a whole CST node
        text = text[:_MAX_ERROR_TEXT] + "..."
    return InternalError(path, rule_code, f"{type(error).__name__}: {text}{location}")


def source_lines(source: str) -> list[str]:
    return _LINE_BREAK.split(source)


def _diagnostic(
    pending: PendingReport,
    where: CodeRange,
    path: str,
    lines: Sequence[str],
    fix: Fix | None = None,
) -> Diagnostic:
    rule = pending.rule
    line, column = where.start.line, where.start.column + 1
    end_line, end_column = where.end.line, where.end.column + 1
    if pending.length is not None:
        end_line, end_column = line, column + pending.length
    source_line = lines[line - 1] if 0 < line <= len(lines) else ""
    return Diagnostic(
        code=rule.code,
        name=pending.name,
        family=rule.family,
        severity=pending.severity or rule.severity,
        message=pending.message,
        path=path,
        line=line,
        column=column,
        end_line=end_line,
        end_column=end_column,
        source_line=source_line,
        fix=fix,
    )


def _ranges(context: FileContext) -> dict[cst.CSTNode, CodeRange]:
    """Ranges of the reported nodes: generated for the innermost statement each was
    reported in, else its top-level statement, else the module (a node reported from
    outside the statement being walked)."""
    ranges = _statement_ranges(context, context.reports, lambda pending: pending.inner)
    rest = [pending for pending in context.reports if pending.node not in ranges]
    ranges.update(_statement_ranges(context, rest, _top_level))
    missing = [pending.node for pending in rest if pending.node not in ranges]
    if missing:
        ranges.update(node_ranges(context.module, missing))
    return ranges


def _top_level(pending: PendingReport) -> InnerStatement | None:
    return None if pending.anchor is None else (*pending.anchor, ())


def _statement_ranges(
    context: FileContext,
    reports: Sequence[PendingReport],
    statement_of: Callable[[PendingReport], InnerStatement | None],
) -> dict[cst.CSTNode, CodeRange]:
    groups: dict[int, tuple[InnerStatement, list[cst.CSTNode]]] = {}
    for pending in reports:
        anchor = statement_of(pending)
        if anchor is not None:
            groups.setdefault(id(anchor[0]), (anchor, []))[1].append(pending.node)
    ranges: dict[cst.CSTNode, CodeRange] = {}
    for (statement, first_line, indent), nodes in groups.values():
        ranges.update(statement_ranges(context.module, statement, first_line, nodes, indent))
    return ranges


def _fix_starts(
    context: FileContext, pending: Sequence[PendingReport]
) -> dict[cst.CSTNode, NodeStart]:
    """Where the nodes fixes replace start: from the innermost statement each finding was
    reported in, else its top-level statement, else the module (an import to add)."""
    starts = _starts_in_statements(context, pending, lambda report: report.inner)
    starts.update(_starts_in_statements(context, pending, _top_level, starts))
    missing = [node for report in pending for node in _edited(report) if node not in starts]
    if missing:
        starts.update(node_starts(context.module, missing))
    return starts


def _edited(report: PendingReport) -> list[cst.CSTNode]:
    assert isinstance(report.fix, PendingFix)  # only those are passed in
    return edit_nodes(report.fix)


def _starts_in_statements(
    context: FileContext,
    pending: Sequence[PendingReport],
    statement_of: Callable[[PendingReport], InnerStatement | None],
    known: Mapping[cst.CSTNode, NodeStart] | None = None,
) -> dict[cst.CSTNode, NodeStart]:
    """Starts of the edited nodes not ``known`` yet, statement by statement."""
    groups: dict[int, tuple[InnerStatement, list[cst.CSTNode]]] = {}
    for report in pending:
        statement = statement_of(report)
        nodes = [node for node in _edited(report) if known is None or node not in known]
        if statement is not None and nodes:
            groups.setdefault(id(statement[0]), (statement, []))[1].extend(nodes)
    starts: dict[cst.CSTNode, NodeStart] = {}
    for (root, first_line, indent), nodes in groups.values():
        starts.update(node_starts(context.module, nodes, (root, first_line), indent))
    return starts


def fix_allowed(context: FileContext, report: PendingReport) -> bool:
    """The project's target versions have what the fix writes (always, outside a project)."""
    if context.project is None or report.fix is None:
        return True
    fix = report.fix
    own = fix.requires if isinstance(fix, PendingFix) else None
    needs = report.rule.fix_requires if own is None else dict(own)
    return not context.project.targets.unmet(needs)


def _fixes(context: FileContext, errors: list[InternalError]) -> dict[int, Fix]:
    """Each report's fix as text edits, by ``id`` of the report; a fix that fails is dropped.

    So is a fix the project's target versions lack: its finding stays, with no fix.
    """
    allowed = [p for p in context.reports if fix_allowed(context, p)]
    found = {id(p): p.fix for p in allowed if isinstance(p.fix, Fix)}
    pending = [p for p in allowed if isinstance(p.fix, PendingFix)]
    if not pending:
        return found
    starts = _fix_starts(context, pending)
    lines = LineIndex(context.source)
    for report in pending:
        assert isinstance(report.fix, PendingFix)
        try:
            fix = resolve_fix(report.fix, context.module, context.source, starts, lines)
        except Exception as error:  # noqa: BLE001 - the finding stays, without its fix
            errors.append(internal_error(context.path, report.rule.code, error))
            continue
        if fix is not None:
            found[id(report)] = fix
    return found


def resolve(context: FileContext, errors: list[InternalError]) -> list[Diagnostic]:
    if not context.reports:
        return []
    ranges = _ranges(context)
    fixes = _fixes(context, errors)
    lines = source_lines(context.source)
    return [
        _diagnostic(pending, ranges[pending.node], context.path, lines, fixes.get(id(pending)))
        for pending in context.reports
    ]
