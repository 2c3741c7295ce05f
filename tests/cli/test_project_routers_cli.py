"""`check` and `routes` on a project that builds its routers itself, as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from fastapi_lint.cli import cli
from project_helpers import write_tree

# The router class lives in one module, the routes in another, the app in a factory that
# includes the router it is given.
PROJECT = {
    "pyproject.toml": "[project]\nname = 'shop'\ndependencies = ['fastapi>=0.110']\n",
    "shop/__init__.py": "",
    "shop/routing.py": """
        from fastapi import APIRouter

        class ShopRouter(APIRouter):
            def __init__(self, **kwargs):
                kwargs.setdefault("tags", ["shop"])
                super().__init__(**kwargs)
    """,
    "shop/orders.py": """
        from shop.routing import ShopRouter

        router = ShopRouter(prefix="/orders")

        @router.get("/{order_id}", response_model=Order)
        async def read_order(order_id: int) -> Order:
            return await load(order_id)

        @router.get("/{order_id}/lines")
        async def read_lines(id: int) -> list:
            return []
    """,
    "shop/factory.py": """
        from fastapi import APIRouter, FastAPI

        def create_application(router: APIRouter) -> FastAPI:
            application = FastAPI(title="shop")
            application.include_router(router, prefix="/api")
            return application
    """,
    "shop/main.py": """
        from shop.factory import create_application
        from shop.orders import router

        app = create_application(router=router)
    """,
}


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout


@pytest.fixture
def shop(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    write_tree(tmp_path, PROJECT)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_routes_lists_a_project_routers_routes_under_the_factory_built_app(shop: Path) -> None:
    code, out = run("routes", "--no-cache", "--output-format", "json")
    assert code == 0
    routes = json.loads(out)["routes"]
    assert [(r["path"], r["handler"], r["included"]) for r in routes] == [
        ("/api/orders/{order_id}", "read_order", True),
        ("/api/orders/{order_id}/lines", "read_lines", True),
    ]
    assert {r["root"]["name"] for r in routes} == {"application"}
    assert all(r["note"] is None for r in routes)  # never "never included in an app"


def test_route_rules_review_routes_on_a_project_router_class(shop: Path) -> None:
    code, out = run("check", "--no-cache", "--select", "FAPI502,FAPI503", "--output-format", "json")
    assert code == 1
    found = {(d["code"], d["path"], d["line"]) for d in json.loads(out)["diagnostics"]}
    assert found == {
        ("FAPI503", "shop/orders.py", 5),  # response_model repeats the return annotation
        ("FAPI502", "shop/orders.py", 9),  # {order_id} matches no parameter of read_lines
    }


def test_with_the_cache_a_second_run_says_the_same(shop: Path) -> None:
    first = run("check", "--select", "FAPI502,FAPI503", "--output-format", "json")
    second = run("check", "--select", "FAPI502,FAPI503", "--output-format", "json")
    assert first == second
    assert len(json.loads(first[1])["diagnostics"]) == 2
