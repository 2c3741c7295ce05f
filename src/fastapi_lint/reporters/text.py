"""The default, human-readable format: findings grouped by file, then a summary."""

from __future__ import annotations

import io
from collections.abc import Iterable
from itertools import groupby

from rich.cells import cell_len
from rich.console import Console
from rich.text import Text

from fastapi_lint.models import Diagnostic, Report
from fastapi_lint.reporters import fix_hint, hidden_lines

# Wide enough that rich never wraps a finding, so each one stays greppable on one line.
WIDTH = 200
_CODE_STYLE = {"error": "bold red", "warning": "bold yellow"}
_CARET_STYLE = {"error": "red", "warning": "yellow"}


def render(report: Report, *, color: bool = False, quiet: bool = False) -> str:
    """Render ``report``; ``quiet`` keeps the findings and drops the summary."""
    buffer = io.StringIO()
    console = _console(buffer, color)
    for block in _file_blocks(report.diagnostics):
        for line in block:
            console.print(line)
        console.print()
    if not quiet:
        for line in _summary(report):
            console.print(line)
    return _trim(buffer.getvalue())


def _console(buffer: io.StringIO, color: bool) -> Console:
    # Every environment-sensitive knob is pinned so the CLI's ``color`` decision is
    # the only thing that matters: no colour system means not a single ANSI code.
    return Console(
        file=buffer,
        force_terminal=color,
        color_system="standard" if color else None,
        no_color=not color,
        width=WIDTH,
        highlight=False,
        soft_wrap=True,
        emoji=False,
        markup=False,
        legacy_windows=False,
    )


def _trim(output: str) -> str:
    # Blocks are separated by blank lines; the last one should not trail the output.
    stripped = output.rstrip("\n")
    return f"{stripped}\n" if stripped else ""


def _file_blocks(diagnostics: Iterable[Diagnostic]) -> list[list[Text]]:
    blocks = []
    for path, group in groupby(diagnostics, key=lambda diagnostic: diagnostic.path):
        findings = list(group)
        # One gutter width per file keeps the "|" column straight across its excerpts.
        gutter = max(len(str(diagnostic.line)) for diagnostic in findings)
        block = [Text(path, style="bold underline")]
        for diagnostic in findings:
            block.extend(_finding(diagnostic, gutter))
        blocks.append(block)
    return blocks


def _finding(diagnostic: Diagnostic, gutter: int) -> list[Text]:
    # User text goes in as plain Text segments, never parsed as markup, so "[" in a
    # message cannot change styling (the same guarantee rich.markup.escape gives).
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
    return [headline, *_excerpt(diagnostic, gutter)]


def _excerpt(diagnostic: Diagnostic, gutter: int) -> list[Text]:
    # An empty source line (e.g. FAPI000 on an unreadable file) has nothing to point at.
    if not diagnostic.source_line:
        return []
    source = diagnostic.source_line.rstrip("\r\n")
    padding, width = caret_span(diagnostic, source)
    carets = ("^" * width, _CARET_STYLE[diagnostic.severity])
    return [
        Text.assemble((f"  {diagnostic.line:>{gutter}} | ", "blue"), source),
        Text.assemble((f"  {'':>{gutter}} | ", "blue"), padding, carets),
    ]


def caret_span(diagnostic: Diagnostic, source: str) -> tuple[str, int]:
    """Whitespace that lines a caret up under ``column``, and how many carets to draw.

    Tabs are copied rather than replaced so the terminal expands both lines alike, and
    wide characters count as the cells they occupy.
    """
    start = min(max(diagnostic.column, 1), len(source) + 1) - 1
    end = len(source)
    if diagnostic.end_line == diagnostic.line:
        end = min(max(diagnostic.end_column - 1, start), len(source))
    padding = "".join("\t" if char == "\t" else " " * cell_len(char) for char in source[:start])
    return padding, max(cell_len(source[start:end]), 1)


def _summary(report: Report) -> list[Text]:
    lines = [_headline(report), *(Text(line) for line in hidden_lines(report))]
    hint = fix_hint(report)
    if hint is not None:
        lines.append(Text(hint, style="cyan"))
    families = report.by_family()
    if families:
        counts = ", ".join(f"{family} {count}" for family, count in families.items())
        lines.append(Text(f"By family: {counts}"))
    if report.internal_errors:
        errors = _plural(len(report.internal_errors), "internal error")
        lines.append(Text(f"{errors} (details on stderr)", style="bold magenta"))
    if report.type_coverage.total > 0:
        lines.append(Text(coverage_line(report)))
    return lines


def coverage_line(report: Report) -> str:
    """``Type coverage: 87.5% (35/40 annotations)``."""
    coverage = report.type_coverage
    ratio = f"{coverage.annotated}/{coverage.total}"
    return f"Type coverage: {coverage.percent:.1f}% ({ratio} annotations)"


def _headline(report: Report) -> Text:
    checked = f" ({_plural(report.files, 'file')} checked)"
    if not report.files:  # "All checks passed!" would claim a check that never ran
        return Text("No files checked.", style="bold yellow")
    if not report.diagnostics:
        return Text.assemble(("All checks passed!", "bold green"), checked)
    problems = _plural(len(report.diagnostics), "problem")
    files = _plural(len({diagnostic.path for diagnostic in report.diagnostics}), "file")
    return Text.assemble((f"Found {problems} in {files}", "bold"), checked)


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def render_markdown(text: str, *, color: bool) -> str:
    """Markdown for the terminal (a rule's page, for ``fastapi-lint rule``)."""
    # Imported here: the markdown parser is needed by that one command only.
    from rich.markdown import Markdown

    buffer = io.StringIO()
    console = Console(
        file=buffer, force_terminal=color, color_system="standard" if color else None, width=100
    )
    console.print(Markdown(text))
    return buffer.getvalue()
