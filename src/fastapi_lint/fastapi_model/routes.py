"""Which functions of a module are routes: decorators and ``add_api_route`` registrations."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import libcst as cst

from fastapi_lint.fastapi_model.routers import RouterModel
from fastapi_lint.fastapi_model.syntax import (
    dotted_name,
    keyword_arg,
    positional_args,
    string_value,
)

if TYPE_CHECKING:
    from fastapi_lint.context.project import ProjectContext

_HTTP_DECORATORS = {
    "get": "GET",
    "post": "POST",
    "put": "PUT",
    "patch": "PATCH",
    "delete": "DELETE",
    "options": "OPTIONS",
    "head": "HEAD",
    "trace": "TRACE",
}
# Registrars taking ``methods=[...]`` (default GET), and those that register websockets.
_MULTI_METHOD = frozenset({"api_route", "route", "add_api_route", "add_route"})
_WEBSOCKET = frozenset(
    {"websocket", "websocket_route", "add_api_websocket_route", "add_websocket_route"}
)
ROUTE_DECORATORS = frozenset(_HTTP_DECORATORS) | {
    "api_route",
    "route",
    "websocket",
    "websocket_route",
}
# Exact classes, looked up in a set: ``isinstance`` against a LibCST class is slow.
_ASSIGNMENTS = frozenset({cst.Assign, cst.AnnAssign, cst.AugAssign})
REGISTRATIONS = frozenset(
    {"add_api_route", "add_route", "add_api_websocket_route", "add_websocket_route"}
)
# ``APIRoute("/items", list_items, methods=["GET"])`` in ``routes=[...]``: its registrar.
ROUTE_OBJECT = "APIRoute"
_MULTI_METHOD = _MULTI_METHOD | {ROUTE_OBJECT}


@dataclass(frozen=True, slots=True)
class RouteInfo:
    """One way a function is exposed as an endpoint (a decorator or an add_api_route)."""

    router: str
    registrar: str
    http_methods: tuple[str, ...]
    path: str | None
    call: cst.Call
    decorator: cst.Decorator | None
    keywords: tuple[tuple[str, cst.BaseExpression], ...]

    @property
    def is_websocket(self) -> bool:
        return self.registrar in _WEBSOCKET

    def keyword(self, name: str) -> cst.BaseExpression | None:
        """The value of ``name=...`` in the decorator call, e.g. ``response_model``."""
        return next((value for key, value in self.keywords if key == name), None)


class RouteModel(RouterModel):
    """The routes of a module: each function with the ways it is exposed as an endpoint."""

    def __init__(self, path: str, project: ProjectContext | None = None) -> None:
        super().__init__(path, project)
        self._functions: list[cst.FunctionDef] = []
        self._registrations: list[cst.Call] = []
        # ``APIRoute(...)`` objects, the list each is in, and the router given each list.
        self._route_objects: list[tuple[cst.Call, str]] = []
        self._route_list_owners: dict[str, str] = {}
        self._routes: dict[int, tuple[RouteInfo, ...]] = {}
        self._registered: dict[str, list[RouteInfo]] = {}
        # Every registration with its endpoint as written (``endpoints.read``).
        self._endpoints: list[tuple[str, RouteInfo]] = []

    def _find_routes(self) -> None:
        for func in self._functions:
            routes = [self._decorator_route(decorator) for decorator in func.decorators]
            found = tuple(route for route in routes if route is not None)
            if found:
                self._routes[id(func)] = found
        for call in self._registrations:
            self._record_registration(call)
        for call, owner in self._route_objects:
            self._record_route_object(call, self._route_list_owners.get(owner, owner))

    def _decorator_route(self, decorator: cst.Decorator) -> RouteInfo | None:
        call = decorator.decorator
        if not isinstance(call, cst.Call) or not isinstance(call.func, cst.Attribute):
            return None
        if call.func.attr.value not in ROUTE_DECORATORS:
            return None
        return self._route_info(call, decorator)

    def _route_info(self, call: cst.Call, decorator: cst.Decorator | None) -> RouteInfo | None:
        assert isinstance(call.func, cst.Attribute)
        router = dotted_name(call.func.value)
        args = positional_args(call)
        path_keyword = keyword_arg(call, "path")
        path = string_value(path_keyword if path_keyword is not None else next(iter(args), None))
        if router is None or not self._is_router(router, path, path_keyword is not None):
            return None
        registrar = call.func.attr.value
        keywords = tuple((a.keyword.value, a.value) for a in call.args if a.keyword is not None)
        methods = _http_methods(registrar, call)
        return RouteInfo(router, registrar, methods, path, call, decorator, keywords)

    def _is_router(self, router: str, path: str | None, path_keyword: bool) -> bool:
        if router in self._routers:
            return True
        # A router imported from elsewhere is recognised by the URL path it is given.
        looks_like_path = path_keyword or (path is not None and path.startswith("/"))
        return looks_like_path and self._is_imported(router.partition(".")[0])

    def _is_imported(self, name: str) -> bool:
        value = self.module_bindings.get(name)
        if value is None:
            return name in self._nested_imports
        return value.known and not value.is_instance

    def _record_registration(self, call: cst.Call) -> None:
        """``app.add_api_route("/items", list_items)`` makes ``list_items`` a route."""
        route = self._route_info(call, None)
        args = positional_args(call)
        endpoint = keyword_arg(call, "endpoint") or (args[1] if len(args) > 1 else None)
        name = dotted_name(endpoint)
        if route is not None and name is not None:
            self._register(name, route)

    def _register(self, endpoint: str, route: RouteInfo) -> None:
        self._registered.setdefault(endpoint.rpartition(".")[2], []).append(route)
        self._endpoints.append((endpoint, route))

    def _record_route_objects(self, node: cst.CSTNode) -> None:
        """``routes = [APIRoute(...), ...]`` (or ``+=``), and the router given the list:
        ``app = FastAPI(routes=routes)``, ``APIRouter(routes=[APIRoute(...)])``."""
        if type(node) not in _ASSIGNMENTS:
            return
        assert isinstance(node, cst.Assign | cst.AnnAssign | cst.AugAssign)  # for the checker
        value = node.value
        targets = (
            [t.target for t in node.targets] if isinstance(node, cst.Assign) else [node.target]
        )
        names = [name for name in map(dotted_name, targets) if name is not None]
        if not names or value is None:
            return
        if isinstance(value, cst.Call) and self._is_router_constructor(value.func):
            given = keyword_arg(value, "routes")
            listed = dotted_name(given)
            if listed is not None:
                self._route_list_owners[listed] = names[0]
            else:
                self._route_objects += ((c, names[0]) for c in self._route_calls(given))
            return
        self._route_objects += ((call, names[0]) for call in self._route_calls(value))

    def _route_calls(self, expr: cst.BaseExpression | None) -> list[cst.Call]:
        """The ``APIRoute(...)`` calls a list literal (or a sum of them) holds."""
        stack = [expr]
        found: list[cst.Call] = []
        while stack:
            node = stack.pop()
            if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Add):
                stack += [node.right, node.left]
            elif isinstance(node, cst.List | cst.Tuple):
                stack += [element.value for element in reversed(node.elements)]
            elif isinstance(node, cst.Call) and self.is_route_class(node.func):
                found.append(node)
        return found

    def _record_route_object(self, call: cst.Call, router: str) -> None:
        """``APIRoute("/items", list_items)`` makes ``list_items`` a route of ``router``."""
        args = positional_args(call)
        path_keyword = keyword_arg(call, "path")
        path = string_value(path_keyword if path_keyword is not None else next(iter(args), None))
        endpoint = keyword_arg(call, "endpoint") or (args[1] if len(args) > 1 else None)
        name = dotted_name(endpoint)
        if name is None:
            return
        keywords = tuple((a.keyword.value, a.value) for a in call.args if a.keyword is not None)
        methods = _http_methods(ROUTE_OBJECT, call)
        route = RouteInfo(router, ROUTE_OBJECT, methods, path, call, None, keywords)
        self._register(name, route)

    def unbound_routes(self) -> list[tuple[str, RouteInfo]]:
        """Registrations of an endpoint no def of this module is named after, as written:
        ``APIRoute("/v2/health", endpoints.live)`` with ``Endpoints`` in another module."""
        defined = {func.name.value for func in self._functions}
        return [(e, route) for e, route in self._endpoints if e.rpartition(".")[2] not in defined]

    def routes_for(self, func: cst.FunctionDef) -> tuple[RouteInfo, ...]:
        """Every route ``func`` is registered as, decorators first."""
        registered = tuple(self._registered.get(func.name.value, ()))
        return self._routes.get(id(func), ()) + registered

    def route_for(self, func: cst.FunctionDef) -> RouteInfo | None:
        routes = self.routes_for(func)
        return routes[0] if routes else None

    def is_route(self, func: cst.FunctionDef) -> bool:
        return bool(self.routes_for(func))

    def routes(self) -> Iterator[tuple[cst.FunctionDef, RouteInfo]]:
        """Every (function, route) pair of the module, in source order."""
        for func in self._functions:
            for route in self.routes_for(func):
                yield func, route


def _string_list(expr: cst.BaseExpression | None) -> tuple[str, ...]:
    if not isinstance(expr, cst.List | cst.Tuple | cst.Set):
        return ()
    values = (string_value(element.value) for element in expr.elements)
    return tuple(value.upper() for value in values if value)


def _http_methods(registrar: str, call: cst.Call) -> tuple[str, ...]:
    if registrar in _HTTP_DECORATORS:
        return (_HTTP_DECORATORS[registrar],)
    if registrar in _MULTI_METHOD:
        return _string_list(keyword_arg(call, "methods")) or ("GET",)
    return ()
