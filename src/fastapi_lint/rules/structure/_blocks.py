"""What the structure rules (FAPI401-FAPI405) share: exits, `elif`s, the defs being walked."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Generic, TypeVar

import libcst as cst

from fastapi_lint.analysis.statements import Statement

ScopeNode = cst.FunctionDef | cst.ClassDef
T = TypeVar("T")

_EXIT_KEYWORDS: dict[type[cst.CSTNode], str] = {
    cst.Return: "return",
    cst.Raise: "raise",
    cst.Continue: "continue",
    cst.Break: "break",
}


def exit_keyword(statement: Statement) -> str | None:
    """`return`, `raise`, `continue` or `break` when the statement is one, else None."""
    return _EXIT_KEYWORDS.get(type(statement))


def is_block(statement: Statement) -> bool:
    """A statement with a block of its own (`if`, a loop, `try`, `with`, `match`), not a `def`."""
    return isinstance(statement, cst.BaseCompoundStatement) and not isinstance(
        statement, (cst.FunctionDef, cst.ClassDef)
    )


def clauses(statement: cst.BaseCompoundStatement) -> Iterator[cst.CSTNode]:
    """The statement and its other clauses (`elif`, `else`, `except`, `finally`, `case`)."""
    if isinstance(statement, cst.Match):
        yield from statement.cases
        return
    yield statement
    orelse = getattr(statement, "orelse", None)
    while isinstance(orelse, cst.If):  # an `elif`
        yield orelse
        orelse = orelse.orelse
    if isinstance(statement, (cst.Try, cst.TryStar)):
        yield from statement.handlers
    if orelse is not None:
        yield orelse
    if isinstance(statement, (cst.Try, cst.TryStar)) and statement.finalbody is not None:
        yield statement.finalbody


class ElifTracker:
    """Tells `elif` clauses apart: LibCST stores `elif` as an `If` in the `orelse` of another."""

    def __init__(self) -> None:
        self._elifs: set[cst.If] = set()

    def note(self, node: cst.If) -> bool:
        """Call from `visit_If` (parents come first); True when ``node`` is an `elif`."""
        if isinstance(node.orelse, cst.If):
            self._elifs.add(node.orelse)
        return node in self._elifs

    def is_elif(self, node: cst.If) -> bool:
        return node in self._elifs


@dataclass(slots=True)
class Frame(Generic[T]):
    """One `def` or `class` being walked, with whatever a rule keeps about it."""

    node: ScopeNode
    data: T
    in_body: bool = False  # False while the walk is in decorators, parameters or bases

    @property
    def is_function(self) -> bool:
        return isinstance(self.node, cst.FunctionDef)


class Frames(Generic[T]):
    """The stack of enclosing `def`s and `class`es, knowing whether the walk is in a body.

    Lambdas are left out on purpose: both radon and ruff treat a lambda's body as part of
    the function around it.
    """

    def __init__(self) -> None:
        self.stack: list[Frame[T]] = []

    def push(self, node: ScopeNode, data: T) -> Frame[T]:
        frame = Frame(node, data)
        self.stack.append(frame)
        return frame

    def pop(self) -> Frame[T]:
        return self.stack.pop()

    def enter_block(self, block: cst.BaseSuite) -> None:
        """Call from `visit_IndentedBlock`/`visit_SimpleStatementSuite`: the body begins."""
        if self.stack and self.stack[-1].node.body is block:
            self.stack[-1].in_body = True

    def innermost(self) -> Frame[T] | None:
        return self.stack[-1] if self.stack else None

    def body_owner(self) -> Frame[T] | None:
        """The function whose own body holds the current node, if no class or header is closer."""
        frame = self.innermost()
        if frame is None or not frame.in_body or not frame.is_function:
            return None
        return frame

    def evaluating_function(self) -> Frame[T] | None:
        """The function that runs the current expression: headers run in the enclosing scope."""
        for frame in reversed(self.stack):
            if frame.in_body:
                return frame if frame.is_function else None
        return None
