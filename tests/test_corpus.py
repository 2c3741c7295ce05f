"""Real FastAPI code written by others: every rule runs on all of it without a crash.

The corpus (FastAPI's own docs_src tutorials and the servers inside lnbits, khoj,
opal-server, fastapi-users and open-webui) is downloaded by scripts/fetch_corpus.py
into the git-ignored corpus/ folder; CI fetches it before the tests.
"""

from __future__ import annotations

import ast
import warnings
from pathlib import Path

import pytest

from fastapi_lint.engine import FileJob
from fastapi_lint.options import RuleOptions
from fastapi_lint.registry import all_rules
from fastapi_lint.runner import available_cpus, run_jobs

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


def _cpython_accepts(file: Path) -> bool:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # invalid escape sequences in old code
        try:
            ast.parse(file.read_bytes())
        except SyntaxError:
            return False
    return True


def test_every_rule_runs_on_the_whole_corpus_without_error() -> None:
    files = sorted(CORPUS.rglob("*.py")) if CORPUS.is_dir() else []
    if not files:
        pytest.skip("corpus/ is empty; fill it with scripts/fetch_corpus.py")
    jobs = [FileJob(file, str(file.relative_to(CORPUS)), all_rules()) for file in files]
    results = run_jobs(jobs, RuleOptions(), workers=available_cpus(), cache_dir=None)
    errors = [error for result in results for error in result.internal_errors]
    assert errors == []
    unparsed = {r.path for r in results if any(d.code == "FAPI000" for d in r.diagnostics)}
    rejected = {str(f.relative_to(CORPUS)) for f in files if not _cpython_accepts(f)}
    assert unparsed <= rejected, "LibCST failed on files that CPython accepts"
    assert sum(len(result.diagnostics) for result in results) > len(files)
