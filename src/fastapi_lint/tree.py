"""Fast access to a node's children, in source order.

``CSTNode.children`` rebuilds the node through LibCST's visitor machinery on every
call, which made it the largest cost of a lint run. A node's children are simply its
CST-valued dataclass fields, but dataclass field order is not source order (a
``FunctionDef`` lists ``body`` before ``decorators``). The source order of the fields
depends only on the node class and on which fields are present, so it is learnt once
per (class, present fields) from ``children`` itself and reused for every later node.
"""

from __future__ import annotations

import dataclasses
import inspect
import typing
from collections.abc import Iterator, Sequence

import libcst as cst

_Value = cst.CSTNode | Sequence[cst.CSTNode] | None
# None as an order means: ask LibCST every time (fields interleave; never seen in practice).
_Order = tuple[int, ...] | None

_FIELD_NAMES: dict[type[cst.CSTNode], tuple[str, ...]] = {}
_ORDERS: dict[tuple[type[cst.CSTNode], int], _Order] = {}


def _field_names(node_class: type[cst.CSTNode]) -> tuple[str, ...]:
    names = _FIELD_NAMES.get(node_class)
    if names is None:
        names = tuple(field.name for field in dataclasses.fields(node_class))
        _FIELD_NAMES[node_class] = names
    return names


# CSTNode is an ABC, so isinstance() against it goes through ABCMeta's slow path;
# remembering the answer per exact class makes the check a set lookup.
_NODE_CLASSES: set[type] = set()
_OTHER_CLASSES: set[type] = {list, tuple, str, type(None)}


def _is_node_class(value_class: type) -> bool:
    if value_class in _NODE_CLASSES:
        return True
    if value_class in _OTHER_CLASSES:
        return False
    is_node = issubclass(value_class, cst.CSTNode)
    (_NODE_CLASSES if is_node else _OTHER_CLASSES).add(value_class)
    return is_node


def _present(node: cst.CSTNode, names: tuple[str, ...]) -> tuple[list[_Value], int]:
    """Each field's CST value (None when absent) and a bit mask of the present ones."""
    values: list[_Value] = []
    mask, bit = 0, 1
    for name in names:
        value = getattr(node, name)
        value_class = type(value)
        if (value_class in _NODE_CLASSES or _is_node_class(value_class)) or (
            (value_class is list or value_class is tuple) and value
        ):
            values.append(value)
            mask |= bit
        else:
            values.append(None)
        bit <<= 1
    return values, mask


def _learn_order(node: cst.CSTNode, values: list[_Value]) -> _Order:
    owner: dict[int, int] = {}
    for index, value in enumerate(values):
        members = (value,) if isinstance(value, cst.CSTNode) else value or ()
        for member in members:
            owner[id(member)] = index
    order: list[int] = []
    for child in node.children:
        found = owner.get(id(child))
        if found is None:
            return None
        if order and order[-1] == found:
            continue
        if found in order:
            return None
        order.append(found)
    return tuple(order)


def children(node: cst.CSTNode) -> Sequence[cst.CSTNode]:
    """The same nodes, in the same order, as ``node.children``."""
    names = _FIELD_NAMES.get(type(node)) or _field_names(type(node))
    values, mask = _present(node, names)
    if not mask:
        return ()
    key = (type(node), mask)
    if key not in _ORDERS:
        _ORDERS[key] = _learn_order(node, values)
    order = _ORDERS[key]
    if order is None:
        return node.children
    found: list[cst.CSTNode] = []
    for index in order:
        value = values[index]
        if type(value) is list or type(value) is tuple:
            found.extend(value)
        else:
            found.append(value)  # type: ignore[arg-type]
    return found


# Whitespace: what an annotation must name for a field to hold nothing but whitespace.
_WHITESPACE_TYPES = (
    cst.BaseParenthesizableWhitespace,
    cst.TrailingWhitespace,
    cst.EmptyLine,
    cst.Comment,
    cst.Newline,
)


def _annotated_classes(annotation: object) -> list[object]:
    """The classes a field annotation names, through ``Optional``, ``Union`` and ``Sequence``."""
    arguments = typing.get_args(annotation)
    if not arguments:
        return [annotation]
    origin = typing.get_origin(annotation)
    return [origin, *arguments] if origin is tuple else list(arguments)


def _whitespace_or_plain(annotation: object) -> bool:
    """A field annotated so that it can hold whitespace nodes and plain values, nothing else."""
    pending, seen = [annotation], 0
    while pending and seen < 100:
        seen += 1
        current = pending.pop()
        classes = _annotated_classes(current)
        if classes != [current]:
            pending.extend(classes)
        elif not isinstance(current, type):
            return False  # a forward reference or a special form: assume it may hold code
        elif issubclass(current, cst.CSTNode) and not issubclass(current, _WHITESPACE_TYPES):
            return False
    return not pending


def _holds_only_whitespace(node_class: type[cst.CSTNode]) -> bool:
    fields = dataclasses.fields(node_class)
    return all(_whitespace_or_plain(field.type) for field in fields)


def _token_classes() -> frozenset[type[cst.CSTNode]]:
    found = set()
    for value in vars(cst).values():
        concrete = isinstance(value, type) and not inspect.isabstract(value)
        if concrete and issubclass(value, cst.CSTNode) and _holds_only_whitespace(value):
            found.add(value)
    return frozenset(found)


# Whitespace, comments, and the tokens made of nothing else (``,``, ``.``, ``=``,
# brackets, operators, the text between an f-string's fields): more than half of a
# module's nodes. A walk whose callbacks ignore them all only has to count their line
# breaks (``engine.walk``).
TOKEN_CLASSES: frozenset[type[cst.CSTNode]] = _token_classes()


def code_nodes(
    root: cst.CSTNode, *, not_into: frozenset[type[cst.CSTNode]] = frozenset()
) -> Iterator[cst.CSTNode]:
    """``root`` and the nodes under it in the order a ``CSTVisitor`` visits them, tokens
    (``TOKEN_CLASSES``) left out: no code is in them.

    A node of a ``not_into`` class is given but not entered, as when a visitor's
    ``visit_X`` returns False. Unlike ``root.visit(visitor)``, nothing is rebuilt.
    """
    stack = [root]
    while stack:
        node = stack.pop()
        node_class = type(node)
        if node_class in TOKEN_CLASSES:
            continue
        yield node
        if node_class not in not_into:
            stack.extend(reversed(children(node)))
