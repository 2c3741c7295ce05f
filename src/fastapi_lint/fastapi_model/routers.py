"""Which names of a module are FastAPI apps and routers, and how code spells them."""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from fastapi_lint.fastapi_model.dependencies import DependencyModel
from fastapi_lint.fastapi_model.syntax import dotted_name

ROUTER_CLASSES = frozenset(
    {
        "fastapi.FastAPI",
        "fastapi.APIRouter",
        "fastapi.applications.FastAPI",
        "fastapi.routing.APIRouter",
    }
)
APP_CLASSES = frozenset({"fastapi.FastAPI", "fastapi.applications.FastAPI"})


@dataclass(frozen=True, slots=True)
class Where:
    kind: str
    class_name: str | None = None


MODULE = Where("module")
FUNCTION = Where("function")


class RouterModel(DependencyModel):
    """The apps and routers of a module: assigned, annotated, or instances of a router subclass."""

    def __init__(self, path: str) -> None:
        super().__init__(path)
        self._routers: set[str] = set()
        self._router_classes: set[str] = set()

    def _is_router_constructor(self, func: cst.BaseExpression) -> bool:
        if self.qualified_name(func) in ROUTER_CLASSES:
            return True
        return dotted_name(func) in self._router_classes

    def router_kind(self, func: cst.BaseExpression) -> str | None:
        """``"app"`` when calling ``func`` makes a FastAPI app, ``"router"`` for a router."""
        if not self._is_router_constructor(func):
            return None
        return "app" if self.qualified_name(func) in APP_CLASSES else "router"

    def _is_router_annotation(self, annotation: cst.BaseExpression) -> bool:
        """``FastAPI``, ``APIRouter``, ``Optional[APIRouter]``, a router subclass of the module."""
        value = self.annotation_value(annotation, self.module_bindings.get)
        types = value.instance_types() or (dotted_name(annotation) or "",)
        return any(t in ROUTER_CLASSES or t in self._router_classes for t in types)

    def _record_router_parameters(self, func: cst.FunctionDef) -> None:
        """``def setup(app: FastAPI)``: routes may be declared on a parameter, as ruff sees."""
        params = func.params
        for param in (*params.posonly_params, *params.params, *params.kwonly_params):
            if param.annotation and self._is_router_annotation(param.annotation.annotation):
                self._routers.add(param.name.value)

    def _record_router(self, node: cst.Assign | cst.AnnAssign, where: Where) -> None:
        value = node.value
        if isinstance(value, cst.Call) and self._is_router_constructor(value.func):
            if where is FUNCTION:
                self._dependency_roots.append(value)
        elif not (
            isinstance(node, cst.AnnAssign)
            and self._is_router_annotation(node.annotation.annotation)
        ):
            # ``router: APIRouter = make_router()``: the annotation says what it is.
            return
        targets = (
            [t.target for t in node.targets] if isinstance(node, cst.Assign) else [node.target]
        )
        for target in targets:
            dotted = dotted_name(target)
            if dotted is not None:
                self._routers.update(_spellings(dotted, where))

    def _record_router_class(self, node: cst.ClassDef) -> None:
        """``class VersionedRouter(APIRouter)``: its instances are routers too."""
        if any(self._is_router_constructor(base.value) for base in node.bases):
            self._router_classes.add(node.name.value)

    @property
    def routers(self) -> frozenset[str]:
        """Spellings of router objects, e.g. ``app``, ``router``, ``self.router``."""
        return frozenset(self._routers)


def _spellings(dotted: str, where: Where) -> set[str]:
    """How code may refer to a router bound as ``dotted`` in ``where``."""
    if where.class_name is None or "." in dotted:
        return {dotted}
    return {dotted, f"{where.class_name}.{dotted}", f"self.{dotted}", f"cls.{dotted}"}
