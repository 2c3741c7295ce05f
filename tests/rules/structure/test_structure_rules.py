"""Edge cases of FAPI402 (exit-in-else-branch), FAPI403 (too-deeply-nested), FAPI404
(function-too-long) and FAPI405's rank letters.

FAPI401 findings, FAPI405 scores and FAPI404 line counts are also compared with ruff,
radon and an ``ast``/``tokenize`` count in test_structure_parity.py.
"""

from __future__ import annotations

import re
import textwrap

import pytest

from fastapi_lint.fixer.files import fix_bytes
from fastapi_lint.fixer.source import FixSettings
from fastapi_lint.models import Diagnostic
from fastapi_lint.options import RuleOptions
from fastapi_lint.rule import Rule
from fastapi_lint.rules.structure.exit_in_else_branch import ExitInElseBranch
from fastapi_lint.rules.structure.function_too_long import FunctionTooLong
from fastapi_lint.rules.structure.superfluous_else import SuperfluousElse
from fastapi_lint.rules.structure.too_complex import rank
from fastapi_lint.rules.structure.too_deeply_nested import TooDeeplyNested
from fastapi_lint.runner.single_file import lint_source


def _findings(rule: type[Rule], code: str, **options: int | bool) -> list[Diagnostic]:
    source = textwrap.dedent(code).lstrip("\n")
    return list(lint_source(source, "t.py", (rule,), RuleOptions(**options)).diagnostics)


def _where(rule: type[Rule], code: str, **options: int | bool) -> list[tuple[int, int]]:
    return [(d.line, d.column) for d in _findings(rule, code, **options)]


# --- FAPI402 exit-in-else-branch --------------------------------------------------------


