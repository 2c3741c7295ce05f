"""Parse once, walk once, run every enabled rule, return plain results (never print).

The walk is iterative, so deep trees cannot overflow Python's stack while visiting,
and rule callbacks are dispatched only for the node types a rule registered.
Positions are computed only for files that have findings.
"""

from __future__ import annotations

import ast
import re
import sys
import threading
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, TypeVar

import libcst as cst
from libcst.metadata import CodeRange

from fastapi_lint import __version__
from fastapi_lint.decoding import DecodeProblem, decode_source
from fastapi_lint.fixes import PendingFix, edit_nodes, resolve_fix
from fastapi_lint.models import (
    Diagnostic,
    FileResult,
    Fix,
    InternalError,
    Report,
    RuleInfo,
    TypeCoverage,
)
from fastapi_lint.nesting_guard import check_nesting
from fastapi_lint.options import RuleOptions
from fastapi_lint.positions import NodeStart, node_ranges, node_starts, statement_ranges
from fastapi_lint.project.collector import SummaryCollector
from fastapi_lint.rule import FileContext, PendingReport, Rule, is_project_rule
from fastapi_lint.rules.syntax.syntax_error import SyntaxErrorRule
from fastapi_lint.summary import ModuleSummary
from fastapi_lint.suppression import unsuppressed
from fastapi_lint.tree import children

Callback = Callable[[cst.CSTNode], object]
_SCOPE_TYPES = (cst.FunctionDef, cst.Lambda, cst.ClassDef)
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
# A second attempt for trees deeper than Python's default recursion limit allows
# (LibCST's code generation, used for positions, recurses once per tree level).
_DEEP_RECURSION_LIMIT = 50_000
_DEEP_STACK_BYTES = 512 * 1024 * 1024
_T = TypeVar("_T")
_MAX_ERROR_TEXT = 300


@dataclass(slots=True)
class _Dispatch:
    """Bound visit/leave callbacks per exact node class, with the rule that owns each."""

    visit: dict[type[cst.CSTNode], list[tuple[Rule, Callback]]] = field(default_factory=dict)
    leave: dict[type[cst.CSTNode], list[tuple[Rule, Callback]]] = field(default_factory=dict)

    @classmethod
    def for_rules(cls, rules: Sequence[Rule]) -> _Dispatch:
        dispatch = cls()
        for rule in rules:
            for method_name, (phase, node_type) in type(rule).visitor_methods().items():
                table = dispatch.visit if phase == "visit" else dispatch.leave
                node_class = getattr(cst, node_type)
                table.setdefault(node_class, []).append((rule, getattr(rule, method_name)))
        return dispatch

    def drop(self, rule: Rule) -> None:
        """Stop calling a rule that crashed on this file."""
        for table in (self.visit, self.leave):
            for callbacks in table.values():
                callbacks[:] = [entry for entry in callbacks if entry[0] is not rule]


@dataclass(slots=True)
class _Walk:
    context: FileContext
    dispatch: _Dispatch
    errors: list[InternalError] = field(default_factory=list)
    top_level: set[int] = field(default_factory=set)
    text_nodes: frozenset[type[cst.CSTNode]] = frozenset()

    def call(self, callbacks: list[tuple[Rule, Callback]] | None, node: cst.CSTNode) -> None:
        if not callbacks:
            return
        for rule, callback in list(callbacks):
            try:
                callback(node)
            except RecursionError:
                raise
            except Exception as error:  # noqa: BLE001 - one rule must not stop the others
                self.errors.append(_internal_error(self.context.path, type(rule).code, error))
                self.dispatch.drop(rule)

    def run(self, module: cst.Module) -> None:
        """Depth-first, in source order, without recursion.

        ``context.line`` follows the line each visited node starts on: every line break
        of the source is a ``Newline`` node or sits inside a string token (or a
        backslash continuation), all visited in source order, so counting them gives
        lines for every node at no codegen cost (see ``_line_breaks``).
        """
        self.top_level = {id(statement) for statement in module.body}
        self.text_nodes = _text_nodes(self.context.source)
        leave = self.dispatch.leave
        stack: list[tuple[cst.CSTNode, bool]] = [(module, False)]
        while stack:
            node, leaving = stack.pop()
            node_class = type(node)
            if leaving:
                self._leave(node, node_class)
                continue
            self._enter(node, node_class)
            if node_class in leave or node_class in _SCOPE_CLASSES:
                stack.append((node, True))  # only nodes that someone leaves get a marker
            stack.extend((child, False) for child in reversed(children(node)))

    def _enter(self, node: cst.CSTNode, node_class: type[cst.CSTNode]) -> None:
        context = self.context
        if node_class is cst.Newline:
            context.line += 1
        elif node_class in self.text_nodes:
            context.line += _line_breaks(node)
        elif node_class in _SCOPE_CLASSES:
            context.scopes.append(node)  # type: ignore[arg-type]  # checked just above
        if id(node) in self.top_level:
            context.statement = (node, context.line)
        callbacks = self.dispatch.visit.get(node_class)
        if callbacks:
            self.call(callbacks, node)

    def _leave(self, node: cst.CSTNode, node_class: type[cst.CSTNode]) -> None:
        callbacks = self.dispatch.leave.get(node_class)
        if callbacks:
            self.call(callbacks, node)
        if node_class in _SCOPE_CLASSES:
            self.context.scopes.pop()


