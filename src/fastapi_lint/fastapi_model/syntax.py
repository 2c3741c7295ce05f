"""Small readings of LibCST nodes every part of the model (and many rules) needs."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import cast

import libcst as cst

from fastapi_lint.tree import node_classes


def dotted_name(expr: cst.CSTNode | None) -> str | None:
    """``a.b.c`` for a Name/Attribute chain, None for anything else."""
    parts: list[str] = []
    # Exact classes (LibCST has no subclasses of these): isinstance() goes through
    # ABCMeta, and this runs for about every call and decorator of a file, several times.
    while type(expr) is cst.Attribute:
        parts.append(expr.attr.value)
        expr = expr.value
    if type(expr) is not cst.Name:
        return None
    parts.append(expr.value)
    return ".".join(reversed(parts))


def string_value(expr: cst.BaseExpression | None) -> str | None:
    """The text of a plain (non-f, non-bytes) string literal."""
    if not isinstance(expr, cst.SimpleString | cst.ConcatenatedString):
        return None
    value = expr.evaluated_value
    return value if isinstance(value, str) else None


def positional_args(call: cst.Call) -> list[cst.BaseExpression]:
    return [arg.value for arg in call.args if arg.keyword is None and not arg.star]


def keyword_arg(call: cst.Call, name: str) -> cst.BaseExpression | None:
    return next((a.value for a in call.args if a.keyword and a.keyword.value == name), None)


def subscript_args(node: cst.Subscript) -> list[cst.BaseExpression]:
    return [item.slice.value for item in node.slice if isinstance(item.slice, cst.Index)]


def package_of(path: str) -> str | None:
    """The dotted package holding ``path``, read from ``__init__.py`` files on disk."""
    if not os.path.isfile(path):
        return None
    directory = os.path.dirname(os.path.abspath(path))
    parts: list[str] = []
    while os.path.isfile(os.path.join(directory, "__init__.py")):
        parts.append(os.path.basename(directory))
        parent = os.path.dirname(directory)
        if parent == directory:
            break
        directory = parent
    return ".".join(reversed(parts)) or None


def all_params(params: cst.Parameters) -> list[cst.Param]:
    """Every parameter of a signature, ``*args`` and ``**kwargs`` included, in order."""
    extras = [p for p in (params.star_arg, params.star_kwarg) if isinstance(p, cst.Param)]
    return [*params.posonly_params, *params.params, *params.kwonly_params, *extras]


def assigned_names(target: cst.BaseExpression) -> Iterator[str]:
    """Every name an assignment target binds, through tuple/list unpacking and stars."""
    stack: list[cst.BaseExpression] = [target]
    while stack:
        node = stack.pop()
        if isinstance(node, cst.Name):
            yield node.value
        elif isinstance(node, cst.Tuple | cst.List):
            stack.extend(element.value for element in node.elements)
        elif isinstance(node, cst.StarredElement):
            stack.append(node.value)


# Exact classes, looked up in a set: ``isinstance`` against a LibCST class is slow.
_SUITES = node_classes(cst.BaseSuite)


def child_statements(node: cst.CSTNode) -> Iterator[cst.CSTNode]:
    """Statements and clauses directly inside a compound statement or clause.

    Reads the fields by name: LibCST's generic ``children`` rebuilds a list of every
    child, expressions included, and dominated the cost of building the model.
    """
    if type(node) is cst.SimpleStatementLine:
        yield from node.body
        return
    body = getattr(node, "body", None)
    if type(body) in _SUITES:
        yield from cast(cst.BaseSuite, body).body
    for name in ("handlers", "cases"):
        yield from getattr(node, name, ())
    for name in ("orelse", "finalbody"):
        clause = getattr(node, name, None)
        if clause is not None:
            yield clause
