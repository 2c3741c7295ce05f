"""Soak test: `check --fix --unsafe-fixes` on real FastAPI code never breaks it.

The corpus is the git-ignored ``corpus/`` folder filled by ``scripts/fetch_corpus.py``;
the test is skipped without it. A copy is fixed (``corpus/`` itself is never touched),
then every file must still compile and a second run must find nothing left to fix.

Only the fixable rules are selected: the others offer no fix, and skipping them keeps
the run short. By default a subset of the corpus is used (FastAPI's documentation
examples, fastapi-users, opal-server and khoj: about 780 files, every fixable rule but
FAPI101, whose fix the corpus never offers, at work); ``FASTAPI_LINT_SOAK=full`` fixes
the whole corpus (about 1,240 files, a few minutes).
"""

from __future__ import annotations

import os
import shutil
import warnings
from pathlib import Path

import pytest
from click.testing import CliRunner

from corpus_helpers import parity_folders
from fastapi_lint import registry
from fastapi_lint.cli import cli

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
SUBSET = ("fastapi-", "fastapi-users-", "opal-server-", "khoj-")


def _projects() -> list[Path]:
    folders = parity_folders()
    if os.environ.get("FASTAPI_LINT_SOAK") == "full":
        return folders
    return [path for path in folders if path.name.rpartition("-")[0] + "-" in SUBSET]


def _compile_errors(root: Path, original: Path) -> list[str]:
    """Files under ``root`` that do not compile although their original did."""
    broken = []
    for file in sorted(root.rglob("*.py")):
        relative = file.relative_to(root)
        if _compiles(file) or not _compiles(original / relative):
            continue
        broken.append(str(relative))
    return broken


def _compiles(file: Path) -> bool:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(file.read_bytes(), str(file), "exec", dont_inherit=True)
    except (SyntaxError, ValueError):
        return False
    return True


def _check(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["check", *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.skipif(not _projects(), reason="no corpus: run scripts/fetch_corpus.py")
def test_fixing_the_corpus_keeps_every_file_compiling_and_a_second_run_is_a_no_op(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for project in _projects():
        shutil.copytree(project, tmp_path / project.name)
    monkeypatch.chdir(tmp_path)
    fixable = ",".join(rule.code for rule in registry.all_rules() if rule.fixable)
    common = ("--select", fixable, "--unsafe-fixes", "--no-cache", "--exit-zero", "-q")
    code, out, err = _check(".", "--fix", "--show-fixes", "--output-format", "concise", *common)
    assert code == 0, err
    assert "× FAPI202" in out and "× FAPI401" in out, out[-2000:]  # fixes were applied
    assert "does not compile" not in err, err
    assert _compile_errors(tmp_path, CORPUS) == []
    code, out, err = _check(".", "--diff", *common)
    assert (code, out) == (0, ""), out[:3000]
