"""Parity: FAPI401 reports exactly ruff's RET505-RET508, FAPI405 scores exactly like radon,
and FAPI404 counts lines exactly like an independent count made from ``ast`` and ``tokenize``.

The inputs are an inline set of tricky snippets, the fixtures of the structure rules and,
when ``scripts/fetch_corpus.py`` has filled it, every ``.py`` file of the git-ignored
corpus/. ``# noqa`` comments are ignored on both sides, so that only the rules compare.
Each group of local inputs is linted once per complexity limit, with the three rules
together; the corpus comes from the session's shared run (tests/corpus_helpers.py), made
at the lowest limit.
"""

from __future__ import annotations

import ast
import functools
import io
import re
import textwrap
import tokenize
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest

from corpus_helpers import (
    CORPUS_OPTIONS,
    PEER_TWINS,
    ROOT,
    CorpusLint,
    CorpusRuff,
    Item,
    keep_all,
    parsed,
    run_ruff,
    write_snippets,
)
from fastapi_lint.engine import lint as engine
from fastapi_lint.models import FileResult
from fastapi_lint.options import RuleOptions
from fastapi_lint.rules.structure.function_too_long import FunctionTooLong
from fastapi_lint.rules.structure.superfluous_else import SuperfluousElse
from fastapi_lint.rules.structure.too_complex import TooComplex
from fastapi_lint.runner.single_file import lint_source

FIXTURE_DIRS = [
    ROOT / "fixtures" / "rules" / name
    for name in (
        "superfluous_else",
        "exit_in_else_branch",
        "too_deeply_nested",
        "function_too_long",
        "too_complex",
    )
]
RUFF_EXITS = {"RET505": "return", "RET506": "raise", "RET507": "continue", "RET508": "break"}
# The corpus is linted at the lowest limit (the shared run's): it serves every limit.
LIMITS = (CORPUS_OPTIONS.max_complexity, 10)
# FAPI404 counts are compared for every function longer than this.
LINES_LIMIT = CORPUS_OPTIONS.max_function_lines
STRUCTURE_RULES = (SuperfluousElse, TooComplex, FunctionTooLong)
# The peer semantics the parity tests compare; the rules' defaults have their own oracles.
PEER_OPTIONS: dict[str, Any] = {"strict": ("FAPI401", "FAPI405"), "count_physical_lines": True}
_FAPI401 = re.compile(r"^Unnecessary `(?:else|elif)` after `(\w+)` statement")
_FAPI405 = re.compile(
    r"^`(?P<name>\w+)` is too complex: cyclomatic complexity (?P<score>\d+) "
    r"\(rank (?P<rank>[A-F]), limit (?P<limit>\d+)\)$"
)

