"""The v2 method for a v1 one: the rename, and the argument ``from_orm`` needs added."""

from __future__ import annotations

import libcst as cst

from fastapi_lint.analysis.pydantic_models.calls import Checked
from fastapi_lint.analysis.pydantic_models.v1_names import V1_NAMES, V1Name
from fastapi_lint.fixes import PendingFix, replace


def rename_fix(checked: Checked) -> PendingFix:
    """The v2 name instead of the v1 one, and the argument it needs, if any.

    With an argument to add, the whole call is what changes (one edit, from the name to
    the argument): ``Item.from_orm(row)`` -> ``Item.model_validate(row, from_attributes=True)``.
    """
    v1 = V1_NAMES[checked.name.value]
    assert v1.rename is not None
    message = f"Use `{v1.rename}`"
    appended = appended_argument(checked)
    if appended is None or checked.call is None:
        return replace(checked.name, cst.Name(v1.rename), message)
    func = checked.call.func
    assert isinstance(func, cst.Attribute)
    renamed = func.with_changes(attr=cst.Name(v1.rename))
    new = checked.call.with_changes(func=renamed, args=_with_argument(appended, v1))
    return replace(checked.call, new, message)


def appended_argument(checked: Checked) -> cst.Arg | None:
    """The argument after which the v2 method needs one more (``from_orm(x)``), if any."""
    if checked.call is None or not V1_NAMES[checked.name.value].appended:
        return None
    return checked.call.args[0]


def _with_argument(arg: cst.Arg, v1: V1Name) -> tuple[cst.Arg, cst.Arg]:
    """``x`` -> ``x, from_attributes=True``: the new argument takes over what followed ``x``."""
    keyword, _, value = v1.appended.partition("=")
    added = cst.Arg(
        keyword=cst.Name(keyword),
        value=cst.parse_expression(value),
        equal=cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace("")),
        comma=arg.comma,
        whitespace_after_arg=arg.whitespace_after_arg,
    )
    first = arg.with_changes(
        comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")),
        whitespace_after_arg=cst.SimpleWhitespace(""),
    )
    return first, added
