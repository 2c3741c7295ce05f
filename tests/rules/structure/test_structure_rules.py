"""Edge cases of FAPI402 (exit-in-else-branch), FAPI403 (too-deeply-nested), FAPI404
(function-too-long) and FAPI405's rank letters.

FAPI401 findings, FAPI405 scores and FAPI404 line counts are also compared with ruff,
radon and an ``ast``/``tokenize`` count in test_structure_parity.py.
"""

from __future__ import annotations

import re
import textwrap

import pytest

from fastapi_lint.models import Diagnostic
from fastapi_lint.options import RuleOptions
from fastapi_lint.rule import Rule
from fastapi_lint.rules.structure.exit_in_else_branch import ExitInElseBranch
from fastapi_lint.rules.structure.function_too_long import FunctionTooLong
from fastapi_lint.rules.structure.superfluous_else import SuperfluousElse
from fastapi_lint.rules.structure.too_complex import rank
from fastapi_lint.rules.structure.too_deeply_nested import TooDeeplyNested
from fastapi_lint.runner.single_file import lint_source


def _findings(rule: type[Rule], code: str, **options: int) -> list[Diagnostic]:
    source = textwrap.dedent(code).lstrip("\n")
    return list(lint_source(source, "t.py", (rule,), RuleOptions(**options)).diagnostics)


def _where(rule: type[Rule], code: str, **options: int) -> list[tuple[int, int]]:
    return [(d.line, d.column) for d in _findings(rule, code, **options)]


# --- FAPI402 exit-in-else-branch --------------------------------------------------------


def test_exit_in_else_is_reported_at_the_if_keyword() -> None:
    found = _findings(
        ExitInElseBranch,
        """
        def save(item):
            if item.valid:
                item.touch()
                store(item)
            else:
                # A comment is not a statement.
                raise ValueError(item)
        """,
    )
    assert [(d.line, d.column, d.end_column) for d in found] == [(2, 5, 7)]
    assert "`raise`" in found[0].message


def test_exit_in_else_counts_statements_like_python() -> None:
    code = """
        def save(item):
            if item.valid:
                item.touch(); store(item)
            else: return None
        """
    assert _where(ExitInElseBranch, code) == [(2, 5)]


@pytest.mark.parametrize(
    "body",
    [
        # One statement in the `if` branch: inverting gains nothing.
        "    if a:\n        work(a)\n    else:\n        return None\n",
        # The `if` branch exits: that is FAPI401's case.
        "    if a:\n        work(a)\n        return a\n    else:\n        raise ValueError\n",
        # The `else` does more than exit.
        "    if a:\n        work(a)\n        more(a)\n    else:\n        log(a)\n"
        "        return None\n",
        # Only `return` and `raise` count.
        "    for x in a:\n        if x:\n            work(x)\n            more(x)\n        else:\n"
        "            continue\n",
        # `elif` chains are left alone, at their start and inside.
        "    if a:\n        work(a)\n        more(a)\n    elif b:\n        return None\n"
        "    else:\n        raise ValueError\n",
        "    if a:\n        return 1\n    elif b:\n        work(b)\n        more(b)\n"
        "    else:\n        raise ValueError\n",
        # The `else` holds an `if`, not an exit.
        "    if a:\n        work(a)\n        more(a)\n    else:\n        if b:\n"
        "            return 1\n",
    ],
)
def test_exit_in_else_stays_quiet(body: str) -> None:
    assert _findings(ExitInElseBranch, "def f(a, b):\n" + body) == []


def test_exit_in_else_applies_at_module_level_and_in_nested_blocks() -> None:
    code = """
        if settings:
            configure(settings)
            start()
        else:
            raise SystemExit("no settings")

        async def handler(rows):
            async with lock:
                for row in rows:
                    if row:
                        await push(row)
                        await flush()
                    else:
                        return
        """
    assert _where(ExitInElseBranch, code) == [(1, 1), (10, 13)]


