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
import operator
import sys
import typing
from collections.abc import Callable, Iterator, Sequence

import libcst as cst

# None as an order means: ask LibCST every time (fields interleave; never seen in practice).
_Order = tuple[int, ...] | None
_Getter = Callable[[cst.CSTNode], tuple[object, ...]]

# Every field's value of a node in one call: ``operator.attrgetter`` reads them in C.
_GETTERS: dict[type[cst.CSTNode], _Getter] = {}
_ORDERS: dict[tuple[type[cst.CSTNode], int], _Order] = {}
_NOT_LEARNT: _Order = (-1,)


def _getter(node_class: type[cst.CSTNode]) -> _Getter:
    names = [field.name for field in dataclasses.fields(node_class)]
    if len(names) > 1:
        getter: _Getter = operator.attrgetter(*names)
    else:  # attrgetter gives a lone value, not a tuple, for one name
        getter = (lambda node: (getattr(node, names[0]),)) if names else (lambda node: ())
    _GETTERS[node_class] = getter
    return getter


# What a field's value is: 1 a node, 2 a sequence (of nodes, when not empty), 0 neither.
# CSTNode is an ABC, so isinstance() against it goes through ABCMeta's slow path;
# remembering the answer per exact class makes the check a dictionary lookup.
_KINDS: dict[type, int] = {list: 2, tuple: 2, str: 0, type(None): 0}


def _kind(value_class: type) -> int:
    kind = 1 if issubclass(value_class, cst.CSTNode) else 0
    _KINDS[value_class] = kind
    return kind


def _present(values: tuple[object, ...]) -> int:
    """A bit mask of the fields that hold a node or a non-empty sequence."""
    mask, bit = 0, 1
    for value in values:
        kind = _KINDS.get(type(value))
        if kind is None:
            kind = _kind(type(value))
        if kind == 1 or (kind == 2 and value):
            mask |= bit
        bit <<= 1
    return mask


def _members(value: object) -> Sequence[object]:
    return value if type(value) is list or type(value) is tuple else (value,)


def _learn_order(node: cst.CSTNode, values: tuple[object, ...], mask: int) -> _Order:
    owner: dict[int, int] = {}
    for index, value in enumerate(values):
        if mask >> index & 1:
            owner.update((id(member), index) for member in _members(value))
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
    node_class = type(node)
    values = (_GETTERS.get(node_class) or _getter(node_class))(node)
    mask = _present(values)
    if not mask:
        return ()
    key = (node_class, mask)
    order = _ORDERS.get(key, _NOT_LEARNT)
    if order is _NOT_LEARNT:
        order = _ORDERS[key] = _learn_order(node, values, mask)
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


def node_classes(base: type) -> frozenset[type]:
    """The concrete LibCST node classes that are ``base`` or derive from it.

    ``type(node) in node_classes(cst.BaseSuite)`` answers as ``isinstance(node,
    cst.BaseSuite)`` for the nodes of a parsed tree, without going through ``ABCMeta``:
    every LibCST node class is an ABC, so ``isinstance`` against one (even a concrete
    one) costs a Python-level call each time it is false.
    """
    found: set[type] = set()
    pending = [base]
    while pending:
        current = pending.pop()
        # LibCST rebuilds each node class with slots: the class its module holds is the
        # one nodes are made of, not the first one (still listed as a subclass).
        named = getattr(sys.modules.get(current.__module__), current.__name__, None)
        if named is current and not inspect.isabstract(current):
            found.add(current)
        pending.extend(current.__subclasses__())
    return frozenset(found)
