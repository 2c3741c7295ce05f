"""Run the real pre-commit tool on a throwaway repository using this project's hook.

The ``hook_repo`` fixture (tests/conftest.py) commits the working tree into a fresh git
repository once per test session, so pre-commit installs the hook's environment once for
every test that uses it (tests/cli/test_precommit.py and tests/docs/test_ci_docs.py).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
BLOCKING = "import time\n\n\nasync def handler() -> None:\n    time.sleep(1)\n"
CLEAN = "import asyncio\n\n\nasync def handler() -> None:\n    await asyncio.sleep(1)\n"


@dataclass(frozen=True)
class HookRepo:
    """A git repository holding this project, the commit to use, and pre-commit's home."""

    source: Path
    rev: str
    home: Path

    def config(self) -> str:
        """A ``.pre-commit-config.yaml`` using the fastapi-lint hook of this repository."""
        return (
            f"repos:\n  - repo: {self.source.as_posix()}\n    rev: {self.rev}\n    hooks:\n"
            "      - id: fastapi-lint\n"
        )


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


def snapshot_of_this_project(target: Path) -> str:
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


def run_pre_commit(
    hook: HookRepo, user_repo: Path, config: str, code: str
) -> subprocess.CompletedProcess[str]:
    """``pre-commit run --all-files`` in a new repository holding ``config`` and ``app.py``."""
    (user_repo / ".pre-commit-config.yaml").write_text(config)
    (user_repo / "app.py").write_text(code)
    git(user_repo, "init", "-q")
    git(user_repo, "add", "-A")
    # fastapi-lint on PATH, as a user who installed it has it: `language: system` hooks run it.
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    env = {**os.environ, "PATH": path, "PRE_COMMIT_HOME": str(hook.home), "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", "--all-files"],
        cwd=user_repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
