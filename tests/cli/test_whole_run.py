"""A ``check`` answered whole from its snapshot: only when nothing it read has changed.

Every case compares the cached answer with a run that reads no cache at all, and first
checks that the change it makes does change that answer (so the case can fail).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from fastapi_lint.cli import cli

MODELS = """from pydantic import BaseModel


class User(BaseModel):
    name: str

    class Config:
        orm_mode = True
"""
MAIN = """from app.helpers import wait


async def handler():
    wait()
"""
HELPERS = "def wait() -> None:\n    pass\n"
BLOCKING_HELPERS = "import time\n\n\ndef wait() -> None:\n    time.sleep(1)\n"
MIGRATION = 'def upgrade():\n    op.execute("x")\n'


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project with an app, a helper the app calls, and an Alembic-like revision."""
    root = tmp_path / "demo"
    _write(root / "pyproject.toml", '[project]\nname = "demo"\n')
    _write(root / "app" / "models.py", MODELS)
    _write(root / "app" / "main.py", MAIN)
    _write(root / "app" / "helpers.py", HELPERS)
    _write(root / "migrations" / "versions" / "a1.py", MIGRATION)
    monkeypatch.chdir(root)
    monkeypatch.setenv("FASTAPI_LINT_CACHE_DIR", str(tmp_path / "cache"))
    return root


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def _check(*args: str, cache: bool = True) -> str:
    flags = ["--output-format", "json", "--exit-zero"] if "--output-format" not in args else []
    extra = [] if cache else ["--no-cache"]
    result = CliRunner().invoke(cli, ["check", *flags, *extra, *args], catch_exceptions=False)
    return result.stdout + result.stderr


def _snapshots(cache: Path) -> list[Path]:
    return sorted(path for path in cache.glob("v*-runs/*.json") if "-" not in path.name)


def _kept_outputs(cache: Path) -> list[Path]:
    return sorted(
        path
        for path in cache.glob("v*-runs/*.json")
        if "-" in path.name and "replay-" not in path.name
    )


@pytest.mark.parametrize("output_format", ["text", "concise", "json", "sarif", "github"])
def test_the_answer_from_a_snapshot_is_the_output_of_a_run_without_cache(
    project: Path, output_format: str
) -> None:
    args = ("--output-format", output_format, "--exit-zero", "--no-color", ".")
    linted = _check(*args)
    assert _snapshots(project.parent / "cache"), "the first run keeps a snapshot"
    assert _check(*args) == linted == _check(*args, cache=False)


def _edit_a_linted_file(root: Path) -> None:
    _write(root / "app" / "main.py", MAIN + "\n\ndef more(x):\n    return x\n")


def _declare_pydantic_2(root: Path) -> None:
    _write(root / "requirements.txt", "pydantic>=2\n")


def _make_migrations_an_alembic_folder(root: Path) -> None:
    _write(root / "migrations" / "script.py.mako", "${upgrades}\n")


def _select_other_rules(root: Path) -> None:
    _write(
        root / "pyproject.toml",
        '[project]\nname = "demo"\n[tool.fastapi-lint]\nselect = ["FAPI1"]\n',
    )


def _make_the_helper_block(root: Path) -> None:
    _write(root / "app" / "helpers.py", BLOCKING_HELPERS)


CHANGES: dict[str, tuple[Callable[[Path], None], tuple[str, ...]]] = {
    "a linted file": (_edit_a_linted_file, (".",)),
    "a declared version": (_declare_pydantic_2, (".",)),
    "a folder's listing (Alembic's template)": (_make_migrations_an_alembic_folder, (".",)),
    "the configuration": (_select_other_rules, (".",)),
    "a file only summarised (partial run)": (_make_the_helper_block, ("app/main.py",)),
}


@pytest.mark.parametrize("change", CHANGES)
def test_a_change_to_anything_the_run_read_is_seen(project: Path, change: str) -> None:
    make, paths = CHANGES[change]
    before = _check(*paths)
    assert _check(*paths) == before  # answered from the snapshot
    make(project)
    after = _check(*paths, cache=False)
    assert after != before, "the change must change the findings for this case to mean anything"
    assert _check(*paths) == after


@pytest.mark.parametrize("garbage", ["", "{not json", '{"format": 3, "key": "other"}'])
@pytest.mark.parametrize("kept", ["snapshot", "printed output"])
def test_a_corrupted_cache_file_is_a_miss_and_the_run_is_done_again(
    project: Path, garbage: str, kept: str
) -> None:
    expected = _check(".", cache=False)
    _check(".")
    found = _snapshots if kept == "snapshot" else _kept_outputs
    files = found(project.parent / "cache")
    assert files
    for file in files:
        file.write_text(garbage)
    assert _check(".") == expected


def test_each_kind_of_run_has_one_snapshot_that_edits_overwrite(project: Path) -> None:
    cache = project.parent / "cache"
    _check(".")
    _edit_a_linted_file(project)
    _check(".")
    assert len(_snapshots(cache)) == 1 and len(_kept_outputs(cache)) == 1
    _check("app")
    assert len(_snapshots(cache)) == 2


def test_a_kept_output_gives_the_exit_code_of_its_findings(project: Path) -> None:
    codes = [CliRunner().invoke(cli, ["check", "-q", "."]).exit_code for _ in range(3)]
    assert codes == [1, 1, 1]
    _write(project / "app" / "main.py", "")
    _write(project / "app" / "models.py", "")
    _write(project / "migrations" / "versions" / "a1.py", "")
    codes = [CliRunner().invoke(cli, ["check", "-q", "."]).exit_code for _ in range(3)]
    assert codes == [0, 0, 0]


def test_a_narrowed_report_is_not_printed_from_a_kept_output(project: Path) -> None:
    everything = _check(".")
    assert _check(".") == everything  # printed from the kept output
    baseline = project.parent / "baseline.json"
    CliRunner().invoke(cli, ["check", "--write-baseline", str(baseline), "."])
    narrowed = _check("--baseline", str(baseline), ".")
    assert narrowed != everything
    assert narrowed == _check("--baseline", str(baseline), ".", cache=False)


def test_a_run_with_a_missing_path_reports_it_every_time(project: Path) -> None:
    for _ in range(2):
        result = CliRunner().invoke(cli, ["check", "app", "nowhere"])
        assert result.exit_code == 2 and "nowhere" in result.stderr
    assert not _snapshots(project.parent / "cache")


_IN_PROCESS = """
import json, sys
from fastapi_lint.cli import main
sys.argv = ["fastapi-lint", "check", "--output-format", "json", "--exit-zero", "."]
try:
    main()
except SystemExit:
    pass
heavy = ("libcst", "fastapi_lint.rule", "fastapi_lint.registry")
heavy += ("fastapi_lint.reporters.json_format",)
loaded = [name for name in heavy if name in sys.modules]
print(json.dumps(loaded), file=sys.stderr)
"""


def _modules_loaded(root: Path) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", _IN_PROCESS],
        cwd=root,
        env=os.environ.copy(),
        capture_output=True,
        text=True,
        check=True,
    )
    loaded: list[str] = json.loads(done.stderr.strip().splitlines()[-1])
    return loaded


def test_an_unchanged_run_imports_neither_the_rules_nor_libcst(project: Path) -> None:
    everything = ["libcst", "fastapi_lint.rule", "fastapi_lint.registry"]
    assert _modules_loaded(project) == [*everything, "fastapi_lint.reporters.json_format"]
    assert _modules_loaded(project) == []  # nor the reporter: it prints the kept output
    _edit_a_linted_file(project)
    assert "libcst" in _modules_loaded(project)
