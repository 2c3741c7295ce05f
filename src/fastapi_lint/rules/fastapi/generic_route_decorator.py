"""FAPI508: ``@app.route(...)``, or ``@app.api_route(...)`` for one method, on a FastAPI router."""

from __future__ import annotations

from typing import ClassVar

import libcst as cst

from fastapi_lint.context.roles import Role
from fastapi_lint.fastapi_model.routes import RouteInfo
from fastapi_lint.fastapi_model.syntax import string_value
from fastapi_lint.rule import Invalid, Rule, Valid
from fastapi_lint.rules.fastapi._route_paths import is_fastapi_route

_STARLETTE = frozenset({"route", "websocket_route"})
_GENERIC = _STARLETTE | {"api_route"}


def _literal_methods(expr: cst.BaseExpression | None) -> list[str] | None:
    """The methods of a literal ``methods=[...]``; None when not a literal list of strings."""
    if not isinstance(expr, cst.List | cst.Tuple | cst.Set):
        return None
    found = [string_value(element.value) for element in expr.elements]
    methods = [method.lower() for method in found if method]
    return methods if len(methods) == len(found) else None


class GenericRouteDecorator(Rule):
    """
    ## What it does
    Flags route decorators of a FastAPI app or router that do not name the HTTP method:
    `@app.route(...)` and `@app.websocket_route(...)` (Starlette's registrars), and
    `@app.api_route(...)` with a single method in `methods=[...]` or with no `methods`
    (which means GET only). `api_route` with several methods, or with methods not written
    as a literal list, is fine: that is what it is for.

    ## Why is this bad?
    `@app.get(...)`, `@app.post(...)`... say the method where the path is, and are what
    every FastAPI reader expects. `@app.route` is worse than wordy: it registers a plain
    Starlette route, whose endpoint receives the raw `Request`; FastAPI parses no
    parameter, validates no body, applies no dependency nor `response_model`, and the
    route is missing from the OpenAPI docs. Starlette deprecated these decorators.

    ## Example
    ```python
    @app.route("/items", methods=["GET"])
    async def list_items(request: Request) -> JSONResponse: ...


    @router.api_route("/items/{item_id}", methods=["DELETE"])
    async def delete_item(item_id: int) -> None: ...
    ```

    ## Use instead
    ```python
    @app.get("/items")
    async def list_items() -> list[Item]: ...


    @router.delete("/items/{item_id}", status_code=204)
    async def delete_item(item_id: int) -> None: ...
    ```

    ## Options
    None.

    ## Known limitations
    Only decorators are checked: `add_api_route(...)` and `add_route(...)` calls are the way
    to register endpoints programmatically (in loops, factories or class-based views) and
    have no method-specific form. An imported router is only recognised in a module that
    imports `fastapi` or `starlette` itself.
    """

    code = "FAPI508"
    name = "generic-route-decorator"
    family = "fastapi"
    roles = frozenset({Role.APP})
    severity = "warning"
    message = "`@{registrar}(...)` {what}; use {instead}"

    VALID: ClassVar[tuple[Valid, ...]] = (
        Valid(
            "from fastapi import FastAPI\n\n"
            "app = FastAPI()\n\n\n"
            '@app.get("/items")\n'
            "async def list_items() -> list:\n"
            "    return []\n\n\n"
            '@app.api_route("/proxy/{path:path}", methods=["GET", "POST"])\n'
            "async def proxy(path: str) -> str:\n"
            "    return path\n"
        ),
        Valid(
            "from flask import Flask\n\n"
            "flask_app = Flask(__name__)\n\n\n"
            '@flask_app.route("/")\n'
            "def home() -> str:\n"
            '    return "home"\n'
        ),
    )
    INVALID: ClassVar[tuple[Invalid, ...]] = (
        Invalid(
            "from fastapi import FastAPI\n\n"
            "app = FastAPI()\n\n\n"
            '@app.route("/items", methods=["GET"])\n'
            "async def list_items(request: object) -> list:\n"
            "    return []\n",
            line=6,
            column=2,
            message_contains="`@app.route(...)` registers a plain Starlette route",
        ),
        Invalid(
            "from fastapi import APIRouter\n\n"
            "router = APIRouter()\n\n\n"
            '@router.api_route("/items/{item_id}", methods=["DELETE"])\n'
            "async def delete_item(item_id: int) -> None:\n"
            "    return None\n",
            line=6,
            column=2,
            message_contains="use `@router.delete(...)`",
        ),
    )

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        model = self.context.model
        for route in model.routes_for(node):
            if route.decorator is None or route.registrar not in _GENERIC:
                continue
            instead = self._instead(route)
            if instead is not None and is_fastapi_route(model, route):
                self.report(
                    route.call,
                    registrar=f"{route.router}.{route.registrar}",
                    what=_what(route),
                    instead=instead,
                )

    def _instead(self, route: RouteInfo) -> str | None:
        """The decorator to write instead, or None when this one is the right one."""
        written = route.keyword("methods")
        methods = ["get"] if written is None else _literal_methods(written)
        if route.registrar == "websocket_route":
            return f"`@{route.router}.websocket(...)`"
        if methods is not None and len(methods) == 1:
            return f"`@{route.router}.{methods[0]}(...)`"
        if route.registrar == "route":
            return f"`@{route.router}.api_route(...)` with the same `methods=`"
        return None


def _what(route: RouteInfo) -> str:
    if route.registrar in _STARLETTE:
        return (
            "registers a plain Starlette route (the endpoint gets the raw request: no "
            "parameter parsing, validation, dependencies or OpenAPI docs)"
        )
    return "serves a single HTTP method"
