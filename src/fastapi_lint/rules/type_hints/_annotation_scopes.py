"""Which ``def`` statements ruff's flake8-annotations rules check, and how.

FAPI201/FAPI202 promise the same findings as ruff's ANN001-003 and ANN201-206 with
default settings, so this module mirrors the parts of ruff that decide them:

* a method (a ``def`` whose innermost enclosing definition is a class) does not need an
  annotation on its first parameter unless it is a ``@staticmethod``;
* the implementation that follows ``@overload`` variants is skipped. "Follows" is
  in ruff's definition order: module and class bodies first, in source order, then the
  bodies of the functions found there, round after round (ruff defers function bodies);
* decorators are resolved as ruff resolves them: at the point where ruff visits them
  (bindings so far in the def's own scope, final bindings of enclosing function scopes),
  falling back to the module's final bindings for names unbound at that point.
"""

from __future__ import annotations

import builtins
import functools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import libcst as cst

from fastapi_lint.fastapi_model.syntax import all_params, assigned_names
from fastapi_lint.rule import Rule
from fastapi_lint.tree import children

OVERLOAD = frozenset({"typing.overload", "typing_extensions.overload"})
STATICMETHOD = "builtins.staticmethod"
_BUILTIN_NAMES = frozenset(dir(builtins))
_CLAUSES = (
    cst.Else,
    cst.Finally,
    cst.ExceptHandler,
    cst.ExceptStarHandler,
    cst.MatchCase,
    cst.If,
)


@dataclass(frozen=True, slots=True)
class DefInfo:
    """How ruff's annotation rules treat one ``def``."""

    checked: bool  # False for an overload implementation, which ruff skips entirely
    is_method: bool
    is_staticmethod: bool

    @property
    def skips_first_parameter(self) -> bool:
        """``self``/``cls`` needs no annotation (ruff stopped reporting ANN101/ANN102)."""
        return self.is_method and not self.is_staticmethod


def _is_wraps(decorator: cst.BaseExpression) -> bool:
    """``@functools.wraps(func)``: the closure is a decorator's wrapper."""
    called = decorator.func if isinstance(decorator, cst.Call) else decorator
    name = called.attr.value if isinstance(called, cst.Attribute) else None
    return name == "wraps" or (isinstance(called, cst.Name) and called.value == "wraps")


@dataclass(slots=True)
class _Scope:
    kind: str  # "module", "class" or "function"
    parent: _Scope | None = None
    # name -> qualified name for imports, None for any other binding; the last one wins.
    bindings: dict[str, str | None] = field(default_factory=dict)

    def lookup(self, name: str) -> tuple[bool, str | None]:
        """Python's lookup: class scopes are only seen from code directly in them."""
        scope: _Scope | None = self
        while scope is not None:
            if (scope is self or scope.kind != "class") and name in scope.bindings:
                return True, scope.bindings[name]
            scope = scope.parent
        return False, None


# What a decorator resolved to when ruff visited it; _UNRESOLVED defers to the end state.
_UNRESOLVED = "<unresolved>"


@dataclass(slots=True)
class _Def:
    node: cst.FunctionDef
    is_method: bool
    decorators: list[tuple[cst.BaseExpression, str | None]]


@dataclass(slots=True)
class _Traversal:
    module_scope: _Scope = field(default_factory=lambda: _Scope("module"))
    order: list[_Def | None] = field(default_factory=list)  # None stands for a class
    deferred: list[tuple[cst.FunctionDef, _Scope]] = field(default_factory=list)
    builtins_imported: bool = False

    def run(self, module: cst.Module) -> None:
        self.walk(module.body, self.module_scope)
        while self.deferred:
            batch, self.deferred = self.deferred, []
            for func, scope in batch:
                self.walk(func.body.body, scope)

    def walk(self, statements: Sequence[cst.CSTNode], scope: _Scope) -> None:
        """Source order without recursion; a class binds its name after its body, as ruff."""
        stack: list[tuple[cst.CSTNode | str, _Scope]] = [(s, scope) for s in reversed(statements)]
        while stack:
            node, where = stack.pop()
            if isinstance(node, str):
                where.bindings[node] = None
            elif isinstance(node, cst.FunctionDef):
                self.visit_def(node, where)
            elif isinstance(node, cst.ClassDef):
                self.order.append(None)
                stack.append((node.name.value, where))
                inner = _Scope("class", where)
                stack.extend((child, inner) for child in reversed(node.body.body))
            else:
                self.bind_all(_statement_bindings(node), where)
                stack.extend((child, where) for child in reversed(list(_child_statements(node))))

    def visit_def(self, node: cst.FunctionDef, scope: _Scope) -> None:
        """Resolve the decorators now, bind the name, and leave the body for a later round."""
        decorators = [(d.decorator, _resolve(d.decorator, scope)) for d in node.decorators]
        self.order.append(_Def(node, scope.kind == "class", decorators))
        scope.bindings[node.name.value] = None
        inner = _Scope("function", scope)
        for param in all_params(node.params):
            inner.bindings[param.name.value] = None
        self.deferred.append((node, inner))

    def bind_all(self, bindings: Iterator[tuple[str, str | None]], scope: _Scope) -> None:
        for name, qualified in bindings:
            if qualified is not None and qualified.partition(".")[0] == "builtins":
                self.builtins_imported = True
            scope.bindings[name] = qualified