def test_exit_in_else_and_superfluous_else_never_overlap() -> None:
    code = """
        def f(a):
            if a:
                work(a)
                return a
            else:
                raise ValueError
        """
    assert _findings(ExitInElseBranch, code) == []
    assert _where(SuperfluousElse, code) == [(5, 5)]


# --- FAPI403 too-deeply-nested ----------------------------------------------------------

FOUR_LEVELS = """
    def handler(a):
        for x in a:
            with x:
                try:
                    if x:
                        pass
                    elif x is None:
                        pass
                    else:
                        pass
                except ValueError:
                    while x:
                        break
                finally:
                    match x:
                        case 1:
                            pass
                        case _:
                            pass
    """


def test_nesting_at_the_limit_is_fine_and_clauses_add_no_level() -> None:
    assert _findings(TooDeeplyNested, FOUR_LEVELS) == []


def test_nesting_limit_comes_from_the_options() -> None:
    found = _findings(TooDeeplyNested, FOUR_LEVELS, max_nesting=3)
    assert [(d.line, d.column) for d in found] == [(5, 17), (12, 17), (15, 17)]
    assert "`if` is nested 4 levels deep in `handler` (limit 3)" in found[0].message


DEEP_BRANCHES = """
    def handler(a):
        if a:
            if a:
                if a:
                    if a:
                        if a:
                            if a:
                                pass
                        for b in a:
                            pass
                    while a:
                        if a:
                            break
    """


def test_only_the_outermost_statement_past_the_limit_is_reported() -> None:
    found = _findings(TooDeeplyNested, DEEP_BRANCHES)
    assert [(d.line, d.column, d.end_column) for d in found] == [
        (6, 21, 23),
        (9, 21, 24),
        (12, 21, 23),
    ]


def test_async_statements_are_named_with_their_keyword() -> None:
    code = """
        async def handler(a):
            if a:
                if a:
                    if a:
                        if a:
                            async with a:
                                pass
                            async for b in a:
                                pass
        """
    found = _findings(TooDeeplyNested, code)
    assert [(d.line, d.column, d.end_column) for d in found] == [(6, 21, 31), (8, 21, 30)]
    assert found[0].message.startswith("`async with` is nested 5 levels")
    assert found[1].message.startswith("`async for` is nested 5 levels")


def test_try_star_and_match_are_levels() -> None:
    code = """
        def handler(a):
            match a:
                case 1:
                    try:
                        pass
                    except* ValueError:
                        with a:
                            pass
        """
    found = _findings(TooDeeplyNested, code, max_nesting=2)
    assert [(d.line, d.message.split()[0]) for d in found] == [(7, "`with`")]


def test_a_nested_function_starts_its_own_count() -> None:
    code = """
        def outer(a):
            if a:
                if a:
                    if a:
                        def inner(b):
                            if b:
                                if b:
                                    if b:
                                        if b:
                                            if b:
                                                pass
                        if a:
                            if a:
                                pass
        """
    found = _findings(TooDeeplyNested, code)
    assert [(d.line, d.message.split("`")[3]) for d in found] == [(10, "inner"), (13, "outer")]


CLASS_AND_MODULE_NESTING = """
    if a:
        if a:
            if a:
                if a:
                    if a:
                        pass

    def factory(a):
        if a:
            if a:
                class Local:
                    if a:
                        if a:
                            if a:
                                pass

                    def method(self):
                        if a:
                            if a:
                                if a:
                                    if a:
                                        if a:
                                            pass
    """


def test_class_bodies_and_module_level_are_not_measured() -> None:
    found = _findings(TooDeeplyNested, CLASS_AND_MODULE_NESTING)
    assert [(d.line, d.message.split("`")[3]) for d in found] == [(22, "method")]


# --- FAPI404 function-too-long ----------------------------------------------------------

# A backslash continuation anywhere in a file makes FAPI404 measure each function from
# its generated code instead of counting during the walk: every test runs both ways.
CONTINUATION = "TOTAL = 1 + \\\n    2\n"


