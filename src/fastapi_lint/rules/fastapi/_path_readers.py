"""Which path parameters a route reads: its handler, its same-file dependencies (FAPI502).

Names are read by the handler's parameters (``Path(alias=...)`` honoured) and by what it
depends on in the same file: ``Depends(f)``, ``Annotated`` aliases, a class's
``__init__`` or fields, a callable instance's ``__call__``, a router's
``dependencies=[...]``. Security schemes and Starlette objects read no path; a
dependency this file cannot see into may read any name.

One piece: each kind of dependency is read by a function that calls back into the
others (a class's fields may be ``Depends`` of functions, and so on).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import dataclass, field

import libcst as cst

from fastapi_lint.analysis.aliased_names import module_statements
from fastapi_lint.fastapi_model.dependencies import DEPENDENCY_MARKERS
from fastapi_lint.fastapi_model.module import ModuleModel
from fastapi_lint.fastapi_model.syntax import (
    assigned_names,
    dotted_name,
    keyword_arg,
    positional_args,
    string_value,
    subscript_args,
)
from fastapi_lint.rules.fastapi._route_paths import words

_ANNOTATED = frozenset({"typing.Annotated", "typing_extensions.Annotated"})
_FASTAPI_MODULES = ("fastapi", "fastapi.params", "fastapi.param_functions")
_PATH_MARKERS = frozenset(f"{module}.Path" for module in _FASTAPI_MODULES)
# Classes whose instances (or signatures) read headers, cookies or forms, never the path.
_PATH_BLIND = ("fastapi.security.", "fastapi.Request", "starlette.")
# Bases that add nothing to a class's signature beyond its own fields.
_MODEL_BASES = frozenset(
    {"pydantic.BaseModel", "pydantic.main.BaseModel", "sqlmodel.SQLModel", "sqlmodel.main.SQLModel"}
)
_PLAIN_BASES = frozenset({"builtins.object", "abc.ABC", "typing.Generic"})
# Modules whose names are types, never an ``Annotated`` alias of the project.
_LIBRARIES = frozenset(sys.stdlib_module_names) | {
    "builtins",
    "typing_extensions",
    "fastapi",
    "starlette",
    "pydantic",
    "sqlalchemy",
    "sqlmodel",
}


# Where a handler or dependency receives the request from: ``request: Request``.
_REQUEST_TYPES = frozenset({"Request", "HTTPConnection"})
_REQUEST_NAMES = frozenset({"request", "req"})


@dataclass(slots=True)
class RequestReads:
    """``request.path_params["x"]``/``.get("x")`` read ``x``; anything else may read any."""

    names: set[str] = field(default_factory=set)
    # The request (or its ``path_params``) is handed on, kept or iterated: any name may be read.
    open: bool = False


class _RequestUses(cst.CSTVisitor):
    """How a function body uses the names holding the request."""

    def __init__(self, names: frozenset[str], found: RequestReads) -> None:
        self.names = names
        self.found = found
        self._read: set[int] = set()  # ``request`` nodes read as ``request.attribute``
        self._path_params: set[int] = set()  # ``request.path_params`` nodes read by key

    def visit_Subscript(self, node: cst.Subscript) -> None:
        key = self._key(node.value, subscript_args(node)[:1])
        if key is not None:
            self.found.names.add(key)

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value == "get":
            key = self._key(func.value, positional_args(node)[:1])
            if key is not None:
                self.found.names.add(key)

    def _key(self, owner: cst.BaseExpression, args: list[cst.BaseExpression]) -> str | None:
        """``x`` of ``request.path_params["x"]``, marking the attribute as read by key."""
        if not self._is_path_params(owner):
            return None
        key = string_value(args[0]) if args else None
        if key is not None:
            self._path_params.add(id(owner))
        return key

    def _is_path_params(self, node: cst.BaseExpression) -> bool:
        return (
            isinstance(node, cst.Attribute)
            and node.attr.value == "path_params"
            and isinstance(node.value, cst.Name)
            and node.value.value in self.names
        )

    def visit_Attribute(self, node: cst.Attribute) -> None:
        self._read.add(id(node.attr))  # ``self.request`` is an attribute, not the name
        if isinstance(node.value, cst.Name) and node.value.value in self.names:
            self._read.add(id(node.value))
        if self._is_path_params(node) and id(node) not in self._path_params:
            self.found.open = True  # ``dict(request.path_params)``, ``**request.path_params``

    def visit_Name(self, node: cst.Name) -> None:
        if node.value in self.names and id(node) not in self._read:
            self.found.open = True  # handed on: ``TemplateResponse(request, ...)``

    def visit_Arg(self, node: cst.Arg) -> None:
        if node.keyword is not None:
            self._read.add(id(node.keyword))  # ``f(request=...)`` names a parameter

    def visit_Param(self, node: cst.Param) -> bool:
        return False  # a nested function's parameter of the same name is another value


# A ``dependencies=`` argument as written (None when absent).
ListedDeps = cst.BaseExpression | None


@dataclass(slots=True)
class ModuleIndex:
    """Module-level definitions by name: what ``Depends(name)`` may point at."""

    functions: dict[str, list[cst.FunctionDef]] = field(default_factory=dict)
    classes: dict[str, list[cst.ClassDef]] = field(default_factory=dict)
    values: dict[str, list[cst.BaseExpression]] = field(default_factory=dict)

    def defines(self, name: str) -> bool:
        return name in self.functions or name in self.classes or name in self.values

    def value(self, name: str) -> cst.BaseExpression | None:
        """What ``name`` is assigned, when it is assigned exactly once."""
        found = self.values.get(name, [])
        return found[0] if len(found) == 1 else None


def module_index(module: cst.Module) -> ModuleIndex:
    """Built once per file (``FileContext.shared``)."""
    index = ModuleIndex()
    for node in module_statements(module):
        if isinstance(node, cst.FunctionDef):
            index.functions.setdefault(node.name.value, []).append(node)
        elif isinstance(node, cst.ClassDef):
            index.classes.setdefault(node.name.value, []).append(node)
        else:
            for name, value in _assignments(node):
                index.values.setdefault(name, []).append(value)
    return index


def _assignments(node: cst.CSTNode) -> Iterator[tuple[str, cst.BaseExpression]]:
    if isinstance(node, cst.Assign):
        for target in node.targets:
            yield from ((name, node.value) for name in assigned_names(target.target))
    elif isinstance(node, cst.AnnAssign) and node.value is not None:
        yield from ((name, node.value) for name in assigned_names(node.target))
    elif isinstance(node, cst.TypeAlias):
        yield node.name.value, node.value


@dataclass(slots=True)
class Readers:
    """The path parameter names a route's handler and dependencies read."""

    names: set[str] = field(default_factory=set)
    positional_only: set[str] = field(default_factory=set)
    # Handler parameters typed with a name imported from the project: maybe an
    # ``Annotated[..., Path(alias=...)]`` or ``Depends`` alias this file cannot see.
    opaque: list[str] = field(default_factory=list)
    # Handler parameters declared with ``Path()``: (the name FastAPI reads, the parameter).
    declared: list[tuple[str, cst.Param]] = field(default_factory=list)
    # A dependency this file cannot see into may read any name.
    open: bool = False
    # Functions holding the ``Request``, by the names they hold it under: they may read
    # ``request.path_params`` themselves or hand the request on.
    request_holders: list[tuple[cst.FunctionDef, frozenset[str]]] = field(default_factory=list)
    _through_request: RequestReads | None = None

    def through_request(self) -> RequestReads:
        """What the functions holding the request read from ``path_params`` (walked once)."""
        if self._through_request is None:
            found = RequestReads()
            for func, names in self.request_holders:
                func.body.visit(_RequestUses(names, found))
            self._through_request = found
        return self._through_request

    def excuses(self, name: str) -> bool:
        """An opaque parameter named like ``name`` (``example_id`` for ``{exampleId}``,
        ``item`` for ``{item_id}``) may well read it."""
        wanted = words(name)
        return any(wanted[: len(words(o))] == words(o) for o in self.opaque if words(o))


