"""FAPI501's vocabulary: FastAPI's parameter markers, and the ``Annotated`` form it advises.

What a marker default (``= Depends(get_db)``, ``= Query(max_length=5)``) becomes once
moved into the annotation, worded on one line for the message and the fix.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import libcst as cst

from fastapi_lint.fastapi_model.module import ModuleModel
from fastapi_lint.fastapi_model.syntax import dotted_name, subscript_args

_MARKER_NAMES = ("Depends", "Security", "Query", "Path", "Body", "Header", "Cookie", "Form", "File")
# The functions (fastapi, fastapi.param_functions) and the classes behind them (fastapi.params):
# FastAPI reads an instance of either as a parameter's source.
MARKERS = {
    f"{module}.{name}": name
    for module in ("fastapi", "fastapi.params", "fastapi.param_functions")
    for name in _MARKER_NAMES
}
# Their first argument is the dependency, not a default value.
DEPENDENCY_MARKER_NAMES = frozenset({"Depends", "Security"})
_ANNOTATED = frozenset({"typing.Annotated", "typing_extensions.Annotated"})
# Longer annotations and calls are abbreviated in the message.
_MAX_SHOWN = 60
# What an abbreviated value reads as: ``...`` would mean "required" to FastAPI.
ELIDED = "<value>"


@dataclass(frozen=True, slots=True)
class Advice:
    """What the parameter should become: ``name: Annotated[type, metadata] = default``."""

    marker: str  # "Depends", "Query", ...
    metadata: str  # the marker call as it belongs inside Annotated, e.g. "Query(max_length=5)"
    default: str | None  # the plain default kept after the annotation; None: required
    via: str | None = None  # the variable holding the marker, for ``user: User = current_user``


def one_line_code(module: cst.Module, node: cst.CSTNode, fallback: str) -> str:
    """The source of ``node`` on one line, or ``fallback`` when that is too long to quote."""
    text = module.code_for_node(node).strip()
    return fallback if "\n" in text or len(text) > _MAX_SHOWN else text


def default_argument(call: cst.Call) -> cst.Arg | None:
    """The argument of ``Query(...)``/``Body(...)``... that is the parameter's default value."""
    for arg in call.args:
        if arg.star:
            return None
        if arg.keyword is None or arg.keyword.value == "default":
            return arg
    return None


def _argument_text(module: cst.Module, arg: cst.Arg, elide: bool) -> str:
    keyword = f"{arg.keyword.value}=" if arg.keyword is not None else ""
    star = arg.star if isinstance(arg.star, str) else ""
    value = _elided(module, arg.value) if elide else one_line_code(module, arg.value, "\n")
    return star + keyword + value


def _elided(module: cst.Module, value: cst.BaseExpression) -> str:
    """A value abbreviated: a call keeps what it calls (``Limiter(<arguments>)``)."""
    if isinstance(value, cst.Call) and dotted_name(value.func) is not None:
        return f"{one_line_code(module, value.func, 'f')}(<arguments>)"
    return ELIDED


def _call_text(module: cst.Module, call: cst.Call, args: Sequence[cst.Arg], name: str) -> str:
    """``Query(max_length=50)`` on one line, else ``Query(title=<value>, alias=<value>)``.

    Values are elided before names, and never as ``...``: ``Query(...)`` reads as a
    required parameter in FastAPI.
    """
    spelling = one_line_code(module, call.func, name)
    for elide in (False, True):
        shown = ", ".join(_argument_text(module, arg, elide) for arg in args)
        text = f"{spelling}({shown})"
        if "\n" not in text and len(text) <= _MAX_SHOWN:
            return text
    return f"{spelling}(<arguments>)"


def advice(module: cst.Module, marker: str, default: cst.BaseExpression) -> Advice:
    """How ``param: T = <default>`` (a marker call, or a bare marker) is written with Annotated."""
    if not isinstance(default, cst.Call):  # ``= Query``: almost certainly meant ``Query()``
        return Advice(marker, one_line_code(module, default, marker) + "()", None)
    value = None if marker in DEPENDENCY_MARKER_NAMES else default_argument(default)
    args = [arg for arg in default.args if arg is not value]
    metadata = _call_text(module, default, args, marker)
    if value is None or isinstance(value.value, cst.Ellipsis):
        return Advice(marker, metadata, None)
    return Advice(marker, metadata, one_line_code(module, value.value, "<default>"))


def assigned_call(statements: Sequence[cst.CSTNode], name: str) -> cst.Call | None:
    """The call first assigned to ``name`` by a plain ``name = call(...)`` among ``statements``."""
    for statement in statements:
        lines = statement.body if isinstance(statement, cst.SimpleStatementLine) else ()
        for small in lines:
            if not isinstance(small, cst.Assign) or not isinstance(small.value, cst.Call):
                continue
            if any(dotted_name(target.target) == name for target in small.targets):
                return small.value
    return None


def marker_of(model: ModuleModel, expr: cst.BaseExpression) -> str | None:
    """``Depends``, ``Query``... if ``expr`` is a call of (or names) one of FastAPI's markers."""
    func = expr.func if isinstance(expr, cst.Call) else expr
    if not isinstance(func, cst.Name | cst.Attribute):
        return None
    return MARKERS.get(model.qualified_name(func) or "")


def annotated_parts(model: ModuleModel, param: cst.Param) -> list[cst.BaseExpression] | None:
    """The elements of an ``Annotated[...]`` annotation, None for any other annotation."""
    annotation = param.annotation.annotation if param.annotation else None
    if not isinstance(annotation, cst.Subscript):
        return None
    if model.qualified_name(annotation.value) not in _ANNOTATED:
        return None
    return subscript_args(annotation)