def _resolve(expr: cst.BaseExpression, scope: _Scope) -> str | None:
    """The decorator's qualified name as ruff records it while visiting the def."""
    dotted = _decorator_name(expr)
    if dotted is None:
        return None
    root, _, rest = dotted.partition(".")
    found, qualified = scope.lookup(root)
    if not found:
        return f"builtins.{dotted}" if root in _BUILTIN_NAMES else _UNRESOLVED
    if qualified is None:
        return None
    return f"{qualified}.{rest}" if rest else qualified


def _decorator_name(expr: cst.CSTNode | None) -> str | None:
    if isinstance(expr, cst.Call):
        expr = expr.func
    parts: list[str] = []
    while isinstance(expr, cst.Attribute):
        parts.append(expr.attr.value)
        expr = expr.value
    if not isinstance(expr, cst.Name):
        return None
    parts.append(expr.value)
    return ".".join(reversed(parts))


def _child_statements(node: cst.CSTNode) -> Iterator[cst.CSTNode]:
    """Statements and clauses directly inside a compound statement or clause."""
    if isinstance(node, cst.SimpleStatementLine | cst.BaseSmallStatement):
        return
    for child in children(node):
        if isinstance(child, cst.BaseSuite):
            yield from child.body
        elif isinstance(child, _CLAUSES):
            yield child


def _statement_bindings(node: cst.CSTNode) -> Iterator[tuple[str, str | None]]:
    """Names a statement or clause binds before its nested statements run."""
    if isinstance(node, cst.BaseSmallStatement):
        # ``if x: import typing`` puts small statements straight into the suite.
        yield from _small_bindings(node)
    elif isinstance(node, cst.SimpleStatementLine):
        for small in node.body:
            yield from _small_bindings(small)
    elif isinstance(node, cst.For):
        yield from _target_names(node.target)
    elif isinstance(node, cst.With):
        for item in node.items:
            if item.asname is not None:
                yield from _target_names(item.asname.name)
    elif isinstance(node, cst.ExceptHandler | cst.ExceptStarHandler) and node.name is not None:
        yield from _target_names(node.name.name)


def _small_bindings(node: cst.BaseSmallStatement) -> Iterator[tuple[str, str | None]]:
    if isinstance(node, cst.Import):
        yield from _import_bindings(node)
    elif isinstance(node, cst.ImportFrom):
        yield from _from_import_bindings(node)
    elif isinstance(node, cst.Assign):
        for target in node.targets:
            yield from _target_names(target.target)
    elif isinstance(node, cst.AugAssign) or (
        # An annotation without a value binds nothing ruff would resolve a name to.
        isinstance(node, cst.AnnAssign) and node.value is not None
    ):
        yield from _target_names(node.target)


def _import_bindings(node: cst.Import) -> Iterator[tuple[str, str | None]]:
    for alias in node.names:
        full = _decorator_name(alias.name) or ""
        local = _as_name(alias.asname)
        if local is not None:
            yield local, full
        else:
            root = full.partition(".")[0]
            yield root, root


def _from_import_bindings(node: cst.ImportFrom) -> Iterator[tuple[str, str | None]]:
    if isinstance(node.names, cst.ImportStar):
        return
    module = _decorator_name(node.module) or ""
    # A relative import never names typing or builtins: a leading dot keeps it unmatched.
    base = "." if node.relative else f"{module}."
    for alias in node.names:
        name = _decorator_name(alias.name) or ""
        yield _as_name(alias.asname) or name, base + name


