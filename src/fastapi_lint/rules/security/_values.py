"""What the security rules (FAPI801-FAPI806) read off the code: literals and local values.

Kept apart from the rules so each stays one short visitor: whether a path is test code,
whether an expression is ``True``, and what a plain name was assigned in its own scope
(the ``origins = ["*"]`` or ``query = f"..."`` written a few lines before the call).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import libcst as cst

from fastapi_lint.fastapi_model.module import ModuleModel
from fastapi_lint.fastapi_model.syntax import child_statements
from fastapi_lint.rule import FileContext

# Test code hardcodes credentials on purpose. Local to the security rules for now: the
# ops rules' `script-modules` option covers more than tests (scripts, migrations).
_TEST_FILE = re.compile(r"(^test_.*|.*_test|^conftest)\.pyi?$")
_TEST_DIRECTORIES = frozenset({"tests", "test"})
# Schema migrations run once, by the operator, on identifiers the code itself lists.
_MIGRATION_DIRECTORIES = frozenset({"migrations", "alembic"})

# One assignment seen in a scope: the value, or None when the name is bound by something
# other than a plain assignment (a loop, a with, an import, a def) and so is unknown.
Assigned = cst.BaseExpression | None
Scope = cst.FunctionDef | cst.Module


def is_test_path(path: str) -> bool:
    """``tests/**``, ``test/**``, ``test_*.py``, ``*_test.py`` and ``conftest.py``."""
    parts = path.replace("\\", "/").split("/")
    return bool(_TEST_FILE.match(parts[-1])) or any(p in _TEST_DIRECTORIES for p in parts[:-1])


def is_migration_path(path: str) -> bool:
    """``migrations/**``, ``alembic/**`` and ``migrations.py``."""
    parts = path.replace("\\", "/").split("/")
    return parts[-1] == "migrations.py" or any(p in _MIGRATION_DIRECTORIES for p in parts[:-1])


def is_true(expr: cst.BaseExpression | None) -> bool:
    return isinstance(expr, cst.Name) and expr.value == "True"


def is_false(expr: cst.BaseExpression | None) -> bool:
    return isinstance(expr, cst.Name) and expr.value == "False"


def callee_name(call: cst.Call) -> str:
    """The last name of the called expression (``execute`` for ``conn.execute``), or ""."""
    func = call.func
    if isinstance(func, cst.Attribute):
        return func.attr.value
    return func.value if isinstance(func, cst.Name) else ""


def call_names(model: ModuleModel, qualified: frozenset[str]) -> frozenset[str]:
    """The last names a call of one of ``qualified`` may be written with, for a cheap
    first test: their own names, and names the module imports them under
    (``from fastapi.applications import FastAPI as App``)."""
    own = {name.rpartition(".")[2] for name in qualified}
    aliases = (
        name
        for name, value in model.module_bindings.values.items()
        if value.qualified in qualified and not value.is_instance
    )
    return frozenset(own.union(aliases))


class ScopeValues:
    """What each plain name is assigned in one scope, nested defs and classes excluded.

    Computed once per scope and kept for the file: rules ask only at a few sinks.
    """

    def __init__(self) -> None:
        self._scopes: dict[int, dict[str, list[Assigned]]] = {}

    def assigned(self, scope: Scope, name: str) -> list[Assigned]:
        table = self._scopes.get(id(scope))
        if table is None:
            table = self._scopes[id(scope)] = _assignments(scope)
        return table.get(name, [])

    def single(self, scope: Scope, name: str) -> cst.BaseExpression | None:
        """The value of a name assigned exactly once in ``scope`` (and bound no other way)."""
        values = self.assigned(scope, name)
        return values[0] if len(values) == 1 else None


def current_scope(context: FileContext) -> Scope | None:
    """The def or module whose names a node sees first; None in a class body or lambda."""
    if not context.scopes:
        return context.module
    return context.enclosing_function()


def _assignments(scope: Scope) -> dict[str, list[Assigned]]:
    table: dict[str, list[Assigned]] = {}
    if isinstance(scope, cst.FunctionDef):
        for param in _parameters(scope.params):
            table[param.name.value] = [None]
    for name, value in _scope_bindings(scope):
        table.setdefault(name, []).append(value)
    return table


def _parameters(params: cst.Parameters) -> Iterator[cst.Param]:
    yield from (*params.posonly_params, *params.params, *params.kwonly_params)
    for extra in (params.star_arg, params.star_kwarg):
        if isinstance(extra, cst.Param):
            yield extra


def _scope_bindings(scope: Scope) -> Iterator[tuple[str, Assigned]]:
    stack = list(
        reversed(scope.body if isinstance(scope, cst.Module) else [*child_statements(scope)])
    )
    while stack:
        node = stack.pop()
        yield from _statement_bindings(node)
        if not isinstance(node, cst.FunctionDef | cst.ClassDef):
            stack.extend(reversed(list(child_statements(node))))


def _statement_bindings(node: cst.CSTNode) -> Iterator[tuple[str, Assigned]]:
    if isinstance(node, cst.Assign):
        for target in node.targets:
            yield from _targets(target.target, node.value)
    elif isinstance(node, cst.AnnAssign | cst.AugAssign) and node.value is not None:
        yield from _targets(node.target, node.value)
    else:
        yield from _unknown_bindings(node)


def _unknown_bindings(node: cst.CSTNode) -> Iterator[tuple[str, Assigned]]:
    """Names bound by something other than an assignment: their value is not known."""
    if isinstance(node, cst.FunctionDef | cst.ClassDef):
        yield node.name.value, None
    elif isinstance(node, cst.For):
        yield from _targets(node.target, None)
    elif isinstance(node, cst.With):
        for item in node.items:
            if item.asname is not None:
                yield from _targets(item.asname.name, None)
    elif isinstance(node, cst.Import | cst.ImportFrom) and not isinstance(
        node.names, cst.ImportStar
    ):
        for alias in node.names:
            yield (alias.evaluated_alias or alias.evaluated_name).partition(".")[0], None


def _targets(target: cst.BaseExpression, value: Assigned) -> Iterator[tuple[str, Assigned]]:
    if isinstance(target, cst.Name):
        yield target.value, value
    elif isinstance(target, cst.Tuple | cst.List):
        for element in target.elements:
            yield from _targets(element.value, None)
    elif isinstance(target, cst.StarredElement):
        yield from _targets(target.value, None)
