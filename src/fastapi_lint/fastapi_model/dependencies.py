"""What ``Depends(...)`` and ``Security(...)`` name in a module: its dependencies."""

from __future__ import annotations

from typing import TYPE_CHECKING

import libcst as cst

from fastapi_lint.fastapi_model.names import NameModel
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


class DependencyModel(NameModel):
    """The dependencies a module declares, found where ``Depends(...)`` may hide."""

    def __init__(self, path: str, project: ProjectContext | None = None) -> None:
        super().__init__(path, project)
        self._dependencies: set[str] = set()
        # Where Depends(...) may hide; read only if the module imports fastapi at all.
        self._dependency_roots: list[cst.CSTNode] = []

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
