"""FAPI506: a GET or HEAD route with a parameter FastAPI reads from the request body."""

from __future__ import annotations

from typing import ClassVar

import libcst as cst

from fastapi_lint.analysis.mappings import api_routes
from fastapi_lint.context.roles import Role
from fastapi_lint.fastapi_model.routes import RouteInfo
from fastapi_lint.rule import FileContext, Invalid, Rule, Valid
from fastapi_lint.rules.fastapi._route_bodies import (
    body_source,
    known_methods,
    local_models,
    route_parameters,
)

_BODILESS = ("GET", "HEAD")


def _bodiless_method(routes: tuple[RouteInfo, ...]) -> str | None:
    """``GET`` (or ``HEAD``) when every method the function answers is GET or HEAD.

    A function that also answers POST (``methods=["GET", "POST"]``, or a second
    decorator) reads its body on the POST: the GET renders the form it submits.
    """
    per_route = [known_methods(route) for route in routes]
    if not per_route or not all(per_route):
        return None  # no route, or a ``methods=`` this rule cannot read
    methods = {method for found in per_route for method in found}
    if not methods <= set(_BODILESS):
        return None
    return next(method for method in _BODILESS if method in methods)


class BodyOnGet(Rule):
    """
    ## What it does
    Flags a parameter of a GET or HEAD route (`@router.get`, `@router.head`,
    `api_route`/`add_api_route` whose `methods=` list only them, or leave them out) that
    FastAPI reads from the request body. A handler that also answers another method
    (`methods=["GET", "POST"]`, or a second route decorator) is left alone: the body is
    for that method, as in a server-rendered form whose GET shows the form and whose POST
    submits it. FastAPI decides the source per parameter, and so does this rule:

    - declared with `Body()`, `Form()` or `File()`: a body;
    - declared with `Depends()`, `Security()`, `Query()`, `Path()`, `Header()` or
      `Cookie()` (as the default or in `Annotated[...]`): not a body, whatever its type;
    - otherwise the annotation decides: a Pydantic model, a dataclass, a mapping
      (`dict`, `Dict[str, Any]`, `Mapping`...), a sequence (`list[int]`, `set[str]`...)
      or `UploadFile` is a body, also as a member of `Optional[...]`/`X | None`;
      scalars, enums, `Request`, `Response`, `BackgroundTasks`, `WebSocket`,
      `SecurityScopes` and untyped parameters are not.

    A class is known to be a Pydantic model when it is defined in the same module and
    inherits from `BaseModel`, `RootModel`, `BaseSettings` or `SQLModel` (directly or
    through other classes of the module), or is a dataclass.

    ## Why is this bad?
    HTTP gives a GET body no meaning: browsers and `fetch()` cannot send one, many
    proxies, caches and CDNs drop it, and OpenAPI 3.0 tools refuse to document it. The
    endpoint works in tests and fails behind the first gateway. A sequence parameter
    without `Query()` is the common accident: `ids: list[int]` looks like `?ids=1&ids=2`
    but FastAPI expects a JSON array in the body.

    ## Example
    ```python
    class ItemFilter(BaseModel):
        category: str
        max_price: float | None = None


    @router.get("/items")
    async def list_items(filters: ItemFilter, ids: list[int] | None = None) -> list[Item]:
        return await items.find(filters, ids)
    ```

    ## Use instead
    ```python
    @router.get("/items")
    async def list_items(
        filters: Annotated[ItemFilter, Query()],
        ids: Annotated[list[int] | None, Query()] = None,
    ) -> list[Item]:
        return await items.find(filters, ids)
    ```
    Or, for a search too rich for a query string, `@router.post("/items/search")`.

    ## Options
    None.

    ## Known limitations
    Classes imported from other modules of the project are not judged: a parameter typed
    with one is a body if it is a model and a query parameter if it is an enum, and the
    rule reads one file at a time. Type aliases are not followed. A route whose
    `methods=` is not a literal list is not checked, nor is a handler with such a route.
    """

    code = "FAPI506"
    name = "body-on-get"
    family = "fastapi"
    roles = frozenset({Role.APP})
    severity = "warning"
    message = (
        "{method} route `{function}` reads `{parameter}` from the request body ({reason}), "
        "but {method} requests carry no body; {advice}"
    )

    VALID: ClassVar[tuple[Valid, ...]] = (
        Valid(
            "from typing import Annotated\n\n"
            "from fastapi import APIRouter, Depends, Query, Request\n"
            "from pydantic import BaseModel\n\n"
            "router = APIRouter()\n\n\n"
            "class Filters(BaseModel):\n"
            "    q: str = ''\n\n\n"
            '@router.get("/items/{item_id}")\n'
            "async def read_item(\n"
            "    item_id: int,\n"
            "    request: Request,\n"
            "    filters: Annotated[Filters, Query()],\n"
            "    tags: Annotated[list[str] | None, Query()] = None,\n"
            "    user: User = Depends(current_user),\n"
            ") -> Item:\n"
            "    return await items.get(item_id)\n"
        ),
        Valid(
            "from fastapi import FastAPI\n"
            "from pydantic import BaseModel\n\n"
            "app = FastAPI()\n\n\n"
            "class ItemIn(BaseModel):\n"
            "    name: str\n\n\n"
            '@app.post("/items")\n'
            "async def create_item(item: ItemIn) -> ItemIn:\n"
            "    return item\n"
        ),
        Valid(
            "from fastapi import FastAPI\n\n"
            "from .schemas import SortOrder\n\n"
            "app = FastAPI()\n\n\n"
            '@app.get("/items")\n'
            "def list_items(order: SortOrder = SortOrder.ASC, limit: int = 10) -> list[Item]:\n"
            "    return items.list(order, limit)\n"
        ),
    )
    INVALID: ClassVar[tuple[Invalid, ...]] = (
        Invalid(
            "from fastapi import FastAPI\n"
            "from pydantic import BaseModel\n\n"
            "app = FastAPI()\n\n\n"
            "class ItemFilter(BaseModel):\n"
            "    category: str\n\n\n"
            '@app.get("/items")\n'
            "async def list_items(filters: ItemFilter) -> list[Item]:\n"
            "    return await items.find(filters)\n",
            line=12,
            column=22,
            message_contains="`filters` from the request body (a Pydantic model)",
        ),
        Invalid(
            "from fastapi import APIRouter\n\n"
            "router = APIRouter()\n\n\n"
            '@router.get("/items")\n'
            "def items_by_id(ids: list[int]) -> list[Item]:\n"
            "    return items.many(ids)\n",
            line=7,
            column=17,
            message_contains="declare it with `Query()`",
        ),
        Invalid(
            "from typing import Annotated\n\n"
            "from fastapi import APIRouter, Body\n\n"
            "router = APIRouter()\n\n\n"
            '@router.api_route("/search", methods=["GET", "HEAD"])\n'
            "def search(query: Annotated[str, Body(embed=True)]) -> list[Item]:\n"
            "    return items.search(query)\n",
            line=9,
            column=12,
            message_contains="declared with `Body()`",
        ),
    )

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self._models: dict[str, str] | None = None

    def _model_kind(self, name: str) -> str | None:
        """Computed once per file, and only if some GET route has a class-typed parameter."""
        if self._models is None:
            self._models = local_models(self.context.module, self.context.model.qualified_name)
        return self._models.get(name)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        model = self.context.model
        method = _bodiless_method(api_routes(model, node))
        if method is None:
            return
        for param in route_parameters(node.params):
            source = body_source(param, model.qualified_name, self._model_kind)
            if source is None:
                continue
            self.report(
                param,
                method=method,
                function=node.name.value,
                parameter=param.name.value,
                reason=source.reason,
                advice=source.advice,
            )
