"""A lexical check that keeps pathological code away from LibCST's parser.

LibCST's native parser overflows its stack and kills the whole process (a segfault,
not an exception) somewhere past 1,000 nested brackets and past ~5,000 chained
operators, and its parse time grows with the cube of a chain of calls or subscripts
(``a[0][0]...``: 500 links take 0.4 s, 2,000 take 17 s). CPython itself rejects more
than 200 nested brackets, so such files are not valid Python anyway. One pass over the
source, linear in time and constant in memory, estimates the deepest nesting and the
longest postfix chain the parse tree would have, inside f-string replacement fields
too; the engine reports such a file as FAPI000 instead of parsing it.

The scan is a small state machine over a stack of modes: code, the literal text of an
f-string, and a replacement field's format spec. Strings are skipped with ``str.find``
style searches (no backtracking regex over their content: a 50 MB literal must not cost
gigabytes).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# CPython's tokenizer limit (MAXLEVEL): deeper bracket nesting is a syntax error.
MAX_BRACKET_DEPTH = 200
# Far below where LibCST crashes (~5,000) yet far above anything hand-written.
MAX_EXPRESSION_DEPTH = 1000
# Calls or subscripts applied one after another (``f()()``, ``a[0][0]``): LibCST takes
# about 0.1 s for 300 links, minutes for thousands; hand-written chains stay below 50.
MAX_POSTFIX_CHAIN = 300
# CPython's limit on f-strings nested in f-strings (MAXFSTRINGLEVEL, Python 3.12+).
MAX_FSTRING_DEPTH = 150

_CODE = r"""
    (?P<string>'''|\"\"\"|'|")
    | (?P<comment>\#[^\n]*)
    | (?P<open>[(\[{])
    | (?P<close>[)\]}])
    | (?P<separator>[,;])
    | (?P<newline>\n)
    | (?P<operator>\*\*|//|<<|>>|[-+*/%@&|^~.]|\b(?:and|or|not|if|lambda|await)\b)
"""
_PREFIX_LETTERS = frozenset("rRbBuUfFtT")
# Every character a token above can start with. Looked ahead for first, it lets the
# search skip the other characters without trying each alternative there: the same
# matches, in less than half the time.
_CODE_STARTS = r"""'"\#()\[\]{},;\n*/<>\-+%@&|^~.aoinl"""
_CODE_TOKEN = re.compile(f"(?=[{_CODE_STARTS}])(?:{_CODE})", re.VERBOSE)
# Directly inside a replacement field (not in brackets there), a ``:`` starts the
# format spec; ``:=`` is an assignment expression.
_FIELD_TOKEN = re.compile(f"(?=[{_CODE_STARTS}:])(?:{_CODE}| (?P<spec>:(?!=)))", re.VERBOSE)
_SPEC_TOKEN = re.compile(r"[{}\n]")


@dataclass(frozen=True, slots=True)
class NestingProblem:
    message: str
    line: int
    # True when CPython rejects the code too; False when only the analyser cannot cope.
    invalid: bool = True


@dataclass(slots=True)
class _Level:
    """One open bracket (or the top level): the operators and trailers chained in it."""

    operators: int = 0
    postfix: int = 0
    is_field: bool = False  # the braces of an f-string replacement field


@dataclass(frozen=True, slots=True)
class _FString:
    quote: str
    raw: bool
    stops: re.Pattern[str]


_CODE_MODE = "code"
_SPEC_MODE = "spec"
_Mode = _FString | str


class _FoundError(Exception):
    def __init__(self, problem: NestingProblem) -> None:
        super().__init__(problem.message)
        self.problem = problem


def _fstring_stops(quote: str) -> re.Pattern[str]:
    newline = r"|\n" if len(quote) == 1 else ""
    return re.compile(r"\\|\{\{|\}\}|\{|\}|" + re.escape(quote) + newline)


_STOPS = {quote: _fstring_stops(quote) for quote in ("'", '"', "'''", '"""')}
_PLAIN_STOPS = {
    quote: re.compile(r"\\|" + re.escape(quote) + (r"|\n" if len(quote) == 1 else ""))
    for quote in ("'", '"', "'''", '"""')
}


def _plain_string_end(source: str, position: int, quote: str) -> int:
    """Where a string that is not an f-string ends (its end, or the line's if unclosed)."""
    stops = _PLAIN_STOPS[quote]
    while (match := stops.search(source, position)) is not None:
        if match.group() != "\\":
            return match.end() if match.group() == quote else match.start()
        position = match.end() + 1  # an escaped character, a quote or a line break too
    return len(source)


def _string_prefix(source: str, quote_at: int) -> str:
    """The letters before a quote that make it ``f"..."``, ``rb'...'`` and so on."""
    for length in (2, 1):
        start = quote_at - length
        letters = source[max(start, 0) : quote_at]
        if start < 0 or not all(letter in _PREFIX_LETTERS for letter in letters):
            continue
        if start == 0 or not (source[start - 1].isalnum() or source[start - 1] == "_"):
            return letters.lower()
    return ""


@dataclass(slots=True)
class _Scanner:
    source: str
    levels: list[_Level] = field(default_factory=lambda: [_Level()])
    modes: list[_Mode] = field(default_factory=lambda: [_CODE_MODE])
    after_close: bool = False
    operators: int = 0  # chained operators over all open levels

    def run(self) -> None:
        position, end = 0, len(self.source)
        while position < end:
            mode = self.modes[-1]
            if isinstance(mode, _FString):
                position = self._fstring_step(position, mode)
            elif mode == _SPEC_MODE:
                position = self._spec_step(position)
            else:
                position = self._code_run(position)

    def _problem(self, offset: int, message: str, *, invalid: bool = True) -> _FoundError:
        line = self.source.count("\n", 0, offset) + 1
        return _FoundError(NestingProblem(message, line, invalid))

    # -- code --------------------------------------------------------------------------

    def _code_run(self, position: int) -> int:
        """Tokens of code until a string, a format spec or a field's edge changes the mode.

        One ``finditer`` for the run: a search per token doubled the guard's cost. The
        commonest tokens are handled in the loop: a call per token was half the cost.
        """
        levels = self.levels
        in_field = levels[-1].is_field
        for match in (_FIELD_TOKEN if in_field else _CODE_TOKEN).finditer(self.source, position):
            kind = match.lastgroup
            if kind == "newline":
                if len(levels) == 1:  # a statement ends, and its chains with it
                    self.after_close = False
                    self._restart_chains(levels[0])
            elif kind == "operator":
                self._operator(match.start())
            elif kind != "comment":  # ``f()  # why`` then ``(x)`` is still a call
                end = self._mode_token(match, kind, in_field)
                if end is not None:
                    return end
        return len(self.source)

    def _mode_token(self, match: re.Match[str], kind: str | None, in_field: bool) -> int | None:
        """A string, a format spec, a bracket or a separator: where the run stops, if here."""
        if kind == "string":
            return self._string(match)
        if kind == "spec":
            self.modes.append(_SPEC_MODE)
            return match.end()
        self._feed(kind, match.start())
        if self.levels[-1].is_field != in_field or self.modes[-1] != _CODE_MODE:
            return match.end()
        return None

    def _string(self, match: re.Match[str]) -> int:
        self.after_close = False
        prefix, quote = _string_prefix(self.source, match.start()), match.group()
        if "f" not in prefix and "t" not in prefix:
            return _plain_string_end(self.source, match.end(), quote)
        self.modes.append(_FString(quote, "r" in prefix, _STOPS[quote]))
        if sum(isinstance(mode, _FString) for mode in self.modes) > MAX_FSTRING_DEPTH:
            raise self._problem(match.start(), _TOO_MANY_FSTRINGS)
        return match.end()

    def _feed(self, kind: str | None, offset: int) -> None:
        """A bracket or a separator (``_code_run`` handles the other tokens)."""
        after_close, self.after_close = self.after_close, kind == "close"
        if kind == "open":
            self._open(offset, is_field=False, trailer=after_close)
        elif kind == "close":
            self._close()
        else:
            self._restart_chains(self.levels[-1])

    def _restart_chains(self, level: _Level) -> None:
        self.operators -= level.operators
        level.operators = level.postfix = 0

    def _open(self, offset: int, *, is_field: bool, trailer: bool = False) -> None:
        if trailer:
            self.levels[-1].postfix += 1
            if self.levels[-1].postfix > MAX_POSTFIX_CHAIN:
                raise self._problem(offset, _TOO_LONG_CHAIN, invalid=False)
        self.levels.append(_Level(is_field=is_field))
        if len(self.levels) > MAX_BRACKET_DEPTH + 1:
            raise self._problem(offset, _TOO_MANY_BRACKETS)

    def _close(self) -> None:
        if len(self.levels) == 1:
            return
        closed = self.levels.pop()
        self.operators -= closed.operators
        if closed.is_field:
            self.modes.pop()  # back to the f-string's literal text

    def _operator(self, offset: int) -> None:
        self.after_close = False
        self.levels[-1].operators += 1
        self.operators += 1
        if len(self.levels) + self.operators > MAX_EXPRESSION_DEPTH:
            raise self._problem(offset, _TOO_DEEP, invalid=False)

    # -- f-strings ---------------------------------------------------------------------

    def _fstring_step(self, position: int, mode: _FString) -> int:
        match = mode.stops.search(self.source, position)
        if match is None:
            return len(self.source)
        text = match.group()
        if text == "\\":
            return self._escaped(match.end(), mode)
        if text == "{":
            self._open(match.start(), is_field=True)
            self.modes.append(_CODE_MODE)
        elif text not in ("{{", "}}", "}"):
            self.modes.pop()  # the closing quote (or the line break of an unclosed string)
        return match.end()

    def _escaped(self, position: int, mode: _FString) -> int:
        """Past a backslash: ``\\N{...}`` is a character name, not a replacement field."""
        following = self.source[position : position + 1]
        if mode.raw:
            return position + 1 if following in (mode.quote[0], "\\") else position
        if following == "N" and self.source.startswith("{", position + 1):
            close = self.source.find("}", position)
            return len(self.source) if close < 0 else close + 1
        return position if following == "{" else position + 1

    def _spec_step(self, position: int) -> int:
        match = _SPEC_TOKEN.search(self.source, position)
        if match is None:
            return len(self.source)
        if match.group() == "{":
            self._open(match.start(), is_field=True)
            self.modes.append(_CODE_MODE)
        elif match.group() == "}":
            self.modes.pop()  # the spec ends with its field
            self._close()
        return match.end()


_TOO_MANY_BRACKETS = f"too many nested parentheses (more than {MAX_BRACKET_DEPTH} levels)"
_TOO_MANY_FSTRINGS = "f-string: expressions nested too deeply"
_TOO_DEEP = f"expression nested too deeply to analyse (more than {MAX_EXPRESSION_DEPTH} levels)"
_TOO_LONG_CHAIN = (
    f"a chain of more than {MAX_POSTFIX_CHAIN} calls or subscripts in one expression"
    " is too long to analyse"
)


def check_nesting(source: str) -> NestingProblem | None:
    """Return why ``source`` is too deeply nested to parse safely, or None."""
    if len(source) < MAX_BRACKET_DEPTH:
        return None
    try:
        _Scanner(source).run()
    except _FoundError as found:
        return found.problem
    return None