# The exact classes: a set lookup instead of ``isinstance``, which goes through ABCMeta.
_SCOPE_CLASSES: frozenset[type[cst.CSTNode]] = frozenset(_SCOPE_TYPES)
# Tokens whose text may hold line breaks: strings, and whitespace after a backslash.
_STRING_TOKENS: frozenset[type[cst.CSTNode]] = frozenset(
    getattr(cst, name)
    for name in ("SimpleString", "FormattedStringText", "TemplatedStringText")
    if hasattr(cst, name)
)
_WITH_CONTINUATIONS = _STRING_TOKENS | {cst.SimpleWhitespace}


def _text_nodes(source: str) -> frozenset[type[cst.CSTNode]]:
    # Whitespace nodes are the most common of all; read them only when a backslash
    # continuation can put a line break in one.
    return _WITH_CONTINUATIONS if "\\\n" in source or "\\\r" in source else _STRING_TOKENS


def _line_breaks(node: cst.CSTNode) -> int:
    value = getattr(node, "value", "")
    return value.count("\n") if isinstance(value, str) else 0


def _internal_error(path: str, rule_code: str, error: BaseException) -> InternalError:
    where = traceback.extract_tb(error.__traceback__)[-1:]
    location = f" ({where[0].filename}:{where[0].lineno})" if where else ""
    text = str(error)
    if len(text) > _MAX_ERROR_TEXT:  # e.g. a KeyError whose key is a whole CST node
        text = text[:_MAX_ERROR_TEXT] + "..."
    return InternalError(path, rule_code, f"{type(error).__name__}: {text}{location}")


def _lines(source: str) -> list[str]:
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
    """Ranges of the reported nodes: statement by statement, the module as a fallback."""
    by_statement: dict[int, list[PendingReport]] = {}
    for pending in context.reports:
        if pending.anchor is not None:
            by_statement.setdefault(id(pending.anchor[0]), []).append(pending)
    ranges: dict[cst.CSTNode, CodeRange] = {}
    for group in by_statement.values():
        statement, first_line = group[0].anchor  # type: ignore[misc]  # grouped on it
        nodes = [pending.node for pending in group]
        ranges.update(statement_ranges(context.module, statement, first_line, nodes))
    missing = [pending.node for pending in context.reports if pending.node not in ranges]
    if missing:  # reported from outside the statement being walked
        ranges.update(node_ranges(context.module, missing))
    return ranges


def _fix_starts(
    context: FileContext, pending: Sequence[PendingReport]
) -> dict[cst.CSTNode, NodeStart]:
    """Where the nodes fixes replace start: statement by statement, the module as a fallback."""
    groups: dict[int, tuple[tuple[cst.CSTNode, int] | None, list[cst.CSTNode]]] = {}
    for report in pending:
        assert isinstance(report.fix, PendingFix)  # only those are passed in
        key = id(report.anchor[0]) if report.anchor is not None else 0
        groups.setdefault(key, (report.anchor, []))[1].extend(edit_nodes(report.fix))
    starts: dict[cst.CSTNode, NodeStart] = {}
    for anchor, nodes in groups.values():
        if anchor is not None:
            starts.update(node_starts(context.module, nodes, anchor))
    missing = [n for _, nodes in groups.values() for n in nodes if n not in starts]
    if missing:  # outside the statement being walked: an import to add, the module itself
        starts.update(node_starts(context.module, missing))
    return starts


