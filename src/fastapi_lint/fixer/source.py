"""Fix one text: rounds of non-overlapping fixes, each round's result compiled, then linted again.

A round applies every chosen fix whose edits do not overlap one already taken (earlier
fixes first); the others wait for the next round, when the text is linted again and
their rules recompute them against it. Rounds go on until nothing is left to fix, at
most ``max_rounds`` times. Each round's result must compile, or the round is thrown
away and fixing stops.
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from fastapi_lint.fixes import LineIndex
from fastapi_lint.models import Diagnostic, FileResult, Fix
from fastapi_lint.rules.syntax.syntax_error import SyntaxErrorRule

MAX_ROUNDS = 10
_Span = tuple[int, int, str]  # start offset, end offset, new text


@dataclass(frozen=True, slots=True)
class FixSettings:
    """Which fixes to apply, and whether the result is written or only shown."""

    unsafe: bool = False
    write: bool = True
    max_rounds: int = MAX_ROUNDS

    def wants(self, fix: Fix | None) -> bool:
        return fix is not None and (fix.applicability == "safe" or self.unsafe)


@dataclass(frozen=True, slots=True)
class AppliedFix:
    """One finding that a fix removed."""

    code: str
    name: str
    message: str


@dataclass(frozen=True, slots=True)
class FixedSource:
    """Text after fixing, the fixes applied, and the findings left in it."""

    text: str
    result: FileResult
    applied: tuple[AppliedFix, ...] = ()
    rounds: int = 0
    rejected: bool = False  # a round made code that did not compile and was thrown away


# -- one round ---------------------------------------------------------------------------


def _spans(fix: Fix, lines: LineIndex, size: int) -> list[_Span] | None:
    """The fix's edits as offsets, or None if one falls outside the text or two overlap."""
    spans: list[_Span] = []
    for edit in fix.edits:
        if not 1 <= edit.line <= edit.end_line <= len(lines.starts):
            return None
        start = lines.offset(edit.line, edit.column - 1)
        end = lines.offset(edit.end_line, edit.end_column - 1)
        if not 0 <= start <= end <= size:
            return None
        spans.append((start, end, edit.content))
    spans.sort()
    overlapping = any(a[1] > b[0] for a, b in zip(spans, spans[1:], strict=False))
    return None if overlapping else spans


def _clash(a: _Span, b: _Span) -> bool:
    # Touching edits clash too: which one goes first would be a guess.
    return a[0] <= b[1] and b[0] <= a[1]


def _fix_order(diagnostic: Diagnostic) -> tuple[int, int, str]:
    assert diagnostic.fix is not None
    first = min(diagnostic.fix.edits, key=lambda edit: (edit.line, edit.column), default=None)
    return (first.line, first.column, diagnostic.code) if first else (0, 0, diagnostic.code)


def apply_fixes(text: str, diagnostics: Sequence[Diagnostic]) -> tuple[str, list[Diagnostic]]:
    """One round: the fixes of ``diagnostics`` that do not clash, earlier ones first.

    Returns the new text and the diagnostics whose fixes went in. An edit identical to
    one already taken (two fixes adding the same import) is shared, not a clash.
    """
    lines = LineIndex(text)
    taken: list[_Span] = []
    used: list[Diagnostic] = []
    for diagnostic in sorted((d for d in diagnostics if d.fix), key=_fix_order):
        assert diagnostic.fix is not None
        fresh = _fresh_spans(_spans(diagnostic.fix, lines, len(text)), taken)
        if fresh is not None:
            taken.extend(fresh)
            used.append(diagnostic)
    for start, end, content in sorted(taken, reverse=True):
        text = text[:start] + content + text[end:]
    return text, used


def _fresh_spans(spans: list[_Span] | None, taken: list[_Span]) -> list[_Span] | None:
    """The spans not taken yet, or None when the fix is invalid or clashes with one taken."""
    if spans is None:
        return None
    fresh = [span for span in spans if span not in taken]
    clashes = any(_clash(span, other) for span in fresh for other in taken)
    return None if clashes else fresh


def compiles(text: str, path: str) -> bool:
    """CPython compiles it: parsed, and no error the compiler finds (``await`` misplaced...)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # invalid escapes and the like: not ours to print
            compile(text, path, "exec", dont_inherit=True)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


# -- rounds ------------------------------------------------------------------------------

Lint = Callable[[str], FileResult]


def _fixable_start(text: str, result: FileResult) -> bool:
    has_syntax_error = any(d.code == SyntaxErrorRule.code for d in result.diagnostics)
    return not has_syntax_error and compiles(text, result.path)


def applied_fixes(diagnostics: Sequence[Diagnostic]) -> tuple[AppliedFix, ...]:
    return tuple(AppliedFix(d.code, d.name, d.fix.message if d.fix else "") for d in diagnostics)


def fix_source(text: str, first: FileResult, lint: Lint, settings: FixSettings) -> FixedSource:
    """Fix ``text`` (whose findings are ``first``) round after round; ``lint`` relints it."""
    current = FixedSource(text, first)
    if not any(settings.wants(d.fix) for d in first.diagnostics):
        return current
    if not _fixable_start(text, first):
        return current
    for number in range(1, settings.max_rounds + 1):
        following = _round(current, lint, settings, number)
        if following is None or following.text == current.text:
            return following or current
        current = following
    return current


def _round(
    current: FixedSource, lint: Lint, settings: FixSettings, number: int
) -> FixedSource | None:
    """The text after one more round; None when nothing applies.

    When the round's code does not compile, the fixes that break it on their own are
    left out (``rejected``) and the others applied; if that fails too, the round is.
    """
    chosen = [d for d in current.result.diagnostics if settings.wants(d.fix)]
    new_text, used = apply_fixes(current.text, chosen)
    if not used or new_text == current.text:
        return None
    rejected = current.rejected
    path = current.result.path
    if not compiles(new_text, path):
        rejected = True
        good = [d for d in used if compiles(apply_fixes(current.text, [d])[0], path)]
        new_text, used = apply_fixes(current.text, good)
        if not used or not compiles(new_text, path):
            return dataclasses.replace(current, rounds=number, rejected=True)
    applied = current.applied + applied_fixes(used)
    return FixedSource(new_text, lint(new_text), applied, number, rejected)
