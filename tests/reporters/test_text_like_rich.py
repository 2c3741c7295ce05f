"""The text format writes plain strings; its output must stay what rich printed for it.

The oracle below is the text reporter as it was when rich's console printed every line
(the same Text pieces and styles, the same console settings). Both render the same
reports, crafted and random, with and without colour, and must agree byte for byte:
styles, control characters, tabs after wide characters, line breaks inside messages.
"""

from __future__ import annotations

import io
import os
import random
import subprocess
import sys
from itertools import groupby
from pathlib import Path

import pytest
from rich.console import Console
from rich.text import Text

from fastapi_lint.models import WORKER_CRASHED, Diagnostic, Fix, InternalError, Report, TypeCoverage
from fastapi_lint.reporters import context_line, fix_hint, hidden_lines, incomplete_line, text

SRC_DIR = Path(__file__).resolve().parents[2] / "src"
_CODE_STYLE = {"error": "bold red", "warning": "bold yellow"}
_CARET_STYLE = {"error": "red", "warning": "yellow"}


# --- the oracle: every line printed by rich ------------------------------------------


def rich_render(report: Report, *, color: bool, quiet: bool) -> str:
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        force_terminal=color,
        color_system="standard" if color else None,
        no_color=not color,
        width=200,
        highlight=False,
        soft_wrap=True,
        emoji=False,
        markup=False,
        legacy_windows=False,
    )
    for path, group in groupby(report.diagnostics, key=lambda diagnostic: diagnostic.path):
        findings = list(group)
        gutter = max(len(str(diagnostic.line)) for diagnostic in findings)
        console.print(Text(path, style="bold underline"))
        for diagnostic in findings:
            for line in rich_finding(diagnostic, gutter):
                console.print(line)
        console.print()
    if not quiet:
        for line in rich_summary(report):
            console.print(line)
    stripped = buffer.getvalue().rstrip("\n")
    return f"{stripped}\n" if stripped else ""


def rich_finding(diagnostic: Diagnostic, gutter: int) -> list[Text]:
    headline = Text.assemble(
        (f"{diagnostic.path}:{diagnostic.line}:{diagnostic.column}:", "bold"),
        " ",
        (diagnostic.code, _CODE_STYLE[diagnostic.severity]),
        " ",
        diagnostic.message,
    )
    if diagnostic.fix is not None:
        unsafe = " (unsafe)" if diagnostic.fix.applicability == "unsafe" else ""
        headline.append(f" [*] fixable{unsafe}", style="cyan")
    if not diagnostic.source_line:
        return [headline]
    source = diagnostic.source_line.rstrip("\r\n")
    padding, width = text.caret_span(diagnostic, source)
    carets = ("^" * width, _CARET_STYLE[diagnostic.severity])
    return [
        headline,
        Text.assemble((f"  {diagnostic.line:>{gutter}} | ", "blue"), source),
        Text.assemble((f"  {'':>{gutter}} | ", "blue"), padding, carets),
    ]


def rich_summary(report: Report) -> list[Text]:
    lines = [rich_headline(report), *(Text(line) for line in hidden_lines(report))]
    hint = fix_hint(report)
    if hint is not None:
        lines.append(Text(hint, style="cyan"))
    families = report.by_family()
    if families:
        counts = ", ".join(f"{family} {count}" for family, count in families.items())
        lines.append(Text(f"By family: {counts}"))
    incomplete = incomplete_line(report)
    if incomplete is not None:
        lines.append(Text(incomplete, style="bold magenta"))
    if report.type_coverage.total > 0:
        lines.append(Text(text.coverage_line(report)))
    switched_off = context_line(report)
    if switched_off is not None:
        lines.append(Text(switched_off))
    return lines


def rich_headline(report: Report) -> Text:
    def plural(count: int, noun: str) -> str:
        return f"{count} {noun}" if count == 1 else f"{count} {noun}s"

    checked = f" ({plural(report.files, 'file')} checked)"
    if not report.files:
        return Text("No files checked.", style="bold yellow")
    if not report.diagnostics and report.internal_errors:
        return Text("Not all checks ran!", style="bold magenta")
    if not report.diagnostics:
        return Text.assemble(("All checks passed!", "bold green"), checked)
    problems = plural(len(report.diagnostics), "problem")
    files = plural(len({diagnostic.path for diagnostic in report.diagnostics}), "file")
    return Text.assemble((f"Found {problems} in {files}", "bold"), checked)


# --- reports to render ---------------------------------------------------------------


def diagnostic(**changes: object) -> Diagnostic:
    fields: dict[str, object] = {
        "code": "FAPI101",
        "name": "blocking-call-in-async-function",
        "family": "async",
        "severity": "error",
        "message": "Blocking call `time.sleep()` inside `async def read_items`",
        "path": "app/main.py",
        "line": 7,
        "column": 5,
        "end_line": 7,
        "end_column": 18,
        "source_line": "    time.sleep(1)\n",
        "fix": None,
    }
    return Diagnostic(**{**fields, **changes})  # type: ignore[arg-type]


