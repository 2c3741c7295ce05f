"""The v1 methods and attributes the walk meets, and whether a plain rename fixes them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import libcst as cst

from fastapi_lint.analysis.pydantic_models.v1_names import ATTRIBUTES, METHODS, V1_NAMES


@dataclass(frozen=True, slots=True)
class Checked:
    """A v1 method or attribute met by the walk, and whether the rename fixes it."""

    receiver: cst.BaseExpression
    name: cst.Name
    fixable: bool
    call: cst.Call | None = None  # the method's call, for ``from_orm``'s added argument


def v1_call(node: cst.Call) -> Checked | None:
    """``receiver.dict(...)``: the receiver, the method's name, and whether a rename fixes it."""
    func = node.func
    if not isinstance(func, cst.Attribute) or func.attr.value not in METHODS:
        return None
    return Checked(func.value, func.attr, call_fixable(node, func.attr.value), node)


def v1_attribute(node: cst.Attribute) -> Checked | None:
    """``receiver.__fields__``: renamed unless read on a call's result (kept simple)."""
    if node.attr.value not in ATTRIBUTES:
        return None
    return Checked(node.value, node.attr, not isinstance(node.value, cst.Call))


def function_name(scopes: Sequence[cst.CSTNode]) -> str:
    """The module-level def or method the walk is in, as the summary names it; "" if none."""
    first = scopes[0] if scopes else None
    if isinstance(first, cst.FunctionDef):
        return first.name.value
    second = scopes[1] if len(scopes) > 1 else None
    if isinstance(first, cst.ClassDef) and isinstance(second, cst.FunctionDef):
        return f"{first.name.value}.{second.name.value}"
    return ""


def call_fixable(call: cst.Call, name: str) -> bool:
    """Whether the call's arguments mean the same to the v2 method (a plain rename)."""
    v1 = V1_NAMES[name]
    if v1.rename is None:
        return False
    if v1.keywords is None:
        return True
    positional = 0
    for arg in call.args:
        if arg.star:
            return False
        if arg.keyword is None:
            positional += 1
        elif arg.keyword.value not in v1.keywords:
            return False
    if v1.appended:  # the added argument goes after the one positional argument
        return positional == v1.positional
    return positional <= v1.positional