@pytest.fixture(params=["walk", "text"])
def tail(request: pytest.FixtureRequest) -> str:
    return "" if request.param == "walk" else CONTINUATION


def _function(body_lines: list[str], name: str = "f") -> str:
    return f"def {name}():\n" + "".join(f"    {line}\n" for line in body_lines)


def _lengths(code: str, tail: str, limit: int = 0) -> list[str]:
    found = _findings(FunctionTooLong, code + tail, max_function_lines=limit)
    return [d.message for d in found]


def _count(code: str, tail: str) -> int | None:
    found = _lengths(code, tail)
    match = re.search(r"has (\d+) lines", found[0]) if found else None
    return int(match.group(1)) if match else None


def test_docstring_comments_and_blank_lines_are_not_counted(tail: str) -> None:
    code = _function(
        ["# before the docstring", '"""Doc.', "", "# inside the docstring", '"""', "# comment"]
        + ["", "x = 1", "", "    # indented comment", "return x", "# trailing comment"]
    )
    assert _count(code, tail) == 2


def test_lines_of_multi_line_strings_and_expressions_count(tail: str) -> None:
    code = _function(
        ['text = """', "", "# kept: this is string content", '"""', "data = {"]
        + ['    "a": 1,', "    # a comment inside brackets is still a comment", "", "}"]
        + ['name = f"""{text}', "", '"""', "crlf = '''a\r\nb'''", 'brace = f"""{', "", '1}"""']
        + ["return data"]
    )
    # text: 4, data: 3 of 5, name: 3, crlf: 2, brace: 3, return: 1.
    assert _count(code, tail) == 16


def test_a_backslash_continuation_joins_two_code_lines() -> None:
    code = _function(["total = 1 + \\", "    2", "return total"])
    assert _count(code, "") == 3


def test_a_nested_function_counts_for_both(tail: str) -> None:
    code = _function(
        ["@decorator(", "    # comment", "    1,", ")", "# between", "def inner():"]
        + ["    # comment", "    return 1", "", "class Local:", "    x = '''", "'''"]
        + ["return inner"]
    )
    assert _lengths(code, tail) == [
        "Function `f` has 9 lines of body (limit 0)",
        "Function `inner` has 1 lines of body (limit 0)",
    ]


def test_one_liners_and_docstring_only_functions(tail: str) -> None:
    assert _count("def f(): return 1\n", tail) == 1
    assert _count('def f(): return """a\n\nb"""\n', tail) == 3
    assert _count('def f():\n    """Only a docstring."""\n', tail) is None
    assert _count('def f(): "doc"\n', tail) is None
    assert _count('def f(): "doc"; return 1\n', tail) == 1
    assert _count('def f():\n    "implicitly" "concatenated"\n', tail) is None
    # Bytes and f-strings are not docstrings, in Python either.
    assert _count('def f():\n    b"bytes"\n', tail) == 1
    assert _count('def f():\n    f"{1}"\n', tail) == 1


def test_limit_comes_from_the_options_and_is_inclusive(tail: str) -> None:
    code = _function(['"""Doc."""'] + [f"x{n} = {n}" for n in range(5)], name="five")
    assert _lengths(code, tail, limit=5) == []
    assert _lengths(code, tail, limit=4) == ["Function `five` has 5 lines of body (limit 4)"]


def test_methods_and_async_functions_are_reported_at_their_name(tail: str) -> None:
    code = """
        class Service:
            @property
            async def load(self):
                a = 1
                b = 2
                return a + b
        """
    assert _where(FunctionTooLong, textwrap.dedent(code) + tail, max_function_lines=2) == [(3, 15)]


# --- FAPI405 rank letters ---------------------------------------------------------------


def test_rank_letters_are_radons() -> None:
    cc_rank = pytest.importorskip("radon.complexity").cc_rank
    assert [rank(score) for score in range(1, 60)] == [cc_rank(score) for score in range(1, 60)]