SNIPPETS = {
    "elif_chains": """
        def first_clause_only(a, b):
            if a:
                return 1
            elif b:
                return 2
            else:
                return 3

        def exit_in_elif_only(a, b):
            if a:
                x = 1
            elif b:
                return 2
            else:
                return 3
            return x

        def elif_after_raise(a):
            if a is None:
                raise ValueError
            elif a < 0:
                x = 0
            else:
                x = a
            return x
    """,
    "exit_anywhere_in_branch": """
        def dead_code_after_return(a):
            if a:
                return 1
                print("never")
            else:
                pass

        def exit_not_last(a):
            if a:
                x = 1; return x
            else: pass

        def nested_exit_only(a, b):
            if a:
                if b:
                    return 1
            else:
                return 2
    """,
    "loops": """
        def loops(rows):
            for row in rows:
                if row is None:
                    continue
                elif row == 0:
                    break
                else:
                    print(row)
            while rows:
                if rows.pop():
                    break
                else:
                    continue
            else:
                return None

        async def async_loop(stream):
            async for item in stream:
                if not item: continue
                else: print(item)
    """,
    "blocks": """
        def inside_blocks(a, lock):
            try:
                if a:
                    return 1
                else:
                    pass
            except ValueError:
                if a:
                    raise
                else:
                    pass
            else:
                if a: return 2
                else: pass
            finally:
                print("done")
            with lock:
                if a:
                    raise RuntimeError
                # a comment between the branches
                else:  # and one on the else
                    pass
            match a:
                case 1:
                    if a:
                        return 3
                    else:
                        pass
                case _:
                    pass
            try:
                pass
            except* ValueError:
                if a:
                    return 4
                elif a is None:
                    pass
    """,
    "generators": """
        def plain_generator(a):
            yield 1
            if a:
                return
            else:
                pass

        def delegating(a):
            if a:
                return
            else:
                yield from range(3)

        def lambda_yield(a):
            f = lambda: (yield)
            if a:
                return f
            else:
                return None

        def yield_in_nested_default(a):
            def inner(x=(yield)):
                if x:
                    return 1
                else:
                    return 2
            if a:
                return inner
            else:
                return None

        def yield_in_nested_body(a):
            def inner():
                yield 1
            if a:
                return inner
            else:
                return None
    """,
    "scopes": """
        import sys

        if sys.argv:
            raise SystemExit(0)
        else:
            pass

        class Service:
            if sys.platform == "win32":
                raise ImportError
            else:
                pass

            def method(self, a):
                if a:
                    return 1
                else:
                    return 2

            class Inner:
                def deep(self, a):
                    if a:
                        raise KeyError(a)
                    else:
                        return a

        def outer(a):
            class Local:
                def method(self, b):
                    if b:
                        return b
                    else:
                        return -b

            def closure(c):
                if c:
                    return c
                else:
                    return 0

            if a:
                return Local, closure
            else:
                return None
    """,
    "tabs_and_suites": (
        "def tabs(a):\n"
        "\tif a:\n"
        "\t\treturn 1\n"
        "\telse:\n"
        "\t\treturn 2\n"
        "\n"
        "def one_liners(a):\n"
        "    if a: return 1\n"
        "    elif a is None: return 2\n"
        "    else: return 3\n"
    ),
    "fastapi_routes": """
        from fastapi import APIRouter, HTTPException

        router = APIRouter()

        @router.get("/items/{item_id}")
        async def read_item(item_id: int) -> dict:
            item = await find(item_id)
            if not item:
                raise HTTPException(status_code=404)
            return item

        @router.put("/items/{item_id}")
        async def update_item(item_id: int, name: str) -> dict:
            item = await find(item_id)
            if item is None:
                raise HTTPException(status_code=404)
            elif not name:
                raise HTTPException(status_code=422)
            else:
                item["name"] = name
            if item.get("locked"):
                if item.get("owner"):
                    raise HTTPException(status_code=403)
                else:
                    raise HTTPException(status_code=423)
            else:
                return item

        @router.delete("/items/{item_id}")
        def delete_item(item_id: int) -> None:
            for attempt in range(3):
                try:
                    if remove(item_id):
                        break
                    else:
                        continue
                except OSError:
                    if attempt == 2:
                        raise
                    else:
                        continue
            else:
                raise HTTPException(status_code=500)
    """,
    "line_counts": (
        "def documented():\n"
        '    """Doc.\n\n    # inside the docstring\n    """\n'
        "    # a comment\n\n"
        '    text = """\n\n# string content\n"""\n'
        "    data = {\n"
        '        "a": 1,  # trailing comment\n'
        "        # comment inside brackets\n\n"
        "    }\n"
        '    name = f"""{text}\n\n{data!r}"""\n'
        "\n"
        "    @staticmethod\n"
        "    # between decorator and def\n"
        "    def inner(): return [\n        1,\n    ]\n"
        "    # trailing comment of the body\n"
        "    return inner\n"
        "    # after the last statement\n"
        "\n"
        "def one_liner(): return '''\n\n\n\n\n\n\n'''\n"
    ),
    "line_counts_continued": (
        "def documented():\n"
        '    """Doc.\n\n    # inside the docstring\n    """\n'
        "    # a comment\n\n"
        '    text = """\n\n# string content\n"""\n'
        "    data = {\n"
        '        "a": 1,  # trailing comment\n'
        "        # comment inside brackets\n\n"
        "    }\n"
        "    total = 1 + \\\n        2\n"
        '    name = f"""{text}\n\n{data!r}"""\n'
        "\n"
        "    @staticmethod\n"
        "    # between decorator and def\n"
        "    def inner(): return [\n        1,\n    ]\n"
        "    # trailing comment of the body\n"
        "    return inner\n"
        "    # after the last statement\n"
        "\n"
        "def one_liner(): return '''\n\n\n\n\n\n\n'''\n"
    ),
    "radon_counts": """
        def asserts(a, b):
            assert a and b or (a if b else b), [x for x in a if x]
            assert a
            return a

        def lambdas_and_comprehensions(rows):
            key = lambda r, d=(1 if rows else 2): r and d or 0
            pairs = {k: v for k in rows if k for v in k if v if v > 1}
            flat = [x async for x in rows] if rows else []
            gen = (x for x in rows)
            found = {x for x in rows if x}
            return key, pairs, flat, gen, found

        def strings(a, b):
            return f"{a if b else b!r:>{10 if a else 5}}" + f"{a or b}"

        def walrus_and_ternaries(a):
            if (n := len(a)) > 3 and n < 10 or not a:
                return n if n else -n
            return 0

        def loops(a):
            for x in a:
                pass
            else:
                pass
            while a:
                break
            else:
                pass
            async_ok = [y for y in a]
            return async_ok

        async def async_loops(a):
            async for x in a:
                pass
            async with a:
                pass
            return [x async for x in a if x]

        def tries(a):
            try:
                pass
            except (ValueError, TypeError):
                pass
            except KeyError:
                pass
            else:
                pass
            finally:
                pass
            try:
                pass
            except* OSError:
                pass
            except* ValueError:
                pass
            else:
                pass
            with open(a) as f, open(a) as g:
                pass

        def matches(a):
            match a:
                case 1 | 2:
                    pass
                case [x, *rest] if x and rest:
                    pass
                case {"k": v}:
                    pass
                case _:
                    pass
            match a:
                case other:
                    pass
            match a:
                case 3:
                    pass
                case (_):
                    pass
            match a:
                case 4:
                    pass
                case _ as whole:
                    pass
            match a:
                case str() if a:
                    pass
                case _ if a:
                    pass
    """,
    "radon_scopes": """
        def decorated_default(a):
            return a

        @decorated_default(1 if True else 2)
        def outer(a=1 if True else 2, *, b: int = 3 or 4) -> int if True else str:
            @decorated_default(a if a else a)
            def closure(c=a or a):
                if c:
                    def deeper(d):
                        return d and c and a
                    return deeper
                return None

            class Local:
                x = 1 if a else 2

                def method(self, b):
                    if b and a or b:
                        return b if b else -b
                    for i in b:
                        if i:
                            return i
                    return None

            if a:
                return closure
            return Local

        class Service:
            flag = True if outer else False

            if flag:
                def conditional_method(self, a):
                    return a and a or a if a else a

            class Inner:
                def method(self, a):
                    if a or a:
                        return 1
                    elif a and a:
                        return 2
                    return 3

                class Innermost:
                    def method(self, a):
                        return [x for x in a if x if x]

            def method(self, a):
                def helper(b):
                    return b if b else a if a else None
                if a:
                    return helper
                return None

        try:
            import json
        except ImportError:
            def fallback(a):
                if a:
                    return a
                while a:
                    a -= 1
                return a and a or a
    """,
}


