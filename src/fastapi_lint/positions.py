"""Source positions for just the nodes that were reported.

LibCST's ``PositionProvider`` (through ``MetadataWrapper``) generates code for the
whole module, records a range for every node, then walks the tree once more. Linting
needs the ranges of a handful of reported nodes, so this state records ranges as
``PositionProvider`` defines them but keeps no tokens, and stops generating code as
soon as the last wanted node is done.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass

import libcst as cst
from libcst._nodes.internal import CodegenState
from libcst.metadata import CodePosition, CodeRange

_NEWLINE = re.compile(r"\r\n?|\n")


class _AllFoundSignal(Exception):  # noqa: N818 - a signal, not an error
    """Raised to stop code generation once every wanted node has a range."""


_Range = tuple[int, int, int, int]  # start line, start column, end line, end column


class _PositionState(CodegenState):
    """Tracks line and column while LibCST generates code; remembers wanted ranges.

    Ranges are plain tuples keyed by ``id(node)``: building CodeRange objects and
    hashing nodes for every node of the module cost more than the generation itself.
    """

    def __init__(
        self, module: cst.Module, wanted: Collection[cst.CSTNode], first_line: int = 1
    ) -> None:
        super().__init__(
            default_indent=module.default_indent, default_newline=module.default_newline
        )
        self.line, self.column = first_line, 0
        self.ranges: dict[int, _Range] = {}
        self.wanted = {id(node) for node in wanted}
        self.starts: list[tuple[int, int]] = []

    def add_indent_tokens(self) -> None:
        for token in self.indent_tokens:
            self.column += len(token)

    def add_token(self, value: str) -> None:
        if "\n" not in value and "\r" not in value:
            self.column += len(value)
            return
        segments = _NEWLINE.split(value)
        self.line += len(segments) - 1
        self.column = len(segments[-1])

    def before_codegen(self, node: cst.CSTNode) -> None:
        self.starts.append((self.line, self.column))

    def after_codegen(self, node: cst.CSTNode) -> None:
        start_line, start_column = self.starts.pop()
        key = id(node)
        # A syntactic range recorded inside the node wins over the whitespace-inclusive one.
        if key not in self.ranges:
            self.ranges[key] = (start_line, start_column, self.line, self.column)
        if key in self.wanted:
            self.wanted.discard(key)
            if not self.wanted:
                raise _AllFoundSignal

    @contextmanager
    def record_syntactic_position(
        self,
        node: cst.CSTNode,
        *,
        start_node: cst.CSTNode | None = None,
        end_node: cst.CSTNode | None = None,
    ) -> Iterator[None]:
        start = (self.line, self.column)
        yield  # no try/finally: when generation stops early, nothing is left to record
        end = (self.line, self.column)
        if start_node is not None:
            start = self.ranges[id(start_node)][:2]
        if end_node is not None:
            end = self.ranges[id(end_node)][2:]
        self.ranges[id(node)] = (*start, *end)


def _collect(state: _PositionState, node: cst.CSTNode) -> None:
    with suppress(_AllFoundSignal):
        node._codegen(state)


def _as_code_ranges(
    state: _PositionState, wanted: Collection[cst.CSTNode]
) -> dict[cst.CSTNode, CodeRange]:
    found: dict[cst.CSTNode, CodeRange] = {}
    for node in wanted:
        where = state.ranges.get(id(node))
        if where is not None:
            start, end = CodePosition(where[0], where[1]), CodePosition(where[2], where[3])
            found[node] = CodeRange(start, end)
    return found


@dataclass(frozen=True, slots=True)
class NodeStart:
    """Where a node's code starts (leading lines included) and the indentation around it.

    Fixes regenerate a node's code in place: with these indentation tokens, LibCST
    writes the node exactly as it stands in the file, starting at ``line``/``column``
    (1-based line, 0-based column, as LibCST counts).
    """

    line: int
    column: int
    indent: tuple[str, ...]


class _StartState(_PositionState):
    """Remembers where each wanted node's whole code starts, and its indentation.

    Only starts are wanted, so generation stops as soon as the last wanted node starts:
    a fix that edits the module (or a long class) no longer generates it to its end.
    """

    def __init__(
        self, module: cst.Module, wanted: Collection[cst.CSTNode], first_line: int = 1
    ) -> None:
        super().__init__(module, wanted, first_line)
        self.node_starts: dict[int, NodeStart] = {}
        self.unstarted = set(self.wanted)

    def before_codegen(self, node: cst.CSTNode) -> None:
        super().before_codegen(node)
        key = id(node)
        if key in self.unstarted:
            self.node_starts[key] = NodeStart(self.line, self.column, tuple(self.indent_tokens))
            self.unstarted.discard(key)
            if not self.unstarted:
                raise _AllFoundSignal


def node_starts(
    module: cst.Module,
    wanted: Collection[cst.CSTNode],
    statement: tuple[cst.CSTNode, int] | None = None,
    indent: Sequence[str] = (),
) -> dict[cst.CSTNode, NodeStart]:
    """Starts of the ``wanted`` nodes: inside ``(statement, first_line)``, else the module.

    ``indent`` is the indentation of the blocks around ``statement`` (as for
    ``statement_ranges``); nodes outside ``statement`` are simply not found.
    """
    root, first_line = statement if statement is not None else (module, 1)
    state = _StartState(module, wanted, first_line)
    state.indent_tokens = list(indent)
    _collect(state, root)
    return {node: state.node_starts[id(node)] for node in wanted if id(node) in state.node_starts}


def node_ranges(
    module: cst.Module, wanted: Collection[cst.CSTNode]
) -> dict[cst.CSTNode, CodeRange]:
    """Ranges (as LibCST's PositionProvider gives them) for the ``wanted`` nodes of ``module``."""
    state = _PositionState(module, wanted)
    _collect(state, module)
    return _as_code_ranges(state, wanted)


def statement_ranges(
    module: cst.Module,
    statement: cst.CSTNode,
    first_line: int,
    wanted: Collection[cst.CSTNode],
    indent: Sequence[str] = (),
) -> dict[cst.CSTNode, CodeRange]:
    """Ranges for ``wanted`` nodes inside one ``statement`` of ``module``: a top-level one,
    or one of an indented block when ``indent`` gives the blocks' indentation around it.

    ``first_line`` is the line its code (leading blank and comment lines included)
    starts on. Generating one statement instead of the module up to it is what makes
    findings cheap in long files; nodes outside ``statement`` are simply not found.
    """
    state = _PositionState(module, wanted, first_line)
    state.indent_tokens = list(indent)
    _collect(state, statement)
    return _as_code_ranges(state, wanted)
