"""The FastAPI model with the project's own router builders: routes on project router classes."""

from __future__ import annotations

import textwrap
from pathlib import Path

import libcst as cst

from fastapi_lint.context.project import ProjectContext
from fastapi_lint.context.router_scan import scan_router_kinds
from fastapi_lint.context.versions import resolve_target_versions
from fastapi_lint.fastapi_model.module import ModuleModel
from project_helpers import write_tree


def context_of(root: Path, files: dict[str, str], *roots: str) -> ProjectContext:
    """Write ``files``, scan them for router builders: the run's project context."""
    write_tree(root, files)
    source_roots = tuple(root / folder for folder in roots)
    kinds = scan_router_kinds(sorted(root.rglob("*.py")), root, source_roots)
    targets = resolve_target_versions(root)
    return ProjectContext(root, targets, source_roots=source_roots, routers=kinds)


def model_of(root: Path, path: str, project: ProjectContext | None) -> ModuleModel:
    file = root / path
    return ModuleModel.build(cst.parse_module(file.read_text()), str(file), project)


def routes(model: ModuleModel) -> list[tuple[str, str | None, str]]:
    return [(route.router, route.path, func.name.value) for func, route in model.routes()]


PROJECT = {
    "shop/__init__.py": "",
    "shop/routing/__init__.py": "from .base import ShopRouter\n",
    "shop/routing/base.py": """
        from fastapi import APIRouter, FastAPI
        from fastapi.routing import APIRoute

        class ShopRouter(APIRouter):
            def __init__(self, **kwargs):
                super().__init__(**kwargs)

        class AuditedRoute(APIRoute):
            pass

        def get_router(prefix: str) -> APIRouter:
            return ShopRouter(prefix=prefix)

        def get_api_router_class(audit: bool):
            class _Router(APIRouter):
                pass
            return _Router

        def create_app():
            app = FastAPI()
            return app
    """,
    "shop/api/__init__.py": "",
    "shop/api/orders.py": """
        from shop.routing import ShopRouter

        router = ShopRouter(prefix="/orders", tags=["orders"])

        @router.get("/{order_id}")
        async def read_order(order_id: int) -> dict:
            return {}
    """,
    "shop/api/carts.py": """
        from ..routing.base import get_api_router_class

        APIRouter = get_api_router_class(audit=True)
        router = APIRouter(prefix="/carts")

        @router.post("")
        async def create_cart() -> dict:
            return {}
    """,
    "shop/api/users.py": """
        from fastapi import APIRouter
        from shop.routing import base

        router: APIRouter = base.get_router("/users")
        admin = base.get_router("/admin")

        @router.get("/me")
        async def me() -> dict:
            return {}

        @admin.delete(USER_PATH)
        async def delete_user(user_id: int) -> None:
            ...
    """,
    "shop/main.py": """
        from shop.routing.base import create_app

        app = create_app()

        @app.get("/health")
        def health() -> dict:
            return {}
    """,
}


def test_routes_on_project_router_classes_and_factories_are_seen_with_the_project(
    tmp_path: Path,
) -> None:
    project = context_of(tmp_path, PROJECT)
    expected = {
        "shop/api/orders.py": [("router", "/{order_id}", "read_order")],
        "shop/api/carts.py": [("router", "", "create_cart")],
        "shop/api/users.py": [("router", "/me", "me"), ("admin", None, "delete_user")],
        "shop/main.py": [("app", "/health", "health")],
    }
    for path, found in expected.items():
        assert routes(model_of(tmp_path, path, project)) == found, path
        # Alone, the file does not say these are routers (but for the annotated one).
        alone = [route for route in found if route[2] == "me"]
        assert routes(model_of(tmp_path, path, None)) == alone, path


def test_an_app_factory_makes_an_app_and_a_router_factory_a_router(tmp_path: Path) -> None:
    project = context_of(tmp_path, PROJECT)
    main = model_of(tmp_path, "shop/main.py", project)
    call = cst.parse_expression("create_app()")
    assert isinstance(call, cst.Call)
    assert main.router_kind(call.func) == "app"
    users = model_of(tmp_path, "shop/api/users.py", project)
    assert users.router_kind(cst.parse_expression("base.get_router")) == "router"