def _fixes(context: FileContext, errors: list[InternalError]) -> dict[int, Fix]:
    """Each report's fix as text edits, by ``id`` of the report; a fix that fails is dropped."""
    found = {id(p): p.fix for p in context.reports if isinstance(p.fix, Fix)}
    pending = [p for p in context.reports if isinstance(p.fix, PendingFix)]
    if not pending:
        return found
    starts = _fix_starts(context, pending)
    for report in pending:
        assert isinstance(report.fix, PendingFix)
        try:
            fix = resolve_fix(report.fix, context.module, context.source, starts)
        except Exception as error:  # noqa: BLE001 - the finding stays, without its fix
            errors.append(_internal_error(context.path, report.rule.code, error))
            continue
        if fix is not None:
            found[id(report)] = fix
    return found


def _resolve(context: FileContext, errors: list[InternalError]) -> list[Diagnostic]:
    if not context.reports:
        return []
    ranges = _ranges(context)
    fixes = _fixes(context, errors)
    lines = _lines(context.source)
    return [
        _diagnostic(pending, ranges[pending.node], context.path, lines, fixes.get(id(pending)))
        for pending in context.reports
    ]


def syntax_diagnostic(path: str, message: str, line: int, column: int, source: str) -> Diagnostic:
    """A FAPI000 finding at a 1-based position, clamped to the file."""
    lines = _lines(source)
    line = min(max(line, 1), max(len(lines), 1))
    source_line = lines[line - 1] if lines else ""
    return SyntaxErrorRule.diagnostic(path, message, line, max(column, 1), source_line)


_LIBCST_POSITION = re.compile(r"^(?:parser error: )?error at (\d+):(\d+): ")


def _cpython_syntax_error(source: str, path: str) -> SyntaxError | None:
    """CPython's own diagnosis, whose messages and positions are the ones users know."""
    try:
        compile(source, path, "exec", flags=ast.PyCF_ONLY_AST, dont_inherit=True)
    except SyntaxError as error:
        return error
    except (ValueError, RecursionError, MemoryError):
        return None
    return None


def _parse_error(path: str, source: str, error: cst.ParserSyntaxError) -> Diagnostic:
    cpython = _cpython_syntax_error(source, path)
    if cpython is not None and cpython.lineno:
        message = f"SyntaxError: {cpython.msg}"
        return syntax_diagnostic(path, message, cpython.lineno, cpython.offset or 1, source)
    position = _LIBCST_POSITION.match(error.message)
    if position is None:
        message = f"SyntaxError: {error.message}"
        return syntax_diagnostic(path, message, error.raw_line, error.raw_column + 1, source)
    line, column = int(position.group(1)), int(position.group(2)) + 1
    message = f"SyntaxError: {error.message[position.end() :]}"
    return syntax_diagnostic(path, message, line, column, source)


def _unparsable(source: str, path: str) -> Diagnostic | None:
    """Input that must not reach LibCST's parser: NUL bytes, pathological nesting."""
    if "\x00" in source:
        message = "SyntaxError: source code cannot contain null bytes"
        line = source.count("\n", 0, source.index("\x00")) + 1
        return syntax_diagnostic(path, message, line, 1, source)
    problem = check_nesting(source)
    if problem is not None:
        return syntax_diagnostic(path, problem.message, problem.line, 1, source)
    return None


def _parse(source: str, path: str) -> cst.Module | Diagnostic:
    refused = _unparsable(source, path)
    if refused is not None:
        return refused
    try:
        return cst.parse_module(source)
    except cst.ParserSyntaxError as error:
        return _parse_error(path, source, error)


def _run_rules(
    source: str,
    path: str,
    rule_classes: Sequence[type[Rule]],
    options: RuleOptions,
    collect: bool = False,
) -> FileResult:
    module = _parse(source, path)
    if isinstance(module, Diagnostic):
        return FileResult(path, (module,))
    context = FileContext(path=path, source=source, module=module, options=options)
    rules = [rule_class(context) for rule_class in rule_classes]
    collector = SummaryCollector(context) if collect else None
    walk = _Walk(context, _Dispatch.for_rules([*rules, collector] if collector else rules))
    walk.run(module)
    diagnostics = unsuppressed(_resolve(context, walk.errors))
    coverage = TypeCoverage(context.annotations_present, context.annotations_expected)
    ordered = tuple(sorted(diagnostics, key=Diagnostic.sort_key))
    return FileResult(path, ordered, tuple(walk.errors), coverage, _summary(collector, walk))


def _summary(collector: SummaryCollector | None, walk: _Walk) -> ModuleSummary | None:
    """The file's summary, unless the collector crashed on it (reported as an internal error)."""
    if collector is None or any(e.rule == SummaryCollector.code for e in walk.errors):
        return None
    return collector.module_summary()


