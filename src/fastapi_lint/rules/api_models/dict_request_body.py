"""FAPI301: a route takes its JSON request body as a mapping instead of a Pydantic model."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

import libcst as cst

from fastapi_lint.analysis.mappings import (
    Resolve,
    annotated_metadata,
    api_routes,
    find_mapping,
    is_non_body_marker,
    shown_type,
)
from fastapi_lint.context.roles import Role
from fastapi_lint.fastapi_model.routes import RouteInfo
from fastapi_lint.rule import Invalid, Rule, Valid
from fastapi_lint.rules.api_models._shapes import is_name, spreads, subscript_key
from fastapi_lint.tree import code_nodes


def _parameters(params: cst.Parameters) -> list[cst.Param]:
    # ``*args``/``**kwargs`` are never request bodies: FastAPI ignores them.
    return [*params.posonly_params, *params.params, *params.kwonly_params]


def body_mapping(param: cst.Param, resolve: Resolve) -> cst.BaseExpression | None:
    """The mapping member of a parameter FastAPI reads from the JSON body, if any."""
    if param.annotation is None or is_non_body_marker(param.default, resolve):
        return None
    annotation = param.annotation.annotation
    metadata = annotated_metadata(annotation, resolve)
    if any(is_non_body_marker(meta, resolve) for meta in metadata):
        return None
    return find_mapping(annotation, resolve, untyped=False)


def _open_document(func: cst.FunctionDef, name: str, *, patch: bool) -> bool:
    """A body no static model describes: a merge patch read as a whole, or one validated
    against a class the endpoint looks up at run time."""
    if patch and not _fixed_keys(func, name):
        return True  # a JSON merge patch: a partial document, merged as it comes
    return _validated_by_local_class(func, name)


def _fixed_keys(func: cst.FunctionDef, name: str) -> bool:
    """The function reads ``name`` by fixed keys: ``body["model"]``, or ``f(**body)``,
    whose keys are ``f``'s parameters."""
    for node in code_nodes(func.body):
        if (
            isinstance(node, cst.Subscript)
            and is_name(node.value, name)
            and subscript_key(node) is not None
        ):
            return True
        if isinstance(node, cst.Arg) and spreads(node, name):
            return True
    return False


def _only_patch(routes: Sequence[RouteInfo]) -> bool:
    methods = {method.upper() for route in routes for method in route.http_methods}
    return methods == {"PATCH"}


def _validated_by_local_class(func: cst.FunctionDef, name: str) -> bool:
    """``Valves(**body)`` or ``Valves.model_validate(body)`` where the function itself
    binds ``Valves`` (``Valves = plugin.Valves``): a schema known only at run time."""
    local = _assigned_names(func)
    for call in code_nodes(func.body):
        if not isinstance(call, cst.Call):
            continue
        target = call.func
        if isinstance(target, cst.Attribute) and target.attr.value in _VALIDATORS:
            target = target.value
            passes = any(is_name(arg.value, name) for arg in call.args if not arg.star)
        else:
            passes = any(is_name(arg.value, name) for arg in call.args if arg.star == "**")
        if passes and isinstance(target, cst.Name) and target.value in local:
            return True
    return False


_VALIDATORS = frozenset({"model_validate", "parse_obj", "validate"})


def _assigned_names(func: cst.FunctionDef) -> set[str]:
    """Names the function's own ``x = ...`` statements bind."""
    found: set[str] = set()
    for node in code_nodes(func.body):
        if isinstance(node, cst.Assign):
            found.update(t.target.value for t in node.targets if isinstance(t.target, cst.Name))
    return found