class PathReaders:
    """Works out which names a route reads from its path, through same-file dependencies."""

    def __init__(self, model: ModuleModel, index: ModuleIndex) -> None:
        self.model = model
        self.index = index
        self._seen: set[int] = set()

    def of_handler(self, func: cst.FunctionDef, dependency_lists: list[ListedDeps]) -> Readers:
        readers = Readers()
        self._seen = {id(func)}
        self._hold_request(func, readers)
        for param in func.params.posonly_params:
            readers.positional_only.add(param.name.value)
        for param in (*func.params.params, *func.params.kwonly_params):
            self._read_param(param, readers, handler=True)
        for listed in dependency_lists:
            self.read_listed(listed, readers)
        return readers

    def read_listed(self, listed: ListedDeps, readers: Readers) -> None:
        """``dependencies=[Depends(a), ...]`` of a route or a router."""
        if listed is None:
            return
        if not isinstance(listed, cst.List | cst.Tuple):
            readers.open = True
            return
        for element in listed.elements:
            marker = self._resolved(element.value)
            if self._marker_kind(marker) != "depends":
                readers.open = True
                continue
            assert isinstance(marker, cst.Call)
            self._read_dependency(marker, None, readers)

    # -- parameters -----------------------------------------------------------------

    def _read_param(self, param: cst.Param, readers: Readers, *, handler: bool) -> None:
        annotation = param.annotation.annotation if param.annotation else None
        kind, metadata = self._unannotated(annotation)
        markers = [self._resolved(m) for m in (param.default, *metadata) if m is not None]
        # The first marker of each kind: ``Depends``, ``Path``, another FastAPI marker.
        by_kind = {self._marker_kind(m): m for m in reversed(markers)}
        dependency = by_kind.get("depends")
        if isinstance(dependency, cst.Call):
            self._read_dependency(dependency, kind, readers)
            return
        name = _read_name(param, by_kind.get("path"))
        readers.names.add(name)
        if not handler:
            return
        if by_kind.get("path") is not None:
            readers.declared.append((name, param))
        elif not markers and self._is_opaque(kind):
            readers.opaque.append(name)

    def _unannotated(
        self, annotation: cst.BaseExpression | None
    ) -> tuple[cst.BaseExpression | None, list[cst.BaseExpression]]:
        """``(T, metadata)`` of ``Annotated[T, ...]``, read through same-file aliases."""
        node = self._resolved(annotation) if isinstance(annotation, cst.Name) else annotation
        if isinstance(node, cst.Subscript) and self.model.qualified_name(node.value) in _ANNOTATED:
            args = subscript_args(node)
            return (args[0] if args else None), args[1:]
        return annotation, []

    def _resolved(self, node: cst.BaseExpression | None) -> cst.BaseExpression | None:
        """A module-level name read as the value it is assigned once (``ItemDep``)."""
        if isinstance(node, cst.Name):
            return self.index.value(node.value) or node
        return node

    def _marker_kind(self, node: cst.BaseExpression | None) -> str | None:
        if not isinstance(node, cst.Call):
            return None
        qualified = self.model.qualified_name(node.func)
        if qualified in DEPENDENCY_MARKERS:
            return "depends"
        if qualified in _PATH_MARKERS:
            return "path"
        return "other" if qualified and qualified.startswith("fastapi.") else None

    def _is_opaque(self, kind: cst.BaseExpression | None) -> bool:
        """Typed with a name imported from the project, which may be an alias."""
        dotted = dotted_name(kind) if kind is not None else None
        if dotted is None:
            return False
        root = dotted.partition(".")[0]
        value = self.model.module_value(root)
        if self.index.defines(root) or value is None or not value.known or value.is_instance:
            return False
        return value.qualified.lstrip(".").partition(".")[0] not in _LIBRARIES

    # -- dependencies -----------------------------------------------------------------

    def _read_dependency(
        self, call: cst.Call, kind: cst.BaseExpression | None, readers: Readers
    ) -> None:
        args = positional_args(call)
        target = keyword_arg(call, "dependency") or (args[0] if args else None) or kind
        if target is None:
            readers.open = True
        elif isinstance(target, cst.Lambda):
            self._read_parameters(target.params, readers, skip_first=False)
        elif isinstance(target, cst.Name) and self.index.defines(target.value):
            self._read_named(target.value, readers)
        elif not self._path_blind(target):
            readers.open = True

    def _read_named(self, name: str, readers: Readers) -> None:
        for func in self.index.functions.get(name, []):
            self._read_function(func, readers, skip_first=False)
        for cls in self.index.classes.get(name, []):
            self._read_class(cls, readers)
        value = self.index.value(name)
        if value is not None and not self._path_blind(value):
            self._read_instance(value, readers)
        elif name in self.index.values and value is None:
            readers.open = True

    def _read_instance(self, value: cst.BaseExpression, readers: Readers) -> None:
        """``checker = Checker(...)`` then ``Depends(checker)``: ``Checker.__call__``."""
        callee = value.func if isinstance(value, cst.Call) else None
        classes = self.index.classes.get(callee.value, []) if isinstance(callee, cst.Name) else []
        methods = [m for cls in classes if (m := _method(cls, "__call__")) is not None]
        if not methods:
            readers.open = True
        for method in methods:
            self._read_function(method, readers, skip_first=True)

    def _path_blind(self, target: cst.BaseExpression) -> bool:
        """A security scheme (``OAuth2PasswordBearer(...)``) or a Starlette object."""
        node = target.func if isinstance(target, cst.Call) else target
        qualified = self.model.qualified_name(node)
        if isinstance(node, cst.Name) and qualified is None:
            value = self.model.module_value(node.value)
            qualified = value.qualified if value is not None and value.is_instance else None
        return qualified is not None and qualified.startswith(_PATH_BLIND)

    def _read_function(self, func: cst.FunctionDef, readers: Readers, *, skip_first: bool) -> None:
        if id(func) in self._seen:
            return
        self._seen.add(id(func))
        self._hold_request(func, readers)
        self._read_parameters(func.params, readers, skip_first=skip_first)

    def _hold_request(self, func: cst.FunctionDef, readers: Readers) -> None:
        """Note ``func`` when a parameter of it receives the ``Request``."""
        params = [*func.params.posonly_params, *func.params.params, *func.params.kwonly_params]
        names = frozenset(p.name.value for p in params if self.is_request(p))
        if names:
            readers.request_holders.append((func, names))

    def is_request(self, param: cst.Param) -> bool:
        """Typed ``Request`` (or ``HTTPConnection``), or an untyped ``request``."""
        if param.annotation is None:
            return param.name.value in _REQUEST_NAMES
        qualified = self.model.qualified_name(param.annotation.annotation) or ""
        return qualified.rpartition(".")[2] in _REQUEST_TYPES

    def _read_parameters(
        self, params: cst.Parameters, readers: Readers, *, skip_first: bool
    ) -> None:
        every = [*params.posonly_params, *params.params, *params.kwonly_params]
        for param in every[1:] if skip_first else every:
            self._read_param(param, readers, handler=False)

    def _read_class(self, cls: cst.ClassDef, readers: Readers) -> None:
        """What ``Depends(Cls)`` reads: ``__init__``'s parameters, or the model's fields."""
        if id(cls) in self._seen:
            return
        self._seen.add(id(cls))
        init = _method(cls, "__init__")
        if init is not None:
            self._read_function(init, readers, skip_first=True)
            return
        if self._has_fields(cls):
            readers.names.update(_field_names(cls))
        for base in cls.bases:
            self._read_base(base, readers)

    def _read_base(self, base: cst.Arg, readers: Readers) -> None:
        if base.keyword is not None:  # ``metaclass=...``
            return
        if isinstance(base.value, cst.Name) and base.value.value in self.index.classes:
            for cls in self.index.classes[base.value.value]:
                self._read_class(cls, readers)
            return
        qualified = self.model.qualified_name(base.value)
        if qualified not in _MODEL_BASES and qualified not in _PLAIN_BASES:
            readers.open = True

    def _has_fields(self, cls: cst.ClassDef) -> bool:
        """A dataclass or a Pydantic/SQLModel model: its fields make its signature."""
        if any(_decorator_name(d).endswith("dataclass") for d in cls.decorators):
            return True
        return any(self.model.qualified_name(b.value) in _MODEL_BASES for b in cls.bases)


