"""Fixtures shared by several test modules."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from corpus_helpers import CorpusLint, CorpusRuff, corpus_files
from precommit_helpers import HookRepo, snapshot_of_this_project


@pytest.fixture(scope="session")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HookRepo]:
    """This project as a hook repository; one per session, so pre-commit installs it once."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    source = tmp_path_factory.mktemp("hook-source")
    rev = snapshot_of_this_project(source)
    yield HookRepo(source, rev, tmp_path_factory.mktemp("pre-commit-home"))


# Tests that share an expensive session fixture run on one pytest-xdist worker (the
# suite runs with ``-n auto --dist loadgroup``): each worker would build it again.
_GROUPS = (
    ("corpus_runs", "precision-corpus"),
    ("corpus_lint", "parity-corpus"),
    ("corpus_ruff", "parity-corpus"),
    ("hook_repo", "pre-commit"),
    ("pinned_python", "pinned-venv"),
)


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        names = getattr(item, "fixturenames", ())
        group = next((group for fixture, group in _GROUPS if fixture in names), None)
        if group is not None:
            item.add_marker(pytest.mark.xdist_group(group))


def _corpus_or_skip() -> list[Path]:
    files = corpus_files()
    if not files:
        pytest.skip("corpus/ is empty; fill it with scripts/fetch_corpus.py")
    return files


@pytest.fixture(scope="session")
def corpus_lint() -> CorpusLint:
    """Every rule on every corpus file, once per session for all the parity tests."""
    return CorpusLint.run(_corpus_or_skip())


@pytest.fixture(scope="session")
def corpus_ruff() -> CorpusRuff:
    """Ruff with every peer code on every corpus file, once per session."""
    return CorpusRuff.run(_corpus_or_skip())
