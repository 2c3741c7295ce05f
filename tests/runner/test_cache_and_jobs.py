"""The result cache and worker processes: same answers, less work, never an error."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import fastapi_lint.cache as cache_module
import fastapi_lint.runner.jobs as runner
from fastapi_lint.cli import cli
from fastapi_lint.options import RuleOptions
from fastapi_lint.registry import all_rules, rule_by_code
from fastapi_lint.runner.jobs import FileJob, lint_job, run_jobs

BLOCKING = "import time\n\n\nasync def handler() -> None:\n    time.sleep(1)\n"
CLEAN = "import asyncio\n\n\nasync def handler() -> None:\n    await asyncio.sleep(1)\n"


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Records every file that actually got linted (not answered from the cache)."""
    seen: list[str] = []
    real = runner.lint_bytes

    def counting(data: bytes, path: str, *args: object, **kwargs: object) -> object:
        seen.append(path)
        return real(data, path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(runner, "lint_bytes", counting)
    return seen


def job(file: Path, codes: tuple[str, ...] = ("FAPI101",)) -> FileJob:
    rules = tuple(rule for code in codes if (rule := rule_by_code(code)) is not None)
    return FileJob(file, file.name, rules)


def test_unchanged_file_is_answered_from_the_cache(tmp_path: Path, parses: list[str]) -> None:
    source = tmp_path / "app.py"
    source.write_text(BLOCKING)
    first = lint_job(job(source), RuleOptions(), tmp_path / "cache")
    second = lint_job(job(source), RuleOptions(), tmp_path / "cache")
    assert parses == ["app.py"]
    assert first == second and [d.code for d in second.diagnostics] == ["FAPI101"]


def test_changed_content_is_linted_again(tmp_path: Path, parses: list[str]) -> None:
    source = tmp_path / "app.py"
    source.write_text(BLOCKING)
    lint_job(job(source), RuleOptions(), tmp_path / "cache")
    source.write_text(CLEAN)
    result = lint_job(job(source), RuleOptions(), tmp_path / "cache")
    assert parses == ["app.py", "app.py"] and result.diagnostics == ()


def test_changed_options_invalidate(tmp_path: Path, parses: list[str]) -> None:
    source = tmp_path / "app.py"
    source.write_text(BLOCKING)
    lint_job(job(source), RuleOptions(), tmp_path / "cache")
    lint_job(job(source), RuleOptions(max_complexity=3), tmp_path / "cache")
    assert len(parses) == 2


def test_changed_rule_selection_invalidates(tmp_path: Path, parses: list[str]) -> None:
    source = tmp_path / "app.py"
    source.write_text(BLOCKING)
    lint_job(job(source, ("FAPI101",)), RuleOptions(), tmp_path / "cache")
    result = lint_job(job(source, ("FAPI202",)), RuleOptions(), tmp_path / "cache")
    assert len(parses) == 2 and "FAPI101" not in {d.code for d in result.diagnostics}


def test_new_version_invalidates(
    tmp_path: Path, parses: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "app.py"
    source.write_text(BLOCKING)
    lint_job(job(source), RuleOptions(), tmp_path / "cache")
    monkeypatch.setattr(cache_module, "__version__", "99.0.0")
    lint_job(job(source), RuleOptions(), tmp_path / "cache")
    assert len(parses) == 2


def _entries(cache_dir: Path) -> list[Path]:
    return sorted(cache_dir.glob("v*/*/*.json"))


@pytest.mark.parametrize("garbage", ["{not json", '{"format": 1, "key": "someone-else"}', ""])
def test_corrupted_or_foreign_entry_is_ignored_and_rewritten(
    tmp_path: Path, parses: list[str], garbage: str
) -> None:
    source = tmp_path / "app.py"
    source.write_text(BLOCKING)
    lint_job(job(source), RuleOptions(), tmp_path / "cache")
    (entry,) = _entries(tmp_path / "cache")
    entry.write_text(garbage)
    result = lint_job(job(source), RuleOptions(), tmp_path / "cache")
    assert [d.code for d in result.diagnostics] == ["FAPI101"] and len(parses) == 2
    assert json.loads(entry.read_text())["format"] == cache_module._FORMAT


def test_unwritable_cache_only_costs_speed(tmp_path: Path) -> None:
    source = tmp_path / "app.py"
    source.write_text(BLOCKING)
    blocker = tmp_path / "cache"
    blocker.write_text("a file where the cache folder should be")
    result = lint_job(job(source), RuleOptions(), blocker)
    assert [d.code for d in result.diagnostics] == ["FAPI101"]


def test_cache_folder_ignores_itself_for_git(tmp_path: Path) -> None:
    source = tmp_path / "app.py"
    source.write_text(BLOCKING)
    lint_job(job(source), RuleOptions(), tmp_path / "cache")
    assert (tmp_path / "cache" / ".gitignore").read_text().splitlines()[-1] == "*"


def test_results_with_internal_errors_are_not_cached(tmp_path: Path) -> None:
    from fastapi_lint.models import FileResult, InternalError

    store = cache_module.ResultCache(tmp_path / "cache")
    store.store("ab" * 32, FileResult("x.py", internal_errors=(InternalError("x.py", "r", "m"),)))
    assert _entries(tmp_path / "cache") == []


def _write_project(root: Path, count: int) -> None:
    for index in range(count):
        body = BLOCKING if index % 3 == 0 else CLEAN
        (root / f"module_{index:03}.py").write_text(body)
    (root / "broken.py").write_text("def broken(:\n")


def test_worker_processes_give_the_same_results_in_the_same_order(tmp_path: Path) -> None:
    _write_project(tmp_path, 40)
    jobs = [FileJob(file, file.name, all_rules()) for file in sorted(tmp_path.glob("*.py"))]
    serial = run_jobs(jobs, RuleOptions(), workers=1, cache_dir=None)
    parallel = run_jobs(jobs, RuleOptions(), workers=2, cache_dir=None)
    assert parallel == serial


def _cli(root: Path, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "fastapi_lint", "check", "--output-format", "json", *args, "."],
        cwd=root, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode in (0, 1), done.stderr
    return done.stdout


def test_cli_output_is_identical_cold_warm_and_with_any_jobs(tmp_path: Path) -> None:
    _write_project(tmp_path, 30)
    cold = _cli(tmp_path, "--no-cache", "--jobs", "1")
    assert _cli(tmp_path, "--no-cache", "--jobs", "2") == cold
    assert _cli(tmp_path) == cold  # fills .fastapi_lint_cache/
    assert (tmp_path / ".fastapi_lint_cache").is_dir()
    assert _cli(tmp_path) == cold  # answered from it


def test_two_runs_at_once_share_the_cache_safely(tmp_path: Path) -> None:
    _write_project(tmp_path, 60)
    command = [sys.executable, "-m", "fastapi_lint", "check", "-q", "--output-format", "concise",
               "--jobs", "1", "."]  # fmt: skip
    runs = [subprocess.Popen(command, cwd=tmp_path, stdout=subprocess.PIPE, text=True)
            for _ in range(2)]  # fmt: skip
    outputs = [run.communicate()[0] for run in runs]
    assert outputs[0] == outputs[1] and outputs[0].count("FAPI101") == 20
    assert _cli(tmp_path).count('"FAPI101"') == 21  # 20 findings + the summary's by_code key
    assert not list((tmp_path / ".fastapi_lint_cache").rglob(".tmp-*"))


def test_no_cache_and_cache_dir_and_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "app.py").write_text(BLOCKING)
    monkeypatch.chdir(tmp_path)
    CliRunner().invoke(cli, ["check", "--no-cache", "."])
    assert not (tmp_path / ".fastapi_lint_cache").exists()
    CliRunner().invoke(cli, ["check", "--cache-dir", "elsewhere", "."])
    assert list((tmp_path / "elsewhere").glob("v*"))
    monkeypatch.setenv("FASTAPI_LINT_CACHE_DIR", str(tmp_path / "from-env"))
    CliRunner().invoke(cli, ["check", "."])
    assert list((tmp_path / "from-env").glob("v*"))