def _read_name(param: cst.Param, path: cst.BaseExpression | None) -> str:
    """The name FastAPI reads a parameter by: its ``Path(alias=...)``, else its own."""
    alias = keyword_arg(path, "alias") if isinstance(path, cst.Call) else None
    return string_value(alias) or param.name.value


def _method(cls: cst.ClassDef, name: str) -> cst.FunctionDef | None:
    return next(
        (s for s in cls.body.body if isinstance(s, cst.FunctionDef) and s.name.value == name),
        None,
    )


def _decorator_name(decorator: cst.Decorator) -> str:
    target = decorator.decorator
    return dotted_name(target.func if isinstance(target, cst.Call) else target) or ""


def _field_names(cls: cst.ClassDef) -> Iterator[str]:
    """Annotated class attributes, and the ``alias=`` of their ``Field(...)``."""
    for line in cls.body.body:
        if not isinstance(line, cst.SimpleStatementLine):
            continue
        for statement in line.body:
            if isinstance(statement, cst.AnnAssign) and isinstance(statement.target, cst.Name):
                yield statement.target.value
                value = statement.value
                alias = keyword_arg(value, "alias") if isinstance(value, cst.Call) else None
                if string_value(alias):
                    yield string_value(alias) or ""


@dataclass(frozen=True, slots=True)
class RouterSetup:
    """A router made in this file: its ``prefix=`` (None if not a literal), ``dependencies=``."""

    prefix: str | None
    dependencies: ListedDeps


def router_setups(model: ModuleModel, index: ModuleIndex) -> dict[str, RouterSetup]:
    """``router = APIRouter(prefix=...)`` and ``app = FastAPI(...)``, assigned once each."""
    setups: dict[str, RouterSetup] = {}
    for name, values in index.values.items():
        value = values[0]
        if len(values) != 1 or not isinstance(value, cst.Call):
            continue
        if model.router_kind(value.func) is None:
            continue
        prefix = keyword_arg(value, "prefix")
        text = "" if prefix is None else string_value(prefix)
        setups[name] = RouterSetup(text, keyword_arg(value, "dependencies"))
    return setups