@dataclass(frozen=True, slots=True)
class Linted:
    """One input file and what FAPI401, FAPI404 and FAPI405 found in it."""

    path: Path
    source: str
    result: FileResult

    @property
    def parsed(self) -> bool:
        return parsed(self.result)


def _snippet_files(directory: Path) -> list[Path]:
    snippets = {name: textwrap.dedent(code).lstrip("\n") for name, code in SNIPPETS.items()}
    return write_snippets(directory, snippets)


def _fixture_files() -> list[Path]:
    return [file for directory in FIXTURE_DIRS for file in sorted(directory.glob("*.py"))]


def _read(file: Path) -> str:
    return file.read_text(encoding="utf-8", errors="replace")


def _lint(files: Iterable[Path], limit: int, peer: bool) -> list[Linted]:
    options = RuleOptions(
        max_complexity=limit, max_function_lines=LINES_LIMIT, **(PEER_OPTIONS if peer else {})
    )
    linted = []
    with pytest.MonkeyPatch.context() as patch:
        # The comparison is between rules: suppression comments must not hide findings.
        patch.setattr(engine, "unsuppressed", keep_all)
        for file in files:
            source = _read(file)
            result = lint_source(source, str(file), STRUCTURE_RULES, options)
            linted.append(Linted(file.resolve(), source, result))
    return linted


