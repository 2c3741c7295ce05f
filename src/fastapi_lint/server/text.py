"""Positions between our models (1-based lines, columns in code points) and LSP's.

LSP positions are 0-based and count columns in the code units of the encoding the
client and server agreed on: UTF-16 unless the client offers another (``é`` is one
unit, ``😀`` two). Lines are split at ``\\r\\n``, ``\\r`` and ``\\n`` only, as the LSP
specification and the engine both do (``str.splitlines`` would also split at form
feeds and ``\\u2028``, shifting every line below them).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from lsprotocol import types

LINE_BREAK = re.compile(r"\r\n|\r|\n")
_PHYSICAL_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


def _utf16_units(text: str) -> int:
    if text.isascii():
        return len(text)
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _utf8_units(text: str) -> int:
    return len(text.encode("utf-8", "surrogatepass"))


_UNITS: dict[str, Callable[[str], int]] = {
    types.PositionEncodingKind.Utf8.value: _utf8_units,
    types.PositionEncodingKind.Utf16.value: _utf16_units,
    types.PositionEncodingKind.Utf32.value: len,
}


def split_lines(text: str) -> list[str]:
    """The lines of ``text`` without their line breaks (a final break gives a last ``""``)."""
    return LINE_BREAK.split(text)


def physical_lines(text: str) -> list[str]:
    """The lines of ``text``, each with its line break."""
    return _PHYSICAL_LINE.findall(text)


class TextPositions:
    """Converts positions in one text to LSP positions in the negotiated encoding."""

    def __init__(self, text: str, encoding: str | None = None) -> None:
        self.lines = split_lines(text)
        self._units = _UNITS.get(encoding or "", _utf16_units)

    def position(self, line: int, column: int) -> types.Position:
        """A 1-based line and code-point column, clamped to the text, as an LSP position."""
        if line < 1:
            return types.Position(line=0, character=0)
        if line > len(self.lines):
            return self.end()
        prefix = self.lines[line - 1][: max(column - 1, 0)]
        return types.Position(line=line - 1, character=self._units(prefix))

    def range(self, line: int, column: int, end_line: int, end_column: int) -> types.Range:
        return types.Range(
            start=self.position(line, column), end=self.position(end_line, end_column)
        )

    def end(self) -> types.Position:
        last = len(self.lines) - 1
        return types.Position(line=last, character=self._units(self.lines[last]))

    def line_end(self, line: int) -> types.Position:
        """The end of a 1-based line (before its line break)."""
        return self.position(line, len(self.lines[line - 1]) + 1)


def offset_position(text: str, offset: int) -> tuple[int, int]:
    """The 1-based line and code-point column of a string offset."""
    line, start = 1, 0
    for match in LINE_BREAK.finditer(text, 0, offset):
        line, start = line + 1, match.end()
    return line, offset - start + 1


def changed_span(old: str, new: str) -> tuple[int, int, str]:
    """The smallest ``old[start:end]`` that, replaced by the returned text, gives ``new``.

    The span never splits a ``\\r\\n``, so its ends are positions a client can address.
    """
    limit = min(len(old), len(new))
    start = 0
    while start < limit and old[start] == new[start]:
        start += 1
    start -= _inside_crlf(old, start)
    tail = 0
    while tail < limit - start and old[-1 - tail] == new[-1 - tail]:
        tail += 1
    tail -= _inside_crlf(old, len(old) - tail)
    return start, len(old) - tail, new[start : len(new) - tail]


def _inside_crlf(text: str, offset: int) -> int:
    """1 when ``offset`` falls between the ``\\r`` and the ``\\n`` of a line break."""
    return int(0 < offset < len(text) and text[offset - 1 : offset + 1] == "\r\n")
