"""The whole project: every file's summary, named as a module, and names resolved across them.

Resolution follows Python's own rules as far as the summaries allow: a name is looked
up in the function's own imports, then among the module's definitions, values and
imports; an import leads to another module of the project (absolute, relative, an
``__init__.py`` re-export, a star import) or outside it; attributes lead into modules,
classes (methods, typed attributes, base classes) and instances. Every lookup of a
module-level name is memoised, and one in progress answers None, so import cycles and
self-referencing aliases terminate; the work is linear in names and references.

One piece: the ``Project`` and its name resolution, whose lookups call one another.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from fastapi_lint.project_model.imports import RetriedImports
from fastapi_lint.project_model.modules import module_names
from fastapi_lint.summary.records import (
    ClassSummary,
    FunctionSummary,
    ImportBinding,
    ModuleSummary,
    RouterSummary,
    ValueBinding,
)


@dataclass(frozen=True, slots=True)
class ProjectFile:
    """A summarised file: its path as reported, and on disk (None for standard input)."""

    path: str
    file: Path | None
    summary: ModuleSummary


@dataclass(frozen=True, slots=True)
class ModuleRef:
    name: str


@dataclass(frozen=True, slots=True)
class FunctionRef:
    module: str
    name: str  # "fetch" or "Service.fetch"


@dataclass(frozen=True, slots=True)
class ClassRef:
    module: str
    name: str


@dataclass(frozen=True, slots=True)
class InstanceRef:
    cls: ClassRef


@dataclass(frozen=True, slots=True)
class RouterRef:
    module: str
    scope: str
    name: str


@dataclass(frozen=True, slots=True)
class ExternalRef:
    qualified: str


@dataclass(frozen=True, slots=True)
class DependencyAliasRef:
    """``SessionDep = Annotated[Session, Depends(get_session)]``: ``get_session``, as written."""

    module: str
    target: str


@dataclass(frozen=True, slots=True)
class ConstantRef:
    """A string constant: ``API_PREFIX = "/api/v1"``, or a settings class attribute."""

    value: str


Symbol = (
    ModuleRef
    | FunctionRef
    | ClassRef
    | InstanceRef
    | RouterRef
    | ExternalRef
    | DependencyAliasRef
    | ConstantRef
)
_Definition = (
    FunctionSummary
    | ClassSummary
    | RouterSummary
    | ValueBinding
    | ImportBinding
    | DependencyAliasRef
    | ConstantRef
)


@dataclass(frozen=True, slots=True)
class Module:
    name: str
    path: str
    summary: ModuleSummary
    is_package: bool


class _InProgress:
    """Marks a lookup under way: meeting it again means a cycle."""


_IN_PROGRESS = _InProgress()
_T = TypeVar("_T")


def _definitions(summary: ModuleSummary) -> dict[str, _Definition]:
    """Module-level names; definitions win over values, values over imports."""
    table: dict[str, _Definition] = {b.local: b for b in summary.imports}
    table.pop("*", None)  # star imports are searched when nothing else matches
    aliases = summary.dependency_aliases
    table.update((name, DependencyAliasRef("", target)) for name, target in aliases)
    table.update((value.name, value) for value in summary.values)
    table.update((name, ConstantRef(text)) for name, text in summary.constants)
    table.update((cls.name, cls) for cls in summary.classes)
    # Methods are reached through their class, routers made in functions through it.
    table.update((f.name, f) for f in summary.functions if "." not in f.name)
    table.update((router.name, router) for router in _module_routers(summary))
    return table


def _module_routers(summary: ModuleSummary) -> list[RouterSummary]:
    return [router for router in summary.routers if not router.scope]


def _modules(
    files: Sequence[ProjectFile], root: Path, source_roots: Sequence[Path]
) -> dict[str, Module]:
    names = module_names([f.file for f in files], [f.path for f in files], root, source_roots)
    modules: dict[str, Module] = {}
    for name, entry in zip(names, files, strict=True):
        is_package = (entry.file or Path(entry.path)).stem == "__init__"
        modules[name] = Module(name, entry.path, entry.summary, is_package)
    return modules


def _packages(names: Iterable[str]) -> set[str]:
    """Folders of modules are importable too (namespace packages have no ``__init__``)."""
    return {name.rsplit(".", depth)[0] for name in names for depth in range(1, name.count(".") + 1)}


class Project:
    def __init__(
        self, files: Sequence[ProjectFile], root: Path, source_roots: Sequence[Path] = ()
    ) -> None:
        self.modules = _modules(files, root, source_roots)
        self._by_path = {module.path: module for module in self.modules.values()}
        self._packages = _packages(self.modules)
        regular = (name for name, module in self.modules.items() if module.is_package)
        self._retry = RetriedImports(self.modules, self._packages, regular, (root, *source_roots))
        self._tables: dict[str, dict[str, _Definition]] = {}
        self._functions: dict[FunctionRef, FunctionSummary] = {
            FunctionRef(module.name, function.name): function
            for module in self.modules.values()
            for function in module.summary.functions
        }
        self._memo: dict[tuple[str, str], Symbol | None | _InProgress] = {}
        self._members: dict[tuple[ClassRef, str], Symbol | None] = {}
        self._analyses: dict[Callable[[Project], object], object] = {}
        self._routers_in_functions: dict[str, frozenset[tuple[str, str]]] = {}
        self._callees: dict[tuple[str, str], FunctionRef | None] = {}

    def analysis(self, build: Callable[[Project], _T]) -> _T:
        """``build(self)``, computed once and shared by every rule that asks."""
        if build not in self._analyses:
            self._analyses[build] = build(self)
        return self._analyses[build]  # type: ignore[return-value]  # keyed by its builder

    # -- what there is -----------------------------------------------------------------

    def functions(self) -> Iterator[tuple[Module, FunctionSummary]]:
        for module in self.modules.values():
            for function in module.summary.functions:
                yield module, function

    def function(self, ref: FunctionRef) -> FunctionSummary | None:
        return self._functions.get(ref)

    def module_at(self, path: str) -> Module | None:
        return self._by_path.get(path)

    def _table(self, module: str) -> dict[str, _Definition]:
        table = self._tables.get(module)
        if table is None:
            table = _definitions(self.modules[module].summary)
            self._tables[module] = table
        return table

    # -- resolution --------------------------------------------------------------------

    def resolve(
        self, module: str, dotted: str, scope: FunctionSummary | None = None
    ) -> Symbol | None:
        """What ``dotted``, written in ``module`` (inside function ``scope``), refers to."""
        root, *rest = dotted.split(".")
        found = self._scoped(module, root, scope)
        for part in rest:
            if found is None:
                return None
            found = self.attribute(found, part)
        return found

    def _scoped(self, module: str, name: str, scope: FunctionSummary | None) -> Symbol | None:
        if scope is not None and self._binds(module, scope, name):
            for binding in scope.imports:
                if binding.local == name:
                    return self._imported(module, binding)
            return RouterRef(module, scope.name, name)
        return self.lookup(module, name)

    def _binds(self, module: str, scope: FunctionSummary, name: str) -> bool:
        """Whether a function's own imports or routers bind ``name`` (rare: checked first)."""
        if any(binding.local == name for binding in scope.imports):
            return True
        return (scope.name, name) in self._scoped_routers(module)

    def _scoped_routers(self, module: str) -> frozenset[tuple[str, str]]:
        found = self._routers_in_functions.get(module)
        if found is None:
            routers = self.modules[module].summary.routers
            found = frozenset((r.scope, r.name) for r in routers if r.scope)
            self._routers_in_functions[module] = found
        return found

    def lookup(self, module: str, name: str) -> Symbol | None:
        """A module-level name of a project module, following imports and re-exports."""
        key = (module, name)
        known = self._memo.get(key)
        if isinstance(known, _InProgress):
            return None  # an import cycle
        if key in self._memo:
            return known
        self._memo[key] = _IN_PROGRESS
        found = self._lookup(module, name)
        self._memo[key] = found
        return found

    def _lookup(self, module: str, name: str) -> Symbol | None:
        definition = self._table(module).get(name)
        if definition is None:
            return self._star_imported(module, name)
        if isinstance(definition, FunctionSummary):
            return FunctionRef(module, name)
        if isinstance(definition, ClassSummary):
            return ClassRef(module, name)
        if isinstance(definition, RouterSummary):
            return RouterRef(module, "", name)
        if isinstance(definition, ValueBinding):
            return self._value(module, definition)
        if isinstance(definition, DependencyAliasRef):
            return DependencyAliasRef(module, definition.target)
        if isinstance(definition, ConstantRef):
            return definition
        return self._imported(module, definition)

    def _star_imported(self, module: str, name: str) -> Symbol | None:
        for binding in self.modules[module].summary.imports:
            target = self._absolute(module, binding) if binding.local == "*" else None
            if target in self.modules:
                assert target is not None
                found = self.lookup(target, name)
                if found is not None:
                    return found
        return None

    def _value(self, module: str, value: ValueBinding) -> Symbol | None:
        target = self.resolve(module, value.target)
        if not value.is_instance:
            return target
        # ``Users = UsersTable()``: an instance of the project's class.
        return InstanceRef(target) if isinstance(target, ClassRef) else None

    def _imported(self, module: str, binding: ImportBinding) -> Symbol | None:
        base = self._absolute(module, binding)
        if base is None:
            return None
        if binding.name is None:
            return self._module(base)
        if base in self.modules:
            return self.attribute(ModuleRef(base), binding.name)
        full = f"{base}.{binding.name}"
        known = self._module(full)
        return known if isinstance(known, ModuleRef) or binding.level == 0 else None

    def _module(self, name: str) -> Symbol:
        if name in self.modules or name in self._packages:
            return ModuleRef(name)
        return ExternalRef(name)

    def _absolute(self, module: str, binding: ImportBinding) -> str | None:
        """The absolute module an import names, as seen from ``module``."""
        if binding.level == 0:
            return self._absolute_module(module, binding.module)
        package = module if self.modules[module].is_package else module.rpartition(".")[0]
        parts = package.split(".") if package else []
        if binding.level - 1 > len(parts):
            return None  # beyond the top of the project
        parts = parts[: len(parts) - (binding.level - 1)]
        return ".".join([*parts, binding.module] if binding.module else parts)

    def _absolute_module(self, importer: str, name: str) -> str:
        if name in self.modules or name in self._packages:
            return name
        # A script's sibling (``from utils import x`` beside ``main.py``, run from its folder).
        folder = importer.rpartition(".")[0]
        sibling = f"{folder}.{name}" if folder else name
        if not self.modules[importer].is_package and (
            sibling in self.modules or sibling in self._packages
        ):
            return sibling
        return self._retry.absolute(importer, name) or name

    def attribute(self, owner: Symbol, name: str) -> Symbol | None:
        """``owner.name``."""
        if isinstance(owner, ExternalRef):
            return ExternalRef(f"{owner.qualified}.{name}")
        if isinstance(owner, ModuleRef):
            return self._module_attribute(owner.name, name)
        if isinstance(owner, ClassRef | InstanceRef):
            return self.member(owner if isinstance(owner, ClassRef) else owner.cls, name)
        return None

    def _module_attribute(self, module: str, name: str) -> Symbol | None:
        if module in self.modules:
            found = self.lookup(module, name)
            if found is not None:
                return found
        sub = f"{module}.{name}"
        return ModuleRef(sub) if sub in self.modules or sub in self._packages else None

    def member(self, cls: ClassRef, name: str) -> Symbol | None:
        """A method of ``cls`` or of its bases, or the instance a typed attribute holds."""
        key = (cls, name)
        if key not in self._members:
            self._members[key] = None  # a class deriving from itself finds nothing
            self._members[key] = self._member(cls, name, set())
        return self._members[key]

    def _member(self, cls: ClassRef, name: str, seen: set[ClassRef]) -> Symbol | None:
        seen.add(cls)
        method = FunctionRef(cls.module, f"{cls.name}.{name}")
        if method in self._functions:
            return method
        summary = self._class(cls)
        if summary is None:
            return None
        own = self._own_member(cls, summary, name)
        if own is not None:
            return own
        for base in self.bases(cls):
            if base not in seen:
                found = self._member(base, name, seen)
                if found is not None:
                    return found
        return None

    def _own_member(self, cls: ClassRef, summary: ClassSummary, name: str) -> Symbol | None:
        """A router the class holds (``self.router = APIRouter()`` makes ``Class.router``),
        a string constant, or the instance a typed attribute holds."""
        held = f"{cls.name}.{name}"
        if isinstance(self._table(cls.module).get(held), RouterSummary):
            return RouterRef(cls.module, "", held)
        constant = dict(summary.constants).get(name)
        if constant is not None:
            return ConstantRef(constant)
        kind = dict(summary.attributes).get(name)
        if kind is None:
            return None
        typed = self.resolve(cls.module, kind)
        return InstanceRef(typed) if isinstance(typed, ClassRef) else None

    def _class(self, cls: ClassRef) -> ClassSummary | None:
        module = self.modules.get(cls.module)
        if module is None:
            return None
        return next((c for c in module.summary.classes if c.name == cls.name), None)

    def bases(self, cls: ClassRef) -> list[ClassRef]:
        summary = self._class(cls)
        found = [self.resolve(cls.module, base) for base in summary.bases] if summary else []
        return [base for base in found if isinstance(base, ClassRef)]

    def callee(self, module: str, dotted: str, scope: FunctionSummary) -> FunctionRef | None:
        """The project function a call of ``dotted`` runs: a class runs its ``__init__``."""
        if self._binds(module, scope, dotted.partition(".")[0]):
            return self._callee(module, dotted, scope)
        # Most calls name module-level things: one answer per module and spelling.
        key = (module, dotted)
        if key not in self._callees:
            self._callees[key] = self._callee(module, dotted, None)
        return self._callees[key]

    def _callee(
        self, module: str, dotted: str, scope: FunctionSummary | None
    ) -> FunctionRef | None:
        found = self.resolve(module, dotted, scope)
        if isinstance(found, ClassRef):
            found = self.member(found, "__init__")
        elif isinstance(found, InstanceRef):
            found = self.member(found.cls, "__call__")
        return found if isinstance(found, FunctionRef) else None