def test_exit_in_else_is_reported_at_the_if_keyword() -> None:
    found = _findings(
        ExitInElseBranch,
        """
        def save(item):
            if item.valid:
                item.touch()
                for tag in item.tags:
                    store(tag)
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
                item.touch(); store(item); index(item); notify(item); log(item)
            else: return None
        """
    assert _where(ExitInElseBranch, code) == [(2, 5)]
    assert _where(ExitInElseBranch, code.replace("; log(item)", "")) == []


def test_exit_in_else_wants_a_main_path_a_block_or_five_statements() -> None:
    branch = "    if a:\n{}    else:\n        raise ValueError(a)\n"
    four = "".join(f"        step{n}(a)\n" for n in range(4))
    five = four + "        step4(a)\n"
    block = "        step0(a)\n        with lock:\n            step1(a)\n"
    assert _findings(ExitInElseBranch, "def f(a):\n" + branch.format(four)) == []
    assert _where(ExitInElseBranch, "def f(a):\n" + branch.format(five)) == [(2, 5)]
    assert _where(ExitInElseBranch, "def f(a):\n" + branch.format(block)) == [(2, 5)]


@pytest.mark.parametrize(
    "body",
    [
        # One statement in the `if` branch: inverting gains nothing.
        "    if a:\n        work(a)\n    else:\n        return None\n",
        # Two short statements right above their alternative: cosmetic.
        "    if a:\n        work(a)\n        more(a)\n    else:\n        return None\n",
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


def test_exit_in_else_applies_in_nested_blocks_but_not_at_module_level() -> None:
    code = """
        if settings:
            for key in settings:
                configure(key)
        else:
            raise SystemExit("no settings")

        async def handler(rows):
            async with lock:
                for row in rows:
                    if row:
                        async with row.lock:
                            await push(row)
                    else:
                        return
        """
    assert _where(ExitInElseBranch, code) == [(10, 13)]


def test_exit_in_else_and_superfluous_else_never_overlap() -> None:
    code = """
        def f(a):
            if a:
                for item in a:
                    work(item)
                return a
            else:
                raise ValueError
        """
    assert _findings(ExitInElseBranch, code) == []
    assert _where(SuperfluousElse, code) == [(6, 5)]


# --- FAPI401 superfluous-else -----------------------------------------------------------

STRICT_401 = {"strict": ("FAPI401",)}


def _else_findings(body: str, **options: object) -> list[str]:
    code = "def f(a, b):\n" + textwrap.indent(textwrap.dedent(body).lstrip("\n"), "    ")
    found = lint_source(code, "t.py", (SuperfluousElse,), RuleOptions(**options)).diagnostics
    return [d.message for d in found]


@pytest.mark.parametrize(
    "body",
    [
        # Two one-line alternatives, whatever the exits.
        "if a:\n    return 1\nelse:\n    return 2\n",
        "if a is None:\n    raise KeyError\nelse:\n    return a\n",
        # A ladder of returns reads as a table.
        "if a:\n    return 1\nelif b:\n    return 2\nelse:\n    return 3\n",
        "if a:\n    return 1\nelif b:\n    return 2\nreturn 3\n",
        # Two substantive branches that both end the function.
        "if a:\n    if b:\n        return b\n    return a\nelse:\n    log(a)\n    return b\n",
        # A chain whose `elif` falls through holds its own main path.
        "if a:\n    return 1\nelif b:\n    x = 2\nelse:\n    x = 3\nreturn x\n",
        # A one-line `if` branch and its error: alternatives too.
        "if a:\n    return a\nelse:\n    raise ValueError(a)\n",
        # Two results of like size, the first a real value, not a case turned away.
        "if a:\n    return [x for x in a if x]\nelse:\n    m = find(b)\n    return pick(m)\n",
        "if a:\n    m = a.msg\n    return Reply(m)\n"
        "else:\n    m = str(b)\n    return Reply(None, m)\n",
        # One error for each case.
        "if a:\n    m = a.text\n    raise Stop(m)\n"
        "else:\n    m = f'{b}'\n    log(m)\n    raise Failed(m)\n",
        # Every path of the `else`'s `try` leaves, after a branch of like size.
        "if a:\n    x = load(a)\n    return x\n"
        "else:\n    try:\n        return get(b)\n    except E:\n        return None\n",
        # A `match` in the `else` is weighed with its cases.
        "if a:\n    x = a\n    return x\n"
        "else:\n    match b:\n        case 1:\n            b = 2\n    return b\n",
        # The exhaustiveness check closing a dispatch.
        "if a is A.X:\n    return 1\nelif a is A.Y:\n    return 2\nelse:\n    assert_never(a)\n",
    ],
)
def test_superfluous_else_leaves_alternatives_alone(body: str) -> None:
    assert _else_findings(body) == []
    assert len(_else_findings(body, **STRICT_401)) == 1


@pytest.mark.parametrize(
    ("body", "advice"),
    [
        # After a guard, anything but a lone exit is the main path.
        ("if not a:\n    return None\nelse:\n    a.touch()\n    return a\n", "drop the"),
        # An `else` that goes on with the function.
        ("if a:\n    work(a)\n    return a\nelse:\n    b = 2\nreturn b\n", "drop the"),
        # An `else` more than twice the size of the branch above.
        ("if a:\n    return a.x\nelse:\n    if b:\n        b = 1\n    return b\n", "drop"),
        # The last of a run of `if`s that each leave: its long `else` is the rest.
        (
            "if b:\n    x = 1\n    log(x)\n    return x\n"
            "if a:\n    y = 2\n    log(y)\n    return y\n"
            "else:\n    z = 3\n    log(z)\n    return z\n",
            "drop",
        ),
        # `else: return` and `else: continue` say nothing.
        ("if a:\n    work(a)\n    return a\nelse:\n    return\n", "drop the"),
        # Guards in a chain, then the main path.
        ("if a:\n    raise A\nelif b:\n    raise B\nelse:\n    go(a)\n    return b\n", "every"),
        # The main path sits in the `if`, the error comes last: raise it first.
        (
            "if a:\n    for x in a:\n        work(x)\n    return a\nelse:\n    raise ValueError\n",
            "invert the condition and raise first",
        ),
    ],
)
def test_superfluous_else_flags_an_else_around_the_main_path(body: str, advice: str) -> None:
    (message,) = _else_findings(body)
    assert advice in message


def test_strict_mode_fixes_ladders_like_ruff_does() -> None:
    source = (
        "def level(score):\n"
        "    if score > 90:\n        return 'high'\n"
        "    elif score > 50:\n        return 'medium'\n"
        "    elif score > 10:\n        name = 'low'\n"
        "    else:\n        name = 'none'\n"
        "    return name\n"
    )
    options = RuleOptions(strict=("FAPI401",))
    fixed = fix_bytes(
        source.encode(), "t.py", (SuperfluousElse,), options, FixSettings(unsafe=True)
    )
    assert fixed.current == source.replace("    elif score > 50", "    if score > 50").replace(
        "    elif score > 10", "    if score > 10"
    )
    unchanged = fix_bytes(source.encode(), "t.py", (SuperfluousElse,), RuleOptions(), FixSettings())
    assert unchanged.text is None


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
    found = _findings(TooDeeplyNested, FOUR_LEVELS, max_nesting=3, nesting_counts_with=True)
    assert [(d.line, d.column) for d in found] == [(5, 17), (12, 17), (15, 17)]
    assert "`if` is nested 4 levels deep in `handler` (limit 3)" in found[0].message
    # By default a `with` block is no level: the same code is within a limit of 3.
    assert _findings(TooDeeplyNested, FOUR_LEVELS, max_nesting=3) == []


def test_with_blocks_add_no_level_by_default() -> None:
    code = """
        async def listen(hub):
            while True:
                async with hub.connect() as socket:
                    async with socket.lock:
                        try:
                            if socket.closed:
                                await socket.reopen()
                        except OSError:
                            pass
        """
    assert _findings(TooDeeplyNested, code) == []
    found = _findings(TooDeeplyNested, code, nesting_counts_with=True)
    assert [(d.line, d.message.split("`")[1]) for d in found] == [(6, "if")]


def test_an_else_holding_a_lone_if_is_told_to_be_an_elif() -> None:
    code = """
        def unpack(rows):
            for row in rows:
                if row:
                    for value in row:
                        if value is None:
                            continue
                        else:
                            if value:
                                keep(value)
        """
    (finding,) = _findings(TooDeeplyNested, code)
    assert finding.line == 8
    assert finding.message.endswith("the `else:` around it holds only this `if`: make it an `elif`")


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
                            stop(a)
    """


def test_only_the_outermost_statement_past_the_limit_is_reported() -> None:
    found = _findings(TooDeeplyNested, DEEP_BRANCHES)
    assert [(d.line, d.column, d.end_column) for d in found] == [
        (6, 21, 23),
        (9, 21, 24),
        (12, 21, 23),
    ]


def test_a_loop_guard_past_the_limit_is_the_cure_not_more_nesting() -> None:
    code = """
        async def listen(hub):
            while True:
                try:
                    async for line in hub.lines():
                        try:
                            if not line:
                                continue
                            if line == "stop":
                                break
                            if line.startswith("!"):
                                raise ValueError(line)
                            if line.startswith("#"):
                                log(line)
                        except KeyError:
                            pass
                except OSError:
                    pass
        """
    found = _findings(TooDeeplyNested, code)
    # The `continue` and `break` guards are quiet; the `raise` and the logging `if` are not.
    assert [d.line for d in found] == [10, 12]


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
    found = _findings(TooDeeplyNested, code, nesting_counts_with=True)
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
    found = _findings(TooDeeplyNested, code, max_nesting=2, nesting_counts_with=True)
    assert [(d.line, d.message.split()[0]) for d in found] == [(7, "`with`")]
    assert _findings(TooDeeplyNested, code, max_nesting=2) == []


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

PHYSICAL = {"count_physical_lines": True}


def _function(body_lines: list[str], name: str = "f") -> str:
    return f"def {name}():\n" + "".join(f"    {line}\n" for line in body_lines)


def _lengths(code: str, limit: int = 0, **options: bool) -> list[str]:
    found = _findings(FunctionTooLong, code, max_function_lines=limit, **options)
    return [d.message for d in found]


def _count(code: str, **options: bool) -> int | None:
    found = _lengths(code, **options)
    match = re.search(r"has (\d+) (?:logical )?lines", found[0]) if found else None
    return int(match.group(1)) if match else None


def test_a_statement_wrapped_by_brackets_is_one_logical_line() -> None:
    code = _function(
        ["result = client.post(", '    "/orders",', "    json={", '        "id": 1,', "    },", ")"]
        + [
            "query = (",
            "    select(User)",
            "    .where(User.active)",
            "    .order_by(User.id)",
            ")",
        ]
        + ['text = """', "", '"""', "return result, query, text"]
    )
    assert _count(code) == 4
    assert _count(code, **PHYSICAL) == 15


def test_clause_headers_and_statement_lines_each_count_once() -> None:
    code = _function(
        ["if a:", "    x = 1; y = 2", "elif b: x = 3", "else:", "    x = 4", "for i in a:"]
        + ["    pass", "else:", "    pass", "try:", "    pass", "except ValueError:", "    pass"]
        + ["finally:", "    pass", "with a as b, c:", "    pass", "match a:", "    case 1:"]
        + ["        pass", "    case _: pass", "while a: break"]
    )
    # if 1+1, elif 1, else 1+1; for 1+1, else 1+1; try 1+1, except 1+1, finally 1+1;
    # with 1+1; match 1, case 1+1, case 1; while 1.
    assert _count(code) == 22


def test_a_nested_function_counts_only_its_header_in_the_outer_one() -> None:
    code = _function(
        ["@decorator(", "    # comment", "    1,", ")", "# between", "def inner():"]
        + ["    # comment", "    a = 1", "    return a", "", "class Local:", "    x = '''", "'''"]
        + ["    y = 2", "return inner"]
    )
    assert _lengths(code) == [
        "Function `f` has 4 logical lines of body (limit 0)",
        "Function `inner` has 2 logical lines of body (limit 0)",
    ]
    assert _lengths(code, **PHYSICAL) == [
        "Function `f` has 11 lines of body (limit 0)",
        "Function `inner` has 2 lines of body (limit 0)",
    ]


def test_a_route_factory_is_measured_without_its_routes() -> None:
    routes = "".join(
        f"    @router.get('/r{n}')\n    def r{n}() -> int:\n"
        + "".join(f"        v{k} = {k}\n" for k in range(8))
        + "        return v0\n"
        for n in range(3)
    )
    code = f"def make_router() -> APIRouter:\n    router = APIRouter()\n{routes}    return router\n"
    assert _lengths(code, limit=8) == [
        f"Function `r{n}` has 9 logical lines of body (limit 8)" for n in range(3)
    ]
    assert len(_lengths(code, limit=8, **PHYSICAL)) == 4


@pytest.mark.parametrize("options", [{}, PHYSICAL], ids=["logical", "physical"])
def test_docstring_comments_and_blank_lines_are_not_counted(options: dict[str, bool]) -> None:
    code = _function(
        ["# before the docstring", '"""Doc.', "", "# inside the docstring", '"""', "# comment"]
        + ["", "x = 1", "", "    # indented comment", "return x", "# trailing comment"]
    )
    assert _count(code, **options) == 2


def test_lines_of_multi_line_strings_and_expressions_count_physically() -> None:
    code = _function(
        ['text = """', "", "# kept: this is string content", '"""', "data = {"]
        + ['    "a": 1,', "    # a comment inside brackets is still a comment", "", "}"]
        + ['name = f"""{text}', "", '"""', "crlf = '''a\r\nb'''", 'brace = f"""{', "", '1}"""']
        + ["return data"]
    )
    # text: 4, data: 3 of 5, name: 3, crlf: 2, brace: 3, return: 1.
    assert _count(code, **PHYSICAL) == 16
    assert _count(code) == 6


def test_a_backslash_continuation_joins_two_code_lines() -> None:
    code = _function(["total = 1 + \\", "    2", "return total"])
    assert _count(code, **PHYSICAL) == 3
    assert _count(code) == 2


@pytest.mark.parametrize("options", [{}, PHYSICAL], ids=["logical", "physical"])
def test_one_liners_and_docstring_only_functions(options: dict[str, bool]) -> None:
    assert _count("def f(): return 1\n", **options) == 1
    assert _count('def f():\n    """Only a docstring."""\n', **options) is None
    assert _count('def f(): "doc"\n', **options) is None
    assert _count('def f(): "doc"; return 1\n', **options) == 1
    assert _count('def f():\n    "implicitly" "concatenated"\n', **options) is None
    # Bytes and f-strings are not docstrings, in Python either.
    assert _count('def f():\n    b"bytes"\n', **options) == 1
    assert _count('def f():\n    f"{1}"\n', **options) == 1
    assert _count('def f(): return """a\n\nb"""\n', **PHYSICAL) == 3


@pytest.mark.parametrize("options", [{}, PHYSICAL], ids=["logical", "physical"])
def test_limit_comes_from_the_options_and_is_inclusive(options: dict[str, bool]) -> None:
    code = _function(['"""Doc."""'] + [f"x{n} = {n}" for n in range(5)], name="five")
    assert _lengths(code, limit=5, **options) == []
    assert [message.replace("logical ", "") for message in _lengths(code, 4, **options)] == [
        "Function `five` has 5 lines of body (limit 4)"
    ]


@pytest.mark.parametrize("options", [{}, PHYSICAL], ids=["logical", "physical"])
def test_methods_and_async_functions_are_reported_at_their_name(options: dict[str, bool]) -> None:
    code = """
        class Service:
            @property
            async def load(self):
                a = 1
                b = 2
                return a + b
        """
    assert _where(FunctionTooLong, code, max_function_lines=2, **options) == [(3, 15)]


# --- FAPI405 rank letters ---------------------------------------------------------------


def test_rank_letters_are_radons() -> None:
    cc_rank = pytest.importorskip("radon.complexity").cc_rank
    assert [rank(score) for score in range(1, 60)] == [cc_rank(score) for score in range(1, 60)]