class DictRequestBody(Rule):
    """
    ## What it does
    Flags a route parameter that FastAPI reads from the JSON request body and that is
    annotated as a mapping instead of a Pydantic model. Mappings are `dict`, `Dict`,
    `Mapping`, `MutableMapping`, `OrderedDict` and `defaultdict` (from `typing`,
    `collections` or `collections.abc`, under any import alias), with or without type
    arguments: `dict[str, int]` is reported too. They are found inside `Optional[...]`,
    `X | None`, `Union[...]`, `Annotated[..., Body()]` and string annotations.

    A parameter is a body unless its default or its `Annotated` metadata is a call to
    `Depends`, `Security`, `Query`, `Header`, `Cookie`, `Path`, `Form` or `File`: a
    `dict` produced by a dependency is not a request body. Only endpoints registered with
    FastAPI's HTTP registrars (`get`, `post`, ..., `api_route`, `add_api_route`) are
    checked; websocket and Starlette `route` endpoints have no parsed body.

    Not flagged: a route that only answers `PATCH`, whose mapping body is a JSON merge
    patch (RFC 7386), a partial document merged into the stored one (unless the endpoint
    reads it by fixed keys, `changes["name"]`, or spreads it into a call's keyword
    arguments, `update(**changes)`: its keys are known); and a body validated
    against a class the endpoint itself looks up at run time (`Valves = plugin.Valves`,
    then `Valves(**body)`), whose schema no static model can declare.

    ## Why is this bad?
    A `dict` body accepts any JSON object: FastAPI validates nothing beyond "it is an
    object", the endpoint has to check keys and types by hand (or forgets to), and the
    OpenAPI schema documents the body as an arbitrary object, so clients and generated
    SDKs learn nothing about it. A Pydantic model validates, documents and types the body
    in one place. Even a typed `dict[str, int]` only says "some keys"; when the keys are
    known, they belong in a model.

    ## Example
    ```python
    @router.post("/items")
    async def create_item(item: dict) -> Item:
        return await items.create(name=item["name"], price=item["price"])
    ```

    ## Use instead
    ```python
    class ItemIn(BaseModel):
        name: str
        price: float


    @router.post("/items")
    async def create_item(item: ItemIn) -> Item:
        return await items.create(name=item.name, price=item.price)
    ```

    ## Options
    `strict = ["FAPI301"]`: every mapping body, `PATCH` merge documents and bodies
    validated against a run-time schema included.

    ## Known limitations
    Type aliases (`JSON = dict[str, Any]`) are not followed, and only the top level of the
    annotation is checked (`list[dict]` is not reported). A body that really is an open
    map with arbitrary keys (`dict[int, float]` of weights, webhook payloads forwarded
    unread) is reported too; suppress the finding there, or wrap the map in a
    `RootModel`. A route registered through a helper the model does not recognise is not
    checked.
    """

    code = "FAPI301"
    name = "dict-request-body"
    family = "models"
    roles = frozenset({Role.APP})
    severity = "warning"
    message = (
        "Request body `{parameter}` of route `{function}` is a mapping (`{annotation}`); "
        "declare a Pydantic model for it"
    )

    VALID: ClassVar[tuple[Valid, ...]] = (
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
            "from typing import Annotated\n\n"
            "from fastapi import APIRouter, Depends\n\n"
            "router = APIRouter()\n\n\n"
            '@router.get("/settings")\n'
            "def read_settings(settings: Annotated[dict, Depends(get_settings)]) -> Settings:\n"
            "    return Settings(**settings)\n"
        ),
        Valid(
            "from fastapi import APIRouter, Query\n\n"
            "router = APIRouter()\n\n\n"
            '@router.get("/search")\n'
            "def search(filters: dict = Query(default={})) -> list[Item]:\n"
            "    return find(filters)\n"
        ),
        Valid(
            "from fastapi import FastAPI\n\n"
            "app = FastAPI()\n\n\n"
            "def merge(defaults: dict, overrides: dict) -> Settings:\n"
            "    return Settings(**defaults, **overrides)\n"
        ),
    )
    INVALID: ClassVar[tuple[Invalid, ...]] = (
        Invalid(
            "from fastapi import FastAPI\n\n"
            "app = FastAPI()\n\n\n"
            '@app.post("/items")\n'
            "async def create_item(item: dict) -> Item:\n"
            '    return await items.create(item["name"])\n',
            line=7,
            column=23,
            message_contains="`item` of route `create_item` is a mapping (`dict`)",
        ),
        Invalid(
            "from typing import Annotated, Any, Optional\n\n"
            "from fastapi import APIRouter, Body\n\n"
            "router = APIRouter()\n\n\n"
            '@router.put("/users/{user_id}/preferences")\n'
            "def update_preferences(\n"
            "    user_id: int,\n"
            "    preferences: Annotated[Optional[dict[str, Any]], Body(embed=True)] = None,\n"
            ") -> Preferences:\n"
            "    return save(user_id, preferences)\n",
            line=11,
            column=5,
        ),
        Invalid(
            "import typing\n\n"
            "from fastapi import FastAPI\n\n"
            "app = FastAPI()\n\n\n"
            "def import_rows(rows: typing.Mapping[str, int]) -> int:\n"
            "    return len(rows)\n\n\n"
            'app.add_api_route("/import", import_rows, methods=["POST"])\n',
            line=8,
            column=17,
        ),
    )

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        model = self.context.model
        routes = api_routes(model, node)
        if not routes:
            return
        strict = self.options.is_strict(self.code)
        patch = _only_patch(routes)
        for param in _parameters(node.params):
            mapping = body_mapping(param, model.qualified_name)
            if mapping is None or param.annotation is None:
                continue
            if not strict and _open_document(node, param.name.value, patch=patch):
                continue
            self.report(
                param,
                parameter=param.name.value,
                function=node.name.value,
                annotation=shown_type(
                    self.context.module, param.annotation.annotation, model.qualified_name
                ),
            )
