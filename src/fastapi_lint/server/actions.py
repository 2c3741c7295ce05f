"""Code actions: a finding's fix, every safe fix of the file, and ``# noqa`` for a line."""

from __future__ import annotations

import difflib
import io
import itertools
import tokenize
from collections.abc import Sequence
from dataclasses import dataclass

from lsprotocol import types

from fastapi_lint.models import Diagnostic
from fastapi_lint.server.convert import Locate, lsp_diagnostic, text_edits
from fastapi_lint.server.linting import Linted
from fastapi_lint.server.text import (
    TextPositions,
    changed_span,
    offset_position,
    physical_lines,
    split_lines,
)
from fastapi_lint.suppression import UNSUPPRESSIBLE, with_noqa

FIX_ALL_KIND = f"{types.CodeActionKind.SourceFixAll.value}.fastapi-lint"
FIX_ALL_TITLE = "fastapi-lint: fix all safe fixes in file"
_QUICK_FIX = types.CodeActionKind.QuickFix
# Tokens that open and close an f-string (3.12+) or t-string (3.14+), whose text may
# run over several lines like any string's.
_OPENERS = {
    getattr(tokenize, n) for n in ("FSTRING_START", "TSTRING_START") if hasattr(tokenize, n)
}
_CLOSERS = {getattr(tokenize, n) for n in ("FSTRING_END", "TSTRING_END") if hasattr(tokenize, n)}


@dataclass(frozen=True, slots=True)
class Shown:
    """A document's findings as published, each beside its LSP diagnostic."""

    linted: Linted
    positions: TextPositions
    pairs: tuple[tuple[Diagnostic, types.Diagnostic], ...]

    @classmethod
    def of(cls, linted: Linted, encoding: str | None, locate: Locate) -> Shown:
        positions = TextPositions(linted.text, encoding)
        pairs = tuple((d, lsp_diagnostic(d, positions, locate)) for d in linted.result.diagnostics)
        return cls(linted, positions, pairs)

    def touching(self, wanted: types.Range) -> list[tuple[Diagnostic, types.Diagnostic]]:
        return [pair for pair in self.pairs if _overlaps(pair[1].range, wanted)]


@dataclass(frozen=True, slots=True)
class EditTarget:
    """The document the edits are for; ``versioned`` when the client checks versions."""

    uri: str
    version: int | None
    versioned: bool

    def edit(self, edits: Sequence[types.TextEdit]) -> types.WorkspaceEdit:
        if not self.versioned:
            return types.WorkspaceEdit(changes={self.uri: list(edits)})
        document = types.OptionalVersionedTextDocumentIdentifier(uri=self.uri, version=self.version)
        change = types.TextDocumentEdit(text_document=document, edits=list(edits))
        return types.WorkspaceEdit(document_changes=[change])


def _key(position: types.Position) -> tuple[int, int]:
    return position.line, position.character


def _overlaps(a: types.Range, b: types.Range) -> bool:
    # Inclusive: a cursor right before or after a finding still offers its actions.
    return _key(a.start) <= _key(b.end) and _key(b.start) <= _key(a.end)


def kind_wanted(kind: str, only: Sequence[str] | None) -> bool:
    """Whether ``kind`` is one the client asked for (kinds are dotted hierarchies)."""
    return only is None or any(kind == o or kind.startswith(f"{o}.") for o in only)


def quick_fixes(shown: Shown, target: EditTarget, wanted: types.Range) -> list[types.CodeAction]:
    """Each fix of a finding in ``wanted``; safe ones are preferred, unsafe ones say so."""
    actions = []
    for diagnostic, lsp in shown.touching(wanted):
        fix = diagnostic.fix
        if fix is None:
            continue
        safe = fix.applicability == "safe"
        actions.append(
            types.CodeAction(
                title=f"{diagnostic.code}: {fix.message}" + ("" if safe else " (unsafe)"),
                kind=_QUICK_FIX,
                diagnostics=[lsp],
                edit=target.edit(text_edits(fix, shown.positions)),
                is_preferred=safe,
            )
        )
    return actions


def noqa_fixes(shown: Shown, target: EditTarget, wanted: types.Range) -> list[types.CodeAction]:
    """``# noqa: CODE`` on the line a finding starts on (where suppression looks)."""
    blocked = _lines_without_comments(shown.linted.text)
    actions: dict[tuple[int, str], types.CodeAction] = {}
    for diagnostic, lsp in shown.touching(wanted):
        place = (diagnostic.line, diagnostic.code)
        if diagnostic.code in UNSUPPRESSIBLE or place in actions or diagnostic.line in blocked:
            continue
        edit = _noqa_edit(shown.positions, diagnostic.line, diagnostic.code)
        if edit is not None:
            title = f"{diagnostic.code}: add `# noqa: {diagnostic.code}` to this line"
            actions[place] = types.CodeAction(
                title=title, kind=_QUICK_FIX, diagnostics=[lsp], edit=target.edit([edit])
            )
    return list(actions.values())


def _noqa_edit(positions: TextPositions, line: int, code: str) -> types.TextEdit | None:
    text = positions.lines[line - 1]
    new = with_noqa(text, code)
    if new is None:
        return None
    start, end, content = changed_span(text, new)
    where = positions.range(line, start + 1, line, end + 1)
    return types.TextEdit(range=where, new_text=content)


def _lines_without_comments(text: str) -> set[int]:
    """Lines where a comment cannot go: ending inside a string, or continued by ``\\``.

    Every line, when the text does not tokenize (a comment would be a guess there).
    """
    lines = split_lines(text)
    blocked = {n for n, line in enumerate(lines, 1) if line.rstrip().endswith("\\")}
    opened: list[int] = []
    try:
        for token in tokenize.generate_tokens(io.StringIO(text, newline=None).readline):
            if token.type in _OPENERS:
                opened.append(token.start[0])
            elif token.type in _CLOSERS and opened:
                blocked.update(range(opened.pop(), token.end[0]))
            elif token.type == tokenize.STRING:
                blocked.update(range(token.start[0], token.end[0]))
    except (tokenize.TokenError, SyntaxError):
        return set(range(1, len(lines) + 2))
    return blocked


def fix_all_action(
    shown: Shown, target: EditTarget, fixed: str | None, data: object = None
) -> types.CodeAction | None:
    """Every safe fix at once; ``fixed`` is the text after them, or None to resolve later."""
    if not any(d.fix and d.fix.applicability == "safe" for d, _ in shown.pairs):
        return None
    action = types.CodeAction(title=FIX_ALL_TITLE, kind=FIX_ALL_KIND, data=data)
    if fixed is not None:
        action.edit = whole_text_edit(shown, target, fixed)
    return action


def whole_text_edit(shown: Shown, target: EditTarget, fixed: str) -> types.WorkspaceEdit:
    """The edits turning the document into ``fixed``: one per block of lines that changed.

    Whole lines, not one span from the first change to the last, so the lines between
    two fixes (and the cursor on them) stay untouched.
    """
    text = shown.linted.text
    old, new = physical_lines(text), physical_lines(fixed)
    starts = list(itertools.accumulate(map(len, old), initial=0))
    blocks = difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes()
    edits = []
    for operation, first, last, new_first, new_last in blocks:
        if operation == "equal":
            continue
        line, column = offset_position(text, starts[first])
        end_line, end_column = offset_position(text, starts[last])
        where = shown.positions.range(line, column, end_line, end_column)
        edits.append(types.TextEdit(range=where, new_text="".join(new[new_first:new_last])))
    return target.edit(edits)
