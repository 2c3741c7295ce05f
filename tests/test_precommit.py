"""The pre-commit hook, run by the real pre-commit tool in a throwaway git repository."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[1]
BLOCKING = "import time\n\n\nasync def handler() -> None:\n    time.sleep(1)\n"
CLEAN = "import asyncio\n\n\nasync def handler() -> None:\n    await asyncio.sleep(1)\n"


def git(cwd: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.com",
    }
    done = subprocess.run(
        ["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def _snapshot_of_this_project(target: Path) -> str:
    """Commit the working tree (tracked and untracked, not ignored) into a fresh repo."""
    listed = git(PROJECT, "ls-files", "--cached", "--others", "--exclude-standard", "-z")
    for name in filter(None, listed.split("\0")):
        source = PROJECT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    git(target, "init", "-q")
    git(target, "add", "-A")
    git(target, "commit", "-q", "-m", "snapshot")
    return git(target, "rev-parse", "HEAD")


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str, Path]]:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    hook_source = tmp_path_factory.mktemp("hook-source")
    rev = _snapshot_of_this_project(hook_source)
    yield hook_source, rev, tmp_path_factory.mktemp("pre-commit-home")


def _run_hook(
    hook: tuple[Path, str, Path], user_repo: Path, code: str
) -> subprocess.CompletedProcess[str]:
    source, rev, home = hook
    (user_repo / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {source.as_posix()}\n    rev: {rev}\n    hooks:\n"
        f"      - id: fastapi-lint\n"
    )
    (user_repo / "app.py").write_text(code)
    git(user_repo, "init", "-q")
    git(user_repo, "add", "-A")
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", "--all-files"],
        cwd=user_repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def test_hook_fails_on_a_violation(hook_repo: tuple[Path, str, Path], tmp_path: Path) -> None:
    done = _run_hook(hook_repo, tmp_path, BLOCKING)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "FAPI101" in done.stdout


def test_hook_passes_on_clean_code(hook_repo: tuple[Path, str, Path], tmp_path: Path) -> None:
    done = _run_hook(hook_repo, tmp_path, CLEAN)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Passed" in done.stdout
