"""Parse once: source text into a LibCST module, or the FAPI000 finding that says why not.

Input that would crash LibCST's native parser (NUL bytes, pathological nesting) never
reaches it; a syntax error is worded and placed as CPython would. CPython is the judge
of what is valid Python: code it compiles but LibCST cannot read is either read after a
workaround (indentation mixing tabs and spaces, expanded for the parser without moving
a line) or reported plainly as valid code the analyser cannot read; code LibCST reads
but CPython rejects for reasons no Python version accepts (a duplicate argument,
``return`` outside a function) is a syntax error.
"""

from __future__ import annotations

import ast
import re
import warnings
from dataclasses import dataclass

import libcst as cst

from fastapi_lint.engine.findings import source_lines
from fastapi_lint.models import Diagnostic
from fastapi_lint.nesting_guard import check_nesting
from fastapi_lint.rules.syntax.syntax_error import SyntaxErrorRule


def syntax_diagnostic(path: str, message: str, line: int, column: int, source: str) -> Diagnostic:
    """A FAPI000 finding at a 1-based position, clamped to the file."""
    lines = source_lines(source)
    line = min(max(line, 1), max(len(lines), 1))
    source_line = lines[line - 1] if lines else ""
    return SyntaxErrorRule.diagnostic(path, message, line, max(column, 1), source_line)


_LIBCST_POSITION = re.compile(r"^(?:parser error: )?error at (\d+):(\d+): ")


def _cpython_syntax_error(source: str, path: str, *, only_ast: bool = True) -> SyntaxError | None:
    """CPython's own diagnosis, whose messages and positions are the ones users know.

    ``only_ast=False`` compiles to bytecode too, which finds what the parser lets
    through (a duplicate argument, ``return`` outside a function).
    """
    flags = ast.PyCF_ONLY_AST if only_ast else 0
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # SyntaxWarnings are not ours to print
            compile(source, path, "exec", flags=flags, dont_inherit=True)
    except SyntaxError as error:
        return error
    except (ValueError, RecursionError, MemoryError):
        return None
    return None


# Errors that every Python version reports: LibCST reads such code (its grammar is every
# version's), so the running interpreter's verdict is not about a newer syntax.
_ALWAYS_INVALID = (
    "duplicate argument",
    "outside function",
    "outside async function",
    "outside loop",
    "not properly in loop",
    "nonlocal declaration not allowed at module level",
    "no binding for nonlocal",
    "is parameter and",
    "invalid non-printable character",
)


def rejected_by_cpython(source: str, path: str) -> Diagnostic | None:
    """FAPI000 for code LibCST read but no Python version compiles (see the module)."""
    error = _cpython_syntax_error(source, path, only_ast=False)
    if error is None or not error.lineno or not any(m in error.msg for m in _ALWAYS_INVALID):
        return None
    message = f"SyntaxError: {error.msg}"
    return syntax_diagnostic(path, message, error.lineno, error.offset or 1, source)


def _parse_error(
    path: str, source: str, error: cst.ParserSyntaxError, cpython: SyntaxError
) -> Diagnostic:
    if cpython.lineno:
        message = f"SyntaxError: {cpython.msg}"
        return syntax_diagnostic(path, message, cpython.lineno, cpython.offset or 1, source)
    position = _LIBCST_POSITION.match(error.message)
    if position is None:
        message = f"SyntaxError: {error.message}"
        return syntax_diagnostic(path, message, error.raw_line, error.raw_column + 1, source)
    line, column = int(position.group(1)), int(position.group(2)) + 1
    message = f"SyntaxError: {error.message[position.end() :]}"
    return syntax_diagnostic(path, message, line, column, source)


def not_analysed(path: str, message: str, line: int, source: str) -> Diagnostic:
    """FAPI000 for code that may well be valid Python, but that the analyser cannot read."""
    lines = source_lines(source)
    line = min(max(line, 1), max(len(lines), 1))
    source_line = lines[line - 1] if lines else ""
    return SyntaxErrorRule.diagnostic(
        path, message, line, 1, source_line, name="not-analysed", severity="warning"
    )


def _unparsable(source: str, path: str) -> Diagnostic | None:
    """Input that must not reach LibCST's parser: NUL bytes, pathological nesting."""
    if "\x00" in source:
        message = "SyntaxError: source code cannot contain null bytes"
        line = source.count("\n", 0, source.index("\x00")) + 1
        return syntax_diagnostic(path, message, line, 1, source)
    problem = check_nesting(source)
    if problem is None:
        return None
    if problem.invalid:
        return syntax_diagnostic(path, problem.message, problem.line, 1, source)
    return not_analysed(path, f"not analysed: {problem.message}", problem.line, source)


@dataclass(frozen=True, slots=True)
class Parsed:
    """A parsed module, and the text it was parsed from.

    ``text`` differs from the file's source only when a workaround rewrote it for the
    parser (``rewritten``): positions then refer to ``text``, and no fix may be offered.
    """

    module: cst.Module
    text: str
    rewritten: bool = False


_INDENTATION = re.compile(r"^[ \t]+", re.MULTILINE)


def _expanded_indentation(source: str) -> str:
    """Leading tabs as CPython counts them (to the next multiple of 8), lines unmoved."""
    return _INDENTATION.sub(lambda match: match.group().expandtabs(8), source)


def _valid_but_unread(source: str, path: str, error: cst.ParserSyntaxError) -> Parsed | Diagnostic:
    """Code CPython compiles and LibCST did not read: a workaround, else say so plainly."""
    if "\t" in source:
        expanded = _expanded_indentation(source)
        try:
            return Parsed(cst.parse_module(expanded), expanded, rewritten=True)
        except cst.ParserSyntaxError:
            pass
    reason = error.message.splitlines()[0] if error.message else "parser error"
    message = f"not analysed: valid Python that the analyser's parser cannot read ({reason})"
    return not_analysed(path, message, error.raw_line, source)


def parse(source: str, path: str, *, compiled: bool = True) -> Parsed | Diagnostic:
    """The module, or the FAPI000 finding that says why not.

    ``compiled=False`` leaves out CPython's compile of code LibCST read: the caller
    runs ``rejected_by_cpython`` when the walk's ``CompileChecks`` suspect the code.
    """
    refused = _unparsable(source, path)
    if refused is not None:
        return refused
    try:
        module = cst.parse_module(source)
    except cst.ParserSyntaxError as error:
        cpython = _cpython_syntax_error(source, path)
        if cpython is None:
            return _valid_but_unread(source, path, error)
        return _parse_error(path, source, error, cpython)
    rejected = rejected_by_cpython(source, path) if compiled else None
    return rejected if rejected is not None else Parsed(module, source)
