"""The engine: one walk, positions, suppression, and bad input that never stops a run."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import ClassVar

import libcst as cst
import pytest

from fastapi_lint.options import RuleOptions
from fastapi_lint.rule import Rule
from fastapi_lint.runner.jobs import FileJob, run_jobs
from fastapi_lint.runner.single_file import lint_bytes, lint_file, lint_source


class FlagEveryCall(Rule):
    """Test rule: reports every call to a function named ``boom``."""

    code = "FAPI990"
    name = "test-flag-boom"
    family = "test"
    message = "boom called"

    def visit_Call(self, node: cst.Call) -> None:
        if isinstance(node.func, cst.Name) and node.func.value == "boom":
            self.report(node)


class CrashOnFunctions(Rule):
    """Test rule that raises on every function definition."""

    code = "FAPI991"
    name = "test-crash"
    family = "test"
    message = "never"

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        raise ValueError("rule bug")


class RecordScopes(Rule):
    """Test rule: records the enclosing function seen at each call."""

    code = "FAPI992"
    name = "test-scopes"
    family = "test"
    message = "scope {scope}"
    seen: ClassVar[list[str | None]] = []

    def visit_Call(self, node: cst.Call) -> None:
        function = self.context.enclosing_function()
        RecordScopes.seen.append(function.name.value if function else None)


def codes(source: str, rules: tuple[type[Rule], ...] = (FlagEveryCall,)) -> list[str]:
    return [d.code for d in lint_source(source, "x.py", rules).diagnostics]


def test_positions_are_one_based_with_exclusive_end() -> None:
    result = lint_source("x = 1\nif x:\n    boom(1)\n", "x.py", (FlagEveryCall,))
    (finding,) = result.diagnostics
    assert (finding.line, finding.column, finding.end_line, finding.end_column) == (3, 5, 3, 12)
    assert finding.source_line == "    boom(1)"


def test_findings_are_sorted_by_line_and_column() -> None:
    result = lint_source("boom(2); boom(1)\nboom(0)\n", "x.py", (FlagEveryCall,))
    assert [(d.line, d.column) for d in result.diagnostics] == [(1, 1), (1, 10), (2, 1)]


def test_noqa_with_matching_code_suppresses_only_that_code() -> None:
    source = "boom()  # noqa: FAPI990\nboom()  # noqa: FAPI101\nboom()  # NOQA:fapi101,fapi990\n"
    result = lint_source(source, "x.py", (FlagEveryCall,))
    assert [d.line for d in result.diagnostics] == [2]


def test_bare_noqa_suppresses_every_code() -> None:
    assert codes("boom()  # noqa\n") == []


def test_syntax_error_is_one_fapi000_at_cpython_position() -> None:
    result = lint_source("x = 1\ndef broken(:\n    pass\n", "x.py", (FlagEveryCall,))
    (finding,) = result.diagnostics
    assert (finding.code, finding.name, finding.line) == ("FAPI000", "syntax-error", 2)
    assert finding.message.startswith("SyntaxError:")


def test_syntax_error_cannot_be_suppressed_with_noqa() -> None:
    assert codes("def broken(:  # noqa\n    pass\n") == ["FAPI000"]


def test_crashing_rule_is_reported_and_other_rules_still_run() -> None:
    result = lint_source("def f():\n    boom()\n", "x.py", (CrashOnFunctions, FlagEveryCall))
    assert [d.code for d in result.diagnostics] == ["FAPI990"]
    (error,) = result.internal_errors
    assert error.rule == "FAPI991" and "rule bug" in error.message


def test_enclosing_function_ignores_calls_inside_lambdas_and_classes() -> None:
    RecordScopes.seen.clear()
    source = textwrap.dedent(
        """
        async def outer():
            a()
            f = lambda: b()
            class C:
                c()
            def inner():
                d()
            e()
        """
    )
    lint_source(source, "x.py", (RecordScopes,))
    assert RecordScopes.seen == ["outer", None, None, "inner", "outer"]


def test_utf8_bom_is_accepted_and_positions_unchanged() -> None:
    result = lint_bytes(b"\xef\xbb\xbfboom()\n", "x.py", (FlagEveryCall,))
    assert [(d.line, d.column) for d in result.diagnostics] == [(1, 1)]


def test_crlf_line_endings_keep_positions_and_clean_source_lines() -> None:
    result = lint_bytes(b"x = 1\r\n\r\nboom()\r\n", "x.py", (FlagEveryCall,))
    (finding,) = result.diagnostics
    assert (finding.line, finding.source_line) == (3, "boom()")


def test_coding_cookie_latin1_decodes() -> None:
    data = "# -*- coding: latin-1 -*-\nname = 'café'\nboom()\n".encode("latin-1")
    assert [d.code for d in lint_bytes(data, "x.py", (FlagEveryCall,)).diagnostics] == ["FAPI990"]


def test_undecodable_bytes_without_cookie_are_unreadable_file() -> None:
    result = lint_bytes(b"x = 1\nname = '\xff\xfe'\n", "x.py", (FlagEveryCall,))
    (finding,) = result.diagnostics
    assert (finding.code, finding.name, finding.line) == ("FAPI000", "unreadable-file", 2)


def test_undecodable_bytes_under_a_cookie_are_unreadable_file() -> None:
    data = b"# coding: ascii\nname = '\xc3\xa9'\n"
    assert lint_bytes(data, "x.py", (FlagEveryCall,)).diagnostics[0].name == "unreadable-file"


def test_unknown_coding_cookie_is_unreadable_file() -> None:
    data = b"# coding: klingon\nx = 1\n"
    assert lint_bytes(data, "x.py", (FlagEveryCall,)).diagnostics[0].name == "unreadable-file"


def test_nul_bytes_are_a_syntax_error() -> None:
    result = lint_bytes(b"x = 1\ny = 2\x00\n", "x.py", (FlagEveryCall,))
    (finding,) = result.diagnostics
    assert (finding.code, finding.line) == ("FAPI000", 2)
    assert "null bytes" in finding.message


def test_empty_file_has_no_findings() -> None:
    assert lint_bytes(b"", "x.py", (FlagEveryCall,)).diagnostics == ()


def test_thousands_of_nested_parentheses_are_one_fapi000() -> None:
    source = "x = " + "(" * 5000 + "1" + ")" * 5000 + "\n"
    result = lint_source(source, "x.py", (FlagEveryCall,))
    (finding,) = result.diagnostics
    assert finding.code == "FAPI000" and "nested parentheses" in finding.message


def test_operator_chain_too_long_to_parse_safely_is_one_fapi000() -> None:
    source = "x = " + " + ".join(["1"] * 20_000) + "\n"
    (finding,) = lint_source(source, "x.py", (FlagEveryCall,)).diagnostics
    assert finding.code == "FAPI000" and "too deeply" in finding.message


def test_deep_operator_chain_that_parses_is_still_analysed() -> None:
    # 900 terms parse fine but exceed Python's default recursion limit when positions
    # are computed; the engine retries on a deep stack instead of failing.
    source = "x = boom(" + " + ".join(["1"] * 900) + ")\n"
    result = lint_source(source, "x.py", (FlagEveryCall,))
    assert [d.code for d in result.diagnostics] == ["FAPI990"]


def test_multiline_operator_chain_inside_brackets_is_guarded() -> None:
    source = "x = (\n" + " +\n".join(["1"] * 20_000) + "\n)\n"
    assert codes(source) == ["FAPI000"]


def test_long_flat_literals_are_not_mistaken_for_deep_nesting() -> None:
    source = "ROUTES = [\n" + "".join(f"    views.handler_{i}.run,\n" for i in range(5000)) + "]\n"
    assert codes(source) == []


def test_file_that_vanished_is_one_unreadable_finding(tmp_path: Path) -> None:
    gone = tmp_path / "gone.py"
    result = lint_file(gone, "gone.py", (FlagEveryCall,))
    (finding,) = result.diagnostics
    assert (finding.code, finding.name) == ("FAPI000", "unreadable-file")


def test_permission_denied_is_one_unreadable_finding(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    locked = tmp_path / "locked.py"
    locked.write_text("boom()\n")

    def deny(path: Path) -> bytes:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("fastapi_lint.engine.lint.read_source_file", deny)
    (finding,) = lint_file(locked, "locked.py", (FlagEveryCall,)).diagnostics
    assert finding.name == "unreadable-file" and "Permission denied" in finding.message


def test_file_replaced_by_a_pipe_is_unreadable_not_a_hang(tmp_path: Path) -> None:
    pipe = tmp_path / "pipe.py"
    os.mkfifo(pipe)  # discovery skips pipes; this one appeared after the walk
    (finding,) = lint_file(pipe, "pipe.py", (FlagEveryCall,)).diagnostics
    assert finding.name == "unreadable-file" and "not a regular file" in finding.message


def test_one_bad_file_does_not_stop_the_others(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("def broken(:\n")
    (tmp_path / "b.py").write_text("boom()\n")
    jobs = [FileJob(tmp_path / n, n, (FlagEveryCall,)) for n in ("a.py", "missing.py", "b.py")]
    results = run_jobs(jobs, RuleOptions(), workers=1, cache_dir=None)
    assert [[d.code for d in r.diagnostics] for r in results] == [
        ["FAPI000"],
        ["FAPI000"],
        ["FAPI990"],
    ]


@pytest.mark.parametrize(
    "source",
    [
        "x = " + "f(" * 3000 + ")" * 3000,
        "x = " + "[" * 3000 + "]" * 3000,
        "x = " + " + ".join(["a"] * 12_000),
        "x = " + " and ".join(["a"] * 12_000),
        "x = a" + ".b" * 12_000,
        "x = " + "not " * 12_000 + "a",
        "x = " + "lambda: " * 12_000 + "1",
        "x = " + "a if b else " * 12_000 + "c",
        'x = f"{' + "(" * 1300 + "1" + ")" * 1300 + '}"',
        'x = f"{a' + ".b" * 6000 + '}"',
        'x = rf"""{a' + "[0]" * 6000 + '}"""',
        # Not a crash but cubic parse time: minutes for 6,000 links, unguarded.
        "x = a" + "[0]" * 6000,
        "x = f" + "()" * 6000,
    ],
    ids=[
        "calls",
        "lists",
        "plus",
        "and",
        "attributes",
        "not",
        "lambda",
        "ternary",
        "f-string-parentheses",
        "f-string-attributes",
        "f-string-subscripts",
        "subscript-chain",
        "call-chain",
    ],
)
def test_pathological_nesting_never_kills_the_process(source: str, tmp_path: Path) -> None:
    # A separate interpreter: if the guard failed, LibCST's parser would segfault and
    # take pytest down with it, so the check runs where a crash is only an exit code.
    target = tmp_path / "deep.py"
    target.write_text(source + "\n")
    script = (
        "import sys; from fastapi_lint.runner.single_file import lint_file; "
        "from pathlib import Path; "
        "from fastapi_lint.registry import all_rules; "
        "r = lint_file(Path(sys.argv[1]), 'deep.py', all_rules()); "
        "print(','.join(d.code for d in r.diagnostics))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(target)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() in ("", "FAPI000")


def test_engine_bug_on_one_file_is_an_internal_error_not_a_crash(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import fastapi_lint.engine.findings as engine

    def broken(*args: object) -> None:
        raise KeyError("positions")

    monkeypatch.setattr(engine, "node_ranges", broken)
    monkeypatch.setattr(engine, "statement_ranges", broken)
    result = lint_source("boom()\n", "x.py", (FlagEveryCall,))
    (error,) = result.internal_errors
    assert error.rule == "engine" and "KeyError" in error.message
