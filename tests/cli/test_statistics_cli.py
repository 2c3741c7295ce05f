"""``check --statistics``: counts per rule instead of the findings, through the console script."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

BLOCKING = "import time\n\n\nasync def handler() -> None:\n    time.sleep(1)\n    time.sleep(2)\n"
PRINTS = 'def report() -> None:\n    print("total")\n'
CLEAN = "import asyncio\n\n\nasync def handler() -> None:\n    await asyncio.sleep(1)\n"


def lint(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    script = shutil.which("fastapi-lint", path=str(Path(sys.executable).parent))
    if script is None:
        pytest.skip("fastapi-lint is not installed as a console script")
    return subprocess.run(
        [script, "check", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "NO_COLOR": "1"},
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'demo'\n")
    (tmp_path / "jobs.py").write_text(BLOCKING)
    (tmp_path / "report.py").write_text(PRINTS)
    return tmp_path


def test_statistics_replace_the_findings_and_keep_exit_1(project: Path) -> None:
    done = lint(project, "--statistics", ".")
    assert done.returncode == 1, done.stderr
    assert done.stdout == (
        "2  FAPI101  [*] blocking-call-in-async-function\n"
        "1  FAPI901  [ ] print-call\n"
        "[*] 2 fixable with `--fix`.\n"
    )


def test_statistics_as_json_with_the_json_format(project: Path) -> None:
    done = lint(project, "--statistics", "--output-format", "json", ".")
    assert done.returncode == 1
    assert json.loads(done.stdout) == [
        {"code": "FAPI101", "name": "blocking-call-in-async-function", "count": 2, "fixable": 2},
        {"code": "FAPI901", "name": "print-call", "count": 1, "fixable": 0},
    ]


def test_statistics_of_clean_code_are_empty_and_exit_0(tmp_path: Path) -> None:
    (tmp_path / "ok.py").write_text(CLEAN)
    done = lint(tmp_path, "--statistics", ".")
    assert (done.returncode, done.stdout) == (0, "")
    as_json = lint(tmp_path, "--statistics", "--output-format", "json", ".")
    assert as_json.returncode == 0 and json.loads(as_json.stdout) == []


def test_exit_zero_and_output_file_apply_to_statistics(project: Path) -> None:
    done = lint(project, "--statistics", "--exit-zero", "--output-file", "stats.txt", ".")
    assert done.returncode == 0 and done.stdout == ""
    assert "1  FAPI901  [ ] print-call\n" in (project / "stats.txt").read_text()


def test_statistics_count_only_what_the_baseline_does_not_hide(project: Path) -> None:
    assert lint(project, "--write-baseline", "baseline.json", ".").returncode == 0
    (project / "new.py").write_text(PRINTS.replace("report", "summary"))
    done = lint(project, "--statistics", "--baseline", "baseline.json", ".")
    assert done.returncode == 1
    assert done.stdout == "1  FAPI901  [ ] print-call\n"
