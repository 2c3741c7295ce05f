"""The project findings' cache: keyed by the files' summaries, not their bytes.

An edit the summaries do not show (a comment) reuses the project findings without
running a project rule; any edit they do show, and any change of the rules a file gets,
runs the project step again. Every answer equals the one made without a cache.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

import fastapi_lint.runner.project as project_runner
from fastapi_lint.cli import cli
from fastapi_lint.project.step import run_project_rules

FILES = {
    "pyproject.toml": """\
        [project]
        name = "shop"
        dependencies = ["fastapi>=0.110", "pydantic>=2.5"]
    """,
    "app/__init__.py": "",
    "app/helpers.py": """\
        import requests


        def fetch(url: str) -> bytes:
            return requests.get(url, timeout=5).content
    """,
    "app/users.py": """\
        from fastapi import APIRouter

        from app.helpers import fetch

        router = APIRouter()


        @router.get("/users/{user_id}")
        async def read_user(user_id: int) -> bytes:
            return fetch(f"https://example.com/{user_id}")
    """,
}
Found = set[tuple[str, int, str]]


@pytest.fixture
def shop(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name, text in FILES.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def project_steps(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """One item per run of the project rules (not answered from the cache)."""
    runs: list[int] = []
    real = run_project_rules

    def counting(*args: object, **kwargs: object) -> object:
        runs.append(1)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(project_runner, "run_project_rules", counting)
    return runs


def _check(*args: str) -> Found:
    command = ["check", "--exit-zero", "--output-format", "json", *args, "."]
    result = CliRunner().invoke(cli, command, catch_exceptions=False)
    diagnostics = json.loads(result.stdout)["diagnostics"]
    return {(d["path"], d["line"], d["code"]) for d in diagnostics}


def _chained(found: Found) -> Found:
    return {item for item in found if item[2] == "FAPI102"}


def _edit(file: Path, old: str, new: str) -> None:
    text = file.read_text()
    assert old in text
    file.write_text(text.replace(old, new))


def test_a_comment_reuses_the_project_findings(shop: Path, project_steps: list[int]) -> None:
    first = _check()
    assert _chained(first) == {("app/users.py", 10, "FAPI102")}
    (shop / "app/helpers.py").write_text((shop / "app/helpers.py").read_text() + "# note\n")
    assert _check() == first
    assert len(project_steps) == 1
    assert _check("--no-cache") == first


def test_an_edit_the_summary_shows_runs_the_step_again(
    shop: Path, project_steps: list[int]
) -> None:
    assert _chained(_check())
    _edit(shop / "app/helpers.py", "requests.get(url, timeout=5).content", "url.encode()")
    assert not _chained(_check())
    assert len(project_steps) == 2


def test_lines_moved_by_an_edit_move_the_findings(shop: Path, project_steps: list[int]) -> None:
    _check()
    users = shop / "app/users.py"
    users.write_text("# a header comment\n" + users.read_text())
    assert _chained(_check()) == {("app/users.py", 11, "FAPI102")} == _chained(_check("--no-cache"))


def test_a_noqa_comment_is_seen(shop: Path, project_steps: list[int]) -> None:
    _check()
    _edit(shop / "app/users.py", '{user_id}")\n', '{user_id}")  # noqa: FAPI102\n')
    assert not _chained(_check())


def test_rules_turned_off_for_a_file_are_seen(shop: Path, project_steps: list[int]) -> None:
    """The summaries are unchanged; the rules the file gets are not."""
    _check()
    ignores = '\n[tool.fastapi-lint.per-file-ignores]\n"app/users.py" = ["FAPI102"]\n'
    (shop / "pyproject.toml").write_text((shop / "pyproject.toml").read_text() + ignores)
    assert not _chained(_check())
    assert len(project_steps) == 2
