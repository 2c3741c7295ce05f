"""The route table over routers the project builds itself: subclasses, factories, attributes."""

from __future__ import annotations

from pathlib import Path

from fastapi_lint.project_model.routes import RouteEntry, route_table
from project_helpers import project_of


def table(root: Path, files: dict[str, str]) -> list[RouteEntry]:
    return route_table(project_of(root, files))


def served(entries: list[RouteEntry]) -> set[tuple[str, str, str, bool]]:
    """(method, full path, handler, included in an app) of each route."""
    return {(",".join(e.methods), e.path, e.handler, e.included) for e in entries}


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
