"""Parsing: the guard in front of LibCST's parser, and CPython as the judge of validity."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from fastapi_lint.models import Diagnostic
from fastapi_lint.nesting_guard import (
    MAX_FSTRING_DEPTH,
    MAX_POSTFIX_CHAIN,
    NestingProblem,
    check_nesting,
)
from fastapi_lint.registry import all_rules
from fastapi_lint.runner.single_file import lint_bytes, lint_source


def findings(source: str) -> list[Diagnostic]:
    return list(lint_source(source, "x.py", all_rules()).diagnostics)


def problem(source: str) -> NestingProblem | None:
    # Long enough to be scanned at all (short files cannot nest 200 deep).
    return check_nesting(source + "\n" + "#" * 300 + "\n")


# -- the guard: what it must let through --------------------------------------------------


@pytest.mark.parametrize(
    "source",
    [
        'x = f"' + "((((. " * 2000 + '"',  # brackets and dots in an f-string's text
        'x = "' + "(" * 2000 + '"',
        "x = '''" + "[" * 2000 + "'''",
        'x = f"{value:>{width}} {other!r:^10} {{literal}} {a=:.2f}"\n' * 300,
        'x = f"{a:\'>10}"\n' + "y = a.b.c\n" * 2000,  # a quote as the fill character
        'x = f"\\N{BULLET} {y}"\n' + "z = " + "(" * 150 + ")" * 150,
        "x = a" + "[0]" * (MAX_POSTFIX_CHAIN + 1),  # the first link is not counted
        "x = session.query(A).filter(b).filter(c).order_by(d).limit(1).all()\n" * 500,
        "ROUTES = [\n" + "    handler(1)(2),\n" * 2000 + "]",
        "if" + '"a"in x: pass\n' * 500,  # a keyword before a quote is no string prefix
    ],
    ids=[
        "f-string-text",
        "string",
        "triple-quoted",
        "format-specs",
        "quote-fill",
        "named-escape",
        "chain-at-limit",
        "query-chains",
        "short-chains-in-a-list",
        "keyword-before-quote",
    ],
)
def test_ordinary_code_passes_the_guard(source: str) -> None:
    assert problem(source) is None


# -- the guard: what it must stop ---------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "words", "invalid"),
    [
        ('x = f"{' + "(" * 300 + ")" * 300 + '}"', "nested parentheses", True),
        ('x = f"{y:{' + "[" * 300 + "]" * 300 + '}}"', "nested parentheses", True),
        ('x = f"{a' + ".b" * 1200 + '}"', "too deeply", False),
        ("x = a" + "[0]" * (MAX_POSTFIX_CHAIN + 2), "chain", False),
        ("x = f" + "()" * (MAX_POSTFIX_CHAIN + 2), "chain", False),
        ("x = f(\n" + "    (1)  # a call across lines\n" * 400 + ")", "chain", False),
        (
            'x = f"{' * (MAX_FSTRING_DEPTH + 1) + "1" + '}"' * (MAX_FSTRING_DEPTH + 1),
            "f-string",
            True,
        ),
    ],
    ids=[
        "f-string-parentheses",
        "format-spec-brackets",
        "f-string-attributes",
        "subscripts",
        "calls",
        "calls-across-lines",
        "nested-f-strings",
    ],
)
def test_pathological_code_is_stopped(source: str, words: str, invalid: bool) -> None:
    found = problem(source)
    assert found is not None and words in found.message
    assert found.invalid is invalid


def test_refused_valid_code_is_not_called_a_syntax_error() -> None:
    (finding,) = findings("x = a" + "[0]" * 2000 + "\n")
    assert (finding.code, finding.name, finding.severity) == ("FAPI000", "not-analysed", "warning")
    assert not finding.message.startswith("SyntaxError")


def test_guard_is_small_in_memory_on_huge_string_literals() -> None:
    # The old regex guard needed ~140 bytes per character of a string literal: 30 MB
    # of string would need over 4 GB. Run under a 1.5 GB address-space limit.
    script = textwrap.dedent(
        """
        import resource
        resource.setrlimit(resource.RLIMIT_AS, (1_500_000_000, 1_500_000_000))
        from fastapi_lint.nesting_guard import check_nesting
        for body in ("a" * 30_000_000, "\\\\n" * 500_000):
            for quote in ('"', '\"\"\"', "f'''"):
                end = quote[-3:] if quote.startswith("f") else quote
                assert check_nesting("x = " + quote + body + end + "\\n") is None
        print("ok")
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
    )
    assert done.stdout.strip() == "ok", done.stderr


