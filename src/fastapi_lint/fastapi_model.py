"""What rules may know about a module's imports and FastAPI usage, computed cheaply.

The model is built from statements only, never from a LibCST metadata pass: import
statements give qualified names, assignments give routers and the types of module-level
names, decorators give routes, and ``Depends(...)`` calls in function headers and in
module- or class-level statements give dependencies. Function bodies are only walked
statement by statement, so building the model costs far less than walking the tree.
"""

from __future__ import annotations

import builtins
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

import libcst as cst

ROUTER_CLASSES = frozenset(
    {
        "fastapi.FastAPI",
        "fastapi.APIRouter",
        "fastapi.applications.FastAPI",
        "fastapi.routing.APIRouter",
    }
)
DEPENDENCY_MARKERS = frozenset(
    {
        "fastapi.Depends",
        "fastapi.Security",
        "fastapi.params.Depends",
        "fastapi.params.Security",
        "fastapi.param_functions.Depends",
        "fastapi.param_functions.Security",
    }
)
APP_CLASSES = frozenset({"fastapi.FastAPI", "fastapi.applications.FastAPI"})
PATHLIB_CLASSES = frozenset({"pathlib.Path", "pathlib.PosixPath", "pathlib.WindowsPath"})
# Path methods and attributes whose result is again a path of the same class.
PATH_RETURNING = frozenset(
    {
        "parent",
        "with_name",
        "with_suffix",
        "with_stem",
        "joinpath",
        "absolute",
        "resolve",
        "expanduser",
        "relative_to",
    }
)
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
REGISTRATIONS = frozenset(
    {"add_api_route", "add_route", "add_api_websocket_route", "add_websocket_route"}
)
# Calls in function bodies worth reading for Depends(...): app factories wire these up.
_WIRING_CALLS = REGISTRATIONS | {"include_router", "add_middleware"}
_ANNOTATED = frozenset({"typing.Annotated", "typing_extensions.Annotated"})
_OPTIONAL = frozenset({"typing.Optional", "typing_extensions.Optional"})
_UNION = frozenset({"typing.Union", "typing_extensions.Union"})
_BUILTIN_NAMES = frozenset(dir(builtins))


@dataclass(frozen=True, slots=True)
class BoundValue:
    """What a name is bound to: an alias of a qualified name, or an instance of a class.

    ``x = httpx.Client()`` and ``x: httpx.Client`` give an instance of ``httpx.Client``;
    ``import requests as rq`` and ``nap = time.sleep`` give aliases. ``alternatives``
    holds the other members of a ``Union``/``Optional`` annotation.
    """

    qualified: str
    is_instance: bool
    alternatives: tuple[str, ...] = ()

    @property
    def known(self) -> bool:
        return bool(self.qualified)

    def instance_types(self) -> tuple[str, ...]:
        if not self.is_instance or not self.known:
            return ()
        return (self.qualified, *self.alternatives)


# A name bound to something the model does not understand (a loop target, a def...).
UNKNOWN = BoundValue("", is_instance=False)
Lookup = Callable[[str], BoundValue | None]


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


@dataclass(slots=True)
class Bindings:
    """Names bound in one scope. A name bound to two different things becomes UNKNOWN."""

    values: dict[str, BoundValue] = field(default_factory=dict)

    def bind(self, name: str, value: BoundValue) -> None:
        previous = self.values.get(name)
        if previous is None or previous == value:
            self.values[name] = value
            return
        # ``try: import ujson as json`` / ``except ImportError: import json``: keep the first.
        if previous.known and value.known and not (previous.is_instance or value.is_instance):
            return
        self.values[name] = UNKNOWN

    def get(self, name: str) -> BoundValue | None:
        return self.values.get(name)


@dataclass(frozen=True, slots=True)
class _Where:
    kind: str
    class_name: str | None = None


_MODULE = _Where("module")
_FUNCTION = _Where("function")


