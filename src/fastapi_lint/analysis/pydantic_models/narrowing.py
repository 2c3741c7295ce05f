"""``isinstance(value, User)`` guards: the code they guard sees ``value`` as a ``User``.

Read per function, once, when a receiver of a v1 method has no class otherwise: the
body of ``if isinstance(x, C):``, the value of ``... if isinstance(x, C) else ...`` and
what follows ``isinstance(x, C) and`` see ``x`` as an instance of ``C`` (one class, not
a tuple of them). A guard negated, or an ``else`` branch, narrows nothing.
"""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst

from fastapi_lint.analysis.pydantic_models.bindings import Binding
from fastapi_lint.fastapi_model.syntax import dotted_name, positional_args
from fastapi_lint.tree import children

_SCOPES = (cst.FunctionDef, cst.ClassDef, cst.Lambda)


def narrowings(function: cst.FunctionDef) -> dict[int, Binding]:
    """``id`` of each ``Name`` node an ``isinstance`` guard narrows -> its class."""
    found: dict[int, Binding] = {}
    stack: list[cst.CSTNode] = list(children(function.body))
    while stack:
        node = stack.pop()
        for guarded, (name, cls) in _guards(node):
            for named in _names(guarded, name):
                found.setdefault(id(named), Binding("type", cls))
        if not isinstance(node, _SCOPES):
            stack.extend(children(node))
    return found


def _guards(node: cst.CSTNode) -> Iterator[tuple[cst.CSTNode, tuple[str, str]]]:
    """(the code guarded, (the name, its class)) for each guard ``node`` makes."""
    if isinstance(node, cst.If | cst.IfExp):
        guard = _isinstance(node.test)
        if guard is not None:
            yield node.body, guard
    elif isinstance(node, cst.BooleanOperation) and isinstance(node.operator, cst.And):
        guard = _isinstance(node.left)
        if guard is not None:
            yield node.right, guard


def _isinstance(test: cst.BaseExpression) -> tuple[str, str] | None:
    """``isinstance(x, C)``: ``("x", "C")``; the last guard of an ``and`` chain counts."""
    if isinstance(test, cst.BooleanOperation) and isinstance(test.operator, cst.And):
        return _isinstance(test.right) or _isinstance(test.left)
    if not isinstance(test, cst.Call) or dotted_name(test.func) != "isinstance":
        return None
    args = positional_args(test)
    if len(args) != 2 or not isinstance(args[0], cst.Name):
        return None
    cls = dotted_name(args[1])
    return (args[0].value, cls) if cls else None


def _names(root: cst.CSTNode, name: str) -> Iterator[cst.Name]:
    """The ``Name`` nodes reading ``name`` in ``root``, nested scopes left out."""
    stack: list[cst.CSTNode] = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, cst.Name) and node.value == name:
            yield node
        elif isinstance(node, cst.Attribute):
            stack.append(node.value)  # ``x.name`` is an attribute, not the name ``name``
        elif not isinstance(node, _SCOPES):
            stack.extend(children(node))
