"""A real editor on the language server: Neovim's built-in LSP client, headless.

Neovim (0.7+), configured with the README's ``init.lua`` snippet for its version, starts
``fastapi-lint server`` itself (found on ``PATH``, as a user's install is), shows the
findings of the file it opens, applies the quick fix of FAPI101 the way
``vim.lsp.buf.code_action()`` does, and follows an edit typed into the buffer.
``nvim_session.lua`` drives it and writes what happened to a JSON file; this test reads
it. The stdio JSON-RPC tests (``test_server.py``) check the protocol itself.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

NVIM = shutil.which("nvim")
SCRIPT = Path(__file__).with_name("nvim_session.lua")
README = Path(__file__).resolve().parents[2] / "README.md"
# The console script of the package under test, as `pip install` puts it on PATH.
SCRIPTS = Path(sys.executable).parent
SOURCE = textwrap.dedent(
    """\
    import time


    async def handler() -> None:
        time.sleep(1)


    def f(a: int):
        return a
    """
)

pytestmark = pytest.mark.skipif(NVIM is None, reason="Neovim (nvim) is not installed")


def _nvim_version() -> tuple[int, ...]:
    assert NVIM is not None
    first = subprocess.run([NVIM, "--version"], capture_output=True, text=True).stdout
    numbers = first.split()[1].lstrip("v").split("-")[0]
    return tuple(int(part) for part in numbers.split(".")[:2])


def readme_init_lua() -> str:
    """The README's ``init.lua`` for Neovim 0.7 to 0.9, as a user would paste it."""
    text = README.read_text(encoding="utf-8")
    found = re.search(r"^Neovim 0\.7 to 0\.9 .*?```lua\n(.*?)```", text, re.M | re.S)
    assert found is not None, "the README has no init.lua for Neovim 0.7 to 0.9"
    return found.group(1)


def _session(tmp_path: Path) -> dict:
    assert NVIM is not None
    assert (SCRIPTS / "fastapi-lint").is_file(), "the package is not installed in this venv"
    project = tmp_path / "project"
    project.mkdir()
    (project / "pyproject.toml").write_text("[tool.fastapi-lint]\n")
    app = project / "app.py"
    app.write_text(SOURCE)
    init = tmp_path / "init.lua"
    init.write_text(readme_init_lua())
    result = tmp_path / "result.json"
    env = {
        **os.environ,
        "PATH": f"{SCRIPTS}{os.pathsep}{os.environ.get('PATH', '')}",
        "FASTAPI_LINT_FILE": str(app),
        "FASTAPI_LINT_NVIM_OUT": str(result),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
    }
    # The last "qall!" ends Neovim even if the script could not run at all.
    script = ["-c", f"luafile {SCRIPT}", "-c", "qall!"]
    command = [NVIM, "--headless", "-n", "-i", "NONE", "-u", str(init), *script]
    done = subprocess.run(
        command, cwd=project, env=env, capture_output=True, text=True, timeout=180, check=False
    )
    assert result.is_file(), done.stdout + done.stderr
    outcome: dict = json.loads(result.read_text())
    return outcome


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> dict:
    if _nvim_version() < (0, 7):
        pytest.skip("Neovim 0.7 or newer has the built-in LSP client")
    return _session(tmp_path_factory.mktemp("nvim"))


def _step(session: dict, name: str) -> dict:
    return next(step for step in session["steps"] if step["step"] == name)


def test_neovim_shows_the_servers_findings_for_the_open_file(session: dict) -> None:
    assert session["ok"], session.get("error")
    assert (session["filetype"], session["client"]) == ("python", "fastapi-lint")
    opened = _step(session, "opened")
    assert [(f["code"], f["line"]) for f in opened["findings"]] == [
        ("FAPI101", 5),
        ("FAPI202", 8),
    ]
    assert "time.sleep" in opened["findings"][0]["message"]


def test_neovim_applies_the_quick_fix(session: dict) -> None:
    assert session["ok"], session.get("error")
    assert session["applied"] == "FAPI101: Use `await asyncio.sleep()`"
    titles = _step(session, "code actions")["titles"]
    assert "FAPI101: add `# noqa: FAPI101` to this line" in titles
    lines = session["after_fix"]
    assert lines[:2] == ["import asyncio", "import time"]
    assert "    await asyncio.sleep(1)" in lines
    # The fixed buffer is linted again: only the missing return annotation is left.
    assert [f["code"] for f in _step(session, "fixed")["findings"]] == ["FAPI202"]


def test_neovim_follows_an_edit_typed_into_the_buffer(session: dict) -> None:
    assert session["ok"], session.get("error")
    edited = _step(session, "edited")
    assert [(f["code"], f["line"]) for f in edited["findings"]] == [
        ("FAPI202", 9),
        ("FAPI101", 14),
    ]
    # Unsaved text: the server linted what is in the buffer, not the file on disk.
    assert session["modified"] is True


def test_every_neovim_snippet_in_the_readme_is_valid_lua(tmp_path: Path) -> None:
    """The snippets for newer Neovims cannot run on this one; they must at least parse."""
    assert NVIM is not None
    blocks = re.findall(r"```lua\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    assert len(blocks) >= 3
    for index, block in enumerate(blocks):
        snippet = tmp_path / f"snippet{index}.lua"
        snippet.write_text(block)
        check = f"lua assert(loadstring(io.open([[{snippet}]]):read('*a')))"
        done = subprocess.run(
            [NVIM, "--headless", "--clean", "-n", "-i", "NONE", "-c", check, "-c", "qall!"],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert "Error" not in done.stderr + done.stdout, (block, done.stderr)
