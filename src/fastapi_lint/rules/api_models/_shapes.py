"""Whether a mapping in a signature has a fixed shape: the keys the function itself spells.

FAPI303 asks for a TypedDict, a dataclass or a model; that advice holds when the code
treats the dict as a record (``user["email"]``, ``user["name"]``; ``return {"users": ...,
"total": ...}``), not when it is an open mapping (feature-flag properties, a raw webhook
or boto3 payload, kwargs for a constructor, a JSON value passed along), where
``dict[str, Any]`` is the honest type. The evidence is read from the function's own body.
"""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst

from fastapi_lint.fastapi_model.syntax import string_value
from fastapi_lint.tree import children

# A record shows at least this many distinct keys; one key is as often a lookup in a map.
MIN_KEYS = 2
_KEY_METHODS = frozenset({"get", "pop", "setdefault"})
# Calls that walk a mapping's keys: the keys are data, not fields.
_OPEN_METHODS = frozenset({"items", "keys", "values", "update", "copy"})
_NESTED_SCOPES = (cst.FunctionDef, cst.ClassDef, cst.Lambda)


def _nodes(root: cst.CSTNode, *, nested: bool) -> Iterator[cst.CSTNode]:
    stack = list(children(root))
    while stack:
        node = stack.pop()
        yield node
        if nested or not isinstance(node, _NESTED_SCOPES):
            stack.extend(children(node))


def is_name(expr: cst.BaseExpression, name: str) -> bool:
    return isinstance(expr, cst.Name) and expr.value == name


def subscript_key(node: cst.Subscript) -> str | None:
    """The constant key of ``name["key"]``; None for a slice or a computed key."""
    if len(node.slice) != 1 or not isinstance(node.slice[0].slice, cst.Index):
        return None
    return string_value(node.slice[0].slice.value)


def _key_method(node: cst.Call, name: str) -> tuple[str, str | None] | None:
    """``name.get("key")`` -> ("get", "key"); ``name.items()`` -> ("items", None)."""
    func = node.func
    if not (isinstance(func, cst.Attribute) and is_name(func.value, name)):
        return None
    first = node.args[0].value if node.args and node.args[0].keyword is None else None
    return func.attr.value, string_value(first) if first is not None else None


def keys_read(function: cst.FunctionDef, name: str) -> set[str] | None:
    """The constant keys the body reads from the parameter ``name``, or None when it also
    uses it as an open mapping: a computed key, its keys walked, ``**name``, a loop."""
    keys: set[str] = set()
    for node in _nodes(function.body, nested=True):
        found = _use(node, name)
        if found is None:
            return None
        keys.update(found)
    return keys


def _use(node: cst.CSTNode, name: str) -> set[str] | None:
    """The keys ``node`` reads from ``name`` (empty: none), None for an open use."""
    if isinstance(node, cst.Subscript) and is_name(node.value, name):
        key = subscript_key(node)
        return None if key is None else {key}
    if isinstance(node, cst.Call):
        return _call_use(node, name)
    if isinstance(node, (cst.For, cst.CompFor)) and is_name(node.iter, name):
        return None
    if isinstance(node, (cst.StarredDictElement, cst.Arg)) and spreads(node, name):
        return None
    return set()


def _call_use(node: cst.Call, name: str) -> set[str] | None:
    """``name.get("key")`` reads a key; ``name.items()`` walks them (an open use)."""
    method = _key_method(node, name)
    if method is None:
        return set()
    if method[0] in _OPEN_METHODS:
        return None
    if method[0] in _KEY_METHODS:
        return None if method[1] is None else {method[1]}
    return set()


def spreads(node: cst.StarredDictElement | cst.Arg, name: str) -> bool:
    """``**name`` in a call or a dict display."""
    star = node.star if isinstance(node, cst.Arg) else "**"
    return star == "**" and is_name(node.value, name)


def _record_keys(value: cst.BaseExpression | None) -> set[str] | None:
    """The keys of ``{"a": ..., "b": ...}`` or ``dict(a=..., b=...)``; None for anything else."""
    if isinstance(value, cst.Dict):
        keys = [
            string_value(element.key) if isinstance(element, cst.DictElement) else None
            for element in value.elements
        ]
        return None if None in keys else {key for key in keys if key is not None}
    if isinstance(value, cst.Call) and is_name(value.func, "dict"):
        names = [arg.keyword.value if arg.keyword is not None else None for arg in value.args]
        return None if None in names else {key for key in names if key is not None}
    return None


def returns_records(function: cst.FunctionDef) -> bool:
    """Every ``return`` of the function gives a dict display with constant keys, one of
    them at least ``MIN_KEYS`` keys: the function builds a record."""
    widest = 0
    for node in _nodes(function.body, nested=False):
        if isinstance(node, cst.Return):
            keys = _record_keys(node.value)
            if keys is None:
                return False
            widest = max(widest, len(keys))
    return widest >= MIN_KEYS