def test_parameters_annotated_with_a_project_router_class_are_routers(tmp_path: Path) -> None:
    files = {
        **PROJECT,
        "shop/api/setup.py": """
            from shop.routing import ShopRouter

            def register(router: ShopRouter) -> None:
                @router.get("/ping")
                def ping() -> str:
                    return "pong"
        """,
    }
    project = context_of(tmp_path, files)
    assert routes(model_of(tmp_path, "shop/api/setup.py", project)) == [("router", "/ping", "ping")]


NOT_FASTAPI = {
    "bus/__init__.py": "",
    "bus/routing.py": """
        from flask import Flask

        class MessageRouter:
            def route(self, path):
                return lambda f: f

        def create_app():
            return Flask(__name__)
    """,
    "bus/handlers.py": """
        from bus.routing import MessageRouter, create_app

        router = MessageRouter()
        app = create_app()

        @router.route("orders.created")
        def on_order(message) -> None: ...

        @app.route("/index")
        def index() -> str:
            return "hello"

        @app.get("/items")
        def items() -> list:
            return []
    """,
}


def test_look_alike_routers_and_other_frameworks_stay_quiet(tmp_path: Path) -> None:
    project = context_of(tmp_path, NOT_FASTAPI)
    assert not project.routers
    assert routes(model_of(tmp_path, "bus/handlers.py", project)) == []


NAMESPACE = {
    "pyproject.toml": "",
    "backend/app/routing.py": """
        from fastapi import APIRouter

        class TenantRouter(APIRouter):
            pass
    """,
    "backend/app/api/items.py": """
        from ..routing import TenantRouter
        from app.routing import TenantRouter as Absolute

        router = TenantRouter()
        other = Absolute()

        @router.get("/items")
        async def items() -> list:
            return []

        @other.get("/others")
        async def others() -> list:
            return []
    """,
}


def test_relative_and_absolute_imports_in_namespace_packages_below_the_root(
    tmp_path: Path,
) -> None:
    project = context_of(tmp_path, NAMESPACE)
    found = routes(model_of(tmp_path, "backend/app/api/items.py", project))
    assert found == [("router", "/items", "items"), ("other", "/others", "others")]


def test_a_source_root_names_the_same_modules_for_the_scan_and_the_model(tmp_path: Path) -> None:
    project = context_of(tmp_path, NAMESPACE, "backend")
    assert project.routers.router_classes == {"app.routing.TenantRouter"}
    model = model_of(tmp_path, "backend/app/api/items.py", project)
    assert model.module_name == "app.api.items"
    assert model.package == "app.api"
    assert len(routes(model)) == 2


ROUTE_OBJECTS = """
from fastapi import APIRouter, FastAPI
from fastapi.routing import APIRoute
from starlette.routing import Route

class TimedRoute(APIRoute):
    pass

def list_items() -> list:
    return []

def create_item(item: dict) -> dict:
    return item

def health() -> str:
    return "ok"

def legacy(request):
    ...

routes = [APIRoute("/items", list_items), TimedRoute("/items", create_item, methods=["POST"])]
routes += [APIRoute(path="/health", endpoint=health)]
app = FastAPI(routes=routes)
internal = APIRouter(routes=[Route("/legacy", legacy)])
"""


def test_route_objects_in_a_routes_list_are_routes_of_the_router_given_the_list() -> None:
    module = cst.parse_module(ROUTE_OBJECTS)
    model = ModuleModel.build(module, "app.py")
    found = [
        (func.name.value, route.router, route.path, route.http_methods)
        for func, route in model.routes()
    ]
    assert found == [
        ("list_items", "app", "/items", ("GET",)),
        ("create_item", "app", "/items", ("POST",)),
        ("health", "app", "/health", ("GET",)),
    ]  # Starlette's own ``Route`` is not a FastAPI route
    assert model.unbound_routes() == []


def test_route_objects_whose_endpoint_another_module_defines_are_unbound() -> None:
    source = """
        from fastapi import FastAPI
        from fastapi.routing import APIRoute

        def create_app(endpoints) -> FastAPI:
            return FastAPI(routes=[APIRoute("/live", endpoints.live)])

        app = FastAPI()
        app.add_api_route("/ready", handlers.ready, methods=["GET"])
    """
    module = cst.parse_module(textwrap.dedent(source))
    model = ModuleModel.build(module, "app.py")
    assert list(model.routes()) == []
    assert [(handler, route.path) for handler, route in model.unbound_routes()] == [
        ("handlers.ready", "/ready")
    ]  # a routes= list only counts where it is assigned
