"""FAPI511: a route answering 204 No Content (or 205, 304) that declares a response body."""

from __future__ import annotations

import http
from typing import ClassVar

import libcst as cst

from fastapi_lint.analysis.mappings import api_routes
from fastapi_lint.analysis.status_codes import BODILESS_STATUSES, status_code
from fastapi_lint.context.roles import Role
from fastapi_lint.fastapi_model.routes import RouteInfo
from fastapi_lint.rule import FileContext, Invalid, Rule, Valid
from fastapi_lint.rules.fastapi._route_bodies import ResponseClasses, declares_no_body, shown


def _declared_body(
    func: cst.FunctionDef, route: RouteInfo, responses: ResponseClasses
) -> cst.CSTNode | None:
    """The ``response_model=`` argument or the return annotation promising a body."""
    model = next(
        (a for a in route.call.args if a.keyword and a.keyword.value == "response_model"), None
    )
    if model is not None and not (
        isinstance(model.value, cst.Name) and model.value.value == "None"
    ):
        return model
    returns = func.returns
    if returns is None or declares_no_body(returns.annotation, responses):
        return None
    return returns.annotation


class BodyOn204(Rule):
    """
    ## What it does
    Flags a route answering 204 No Content (or 205 Reset Content, 304 Not Modified)
    that declares a response body anyway. A body is declared by a `response_model=`
    other than `None`, or by a return annotation other than `None`, `NoReturn` or a
    `Response` class (`-> Response`, `-> JSONResponse`, a subclass defined in the
    module); a class of the module named `*Response` that is not a response class
    (`class ItemResponse(BaseModel)`) is a body. The status may be written as `204`,
    `status.HTTP_204_NO_CONTENT` (from `fastapi` or `starlette`) or
    `HTTPStatus.NO_CONTENT`. The finding is on the `response_model=` argument, else on
    the return annotation.

    ## Why is this bad?
    These statuses forbid a body. FastAPI refuses to build such a route: importing the
    module fails with `AssertionError: Status code 204 must not have a response body`.
    With `response_model=None` the route starts, but the body the annotation promises
    is silently dropped, and the annotation lies to readers and type checkers.

    ## Example
    ```python
    from fastapi import status

    from app.schemas import Item


    @router.delete("/items/{item_id}", status_code=status.HTTP_204_NO_CONTENT)
    async def delete_item(item_id: int) -> Item:
        return await items.delete(item_id)
    ```

    ## Use instead
    ```python
    @router.delete("/items/{item_id}", status_code=status.HTTP_204_NO_CONTENT)
    async def delete_item(item_id: int) -> None:
        await items.delete(item_id)
    ```

    ## Options
    None.

    ## Known limitations
    A status held in a variable or constant of the project (`status_code=NO_CONTENT`) is
    not followed, and bodies declared in `responses={204: {"model": ...}}` are not
    checked. A `*Response` class imported from another module of the project may be a
    response class or a Pydantic model: the rule gives it the benefit of the doubt.
    """

    code = "FAPI511"
    name = "body-on-204"
    family = "fastapi"
    roles = frozenset({Role.APP})
    severity = "error"
    message = (
        "Route `{function}` answers {status} {phrase}, a status without a body, but declares "
        "one (`{declared}`); drop it (return `None`) or answer another status"
    )

    VALID: ClassVar[tuple[Valid, ...]] = (
        Valid(
            "from fastapi import APIRouter, status\n\n"
            "router = APIRouter()\n\n\n"
            '@router.delete("/items/{item_id}", status_code=status.HTTP_204_NO_CONTENT)\n'
            "async def delete_item(item_id: int) -> None:\n"
            "    await items.delete(item_id)\n"
        ),
        Valid(
            "from fastapi import FastAPI, Response\n\n"
            "app = FastAPI()\n\n\n"
            '@app.put("/items/{item_id}", status_code=204, response_model=None)\n'
            "def replace_item(item_id: int, item: ItemIn) -> Response:\n"
            "    items.replace(item_id, item)\n"
            "    return Response(status_code=204)\n"
        ),
        Valid(
            "from fastapi import FastAPI\n\n"
            "app = FastAPI()\n\n\n"
            '@app.post("/items", status_code=201)\n'
            "def create_item(item: ItemIn) -> Item:\n"
            "    return items.create(item)\n"
        ),
    )
    INVALID: ClassVar[tuple[Invalid, ...]] = (
        Invalid(
            "from fastapi import APIRouter, status\n\n"
            "router = APIRouter()\n\n\n"
            '@router.delete("/items/{item_id}", status_code=status.HTTP_204_NO_CONTENT)\n'
            "async def delete_item(item_id: int) -> Item:\n"
            "    return await items.delete(item_id)\n",
            line=7,
            column=40,
            message_contains="answers 204 No Content, a status without a body",
        ),
        Invalid(
            "from http import HTTPStatus\n\n"
            "from fastapi import FastAPI\n\n"
            "app = FastAPI()\n\n\n"
            '@app.delete("/items/{item_id}", status_code=HTTPStatus.NO_CONTENT, '
            "response_model=Message)\n"
            "def delete_item(item_id: int):\n"
            "    items.delete(item_id)\n",
            line=8,
            column=68,
            message_contains="(`response_model=Message`)",
        ),
    )

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self._responses: ResponseClasses | None = None

    def _classes(self) -> ResponseClasses:
        if self._responses is None:
            self._responses = ResponseClasses(self.context.module, self.context.model)
        return self._responses

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        resolve = self.context.model.qualified_name
        for route in api_routes(self.context.model, node):
            status = route.keyword("status_code")
            code = None if status is None else status_code(status, resolve)
            if code is None or code not in BODILESS_STATUSES:
                continue
            declared = _declared_body(node, route, self._classes())
            if declared is None:
                continue
            self.report(
                declared,
                function=node.name.value,
                status=code,
                phrase=http.HTTPStatus(code).phrase,
                declared=shown(self.context.module, declared),
            )
