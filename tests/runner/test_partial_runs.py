"""Partial runs: a file gets the same findings whichever way it is linted.

``check .``, ``check FILE`` (what pre-commit and ``--diff-from`` pass), ``check
--stdin-filename FILE -`` (an editor), the pre-commit hook with pre-commit's own file
splitting, and the language server: the project rules (FAPI102, FAPI504, FAPI510 and
FAPI603's project step) reason over the whole project in each, and report in the
files named only.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from corpus_helpers import CORPUS
from fastapi_lint import registry
from fastapi_lint.cli import cli
from fastapi_lint.runner.single_file import lint_file
from lsp_client import LspClient
from precommit_helpers import HookRepo, git

PROJECT = {
    "pyproject.toml": """\
        [project]
        name = "shop"
        dependencies = ["fastapi>=0.110", "pydantic>=2.5"]
    """,
    "app/__init__.py": "",
    "app/models.py": """\
        from pydantic import BaseModel


        class User(BaseModel):
            name: str
    """,
    "app/helpers.py": """\
        import requests

        from app.models import User


        def fetch(url: str) -> bytes:
            return requests.get(url, timeout=5).content


        def dump(user: User) -> dict[str, str]:
            return user.dict()
    """,
    "app/api/__init__.py": "",
    "app/api/users.py": """\
        from fastapi import APIRouter

        from app.helpers import fetch
        from app.models import User

        router = APIRouter()


        @router.get("/users/{user_id}")
        async def read_user(user_id: int) -> bytes:
            return fetch(f"https://example.com/{user_id}")


        @router.get("/users/{user_id}/avatar")
        async def read_avatar(user_id: int) -> dict[str, str]:
            return User(name="x").dict()
    """,
    "app/api/orders.py": """\
        from fastapi import APIRouter

        router = APIRouter()


        @router.get("/users/{id}/orders")
        async def read_orders(id: int) -> list[int]:
            return [id]
    """,
    "app/api/legacy.py": """\
        from fastapi import APIRouter

        router = APIRouter()


        @router.get("/users/{user_id}")
        async def read_user_again(user_id: int) -> int:
            return user_id
    """,
    "app/main.py": """\
        from fastapi import FastAPI

        from app.api import legacy, orders, users

        app = FastAPI()
        app.include_router(users.router)
        app.include_router(orders.router)
        app.include_router(legacy.router)
    """,
}
PROJECT_RULES = {"FAPI102", "FAPI504", "FAPI510", "FAPI603"}
Found = set[tuple[str, int, str]]


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    root = tmp_path / "shop"
    for name, text in PROJECT.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    return root


def _check(root: Path, monkeypatch: pytest.MonkeyPatch, *args: str, stdin: str = "") -> Found:
    monkeypatch.chdir(root)
    command = ["check", "--exit-zero", "--output-format", "json", *args]
    result = CliRunner().invoke(cli, command, input=stdin, catch_exceptions=False)
    diagnostics = json.loads(result.stdout)["diagnostics"]
    return {(d["path"], d["line"], d["code"]) for d in diagnostics}


def _in(found: Found, path: str) -> Found:
    return {item for item in found if item[0] == path}


def _files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*.py"))


def test_the_fixture_has_project_findings_a_lone_file_misses(shop: Path) -> None:
    """Both sides: the project rules fire across files, and not on a file alone."""
    full = {code for _, _, code in _check_full(shop)}
    assert full >= PROJECT_RULES
    users = shop / "app/api/users.py"
    alone = lint_file(users, "app/api/users.py", registry.select_rules()).diagnostics
    assert not {d.code for d in alone} & {"FAPI102", "FAPI510", "FAPI504"}


def _check_full(root: Path) -> Found:
    old = Path.cwd()
    os.chdir(root)
    try:
        command = ["check", "--exit-zero", "--output-format", "json", "--no-cache", "."]
        result = CliRunner().invoke(cli, command, catch_exceptions=False)
    finally:
        os.chdir(old)
    return {(d["path"], d["line"], d["code"]) for d in json.loads(result.stdout)["diagnostics"]}


@pytest.mark.parametrize("cache", [False, True])
def test_each_file_alone_gets_what_the_whole_run_gives_it(
    shop: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, cache: bool
) -> None:
    caching = ["--cache-dir", str(tmp_path / "cache")] if cache else ["--no-cache"]
    full = _check(shop, monkeypatch, *caching, ".")
    for name in _files(shop):
        assert _check(shop, monkeypatch, *caching, name) == _in(full, name), name


def test_a_cold_partial_run_warms_the_cache_for_the_whole_run(
    shop: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    caching = ["--cache-dir", str(tmp_path / "cache")]
    partial = _check(shop, monkeypatch, *caching, "app/api/users.py")
    full = _check(shop, monkeypatch, *caching, ".")
    assert partial == _in(full, "app/api/users.py")
    assert full == _check_full(shop)


def test_standard_input_named_after_a_file_gets_its_findings(
    shop: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    full = _check_full(shop)
    for name in ("app/api/users.py", "app/api/orders.py", "app/helpers.py"):
        text = (shop / name).read_text()
        found = _check(shop, monkeypatch, "--no-cache", "--stdin-filename", name, stdin=text)
        assert found == _in(full, name), name


def test_unsaved_text_on_standard_input_stands_in_for_the_file(
    shop: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    name = "app/api/users.py"
    edited = (shop / name).read_text().replace("return fetch(", "return bytes(")
    found = _check(shop, monkeypatch, "--no-cache", "--stdin-filename", name, stdin=edited)
    codes = {code for _, _, code in found}
    assert "FAPI102" not in codes
    assert "FAPI603" in codes  # the project step ran: ``User`` is defined in another module


def test_fixing_some_files_leaves_the_others_alone(
    shop: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = {name: (shop / name).read_text() for name in _files(shop)}
    monkeypatch.chdir(shop)
    CliRunner().invoke(cli, ["check", "--no-cache", "--fix", "app/api/users.py"])
    after = {name: (shop / name).read_text() for name in _files(shop)}
    assert after["app/api/users.py"] != before["app/api/users.py"]  # FAPI603's fix
    assert {n: t for n, t in after.items() if n != "app/api/users.py"} == {
        n: t for n, t in before.items() if n != "app/api/users.py"
    }


# -- pre-commit --------------------------------------------------------------------------


def _pre_commit(hook: HookRepo, repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PRE_COMMIT_HOME": str(hook.home), "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", *args],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def _hook_config(hook: HookRepo) -> str:
    # Each invocation says so; not serial, so pre-commit splits the files between processes.
    entry = 'sh -c \'echo "::invocation::"; exec fastapi-lint check --force-exclude "$@"\' --'
    return (
        f"repos:\n  - repo: {hook.source.as_posix()}\n    rev: {hook.rev}\n    hooks:\n"
        f"      - id: fastapi-lint\n        entry: {entry}\n        require_serial: false\n"
        "        args: [--output-format, concise, --no-cache]\n"
    )


def _concise(output: str) -> Found:
    found: Found = set()
    for line in output.splitlines():
        parts = line.split(":", 3)
        if len(parts) == 4 and parts[3].strip().startswith("FAPI") and parts[1].isdigit():
            found.add((parts[0], int(parts[1]), parts[3].split()[0]))
    return found


def test_the_pre_commit_hook_splitting_files_agrees_with_a_whole_run(
    hook_repo: HookRepo, shop: Path
) -> None:
    (shop / ".pre-commit-config.yaml").write_text(_hook_config(hook_repo))
    git(shop, "init", "-q")
    git(shop, "add", "-A")
    everything = _pre_commit(hook_repo, shop, "--all-files")
    assert everything.stdout.count("::invocation::") >= 2, everything.stdout
    full = _check_full(shop)
    assert _concise(everything.stdout) == full
    one = _pre_commit(hook_repo, shop, "--files", "app/api/users.py", "app/main.py")
    expected = _in(full, "app/api/users.py") | _in(full, "app/main.py")
    assert _concise(one.stdout) == expected


# -- the language server -----------------------------------------------------------------


@pytest.fixture
def server(shop: Path) -> Iterator[LspClient]:
    client = LspClient(cwd=shop)
    try:
        client.initialize(shop)
        yield client
        client.shutdown()
    finally:
        client.kill()


def test_the_language_server_agrees_with_a_whole_run(server: LspClient, shop: Path) -> None:
    full = _check_full(shop)
    name = "app/api/users.py"
    path = shop / name
    server.open(path, path.read_text())
    found = server.wait_for(
        "textDocument/publishDiagnostics",
        lambda p: p["uri"] == path.as_uri() and "FAPI102" in {d["code"] for d in p["diagnostics"]},
    )
    published = {(name, d["range"]["start"]["line"] + 1, d["code"]) for d in found["diagnostics"]}
    assert published == _in(full, name)


# -- a real project ----------------------------------------------------------------------

MEMBER = "lnbits-0.12.12"


def test_a_corpus_project_partial_run_agrees_with_its_whole_run(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    root = CORPUS / MEMBER
    if not root.is_dir():
        pytest.skip(f"corpus/{MEMBER} is missing; fill corpus/ with scripts/fetch_corpus.py")
    full = _check(root, monkeypatch, "--no-cache", ".")
    chained = sorted({path for path, _, code in full if code in PROJECT_RULES})[:3]
    assert chained, "the member has project findings to compare"
    partial = _check(root, monkeypatch, "--no-cache", *chained)
    assert partial == {item for item in full if item[0] in chained}
