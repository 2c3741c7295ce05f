"""FAPI502: a path parameter no parameter reads, or a ``Path()`` parameter the path lacks."""

from __future__ import annotations

from typing import ClassVar

import libcst as cst

from fastapi_lint.context.roles import Role
from fastapi_lint.fastapi_model.routes import RouteInfo
from fastapi_lint.rule import FileContext, Invalid, Rule, Valid
from fastapi_lint.rules.fastapi._path_readers import (
    PathReaders,
    Readers,
    RouterSetup,
    module_index,
    router_setups,
)
from fastapi_lint.rules.fastapi._route_bodies import answers_html
from fastapi_lint.rules.fastapi._route_paths import (
    STARLETTE_REGISTRARS,
    PathPart,
    catch_all_parameters,
    is_fastapi_route,
    parameters,
    part_holding,
    path_node,
    path_parts,
)


class PathParameterMismatch(Rule):
    """
    ## What it does
    Flags a `{name}` in a route's path that neither the handler nor any of its dependencies
    takes as a parameter, and a handler parameter declared with `Path()` whose name the path
    does not have. The path includes the `prefix=` of an `APIRouter(...)` made in the same
    file. A parameter counts by its `Path(alias=...)` when it has one; `{name:path}` and other
    converters count by their name.

    Not reported, since the value is read or dropped on purpose: a name the handler or a
    same-file dependency reads from the request (`request.path_params["x"]`,
    `request.path_params.get("x")`), every name of a route whose `Request` is handed on to
    another call (`templates.TemplateResponse(request, ...)`, a permission helper), which
    may read it; a page (`response_class=HTMLResponse`, `-> HTMLResponse`, a returned
    `TemplateResponse`), whose front end reads the URL itself; and a `{rest:path}`
    catch-all of a handler taking nothing but the request (a single-page app's fallback).
    A positional-only or `Path()` mismatch is reported on pages too: it breaks every
    request.

    Parameters are also read by dependencies: `Depends(f)`/`Security(f)` in a default, in
    `Annotated[...]` metadata, in a module-level `X = Annotated[T, Depends(f)]` alias or a
    `dep = Depends(f)` variable, and in `dependencies=[...]` of the route, its router or the
    app. Functions, classes (their `__init__`, or the fields of a Pydantic model or
    dataclass, for a bare `Depends()` too) and instances with `__call__` defined in the same
    file are followed, with their own dependencies; security schemes of `fastapi.security`
    read no path parameter.

    ## Why is this bad?
    FastAPI matches the URL, then hands each handler parameter the path value of the same
    name. A `{item_id}` nobody declares is parsed and dropped: the handler works on
    something else (often a typo, `{item_id}` against `itemid`, or a parameter renamed on
    one side only), and the OpenAPI schema documents a parameter the code ignores. The
    other way round, a `Path()` parameter the path lacks is required and can never be
    filled: every request is answered 422. A path parameter that reaches a
    positional-only parameter (`def f(item_id, /)`) makes every call fail, since FastAPI
    passes values by keyword.

    ## Example
    ```python
    @router.get("/items/{item_id}")
    async def read_item(id: int) -> Item: ...


    @router.get("/items")
    async def list_items(owner_id: Annotated[int, Path()]) -> list[Item]: ...
    ```

    ## Use instead
    ```python
    @router.get("/items/{item_id}")
    async def read_item(item_id: int) -> Item: ...


    @router.get("/owners/{owner_id}/items")
    async def list_items(owner_id: Annotated[int, Path()]) -> list[Item]: ...
    ```

    ## Options
    `strict = ["FAPI502"]` keeps ruff's `FAST003` semantics for the path's own names: a
    name counts as read only by a parameter of the handler or of a dependency, so pages,
    catch-all fallbacks and `request.path_params` are reported as ruff reports them.

    ## Known limitations
    Only literal paths are checked. Prefixes added by `include_router(prefix=...)` are not
    known here, nor are prefixes that are not string literals: a `Path()` parameter is only
    checked when its router's prefix is a literal of this file (and one supplied by an
    `include_router` prefix elsewhere would be reported), and routers imported from
    another module are never checked that way. A dependency this file does not define
    (imported, an attribute, a factory call) may read any name, so the route's missing
    names are then not reported. A handler parameter typed with a name imported from the
    project may be an `Annotated` alias carrying `Path(alias=...)` or `Depends(...)`: a
    path name that starts with its words (`{exampleId}` for `example_id`, `{item_id}` for
    `item`) is taken as read by it. `Path()` parameters of dependencies are not checked.
    """

    code = "FAPI502"
    name = "path-parameter-mismatch"
    family = "fastapi"
    roles = frozenset({Role.APP})
    severity = "error"
    message = "Path parameter `{{{parameter}}}` {problem}"

    VALID: ClassVar[tuple[Valid, ...]] = (
        Valid(
            "from typing import Annotated\n\n"
            "from fastapi import APIRouter, Depends, Path\n\n"
            'router = APIRouter(prefix="/users/{user_id}")\n\n\n'
            "async def get_order(user_id: int, order_id: int) -> dict:\n"
            '    return {"user": user_id, "order": order_id}\n\n\n'
            "OrderDep = Annotated[dict, Depends(get_order)]\n\n\n"
            '@router.get("/orders/{order_id}")\n'
            "async def read_order(order: OrderDep) -> dict:\n"
            "    return order\n\n\n"
            '@router.get("/files/{file_path:path}")\n'
            "async def read_file(user_id: int, file_path: str) -> str:\n"
            "    return file_path\n\n\n"
            '@router.get("/docs/{docId}")\n'
            "async def read_doc(\n"
            '    user_id: int, doc_id: Annotated[int, Path(alias="docId")]\n'
            ") -> int:\n"
            "    return doc_id\n"
        ),
        Valid(
            "from fastapi import FastAPI\n\n"
            "app = FastAPI()\n\n\n"
            '@app.get("/{ not_a_parameter }/{user-id}")\n'
            "async def literal_braces() -> None: ...\n"
        ),
    )
    INVALID: ClassVar[tuple[Invalid, ...]] = (
        Invalid(
            "from fastapi import FastAPI\n\n"
            "app = FastAPI()\n\n\n"
            '@app.get("/items/{item_id}")\n'
            "async def read_item(id: int) -> dict:\n"
            '    return {"id": id}\n',
            line=6,
            column=10,
            message_contains="`{item_id}` of `/items/{item_id}` matches no parameter of "
            "`read_item`",
        ),
        Invalid(
            "from fastapi import APIRouter, Path\n\n"
            'router = APIRouter(prefix="/items")\n\n\n'
            '@router.get("/")\n'
            "async def list_items(owner_id: int = Path()) -> list:\n"
            "    return []\n",
            line=7,
            column=22,
            message_contains="`{owner_id}` is declared with `Path()` in `list_items`, but "
            "`/items/` has no `{owner_id}`",
        ),
        Invalid(
            "from fastapi import APIRouter\n\n"
            'router = APIRouter(prefix="/users/{user_id}")\n\n\n'
            '@router.get("/orders")\n'
            "async def list_orders() -> list:\n"
            "    return []\n",
            line=6,
            column=13,
            message_contains="(from the router prefix)",
        ),
    )

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self._setups: dict[str, RouterSetup] | None = None
        self._readers: PathReaders | None = None

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        model = self.context.model
        reported: set[int] = set()
        for route in model.routes_for(node):
            if route.registrar not in STARLETTE_REGISTRARS and is_fastapi_route(model, route):
                self._check(node, route, reported)

    def _check(self, func: cst.FunctionDef, route: RouteInfo, reported: set[int]) -> None:
        parts = path_parts(path_node(route))
        if parts is None:
            return
        path = "".join(part.text for part in parts)
        setup = self._router_setups().get(route.router)
        listed = [route.keyword("dependencies"), setup.dependencies if setup else None]
        readers = self._path_readers().of_handler(func, listed)
        prefix = setup.prefix if setup is not None else None
        # A page whose front end reads the URL itself: its path names are the browser's.
        page = not self._strict and answers_html(func, (route,))
        self._check_path(func, parts, prefix or "", readers, page=page)
        if prefix is not None:
            self._check_declared(func, prefix + path, readers, reported)

    def _check_path(
        self,
        func: cst.FunctionDef,
        parts: list[PathPart],
        prefix: str,
        readers: Readers,
        *,
        page: bool,
    ) -> None:
        own = parameters("".join(part.text for part in parts))
        shown = prefix + "".join(part.text for part in parts)
        fallback = not self._strict and self._takes_nothing(func)
        # Parameters a catch-all fallback route may leave unread on purpose.
        unread_ok = set(catch_all_parameters(shown)) if fallback else set()
        for name in dict.fromkeys([*own, *parameters(prefix)]):
            problem = _problem(name, func.name.value, readers, through_request=not self._strict)
            if problem is None or (problem == _DROPPED and (page or name in unread_ok)):
                continue
            self._report_parameter(func, parts, shown, name, problem, own=name in own)

    def _report_parameter(
        self,
        func: cst.FunctionDef,
        parts: list[PathPart],
        shown: str,
        name: str,
        problem: str,
        *,
        own: bool,
    ) -> None:
        origin = "" if own else " (from the router prefix)"
        said = _dropped(name, func.name.value) if problem == _DROPPED else problem
        self.report(
            part_holding(parts, name) if own else parts[0].node,
            parameter=name,
            problem=f"of `{shown}`{origin} {said}",
        )

    def _check_declared(
        self, func: cst.FunctionDef, path: str, readers: Readers, reported: set[int]
    ) -> None:
        names = set(parameters(path))
        for name, param in readers.declared:
            if name in names or id(param) in reported:
                continue
            reported.add(id(param))
            self.report(
                param.name,
                parameter=name,
                problem=f"is declared with `Path()` in `{func.name.value}`, but `{path}` has "
                f"no `{{{name}}}`: the value can never be filled and every request is answered "
                "422",
            )

    @property
    def _strict(self) -> bool:
        """ruff's FAST003: a name is read by a parameter or a dependency, nothing else."""
        return self.options.is_strict(self.code)

    def _takes_nothing(self, func: cst.FunctionDef) -> bool:
        """Only the request, if anything: a fallback that ignores the rest of the path."""
        params = [*func.params.posonly_params, *func.params.params, *func.params.kwonly_params]
        return all(self._path_readers().is_request(param) for param in params)

    def _router_setups(self) -> dict[str, RouterSetup]:
        if self._setups is None:
            self._setups = router_setups(self.context.model, self.context.shared(module_index))
        return self._setups

    def _path_readers(self) -> PathReaders:
        if self._readers is None:
            index = self.context.shared(module_index)
            self._readers = PathReaders(self.context.model, index)
        return self._readers


# The problem of a name nothing reads, worded by ``_dropped``: a page or a catch-all
# route may mean to drop it.
_DROPPED = "dropped"


def _problem(name: str, handler: str, readers: Readers, *, through_request: bool) -> str | None:
    """Why ``{name}`` is not read, or None when it is (or may be)."""
    if name in readers.names:
        return None
    if name in readers.positional_only:
        return (
            f"is a positional-only parameter of `{handler}`: FastAPI passes values by "
            "keyword, so every request fails"
        )
    if readers.open or readers.excuses(name):
        return None
    if through_request:
        through = readers.through_request()
        if through.open or name in through.names:
            return None
    return _DROPPED


def _dropped(name: str, handler: str) -> str:
    return (
        f"matches no parameter of `{handler}` or of its dependencies: its value is dropped; "
        f"add `{name}` to the signature or fix the name"
    )
