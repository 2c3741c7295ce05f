"""The one walk of a file: every enabled rule's visit/leave methods, dispatched by node class.

The walk is iterative, so deep trees cannot overflow Python's stack while visiting,
and rule callbacks are dispatched only for the node types a rule registered. It keeps
``context.line`` (the line the walk is on) by counting line breaks as it goes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import libcst as cst

from fastapi_lint.engine.findings import internal_error
from fastapi_lint.models import InternalError
from fastapi_lint.rule import FileContext, Rule
from fastapi_lint.tree import TOKEN_CLASSES, children

Callback = Callable[[cst.CSTNode], object]
_SCOPE_TYPES = (cst.FunctionDef, cst.Lambda, cst.ClassDef)


@dataclass(slots=True)
class Dispatch:
    """Bound visit/leave callbacks per exact node class, with the rule that owns each."""

    visit: dict[type[cst.CSTNode], list[tuple[Rule, Callback]]] = field(default_factory=dict)
    leave: dict[type[cst.CSTNode], list[tuple[Rule, Callback]]] = field(default_factory=dict)

    @classmethod
    def for_rules(cls, rules: Sequence[Rule]) -> Dispatch:
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
class Walk:
    context: FileContext
    dispatch: Dispatch
    errors: list[InternalError] = field(default_factory=list)
    top_level: set[int] = field(default_factory=set)
    text_nodes: frozenset[type[cst.CSTNode]] = frozenset()
    # The statements of the module and of the indented blocks met so far (by ``id``), and
    # the indentation of the blocks being walked: ``context.inner_statements`` from them.
    block_statements: set[int] = field(default_factory=set)
    indents: tuple[str, ...] = ()

    def call(self, callbacks: list[tuple[Rule, Callback]] | None, node: cst.CSTNode) -> None:
        if not callbacks:
            return
        for rule, callback in list(callbacks):
            try:
                callback(node)
            except RecursionError:
                raise
            except Exception as error:  # noqa: BLE001 - one rule must not stop the others
                self.errors.append(internal_error(self.context.path, type(rule).code, error))
                self.dispatch.drop(rule)

    def run(self, module: cst.Module) -> None:
        """Depth-first, in source order, without recursion.

        ``context.line`` follows the line each visited node starts on: every line break
        of the source is a ``Newline`` node or sits inside a string token (or a
        backslash continuation), all visited in source order, so counting them gives
        lines for every node at no codegen cost (see ``_line_breaks``).
        """
        self.top_level = {id(statement) for statement in module.body}
        self.block_statements = set(self.top_level)
        self.text_nodes = _text_nodes(self.context.source)
        tokens = self._skipped_tokens()
        marked = _SCOPE_CLASSES.union(self.dispatch.leave, _STATEMENT_CLASSES)
        # Nodes, and leave markers: a node in a 1-tuple, pushed only for nodes someone
        # leaves (cheaper than a pair for every node; Any, as the branches tell them apart).
        stack: list[Any] = [module]
        while stack:
            node = stack.pop()
            node_class = type(node)
            if node_class in tokens:
                self.context.line += _token_line_breaks(node, self.text_nodes)
            elif node_class is tuple:
                self._leave(node[0])
            else:
                self._enter(node, node_class)
                if node_class in marked:
                    stack.append((node,))
                stack.extend(reversed(children(node)))

    def _skipped_tokens(self) -> frozenset[type[cst.CSTNode]]:
        """Token classes that need no visit: their line breaks are all the walk reads of them."""
        dispatched = self.dispatch.visit.keys() | self.dispatch.leave.keys()
        return frozenset() if TOKEN_CLASSES & dispatched else TOKEN_CLASSES

    def _enter(self, node: cst.CSTNode, node_class: type[cst.CSTNode]) -> None:
        context = self.context
        key = id(node)
        if key in self.block_statements:  # before a ``match`` indents its cases
            context.inner_statements.append((node, context.line, self.indents))
            if key in self.top_level:
                context.statement = (node, context.line)
        if node_class is cst.Newline:
            context.line += 1
        elif node_class in self.text_nodes:
            context.line += _line_breaks(node)
        elif node_class in _SCOPE_CLASSES:
            context.scopes.append(node)  # type: ignore[arg-type]  # checked just above
        elif node_class is cst.IndentedBlock or node_class is cst.Match:
            self._enter_block(node)  # type: ignore[arg-type]  # checked just above
        callbacks = self.dispatch.visit.get(node_class)
        if callbacks:
            self.call(callbacks, node)

    def _leave(self, node: cst.CSTNode) -> None:
        node_class = type(node)
        callbacks = self.dispatch.leave.get(node_class)
        if callbacks:
            self.call(callbacks, node)
        if node_class in _SCOPE_CLASSES:
            self.context.scopes.pop()
        elif node_class is cst.IndentedBlock or node_class is cst.Match:
            self.indents = self.indents[:-1]
        inner = self.context.inner_statements
        if inner and inner[-1][0] is node:
            inner.pop()

    def _enter_block(self, block: cst.IndentedBlock | cst.Match) -> None:
        """A block, or a ``match`` (its cases are indented by the ``match`` itself)."""
        indent = self.context.module.default_indent if block.indent is None else block.indent
        self.indents = (*self.indents, indent)
        if isinstance(block, cst.IndentedBlock):
            self.block_statements.update(map(id, block.body))


# The exact classes: a set lookup instead of ``isinstance``, which goes through ABCMeta.
_SCOPE_CLASSES: frozenset[type[cst.CSTNode]] = frozenset(_SCOPE_TYPES)
# What a block's body holds, and the blocks themselves: left, to keep the stacks above.
_STATEMENT_TYPES: tuple[type[cst.CSTNode], ...] = (
    *(cst.IndentedBlock, cst.SimpleStatementLine, cst.If, cst.For, cst.While, cst.Try),
    *(cst.TryStar, cst.With, cst.FunctionDef, cst.ClassDef, cst.Match),
)
_STATEMENT_CLASSES: frozenset[type[cst.CSTNode]] = frozenset(_STATEMENT_TYPES)
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


def _token_line_breaks(token: cst.CSTNode, text_nodes: frozenset[type[cst.CSTNode]]) -> int:
    """The line breaks the walk would count in a token's subtree, had it visited it."""
    token_class = type(token)
    if token_class is cst.SimpleWhitespace and token_class not in text_nodes:
        return 0  # the most common node of all, and it has no children
    if token_class is cst.Newline:
        return 1
    if token_class in text_nodes:
        return _line_breaks(token)
    plain_whitespace = cst.SimpleWhitespace not in text_nodes
    breaks = 0
    for child in children(token):
        if not (plain_whitespace and type(child) is cst.SimpleWhitespace):  # most children
            breaks += _token_line_breaks(child, text_nodes)
    return breaks
