"""The project's route table: every route with the full path FastAPI will serve it at.

Routers are the ``FastAPI()``/``APIRouter()`` objects the summaries record; edges are
``include_router(child, prefix=...)`` and ``mount(path, app)`` calls, resolved through the
project's names. Starting from every app (and from every router no include reaches),
the table walks the edges depth first, joining ``APIRouter(prefix=...)`` and include
prefixes the way FastAPI does (plain concatenation). A router included twice appears
twice; a cycle of includes is walked once.

Within one root, entries come in registration order as far as the code shows it: a
router's own routes and its includes, sorted by file and line of where they are written.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from fastapi_lint.project_model.project import (
    ConstantRef,
    DependencyAliasRef,
    FunctionRef,
    Module,
    Project,
    RouterRef,
    Symbol,
)
from fastapi_lint.summary.records import (
    ALIAS_MARK,
    FACTORY_MARK,
    IncludeSummary,
    RouterSummary,
    RouteSummary,
)

UNKNOWN_PATH = "<?>"
_DOTTED = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*")
# The scope of a router the summaries never saw created (``get_app().include_router``).
_UNSEEN = "?"


@dataclass(frozen=True, slots=True)
class RootInfo:
    """What a group of routes hangs from: an app, or a router that is never included."""

    name: str
    path: str
    line: int
    is_app: bool


@dataclass(frozen=True, slots=True)
class RouteEntry:
    methods: tuple[str, ...]
    path: str
    handler: str
    file: str
    line: int  # the handler's def
    is_async: bool
    response_model: str | None
    return_annotation: str | None
    dependencies: tuple[str, ...]
    root: RootInfo
    route: RouteSummary  # the registration, where FAPI504/FAPI510 report
    # The ``if`` branches the registration and the includes leading to it sit in.
    branches: frozenset[tuple[str, int, int]] = frozenset()

    def excludes(self, other: RouteEntry) -> bool:
        """True when the two are registered in different branches of one ``if``."""
        mine = {(path, line): index for path, line, index in self.branches}
        return any(mine.get((path, line), index) != index for path, line, index in other.branches)

    @property
    def included(self) -> bool:
        return self.root.is_app

    @property
    def note(self) -> str | None:
        if self.included:
            return None
        root = self.root
        return f"router `{root.name}` ({root.path}:{root.line}) is never included in an app"


@dataclass(frozen=True, slots=True)
class _Include:
    summary: IncludeSummary
    module: Module
    child: RouterRef


@dataclass(frozen=True, slots=True)
class _Item:
    """A route or an include of one router, in the order they are written."""

    where: tuple[str, int]
    module: Module
    route: RouteSummary | None = None
    include: _Include | None = None


@dataclass(slots=True)
class _Node:
    key: RouterRef
    module: Module
    summary: RouterSummary
    items: list[_Item] = field(default_factory=list)
    included: bool = False


@dataclass(frozen=True, slots=True)
class _Trail:
    """Where a walk down the includes is: the prefix so far and inherited dependencies."""

    prefix: str
    dependencies: tuple[str, ...]
    seen: frozenset[RouterRef]
    branches: frozenset[tuple[str, int, int]] = frozenset()


def _branches(path: str, summary: IncludeSummary | RouteSummary) -> frozenset[tuple[str, int, int]]:
    return frozenset((path, branch.line, branch.index) for branch in summary.branches)


@dataclass(frozen=True, slots=True)
class _Handler:
    name: str
    path: str
    line: int
    is_async: bool


@dataclass(frozen=True, slots=True)
class _FactoryCall:
    """``app = create_app(router=users)``: where the call is, and the app the factory makes."""

    module: Module
    summary: RouterSummary
    made: RouterRef


class RouteTable:
    """The routers of a project and what each includes.

    A router a project factory makes (``app = create_app()``) is the router made inside
    the factory, when it makes exactly one of its kind: the routes registered on either
    name are the one app's, and a router the factory includes from a parameter
    (``app.include_router(router)``) is the one each call passes.
    """

    def __init__(self, project: Project) -> None:
        self.project = project
        self._nodes: dict[RouterRef, _Node] = {}
        self._aliases: dict[RouterRef, RouterRef] = {}
        self._received: dict[tuple[str, str], list[tuple[Module, IncludeSummary]]] = {}
        for module in project.modules.values():
            for router in module.summary.routers:
                key = RouterRef(module.name, router.scope, router.name)
                prefix = self._prefix(module, router.prefix, router.scope)
                known = dataclasses.replace(router, prefix=prefix)
                self._nodes.setdefault(key, _Node(key, module, known))
        calls = self._factory_calls()
        for module in project.modules.values():
            self._attach(module)
        for call in calls:
            self._bind_received(call)

    def _factory_calls(self) -> list[_FactoryCall]:
        """Routers made by a project factory, each made one with the router made inside."""
        calls: list[_FactoryCall] = []
        for key, node in list(self._nodes.items()):
            made = self._made_by(node) if node.summary.factory else None
            if made is not None and made != key:
                self._aliases[key] = made
                calls.append(_FactoryCall(node.module, node.summary, made))
        for key in self._aliases:
            del self._nodes[key]
        return calls

    def _made_by(self, node: _Node) -> RouterRef | None:
        router = node.summary
        found = self._resolve(node.module, router.factory, router.scope)
        if not isinstance(found, FunctionRef):
            return None
        made = [
            key
            for key, other in self._nodes.items()
            if (key.module, key.scope) == (found.module, found.name)
            and other.summary.is_app == router.is_app
            and not other.summary.factory  # made by yet another factory: not its own
        ]
        return made[0] if len(made) == 1 else None

    def _known(self, found: Symbol | None) -> RouterRef | None:
        """The node a resolved name is, through the factories that made it."""
        if not isinstance(found, RouterRef):
            return None
        seen = {found}
        while found in self._aliases:
            found = self._aliases[found]
            if found in seen:
                return None
            seen.add(found)
        return found if found in self._nodes else None

    def _resolve(self, module: Module, written: str, scope: str) -> Symbol | None:
        function = self.project.function(FunctionRef(module.name, scope)) if scope else None
        return self.project.resolve(module.name, written, function)

    def _router(self, module: Module, written: str, scope: str, line: int) -> RouterRef:
        found = self._known(self._resolve(module, written, scope))
        if found is not None:
            return found
        key = RouterRef(module.name, _UNSEEN + scope, written)
        if key not in self._nodes:
            summary = RouterSummary(written, scope, line, is_app=False, prefix="")
            self._nodes[key] = _Node(key, module, summary)
        return key

    def _prefix(self, module: Module, written: str, scope: str) -> str:
        """A prefix, with ``<settings.API_PREFIX>`` replaced by the constant it names."""
        inner = written[1:-1] if written.startswith("<") and written.endswith(">") else ""
        if not _DOTTED.fullmatch(inner):
            return written
        found = self._resolve(module, inner, scope)
        return found.value if isinstance(found, ConstantRef) else written

    def _attach(self, module: Module) -> None:
        for route in module.summary.routes:
            key = self._router(module, route.router, route.scope, route.line)
            self._nodes[key].items.append(_Item((module.path, route.line), module, route=route))
        for include in module.summary.includes:
            if include.parameter > -2:  # wired in by each call of the factory
                self._received.setdefault((module.name, include.scope), []).append(
                    (module, include)
                )
                continue
            child = self._child(module, include)
            if child is not None:
                self._wire(module, include, child)

    def _wire(self, module: Module, include: IncludeSummary, child: RouterRef) -> None:
        parent = self._nodes[self._router(module, include.parent, include.scope, include.line)]
        if parent.key.scope.startswith(_UNSEEN):  # an app made where we cannot see
            old = parent.summary
            parent.summary = RouterSummary(old.name, old.scope, old.line, True, "")
        where = (module.path, include.line)
        prefix = self._prefix(module, include.prefix, include.scope)
        wired = dataclasses.replace(include, prefix=prefix)
        parent.items.append(_Item(where, module, include=_Include(wired, module, child)))
        self._nodes[child].included = True

    def _bind_received(self, call: _FactoryCall) -> None:
        """``create_app(router=users)``: the factory's ``include_router(router)`` is users."""
        arguments = dict(call.summary.arguments)
        for module, include in self._received.get((call.made.module, call.made.scope), []):
            written = arguments.get(include.child) or arguments.get(str(include.parameter))
            if written is None:
                continue
            child = self._known(self._resolve(call.module, written, call.summary.scope))
            if child is not None:
                self._wire(module, include, child)

    def _child(self, module: Module, include: IncludeSummary) -> RouterRef | None:
        """The router an include wires in; a factory's when it makes exactly one."""
        written = include.child.removesuffix(FACTORY_MARK)
        found = self._resolve(module, written, include.scope)
        if written != include.child and isinstance(found, FunctionRef):
            made = [
                key for key in self._nodes if (key.module, key.scope) == (found.module, found.name)
            ]
            found = made[0] if len(made) == 1 else None
        return self._known(found)

    def entries(self) -> list[RouteEntry]:
        """Every route under every root: apps first, then routers never included."""
        nodes = list(self._nodes.values())
        roots = [node for node in nodes if node.summary.is_app]
        roots += [node for node in nodes if not node.summary.is_app and not node.included]
        found: list[RouteEntry] = []
        for node in roots:
            summary = node.summary
            root = RootInfo(summary.name, node.module.path, summary.line, summary.is_app)
            found.extend(self._walk(node, _Trail("", (), frozenset()), root))
        return found

    def _walk(self, node: _Node, trail: _Trail, root: RootInfo) -> Iterator[RouteEntry]:
        prefix = trail.prefix + node.summary.prefix
        dependencies = trail.dependencies + node.summary.dependencies
        seen = trail.seen | {node.key}
        for item in sorted(node.items, key=lambda item: item.where):
            if item.route is not None:
                entry = self._entry(item.route, item.module, prefix, dependencies, root)
                branches = trail.branches | _branches(item.module.path, item.route)
                yield dataclasses.replace(entry, branches=branches)
            elif item.include is not None and item.include.child not in seen:
                wired = item.include.summary
                branches = trail.branches | _branches(item.module.path, wired)
                below = _Trail(
                    prefix + wired.prefix, dependencies + wired.dependencies, seen, branches
                )
                yield from self._walk(self._nodes[item.include.child], below, root)

    def _entry(
        self,
        route: RouteSummary,
        module: Module,
        prefix: str,
        inherited: tuple[str, ...],
        root: RootInfo,
    ) -> RouteEntry:
        handler = self._handler(route, module)
        return RouteEntry(
            methods=route.methods,
            path=prefix + (route.path if route.path is not None else UNKNOWN_PATH),
            handler=handler.name if handler else route.handler,
            file=handler.path if handler else module.path,
            line=handler.line if handler else route.handler_line,
            is_async=handler.is_async if handler else route.is_async,
            response_model=route.response_model,
            return_annotation=route.return_annotation,
            dependencies=self._dependencies(module, inherited + route.dependencies),
            root=root,
            route=route,
        )

    def _handler(self, route: RouteSummary, module: Module) -> _Handler | None:
        """The def of a handler registered in another module than its own."""
        if not route.handler_ref:
            return None
        found = self._resolve(module, route.handler_ref, route.scope)
        function = self.project.function(found) if isinstance(found, FunctionRef) else None
        if function is None or not isinstance(found, FunctionRef):
            return None
        path = self.project.modules[found.module].path
        return _Handler(found.name.rpartition(".")[2], path, function.line, function.is_async)

    def _dependencies(self, module: Module, written: tuple[str, ...]) -> tuple[str, ...]:
        found: list[str] = []
        for dependency in written:
            name: str | None = dependency
            if dependency.startswith(ALIAS_MARK):
                alias = self.project.resolve(module.name, dependency[len(ALIAS_MARK) :])
                name = alias.target if isinstance(alias, DependencyAliasRef) else None
            if name and name not in found:
                found.append(name)
        return tuple(found)


_PARAMETER = re.compile(r"\{(?P<name>[^{}:]+)(?::(?P<converter>[^{}]+))?\}")


def route_table(project: Project) -> list[RouteEntry]:
    """The project's routes (computed once per project, shared by the rules that ask)."""
    return RouteTable(project).entries()


def by_root(entries: list[RouteEntry]) -> list[list[RouteEntry]]:
    """Routes grouped by the app (or lone router) serving them, registration order kept."""
    groups: dict[RootInfo, list[RouteEntry]] = {}
    for entry in entries:
        groups.setdefault(entry.root, []).append(entry)
    return list(groups.values())


def parameter(segment: str) -> tuple[str, str | None] | None:
    """``("user_id", None)`` for ``{user_id}``, ``("p", "path")`` for ``{p:path}``."""
    match = _PARAMETER.fullmatch(segment)
    if match is None:
        return None
    return match.group("name").strip(), match.group("converter")


def matching_shape(path: str) -> str:
    """The path as the router matches it: parameter names do not matter, converters do."""

    def shape(match: re.Match[str]) -> str:
        converter = match.group("converter")
        return "{:" + converter + "}" if converter else "{}"

    return _PARAMETER.sub(shape, path)
