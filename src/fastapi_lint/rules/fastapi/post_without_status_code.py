"""FAPI507 (opt-in): a POST route that leaves its success status to FastAPI's 200."""

from __future__ import annotations

from typing import ClassVar

import libcst as cst

from fastapi_lint.analysis.mappings import api_routes, is_json_response_class, members
from fastapi_lint.context.roles import Role
from fastapi_lint.fastapi_model.routes import RouteInfo
from fastapi_lint.rule import FileContext, Invalid, Rule, Valid
from fastapi_lint.rules.fastapi._route_bodies import (
    ResponseClasses,
    known_methods,
    returns_response_object,
    route_parameters,
    spreads_keywords,
)


def _builds_own_response(
    func: cst.FunctionDef, route: RouteInfo, responses: ResponseClasses
) -> bool:
    """The handler picks its status itself, or answers with something other than JSON.

    ``-> RedirectResponse``, ``response_class=HTMLResponse``, a ``response: Response``
    parameter (whose ``status_code`` the handler may set), or a ``return`` of a
    ``*Response(...)`` object (sent as it is, whatever the decorator says). A
    ``*Response`` imported from the project is taken for a Pydantic model.
    """
    response_class = route.keyword("response_class")
    if response_class is not None and not is_json_response_class(response_class, responses.resolve):
        return True
    annotations = [p.annotation.annotation for p in route_parameters(func.params) if p.annotation]
    if func.returns is not None:
        annotations.extend(members(func.returns.annotation, responses.resolve))
    if any(responses.kind(annotation) is True for annotation in annotations):
        return True
    return returns_response_object(func, responses)


def _reported_node(route: RouteInfo) -> cst.CSTNode:
    """``post`` of ``@router.post(...)``; the whole callee for anything else."""
    func = route.call.func
    return func.attr if isinstance(func, cst.Attribute) else func


class PostWithoutStatusCode(Rule):
    """
    ## What it does
    Flags a POST route without a `status_code=` argument: `@router.post(...)`, and
    `api_route`/`add_api_route` whose only method is POST. Opt-in (select `FAPI507`).

    Routes that pick their own status are left alone: the handler is annotated to return
    a `Response` class (`-> RedirectResponse`), returns a `*Response(...)` object it
    builds (FastAPI sends it as it is, ignoring `status_code=`), takes a
    `response: Response` parameter (to set `response.status_code`), or the route
    declares a `response_class=` other than `JSONResponse`, `ORJSONResponse` or
    `UJSONResponse`. So are routes whose decorator spreads `**options` (the status may
    be in there) and routes serving several methods.

    ## Why is this bad?
    Without `status_code=`, FastAPI answers 200 OK. A POST that creates a resource should
    answer 201 Created (and OpenAPI should document 201), so clients and generated SDKs
    can tell creation from other outcomes. POSTs that create nothing (a login, a search,
    an action) are better off saying 200 explicitly too: the status is part of the
    contract and belongs next to the path.

    ## Example
    ```python
    @router.post("/items")
    async def create_item(item: ItemIn) -> Item:
        return await items.create(item)
    ```

    ## Use instead
    ```python
    @router.post("/items", status_code=status.HTTP_201_CREATED)
    async def create_item(item: ItemIn) -> Item:
        return await items.create(item)
    ```

    ## Options
    None.

    ## Known limitations
    The rule cannot tell creation from other POSTs: action endpoints (`/login`,
    `/items/{id}/publish`) are reported too, and want an explicit `status_code=200`.
    Response classes are recognised when they come from `fastapi`, `starlette` or
    `sse_starlette`, or derive from one in the same module; a `*Response` class imported
    from elsewhere in the project is taken for a Pydantic model (`UserResponse` usually
    is one), and a response returned by a helper (`return await backend.logout()`) is
    not seen.
    A status set in a shared router (`APIRouter(responses=...)`) is not a status code.
    """

    code = "FAPI507"
    name = "post-without-status-code"
    family = "fastapi"
    roles = frozenset({Role.APP})
    severity = "warning"
    default_enabled = False
    message = (
        "POST route `{function}` has no `status_code=` and answers 200 OK; "
        "declare it (`status.HTTP_201_CREATED` when it creates a resource)"
    )

    VALID: ClassVar[tuple[Valid, ...]] = (
        Valid(
            "from fastapi import APIRouter, status\n\n"
            "router = APIRouter()\n\n\n"
            '@router.post("/items", status_code=status.HTTP_201_CREATED)\n'
            "async def create_item(item: ItemIn) -> Item:\n"
            "    return await items.create(item)\n"
        ),
        Valid(
            "from fastapi import FastAPI\n"
            "from fastapi.responses import RedirectResponse\n\n"
            "app = FastAPI()\n\n\n"
            '@app.post("/login")\n'
            "async def login(form: LoginForm) -> RedirectResponse:\n"
            '    return RedirectResponse("/", status_code=303)\n'
        ),
        Valid(
            "from fastapi import FastAPI\n\n"
            "app = FastAPI()\n\n\n"
            '@app.api_route("/items", methods=["GET", "POST"])\n'
            "async def items_endpoint() -> list[Item]:\n"
            "    return await items.all()\n"
        ),
    )
    INVALID: ClassVar[tuple[Invalid, ...]] = (
        Invalid(
            "from fastapi import APIRouter\n\n"
            "router = APIRouter()\n\n\n"
            '@router.post("/items")\n'
            "async def create_item(item: ItemIn) -> Item:\n"
            "    return await items.create(item)\n",
            line=6,
            column=9,
            message_contains="POST route `create_item` has no `status_code=`",
        ),
        Invalid(
            "from fastapi import FastAPI\n\n"
            "app = FastAPI()\n\n\n"
            '@app.api_route("/orders", methods=["POST"])\n'
            "async def place_order(order: OrderIn) -> Order:\n"
            "    return await orders.place(order)\n",
            line=6,
            column=6,
        ),
    )

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self._responses: ResponseClasses | None = None

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        for route in api_routes(self.context.model, node):
            if known_methods(route) != ("POST",) or route.keyword("status_code") is not None:
                continue
            if spreads_keywords(route) or _builds_own_response(node, route, self._classes()):
                continue
            self.report(_reported_node(route), function=node.name.value)

    def _classes(self) -> ResponseClasses:
        if self._responses is None:
            self._responses = ResponseClasses(self.context.module, self.context.model)
        return self._responses
