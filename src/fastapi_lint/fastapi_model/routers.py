"""Which names of a module are FastAPI apps and routers, and how code spells them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import libcst as cst

from fastapi_lint.context.routers import Builder, RouterKinds
from fastapi_lint.fastapi_model.dependencies import DependencyModel
from fastapi_lint.fastapi_model.syntax import dotted_name

if TYPE_CHECKING:
    from fastapi_lint.context.project import ProjectContext

ROUTER_CLASSES = frozenset(
    {
        "fastapi.FastAPI",
        "fastapi.APIRouter",
        "fastapi.applications.FastAPI",
        "fastapi.routing.APIRouter",
    }
)
APP_CLASSES = frozenset({"fastapi.FastAPI", "fastapi.applications.FastAPI"})
ROUTE_CLASSES = frozenset({"fastapi.routing.APIRoute"})
# What calling a project builder gives: an app, a router, or (a class factory) a class.
_MAKES_APP = frozenset({Builder.APP_CLASS, Builder.APP_FACTORY})
_MAKES_ROUTER = frozenset({Builder.ROUTER_CLASS, Builder.ROUTER_FACTORY}) | _MAKES_APP
_ROUTER_TYPES = frozenset({Builder.ROUTER_CLASS, Builder.APP_CLASS})
_FACTORIES = frozenset({Builder.ROUTER_FACTORY, Builder.APP_FACTORY})


@dataclass(frozen=True, slots=True)
class Where:
    kind: str
    class_name: str | None = None


MODULE = Where("module")
FUNCTION = Where("function")


class RouterModel(DependencyModel):
    """The apps and routers of a module: assigned, annotated, or instances of a router subclass.

    Besides FastAPI's own classes, the project's builders (``context.routers``) count:
    ``PrefectRouter(...)`` where ``PrefectRouter`` derives from ``APIRouter`` in another
    module, ``make_router()`` returning a router, and the class a router class factory
    returns (``APIRouter = get_api_router_class(...)``).
    """

    def __init__(self, path: str, project: ProjectContext | None = None) -> None:
        super().__init__(path, project)
        self._routers: set[str] = set()
        self._router_classes: set[str] = set()
        self._route_classes: set[str] = set()
        self._kinds = project.routers if project is not None else RouterKinds()
        self._module_definitions: set[str] = set()

    def _builder(self, func: cst.BaseExpression) -> Builder | None:
        """What the project's builder ``func`` names builds, None if it names none."""
        if not self._kinds:
            return None
        qualified = self.qualified_name(func)
        if qualified is None and isinstance(func, cst.Name) and self.module_name:
            if func.value not in self._module_definitions:
                return None
            qualified = f"{self.module_name}.{func.value}"  # defined in this very module
        return self._kinds.builder(qualified) if qualified else None

    def _is_router_constructor(self, func: cst.BaseExpression) -> bool:
        if self.qualified_name(func) in ROUTER_CLASSES:
            return True
        return dotted_name(func) in self._router_classes or self._builder(func) in _MAKES_ROUTER

    def _is_router_class(self, expr: cst.BaseExpression) -> bool:
        """``APIRouter``, ``FastAPI``, a router class of this module or of the project."""
        if self.qualified_name(expr) in ROUTER_CLASSES:
            return True
        return dotted_name(expr) in self._router_classes or self._builder(expr) in _ROUTER_TYPES

    def made_by_factory(self, func: cst.BaseExpression) -> bool:
        """Calling ``func`` runs a project function that returns the router or app."""
        return self._builder(func) in _FACTORIES

    def is_route_class(self, func: cst.BaseExpression) -> bool:
        """``APIRoute``, or a subclass of it in this module or the project."""
        if self.qualified_name(func) in ROUTE_CLASSES or dotted_name(func) in self._route_classes:
            return True
        return self._builder(func) is Builder.ROUTE_CLASS

    def router_kind(self, func: cst.BaseExpression) -> str | None:
        """``"app"`` when calling ``func`` makes a FastAPI app, ``"router"`` for a router."""
        if not self._is_router_constructor(func):
            return None
        if self.qualified_name(func) in APP_CLASSES or self._builder(func) in _MAKES_APP:
            return "app"
        return "router"

    def _is_router_annotation(self, annotation: cst.BaseExpression) -> bool:
        """``FastAPI``, ``APIRouter``, ``Optional[APIRouter]``, a router subclass."""
        value = self.annotation_value(annotation, self.module_bindings.get)
        types = value.instance_types() or (dotted_name(annotation) or "",)
        return any(self._is_router_type(t) for t in types)

    def _is_router_type(self, qualified: str) -> bool:
        if qualified in ROUTER_CLASSES or qualified in self._router_classes:
            return True
        return bool(self._kinds) and self._kinds.builder(qualified) in _ROUTER_TYPES

    def _record_router_parameters(self, func: cst.FunctionDef) -> None:
        """``def setup(app: FastAPI)``: routes may be declared on a parameter, as ruff sees."""
        params = func.params
        for param in (*params.posonly_params, *params.params, *params.kwonly_params):
            if param.annotation and self._is_router_annotation(param.annotation.annotation):
                self._routers.add(param.name.value)

    def _record_router(self, node: cst.Assign | cst.AnnAssign, where: Where) -> None:
        names = _target_names(node)
        value = node.value
        if value is not None and self._makes_router_class(value):
            # ``APIRouter = get_api_router_class(...)``: calling it makes routers.
            self._router_classes.update(names)
            return
        if isinstance(value, cst.Call) and self._is_router_constructor(value.func):
            if where is FUNCTION:
                self._dependency_roots.append(value)
        elif not (
            isinstance(node, cst.AnnAssign)
            and self._is_router_annotation(node.annotation.annotation)
        ):
            # ``router: APIRouter = make_router()``: the annotation says what it is.
            return
        for name in names:
            self._routers.update(_spellings(name, where))

    def _makes_router_class(self, value: cst.BaseExpression) -> bool:
        """A call of a router class factory, or another name for a project router class."""
        if isinstance(value, cst.Call):
            return self._builder(value.func) is Builder.ROUTER_CLASS_FACTORY
        if isinstance(value, cst.Name | cst.Attribute):
            return dotted_name(value) in self._router_classes or (
                self._builder(value) is Builder.ROUTER_CLASS
            )
        return False

    def _record_router_class(self, node: cst.ClassDef) -> None:
        """``class VersionedRouter(APIRouter)``: its instances are routers too."""
        if any(self._is_router_class(base.value) for base in node.bases):
            self._router_classes.add(node.name.value)
        elif any(self.is_route_class(base.value) for base in node.bases):
            self._route_classes.add(node.name.value)

    @property
    def routers(self) -> frozenset[str]:
        """Spellings of router objects, e.g. ``app``, ``router``, ``self.router``."""
        return frozenset(self._routers)


def _target_names(node: cst.Assign | cst.AnnAssign) -> list[str]:
    """``router`` and ``self.app`` for the targets of ``router = self.app = ...``."""
    targets = [t.target for t in node.targets] if isinstance(node, cst.Assign) else [node.target]
    return [dotted for dotted in map(dotted_name, targets) if dotted is not None]


def _spellings(dotted: str, where: Where) -> set[str]:
    """How code may refer to a router bound as ``dotted`` in ``where``."""
    if where.class_name is None or "." in dotted:
        return {dotted}
    return {dotted, f"{where.class_name}.{dotted}", f"self.{dotted}", f"cls.{dotted}"}
