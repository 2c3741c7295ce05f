"""What the precision tests share: the scripts as modules, and the corpus linted once.

``scripts/precision.py`` holds every definition the numbers rest on (reading labels,
linting a member, the table); the tests import it rather than say it again.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

SCRIPTS = Path(__file__).resolve().parents[2] / "scripts"
if str(SCRIPTS) not in sys.path:
    sys.path.insert(0, str(SCRIPTS))

import fetch_corpus  # noqa: E402

import precision  # noqa: E402


@pytest.fixture(scope="session")
def corpus_runs() -> dict[str, precision.MemberRun]:
    """Every member of corpus/ linted as its own project with the default rules, once."""
    present = precision.corpus_members(precision.CORPUS)
    if not present:
        pytest.skip("corpus/ is missing: fill it with scripts/fetch_corpus.py")
    missing = [s.folder for s in fetch_corpus.members("precision") if s.folder not in present]
    if missing:
        pytest.fail(f"corpus/ lacks {', '.join(missing)}: run scripts/fetch_corpus.py")
    # No result cache: the numbers are those of the code under test, nothing older.
    return precision.lint_corpus(precision.CORPUS, cache=None)
