"""The route table: prefixes from routers and includes, nested routers, roots and notes."""

from __future__ import annotations

from pathlib import Path

from fastapi_lint.project_model.routes import RouteEntry, route_table
from project_helpers import project_of

ROUTER = "from fastapi import APIRouter\n"


def table(root: Path, files: dict[str, str]) -> list[RouteEntry]:
    return route_table(project_of(root, files))


def paths(entries: list[RouteEntry]) -> list[tuple[str, str, str]]:
    return [(",".join(e.methods), e.path, e.handler) for e in entries]


NESTED = {
    "app/__init__.py": "",
    "app/main.py": """
        from fastapi import FastAPI
        from app.api import api_router

        app = FastAPI()

        @app.get("/health")
        async def health() -> dict:
            return {}

        app.include_router(api_router, prefix="/api")
    """,
    "app/api/__init__.py": "from .router import api_router\n",
    "app/api/router.py": """
        from fastapi import APIRouter
        from app.api.routes import items, users

        api_router = APIRouter(prefix="/v1")
        api_router.include_router(users.router, prefix="/users")
        api_router.include_router(items.router)
    """,
    "app/api/routes/__init__.py": "",
    "app/api/routes/users.py": """
        from fastapi import APIRouter, Depends

        router = APIRouter(dependencies=[Depends(audit)])
        admin = APIRouter(prefix="/admin")

        @router.get("/{user_id}", response_model=UserOut)
        async def read_user(user_id: int, db=Depends(get_db)) -> User:
            ...

        @admin.delete("/{user_id}")
        def delete_user(user_id: int) -> None:
            ...

        router.include_router(admin)
    """,
    "app/api/routes/items.py": """
        from fastapi import APIRouter

        router = APIRouter(prefix="/items")

        @router.api_route("/", methods=["GET", "POST"])
        async def items() -> list:
            ...
    """,
}


def test_prefixes_from_routers_and_includes_are_joined_through_nested_routers(
    tmp_path: Path,
) -> None:
    assert paths(table(tmp_path, NESTED)) == [
        ("GET", "/health", "health"),
        ("GET", "/api/v1/users/{user_id}", "read_user"),
        ("DELETE", "/api/v1/users/admin/{user_id}", "delete_user"),
        ("GET,POST", "/api/v1/items/", "items"),
    ]


def test_each_route_carries_its_handler_details_and_inherited_dependencies(
    tmp_path: Path,
) -> None:
    read_user = next(e for e in table(tmp_path, NESTED) if e.handler == "read_user")
    assert read_user.file == "app/api/routes/users.py" and read_user.line == 7
    assert read_user.is_async and read_user.included and read_user.note is None
    assert read_user.response_model == "UserOut" and read_user.return_annotation == "User"
    assert read_user.dependencies == ("audit", "get_db")
    assert read_user.root.name == "app" and read_user.root.path == "app/main.py"


def test_a_router_included_twice_is_listed_under_both_prefixes(tmp_path: Path) -> None:
    files = {
        "main.py": """
            from fastapi import FastAPI
            import v

            app = FastAPI()
            app.include_router(v.router, prefix="/v1")
            app.include_router(v.router, prefix="/v2")
        """,
        "v.py": ROUTER + "router = APIRouter()\n\n@router.get('/ping')\ndef ping(): ...\n",
    }
    assert [e.path for e in table(tmp_path, files)] == ["/v1/ping", "/v2/ping"]


def test_a_router_never_included_is_listed_with_a_note(tmp_path: Path) -> None:
    files = {
        "admin.py": ROUTER
        + "router = APIRouter(prefix='/admin')\n\n@router.post('/x')\ndef x(): ...\n"
    }
    (entry,) = table(tmp_path, files)
    assert entry.path == "/admin/x" and not entry.included
    assert entry.note == "router `router` (admin.py:2) is never included in an app"


def test_app_factories_mounts_and_router_factories_are_followed(tmp_path: Path) -> None:
    files = {
        "main.py": """
            from fastapi import FastAPI
            from routes import make_router, public

            def create_app() -> FastAPI:
                application = FastAPI()
                application.include_router(make_router(), prefix="/made")
                built = make_router()
                application.include_router(built, prefix="/built")
                application.mount("/public", public)
                return application
        """,
        "routes.py": """
            from fastapi import APIRouter, FastAPI

            public = FastAPI()

            @public.get("/status")
            def status(): ...

            def make_router() -> APIRouter:
                router = APIRouter()

                @router.get("/thing")
                def thing(): ...

                return router
        """,
    }
    found = {(e.root.name, e.path) for e in table(tmp_path, files)}
    assert found >= {
        ("application", "/made/thing"),
        ("application", "/built/thing"),
        ("application", "/public/status"),
    }


def test_a_prefix_read_from_settings_is_replaced_by_its_value(tmp_path: Path) -> None:
    files = {
        "config.py": """
            class Settings:
                API_V1_STR: str = "/api/v1"

            settings = Settings()
            VERSION = "/v2"
        """,
        "main.py": """
            from fastapi import APIRouter, FastAPI
            from config import VERSION, settings

            app = FastAPI()
            router = APIRouter(prefix=VERSION)

            @router.get("/x")
            def x(): ...

            app.include_router(router, prefix=settings.API_V1_STR)
            app.include_router(router, prefix=get_prefix())
        """,
    }
    assert [e.path for e in table(tmp_path, files)] == ["/api/v1/v2/x", "<get_prefix()>/v2/x"]


def test_include_cycles_are_walked_once(tmp_path: Path) -> None:
    files = {
        "main.py": """
            from fastapi import APIRouter, FastAPI

            app = FastAPI()
            a = APIRouter(prefix="/a")
            b = APIRouter(prefix="/b")

            @b.get("/x")
            def x(): ...

            a.include_router(b)
            b.include_router(a)
            app.include_router(a)
        """,
    }
    assert [e.path for e in table(tmp_path, files)] == ["/a/b/x"]


def test_websocket_routes_and_add_api_route_registrations_are_listed(tmp_path: Path) -> None:
    files = {
        "main.py": """
            from fastapi import FastAPI

            app = FastAPI()

            @app.websocket("/ws")
            async def ws(websocket): ...

            def listing(): ...

            app.add_api_route("/items", listing, methods=["GET"])
        """,
    }
    assert paths(table(tmp_path, files)) == [
        ("WEBSOCKET", "/ws", "ws"),
        ("GET", "/items", "listing"),
    ]


def test_dependencies_through_imported_annotated_aliases(tmp_path: Path) -> None:
    files = {
        "deps.py": """
            from typing import Annotated
            from fastapi import Depends

            SessionDep = Annotated[Session, Depends(get_session)]
        """,
        "main.py": """
            from fastapi import Depends, FastAPI, Request
            from deps import SessionDep

            app = FastAPI()

            @app.get("/x")
            def x(request: Request, session: SessionDep, user=Depends(current_user)): ...
        """,
    }
    (entry,) = table(tmp_path, files)
    assert entry.dependencies == ("get_session", "current_user")
