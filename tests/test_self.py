"""The project follows the checklist it enforces, and its own code-quality gates."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[1]


def _tool(module: str) -> list[str]:
    if shutil.which(module, path=str(Path(sys.executable).parent)) is None:
        pytest.skip(f"{module} is not installed (pip install -e '.[test]')")
    return [sys.executable, "-m", module]


def _run(command: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=PROJECT, capture_output=True, text=True, check=False)


def test_fastapi_lint_finds_nothing_in_its_own_source() -> None:
    done = _run(
        [sys.executable, "-m", "fastapi_lint", "check", "--output-format", "concise", "src"]
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_ruff_check_is_clean() -> None:
    done = _run([*_tool("ruff"), "check", "src", "tests", "scripts"])
    assert done.returncode == 0, done.stdout + done.stderr


def test_mypy_strict_is_clean() -> None:
    done = _run([*_tool("mypy")])
    assert done.returncode == 0, done.stdout + done.stderr
