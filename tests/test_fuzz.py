"""Fuzzing: generated programs and mutated real files never break a run or a fix.

For every program: linting gives no internal error (a crash would take pytest down);
when it compiles, the fixed code compiles too; a second fix changes nothing. Bounded:
a fixed number of examples, derandomised so that CI runs the same ones; set
``FASTAPI_LINT_FUZZ_EXAMPLES`` (and ``FASTAPI_LINT_FUZZ_SEED``) to search wider.
"""

from __future__ import annotations

import os
import random
import warnings
from collections.abc import Callable
from pathlib import Path

import hypothesmith
import pytest
from hypothesis import HealthCheck, given, settings

from fastapi_lint.fixer.files import fix_bytes
from fastapi_lint.fixer.source import FixSettings
from fastapi_lint.options import RuleOptions
from fastapi_lint.registry import all_rules
from fastapi_lint.runner.single_file import lint_source

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
# Generating programs is the slow part (~0.5 s each); mutated files cost ~20 ms.
EXAMPLES = int(os.environ.get("FASTAPI_LINT_FUZZ_EXAMPLES", "40"))
MUTANTS = 4 * EXAMPLES
SEED = int(os.environ.get("FASTAPI_LINT_FUZZ_SEED", "19"))
RULES = all_rules()
OPTIONS = RuleOptions()
EVERY_FIX = FixSettings(unsafe=True, write=False)


def compiles(source: str) -> bool:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(source, "fuzz.py", "exec", dont_inherit=True)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


def holds_up(source: str) -> None:
    """The properties every input must have; fails with the input when one does not."""
    result = lint_source(source, "fuzz.py", RULES, OPTIONS)
    assert result.internal_errors == (), (source, result.internal_errors)
    fixed = fix_bytes(source.encode(), "fuzz.py", RULES, OPTIONS, EVERY_FIX)
    assert fixed.result.internal_errors == (), (source, fixed.result.internal_errors)
    if fixed.text is None:
        return
    if compiles(source):
        assert compiles(fixed.text), (source, fixed.text)
    again = fix_bytes(fixed.text.encode(), "fuzz.py", RULES, OPTIONS, EVERY_FIX)
    assert again.text is None, (fixed.text, again.text)


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize="FASTAPI_LINT_FUZZ_SEED" not in os.environ,
    suppress_health_check=list(HealthCheck),
)
@given(hypothesmith.from_node())
def test_generated_programs(source: str) -> None:
    holds_up(source)


# -- mutated real files ---------------------------------------------------------------------


def _delete_line(lines: list[str], rng: random.Random) -> None:
    lines.pop(rng.randrange(len(lines)))


def _duplicate_line(lines: list[str], rng: random.Random) -> None:
    index = rng.randrange(len(lines))
    lines.insert(index, lines[index])


def _swap_lines(lines: list[str], rng: random.Random) -> None:
    a, b = rng.randrange(len(lines)), rng.randrange(len(lines))
    lines[a], lines[b] = lines[b], lines[a]


def _reindent_line(lines: list[str], rng: random.Random) -> None:
    index = rng.randrange(len(lines))
    lines[index] = rng.choice(["\t", "    ", "  ", "\t   "]) + lines[index].lstrip(" ")


def _insert_characters(lines: list[str], rng: random.Random) -> None:
    index = rng.randrange(len(lines))
    line = lines[index]
    cut = rng.randrange(len(line) + 1)
    noise = rng.choice(["(", ")", "[", "]", "{", "}", ":", '"', "'", "\\", "\x00", "\u00e9", "f'{"])
    lines[index] = line[:cut] + noise + line[cut:]


def _truncate(lines: list[str], rng: random.Random) -> None:
    del lines[rng.randrange(len(lines)) :]


MUTATIONS: tuple[Callable[[list[str], random.Random], None], ...] = (
    _delete_line,
    _duplicate_line,
    _swap_lines,
    _reindent_line,
    _insert_characters,
    _truncate,
)


def mutated_sources(count: int, seed: int) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    files = sorted(p for p in FIXTURES.rglob("*.py") if p.stat().st_size < 20_000)
    chosen: list[tuple[str, str]] = []
    for _ in range(count):
        path = rng.choice(files)
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines(keepends=True)
        for _ in range(rng.randint(1, 3)):
            if lines:
                rng.choice(MUTATIONS)(lines, rng)
        chosen.append((str(path.relative_to(FIXTURES)), "".join(lines)))
    return chosen


@pytest.mark.parametrize(("name", "source"), mutated_sources(MUTANTS, SEED))
def test_mutated_fixture_files(name: str, source: str) -> None:
    holds_up(source)