@pytest.fixture(scope="module")
def local_files(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return [*_snippet_files(tmp_path_factory.mktemp("structure-parity")), *_fixture_files()]


def _as_rule(result: FileResult, twins: dict[str, str]) -> FileResult:
    """The twins' findings under the code of the rule they mirror."""
    kept = [replace(d, code=twins[d.code]) for d in result.diagnostics if d.code in twins]
    kept += [d for d in result.diagnostics if d.code == "FAPI000"]
    return replace(result, diagnostics=tuple(kept))


@pytest.fixture(scope="module")
def corpus_linted(corpus_lint: CorpusLint) -> list[Linted]:
    """The corpus as the shared run linted it with the peer semantics (the twins' findings).

    At the lowest limit, ``noqa`` ignored: FAPI401 as ruff, FAPI405 as radon, FAPI404
    counting physical lines.
    """
    twins = {PEER_TWINS[rule.code].code: rule.code for rule in STRUCTURE_RULES}
    results = corpus_lint.results_for(PEER_TWINS[rule.code] for rule in STRUCTURE_RULES)
    files = corpus_lint.files
    return [Linted(f, _read(f), _as_rule(r, twins)) for f, r in zip(files, results, strict=True)]


@pytest.fixture(scope="module")
def corpus_default(corpus_lint: CorpusLint) -> list[Linted]:
    """The corpus as the shared run linted it with the rules' default semantics."""
    results = corpus_lint.results_for(STRUCTURE_RULES)
    return [Linted(f, _read(f), r) for f, r in zip(corpus_lint.files, results, strict=True)]


_CACHE: dict[tuple[int, bool], list[Linted]] = {}


def _linted(files: list[Path], limit: int, peer: bool = True) -> list[Linted]:
    """The snippets and fixtures linted at ``limit``, once per limit and semantics."""
    if (limit, peer) not in _CACHE:
        _CACHE[limit, peer] = _lint(files, limit, peer)
    return _CACHE[limit, peer]


# --- ruff -------------------------------------------------------------------------------


def _ruff_findings(items: Iterable[Item]) -> tuple[set[tuple[Path, int, int, str]], set[Path]]:
    """RET505-508 findings as (file, line, column, exit), and the files ruff could not parse."""
    found: set[tuple[Path, int, int, str]] = set()
    broken: set[Path] = set()
    for item in items:
        path = Path(item["filename"]).resolve()
        if item["code"] not in RUFF_EXITS:
            broken.add(path)  # a syntax error, reported with another code or none
            continue
        where = item["location"]
        found.add((path, where["row"], where["column"], RUFF_EXITS[item["code"]]))
    return found, broken


def _fapi401(linted: list[Linted]) -> set[tuple[Path, int, int, str]]:
    found = set()
    for item in linted:
        for d in item.result.diagnostics:
            match = _FAPI401.match(d.message) if d.code == "FAPI401" else None
            if match:
                found.add((item.path, d.line, d.column, match.group(1)))
    return found


def _compare_with_ruff(linted: list[Linted], items: Iterable[Item]) -> tuple[int, list[str]]:
    ruff, broken = _ruff_findings(items)
    skipped = broken | {item.path for item in linted if not item.parsed}
    ruff = {f for f in ruff if f[0] not in skipped}
    ours = {f for f in _fapi401(linted) if f[0] not in skipped}
    problems = [f"ruff only: {f}" for f in sorted(ruff - ours)]
    problems += [f"FAPI401 only: {f}" for f in sorted(ours - ruff)]
    return len(ruff), problems


def test_superfluous_else_matches_ruff_on_snippets_and_fixtures(local_files: list[Path]) -> None:
    linted = _linted(local_files, 10)
    count, problems = _compare_with_ruff(linted, run_ruff([i.path for i in linted], RUFF_EXITS))
    assert count >= 30, "too few ruff findings: the comparison would prove little"
    assert not problems, "\n".join(problems)


def test_superfluous_else_matches_ruff_on_the_corpus(
    corpus_linted: list[Linted], corpus_ruff: CorpusRuff
) -> None:
    count, problems = _compare_with_ruff(corpus_linted, corpus_ruff.items(RUFF_EXITS))
    assert count > 0
    assert not problems, "\n".join(problems[:50])


# --- radon ------------------------------------------------------------------------------


Scores = frozenset[tuple[str, int, int]]


def _over(scores: Scores | None, limit: int) -> set[tuple[str, int, int]] | None:
    return None if scores is None else {score for score in scores if score[2] > limit}


def _radon_scores(source: str, limit: int) -> set[tuple[str, int, int]] | None:
    """(function name, line, score) of every function radon scores over ``limit``."""
    return _over(_all_radon_scores(source), limit)


@functools.cache
def _all_radon_scores(source: str) -> Scores | None:
    # Once per source for every limit: radon's visit of the corpus is the slow part.
    complexity = pytest.importorskip("radon.complexity")
    visitors = pytest.importorskip("radon.visitors")
    try:
        blocks = complexity.add_inner_blocks(complexity.cc_visit(source))
    except SyntaxError:
        return None
    return frozenset(
        (block.name.rpartition(".")[2], block.lineno, block.complexity)
        for block in blocks
        if isinstance(block, visitors.Function)
    )


def _fapi405(item: Linted, linted_at: int, limit: int) -> set[tuple[str, int, int]]:
    """FAPI405 findings over ``limit``, from a run made with ``max_complexity=linted_at``."""
    from radon.complexity import cc_rank

    found = set()
    for d in item.result.diagnostics:
        match = _FAPI405.match(d.message) if d.code == "FAPI405" else None
        if match is None:
            continue
        score = int(match["score"])
        assert match["rank"] == cc_rank(score), d.message
        assert int(match["limit"]) == linted_at, d.message
        if score > limit:
            found.add((match["name"], d.line, score))
    return found


def _compare_with_radon(linted: list[Linted], linted_at: int, limit: int) -> tuple[int, list[str]]:
    count, problems = 0, []
    for item in linted:
        expected = _radon_scores(item.source, limit)
        if expected is None or not item.parsed:
            continue
        ours = _fapi405(item, linted_at, limit)
        count += len(expected)
        problems += [f"{item.path}: radon only {f}" for f in sorted(expected - ours)]
        problems += [f"{item.path}: FAPI405 only {f}" for f in sorted(ours - expected)]
    return count, problems


@pytest.mark.parametrize("limit", LIMITS)
def test_too_complex_matches_radon_on_snippets_and_fixtures(
    local_files: list[Path], limit: int
) -> None:
    count, problems = _compare_with_radon(_linted(local_files, limit), limit, limit)
    assert count >= (20 if limit == 3 else 2), "too few radon cases to compare"
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("limit", LIMITS)
def test_too_complex_matches_radon_on_the_corpus(corpus_linted: list[Linted], limit: int) -> None:
    # One run at the lowest limit serves every limit (and FAPI401): the corpus is large.
    low = CORPUS_OPTIONS.max_complexity
    count, problems = _compare_with_radon(corpus_linted, low, limit)
    assert count > 0
    assert not problems, "\n".join(problems[:50])


def test_every_snippet_parses_for_both_tools(local_files: list[Path]) -> None:
    for item in _linted(local_files, 10):
        assert item.parsed, item.path
        assert _radon_scores(item.source, 0) is not None, item.path


# --- ast and tokenize -------------------------------------------------------------------

_LAYOUT = {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT}


def _code_lines(source: str) -> set[int]:
    lines: set[int] = set()
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type not in _LAYOUT and token.type != tokenize.ENDMARKER:
            lines.update(range(token.start[0], token.end[0] + 1))
    return lines


def _oracle_counts(source: str) -> dict[tuple[str, int], int] | None:
    """Code lines of every function body (after its docstring), from ``ast`` and ``tokenize``."""
    try:
        tree, code_lines = ast.parse(source), _code_lines(source)
    except (SyntaxError, tokenize.TokenError):
        return None
    counts = {}
    for node in ast.walk(tree):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        body = node.body[1:] if ast.get_docstring(node, clean=False) is not None else node.body
        if not body:
            continue
        decorators = getattr(body[0], "decorator_list", [])
        first = min([body[0].lineno] + [d.lineno for d in decorators])
        last = node.end_lineno or node.lineno
        counts[node.name, node.lineno] = len([n for n in code_lines if first <= n <= last])
    return counts


def _fapi404(item: Linted) -> dict[tuple[str, int], int]:
    counts = {}
    for d in item.result.diagnostics:
        match = re.match(r"Function `(\w+)` has (\d+) (?:logical )?lines", d.message)
        if match and d.code == "FAPI404":
            counts[match.group(1), d.line] = int(match.group(2))
    return counts


def _compare_line_counts(
    linted: list[Linted],
    oracle: Callable[[str], dict[tuple[str, int], int] | None] | None = None,
) -> tuple[int, list[str]]:
    """FAPI404's counts against ``oracle``'s (physical lines of ast and tokenize by default)."""
    count = oracle or _oracle_counts
    total, problems = 0, []
    for item in linted:
        counts = count(item.source)
        if counts is None or not item.parsed:
            continue
        expected = {key: n for key, n in counts.items() if n > LINES_LIMIT}
        ours = _fapi404(item)
        total += len(expected)
        if ours != expected:
            wrong = sorted(set(expected.items()) ^ set(ours.items()))
            problems.append(f"{item.path}: {wrong[:6]}")
    return total, problems


def test_function_lengths_match_ast_and_tokenize_on_snippets_and_fixtures(
    local_files: list[Path],
) -> None:
    total, problems = _compare_line_counts(_linted(local_files, 10))
    assert total >= 15, "too few long functions to compare"
    assert not problems, "\n".join(problems)


def test_function_lengths_match_ast_and_tokenize_on_the_corpus(
    corpus_linted: list[Linted],
) -> None:
    total, problems = _compare_line_counts(corpus_linted)
    assert total > 0
    assert not problems, "\n".join(problems[:50])


# --- the defaults: logical lines, radon without comprehension clauses --------------------


def _newlines(source: str) -> list[int]:
    """The line of every NEWLINE token: where each logical line of the source ends."""
    tokens = tokenize.generate_tokens(io.StringIO(source).readline)
    return [token.start[0] for token in tokens if token.type == tokenize.NEWLINE]


_DEFS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


def _header_end(newlines: list[int], node: ast.AST) -> int:
    """The line of the NEWLINE that ends a ``def``/``class`` header (its first at or after)."""
    return next(line for line in newlines if line >= node.lineno)  # type: ignore[attr-defined]


def _logical_counts(source: str) -> dict[tuple[str, int], int] | None:
    """Logical lines of every function body, from ``tokenize``: NEWLINE tokens after the
    header, without the docstring's and without those of nested bodies (their headers and
    decorators stay)."""
    try:
        tree, newlines = ast.parse(source), _newlines(source)
    except (SyntaxError, tokenize.TokenError):
        return None
    counts = {}
    for node in ast.walk(tree):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        end, header = node.end_lineno or node.lineno, _header_end(newlines, node)
        inside = {line for line in newlines if header < line <= end}
        for nested in ast.walk(node):
            if nested is not node and isinstance(nested, _DEFS):
                nested_end = nested.end_lineno or nested.lineno
                inside -= {n for n in newlines if _header_end(newlines, nested) < n <= nested_end}
        first = node.body[0]
        if ast.get_docstring(node, clean=False) is not None and len(node.body) == 1:
            inside.discard(first.end_lineno or first.lineno)
        elif ast.get_docstring(node, clean=False) is not None:
            second = node.body[1]
            if second.lineno != first.end_lineno:  # `"doc"; x = 1` shares its line
                inside.discard(first.end_lineno or first.lineno)
        on_header = not inside and first.lineno == header
        docstring_only = ast.get_docstring(node, clean=False) is not None and len(node.body) == 1
        counts[node.name, node.lineno] = 1 if on_header and not docstring_only else len(inside)
    return counts


def _compare_logical_counts(linted: list[Linted]) -> tuple[int, list[str]]:
    return _compare_line_counts(linted, _logical_counts)


def test_logical_lines_match_tokenize_on_snippets_and_fixtures(local_files: list[Path]) -> None:
    total, problems = _compare_logical_counts(_linted(local_files, 10, peer=False))
    assert total >= 10, "too few long functions to compare"
    assert not problems, "\n".join(problems)


def test_logical_lines_match_tokenize_on_the_corpus(corpus_default: list[Linted]) -> None:
    total, problems = _compare_logical_counts(corpus_default)
    assert total > 0
    assert not problems, "\n".join(problems[:50])


def _comprehension_clauses(function: ast.AST) -> int:
    """The `for`s and `if`s of the comprehensions radon scores into ``function``.

    Nested functions and classes are scored apart, and radon does not look into an
    `assert` (nor at decorators, defaults and annotations, which are outside the body).
    """
    clauses = 0
    stack: list[ast.AST] = list(function.body)  # type: ignore[attr-defined]
    while stack:
        node = stack.pop()
        if isinstance(node, (*_DEFS, ast.Assert)):
            continue
        if isinstance(node, ast.comprehension):
            clauses += 1 + len(node.ifs)
        stack.extend(ast.iter_child_nodes(node))
    return clauses


def _default_scores(source: str, limit: int) -> set[tuple[str, int, int]] | None:
    """(name, line, score) over ``limit``: radon's score less the comprehension clauses."""
    return _over(_all_default_scores(source), limit)


@functools.cache
def _all_default_scores(source: str) -> Scores | None:
    complexity = pytest.importorskip("radon.complexity")
    visitors = pytest.importorskip("radon.visitors")
    try:
        tree = ast.parse(source)
        blocks = complexity.add_inner_blocks(complexity.cc_visit(source))
    except SyntaxError:
        return None
    functions = {
        node.lineno: node
        for node in ast.walk(tree)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
    }
    scores = set()
    for block in blocks:
        if not isinstance(block, visitors.Function):
            continue
        score = block.complexity - _comprehension_clauses(functions[block.lineno])
        scores.add((block.name.rpartition(".")[2], block.lineno, score))
    return frozenset(scores)


def _compare_default_scores(
    linted: list[Linted], linted_at: int, limit: int
) -> tuple[int, list[str]]:
    count, problems = 0, []
    for item in linted:
        expected = _default_scores(item.source, limit)
        if expected is None or not item.parsed:
            continue
        ours = _fapi405(item, linted_at, limit)
        count += len(expected)
        problems += [f"{item.path}: oracle only {f}" for f in sorted(expected - ours)]
        problems += [f"{item.path}: FAPI405 only {f}" for f in sorted(ours - expected)]
    return count, problems


@pytest.mark.parametrize("limit", LIMITS)
def test_default_complexity_is_radon_without_comprehensions_locally(
    local_files: list[Path], limit: int
) -> None:
    linted = _linted(local_files, limit, peer=False)
    count, problems = _compare_default_scores(linted, limit, limit)
    assert count >= (15 if limit == 3 else 2), "too few cases to compare"
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("limit", LIMITS)
def test_default_complexity_is_radon_without_comprehensions_on_the_corpus(
    corpus_default: list[Linted], limit: int
) -> None:
    count, problems = _compare_default_scores(corpus_default, CORPUS_OPTIONS.max_complexity, limit)
    assert count > 0
    assert not problems, "\n".join(problems[:50])