def report_of(*diagnostics: Diagnostic, **changes: object) -> Report:
    fields: dict[str, object] = {
        "tool_version": "0.1.0",
        "files": 4,
        "diagnostics": tuple(sorted(diagnostics, key=Diagnostic.sort_key)),
        "rules": (),
        "internal_errors": (InternalError("app/main.py", "FAPI301", "boom"),),
        "type_coverage": TypeCoverage(annotated=3, total=4),
    }
    return Report(**{**fields, **changes})  # type: ignore[arg-type]


SAFE, UNSAFE = Fix("safe", "m", ()), Fix("unsafe", "m", ())
CRAFTED = {
    "plain": report_of(diagnostic(), diagnostic(line=12, severity="warning", fix=SAFE)),
    "tab after a wide character": report_of(
        diagnostic(source_line="\t界\ttime.sleep(1)\n", column=4, end_column=17)
    ),
    "tab in a styled path": report_of(diagnostic(path="app\tmain.py", fix=UNSAFE)),
    "line break in a message": report_of(diagnostic(message="first\nsecond\n")),
    "dropped control characters": report_of(
        diagnostic(message="a\rb\x07c\x08d\x0be\x0cf", source_line="\x0cx = 1\r\n", column=1)
    ),
    "markup-like text": report_of(diagnostic(message="[bold]x[/bold] :smile: \\")),
    "joiners and emoji": report_of(
        diagnostic(source_line="s = '👩\u200d💻\t'  # é\u0301\n", column=9, end_column=12)
    ),
    "no source line": report_of(diagnostic(source_line="", code="FAPI000")),
    "clean run": report_of(internal_errors=(), type_coverage=TypeCoverage()),
    "a worker crashed": report_of(
        internal_errors=(InternalError("a.py", "engine", WORKER_CRASHED),)
    ),
    "nothing checked": report_of(files=0, baselined=2, unchanged=1),
}
_ALPHABET = [*"ab (=)_:[]\\", "\t", "\n", "\r", "\x0c", "\x07", "\x1b", "界", "é", "😀", "\u200d"]


def random_report(seed: int) -> Report:
    chance = random.Random(seed)

    def words(most: int) -> str:
        return "".join(chance.choice(_ALPHABET) for _ in range(chance.randint(0, most)))

    def finding() -> Diagnostic:
        line = chance.randint(1, 20_000)
        return diagnostic(
            severity=chance.choice(["error", "warning"]),
            message=words(30),
            path=chance.choice(["a.py", "b/c.py", words(6) or "d.py"]),
            line=line,
            column=chance.randint(0, 40),
            end_line=line + chance.choice([0, 0, 1]),
            end_column=chance.randint(0, 45),
            source_line=chance.choice(["", words(40) + chance.choice(["", "\n", "\r\n"])]),
            fix=chance.choice([None, SAFE, UNSAFE]),
        )

    return report_of(*(finding() for _ in range(chance.randint(0, 5))))


# --- the comparisons -----------------------------------------------------------------


@pytest.mark.parametrize("color", [False, True], ids=["no colour", "colour"])
@pytest.mark.parametrize("name", CRAFTED)
def test_crafted_reports_print_as_rich_printed_them(name: str, color: bool) -> None:
    report = CRAFTED[name]
    for quiet in (False, True):
        expected = rich_render(report, color=color, quiet=quiet)
        assert text.render(report, color=color, quiet=quiet) == expected


@pytest.mark.parametrize("color", [False, True], ids=["no colour", "colour"])
def test_random_reports_print_as_rich_printed_them(color: bool) -> None:
    for seed in range(300):
        report = random_report(seed)
        assert text.render(report, color=color) == rich_render(report, color=color, quiet=False)


def test_the_comparison_can_fail() -> None:
    # A tab's width depends on the cells before it: a wide character moves the tab stop.
    narrow = report_of(diagnostic(source_line="\tx\ty\n"))
    wide = report_of(diagnostic(source_line="\t界\ty\n"))
    assert rich_render(narrow, color=False, quiet=True) != rich_render(
        wide, color=False, quiet=True
    )
    assert text.render(wide, quiet=True) == rich_render(wide, color=False, quiet=True)


def test_rendering_ascii_findings_does_not_import_rich() -> None:
    script = (
        "import sys\n"
        "from fastapi_lint import reporters\n"
        "from fastapi_lint.models import Diagnostic, Report\n"
        "finding = Diagnostic('FAPI101', 'n', 'async', 'error', 'm', 'a.py', 1, 1, 1, 2,"
        " 'x = 1')\n"
        "report = Report(tool_version='0', files=1, diagnostics=(finding,), rules=())\n"
        "assert 'x = 1' in reporters.render(report, 'text', color=True)\n"
        "assert 'rich' not in sys.modules, sorted(m for m in sys.modules if 'rich' in m)\n"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(SRC_DIR), *sys.path])}
    subprocess.run([sys.executable, "-c", script], check=True, env=env)
