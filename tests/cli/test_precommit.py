"""The pre-commit hook, run by the real pre-commit tool in a throwaway git repository."""

from __future__ import annotations

from pathlib import Path

from precommit_helpers import BLOCKING, CLEAN, HookRepo, run_pre_commit


def test_hook_fails_on_a_violation(hook_repo: HookRepo, tmp_path: Path) -> None:
    done = run_pre_commit(hook_repo, tmp_path, hook_repo.config(), BLOCKING)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "FAPI101" in done.stdout


def test_hook_passes_on_clean_code(hook_repo: HookRepo, tmp_path: Path) -> None:
    done = run_pre_commit(hook_repo, tmp_path, hook_repo.config(), CLEAN)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Passed" in done.stdout
