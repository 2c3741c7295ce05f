"""What a module's names are bound to: imports, assignments and annotations, scope by scope.

``import requests as rq`` makes ``rq.get`` the qualified name ``requests.get``;
``client = httpx.Client()`` or ``client: httpx.Client`` make ``client`` an instance of
``httpx.Client``. Module-level names are bound once when the model is built; a function's
own names (parameters, assignments in its body) on first use, then cached.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import libcst as cst

from fastapi_lint.fastapi_model.syntax import (
    assigned_names,
    child_statements,
    dotted_name,
    package_of,
    subscript_args,
)
from fastapi_lint.project_model.modules import ModuleNamer

if TYPE_CHECKING:
    from fastapi_lint.context.project import ProjectContext

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


def _join(base: str, name: str) -> str:
    if not base or base.endswith("."):
        return base + name
    return f"{base}.{name}"


def _as_name(asname: cst.AsName | None) -> str | None:
    if asname is None or not isinstance(asname.name, cst.Name):
        return None
    return asname.name.value


def _target_names(
    target: cst.BaseExpression, value: BoundValue
) -> Iterator[tuple[str, BoundValue]]:
    """Names bound by an assignment target; unpacking loses the value's type."""
    if isinstance(target, cst.Name):
        yield target.value, value
        return
    for name in assigned_names(target):
        yield name, UNKNOWN


class NameModel:
    """Names bound at module level and in each function of one module.

    With the project's context, the module is named the way the project step names it
    (source roots, namespace packages), so relative imports and the module's own
    definitions get the qualified names the project's router scan knows.
    """

    def __init__(self, path: str, project: ProjectContext | None = None) -> None:
        self.path = path
        self.project = project
        self.module_bindings = Bindings()
        self._nested_imports: dict[str, str] = {}
        self._function_bindings: dict[int, Bindings] = {}

    @cached_property
    def module_name(self) -> str | None:
        """The module's dotted name in its project; None when linted on its own."""
        if self.project is None:
            return None
        namer = ModuleNamer(self.project.root, self.project.source_roots)
        return namer.name(Path(self.path).absolute())

    @cached_property
    def package(self) -> str | None:
        """The package relative imports start from."""
        if self.module_name is None:
            return package_of(self.path)
        if Path(self.path).stem == "__init__":
            return self.module_name
        return self.module_name.rpartition(".")[0] or None

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
            if annotation is not None:
                value = self.annotation_value(annotation.annotation, lookup)
            elif param.default is not None:
                value = self.provided_value(param.default, lookup) or UNKNOWN
            else:
                value = UNKNOWN
            bindings.bind(param.name.value, value)

    def provided_value(self, default: cst.BaseExpression, lookup: Lookup) -> BoundValue | None:
        """What an unannotated parameter's default hands it (``Depends(get_db)``: what
        ``get_db`` provides); None when unknown. The dependency model knows more."""
        return None

    def bind_body(self, func: cst.FunctionDef, bindings: Bindings, lookup: Lookup) -> set[str]:
        """Bind the body's names; return those declared ``global``/``nonlocal``."""
        shared: set[str] = set()
        stack = list(reversed(list(child_statements(func))))
        while stack:
            node = stack.pop()
            for name, value in self.statement_bindings(node, lookup):
                bindings.bind(name, value)
            node_class = type(node)
            if node_class is cst.Global or node_class is cst.Nonlocal:
                shared.update(item.name.value for item in node.names)  # type: ignore[attr-defined]
            elif node_class is not cst.FunctionDef and node_class is not cst.ClassDef:
                stack.extend(reversed(list(child_statements(node))))
        return shared


_Binder = Callable[[NameModel, cst.CSTNode, Lookup], Iterator[tuple[str, BoundValue]]]
_BINDERS: Mapping[type[cst.CSTNode], _Binder] = {
    cst.Import: NameModel._import_bindings,
    cst.ImportFrom: NameModel._from_import_bindings,
    cst.Assign: NameModel._assign_bindings,
    cst.AnnAssign: NameModel._ann_assign_bindings,
    cst.With: NameModel._with_bindings,
    cst.FunctionDef: NameModel._unknown_bindings,
    cst.ClassDef: NameModel._unknown_bindings,
    cst.AugAssign: NameModel._unknown_bindings,
    cst.For: NameModel._unknown_bindings,
    cst.ExceptHandler: NameModel._unknown_bindings,
    cst.ExceptStarHandler: NameModel._unknown_bindings,
}
