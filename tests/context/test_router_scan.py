"""The project scan for app, router and route builders: what it finds, what it leaves alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from fastapi_lint.context.router_scan import layout_key, scan_router_kinds
from fastapi_lint.context.routers import Builder, RouterKinds
from project_helpers import write_tree


def scan(root: Path, files: dict[str, str], *roots: str) -> RouterKinds:
    write_tree(root, files)
    return scan_router_kinds(sorted(root.rglob("*.py")), root, [root / r for r in roots])


# Shaped like Prefect's server: the router class in a utilities module, used everywhere.
PREFECT_LIKE = {
    "orion/__init__.py": "",
    "orion/utilities/__init__.py": "from .server import OrionRouter\n",
    "orion/utilities/server.py": """
        from typing import Any
        from fastapi import APIRouter
        from fastapi.routing import APIRoute

        class OrionAPIRoute(APIRoute):
            def get_route_handler(self): ...

        class OrionRouter(APIRouter):
            def __init__(self, **kwargs: Any) -> None:
                kwargs.setdefault("route_class", OrionAPIRoute)
                super().__init__(**kwargs)
    """,
    "orion/api/__init__.py": "",
    "orion/api/flows.py": """
        from orion.utilities.server import OrionRouter

        router = OrionRouter(prefix="/flows", tags=["Flows"])
    """,
    "orion/api/versioned.py": """
        from orion import utilities

        class Versioned(utilities.OrionRouter):
            pass
    """,
    "orion/api/admin.py": """
        from .versioned import Versioned

        class AdminRouter(Versioned):
            pass
    """,
}


def test_router_and_route_subclasses_are_found_at_any_depth_and_in_any_module(
    tmp_path: Path,
) -> None:
    kinds = scan(tmp_path, PREFECT_LIKE)
    assert kinds.router_classes >= {
        "orion.utilities.server.OrionRouter",
        "orion.api.versioned.Versioned",  # its own line never says "Router"
        "orion.api.admin.AdminRouter",
    }
    assert kinds.route_classes == {"orion.utilities.server.OrionAPIRoute"}
    # The re-export in ``orion/utilities/__init__.py`` names the same class.
    assert kinds.builder("orion.utilities.OrionRouter") is Builder.ROUTER_CLASS
    assert kinds.app_classes == kinds.router_factories == frozenset()


def test_factories_of_routers_router_classes_and_apps_are_found(tmp_path: Path) -> None:
    files = {
        "svc/__init__.py": "",
        "svc/routing.py": """
            from typing import Type
            from fastapi import APIRouter as FastAPIRouter, FastAPI

            def get_api_router_class(prefix: str) -> Type[FastAPIRouter]:
                class _Router(FastAPIRouter):
                    pass
                return _Router

            def unannotated_class_factory():
                class Local(FastAPIRouter):
                    pass
                return Local

            APIRouter = get_api_router_class("/v1")

            def get_router() -> FastAPIRouter:
                return FastAPIRouter()

            def make_router():
                router = APIRouter(prefix="/made")
                return router

            def create_app(settings=None):
                app = FastAPI(title="svc")
                app.include_router(get_router())
                return app
        """,
    }
    kinds = scan(tmp_path, files)
    assert kinds.router_class_factories == {
        "svc.routing.get_api_router_class",
        "svc.routing.unannotated_class_factory",
    }
    assert kinds.router_classes == {"svc.routing.APIRouter"}
    assert kinds.router_factories == {"svc.routing.get_router", "svc.routing.make_router"}
    assert kinds.app_factories == {"svc.routing.create_app"}


def test_app_subclasses_and_their_factories(tmp_path: Path) -> None:
    files = {
        "server/app.py": """
            from fastapi import FastAPI

            class ChatApp(FastAPI):
                def setup_state(self) -> None: ...
        """,
        "server/main.py": """
            from server.app import ChatApp

            def build() -> "ChatApp":
                return ChatApp()
        """,
    }
    kinds = scan(tmp_path, files)
    assert kinds.app_classes == {"server.app.ChatApp"}
    assert kinds.app_factories == {"server.main.build"}


def test_classes_named_like_routers_that_are_not_fastapi_routers_stay_out(tmp_path: Path) -> None:
    files = {
        "bus/router.py": """
            from pydantic import BaseModel
            from starlette.routing import Router
            from flask import Flask

            class RouterSettings(BaseModel):
                prefix: str = "/"

            class MessageRouter:
                def route(self, path): ...

            class StarletteRouter(Router):
                pass

            class FlaskApp(Flask):
                pass

            def get_router() -> MessageRouter:
                return MessageRouter()

            def make_app():
                app = FlaskApp(__name__)
                return app
        """,
    }
    assert not scan(tmp_path, files)


def test_a_class_named_after_the_router_it_derives_from(tmp_path: Path) -> None:
    # Fides: ``class APIRouter(FastAPIRouter)``, imported by every endpoint module.
    files = {
        "fides/__init__.py": "",
        "fides/util/__init__.py": "",
        "fides/util/api_router.py": """
            from fastapi import APIRouter as FastAPIRouter

            class APIRouter(FastAPIRouter):
                def api_route(self, path, **kwargs): ...
        """,
        "fides/compat.py": """
            from fastapi import APIRouter

            class APIRouter(APIRouter):
                pass
        """,
    }
    kinds = scan(tmp_path, files)
    assert kinds.router_classes == {"fides.util.api_router.APIRouter", "fides.compat.APIRouter"}


def test_cycles_of_bases_and_aliases_terminate(tmp_path: Path) -> None:
    files = {
        "loop.py": """
            from fastapi import APIRouter

            class ARouter(BRouter):
                pass

            class BRouter(ARouter):
                pass

            CRouter = DRouter
            DRouter = CRouter
        """,
    }
    assert not scan(tmp_path, files)


def test_unreadable_and_broken_files_are_skipped(tmp_path: Path) -> None:
    files = {
        "broken.py": "class Router(APIRouter:\n",
        "ok.py": "from fastapi import APIRouter\n\nclass OkRouter(APIRouter): ...\n",
    }
    write_tree(tmp_path, files)
    (tmp_path / "latin.py").write_bytes(b"# \xff\xfe\nclass X(APIRouter): ...\n")
    missing = tmp_path / "gone.py"
    found = scan_router_kinds([*sorted(tmp_path.rglob("*.py")), missing], tmp_path)
    assert found.router_classes == {"ok.OkRouter"}


# A monorepo linted from its top: the service's code in a namespace package below it.
MONOREPO = {
    "pyproject.toml": "",
    "services/api/app/core/routing.py": """
        from fastapi import APIRouter

        class TenantRouter(APIRouter):
            pass
    """,
    "services/api/app/routes/users.py": """
        from app.core.routing import TenantRouter
        from ..core import routing

        router = TenantRouter(prefix="/users")

        class ScopedRouter(routing.TenantRouter):
            pass
    """,
}


def test_namespace_packages_below_a_root_above_the_source_root(tmp_path: Path) -> None:
    kinds = scan(tmp_path, MONOREPO)
    # No pyproject.toml in services/api: named from the root, imports retried below it.
    assert kinds.router_classes == {
        "services.api.app.core.routing.TenantRouter",
        "services.api.app.routes.users.ScopedRouter",
    }
    assert kinds.builder("app.core.routing.TenantRouter") is Builder.ROUTER_CLASS


def test_source_roots_name_the_modules(tmp_path: Path) -> None:
    kinds = scan(tmp_path, MONOREPO, "services/api")
    assert kinds.router_classes == {
        "app.core.routing.TenantRouter",
        "app.routes.users.ScopedRouter",
    }


def test_a_lookup_matches_a_name_spelled_from_another_root_but_never_a_bare_name() -> None:
    kinds = RouterKinds(router_classes=frozenset({"backend.app.routing.TenantRouter"}))
    assert kinds.builder("app.routing.TenantRouter") is Builder.ROUTER_CLASS
    assert kinds.builder("repo.backend.app.routing.TenantRouter") is Builder.ROUTER_CLASS
    assert kinds.builder("other.TenantRouter") is None
    assert kinds.builder("TenantRouter") is None
    assert RouterKinds().builder("app.routing.TenantRouter") is None


def test_the_fingerprint_covers_every_kind() -> None:
    names = frozenset({"m.X"})
    records = [
        RouterKinds(),
        RouterKinds(router_classes=names),
        RouterKinds(app_classes=names),
        RouterKinds(router_factories=names),
        RouterKinds(router_class_factories=names),
        RouterKinds(app_factories=names),
        RouterKinds(route_classes=names),
    ]
    assert len({record.fingerprint() for record in records}) == len(records)


def test_the_record_round_trips_through_json_and_rejects_anything_else() -> None:
    kinds = RouterKinds(
        router_classes=frozenset({"a.R"}), app_factories=frozenset({"a.make", "b.make"})
    )
    assert RouterKinds.from_json(kinds.as_json()) == kinds
    for bad in ([], {"router class": "a.R"}, {"no such kind": []}, {"app class": [1]}):
        with pytest.raises(ValueError):
            RouterKinds.from_json(bad)


def test_the_layout_key_changes_with_a_file_and_not_without(tmp_path: Path) -> None:
    write_tree(tmp_path, {"a.py": "x = 1\n", "b.py": "y = 2\n"})
    files = sorted(tmp_path.rglob("*.py"))
    key = layout_key(files, tmp_path)
    assert layout_key(list(reversed(files)), tmp_path) == key
    (tmp_path / "b.py").write_text("y = 22\n")
    assert layout_key(files, tmp_path) != key
    assert layout_key(files, tmp_path, [tmp_path / "src"]) != layout_key(files, tmp_path)
    assert layout_key([*files, tmp_path / "gone.py"], tmp_path) != layout_key(files, tmp_path)


def test_router_kinds_are_true_when_any_kind_has_a_name() -> None:
    import dataclasses

    assert not RouterKinds()
    for kind in dataclasses.fields(RouterKinds):
        assert RouterKinds(**{kind.name: frozenset({"app.routing.TenantRouter"})}), kind.name
