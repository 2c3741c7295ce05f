"""Lint one file: decode, parse once, walk once, return plain results (never print).

The per-file engine: the enabled rules, and the project summary's collector when it is
asked for, run in one walk (``walk``); findings get their positions and fixes
(``findings``); ``# noqa`` comments are honoured. A file the engine cannot handle costs
that file, as a FAPI000 finding or an internal error, never the run. The engine knows
nothing of the whole-project step: ``runner`` combines the two.
"""

from __future__ import annotations

import dataclasses
import gc
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from fastapi_lint.context.project import ALONE, Placement
from fastapi_lint.decoding import DecodeProblem, decode_source
from fastapi_lint.engine.compile_checks import CompileChecks, has_unprintable
from fastapi_lint.engine.findings import internal_error, resolve
from fastapi_lint.engine.parse import parse, rejected_by_cpython, syntax_diagnostic
from fastapi_lint.engine.walk import Dispatch, Walk
from fastapi_lint.models import Diagnostic, FileResult, TypeCoverage
from fastapi_lint.options import RuleOptions
from fastapi_lint.rule import FileContext, Rule
from fastapi_lint.rules.syntax.syntax_error import SyntaxErrorRule
from fastapi_lint.small_files import read_source_file
from fastapi_lint.summary.collector import SummaryCollector
from fastapi_lint.summary.records import ModuleSummary
from fastapi_lint.suppression import FileSuppressions, unsuppressed

# A second attempt for trees deeper than Python's default recursion limit allows
# (LibCST's code generation, used for positions, recurses once per tree level).
_DEEP_RECURSION_LIMIT = 50_000
_DEEP_STACK_BYTES = 512 * 1024 * 1024
_T = TypeVar("_T")


def _run_rules(
    source: str,
    path: str,
    rule_classes: Sequence[type[Rule]],
    options: RuleOptions,
    collect: bool = False,
    placement: Placement = ALONE,
) -> FileResult:
    parsed = parse(source, path, compiled=False)
    if isinstance(parsed, Diagnostic):
        return FileResult(path, (parsed,))
    context = FileContext(
        path=path,
        source=parsed.text,
        module=parsed.module,
        options=options,
        project=placement.project,
        role=placement.role,
    )
    collector = SummaryCollector(context) if collect else None
    checks = CompileChecks(context)
    walk = _walked(context, [*(rule(context) for rule in rule_classes), checks], collector)
    rejected = _rejected(source, path, checks, walk)
    if rejected is not None:
        return FileResult(path, (rejected,))
    diagnostics = resolve(context, walk.errors)
    if parsed.rewritten:  # fixes were computed on text that is not the file's
        diagnostics = [dataclasses.replace(d, fix=None) for d in diagnostics]
    if diagnostics:  # the file's directives are read only when there is something to hide
        suppressions = FileSuppressions.scan(parsed.text, peers=options.peer_noqa)
        diagnostics = unsuppressed(diagnostics, suppressions)
    coverage = TypeCoverage(context.annotations_present, context.annotations_expected)
    ordered = tuple(sorted(diagnostics, key=Diagnostic.sort_key))
    return FileResult(path, ordered, tuple(walk.errors), coverage, _summary(collector, walk))


def _walked(context: FileContext, rules: list[Rule], collector: SummaryCollector | None) -> Walk:
    """The one walk of the module: every rule, and the summary's collector when asked."""
    walk = Walk(context, Dispatch.for_rules([*rules, collector] if collector else rules))
    walk.run(context.module)
    return walk


def _rejected(source: str, path: str, checks: CompileChecks, walk: Walk) -> Diagnostic | None:
    """CPython's verdict on code LibCST read, asked only when the walk found a reason."""
    crashed = [error for error in walk.errors if error.rule == CompileChecks.code]
    if crashed:  # never reported: the compile answers instead
        walk.errors[:] = [error for error in walk.errors if error.rule != CompileChecks.code]
    if checks.suspect or crashed or has_unprintable(source):
        return rejected_by_cpython(source, path)
    return None


def _summary(collector: SummaryCollector | None, walk: Walk) -> ModuleSummary | None:
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


def lint_source(
    source: str,
    path: str,
    rules: Sequence[type[Rule]],
    options: RuleOptions | None = None,
    summarise: bool = False,
    placement: Placement = ALONE,
) -> FileResult:
    """Lint already-decoded source text; ``summarise`` adds the file's project summary.

    Every rule given runs: choosing them by the file's role is the caller's part.
    ``placement`` gives the rules the project context and the file's role, and gates
    fixes by the project's target versions. Never raises for bad input.
    """
    with _no_cycle_collection():
        return _lint_once(source, path, rules, options or RuleOptions(), summarise, placement)


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Pause Python's cycle collector while one file is linted.

    A module's tree is a million objects without a cycle among them (nodes do not point
    back to their parents), freed by reference counting once the file is done. While the
    tree is alive, the collector would traverse it over and over, young generation then
    old: about 5% of a cold run. Cycles a rule leaves behind are collected as usual once
    the collector is back on.
    """
    if not gc.isenabled():  # paused already: by the caller, or by a file linted around us
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _lint_once(
    source: str,
    path: str,
    rules: Sequence[type[Rule]],
    options: RuleOptions,
    collect: bool,
    placement: Placement,
) -> FileResult:
    def attempt() -> FileResult:
        return _guarded(path, lambda: _run_rules(source, path, rules, options, collect, placement))

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
        return FileResult(path, internal_errors=(internal_error(path, "engine", error),))


def lint_bytes(
    data: bytes,
    path: str,
    rules: Sequence[type[Rule]],
    options: RuleOptions | None = None,
    summarise: bool = False,
    placement: Placement = ALONE,
) -> FileResult:
    """Decode (BOM, coding cookie, UTF-8) then lint; undecodable input is one FAPI000."""
    decoded = decode_source(data)
    if isinstance(decoded, DecodeProblem):
        diagnostic = SyntaxErrorRule.diagnostic(
            path, decoded.message, decoded.line, 1, "", name="unreadable-file"
        )
        return FileResult(path, (diagnostic,))
    return lint_source(decoded, path, rules, options, summarise, placement)


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
    summarise: bool = False,
    placement: Placement = ALONE,
) -> FileResult:
    """Read and lint one file."""
    try:
        data = read_source_file(file)
    except OSError as error:
        return unreadable(display_path, error)
    return lint_bytes(data, display_path, rules, options, summarise, placement)