# -- CPython as the judge ------------------------------------------------------------------


def test_mixed_tab_indentation_cpython_accepts_is_analysed_without_fixes() -> None:
    # Python counts a tab to the next multiple of 8 columns: 11 then 12, a nested block.
    source = "import time\nasync def f(x: int) -> None:\n\t   if x:\n            time.sleep(1)\n"
    compile(source, "x.py", "exec")  # valid Python
    (finding,) = findings(source)
    assert (finding.code, finding.line) == ("FAPI101", 4)
    assert finding.fix is None  # computed on text that is not the file's


def test_same_code_with_spaces_keeps_its_fix() -> None:
    source = "import time\nasync def f(x: int) -> None:\n    if x:\n        time.sleep(1)\n"
    (finding,) = findings(source)
    assert finding.code == "FAPI101" and finding.fix is not None


def test_inconsistent_tabs_are_still_a_syntax_error() -> None:
    source = "def f(x):\n    if x:\n\treturn 1\n"
    (finding,) = findings(source)
    assert (finding.code, finding.name) == ("FAPI000", "syntax-error")


def test_valid_python_the_parser_cannot_read_is_said_plainly() -> None:
    source = "x = (\n" + '    "a"\n' * 3500 + ")\n"
    compile(source, "x.py", "exec")
    (finding,) = findings(source)
    assert (finding.code, finding.name, finding.severity) == ("FAPI000", "not-analysed", "warning")
    assert "valid Python" in finding.message and "SyntaxError" not in finding.message


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("def f(a, a):\n    return a\n", "duplicate argument"),
        ("return 1\n", "'return' outside function"),
        ("class A:\n    yield 1\n", "'yield' outside function"),
        ("def f():\n    await g()\n", "outside async function"),
        ("for x in y:\n    pass\nbreak\n", "outside loop"),
        ("def f():\n    nonlocal x\n", "no binding for nonlocal"),
    ],
)
def test_code_cpython_rejects_is_a_syntax_error(source: str, message: str) -> None:
    (finding,) = [d for d in findings(source) if d.code == "FAPI000"]
    assert finding.name == "syntax-error" and message in finding.message


def test_double_byte_order_mark_is_a_syntax_error() -> None:
    (finding,) = lint_bytes(b"\xef\xbb\xbf\xef\xbb\xbfx = 1\n", "x.py", all_rules()).diagnostics
    assert finding.code == "FAPI000" and "U+FEFF" in finding.message


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="valid on the running Python")
def test_newer_syntax_the_running_python_lacks_is_not_a_syntax_error() -> None:
    # PEP 701 quotes (Python 3.12): LibCST reads them; an older CPython would not.
    assert [d.code for d in findings('d = {}\nx = f"{d["a"]}"\n')] == []


def test_the_guards_token_search_finds_what_its_alternatives_alone_find() -> None:
    """The look-ahead that speeds the search up must name every token's first character."""
    import re

    from fastapi_lint import nesting_guard

    plain = re.compile(nesting_guard._CODE, re.VERBOSE)
    plain_field = re.compile(nesting_guard._CODE + r"| (?P<spec>:(?!=))", re.VERBOSE)
    text = "".join(chr(code) for code in range(32, 127)) + "\n\t and or not if lambda await :="
    text += " a.b(c)[d]{e}, f; g ** h // i << j >> k # note\n'x' \"y\" '''z''' \"\"\"w\"\"\""
    for searched, alone in (
        (nesting_guard._CODE_TOKEN, plain),
        (nesting_guard._FIELD_TOKEN, plain_field),
    ):
        found = [(m.start(), m.lastgroup) for m in searched.finditer(text)]
        assert found == [(m.start(), m.lastgroup) for m in alone.finditer(text)]
        assert {kind for _, kind in found} >= {"string", "comment", "open", "operator", "newline"}


