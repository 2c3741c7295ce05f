"""What rules may know about a module's imports and FastAPI usage, computed cheaply.

The model is built from statements only, never from a LibCST metadata pass: import
statements give qualified names, assignments give routers and the types of module-level
names, decorators give routes, and ``Depends(...)`` calls in function headers and in
module- or class-level statements give dependencies. Function bodies are only walked
statement by statement, so building the model costs far less than walking the tree.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import libcst as cst

from fastapi_lint.fastapi_model.routers import FUNCTION, MODULE, Where
from fastapi_lint.fastapi_model.routes import REGISTRATIONS, RouteModel
from fastapi_lint.fastapi_model.syntax import assigned_names, child_statements
from fastapi_lint.tree import node_classes

if TYPE_CHECKING:
    from fastapi_lint.context.project import ProjectContext

# Calls in function bodies worth reading for Depends(...): app factories wire these up.
_WIRING_CALLS = REGISTRATIONS | {"include_router", "add_middleware"}
# Exact classes, looked up in a set: ``isinstance`` against a LibCST class is slow.
_SMALL_STATEMENTS = node_classes(cst.BaseSmallStatement)


def _nested(node: cst.CSTNode, where: Where) -> list[tuple[cst.CSTNode, Where]]:
    if type(node) is cst.FunctionDef:
        where = FUNCTION
    elif type(node) is cst.ClassDef:
        where = Where("class", node.name.value)
    return [(child, where) for child in child_statements(node)]


def _header_nodes(func: cst.FunctionDef) -> list[cst.CSTNode]:
    """Where a def declares dependencies: ``dependencies=[...]`` and parameter defaults."""
    return [*func.decorators, func.params]


def _wiring_call(node: cst.BaseSmallStatement) -> tuple[cst.Call, str] | None:
    """``app.include_router(...)`` / ``app.add_api_route(...)`` written as a statement."""
    if not isinstance(node, cst.Expr) or not isinstance(node.value, cst.Call):
        return None
    func = node.value.func
    if isinstance(func, cst.Attribute) and func.attr.value in _WIRING_CALLS:
        return node.value, func.attr.value
    return None


def _defined_names(node: cst.CSTNode) -> list[str]:
    """Names a module-level def, class or assignment defines in the module itself."""
    if isinstance(node, cst.FunctionDef | cst.ClassDef):
        return [node.name.value]
    if isinstance(node, cst.Assign):
        return [name for target in node.targets for name in assigned_names(target.target)]
    if isinstance(node, cst.AnnAssign):
        return list(assigned_names(node.target))
    return []


class ModuleModel(RouteModel):
    """Imports, typed module-level names, routers, routes and dependencies of one module."""

    @classmethod
    def build(
        cls, module: cst.Module, path: str, project: ProjectContext | None = None
    ) -> ModuleModel:
        """The model of ``module``; ``project`` adds the project's own router builders."""
        model = cls(path, project)
        model._scan(module)
        model._find_routes()
        if model._imports_fastapi():
            for root in model._dependency_roots:
                model._find_dependencies(root)
        return model

    def _scan(self, module: cst.Module) -> None:
        stack: list[tuple[cst.CSTNode, Where]] = [(s, MODULE) for s in reversed(module.body)]
        while stack:
            node, where = stack.pop()
            self._scan_statement(node, where)
            stack.extend(reversed(_nested(node, where)))

    def _scan_statement(self, node: cst.CSTNode, where: Where) -> None:
        if where is MODULE:
            for name, value in self.statement_bindings(node, self.module_bindings.get):
                self.module_bindings.bind(name, value)
            self._module_definitions.update(_defined_names(node))
        elif type(node) is cst.Import or type(node) is cst.ImportFrom:
            self._record_nested_import(node)
        if type(node) is cst.Assign or type(node) is cst.AnnAssign:
            self._record_router(node, where)
        self._record_route_objects(node)
        if type(node) is cst.FunctionDef:
            self._record_function(node, where)
        elif type(node) is cst.ClassDef:
            self._record_router_class(node)
        elif type(node) in _SMALL_STATEMENTS:
            self._scan_small_statement(node, where)  # type: ignore[arg-type]  # just checked

    def _record_function(self, node: cst.FunctionDef, where: Where) -> None:
        self._functions.append(node)
        if where is MODULE:
            self._module_defs[node.name.value] = node
        self._dependency_roots.extend(_header_nodes(node))
        self._record_router_parameters(node)

    def _record_nested_import(self, node: cst.Import | cst.ImportFrom) -> None:
        for name, value in self.statement_bindings(node, self.module_bindings.get):
            self._nested_imports.setdefault(name, value.qualified)

    def _scan_small_statement(self, node: cst.BaseSmallStatement, where: Where) -> None:
        wiring = _wiring_call(node)
        if wiring is not None and wiring[1] in REGISTRATIONS:
            self._registrations.append(wiring[0])
        if where is not FUNCTION and not isinstance(node, cst.Import | cst.ImportFrom):
            self._dependency_roots.append(node)
        elif wiring is not None:
            self._dependency_roots.append(wiring[0])
