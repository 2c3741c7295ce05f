"""Status codes as routes write them: ``204``, ``status.HTTP_204_NO_CONTENT``,
``HTTPStatus.NO_CONTENT``; and the ones that forbid a response body."""

from __future__ import annotations

import http
import re

import libcst as cst

from fastapi_lint.analysis.mappings import Resolve

# FastAPI's ``is_body_allowed_for_status_code`` is False for these (and for 1xx).
BODILESS_STATUSES = frozenset({204, 205, 304})
_STATUS_MODULES = ("fastapi.status.", "starlette.status.")
_STATUS_CONSTANT = re.compile(r"HTTP_(\d{3})_")
_HTTP_STATUS = "http.HTTPStatus."


def _named_status(qualified: str) -> int | None:
    """``fastapi.status.HTTP_204_NO_CONTENT`` or ``http.HTTPStatus.NO_CONTENT``, as a number."""
    if qualified.startswith(_STATUS_MODULES):
        found = _STATUS_CONSTANT.match(qualified.rpartition(".")[2])
        return int(found.group(1)) if found else None
    if not qualified.startswith(_HTTP_STATUS):
        return None
    member = qualified.removeprefix(_HTTP_STATUS).removesuffix(".value")
    status = http.HTTPStatus.__members__.get(member)
    return None if status is None else status.value


def status_code(expr: cst.BaseExpression, resolve: Resolve) -> int | None:
    """The number a ``status_code=`` value stands for, when it is written out."""
    if isinstance(expr, cst.Integer):
        value = expr.evaluated_value
        return value if isinstance(value, int) else None
    qualified = resolve(expr)
    return None if qualified is None else _named_status(qualified)


def forbids_body(expr: cst.BaseExpression | None, resolve: Resolve) -> bool:
    """Whether a ``status_code=`` value is 204, 205 or 304: a response with no body."""
    return expr is not None and status_code(expr, resolve) in BODILESS_STATUSES
