"""An identical ``check`` replayed before its command line is parsed: only when nothing
it observed has changed.

Commands run as users run them (``python -m fastapi_lint``, through ``launch``), each in
a process of its own that reports whether it imported Click: a replayed command never
does. Every change is first checked to change the output of a run that reads no cache
(so the case can fail), then the next command must run again and print that output.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from fastapi_lint.cache_folder import seal

MAIN = """import time


async def handler():
    time.sleep(1)
"""
HELPERS = "def wait() -> None:\n    pass\n"
BLOCKING_HELPERS = "import time\n\n\ndef wait() -> None:\n    time.sleep(1)\n"
CALLER = "from app.helpers import wait\n\n\nasync def handler() -> None:\n    wait()\n"
MODELS = """from pydantic import BaseModel


class User(BaseModel):
    name: str

    class Config:
        orm_mode = True
"""
MIGRATION = 'def upgrade():\n    op.execute("x")\n'

# Runs the program as its script does; says on the last line of stderr whether Click was
# imported (it is, unless the command was replayed).
_PROGRAM = """
import json, sys
from fastapi_lint.launch import main
sys.argv = ["fastapi-lint", *json.loads(sys.argv[1])]
try:
    main()
except SystemExit as done:
    code = done.code
print(json.dumps({"code": code, "replayed": "click" not in sys.modules}), file=sys.stderr)
"""


@dataclass(frozen=True)
class Ran:
    stdout: str
    stderr: tuple[str, ...]
    code: int
    replayed: bool


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "demo"
    _write(root / "pyproject.toml", '[project]\nname = "demo"\n')
    _write(root / "app" / "main.py", MAIN)
    _write(root / "app" / "caller.py", CALLER)
    _write(root / "app" / "helpers.py", HELPERS)
    _write(root / "app" / "models.py", MODELS)
    _write(root / "migrations" / "versions" / "a1.py", MIGRATION)
    _write(root / "assets" / "readme.txt", "No Python here.\n")
    _write(root / ".gitignore", "*.log\n")
    monkeypatch.chdir(root)
    monkeypatch.setenv("FASTAPI_LINT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("NO_COLOR", raising=False)
    return root


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def _run(*args: str) -> Ran:
    done = subprocess.run(
        [sys.executable, "-c", _PROGRAM, json.dumps(["check", *args])],
        env=os.environ.copy(),
        capture_output=True,
        text=True,
        check=True,
    )
    *printed, last = done.stderr.splitlines()
    status = json.loads(last)
    return Ran(done.stdout, tuple(printed), status["code"], status["replayed"])


def _uncached(*args: str) -> Ran:
    return _run("--no-cache", *args)


def _replays(cache: Path) -> list[Path]:
    return sorted(cache.glob("v*-runs/replay-*.json"))


@pytest.mark.parametrize(
    "options",
    [
        ("--no-color",),
        ("--no-color", "-q"),
        ("--output-format", "concise"),
        ("--output-format", "json"),
        ("--output-format", "github"),
        ("--output-format", "concise", "--statistics"),
        ("--output-format", "concise", "--exit-zero"),
    ],
)
def test_an_identical_command_is_replayed_with_the_output_and_exit_code_of_a_run(
    project: Path, options: tuple[str, ...]
) -> None:
    first = _run(*options, ".")
    replayed = _run(*options, ".")
    assert not first.replayed and replayed.replayed
    expected = _uncached(*options, ".")
    assert (replayed.stdout, replayed.code) == (first.stdout, first.code)
    assert (replayed.stdout, replayed.code) == (expected.stdout, expected.code)
    assert replayed.stderr == first.stderr == ()


def test_the_default_cache_folder_and_a_named_one_hold_replays(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("FASTAPI_LINT_CACHE_DIR")
    runs = [_run("--output-format", "concise", ".") for _ in range(3)]
    # The first run creates .fastapi_lint_cache/ in the folder it walked: the second
    # sees a new name there and runs again; the third is replayed.
    assert [run.replayed for run in runs] == [False, False, True]
    assert _replays(project / ".fastapi_lint_cache")
    named = project.parent / "named"
    runs = [_run("--cache-dir", str(named), "--output-format", "concise", ".") for _ in range(2)]
    assert [run.replayed for run in runs] == [False, True]
    assert {run.stdout for run in runs} == {_uncached("--output-format", "concise", ".").stdout}


def _edit_a_linted_file(root: Path) -> None:
    _write(root / "app" / "main.py", MAIN + "\n\ndef more(x):\n    return x\n")


def _add_a_file(root: Path) -> None:
    _write(root / "app" / "new.py", "def more(x):\n    return x\n")


def _add_a_file_where_none_was(root: Path) -> None:
    # No rule looked at this folder: only the walk that found no Python file in it did.
    _write(root / "assets" / "build.py", "def more(x):\n    return x\n")


def _ignore_a_file(root: Path) -> None:
    _write(root / ".gitignore", "*.log\napp/main.py\n")


def _select_other_rules(root: Path) -> None:
    _write(
        root / "pyproject.toml",
        '[project]\nname = "demo"\n[tool.fastapi-lint]\nselect = ["FAPI1"]\n',
    )


def _configure_the_folder_above(root: Path) -> None:
    # The project's pyproject.toml has no table of ours: the nearest one above applies.
    _write(root.parent / "pyproject.toml", '[tool.fastapi-lint]\nselect = ["FAPI1"]\n')


def _declare_pydantic_2(root: Path) -> None:
    _write(root / "requirements.txt", "pydantic>=2\n")


def _make_migrations_an_alembic_folder(root: Path) -> None:
    _write(root / "migrations" / "script.py.mako", "${upgrades}\n")


def _make_the_helper_block(root: Path) -> None:
    _write(root / "app" / "helpers.py", BLOCKING_HELPERS)


def _make_a_linted_file_a_folder(root: Path) -> None:
    (root / "app" / "main.py").unlink()
    _write(root / "app" / "main.py" / "inside.txt", "")


CHANGES: dict[str, tuple[Callable[[Path], None], tuple[str, ...]]] = {
    "a linted file": (_edit_a_linted_file, (".",)),
    "a new file in a linted folder": (_add_a_file, (".",)),
    "a new file in a folder of no Python file": (_add_a_file_where_none_was, (".",)),
    "a .gitignore edited": (_ignore_a_file, (".",)),
    "the configuration": (_select_other_rules, (".",)),
    "a configuration above the working folder": (_configure_the_folder_above, (".",)),
    "a declared version": (_declare_pydantic_2, (".",)),
    "a folder's listing (Alembic's template)": (_make_migrations_an_alembic_folder, (".",)),
    "a file only summarised (partial run)": (_make_the_helper_block, ("app/caller.py",)),
    "a file that became a folder": (_make_a_linted_file_a_folder, (".",)),
}


@pytest.mark.parametrize("change", CHANGES)
def test_a_change_to_anything_the_command_observed_is_seen(project: Path, change: str) -> None:
    make, paths = CHANGES[change]
    args = ("--output-format", "concise", *paths)
    before = _run(*args)
    assert _run(*args).replayed
    make(project)
    expected = _uncached(*args)
    assert expected.stdout != before.stdout, "the change must change the output to mean anything"
    after = _run(*args)
    assert not after.replayed
    assert (after.stdout, after.code) == (expected.stdout, expected.code)


@pytest.mark.parametrize(
    "garbage", ["", "{not json", '{"format": 3, "key": "other"}', "sealed: wrong types"]
)
def test_a_corrupted_replay_is_a_miss_and_the_command_runs(project: Path, garbage: str) -> None:
    args = ("--output-format", "concise", ".")
    expected = _run(*args)
    (replay,) = _replays(project.parent / "cache")
    if garbage == "sealed: wrong types":  # sealed right, but its exit code is text
        payload = json.loads(replay.read_text())
        del payload["checksum"]
        garbage = seal(json.dumps({**payload, "exit": "1"}, separators=(",", ":")))
    replay.write_text(garbage)
    again = _run(*args)
    assert not again.replayed
    assert (again.stdout, again.code) == (expected.stdout, expected.code)


def test_no_replay_is_kept_of_an_output_file_a_warning_or_standard_input(project: Path) -> None:
    cache = project.parent / "cache"
    _run("--output-file", str(project.parent / "out.txt"), ".")
    (project / "empty").mkdir()
    assert _run("empty").stderr  # nothing to lint: it warns on standard error
    assert not _run("empty").replayed
    subprocess.run(
        [sys.executable, "-m", "fastapi_lint", "check", "-"],
        input="x = 1\n",
        env=os.environ.copy(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert not _replays(cache)
