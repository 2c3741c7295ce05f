"""The review behind the HTML page: routes, dependencies, findings by endpoint, functions.

Built by ``check --output-format html`` from the run's own records, so the page lists the
routes ``fastapi-lint routes`` prints, in the same order.
"""

from __future__ import annotations

import json
import tempfile
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_html_report import Page, parse

from fastapi_lint.cli import cli
from fastapi_lint.review import SourceFile
from fastapi_lint.runner.review import measured

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"

APP = {
    "app/__init__.py": "",
    "app/main.py": """\
        from fastapi import FastAPI

        from app.routers import users

        app = FastAPI()
        app.include_router(users.router, prefix="/api")
        """,
    "app/deps.py": """\
        import time


        async def get_user() -> str:
            time.sleep(1)
            return "me"
        """,
    "app/routers/__init__.py": "",
    "app/routers/users.py": """\
        from fastapi import APIRouter, Depends, status

        from app.deps import get_user

        router = APIRouter(prefix="/users")


        @router.post("/", status_code=status.HTTP_201_CREATED)
        async def create(user: str = Depends(get_user)) -> str:
            return user


        @router.get("/{user_id}")
        async def read(user_id: int) -> int:
            return user_id
        """,
}


def write_project(root: Path, files: dict[str, str]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text("[project]\nname = 'demo'\n")
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(textwrap.dedent(text))
    return root


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout


def page_of(project: Path, monkeypatch: pytest.MonkeyPatch, *flags: str) -> tuple[str, Page]:
    monkeypatch.chdir(project)
    with tempfile.TemporaryDirectory() as folder:  # never beside a fixture in the repository
        out = Path(folder) / f"{project.name}-review.html"
        code, _ = run("check", "--no-cache", "--output-format", "html", "-o", str(out), *flags, ".")
        assert code in (0, 1) and out.is_file()
        html = out.read_text(encoding="utf-8")
    return html, parse(html)


def endpoints(page: Page) -> list[dict[str, str | None]]:
    return [attrs for _, attrs in page.with_class("endpoint")]


def routes_json(project: Path, monkeypatch: pytest.MonkeyPatch) -> list[dict]:
    monkeypatch.chdir(project)
    code, out = run("routes", "--no-cache", "--output-format", "json", ".")
    assert code == 0
    routes: list[dict] = json.loads(out)["routes"]
    return routes


@pytest.mark.parametrize("name", ["project_app", "sample_app"])
def test_the_page_lists_what_fastapi_lint_routes_prints(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = FIXTURES / name
    routes = routes_json(project, monkeypatch)
    _, page = page_of(project, monkeypatch)
    listed = [row["data-route"] for row in endpoints(page)]
    assert listed == [f"{' '.join(r['methods'])} {r['path']}" for r in routes]
    handlers = [a.get("href") for _, a in page.elements if a.get("data-handler") is not None]
    assert len(handlers) == len(routes)
    assert [a.get("data-handler") for _, a in page.elements if "data-handler" in a] == [
        f"{r['file']}:{r['line']}" for r in routes
    ]


def test_findings_in_a_dependency_concern_the_endpoint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = write_project(tmp_path / "api", APP)
    html, page = page_of(project, monkeypatch)
    rows = {row["data-route"]: row for row in endpoints(page)}
    assert set(rows) == {"POST /api/users/", "GET /api/users/{user_id}"}
    assert "clean" in (rows["GET /api/users/{user_id}"]["class"] or "")
    assert "clean" not in (rows["POST /api/users/"]["class"] or "")
    assert "in dependency <code>get_user</code>" in html
    assert "<code>status.HTTP_201_CREATED</code>" in html
    # The dependency links to its def in app/deps.py.
    deps = next(a["data-path"] for a in page.tags("details") if a.get("data-path") == "app/deps.py")
    assert deps == "app/deps.py"


def test_a_router_no_app_includes_is_marked(monkeypatch: pytest.MonkeyPatch) -> None:
    html, page = page_of(FIXTURES / "project_app", monkeypatch)
    assert "never included in an app" in html
    assert "POST /admin/reindex" in [row["data-route"] for row in endpoints(page)]


def test_a_chain_reaches_the_endpoint_through_helpers(monkeypatch: pytest.MonkeyPatch) -> None:
    html, page = page_of(FIXTURES / "project_app", monkeypatch)
    (row,) = [r for r in endpoints(page) if r["data-route"] == "GET /api/v1/items/"]
    assert row["class"] == "endpoint"
    steps = [a.get("class") for _, a in page.elements if (a.get("class") or "").startswith("step")]
    assert "step start" in steps and "step sink" in steps


def test_the_baseline_state_reaches_the_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = write_project(tmp_path / "api", APP)
    monkeypatch.chdir(project)
    assert run("check", "--no-cache", "--write-baseline", "b.json", ".")[0] == 0
    recorded = len(json.loads((project / "b.json").read_text())["findings"])
    assert recorded >= 2, "the FAPI101 in a dependency and the FAPI501 of its route"
    html, page = page_of(project, monkeypatch, "--baseline", "b.json")
    assert f"{recorded} findings hidden by the baseline recorded in b.json." in html
    assert all("clean" in (row["class"] or "") for row in endpoints(page))


def test_functions_are_measured_as_radon_scores_them() -> None:
    source = SourceFile(
        "app/x.py",
        "class A:\n    def m(self, x):\n        if x:\n            return 1\n        return 2\n\n"
        "def f():\n    def inner():\n        pass\n    return [i for i in range(3) if i]\n",
    )
    found = {(f.name, f.span.line, f.span.end_line, f.complexity) for f in measured(source)}
    # Each method once (radon lists it under its class too), closures inside their function.
    assert found == {("A.m", 2, 5, 2), ("f", 7, 10, 3)}
    assert list(measured(SourceFile("app/bad.py", "def (:\n"))) == []