def dotted_name(expr: cst.CSTNode | None) -> str | None:
    """``a.b.c`` for a Name/Attribute chain, None for anything else."""
    parts: list[str] = []
    while isinstance(expr, cst.Attribute):
        parts.append(expr.attr.value)
        expr = expr.value
    if not isinstance(expr, cst.Name):
        return None
    parts.append(expr.value)
    return ".".join(reversed(parts))


def string_value(expr: cst.BaseExpression | None) -> str | None:
    """The text of a plain (non-f, non-bytes) string literal."""
    if not isinstance(expr, cst.SimpleString | cst.ConcatenatedString):
        return None
    value = expr.evaluated_value
    return value if isinstance(value, str) else None


def positional_args(call: cst.Call) -> list[cst.BaseExpression]:
    return [arg.value for arg in call.args if arg.keyword is None and not arg.star]


def keyword_arg(call: cst.Call, name: str) -> cst.BaseExpression | None:
    return next((a.value for a in call.args if a.keyword and a.keyword.value == name), None)


def subscript_args(node: cst.Subscript) -> list[cst.BaseExpression]:
    return [item.slice.value for item in node.slice if isinstance(item.slice, cst.Index)]


def package_of(path: str) -> str | None:
    """The dotted package holding ``path``, read from ``__init__.py`` files on disk."""
    if not os.path.isfile(path):
        return None
    directory = os.path.dirname(os.path.abspath(path))
    parts: list[str] = []
    while os.path.isfile(os.path.join(directory, "__init__.py")):
        parts.append(os.path.basename(directory))
        parent = os.path.dirname(directory)
        if parent == directory:
            break
        directory = parent
    return ".".join(reversed(parts)) or None


def _join(base: str, name: str) -> str:
    if not base or base.endswith("."):
        return base + name
    return f"{base}.{name}"


def _as_name(asname: cst.AsName | None) -> str | None:
    if asname is None or not isinstance(asname.name, cst.Name):
        return None
    return asname.name.value


def assigned_names(target: cst.BaseExpression) -> Iterator[str]:
    """Every name an assignment target binds, through tuple/list unpacking and stars."""
    stack: list[cst.BaseExpression] = [target]
    while stack:
        node = stack.pop()
        if isinstance(node, cst.Name):
            yield node.value
        elif isinstance(node, cst.Tuple | cst.List):
            stack.extend(element.value for element in node.elements)
        elif isinstance(node, cst.StarredElement):
            stack.append(node.value)


def _target_names(
    target: cst.BaseExpression, value: BoundValue
) -> Iterator[tuple[str, BoundValue]]:
    """Names bound by an assignment target; unpacking loses the value's type."""
    if isinstance(target, cst.Name):
        yield target.value, value
        return
    for name in assigned_names(target):
        yield name, UNKNOWN


def child_statements(node: cst.CSTNode) -> Iterator[cst.CSTNode]:
    """Statements and clauses directly inside a compound statement or clause.

    Reads the fields by name: LibCST's generic ``children`` rebuilds a list of every
    child, expressions included, and dominated the cost of building the model.
    """
    if isinstance(node, cst.SimpleStatementLine):
        yield from node.body
        return
    body = getattr(node, "body", None)
    if isinstance(body, cst.BaseSuite):
        yield from body.body
    for name in ("handlers", "cases"):
        yield from getattr(node, name, ())
    for name in ("orelse", "finalbody"):
        clause = getattr(node, name, None)
        if clause is not None:
            yield clause


def _nested(node: cst.CSTNode, where: _Where) -> list[tuple[cst.CSTNode, _Where]]:
    if isinstance(node, cst.FunctionDef):
        where = _FUNCTION
    elif isinstance(node, cst.ClassDef):
        where = _Where("class", node.name.value)
    return [(child, where) for child in child_statements(node)]


def _header_nodes(func: cst.FunctionDef) -> list[cst.CSTNode]:
    """Where a def declares dependencies: ``dependencies=[...]`` and parameter defaults."""
    return [*func.decorators, func.params]


