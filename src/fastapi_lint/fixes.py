"""Fixes as rules write them: LibCST nodes and their replacements, turned into text edits.

A rule never computes positions: it says "this node becomes these nodes" (``replace``)
and the engine, once the file is walked, finds where the node's code starts and the
indentation around it, regenerates the old and the new code there with LibCST, and
keeps only the part that differs as a text edit. Comments and formatting outside the
changed part survive because they are never rewritten, and the new code is indented
as the block it lands in. The old code regenerated this way must match the file
character for character, or the fix is dropped: a fix never guesses.

Replacing a node by nodes of the same kind keeps the regenerated ranges comparable:
a statement, block or ``def`` by another (their code runs from the start of their
first line to the end of their last), an expression by an expression. Statements that
move between blocks are handled by replacing the block (``replace_statement``).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass

import libcst as cst
from libcst._nodes.internal import CodegenState

from fastapi_lint.models import Applicability, Edit, Fix
from fastapi_lint.positions import NodeStart
from fastapi_lint.tree import children

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
Block = cst.Module | cst.IndentedBlock


@dataclass(frozen=True, slots=True)
class NodeEdit:
    """``old`` (a node of the file) is replaced by ``new``, generated one after the other."""

    old: cst.CSTNode
    new: tuple[cst.CSTNode, ...]


Requirements = tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class PendingFix:
    """A fix whose positions are resolved by the engine (see ``Rule.report(fix=...)``)."""

    message: str
    edits: tuple[NodeEdit, ...]
    applicability: Applicability = "safe"
    # The target versions this fix needs, as (package, specifier) pairs: a part of its
    # rule's ``fix_requires``. None: all of the rule's ``fix_requires``.
    requires: Requirements | None = None

    def plus(self, *edits: NodeEdit) -> PendingFix:
        """The same fix with more edits (an import to add, say)."""
        return PendingFix(self.message, (*self.edits, *edits), self.applicability, self.requires)


def replace(
    old: cst.CSTNode,
    new: cst.CSTNode | Sequence[cst.CSTNode],
    message: str,
    *,
    unsafe: bool = False,
    requires: Mapping[str, str] | None = None,
) -> PendingFix:
    """The one-line way for a rule to offer a fix: ``fix=replace(node, new_node, "...")``.

    ``requires`` names the target versions this fix needs (``{"python": ">=3.9"}``, ``{}``
    for none), when less than all of its rule's ``fix_requires``.
    """
    nodes = (new,) if isinstance(new, cst.CSTNode) else tuple(new)
    needs = None if requires is None else tuple(sorted(requires.items()))
    return PendingFix(message, (NodeEdit(old, nodes),), "unsafe" if unsafe else "safe", needs)


def insert_before(statement: cst.SimpleStatementLine, new: cst.BaseStatement) -> NodeEdit:
    """Insert ``new`` just above ``statement``, below the comments that lead to it."""
    moved = new.with_changes(leading_lines=statement.leading_lines)
    return NodeEdit(statement, (moved, statement.with_changes(leading_lines=())))


# -- statements that move between blocks ------------------------------------------------


def enclosing_block(
    module: cst.Module, statement: cst.CSTNode, within: cst.CSTNode | None = None
) -> Block | None:
    """The module or indented block whose body holds ``statement``.

    ``within`` (the top-level statement being walked, ``context.statement``) narrows the
    search to one statement instead of the module.
    """
    if any(child is statement for child in module.body):
        return module
    stack = [within or module]
    while stack:
        node = stack.pop()
        if isinstance(node, Block) and any(child is statement for child in node.body):
            return node
        stack.extend(children(node))
    return None


def suite_statements(suite: cst.BaseSuite) -> list[cst.BaseStatement]:
    """A block's statements as lines of their own: ``if x: a; b`` gives the line ``a; b``.

    A comment on the block's header line (``else:  # why``) becomes a line above them.
    """
    if isinstance(suite, cst.SimpleStatementSuite):
        return [as_statement_line(suite)]
    assert isinstance(suite, cst.IndentedBlock)
    return with_leading(list(suite.body), comment_line(suite.header))


def suite_footer(suite: cst.BaseSuite) -> tuple[cst.EmptyLine, ...]:
    """Comment lines closing an indented block, after its last statement."""
    return tuple(suite.footer) if isinstance(suite, cst.IndentedBlock) else ()


def as_statement_line(suite: cst.SimpleStatementSuite) -> cst.SimpleStatementLine:
    """``if x: a; b`` -> the line ``a; b``, keeping its trailing comment."""
    return cst.SimpleStatementLine(body=suite.body, trailing_whitespace=suite.trailing_whitespace)


def comment_line(trailing: cst.TrailingWhitespace) -> tuple[cst.EmptyLine, ...]:
    """A comment that ended a header line (``else:  # why``), as a line of its own."""
    if trailing.comment is None:
        return ()
    return (cst.EmptyLine(indent=True, comment=trailing.comment),)


def with_leading(
    statements: Sequence[cst.BaseStatement], lines: Sequence[cst.EmptyLine]
) -> list[cst.BaseStatement]:
    """``statements`` with ``lines`` put above the first one."""
    if not lines or not statements:
        return list(statements)
    first = statements[0]
    assert isinstance(first, cst.SimpleStatementLine | cst.BaseCompoundStatement)
    return [first.with_changes(leading_lines=(*lines, *first.leading_lines)), *statements[1:]]


def replace_statement(
    block: Block,
    statement: cst.BaseStatement,
    replacement: Sequence[cst.BaseStatement],
    trailing: Sequence[cst.EmptyLine] = (),
) -> NodeEdit:
    """Replace ``statement`` of ``block`` by several; ``trailing`` comment lines follow them.

    The block is what is replaced, so statements may change level; only the lines
    that differ become the edit.
    """
    body = list(block.body)
    index = next(i for i, child in enumerate(body) if child is statement)
    after = body[index + 1 :]
    footer = tuple(block.footer)
    if trailing and after:
        after = with_leading(after, trailing)
    elif trailing:
        footer = (*trailing, *footer)
    new_body = [*body[:index], *replacement, *after]
    return NodeEdit(block, (block.with_changes(body=new_body, footer=footer),))


# -- from nodes to text edits (the engine's side) ---------------------------------------


def edit_nodes(fix: PendingFix) -> list[cst.CSTNode]:
    return [edit.old for edit in fix.edits]


class LineIndex:
    """Offsets of line starts, to turn LibCST's (line, column) into string offsets."""

    def __init__(self, text: str) -> None:
        self.starts = [0] + [match.end() for match in _LINE_BREAK.finditer(text)]

    def offset(self, line: int, column: int) -> int:
        return self.starts[line - 1] + column

    def position(self, offset: int) -> tuple[int, int]:
        """1-based line and column of ``offset``."""
        line = bisect.bisect_right(self.starts, offset)
        return line, offset - self.starts[line - 1] + 1


def _code(nodes: Sequence[cst.CSTNode], start: NodeStart, module: cst.Module) -> str:
    state = CodegenState(
        default_indent=module.default_indent, default_newline=module.default_newline
    )
    state.indent_tokens = list(start.indent)
    for node in nodes:
        node._codegen(state)
    return "".join(state.tokens)


class _TailReached(Exception):  # noqa: N818 - a signal, not an error
    """Raised to stop code generation once the shared tail's first line is written."""


class _UntilTailState(CodegenState):
    """Generates code up to the first line break inside ``tail``, then stops."""

    def __init__(self, module: cst.Module, start: NodeStart, tail: cst.CSTNode) -> None:
        super().__init__(
            default_indent=module.default_indent, default_newline=module.default_newline
        )
        self.indent_tokens = list(start.indent)
        self.tail = tail
        self.tail_start: int | None = None  # characters written before the tail

    def before_codegen(self, node: cst.CSTNode) -> None:
        if node is self.tail and self.tail_start is None:
            self.tail_start = sum(map(len, self.tokens))

    def add_token(self, value: str) -> None:
        super().add_token(value)
        if self.tail_start is not None and ("\n" in value or "\r" in value):
            raise _TailReached


def _code_until_tail(
    node: cst.CSTNode, tail: cst.CSTNode, start: NodeStart, module: cst.Module
) -> tuple[str, int]:
    """``node``'s code up to the end of ``tail``'s first line, and where ``tail`` starts."""
    state = _UntilTailState(module, start, tail)
    with suppress(_TailReached):
        node._codegen(state)
    text = "".join(state.tokens)
    return text, len(text) if state.tail_start is None else state.tail_start


# Compound statements whose body is the last code they generate.
_BODY_LAST = (cst.FunctionDef, cst.ClassDef, cst.With)


def _shared_body(edit: NodeEdit) -> cst.CSTNode | None:
    """The body ``edit`` leaves as it is, when it is the last code of the old and new node."""
    old, new = edit.old, edit.new
    if len(new) != 1 or type(new[0]) is not type(old) or not isinstance(old, _BODY_LAST):
        return None
    body = old.body
    return body if getattr(new[0], "body", None) is body else None


def _span(edit: NodeEdit, offset: int, start: NodeStart, module: cst.Module) -> _Span:
    """Where ``edit.old`` is, its code and the new code.

    A ``def`` whose header changes keeps its body: both codes then stop at the end of
    the body's first line, which gives the same edit as the whole codes (they differ only
    before that line end) without generating a long body twice.
    """
    tail = _shared_body(edit)
    if tail is not None:
        old, old_header = _code_until_tail(edit.old, tail, start, module)
        new, new_header = _code_until_tail(edit.new[0], tail, start, module)
        if _prefix(old, new) < min(old_header, new_header):
            return _Span(offset, old, new)
    return _Span(offset, _code([edit.old], start, module), _code(edit.new, start, module))


def _line_start(text: str, index: int) -> bool:
    if index <= 0:
        return True
    before = text[index - 1]
    return before == "\n" or (before == "\r" and text[index : index + 1] != "\n")


def _in_word(text: str, index: int) -> bool:
    """``index`` falls inside a name or number: the characters around it are both word ones."""
    return 0 < index < len(text) and _is_word(text[index - 1]) and _is_word(text[index])


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"


def _prefix(old: str, new: str) -> int:
    limit = min(len(old), len(new))
    prefix = 0
    while prefix < limit and old[prefix] == new[prefix]:
        prefix += 1
    return prefix


def _suffix(old: str, new: str, prefix: int) -> int:
    limit = min(len(old), len(new)) - prefix
    suffix = 0
    while suffix < limit and old[-1 - suffix] == new[-1 - suffix]:
        suffix += 1
    return suffix


def _common_affixes(old: str, new: str) -> tuple[int, int]:
    """Lengths of the common prefix and suffix, so only what differs is rewritten.

    Cuts never fall inside a name (``nap`` -> ``await asyncio.sleep`` rewrites the whole
    name), and when what differs spans lines, they fall at line starts: the edit then
    replaces whole lines, which is what a reader of the edit (or of a diff) expects.
    """
    prefix = _prefix(old, new)
    suffix = _suffix(old, new, prefix)
    changed = old[prefix : len(old) - suffix] + new[prefix : len(new) - suffix]
    if "\n" in changed or "\r" in changed:
        return _line_cuts(old, new, prefix)
    while _in_word(old, prefix) or _in_word(new, prefix):
        prefix -= 1
    while _in_word(old, len(old) - suffix) or _in_word(new, len(new) - suffix):
        suffix -= 1
    return prefix, suffix


def _line_cuts(old: str, new: str, prefix: int) -> tuple[int, int]:
    while prefix and not _line_start(old, prefix):
        prefix -= 1
    suffix = _suffix(old, new, prefix)
    while suffix and not (
        _line_start(old, len(old) - suffix) and _line_start(new, len(new) - suffix)
    ):
        suffix -= 1
    return prefix, suffix


@dataclass(frozen=True, slots=True)
class _Span:
    """Where ``old`` sits in the source, with the code replacing it."""

    start: int
    old: str
    new: str


def _located(source: str, span: _Span, module: cst.Module) -> _Span | None:
    """``span`` if its old code is what the file holds there (a file's last newline may lack)."""
    if source.startswith(span.old, span.start):
        return span
    newline = module.default_newline
    old, new = span.old.removesuffix(newline), span.new.removesuffix(newline)
    at_end = span.start + len(old) == len(source) and not module.has_trailing_newline
    if at_end and span.old.endswith(newline) and source.startswith(old, span.start):
        return _Span(span.start, old, new)
    return None


def _text_edit(span: _Span, lines: LineIndex) -> Edit | None:
    prefix, suffix = _common_affixes(span.old, span.new)
    if prefix == len(span.old) == len(span.new):
        return None  # nothing changes
    start = lines.position(span.start + prefix)
    end = lines.position(span.start + len(span.old) - suffix)
    content = span.new[prefix : len(span.new) - suffix]
    return Edit(start[0], start[1], end[0], end[1], content)


def resolve_fix(
    fix: PendingFix,
    module: cst.Module,
    source: str,
    starts: dict[cst.CSTNode, NodeStart],
    lines: LineIndex | None = None,
) -> Fix | None:
    """The text edits of ``fix``; None when a node cannot be placed or nothing changes.

    ``lines`` is the source's line index: build it once for all of a file's fixes, or
    resolving them costs the file's length per fix.
    """
    lines = LineIndex(source) if lines is None else lines
    edits: list[Edit] = []
    for node_edit in fix.edits:
        start = starts.get(node_edit.old)
        if start is None:
            return None
        span = _span(node_edit, lines.offset(start.line, start.column), start, module)
        located = _located(source, span, module)
        if located is None:
            return None
        edit = _text_edit(located, lines)
        if edit is not None:
            edits.append(edit)
    return Fix(fix.applicability, fix.message, tuple(edits)) if edits else None
