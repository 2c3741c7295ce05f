"""The route table over routers the project builds itself: subclasses, factories, attributes."""

from __future__ import annotations

from pathlib import Path

from fastapi_lint.project_model.routes import RouteEntry, route_table
from project_helpers import project_in_context, project_of


def table(root: Path, files: dict[str, str]) -> list[RouteEntry]:
    return route_table(project_of(root, files))


def run_table(root: Path, files: dict[str, str], *roots: str) -> list[RouteEntry]:
    """The route table a run builds: every file linted with the project's context."""
    return route_table(project_in_context(root, files, [root / r for r in roots]))


def served(entries: list[RouteEntry]) -> set[tuple[str, str, str, bool]]:
    """(method, full path, handler, included in an app) of each route."""
    return {(",".join(e.methods), e.path, e.handler, e.included) for e in entries}


# Shaped like Prefect's server: a router subclass in a utilities module, a module-level
# tuple of routers, an app factory looping over a dict built from it.
ORION = {
    "orion/__init__.py": "",
    "orion/utilities/__init__.py": "",
    "orion/utilities/server.py": """
        from fastapi import APIRouter

        class OrionRouter(APIRouter):
            def __init__(self, **kwargs):
                super().__init__(**kwargs)
    """,
    "orion/api/__init__.py": "from . import flows, runs\n",
    "orion/api/flows.py": """
        from orion.utilities.server import OrionRouter

        router = OrionRouter(prefix="/flows", tags=["Flows"])

        @router.post("/")
        async def create_flow(flow: dict) -> dict:
            return flow

        @router.get("/{id}")
        async def read_flow(id: str) -> dict:
            return {}
    """,
    "orion/api/runs.py": """
        from orion.api.versioned import AdminRouter

        router = AdminRouter(prefix="/runs")

        @router.delete("/{id}")
        async def delete_run(id: str) -> None:
            ...
    """,
    "orion/api/versioned.py": """
        from orion.utilities import server

        class Versioned(server.OrionRouter):
            pass

        class AdminRouter(Versioned):
            pass
    """,
    "orion/api/server.py": """
        from fastapi import FastAPI
        from orion import api

        API_ROUTERS = (api.flows.router, api.runs.router)

        def create_api_app(router_prefix: str = "") -> FastAPI:
            api_app = FastAPI(title="Orion")
            routers = {router.prefix: router for router in API_ROUTERS}
            for router in routers.values():
                api_app.include_router(router, prefix=router_prefix)
            return api_app
    """,
}


def test_routes_on_project_router_subclasses_included_through_a_loop(tmp_path: Path) -> None:
    assert served(run_table(tmp_path, ORION)) == {
        ("POST", "<router_prefix>/flows/", "create_flow", True),
        ("GET", "<router_prefix>/flows/{id}", "read_flow", True),
        ("DELETE", "<router_prefix>/runs/{id}", "delete_run", True),
    }


def test_without_the_project_scan_those_routes_are_not_seen(tmp_path: Path) -> None:
    assert route_table(project_of(tmp_path, ORION)) == []


FACTORY_APP = {
    "svc/__init__.py": "",
    "svc/factory.py": """
        from fastapi import APIRouter, FastAPI

        def create_application(router: APIRouter, *, extra: APIRouter | None = None) -> FastAPI:
            application = FastAPI(title="svc")
            application.include_router(router, prefix="/api")
            if extra is not None:
                application.include_router(extra)
            return application
    """,
    "svc/routes.py": """
        from fastapi import APIRouter

        api_router = APIRouter()
        admin = APIRouter(prefix="/admin")

        @api_router.get("/items")
        async def list_items() -> list:
            return []

        @admin.get("/stats")
        async def stats() -> dict:
            return {}
    """,
    "svc/main.py": """
        from svc.factory import create_application
        from svc.routes import admin, api_router

        app = create_application(api_router, extra=admin)

        @app.get("/health")
        def health() -> dict:
            return {}
    """,
}


def test_a_factory_built_app_includes_the_routers_it_receives(tmp_path: Path) -> None:
    entries = run_table(tmp_path, FACTORY_APP)
    assert served(entries) == {
        ("GET", "/api/items", "list_items", True),
        ("GET", "/admin/stats", "stats", True),
        ("GET", "/health", "health", True),
    }
    # One app: the one the factory makes, whatever name the caller gives it.
    assert {entry.root.name for entry in entries} == {"application"}


def test_a_router_a_factory_never_receives_stays_never_included(tmp_path: Path) -> None:
    files = {**FACTORY_APP, "svc/main.py": FACTORY_APP["svc/main.py"].replace(", extra=admin", "")}
    assert ("GET", "/admin/stats", "stats", False) in served(run_table(tmp_path, files))


NAMESPACE_SRC = {
    "pyproject.toml": "",
    "src/backend/app/main.py": """
        from fastapi import FastAPI
        from app.api import users

        app = FastAPI()
        app.include_router(users.router, prefix="/users")
    """,
    "src/backend/app/api/users.py": """
        from app.core.routing import TenantRouter

        router = TenantRouter()

        @router.get("/me")
        async def me() -> dict:
            return {}
    """,
    "src/backend/app/core/routing.py": """
        from fastapi import APIRouter

        class TenantRouter(APIRouter):
            pass
    """,
}


