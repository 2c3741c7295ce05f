"""Builds a file's ``ModuleSummary`` during the engine's single walk, dispatched like a rule.

The engine runs the collector only when a project rule is selected or the route table is
asked for, and then keeps ``context.line`` up to date as it walks, so every position the
summary holds costs a counter, not a pass of code generation. Columns are found by
searching the callee's name in its line.

What runs where follows the ``async`` rules (``AsyncBodyRule``): a call belongs to the
def whose own execution evaluates it, so a nested def's or lambda's body is not its
enclosing function's. Blocking calls in plain defs are recognised by the very code of
FAPI101, FAPI103 and FAPI104 (``analysis.blocking_calls``), with the same name lookups.

One piece, over 400 lines: a single visitor whose hooks share the state of the walk
(the function stack, the wiring of routers, the current line); split, each part would
need that same state handed around.

One class on purpose, and the longest module of the package: its hooks share the state of
one walk (the functions, classes and branches being in), which splitting would scatter;
the readings of single nodes it needs live in ``syntax``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from functools import cached_property
from typing import ClassVar

import libcst as cst

from fastapi_lint.analysis.aliased_names import AliasAwareRule, Resolve
from fastapi_lint.analysis.blocking_calls import BLOCKING_API, find_blocking
from fastapi_lint.analysis.pydantic_models.calls import v1_attribute, v1_call
from fastapi_lint.analysis.pydantic_models.deferred import DeferredCalls
from fastapi_lint.analysis.session_calls import session_factory_class
from fastapi_lint.analysis.startup_hooks import (
    is_decorated_hook,
    is_hook_decorator,
    registered_hooks,
)
from fastapi_lint.fastapi_model.module import ModuleModel
from fastapi_lint.fastapi_model.names import Bindings
from fastapi_lint.fastapi_model.routes import RouteInfo
from fastapi_lint.fastapi_model.syntax import dotted_name, keyword_arg, string_value
from fastapi_lint.rule import FileContext
from fastapi_lint.summary import syntax
from fastapi_lint.summary.lazy_init import once_calls
from fastapi_lint.summary.records import (
    FACTORY_MARK,
    BlockingCall,
    Branch,
    CallSite,
    ClassSummary,
    FunctionSummary,
    ImportBinding,
    IncludeSummary,
    ModuleSummary,
    RouterSummary,
    RouteSummary,
    ValueBinding,
)

# Decorators that leave ``f()`` running ``f``'s body right away.
_TRANSPARENT_DECORATORS = frozenset({"staticmethod", "classmethod"})
_RETRYING = frozenset(
    {"tenacity.retry", "retrying.retry", "retry.retry", "retry.api.retry"}
    | {"backoff.on_exception", "backoff.on_predicate"}
)
_WIRING = frozenset({"include_router", "mount"})


@dataclass(slots=True)
class _Function:
    node: cst.FunctionDef
    name: str
    class_name: str | None
    self_name: str | None
    line: int = 0
    generator: bool = False
    calls: list[CallSite] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)
    blocking: list[BlockingCall] = field(default_factory=list)
    imports: list[ImportBinding] = field(default_factory=list)
    imported: set[str] = field(default_factory=set)  # names its own imports bind
    local_types: dict[str, str] | None = None
    once: frozenset[int] | None = None  # calls of a lazy initialisation (``lazy_init``)

    @property
    def is_async(self) -> bool:
        return self.node.asynchronous is not None


def _runs_once(function: _Function, call: cst.Call) -> bool:
    """Whether ``call`` belongs to a lazy initialisation of a global (``lazy_init``)."""
    if function.once is None:
        function.once = once_calls(function.node)
    return id(call) in function.once


@dataclass(slots=True)
class _Class:
    name: str
    bases: tuple[str, ...]
    attributes: dict[str, str] = field(default_factory=dict)
    constants: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class _Wiring:
    """The routers and includes found, and what includes need besides their call: the
    module-level router lists, the loops the walk is in."""

    routers: list[RouterSummary] = field(default_factory=list)
    includes: list[IncludeSummary] = field(default_factory=list)
    # ``ROUTERS = [users.router, items.router]`` at module level.
    router_lists: dict[str, list[str]] = field(default_factory=dict)
    loops: list[cst.For] = field(default_factory=list)


@dataclass(slots=True)
class _Uses:
    """Functions the file hands to the app as start-up hooks, or otherwise as values."""

    startup_hooks: list[tuple[str, str]] = field(default_factory=list)
    references: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Position:
    line: int
    column: int
    end_column: int
    scope: str
    branches: tuple[Branch, ...]
    owner: _Function | None = None  # the def the registration runs in
    class_name: str | None = None  # or the class body it runs in


class SummaryCollector(AliasAwareRule):
    """Not a rule: the project summary's builder, walked with the rules."""

    code: ClassVar[str] = "project-summary"

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self._extensions = frozenset(self.options.extend_blocking_calls)
        self._metadata = self.options.is_strict(BLOCKING_API)
        self._functions: dict[int, _Function] = {}
        self._classes: dict[int, _Class] = {}
        self._class_names: dict[str, _Class] = {}
        self._def_lines: dict[int, int] = {}
        self._header_lines: dict[int, int] = {}
        self._after_decorator = 0
        self._imports: list[ImportBinding] = []
        self._values: list[ValueBinding] = []
        self._constants: dict[str, str] = {}
        self._dependency_aliases: dict[str, str] = {}
        self._wiring = _Wiring()
        self._route_calls: set[int] | None = None
        self._route_positions: dict[int, _Position] = {}
        self._wanted_lines: set[int] = set()
        self._cursors: dict[int, int] = {}
        self._source_lines: list[str] | None = None
        # The ``if`` statements the walk is in: (node, line, branch index).
        self._branches: list[tuple[cst.If, int, int]] = []

    @cached_property
    def _uses(self) -> _Uses:
        """Start-up hooks and functions handed around, for FAPI102's start-up analysis."""
        return _Uses()

    @cached_property
    def _model_calls(self) -> DeferredCalls:
        """FAPI603: Pydantic v1 methods called on models that other modules define."""
        return DeferredCalls(self.context)

    # -- hooks of the async-scope machinery ---------------------------------------------

    def factory_class(self, call: cst.Call, resolve: Resolve) -> str | None:
        # FAPI103 reads ``SessionLocal = sessionmaker(...)`` as a Session class.
        return session_factory_class(call, resolve)

    def bindings_of(self, function: cst.FunctionDef) -> Bindings:
        if not self._names().has_aliases:  # shares the model's cache with the rules
            return self.context.model.function_bindings(function)
        return super().bindings_of(function)

    def _enter_body(self, node: cst.BaseSuite) -> None:
        super()._enter_body(node)
        scopes = self.context.scopes
        owner = scopes[-1] if scopes else None
        if isinstance(owner, cst.FunctionDef | cst.ClassDef) and owner.body is node:
            self._def_lines[id(owner)] = self._header_line(owner)
            tracked = self._functions.get(id(owner))
            if tracked is not None:
                tracked.line = self._def_lines[id(owner)]

    def _header_line(self, node: cst.FunctionDef | cst.ClassDef) -> int:
        # Decorator and blank lines come first; the walk has just counted them.
        if node.decorators:
            return self._after_decorator + len(node.lines_after_decorators)
        return self._header_lines.get(id(node), 1) + len(node.leading_lines)

    # -- definitions --------------------------------------------------------------------

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._header_lines[id(node)] = self.context.line
        scopes = self.context.scopes
        owner = scopes[0] if len(scopes) == 2 else None
        if len(scopes) > 2 or (owner is not None and not isinstance(owner, cst.ClassDef)):
            return  # nested: its body runs only when something calls it
        class_name = owner.name.value if isinstance(owner, cst.ClassDef) else None
        name = f"{class_name}.{node.name.value}" if class_name else node.name.value
        static = any(syntax.decorator_name(d) == "staticmethod" for d in node.decorators)
        self_name = syntax.first_parameter(node) if class_name and not static else None
        self._functions[id(node)] = _Function(node, name, class_name, self_name)
        if is_decorated_hook(node):
            self._uses.startup_hooks.append(("", name))

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self._header_lines[id(node)] = self.context.line
        if len(self.context.scopes) == 1:
            bases = (dotted_name(base.value) for base in node.bases if base.keyword is None)
            owner = _Class(node.name.value, tuple(b for b in bases if b))
            self._classes[id(node)] = owner
            self._class_names.setdefault(owner.name, owner)

    def leave_Decorator(self, node: cst.Decorator) -> None:
        self._after_decorator = self.context.line

    def visit_Yield(self, node: cst.Yield) -> None:
        function = self._tracked(self._running_scope(node))
        if function is not None:
            function.generator = True

    def visit_Import(self, node: cst.Import) -> None:
        self._record_import(node)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        self._record_import(node)

    def _record_import(self, node: cst.Import | cst.ImportFrom) -> None:
        index = self._running_scope(node)
        if index < 0:
            self._imports.extend(syntax.import_bindings(node))
            return
        function = self._tracked(index)
        if function is not None:
            bindings = syntax.import_bindings(node)
            function.imports.extend(bindings)
            function.imported.update(binding.local for binding in bindings)

    def _tracked(self, index: int) -> _Function | None:
        if index < 0:
            return None
        return self._functions.get(id(self.context.scopes[index]))

    # -- assignments: values, routers, attributes, dependency aliases --------------------

    def visit_Assign(self, node: cst.Assign) -> None:
        self._record_assignment(node)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._record_assignment(node)

    def _record_assignment(self, node: cst.Assign | cst.AnnAssign) -> None:
        index = self._running_scope(node)
        if index < 0:
            self._module_assignment(node)
            return
        scope = self.context.scopes[index]
        if id(scope) in self._classes:
            self._class_attribute(self._classes[id(scope)], node)
        function = self._tracked(index)
        if function is not None:
            self._function_assignment(function, node)

    def _module_assignment(self, node: cst.Assign | cst.AnnAssign) -> None:
        names, value = syntax.assignment(node)
        if value is None and isinstance(node, cst.AnnAssign):
            annotated = syntax.type_text(node.annotation.annotation)
            self._values.extend(ValueBinding(name, annotated, True) for name in names if annotated)
            return
        if isinstance(value, cst.Call) and self._record_router(names, value, ""):
            return
        listed = syntax.listed_routers(value)
        text = string_value(value)
        for name in names:
            if text is not None:
                self._constants[name] = text
            if listed:
                self._wiring.router_lists[name] = listed
            self._bind_module_value(name, value)

    def _bind_module_value(self, name: str, value: cst.BaseExpression | None) -> None:
        if isinstance(value, cst.Call):
            callee = dotted_name(value.func)
            if callee:
                self._values.append(ValueBinding(name, callee, True))
        elif isinstance(value, cst.Name | cst.Attribute):
            self._values.append(ValueBinding(name, dotted_name(value) or "", False))
        elif value is not None:
            target = syntax.annotated_dependency(self.context.model, value)
            if target:
                self._dependency_aliases[name] = target

    def visit_TypeAlias(self, node: cst.TypeAlias) -> None:
        if not self.context.scopes:
            self._bind_module_value(node.name.value, node.value)

    def _record_router(self, names: list[str], call: cst.Call, scope: str) -> bool:
        model = self.context.model
        kind = model.router_kind(call.func)
        if kind is None:
            return False
        prefix = syntax.prefix_text(self.context.module, keyword_arg(call, "prefix"))
        dependencies = tuple(syntax.listed_dependencies(model, keyword_arg(call, "dependencies")))
        line = self.context.line
        factory, arguments = "", tuple[tuple[str, str], ...]()
        if model.made_by_factory(call.func):
            # ``app = create_app(router=users)``: the app the factory makes, its routers.
            factory, arguments = dotted_name(call.func) or "", syntax.name_arguments(call)
        self._wiring.routers.extend(
            RouterSummary(
                name, scope, line, kind == "app", prefix, dependencies, factory, arguments
            )
            for name in names
        )
        return True

    def _class_attribute(self, owner: _Class, node: cst.Assign | cst.AnnAssign) -> None:
        names, value = syntax.assignment(node)
        if isinstance(value, cst.Call):
            # ``router = APIRouter()`` in a class body: ``Server.router``, ``self.router``.
            self._record_router([f"{owner.name}.{name}" for name in names], value, "")
        text = string_value(value)
        if text is not None:
            owner.constants.update((name, text) for name in names)
        kind = (
            syntax.type_text(node.annotation.annotation)
            if isinstance(node, cst.AnnAssign)
            else None
        )
        if kind is None and isinstance(value, cst.Call):
            kind = dotted_name(value.func)
        for name in names:
            if kind:
                owner.attributes.setdefault(name, kind)

    def _function_assignment(self, function: _Function, node: cst.Assign | cst.AnnAssign) -> None:
        names, value = syntax.assignment(node)
        if isinstance(value, cst.Call) and self._function_router(function, names, node, value):
            return
        owner = self._class_names.get(function.class_name or "")
        if owner is None or function.self_name is None:
            return
        for attribute, kind in self._self_attributes(function, node):
            owner.attributes.setdefault(attribute, kind)

    def _function_router(
        self,
        function: _Function,
        names: list[str],
        node: cst.Assign | cst.AnnAssign,
        call: cst.Call,
    ) -> bool:
        """A router made in a def; ``self.app = FastAPI()`` in a method is the class's
        ``app``, recorded at module level as ``Server.app``."""
        targets = syntax.attribute_targets(node)
        owned = [self._owned(function, t) for t in targets if self._owned(function, t) != t]
        if owned and self._record_router(owned, call, ""):
            return True
        return self._record_router(names, call, function.name)

    def _self_attributes(
        self, function: _Function, node: cst.Assign | cst.AnnAssign
    ) -> list[tuple[str, str]]:
        """``self.repo = Repo()`` / ``self.repo = repo`` (a typed parameter) in a method."""
        targets = (
            [t.target for t in node.targets] if isinstance(node, cst.Assign) else [node.target]
        )
        value = node.value
        kind = dotted_name(value.func) if isinstance(value, cst.Call) else None
        if isinstance(value, cst.Name):
            kind = self._local_types(function).get(value.value)
        if not kind:
            return []
        owner = function.self_name
        return [(t.attr.value, kind) for t in targets if syntax.is_attribute_of(t, owner)]

    def _local_types(self, function: _Function) -> dict[str, str]:
        if function.local_types is None:
            function.local_types = syntax.local_types(function.node)
        return function.local_types

    # -- conditional registrations ----------------------------------------------------

    def visit_If(self, node: cst.If) -> None:
        self._enter_else(node)  # an ``elif`` is the else branch of the ``if`` above
        self._branches.append((node, self.context.line, 0))

    def visit_Else(self, node: cst.Else) -> None:
        self._enter_else(node)

    def _enter_else(self, node: cst.CSTNode) -> None:
        if self._branches and self._branches[-1][0].orelse is node:
            owner, line, _ = self._branches[-1]
            self._branches[-1] = (owner, line, 1)

    def leave_If(self, node: cst.If) -> None:
        self._branches.pop()

    def visit_For(self, node: cst.For) -> None:
        self._wiring.loops.append(node)

    def leave_For(self, node: cst.For) -> None:
        self._wiring.loops.pop()

    def _branch_path(self) -> tuple[Branch, ...]:
        return tuple(Branch(line, index) for _, line, index in self._branches)

    # -- calls --------------------------------------------------------------------------

    def visit_Call(self, node: cst.Call) -> None:
        line = self.context.line + (syntax.paren_line_breaks(node) if node.lpar else 0)
        index = self._running_scope(node)
        function = self._tracked(index)
        if id(node) in self._route_call_ids():
            position = self._position(node, line, function)
            if function is None and index >= 0 and id(self.context.scopes[index]) in self._classes:
                # ``@router.get(...)`` on a method: ``router`` of the class body.
                owner = self._classes[id(self.context.scopes[index])].name
                position = dataclasses.replace(position, class_name=owner)
            self._route_positions[id(node)] = position
        elif isinstance(node.func, cst.Attribute) and node.func.attr.value in _WIRING:
            self._record_include(node, line, function)
        if function is not None:
            self._record_call(node, function, index, line)
        else:
            self._refer(node.func, function)  # run where no summary follows it
        self._record_values(node, function)
        self._model_calls.visit(v1_call(node))

    def _record_values(self, node: cst.Call, function: _Function | None) -> None:
        """Functions a call registers as start-up hooks, or is handed as values."""
        hooks = list(registered_hooks(node))
        scope = function.name if function else ""
        for hook in hooks:
            dotted = dotted_name(hook)
            reference = self._reference_to(dotted, function) if dotted else None
            if reference is not None:
                self._uses.startup_hooks.append((scope, reference))
        if hooks:
            return
        for arg in node.args:
            value = arg.value
            elements = value.elements if isinstance(value, cst.List | cst.Tuple) else ()
            for item in (value, *(element.value for element in elements)):
                if isinstance(item, cst.Name | cst.Attribute):
                    self._refer(item, function)

    def _refer(self, expr: cst.BaseExpression, function: _Function | None) -> None:
        dotted = dotted_name(expr)
        reference = self._reference_to(dotted, function) if dotted else None
        if reference is not None:
            self._uses.references.append((function.name if function else "", reference))

    def visit_Attribute(self, node: cst.Attribute) -> None:
        self._model_calls.visit(v1_attribute(node))

    def _route_call_ids(self) -> set[int]:
        if self._route_calls is None:
            model = self.context.model
            calls = [route.call for _, route in model.routes()]
            calls += [route.call for _, route in model.unbound_routes()]
            self._route_calls = {id(call) for call in calls}
        return self._route_calls

    def _position(self, node: cst.Call, line: int, function: _Function | None) -> _Position:
        self._wanted_lines.add(line)
        column, end_column = self._columns(line, dotted_name(node.func) or "")
        scope = function.name if function else ""
        return _Position(line, column, end_column, scope, self._branch_path(), function)

    def _owned(self, function: _Function | None, dotted: str) -> str:
        """``self.router`` in a method of ``Server`` is ``Server.router``; others as written."""
        if function is None or function.self_name is None or function.class_name is None:
            return dotted
        root, _, rest = dotted.partition(".")
        return f"{function.class_name}.{rest}" if root == function.self_name and rest else dotted

    def _registered_on(self, where: _Position, router: str) -> str:
        """The router a registration is on, named as the summary names routers."""
        owned = f"{where.class_name}.{router}"
        if where.class_name and any(known.name == owned for known in self._wiring.routers):
            return owned
        return self._owned(where.owner, router)

    def _record_include(self, node: cst.Call, line: int, function: _Function | None) -> None:
        assert isinstance(node.func, cst.Attribute)
        parent = dotted_name(node.func.value)
        child, prefix_node = syntax.wired_router(node, mount=node.func.attr.value == "mount")
        if parent is None or child is None:
            return
        model, module = self.context.model, self.context.module
        dependencies = tuple(syntax.listed_dependencies(model, keyword_arg(node, "dependencies")))
        prefix = syntax.prefix_text(module, prefix_node)
        scope = function.name if function else ""
        for wired, parameter in self._included(child, function):
            self._wiring.includes.append(
                IncludeSummary(
                    self._owned(function, parent),
                    wired,
                    prefix,
                    line,
                    scope,
                    dependencies,
                    self._branch_path(),
                    parameter,
                )
            )

    def _included(self, child: str, function: _Function | None) -> list[tuple[str, int]]:
        """What an include wires in: the router as written, each router a loop goes over
        (``for router in [a.router, b.router]``), or a parameter of the def it is in."""
        looped = self._looped_routers(child, function)
        if looped is not None:
            return [(name, -2) for name in looped]
        if function is None:
            return [(child, -2)]
        position = syntax.parameter_position(function.node, child)
        if position is not None:
            return [(child, position)]
        made_here = any(r.name == child and r.scope == function.name for r in self._wiring.routers)
        if child in self._local_types(function) and not made_here:
            # ``users = make_users_router()`` then ``app.include_router(users)``.
            return [(self._local_types(function)[child] + FACTORY_MARK, -2)]
        return [(self._owned(function, child), -2)]

    def _looped_routers(self, child: str, function: _Function | None) -> list[str] | None:
        loop = next((f for f in reversed(self._wiring.loops) if syntax.loop_binds(f, child)), None)
        if loop is None:
            return None
        source = syntax.collection_source(loop.iter, function.node if function else None)
        listed = syntax.listed_routers(source)
        if listed or not isinstance(source, cst.Name):
            return listed
        name = source.value
        default = syntax.parameter_default(function.node, name) if function else None
        if isinstance(default, cst.Name):
            name = default.value
        elif default is not None:
            return syntax.listed_routers(default)
        return self._wiring.router_lists.get(name, [])

    def _record_call(self, node: cst.Call, function: _Function, index: int, line: int) -> None:
        if _runs_once(function, node):
            return  # on the first call only: not followed, not a blocking call per call
        if not function.is_async:
            found = find_blocking(
                self.context.model,
                node,
                self._lookup(index),
                self._extensions,
                metadata=self._metadata,
            )
            if found is not None:
                blocking = BlockingCall(found.code, found.shown, found.advice, line, found.stall)
                function.blocking.append(blocking)
                return
        dotted = dotted_name(node.func)
        callee = self._reference_to(dotted, function) if dotted else None
        # A plain def is followed, never reported in: its first call of each callee will do.
        if callee is None or (not function.is_async and callee in function.seen):
            return
        function.seen.add(callee)
        column, end_column = self._columns(line, dotted or "")
        awaited = self.is_awaited(node)
        function.calls.append(CallSite(callee, line, column, end_column, awaited))
        if function.is_async:
            self._wanted_lines.add(line)

    def _reference_to(self, dotted: str, function: _Function | None) -> str | None:
        """``dotted`` as the project step can resolve it, or None if it is not the project's."""
        if function is not None:
            return self._function_reference(dotted, function)
        return dotted if self._may_be_the_projects(dotted.partition(".")[0]) else None

    def _function_reference(self, dotted: str, function: _Function) -> str | None:
        """``dotted`` written in ``function``, where its locals and imports come first."""
        root, _, rest = dotted.partition(".")
        if root in function.imported:
            return dotted
        if root == function.self_name and function.class_name:
            return f"{function.class_name}.{rest}" if rest else None
        if self.bindings_of(function.node).get(root) is not None:
            kind = self._local_types(function).get(root)
            return f"{kind}.{rest}" if kind and rest else None
        return dotted if self._may_be_the_projects(root) else None

    def _may_be_the_projects(self, name: str) -> bool:
        """Not a builtin, an undefined name or something of the standard library."""
        value = self.context.model.module_value(name)
        if value is None:
            return False
        return not (value.known and not value.is_instance and syntax.is_stdlib(value.qualified))

    def _columns(self, line: int, callee: str) -> tuple[int, int]:
        """1-based columns of ``callee`` on ``line``, searched left to right as calls come."""
        text = self._line_text(line)
        found = syntax.callee_columns(text, callee, self._cursors.get(line, 0)) if callee else None
        if found is None:
            start = len(text) - len(text.lstrip())
            return start + 1, len(text.rstrip()) + 1
        self._cursors[line] = found[0] + 1
        return found[0] + 1, found[1] + 1

    def _line_text(self, line: int) -> str:
        if self._source_lines is None:
            self._source_lines = self.context.source.splitlines()
        lines = self._source_lines
        return lines[line - 1] if 0 < line <= len(lines) else ""

    # -- the summary --------------------------------------------------------------------

    def module_summary(self) -> ModuleSummary:
        model_calls = self._model_calls.sites()
        self._wanted_lines.update(call.line for call in model_calls)
        return ModuleSummary(
            imports=tuple(self._imports),
            functions=self._function_summaries(),
            classes=tuple(
                ClassSummary(
                    c.name, c.bases, tuple(c.attributes.items()), tuple(c.constants.items())
                )
                for c in self._classes.values()
            ),
            values=tuple(self._values),
            constants=tuple(self._constants.items()),
            routers=tuple(self._wiring.routers),
            routes=self._route_summaries(),
            includes=tuple(self._wiring.includes),
            dependency_aliases=tuple(self._dependency_aliases.items()),
            lines=tuple((line, self._line_text(line)) for line in sorted(self._wanted_lines)),
            model_calls=model_calls,
            startup_hooks=tuple(self._uses.startup_hooks),
            references=tuple(dict.fromkeys(self._uses.references)),
        )

    def _function_summaries(self) -> tuple[FunctionSummary, ...]:
        model = self.context.model
        counts: dict[str, int] = {}
        for function in self._functions.values():
            counts[function.name] = counts.get(function.name, 0) + 1
        return tuple(
            FunctionSummary(
                name=function.name,
                line=function.line,
                is_async=function.is_async,
                # Two defs of one name: which one runs is not known statically.
                followable=_runs_when_called(function, model) and counts[function.name] == 1,
                is_route=model.is_route(function.node),
                is_dependency=model.is_dependency(function.node),
                calls=tuple(function.calls),
                blocking=tuple(function.blocking),
                imports=tuple(function.imports),
                decorated=_decorated(function.node, model),
            )
            for function in self._functions.values()
        )

    def _route_summaries(self) -> tuple[RouteSummary, ...]:
        aliases = self._dependency_aliases
        model = self.context.model
        found = [self._route(func, route, aliases) for func, route in model.routes()]
        found += [self._unbound_route(handler, route) for handler, route in model.unbound_routes()]
        return tuple(found)

    def _unbound_route(self, handler: str, route: RouteInfo) -> RouteSummary:
        """A registration of a handler this file does not define: the project step finds it."""
        where = self._route_positions.get(id(route.call), _Position(0, 1, 1, "", ()))
        owner = where.owner
        root, _, rest = handler.partition(".")
        local = self._local_types(owner).get(root) if owner is not None else None
        reference = f"{local}.{rest}" if local and rest else self._owned(owner, handler)
        model = self.context.model
        return RouteSummary(
            router=self._registered_on(where, route.router),
            scope=where.scope,
            methods=("WEBSOCKET",) if route.is_websocket else route.http_methods,
            path=route.path,
            handler=handler,
            handler_line=where.line,
            line=where.line,
            column=where.column,
            end_column=where.end_column,
            is_async=False,
            response_model=self._keyword_text(route, "response_model"),
            dependencies=tuple(syntax.listed_dependencies(model, route.keyword("dependencies"))),
            branches=where.branches,
            handler_ref=reference,
            status_code=self._status_code(route),
        )

    def _keyword_text(self, route: RouteInfo, name: str) -> str | None:
        value = route.keyword(name)
        return None if value is None else syntax.one_line(self.context.module, value)

    def _route(
        self, func: cst.FunctionDef, route: RouteInfo, aliases: dict[str, str]
    ) -> RouteSummary:
        handler_line = self._def_lines.get(id(func), 0)
        unseen = _Position(handler_line, 1, 1, "", ())
        where = self._route_positions.get(id(route.call), unseen)
        response, returns = self._response(func, route)
        return RouteSummary(
            router=self._registered_on(where, route.router),
            scope=where.scope,
            methods=("WEBSOCKET",) if route.is_websocket else route.http_methods,
            path=route.path,
            handler=func.name.value,
            handler_line=handler_line,
            line=where.line,
            column=where.column,
            end_column=where.end_column,
            is_async=func.asynchronous is not None,
            response_model=response,
            return_annotation=returns,
            dependencies=self._route_dependencies(func, route, aliases),
            branches=where.branches,
            status_code=self._status_code(route),
        )

    def _route_dependencies(
        self, func: cst.FunctionDef, route: RouteInfo, aliases: dict[str, str]
    ) -> tuple[str, ...]:
        """``dependencies=[...]`` of the registration, then what the parameters depend on."""
        model = self.context.model
        listed = syntax.listed_dependencies(model, route.keyword("dependencies"))
        return (*listed, *syntax.parameter_dependencies(model, func, aliases))

    def _response(self, func: cst.FunctionDef, route: RouteInfo) -> tuple[str | None, str | None]:
        """The ``response_model=`` and the return annotation, as written."""
        module = self.context.module
        model = route.keyword("response_model")
        returns = func.returns.annotation if func.returns else None
        return (
            None if model is None else syntax.one_line(module, model),
            None if returns is None else syntax.one_line(module, returns),
        )

    def _status_code(self, route: RouteInfo) -> str | None:
        """``status_code=`` as written (``201``, ``status.HTTP_201_CREATED``), for the review."""
        written = route.keyword("status_code")
        return None if written is None else syntax.one_line(self.context.module, written)


def _runs_when_called(function: _Function, model: ModuleModel) -> bool:
    if function.is_async or function.generator:
        return False
    # A decorator may change what calling the def does (``@contextmanager``, ``@lru_cache``).
    return all(_transparent(d, model) for d in function.node.decorators)


def _decorated(node: cst.FunctionDef, model: ModuleModel) -> bool:
    """Held by something else than the class or the app's start-up: a decorator says so."""
    return any(not _transparent(d, model) and not is_hook_decorator(d) for d in node.decorators)


def _transparent(decorator: cst.Decorator, model: ModuleModel) -> bool:
    """A decorator after which calling the def still runs its body there and then: the
    class's own (``staticmethod``), or a retry (``tenacity.retry``), which runs it again
    on failure, each run as blocking as the first."""
    if syntax.decorator_name(decorator) in _TRANSPARENT_DECORATORS:
        return True
    target = decorator.decorator
    called = target.func if isinstance(target, cst.Call) else target
    return model.qualified_name(called) in _RETRYING
