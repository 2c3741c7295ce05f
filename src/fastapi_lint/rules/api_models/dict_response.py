"""FAPI302: a route whose response is an untyped mapping instead of a Pydantic model."""

from __future__ import annotations

from typing import ClassVar

import libcst as cst

from fastapi_lint.analysis.mappings import (
    Resolve,
    api_routes,
    find_mapping,
    is_json_response_class,
    is_mapping,
    is_response_class,
    members,
    shown_type,
)
from fastapi_lint.context.roles import Role
from fastapi_lint.fastapi_model.routes import RouteInfo
from fastapi_lint.fastapi_model.syntax import dotted_name
from fastapi_lint.rule import FileContext, Invalid, Rule, Valid


def _is_dict_value(value: cst.BaseExpression, resolve: Resolve) -> bool:
    """A dict display, a dict comprehension or a ``dict(...)`` call."""
    if isinstance(value, cst.Dict | cst.DictComp):
        return True
    return isinstance(value, cst.Call) and is_mapping(value.func, resolve)


def _is_response_call(value: cst.BaseExpression, resolve: Resolve) -> bool:
    """``Response(...)``, ``JSONResponse(...)``...: the route builds its response itself."""
    return isinstance(value, cst.Call) and is_response_class(value.func, resolve)


def _is_none(node: cst.BaseExpression | None) -> bool:
    return isinstance(node, cst.Name) and node.value == "None"


def _response_model_arg(route: RouteInfo) -> cst.Arg | None:
    return next(
        (a for a in route.call.args if a.keyword and a.keyword.value == "response_model"), None
    )


def _non_json_response_class(route: RouteInfo, resolve: Resolve) -> bool:
    """``response_class=HTMLResponse`` and friends: the body is not serialised JSON."""
    response_class = route.keyword("response_class")
    return response_class is not None and not is_json_response_class(response_class, resolve)


def _is_hidden(route: RouteInfo) -> bool:
    """``include_in_schema=False``: a probe or an internal page, not part of the API."""
    shown = route.keyword("include_in_schema")
    return isinstance(shown, cst.Name) and shown.value == "False"


def _is_webhook(route: RouteInfo, function: cst.FunctionDef) -> bool:
    """A webhook receiver: its caller (GitHub, Stripe...) reads the status, not the body."""
    named = f"{route.path or ''} {function.name.value}".lower()
    return "webhook" in named


def _is_constant(value: cst.BaseExpression) -> bool:
    """A literal that is the same on every call: a string, a number, True/False/None."""
    if isinstance(value, cst.SimpleString | cst.ConcatenatedString | cst.Integer | cst.Float):
        return True
    if isinstance(value, cst.UnaryOperation) and isinstance(value.operator, cst.Minus):
        return _is_constant(value.expression)
    return isinstance(value, cst.Name) and value.value in ("True", "False", "None")


def _is_acknowledgement(value: cst.BaseExpression) -> bool:
    """``{"status": "ok"}``, ``{}``, ``{"message": f"{name} deleted"}``: a dict that says
    how the call went (literal keys, each value a literal or text or a flag under an
    outcome word)."""
    if not isinstance(value, cst.Dict):
        return False
    elements = value.elements
    if not all(isinstance(e, cst.DictElement) and _is_constant(e.key) for e in elements):
        return False
    return all(
        isinstance(element, cst.DictElement)
        and (_is_constant(element.value) or _is_outcome(_key_text(element), element.value))
        for element in elements
    )


def _is_outcome(key: str | None, value: cst.BaseExpression) -> bool:
    """``"message": f"{name} deleted"``, ``"detail": str(error)``, ``"success": ok``: text
    under an outcome word, or a flag under ``success``/``ok``."""
    if key in _FLAG_KEYS:
        return isinstance(value, cst.Name | cst.Attribute) or _is_text(value)
    return key in _OUTCOME_KEYS and _is_text(value)


def _is_text(value: cst.BaseExpression) -> bool:
    if isinstance(value, cst.FormattedString):
        return True
    return isinstance(value, cst.Call) and dotted_name(value.func) == "str"


def _key_text(element: cst.BaseDictElement) -> str | None:
    key = element.key if isinstance(element, cst.DictElement) else None
    text = key.evaluated_value if isinstance(key, cst.SimpleString) else None
    return text if isinstance(text, str) else None


# Keys of a dict that only reports how the call went: no data to model.
_OUTCOME_KEYS = frozenset({"status", "message", "msg", "detail", "error"})
_FLAG_KEYS = frozenset({"success", "ok"})
# Path segments of health and liveness probes, read by load balancers and orchestrators.
_PROBE_SEGMENTS = frozenset({"health", "healthz", "healthcheck", "ping", "livez", "readyz"})