def _with_deep_stack(function: Callable[[], _T]) -> _T:
    """Run ``function`` in a thread with a large stack and a high recursion limit."""
    outcome: list[_T] = []
    failure: list[BaseException] = []

    def target() -> None:
        try:
            outcome.append(function())
        except BaseException as error:  # noqa: BLE001 - re-raised in the calling thread
            failure.append(error)

    old_limit, old_stack = sys.getrecursionlimit(), threading.stack_size()
    try:
        threading.stack_size(_DEEP_STACK_BYTES)
        sys.setrecursionlimit(_DEEP_RECURSION_LIMIT)
        worker = threading.Thread(target=target, name="fastapi-lint-deep")
        worker.start()
        worker.join()
    finally:
        threading.stack_size(old_stack)
        sys.setrecursionlimit(old_limit)
    if failure:
        raise failure[0]
    return outcome[0]


# What a lint call does about whole-project analysis: "auto" treats the one file as the
# project (it is summarised and the project rules run when any is selected); "collect"
# only summarises, for a caller that runs the project step over every file; "skip" does
# neither.
ProjectMode = Literal["auto", "collect", "skip"]


def lint_source(
    source: str,
    path: str,
    rules: Sequence[type[Rule]],
    options: RuleOptions | None = None,
    project: ProjectMode = "auto",
) -> FileResult:
    """Lint already-decoded source text. Never raises for bad input."""
    single_file_project = project == "auto" and any(is_project_rule(rule) for rule in rules)
    collect = project == "collect" or single_file_project
    result = _lint_once(source, path, rules, options or RuleOptions(), collect)
    if not single_file_project:
        return result
    from fastapi_lint.project.analysis import with_single_file_findings

    return with_single_file_findings(result, rules)


def _lint_once(
    source: str, path: str, rules: Sequence[type[Rule]], options: RuleOptions, collect: bool
) -> FileResult:
    def attempt() -> FileResult:
        return _guarded(path, lambda: _run_rules(source, path, rules, options, collect))

    try:
        return attempt()
    except RecursionError:
        pass
    try:
        return _with_deep_stack(attempt)
    except RecursionError:
        message = "code nested too deeply to analyse"
        return FileResult(path, (syntax_diagnostic(path, message, 1, 1, source),))


def _guarded(path: str, attempt: Callable[[], FileResult]) -> FileResult:
    """A bug in the engine itself costs this file, reported as an internal error, not the run."""
    try:
        return attempt()
    except RecursionError:
        raise  # retried on a deep stack by lint_source
    except Exception as error:  # noqa: BLE001 - reported, and the other files go on
        return FileResult(path, internal_errors=(_internal_error(path, "engine", error),))


def lint_bytes(
    data: bytes,
    path: str,
    rules: Sequence[type[Rule]],
    options: RuleOptions | None = None,
    project: ProjectMode = "auto",
) -> FileResult:
    """Decode (BOM, coding cookie, UTF-8) then lint; undecodable input is one FAPI000."""
    decoded = decode_source(data)
    if isinstance(decoded, DecodeProblem):
        diagnostic = SyntaxErrorRule.diagnostic(
            path, decoded.message, decoded.line, 1, "", name="unreadable-file"
        )
        return FileResult(path, (diagnostic,))
    return lint_source(decoded, path, rules, options, project)


def unreadable(display_path: str, error: OSError) -> FileResult:
    """A file that vanished or cannot be read is one FAPI000 finding."""
    reason = error.strerror or type(error).__name__
    diagnostic = SyntaxErrorRule.diagnostic(
        display_path, f"cannot read file: {reason}", 1, 1, "", name="unreadable-file"
    )
    return FileResult(display_path, (diagnostic,))


def lint_file(
    file: Path,
    display_path: str,
    rules: Sequence[type[Rule]],
    options: RuleOptions | None = None,
    project: ProjectMode = "auto",
) -> FileResult:
    """Read and lint one file."""
    try:
        data = file.read_bytes()
    except OSError as error:
        return unreadable(display_path, error)
    return lint_bytes(data, display_path, rules, options, project)


@dataclass(frozen=True, slots=True)
class FileJob:
    """One file to lint with the rules that apply to it (per-file ignores already applied).

    ``summarise`` asks for the file's project summary: the run has a project rule selected
    (for this file or another: chains pass through every file) or builds the route table.
    """

    file: Path
    display_path: str
    rules: tuple[type[Rule], ...]
    summarise: bool = False


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