def test_a_namespace_package_project_with_the_root_above_its_source_root(tmp_path: Path) -> None:
    # Linted from the repository root: src/ is a source root, backend/ is not declared.
    assert served(run_table(tmp_path, NAMESPACE_SRC, "src")) == {("GET", "/users/me", "me", True)}
    # Declared, the modules are named as the code imports them.
    assert served(run_table(tmp_path, NAMESPACE_SRC, "src/backend")) == {
        ("GET", "/users/me", "me", True)
    }


SERVER_CLASS = {
    "server.py": """
        import fastapi
        from fastapi import APIRouter

        class ChromaRouter(fastapi.APIRouter):
            pass

        class Server:
            router = APIRouter(prefix="/admin")

            def __init__(self) -> None:
                self._app = fastapi.FastAPI()
                self.api = ChromaRouter(prefix="/api/v1")
                self.api.add_api_route("/heartbeat", self.heartbeat, methods=["GET"])
                self.api.add_api_route("/reset", self.reset, methods=["POST"])
                self._app.include_router(self.api)
                self._app.include_router(self.router)
                self.setup_health()

            def setup_health(self) -> None:
                @self._app.get("/health")
                def health() -> dict:
                    return {}

            def heartbeat(self) -> dict:
                return {}

            async def reset(self) -> bool:
                return True

            @router.get("/stats")
            def stats(self) -> dict:
                return {}
    """,
}


def test_routers_and_apps_held_as_attributes(tmp_path: Path) -> None:
    entries = table(tmp_path, SERVER_CLASS)
    assert served(entries) == {
        ("GET", "/api/v1/heartbeat", "heartbeat", True),
        ("POST", "/api/v1/reset", "reset", True),
        ("GET", "/health", "health", True),
        ("GET", "/admin/stats", "stats", True),
    }
    assert {entry.root.name for entry in entries} == {"Server._app"}


ROUTE_LISTS = {
    "mlsrv/__init__.py": "",
    "mlsrv/endpoints.py": """
        class Endpoints:
            def __init__(self, plane) -> None:
                self._plane = plane

            async def live(self) -> dict:
                return {}

            async def infer(self, model_name: str) -> dict:
                return {}
    """,
    "mlsrv/app.py": """
        from fastapi import APIRouter, FastAPI
        from fastapi.routing import APIRoute as FastAPIRoute

        from .endpoints import Endpoints

        class APIRoute(FastAPIRoute):
            pass

        def metrics() -> str:
            return ""

        def create_app(plane) -> FastAPI:
            endpoints = Endpoints(plane)
            routes = [
                APIRoute("/v2/health/live", endpoints.live),
                APIRoute("/v2/models/{model_name}/infer", endpoints.infer, methods=["POST"]),
            ]
            routes += [APIRoute("/metrics", metrics)]
            internal = APIRouter(routes=[FastAPIRoute("/internal/metrics", metrics)])
            app = FastAPI(routes=routes)
            app.include_router(internal)
            return app
    """,
}


def test_route_objects_in_lists_handlers_of_another_module_included(tmp_path: Path) -> None:
    entries = table(tmp_path, ROUTE_LISTS)
    assert served(entries) == {
        ("GET", "/v2/health/live", "live", True),
        ("POST", "/v2/models/{model_name}/infer", "infer", True),
        ("GET", "/metrics", "metrics", True),
        ("GET", "/internal/metrics", "metrics", True),
    }
    live = next(entry for entry in entries if entry.handler == "live")
    assert (live.file, live.line, live.is_async) == ("mlsrv/endpoints.py", 5, True)


NOT_ROUTERS = {
    "web/__init__.py": "",
    "web/bus.py": """
        from flask import Flask

        class MessageRouter:
            def route(self, path):
                return lambda f: f

        bus = MessageRouter()
        BLUEPRINTS = [bus, "other"]

        def create_app() -> Flask:
            app = Flask(__name__)
            for blueprint in BLUEPRINTS:
                app.register_blueprint(blueprint)
            return app

        @bus.route("/orders")
        def on_order(message) -> None: ...

        app = create_app()

        @app.route("/index")
        def index() -> str:
            return "hello"
    """,
}


LOOPED = {
    "api/__init__.py": "",
    "api/users.py": """
        from fastapi import APIRouter

        router = APIRouter(prefix="/users")

        @router.get("/me")
        async def me() -> dict:
            return {}
    """,
    "api/items.py": """
        from fastapi import APIRouter

        router = APIRouter(prefix="/items")

        @router.get("/")
        async def items() -> list:
            return []
    """,
    "api/main.py": """
        from fastapi import APIRouter, FastAPI
        from api import items, users

        ROUTERS = [users.router, items.router]
        v1 = APIRouter(prefix="/v1")
        for router in ROUTERS:
            v1.include_router(router)

        def create_app(routers=ROUTERS) -> FastAPI:
            app = FastAPI()
            by_prefix = {router.prefix: router for router in routers}
            for router in by_prefix.values():
                app.include_router(router, prefix="/api")
            for extra in (users.router,):
                app.include_router(extra, prefix="/extra")
            app.include_router(v1)
            return app
    """,
}


def test_routers_included_in_loops_over_lists_of_them(tmp_path: Path) -> None:
    assert sorted(e.path for e in table(tmp_path, LOOPED) if e.included) == [
        "/api/items/",
        "/api/users/me",
        "/extra/users/me",
        "/v1/items/",
        "/v1/users/me",
    ]


def test_look_alike_routers_and_other_frameworks_add_no_routes(tmp_path: Path) -> None:
    assert table(tmp_path, NOT_ROUTERS) == []
