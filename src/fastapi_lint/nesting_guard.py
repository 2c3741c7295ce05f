"""A lexical check that keeps pathologically nested files away from LibCST's parser.

LibCST's native parser overflows its stack and kills the whole process (a segfault,
not an exception) somewhere past 1,000 nested brackets and past ~5,000 chained
operators. CPython itself rejects more than 200 nested brackets, so such files are
not valid Python anyway. One regex pass estimates the deepest nesting the parse tree
would have; the engine reports an over-deep file as FAPI000 instead of parsing it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# CPython's tokenizer limit (MAXLEVEL): deeper bracket nesting is a syntax error.
MAX_BRACKET_DEPTH = 200
# Far below where LibCST crashes (~5,000) yet far above anything hand-written.
MAX_EXPRESSION_DEPTH = 1000

_TOKEN = re.compile(
    r"""
    (?P<string>[rRbBuUfFtT]{0,2}(?:'''(?:\\.|[^\\])*?'''|\"\"\"(?:\\.|[^\\])*?\"\"\"
        |'(?:\\.|[^\\'\n])*'|"(?:\\.|[^\\"\n])*"))
    | (?P<comment>\#[^\n]*)
    | (?P<open>[(\[{])
    | (?P<close>[)\]}])
    | (?P<separator>[,;])
    | (?P<newline>\n)
    | (?P<operator>\*\*|//|<<|>>|[-+*/%@&|^~.]|\b(?:and|or|not|if|lambda|await)\b)
    """,
    re.VERBOSE | re.DOTALL,
)


@dataclass(frozen=True, slots=True)
class NestingProblem:
    message: str
    line: int


class _Scanner:
    """Tracks, per open bracket, how many operators are chained at that level."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.chain_lengths = [0]

    def problem(self, offset: int, message: str) -> NestingProblem:
        return NestingProblem(message, self.source.count("\n", 0, offset) + 1)

    def feed(self, kind: str | None, offset: int) -> NestingProblem | None:
        chains = self.chain_lengths
        if kind == "open":
            chains.append(0)
            if len(chains) > MAX_BRACKET_DEPTH + 1:
                return self.problem(offset, _TOO_MANY_BRACKETS)
        elif kind == "close" and len(chains) > 1:
            chains.pop()
        elif kind == "separator" or (kind == "newline" and len(chains) == 1):
            chains[-1] = 0
        elif kind == "operator":
            chains[-1] += 1
            if len(chains) + sum(chains) > MAX_EXPRESSION_DEPTH:
                return self.problem(offset, _TOO_DEEP)
        return None


_TOO_MANY_BRACKETS = f"too many nested parentheses (more than {MAX_BRACKET_DEPTH} levels)"
_TOO_DEEP = f"expression nested too deeply to analyse (more than {MAX_EXPRESSION_DEPTH} levels)"


def check_nesting(source: str) -> NestingProblem | None:
    """Return why ``source`` is too deeply nested to parse safely, or None."""
    if len(source) < MAX_BRACKET_DEPTH:
        return None
    scanner = _Scanner(source)
    for match in _TOKEN.finditer(source):
        problem = scanner.feed(match.lastgroup, match.start())
        if problem is not None:
            return problem
    return None