def _not_for_api_clients(route: RouteInfo, function: cst.FunctionDef) -> bool:
    """A route whose caller reads no documented body: hidden, a webhook, a probe."""
    return _is_hidden(route) or _is_webhook(route, function) or _is_probe(route)


def _is_probe(route: RouteInfo) -> bool:
    """``/health``, ``/api/v1/healthz``, ``/ping``: what reads it checks the status code."""
    segments = (route.path or "").lower().replace("-", "").replace("_", "").split("/")
    return any(segment in _PROBE_SEGMENTS for segment in segments)


def _uses_annotation(route: RouteInfo) -> bool:
    """FastAPI takes the response model from the return annotation (or has none at all)."""
    response_model = route.keyword("response_model")
    return response_model is None or _is_none(response_model)


class DictResponse(Rule):
    """
    ## What it does
    Flags a FastAPI route that responds with an untyped mapping instead of a Pydantic
    response model. That is: its `response_model=` is one (`dict`, `Dict[str, Any]`,
    `Mapping`...); or, when `response_model=` is absent or `None`, its return annotation
    is one; or, when it has neither, a `return` statement of the function itself (not of
    a nested `def`) returns a dict display, a dict comprehension or a `dict(...)` call. A
    mapping is untyped when it has no type arguments or its value type is `Any`,
    `object` or an untyped mapping (`dict[str, int]` is typed).

    Routes that do not produce JSON are exempt: a `response_class=` other than
    `JSONResponse`/`ORJSONResponse`/`UJSONResponse` (`HTMLResponse`, `RedirectResponse`,
    `StreamingResponse`...), a return annotation naming a `*Response` class, or any
    `return` of a call to a `*Response` class. So are routes hidden from the schema
    (`include_in_schema=False`: probes, internal pages), webhook receivers (`webhook` in
    the path or the function's name: the sender reads the status, not the body), health
    and liveness probes (a `health`, `healthz`, `healthcheck`, `ping`, `livez` or
    `readyz` path segment: what calls them reads the status code), and a route without
    annotation or response model whose every `return` is an acknowledgement: `{}`, a
    dict of literals such as `{"status": "ok"}`, or a dict of outcome words whose values
    are text or flags (`{"status": "error", "message": str(e)}`, `{"message":
    f"{name} deleted"}`, `{"success": ok}`): there is no shape to model.

    ## Why is this bad?
    FastAPI uses the response model to validate and filter what leaves the endpoint (an
    `UserOut` model never leaks a password hash stored in the same row) and to document
    the response in OpenAPI. A raw dict is sent as-is and documented as "any object", so
    clients and generated SDKs learn nothing about its shape, and a renamed key breaks
    them silently.

    ## Example
    ```python
    from typing import Any


    @router.get("/users/{user_id}")
    async def read_user(user_id: int) -> dict[str, Any]:
        user = await users.get(user_id)
        return {"id": user.id, "email": user.email}
    ```

    ## Use instead
    ```python
    from pydantic import BaseModel


    class UserOut(BaseModel):
        id: int
        email: str


    @router.get("/users/{user_id}")
    async def read_user(user_id: int) -> UserOut:
        user = await users.get(user_id)
        return UserOut(id=user.id, email=user.email)
    ```

    ## Options
    None.

    ## Known limitations
    Only the top level of an annotation is checked (`list[dict]` is not reported), type
    aliases are not followed, and an app- or router-wide `default_response_class` is not
    seen. A `*Response` class is recognised by its name. A route returning a dict held in
    a variable, without annotation or response model, is not reported. A fixed
    acknowledgement declared as `-> dict` or `response_model=dict` is still reported:
    the route states a type, and it is the untyped one.
    """

    code = "FAPI302"
    name = "dict-response"
    family = "models"
    roles = frozenset({Role.APP})
    severity = "warning"
    message = (
        "Route `{function}` responds with an untyped mapping ({detail}); "
        "declare a Pydantic response model"
    )

    VALID: ClassVar[tuple[Valid, ...]] = (
        Valid(
            "from fastapi import FastAPI\n\n"
            "app = FastAPI()\n\n\n"
            '@app.get("/users/{user_id}", response_model=UserOut)\n'
            "async def read_user(user_id: int) -> dict:\n"
            "    return await users.get_row(user_id)\n"
        ),
        Valid(
            "from fastapi import FastAPI\n"
            "from fastapi.responses import HTMLResponse\n\n"
            "app = FastAPI()\n\n\n"
            '@app.get("/", response_class=HTMLResponse)\n'
            "def home():\n"
            '    return {"title": "Home"}\n'
        ),
        Valid(
            "from fastapi import APIRouter, Response\n\n"
            "router = APIRouter()\n\n\n"
            '@router.get("/report.csv")\n'
            "def report() -> Response:\n"
            '    return Response(render_csv(), media_type="text/csv")\n'
        ),
        Valid(
            "from fastapi import FastAPI\n\n"
            "app = FastAPI()\n\n\n"
            '@app.get("/stats")\n'
            "def stats() -> dict[str, int]:\n"
            '    return {"users": count_users()}\n'
        ),
        Valid(
            "from fastapi import FastAPI\n\n"
            "app = FastAPI()\n\n\n"
            '@app.delete("/items/{item_id}", status_code=204)\n'
            "def delete_item(item_id: int) -> None:\n"
            "    items.delete(item_id)\n"
        ),
        Valid(
            "from fastapi import FastAPI\n\n"
            "app = FastAPI()\n\n\n"
            '@app.get("/health")\n'
            "async def health():\n"
            "    if not db_ready():\n"
            '        return {"status": "starting", "ready": False}\n'
            '    return {"status": "ok", "ready": True}\n'
        ),
        Valid(
            "from fastapi import FastAPI\n\n"
            "app = FastAPI()\n\n\n"
            '@app.get("/internal/state", include_in_schema=False)\n'
            "def state() -> dict:\n"
            '    return {"workers": pool.size()}\n'
        ),
    )
    INVALID: ClassVar[tuple[Invalid, ...]] = (
        Invalid(
            "from typing import Any\n\n"
            "from fastapi import APIRouter\n\n"
            "router = APIRouter()\n\n\n"
            '@router.get("/users/{user_id}")\n'
            "async def read_user(user_id: int) -> dict[str, Any]:\n"
            '    return {"id": user_id}\n',
            line=9,
            column=38,
            message_contains="return annotation `dict[str, Any]`",
        ),
        Invalid(
            "from fastapi import FastAPI\n\n"
            "app = FastAPI()\n\n\n"
            '@app.get("/config", response_model=dict)\n'
            "def read_config():\n"
            "    return load_config()\n",
            line=6,
            column=21,
            message_contains="`response_model=dict`",
        ),
        Invalid(
            "from fastapi import FastAPI\n\n"
            "app = FastAPI()\n\n\n"
            '@app.get("/status")\n'
            "async def status():\n"
            "    if maintenance():\n"
            '        return {"status": "maintenance"}\n'
            '    return {"status": "ok", "version": VERSION}\n',
            line=7,
            column=11,
            message_contains="and it returns a dict",
        ),
    )

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        # Routes with neither annotation nor response model -> the values they return.
        self._returns: dict[int, list[cst.BaseExpression]] = {}

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        routes = api_routes(self.context.model, node)
        resolve = self.context.model.qualified_name
        if not routes or any(_non_json_response_class(r, resolve) for r in routes):
            return
        if all(_not_for_api_clients(route, node) for route in routes):
            return
        for route in routes:
            self._check_response_model(node, route, resolve)
        if any(_uses_annotation(route) for route in routes):
            self._check_function(node, resolve)

    def _check_response_model(
        self, node: cst.FunctionDef, route: RouteInfo, resolve: Resolve
    ) -> None:
        arg = _response_model_arg(route)
        if arg is None or find_mapping(arg.value, resolve, untyped=True) is None:
            return
        detail = f"`response_model={shown_type(self.context.module, arg.value, resolve)}`"
        self.report(arg, function=node.name.value, detail=detail)

    def _check_function(self, node: cst.FunctionDef, resolve: Resolve) -> None:
        if node.returns is not None:
            self._check_annotation(node, node.returns.annotation, resolve)
            return
        # Its ``return`` statements are collected as the walk reaches them.
        self._returns[id(node)] = []

    def visit_Return(self, node: cst.Return) -> None:
        # The innermost def, so returns of nested defs (and their classes) are theirs.
        func = self.context.enclosing_function()
        collected = None if func is None else self._returns.get(id(func))
        if collected is not None and node.value is not None:
            collected.append(node.value)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        values = self._returns.pop(id(original_node), None)
        if values is None:
            return
        resolve = self.context.model.qualified_name
        if any(_is_response_call(value, resolve) for value in values):
            return
        if all(_is_acknowledgement(value) for value in values):
            return
        if any(_is_dict_value(value, resolve) for value in values):
            detail = "no return annotation or `response_model`, and it returns a dict"
            self.report(original_node.name, function=original_node.name.value, detail=detail)

    def _check_annotation(
        self, node: cst.FunctionDef, annotation: cst.BaseExpression, resolve: Resolve
    ) -> None:
        if any(is_response_class(member, resolve) for member in members(annotation, resolve)):
            return
        if find_mapping(annotation, resolve, untyped=True) is None:
            return
        detail = f"return annotation `{shown_type(self.context.module, annotation, resolve)}`"
        self.report(annotation, function=node.name.value, detail=detail)
