"""What ``Depends(...)`` and ``Security(...)`` name in a module: its dependencies."""

from __future__ import annotations

from typing import TYPE_CHECKING

import libcst as cst

from fastapi_lint.fastapi_model.names import BoundValue, Lookup, NameModel
from fastapi_lint.fastapi_model.syntax import (
    dotted_name,
    keyword_arg,
    positional_args,
    subscript_args,
)
from fastapi_lint.tree import TOKEN_CLASSES, children

if TYPE_CHECKING:
    from fastapi_lint.context.project import ProjectContext

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
_ANNOTATED = frozenset({"typing.Annotated", "typing_extensions.Annotated"})


# What a provider annotated ``-> Generator[T, ...]`` hands its dependants: T.
_YIELDING = frozenset(
    f"{module}.{name}"
    for module in ("typing", "collections.abc")
    for name in ("Generator", "Iterator", "AsyncGenerator", "AsyncIterator")
)


class DependencyModel(NameModel):
    """The dependencies a module declares, found where ``Depends(...)`` may hide."""

    def __init__(self, path: str, project: ProjectContext | None = None) -> None:
        super().__init__(path, project)
        self._dependencies: set[str] = set()
        # Where Depends(...) may hide; read only if the module imports fastapi at all.
        self._dependency_roots: list[cst.CSTNode] = []
        # Module-level defs, by name: ``Depends(name)`` providers, and what calls return.
        self._module_defs: dict[str, cst.FunctionDef] = {}

    def provided_value(self, default: cst.BaseExpression, lookup: Lookup) -> BoundValue | None:
        """``db=Depends(get_db)``: what ``get_db``, a def of this module, is annotated to
        return, or to yield (``Generator[Session, None, None]``)."""
        provider = self._provider(default)
        if provider is None or provider.returns is None:
            return None
        value = self.annotation_value(
            self._provided(provider.returns.annotation), self.module_bindings.get
        )
        return value if value.known else None

    def instance_type(self, expr: cst.BaseExpression, lookup: Lookup) -> str | None:
        """As the name model has it, and also what a def of this module is annotated to
        return: ``path = upload_dir()`` with ``def upload_dir() -> Path``, or
        ``user = await load_user()`` with ``async def load_user() -> User``."""
        awaited = isinstance(expr, cst.Await)
        call = expr.expression if isinstance(expr, cst.Await) else expr
        if isinstance(call, cst.Call) and isinstance(call.func, cst.Name):
            returned = self._returned_type(call.func, lookup, awaited=awaited)
            if returned is not None:
                return returned
        return None if awaited else super().instance_type(expr, lookup)

    def _returned_type(self, func: cst.Name, lookup: Lookup, *, awaited: bool) -> str | None:
        """The annotated result of calling the module-level def ``func`` names (the value
        an ``async def`` gives only when awaited), unless a local name hides it."""
        definition = self._module_defs.get(func.value)
        if definition is None or definition.returns is None:
            return None
        if awaited != (definition.asynchronous is not None):
            return None
        local = lookup(func.value)
        if local is not None and local.known:
            return None  # rebound in the function or at module level: not the def
        value = self.annotation_value(definition.returns.annotation, self.module_bindings.get)
        return value.qualified if value.instance_types() else None

    def _provider(self, default: cst.BaseExpression) -> cst.FunctionDef | None:
        if not isinstance(default, cst.Call) or not self._is_marker(default):
            return None
        args = positional_args(default)
        target = keyword_arg(default, "dependency") or (args[0] if args else None)
        return self._module_defs.get(target.value) if isinstance(target, cst.Name) else None

    def _provided(self, returned: cst.BaseExpression) -> cst.BaseExpression:
        """``T`` of ``Generator[T, ...]`` (a generator dependency yields its value), else
        the annotation itself."""
        if not isinstance(returned, cst.Subscript):
            return returned
        yielding = self.resolve(returned.value, self.module_bindings.get) in _YIELDING
        return subscript_args(returned)[0] if yielding else returned

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
            if type(node) in TOKEN_CLASSES:
                continue  # whitespace and punctuation: no dependency in there
            target = self._dependency_of(node)
            if target is not None:
                self._dependencies.add(target)
            stack.extend(children(node))

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
