"""Source positions for just the nodes that were reported.

LibCST's ``PositionProvider`` (through ``MetadataWrapper``) generates code for the
whole module, records a range for every node, then walks the tree once more. Linting
needs the ranges of a handful of reported nodes, so this state records ranges as
``PositionProvider`` defines them but keeps no tokens, and stops generating code as
soon as the last wanted node is done.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator
from contextlib import contextmanager, suppress

import libcst as cst
from libcst._nodes.internal import CodegenState
from libcst.metadata import CodePosition, CodeRange

_NEWLINE = re.compile(r"\r\n?|\n")


class _AllFoundSignal(Exception):  # noqa: N818 - a signal, not an error
    """Raised to stop code generation once every wanted node has a range."""


class _PositionState(CodegenState):
    """Tracks line and column while LibCST generates code; remembers wanted ranges."""

    def __init__(self, module: cst.Module, wanted: Collection[cst.CSTNode]) -> None:
        super().__init__(
            default_indent=module.default_indent, default_newline=module.default_newline
        )
        self.line, self.column = 1, 0
        self.ranges: dict[cst.CSTNode, CodeRange] = {}
        self.wanted = {id(node): node for node in wanted}
        self.pending = len(self.wanted)
        self.starts: list[CodePosition] = []

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
        self.starts.append(CodePosition(self.line, self.column))

    def after_codegen(self, node: cst.CSTNode) -> None:
        start = self.starts.pop()
        # A syntactic range recorded inside the node wins over the whitespace-inclusive one.
        if node not in self.ranges:
            self.ranges[node] = CodeRange(start, CodePosition(self.line, self.column))
        if id(node) in self.wanted and self.wanted.pop(id(node)) is node:
            self.pending -= 1
            if self.pending == 0:
                raise _AllFoundSignal

    @contextmanager
    def record_syntactic_position(
        self,
        node: cst.CSTNode,
        *,
        start_node: cst.CSTNode | None = None,
        end_node: cst.CSTNode | None = None,
    ) -> Iterator[None]:
        start = CodePosition(self.line, self.column)
        yield  # no try/finally: when generation stops early, nothing is left to record
        end = CodePosition(self.line, self.column)
        if start_node is not None:
            start = self.ranges[start_node].start
        if end_node is not None:
            end = self.ranges[end_node].end
        self.ranges[node] = CodeRange(start, end)


def node_ranges(
    module: cst.Module, wanted: Collection[cst.CSTNode]
) -> dict[cst.CSTNode, CodeRange]:
    """Ranges (as LibCST's PositionProvider gives them) for the ``wanted`` nodes of ``module``."""
    state = _PositionState(module, wanted)
    with suppress(_AllFoundSignal):
        module._codegen(state)
    return {node: state.ranges[node] for node in wanted if node in state.ranges}