def _as_name(asname: cst.AsName | None) -> str | None:
    if asname is None or not isinstance(asname.name, cst.Name):
        return None
    return asname.name.value


def _target_names(target: cst.BaseExpression) -> Iterator[tuple[str, str | None]]:
    for name in assigned_names(target):
        yield name, None


def _final(resolved: str | None, expr: cst.BaseExpression, module_scope: _Scope) -> str | None:
    """Names unbound when visited are looked up again once the module is done."""
    if resolved != _UNRESOLVED:
        return resolved
    return _resolve(expr, module_scope)


def _is_staticmethod(entry: _Def, traversal: _Traversal) -> bool:
    """Ruff's ``match_builtin_expr``: a plain name unless the file imports ``builtins``."""
    qualified, symbol = STATICMETHOD, "staticmethod"
    if traversal.builtins_imported:
        scope = traversal.module_scope
        return any(
            _final(res, expr, scope) == qualified
            for expr, res in entry.decorators
            if not isinstance(expr, cst.Call)
        )
    shadowed = symbol in traversal.module_scope.bindings
    return not shadowed and any(
        isinstance(expr, cst.Name) and expr.value == symbol for expr, _ in entry.decorators
    )


def _is_overload(entry: _Def, traversal: _Traversal) -> bool:
    scope = traversal.module_scope
    return any(_final(res, expr, scope) in OVERLOAD for expr, res in entry.decorators)


def analyse_definitions(module: cst.Module) -> dict[cst.FunctionDef, DefInfo]:
    """How ruff's annotation rules treat every ``def`` of ``module``."""
    traversal = _Traversal()
    traversal.run(module)
    infos: dict[cst.FunctionDef, DefInfo] = {}
    overloaded: str | None = None
    for entry in traversal.order:
        if entry is None:
            overloaded = None
            continue
        overload = _is_overload(entry, traversal)
        name = entry.node.name.value
        infos[entry.node] = DefInfo(
            checked=overload or name != overloaded,
            is_method=entry.is_method,
            is_staticmethod=entry.is_method and _is_staticmethod(entry, traversal),
        )
        overloaded = name if overload else None
    return infos


NO_TYPE_CHECK = frozenset({"typing.no_type_check", "typing_extensions.no_type_check"})


class DefinitionRule(Rule):
    """Base of the typing rules: asks, once per file, which definitions ruff would check."""

    @classmethod
    def target_packages(cls) -> frozenset[str]:
        # The advice in the messages depends on the FastAPI version the project targets.
        return frozenset({*super().target_packages(), "fastapi"})

    def checked_definition(self, node: cst.FunctionDef) -> DefInfo | None:
        info = self.context.shared(analyse_definitions).get(node)
        if info is None or not info.checked:
            return None
        if self.options.peer_noqa and self._not_type_checked(node):
            return None  # the project opted out of typing here
        if not self.options.is_strict(self.code) and self._is_local_helper(node):
            return None
        return info

    def _is_local_helper(self, node: cst.FunctionDef) -> bool:
        """A closure nothing registers: a callback or a decorator's wrapper, which
        reviewers read with the function around it and do not ask to annotate. A
        decorated one (a route, an exception handler, a task) is checked."""
        scopes = [scope for scope in self.context.scopes if scope is not node]
        if not scopes or not isinstance(scopes[-1], cst.FunctionDef):
            return False
        return all(_is_wraps(decorator.decorator) for decorator in node.decorators)

    @functools.cached_property
    def _mentions_no_type_check(self) -> bool:
        # Once per file: searching the source per definition made big files quadratic.
        return "no_type_check" in self.context.source

    def _not_type_checked(self, node: cst.FunctionDef) -> bool:
        """``@typing.no_type_check`` on the function or on a class or function around it."""
        if not self._mentions_no_type_check:
            return False
        scopes = [scope for scope in self.context.scopes if scope is not node]
        decorators = [
            decorator.decorator
            for scope in [node, *scopes]
            if not isinstance(scope, cst.Lambda)
            for decorator in scope.decorators
        ]
        return any(self.context.model.qualified_name(expr) in NO_TYPE_CHECK for expr in decorators)

    def fastapi_targets(self, specifier: str) -> bool:
        """Whether the FastAPI the project targets is in ``specifier`` (unknown: the latest)."""
        project = self.context.project
        return project is None or project.targets.satisfies("fastapi", specifier)