class ModuleModel:
    """Imports, typed module-level names, routers, routes and dependencies of one module."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.package = package_of(path)
        self.module_bindings = Bindings()
        self._nested_imports: dict[str, str] = {}
        self._routers: set[str] = set()
        self._router_classes: set[str] = set()
        self._functions: list[cst.FunctionDef] = []
        self._registrations: list[cst.Call] = []
        self._routes: dict[int, tuple[RouteInfo, ...]] = {}
        self._registered: dict[str, list[RouteInfo]] = {}
        self._dependencies: set[str] = set()
        # Where Depends(...) may hide; read only if the module imports fastapi at all.
        self._dependency_roots: list[cst.CSTNode] = []
        self._function_bindings: dict[int, Bindings] = {}

    @classmethod
    def build(cls, module: cst.Module, path: str) -> ModuleModel:
        model = cls(path)
        model._scan(module)
        model._find_routes()
        if model._imports_fastapi():
            for root in model._dependency_roots:
                model._find_dependencies(root)
        return model

    # -- names ---------------------------------------------------------------------

    def qualified_name(self, expr: cst.BaseExpression) -> str | None:
        """``rq.get`` -> ``requests.get`` after ``import requests as rq``; None if unknown."""
        return self.resolve(expr, self.module_bindings.get)

    def resolve(self, expr: cst.BaseExpression, lookup: Lookup) -> str | None:
        """Like ``qualified_name`` but with ``lookup`` answering for the root name first."""
        dotted = dotted_name(expr)
        if dotted is None:
            return None
        root, _, rest = dotted.partition(".")
        base = self._resolve_root(root, lookup)
        if base is None:
            return None
        return f"{base}.{rest}" if rest else base

    def _resolve_root(self, root: str, lookup: Lookup) -> str | None:
        value = lookup(root)
        if value is not None:
            return None if value.is_instance or not value.known else value.qualified
        if root in self._nested_imports:
            return self._nested_imports[root]
        return f"builtins.{root}" if root in _BUILTIN_NAMES else None

    def module_value(self, name: str) -> BoundValue | None:
        """What a module-level name is bound to, None if the module does not bind it."""
        return self.module_bindings.get(name)

    def instance_type(self, expr: cst.BaseExpression, lookup: Lookup) -> str | None:
        """The class of the object ``expr`` evaluates to, when the module makes it obvious."""
        if isinstance(expr, cst.Call):
            return self._call_result_type(expr, lookup)
        if isinstance(expr, cst.NamedExpr):
            return self.instance_type(expr.value, lookup)
        if isinstance(expr, cst.Name):
            value = lookup(expr.value)
            return value.qualified if value is not None and value.instance_types() else None
        return self._derived_path_type(expr, lookup)

    def _derived_path_type(self, expr: cst.BaseExpression, lookup: Lookup) -> str | None:
        """``base / "name"`` and ``base.parent`` are paths when ``base`` is one."""
        if isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, cst.Divide):
            base = expr.left
        elif isinstance(expr, cst.Attribute) and expr.attr.value == "parent":
            base = expr.value
        else:
            return None
        owner = self.instance_type(base, lookup)
        return owner if owner in PATHLIB_CLASSES else None

    def _call_result_type(self, call: cst.Call, lookup: Lookup) -> str | None:
        callee = self.resolve(call.func, lookup)
        if callee is not None:
            return callee
        func = call.func
        if not isinstance(func, cst.Attribute):
            return None
        owner = self.instance_type(func.value, lookup)
        if owner not in PATHLIB_CLASSES:
            return None
        if func.attr.value == "open":
            return "builtins.open"
        return owner if func.attr.value in PATH_RETURNING else None

    def annotation_value(self, annotation: cst.BaseExpression, lookup: Lookup) -> BoundValue:
        """The instance an annotation promises: ``Optional[httpx.Client]`` -> httpx.Client."""
        members = [m for m in self._annotation_members(annotation, lookup) if m != "builtins.None"]
        if not members:
            return UNKNOWN
        return BoundValue(members[0], is_instance=True, alternatives=tuple(members[1:]))

    def _annotation_members(self, annotation: cst.BaseExpression, lookup: Lookup) -> list[str]:
        found: list[str] = []
        stack = [annotation]
        while stack:
            node = stack.pop()
            if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.BitOr):
                stack.extend((node.right, node.left))
            elif isinstance(node, cst.Subscript):
                stack.extend(reversed(self._subscript_members(node, lookup, found)))
            elif (qualified := self.resolve(node, lookup)) is not None:
                found.append(qualified)
        return found

    def _subscript_members(
        self, node: cst.Subscript, lookup: Lookup, found: list[str]
    ) -> list[cst.BaseExpression]:
        """The annotation members to look into; a generic like ``list[X]`` is itself a member."""
        qualified = self.resolve(node.value, lookup)
        args = subscript_args(node)
        if qualified in _UNION:
            return args
        if qualified in _ANNOTATED or qualified in _OPTIONAL:
            return args[:1]
        if qualified is not None:
            found.append(qualified)
        return []

    def value_of(self, expr: cst.BaseExpression, lookup: Lookup) -> BoundValue:
        """What ``name = expr`` binds ``name`` to."""
        if isinstance(expr, cst.Name):
            value = lookup(expr.value)
            if value is not None:
                return value
        instance = self.instance_type(expr, lookup)
        if instance is not None:
            return BoundValue(instance, is_instance=True)
        qualified = self.resolve(expr, lookup)
        return BoundValue(qualified, is_instance=False) if qualified else UNKNOWN

    # -- bindings ------------------------------------------------------------------

    def statement_bindings(
        self, node: cst.CSTNode, lookup: Lookup
    ) -> Iterator[tuple[str, BoundValue]]:
        """Names a statement (or clause) binds in its own scope, with what they are bound to."""
        binder = _BINDERS.get(type(node))
        if binder is not None:
            yield from binder(self, node, lookup)

    def _import_bindings(
        self, node: cst.CSTNode, lookup: Lookup
    ) -> Iterator[tuple[str, BoundValue]]:
        assert isinstance(node, cst.Import)
        for alias in node.names:
            full = dotted_name(alias.name) or ""
            local = _as_name(alias.asname)
            if local is not None:
                yield local, BoundValue(full, is_instance=False)
            else:
                root = full.partition(".")[0]
                yield root, BoundValue(root, is_instance=False)

    def _from_import_bindings(
        self, node: cst.CSTNode, lookup: Lookup
    ) -> Iterator[tuple[str, BoundValue]]:
        assert isinstance(node, cst.ImportFrom)
        if isinstance(node.names, cst.ImportStar):
            return
        base = self._import_base(node)
        for alias in node.names:
            name = dotted_name(alias.name) or ""
            local = _as_name(alias.asname) or name
            yield local, BoundValue(_join(base, name), is_instance=False)

    def _import_base(self, node: cst.ImportFrom) -> str:
        """The absolute module of a from-import, or its relative spelling when unknown."""
        module = dotted_name(node.module) or ""
        level = len(node.relative)
        if level == 0:
            return module
        parts = self.package.split(".") if self.package else []
        keep = len(parts) - (level - 1)
        if not parts or keep <= 0:
            return "." * level + module
        return _join(".".join(parts[:keep]), module)

    def _assign_bindings(
        self, node: cst.CSTNode, lookup: Lookup
    ) -> Iterator[tuple[str, BoundValue]]:
        assert isinstance(node, cst.Assign)
        # ``x = None`` placeholders and optional-import fallbacks must not hide the real value.
        if isinstance(node.value, cst.Name) and node.value.value == "None":
            return
        value = self.value_of(node.value, lookup)
        for target in node.targets:
            yield from _target_names(target.target, value)

    def _ann_assign_bindings(
        self, node: cst.CSTNode, lookup: Lookup
    ) -> Iterator[tuple[str, BoundValue]]:
        assert isinstance(node, cst.AnnAssign)
        value = self.annotation_value(node.annotation.annotation, lookup)
        if not value.known and node.value is not None:
            value = self.value_of(node.value, lookup)
        yield from _target_names(node.target, value)

    def _with_bindings(self, node: cst.CSTNode, lookup: Lookup) -> Iterator[tuple[str, BoundValue]]:
        assert isinstance(node, cst.With)
        for item in node.items:
            if item.asname is not None:
                value = self.value_of(item.item, lookup)
                yield from _target_names(item.asname.name, value)

    def _unknown_bindings(
        self, node: cst.CSTNode, lookup: Lookup
    ) -> Iterator[tuple[str, BoundValue]]:
        """Definitions, loop targets and the like: bound, but to nothing the model tracks."""
        if isinstance(node, cst.FunctionDef | cst.ClassDef):
            yield node.name.value, UNKNOWN
        elif isinstance(node, cst.AugAssign | cst.For):
            yield from _target_names(node.target, UNKNOWN)
        elif isinstance(node, cst.ExceptHandler | cst.ExceptStarHandler):
            name = _as_name(node.name)
            if name is not None:
                yield name, UNKNOWN

    def function_bindings(self, func: cst.FunctionDef) -> Bindings:
        """Parameters and names assigned in ``func`` itself (not in nested defs), cached."""
        cached = self._function_bindings.get(id(func))
        if cached is not None:
            return cached
        bindings = Bindings()

        def lookup(name: str) -> BoundValue | None:
            return bindings.get(name) or self.module_bindings.get(name)

        self.bind_parameters(func.params, bindings, lookup)
        shared = self.bind_body(func, bindings, lookup)
        for name in shared:
            bindings.values.pop(name, None)
        self._function_bindings[id(func)] = bindings
        return bindings

    def bind_parameters(self, params: cst.Parameters, bindings: Bindings, lookup: Lookup) -> None:
        every = [*params.posonly_params, *params.params, *params.kwonly_params]
        for extra in (params.star_arg, params.star_kwarg):
            if isinstance(extra, cst.Param):
                every.append(extra)
        for param in every:
            annotation = param.annotation
            value = (
                UNKNOWN
                if annotation is None
                else self.annotation_value(annotation.annotation, lookup)
            )
            bindings.bind(param.name.value, value)

    def bind_body(self, func: cst.FunctionDef, bindings: Bindings, lookup: Lookup) -> set[str]:
        """Bind the body's names; return those declared ``global``/``nonlocal``."""
        shared: set[str] = set()
        stack = list(reversed(list(child_statements(func))))
        while stack:
            node = stack.pop()
            for name, value in self.statement_bindings(node, lookup):
                bindings.bind(name, value)
            if isinstance(node, cst.Global | cst.Nonlocal):
                shared.update(item.name.value for item in node.names)
            if not isinstance(node, cst.FunctionDef | cst.ClassDef):
                stack.extend(reversed(list(child_statements(node))))
        return shared

    # -- scanning ------------------------------------------------------------------

    def _scan(self, module: cst.Module) -> None:
        stack: list[tuple[cst.CSTNode, _Where]] = [(s, _MODULE) for s in reversed(module.body)]
        while stack:
            node, where = stack.pop()
            self._scan_statement(node, where)
            stack.extend(reversed(_nested(node, where)))

    def _scan_statement(self, node: cst.CSTNode, where: _Where) -> None:
        if where is _MODULE:
            for name, value in self.statement_bindings(node, self.module_bindings.get):
                self.module_bindings.bind(name, value)
        elif isinstance(node, cst.Import | cst.ImportFrom):
            self._record_nested_import(node)
        if isinstance(node, cst.Assign | cst.AnnAssign):
            self._record_router(node, where)
        if isinstance(node, cst.FunctionDef):
            self._functions.append(node)
            self._dependency_roots.extend(_header_nodes(node))
            self._record_router_parameters(node)
        elif isinstance(node, cst.ClassDef):
            self._record_router_class(node)
        elif isinstance(node, cst.BaseSmallStatement):
            self._scan_small_statement(node, where)

    def _record_nested_import(self, node: cst.Import | cst.ImportFrom) -> None:
        for name, value in self.statement_bindings(node, self.module_bindings.get):
            self._nested_imports.setdefault(name, value.qualified)

    def _scan_small_statement(self, node: cst.BaseSmallStatement, where: _Where) -> None:
        wiring = _wiring_call(node)
        if wiring is not None and wiring[1] in REGISTRATIONS:
            self._registrations.append(wiring[0])
        if where is not _FUNCTION and not isinstance(node, cst.Import | cst.ImportFrom):
            self._dependency_roots.append(node)
        elif wiring is not None:
            self._dependency_roots.append(wiring[0])

    def _is_router_constructor(self, func: cst.BaseExpression) -> bool:
        if self.qualified_name(func) in ROUTER_CLASSES:
            return True
        return dotted_name(func) in self._router_classes

    def router_kind(self, func: cst.BaseExpression) -> str | None:
        """``"app"`` when calling ``func`` makes a FastAPI app, ``"router"`` for a router."""
        if not self._is_router_constructor(func):
            return None
        return "app" if self.qualified_name(func) in APP_CLASSES else "router"

    def _is_router_annotation(self, annotation: cst.BaseExpression) -> bool:
        """``FastAPI``, ``APIRouter``, ``Optional[APIRouter]``, a router subclass of the module."""
        value = self.annotation_value(annotation, self.module_bindings.get)
        types = value.instance_types() or (dotted_name(annotation) or "",)
        return any(t in ROUTER_CLASSES or t in self._router_classes for t in types)

    def _record_router_parameters(self, func: cst.FunctionDef) -> None:
        """``def setup(app: FastAPI)``: routes may be declared on a parameter, as ruff sees."""
        params = func.params
        for param in (*params.posonly_params, *params.params, *params.kwonly_params):
            if param.annotation and self._is_router_annotation(param.annotation.annotation):
                self._routers.add(param.name.value)

    def _record_router(self, node: cst.Assign | cst.AnnAssign, where: _Where) -> None:
        value = node.value
        if isinstance(value, cst.Call) and self._is_router_constructor(value.func):
            if where is _FUNCTION:
                self._dependency_roots.append(value)
        elif not (
            isinstance(node, cst.AnnAssign)
            and self._is_router_annotation(node.annotation.annotation)
        ):
            # ``router: APIRouter = make_router()``: the annotation says what it is.
            return
        targets = (
            [t.target for t in node.targets] if isinstance(node, cst.Assign) else [node.target]
        )
        for target in targets:
            dotted = dotted_name(target)
            if dotted is not None:
                self._routers.update(_spellings(dotted, where))

    def _record_router_class(self, node: cst.ClassDef) -> None:
        """``class VersionedRouter(APIRouter)``: its instances are routers too."""
        if any(self._is_router_constructor(base.value) for base in node.bases):
            self._router_classes.add(node.name.value)

    # -- routes --------------------------------------------------------------------

    def _find_routes(self) -> None:
        for func in self._functions:
            routes = [self._decorator_route(decorator) for decorator in func.decorators]
            found = tuple(route for route in routes if route is not None)
            if found:
                self._routes[id(func)] = found
        for call in self._registrations:
            self._record_registration(call)

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
            self._registered.setdefault(name.rpartition(".")[2], []).append(route)

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

    @property
    def routers(self) -> frozenset[str]:
        """Spellings of router objects, e.g. ``app``, ``router``, ``self.router``."""
        return frozenset(self._routers)

    # -- dependencies --------------------------------------------------------------

    def _imports_fastapi(self) -> bool:
        imported = [*self._nested_imports.values()]
        imported += [v.qualified for v in self.module_bindings.values.values() if v.known]
        return any(name.partition(".")[0] == "fastapi" for name in imported)

    def _is_marker(self, node: cst.CSTNode) -> bool:
        return isinstance(node, cst.Call) and self.qualified_name(node.func) in DEPENDENCY_MARKERS

    def _find_dependencies(self, root: cst.CSTNode) -> None:
        stack = [root]
        while stack:
            node = stack.pop()
            target = self._dependency_of(node)
            if target is not None:
                self._dependencies.add(target)
            stack.extend(node.children)

    def _dependency_of(self, node: cst.CSTNode) -> str | None:
        """The dependency a node declares: ``Depends(f)``, or the class of a bare ``Depends()``."""
        if isinstance(node, cst.Call):
            return _dependency_argument(node) if self._is_marker(node) else None
        if isinstance(node, cst.Param) and node.annotation and self._is_bare_marker(node.default):
            return dotted_name(node.annotation.annotation)
        if isinstance(node, cst.Subscript) and self.qualified_name(node.value) in _ANNOTATED:
            args = subscript_args(node)
            if any(self._is_bare_marker(arg) for arg in args[1:]):
                return dotted_name(args[0])
        return None

    def _is_bare_marker(self, node: cst.CSTNode | None) -> bool:
        if node is None or not self._is_marker(node):
            return False
        assert isinstance(node, cst.Call)
        return _dependency_argument(node) is None

    @property
    def dependencies(self) -> frozenset[str]:
        """What ``Depends(...)``/``Security(...)`` name, as written (``deps.get_db``)."""
        return frozenset(self._dependencies)

    def is_dependency(self, func: cst.FunctionDef) -> bool:
        """True if some ``Depends(...)`` names ``func`` (matched on its last name segment)."""
        name = func.name.value
        return any(dep == name or dep.endswith("." + name) for dep in self._dependencies)


