"""One file's binding tables, built on first use and shared, and which of its classes are models."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Literal

import libcst as cst

from fastapi_lint.analysis.pydantic_models.bindings import (
    Binding,
    Scope,
    Table,
    bind,
    lambda_table,
    parameter_bindings,
    scope_bindings,
)
from fastapi_lint.analysis.pydantic_models.narrowing import narrowings
from fastapi_lint.analysis.pydantic_models.v1_names import MODEL_BASES, OUTSIDE
from fastapi_lint.fastapi_model.syntax import assigned_names, dotted_name

Status = Literal["model", "not", "unknown"]
# A scope of the lookup chain, and the module-level class it is a method of (or None).
Link = tuple[Scope, str | None]


class FileModels:
    """One file's binding tables and classes, built on first use and shared per file."""

    def __init__(self, module: cst.Module) -> None:
        self.module = module
        self.classes: dict[str, cst.ClassDef] = {}
        self._tables: dict[int, Table] = {}
        self._chains: dict[str, tuple[Status, frozenset[str]]] = {}
        self._narrowings: dict[int, dict[int, Binding]] = {}

    def table(self, scope: Scope, owner: str | None) -> Table:
        """Names bound in ``scope``; ``owner`` is the module-level class of a method."""
        found = self._tables.get(id(scope))
        if found is None:
            found = self._build_table(scope, owner)
            self._tables[id(scope)] = found
        return found

    def _build_table(self, scope: Scope, owner: str | None) -> Table:
        if isinstance(scope, cst.Module):
            return scope_bindings(scope.body, self.classes)
        if isinstance(scope, cst.Lambda):
            return lambda_table(scope)
        if isinstance(scope, cst.ClassDef):
            return scope_bindings([scope.body], None)
        table = parameter_bindings(scope, owner)
        for name, value in scope_bindings([scope.body], None).items():
            bind(table, name, value)
        return table

    def narrowed(self, scope: Scope, node: cst.Name) -> Binding | None:
        """The class ``isinstance(name, Class)`` narrows ``node`` to, in the code it guards."""
        found = self._narrowings.get(id(scope))
        if found is None:
            found = narrowings(scope) if isinstance(scope, cst.FunctionDef) else {}
            self._narrowings[id(scope)] = found
        return found.get(id(node))

    def lookup(self, name: str, chain: Sequence[Link]) -> tuple[Binding, int] | None:
        """The binding of ``name`` seen from ``chain[0]``, and the index of its scope."""
        for index, (scope, owner) in enumerate(chain):
            found = self.table(scope, owner).get(name)
            if found is not None:
                return found, index
        return None

    def module_class(self, name: str) -> cst.ClassDef | None:
        """The module-level class ``name``, when the module binds that name to it alone."""
        if self.table(self.module, None).get(name) != Binding("class", name):
            return None
        return self.classes.get(name)

    def chain_of(self, node: cst.ClassDef) -> tuple[Status, frozenset[str]]:
        """Whether a class of the module is a model, and the names its classes define.

        ``unknown`` when a base comes from an import the file cannot judge: the project
        step will (and will see what those bases define).
        """
        name = node.name.value
        known = self._chains.get(name)
        if known is None:
            self._chains[name] = ("not", frozenset())  # a class deriving from itself
            known = self._chain(node)
            self._chains[name] = known
        return known

    def _chain(self, node: cst.ClassDef) -> tuple[Status, frozenset[str]]:
        statuses: set[Status] = set()
        names = set(_class_names(node))
        for base in node.bases:
            if base.keyword is None:
                status, inherited = self._base_status(base.value)
                statuses.add(status)
                names |= inherited
        if "unknown" in statuses:
            return "unknown", frozenset(names)
        return ("model" if "model" in statuses else "not"), frozenset(names)

    def _base_status(self, base: cst.BaseExpression) -> tuple[Status, frozenset[str]]:
        if isinstance(base, cst.Subscript):  # ``Page[Item]``, ``RootModel[list[int]]``
            base = base.value
        dotted = dotted_name(base)
        if dotted is None:
            return "unknown", frozenset()
        binding = self.table(self.module, None).get(dotted.partition(".")[0])
        if binding is None:
            return "not", frozenset()  # a builtin (``dict``, ``object``)
        local = self.module_class(dotted) if binding.kind == "class" else None
        if local is not None:
            return self.chain_of(local)
        if binding.kind == "import":
            return import_status(binding, dotted), frozenset()
        return "not", frozenset()


def import_status(binding: Binding, dotted: str) -> Status:
    if not binding.text:
        return "unknown"
    full = binding.text + dotted[len(dotted.partition(".")[0]) :]
    if full in MODEL_BASES:
        return "model"
    return "not" if full.partition(".")[0] in OUTSIDE else "unknown"


def _class_names(node: cst.ClassDef) -> Iterator[str]:
    """Names a class body defines: methods, fields, attributes (they hide v1 methods)."""
    body = node.body.body if isinstance(node.body, cst.IndentedBlock) else ()
    for statement in body:
        if isinstance(statement, cst.FunctionDef | cst.ClassDef):
            yield statement.name.value
        elif isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                yield from _statement_targets(small)


def _statement_targets(small: cst.BaseSmallStatement) -> Iterator[str]:
    if isinstance(small, cst.Assign):
        for target in small.targets:
            yield from assigned_names(target.target)
    elif isinstance(small, cst.AnnAssign):
        yield from assigned_names(small.target)
