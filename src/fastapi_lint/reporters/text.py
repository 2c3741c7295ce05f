"""The default, human-readable format: findings grouped by file, then a summary.

Lines are built as plain strings, and colour is a few ANSI codes around the pieces that
have a style: formatting thousands of findings through rich's console took over a second.
The output is byte for byte what rich printed for the same lines (the tests hold the two
side by side): the same SGR codes, the control characters rich drops dropped, and tabs
expanded as rich expands them, on the rare line that has one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from itertools import groupby

from fastapi_lint.models import Diagnostic, Report
from fastapi_lint.reporters import (
    NOT_ALL_CHECKED,
    context_line,
    fix_hint,
    hidden_lines,
    incomplete_line,
)

# A piece of a line: its text and its SGR parameters ("" for no style). A line is the
# pieces it is made of, printed one after the other.
Piece = tuple[str, str]
Line = Sequence[Piece]

_BOLD = "1"
_PATH = "1;4"  # bold underline
_GUTTER = "34"  # blue
_FIXABLE = "36"  # cyan
_PASSED = "1;32"  # bold green
_NOTHING_CHECKED = "1;33"  # bold yellow
_INTERNAL_ERRORS = "1;35"  # bold magenta
_CODE_STYLE = {"error": "1;31", "warning": "1;33"}  # bold red, bold yellow
_CARET_STYLE = {"error": "31", "warning": "33"}  # red, yellow
_RESET = "\x1b[0m"

# What a terminal would not show as written: rich drops these control characters, and
# expands tabs and starts a new line on line breaks (``_as_rich_prints``).
_NEEDS_CARE = re.compile("[\t\n\x07\x08\x0b\x0c\r]")
_DROPPED = dict.fromkeys((0x07, 0x08, 0x0B, 0x0C, 0x0D))
_TAB_SIZE = 8


def render(report: Report, *, color: bool = False, quiet: bool = False) -> str:
    """Render ``report``; ``quiet`` keeps the findings and drops the summary."""
    paint = _painted if color else _plain
    texts = _plain_blocks(report.diagnostics) if not color else _painted_blocks(report.diagnostics)
    if not quiet:
        texts.extend(map(paint, _summary(report)))
    return _trim("".join(f"{text}\n" for text in texts))


def _painted_blocks(diagnostics: Iterable[Diagnostic]) -> list[str]:
    texts: list[str] = []
    for block in _file_blocks(diagnostics):
        texts.extend(map(_painted, block))
        texts.append("")  # a blank line after each file
    return texts


def _plain_blocks(diagnostics: Iterable[Diagnostic]) -> list[str]:
    """The findings without colour, each written straight as text: tens of thousands of
    findings would otherwise spend most of a warm run in building and joining pieces."""
    texts: list[str] = []
    for path, group in groupby(diagnostics, key=lambda diagnostic: diagnostic.path):
        findings = list(group)
        gutter = max(len(str(diagnostic.line)) for diagnostic in findings)
        texts.append(_plain(((path, _PATH),)))
        texts.extend(_plain_finding(diagnostic, gutter) for diagnostic in findings)
        texts.append("")
    return texts


def _plain_finding(diagnostic: Diagnostic, gutter: int) -> str:
    """The lines ``_finding`` makes, as plain text (through ``_plain`` when any piece has a
    tab or a control character, which rich would print differently)."""
    head = f"{diagnostic.path}:{diagnostic.line}:{diagnostic.column}: {diagnostic.code} "
    head += f"{diagnostic.message}{_fixable(diagnostic)}"
    source = diagnostic.source_line.rstrip("\r\n")
    if _NEEDS_CARE.search(head) is not None or _NEEDS_CARE.search(source) is not None:
        return "\n".join(map(_plain, _finding(diagnostic, gutter)))
    if not diagnostic.source_line:
        return head
    padding, width = caret_span(diagnostic, source)
    number = f"  {diagnostic.line:>{gutter}} | "
    return f"{head}\n{number}{source}\n  {'':>{gutter}} | {padding}{'^' * width}"


def _fixable(diagnostic: Diagnostic) -> str:
    if diagnostic.fix is None:
        return ""
    return " [*] fixable (unsafe)" if diagnostic.fix.applicability == "unsafe" else " [*] fixable"


def _trim(output: str) -> str:
    # Blocks are separated by blank lines; the last one should not trail the output.
    stripped = output.rstrip("\n")
    return f"{stripped}\n" if stripped else ""


def _plain(line: Line) -> str:
    text = "".join(piece for piece, _ in line)
    if _NEEDS_CARE.search(text) is None:
        return text
    return "".join(piece for piece, _ in _as_rich_prints(line))


def _painted(line: Line) -> str:
    if _NEEDS_CARE.search("".join(piece for piece, _ in line)) is not None:
        line = _as_rich_prints(line)
    return "".join(
        f"\x1b[{style}m{piece}{_RESET}" if style else piece for piece, style in line if piece
    )


def _file_blocks(diagnostics: Iterable[Diagnostic]) -> list[list[Line]]:
    blocks = []
    for path, group in groupby(diagnostics, key=lambda diagnostic: diagnostic.path):
        findings = list(group)
        # One gutter width per file keeps the "|" column straight across its excerpts.
        gutter = max(len(str(diagnostic.line)) for diagnostic in findings)
        block: list[Line] = [((path, _PATH),)]
        for diagnostic in findings:
            block.extend(_finding(diagnostic, gutter))
        blocks.append(block)
    return blocks


def _finding(diagnostic: Diagnostic, gutter: int) -> list[Line]:
    # User text is only ever a piece of text: a "[" in a message cannot change styling.
    headline: list[Piece] = [
        (f"{diagnostic.path}:{diagnostic.line}:{diagnostic.column}:", _BOLD),
        (" ", ""),
        (diagnostic.code, _CODE_STYLE[diagnostic.severity]),
        (" ", ""),
        (diagnostic.message, ""),
    ]
    if diagnostic.fix is not None:
        headline.append((_fixable(diagnostic), _FIXABLE))
    return [headline, *_excerpt(diagnostic, gutter)]


def _excerpt(diagnostic: Diagnostic, gutter: int) -> list[Line]:
    # An empty source line (e.g. FAPI000 on an unreadable file) has nothing to point at.
    if not diagnostic.source_line:
        return []
    source = diagnostic.source_line.rstrip("\r\n")
    padding, width = caret_span(diagnostic, source)
    carets = ("^" * width, _CARET_STYLE[diagnostic.severity])
    return [
        ((f"  {diagnostic.line:>{gutter}} | ", _GUTTER), (source, "")),
        ((f"  {'':>{gutter}} | ", _GUTTER), (padding, ""), carets),
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
    if source.isascii() and source.isprintable():  # one cell per character
        return " " * start, max(end - start, 1)
    padding = "".join("\t" if char == "\t" else " " * _cells(char) for char in source[:start])
    return padding, max(_cells(source[start:end]), 1)


def _cells(text: str) -> int:
    """The terminal cells ``text`` takes, as rich counts them (wide characters take two)."""
    # Imported here: only lines with tabs or non-ASCII text need rich's width tables.
    from rich.cells import cell_len

    return cell_len(text)


def _as_rich_prints(line: Line) -> list[Piece]:
    """``line`` as rich prints it: control characters dropped, one row per line break,
    tabs expanded to the next multiple of 8 cells (each row counted from its start)."""
    rows: list[list[Piece]] = [[]]
    for text, style in line:
        first, *others = text.translate(_DROPPED).split("\n")
        rows[-1].append((first, style))
        rows.extend([(other, style)] for other in others)
    printed: list[Piece] = []
    for number, row in enumerate(rows):
        if number:
            printed.append(("\n", ""))
        printed.extend(_expand_tabs(row))
    return printed


def _expand_tabs(row: Sequence[Piece]) -> list[Piece]:
    """Each tab as the spaces up to the next tab stop, in the style of the tab.

    Like rich, a piece is cut after each of its tabs (so a styled piece with a tab is
    printed as two styled runs).
    """
    if not any("\t" in text for text, _ in row):
        return list(row)
    expanded: list[Piece] = []
    cells = 0  # where the last tab stop of the row is, in terminal cells
    since_tab = ""  # the row's text after that tab stop
    for text, style in row:
        *tabbed, last = text.split("\t")
        for part in tabbed:
            # Measured as rich measures it: the text since the last tab, the tab a space.
            cells += _cells(f"{since_tab}{part} ")
            spaces = -cells % _TAB_SIZE
            expanded.append((f"{part} {' ' * spaces}", style))
            cells, since_tab = cells + spaces, ""
        since_tab += last
        expanded.append((last, style))
    return expanded


def _summary(report: Report) -> list[Line]:
    lines = [_headline(report), *(((line, ""),) for line in hidden_lines(report))]
    hint = fix_hint(report)
    if hint is not None:
        lines.append(((hint, _FIXABLE),))
    families = report.by_family()
    if families:
        counts = ", ".join(f"{family} {count}" for family, count in families.items())
        lines.append(((f"By family: {counts}", ""),))
    incomplete = incomplete_line(report)
    if incomplete is not None:
        lines.append(((incomplete, _INTERNAL_ERRORS),))
    if report.type_coverage.total > 0:
        lines.append(((coverage_line(report), ""),))
    switched_off = context_line(report)
    if switched_off is not None:
        lines.append(((switched_off, ""),))
    return lines


def coverage_line(report: Report) -> str:
    """``Type coverage: 87.5% (35/40 annotations)``."""
    coverage = report.type_coverage
    ratio = f"{coverage.annotated}/{coverage.total}"
    return f"Type coverage: {coverage.percent:.1f}% ({ratio} annotations)"


def _headline(report: Report) -> Line:
    checked = f" ({_plural(report.files, 'file')} checked)"
    if not report.files:  # "All checks passed!" would claim a check that never ran
        return (("No files checked.", _NOTHING_CHECKED),)
    if not report.diagnostics and report.internal_errors:  # nor would it after a crash
        return ((NOT_ALL_CHECKED, _INTERNAL_ERRORS),)
    if not report.diagnostics:
        return (("All checks passed!", _PASSED), (checked, ""))
    problems = _plural(len(report.diagnostics), "problem")
    files = _plural(len({diagnostic.path for diagnostic in report.diagnostics}), "file")
    return ((f"Found {problems} in {files}", _BOLD), (checked, ""))


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def render_markdown(text: str, *, color: bool) -> str:
    """Markdown for the terminal (a rule's page, for ``fastapi-lint rule``)."""
    # Imported here: the markdown parser is needed by that one command only.
    import io

    from rich.console import Console
    from rich.markdown import Markdown

    buffer = io.StringIO()
    console = Console(
        file=buffer, force_terminal=color, color_system="standard" if color else None, width=100
    )
    console.print(Markdown(text))
    return buffer.getvalue()