def _dependency_argument(call: cst.Call) -> str | None:
    args = positional_args(call)
    target = keyword_arg(call, "dependency") or (args[0] if args else None)
    return dotted_name(target)


def _wiring_call(node: cst.BaseSmallStatement) -> tuple[cst.Call, str] | None:
    """``app.include_router(...)`` / ``app.add_api_route(...)`` written as a statement."""
    if not isinstance(node, cst.Expr) or not isinstance(node.value, cst.Call):
        return None
    func = node.value.func
    if isinstance(func, cst.Attribute) and func.attr.value in _WIRING_CALLS:
        return node.value, func.attr.value
    return None


def _spellings(dotted: str, where: _Where) -> set[str]:
    """How code may refer to a router bound as ``dotted`` in ``where``."""
    if where.class_name is None or "." in dotted:
        return {dotted}
    return {dotted, f"{where.class_name}.{dotted}", f"self.{dotted}", f"cls.{dotted}"}


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


_Binder = Callable[[ModuleModel, cst.CSTNode, Lookup], Iterator[tuple[str, BoundValue]]]
_BINDERS: Mapping[type[cst.CSTNode], _Binder] = {
    cst.Import: ModuleModel._import_bindings,
    cst.ImportFrom: ModuleModel._from_import_bindings,
    cst.Assign: ModuleModel._assign_bindings,
    cst.AnnAssign: ModuleModel._ann_assign_bindings,
    cst.With: ModuleModel._with_bindings,
    cst.FunctionDef: ModuleModel._unknown_bindings,
    cst.ClassDef: ModuleModel._unknown_bindings,
    cst.AugAssign: ModuleModel._unknown_bindings,
    cst.For: ModuleModel._unknown_bindings,
    cst.ExceptHandler: ModuleModel._unknown_bindings,
    cst.ExceptStarHandler: ModuleModel._unknown_bindings,
}

__all__: Sequence[str] = (
    "APP_CLASSES",
    "DEPENDENCY_MARKERS",
    "PATHLIB_CLASSES",
    "ROUTER_CLASSES",
    "UNKNOWN",
    "Bindings",
    "BoundValue",
    "ModuleModel",
    "RouteInfo",
    "dotted_name",
    "keyword_arg",
    "positional_args",
    "string_value",
)