# Statements and expressions only some places allow, and the places to put them: CPython
# compiles every combination, and each one it rejects for a reason no Python version
# accepts must be reported although LibCST reads it (the compile runs only when the
# walk's CompileChecks suspect the code: they must never miss).
_PLACED_STATEMENTS = (
    "return",
    "return 1",
    "yield",
    "x = yield from y",
    "await y",
    "break",
    "continue",
    "async with y: pass",
    "async for i in y: pass",
    "z = [i async for i in y]",
    "z = [await i for i in y]",
    "nonlocal x",
    "global x",
)
_STATEMENT_PLACES = (
    "{}",
    "def f(x):\n    {}",
    "async def f(x):\n    {}",
    "class A:\n    {}",
    "def f():\n    class A:\n        {}",
    "async def f():\n    class A:\n        {}",
    "for i in y:\n    {}",
    "for i in y:\n    pass\nelse:\n    {}",
    "while y:\n    {}",
    "while y:\n    pass\nelse:\n    {}",
    "for i in y:\n    while y:\n        pass\n    else:\n        {}",
    "def f():\n    for i in y:\n        pass\n    else:\n        {}",
    "for i in y:\n    def f(x):\n        {}",
    "async def f():\n  for i in y:\n    try:\n      pass\n    finally:\n      {}",
    "x = 1\ndef f():\n    x = 2\n    def g():\n        {}",
    "def f(x):\n    def g():\n        {}",
    "async def f(x):\n    def g(): {}",
)
_PLACED_EXPRESSIONS = ("(yield)", "(await y)", "[i async for i in y]")
_EXPRESSION_PLACES = (
    "x = {}",
    "f = lambda: {}",
    "f = lambda x={}: x",
    "def f():\n    def g(x={}): pass",
    "async def f():\n    def g(x={}): pass",
    "def f():\n    async def g(x={}): pass",
    "async def f():\n    g = lambda: {}",
    "def f():\n    @d({})\n    def g(): pass",
    "async def f():\n    @d({})\n    async def g(): pass",
    "class A:\n    def g(self, x={}): pass",
    "async def f():\n    return [{} for i in y]",
    "def f():\n    return [{} for i in y]",
    "async def f():\n    class A(B, x={}): pass",
)
_NAME_CASES = (
    "def f(a, a): pass",
    "def f(a, /, a): pass",
    "def f(a, *, a): pass",
    "def f(a, *a): pass",
    "def f(a, **a): pass",
    "f = lambda a, a: 0",
    "def f(x):\n    global x",
    "def f(x):\n    nonlocal x",
    "def f(x):\n    global y",
    "nonlocal x",
    "def f():\n    nonlocal x",
)


def _placed_sources() -> list[str]:
    found = [place.format(code) for place in _STATEMENT_PLACES for code in _PLACED_STATEMENTS]
    found += [place.format(code) for place in _EXPRESSION_PLACES for code in _PLACED_EXPRESSIONS]
    return [*found, *_NAME_CASES]


def test_every_compile_only_error_cpython_finds_is_reported() -> None:
    from fastapi_lint.engine.parse import _ALWAYS_INVALID

    rejected = accepted = 0
    for source in _placed_sources():
        source += "\n"
        try:
            compile(source, "x.py", "exec", dont_inherit=True)
            reason = None
        except SyntaxError as error:
            reason = error.msg
        codes = {finding.code for finding in findings(source)}
        if reason is not None and any(part in reason for part in _ALWAYS_INVALID):
            assert "FAPI000" in codes, (source, reason)
            rejected += 1
        elif reason is None:
            assert "FAPI000" not in codes, source
            accepted += 1
    assert rejected > 60 and accepted > 60


def test_non_printable_characters_are_still_syntax_errors() -> None:
    sources = [f"x = 1 {char}\n" for char in ("\x0b", "\x7f", "\u200b", "\u2028")]
    for source in [*sources, "\ufeffx = 1\n"]:  # a second byte order mark, LibCST reads
        character = source
        try:
            compile(source, "x.py", "exec", dont_inherit=True)
            continue  # this Python accepts it: nothing to report
        except SyntaxError:
            pass
        codes = {finding.code for finding in findings(source)}
        assert "FAPI000" in codes, repr(character)


def test_crashed_compile_checks_fall_back_to_the_compile_and_are_not_reported(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from fastapi_lint.engine.compile_checks import CompileChecks

    def explode(self: CompileChecks, node: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(CompileChecks, "visit_Name", explode, raising=False)
    from fastapi_lint import rule as rule_module

    monkeypatch.setattr(rule_module, "_VISITOR_METHODS", {})  # see the new visit_Name
    broken = lint_source("class A:\n    return 1\n", "x.py", all_rules())
    assert [d.code for d in broken.diagnostics] == ["FAPI000"]
    code = "import time\n\nasync def f() -> None:\n    time.sleep(1)\n"
    valid = lint_source(code, "x.py", all_rules())
    assert not valid.internal_errors
    assert "FAPI101" in {d.code for d in valid.diagnostics}
