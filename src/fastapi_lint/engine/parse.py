"""Parse once: source text into a LibCST module, or the FAPI000 finding that says why not.

Input that would crash LibCST's native parser (NUL bytes, pathological nesting) never
reaches it; a syntax error is worded and placed as CPython would.
"""

from __future__ import annotations

import ast
import re

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


def _cpython_syntax_error(source: str, path: str) -> SyntaxError | None:
    """CPython's own diagnosis, whose messages and positions are the ones users know."""
    try:
        compile(source, path, "exec", flags=ast.PyCF_ONLY_AST, dont_inherit=True)
    except SyntaxError as error:
        return error
    except (ValueError, RecursionError, MemoryError):
        return None
    return None


def _parse_error(path: str, source: str, error: cst.ParserSyntaxError) -> Diagnostic:
    cpython = _cpython_syntax_error(source, path)
    if cpython is not None and cpython.lineno:
        message = f"SyntaxError: {cpython.msg}"
        return syntax_diagnostic(path, message, cpython.lineno, cpython.offset or 1, source)
    position = _LIBCST_POSITION.match(error.message)
    if position is None:
        message = f"SyntaxError: {error.message}"
        return syntax_diagnostic(path, message, error.raw_line, error.raw_column + 1, source)
    line, column = int(position.group(1)), int(position.group(2)) + 1
    message = f"SyntaxError: {error.message[position.end() :]}"
    return syntax_diagnostic(path, message, line, column, source)


def _unparsable(source: str, path: str) -> Diagnostic | None:
    """Input that must not reach LibCST's parser: NUL bytes, pathological nesting."""
    if "\x00" in source:
        message = "SyntaxError: source code cannot contain null bytes"
        line = source.count("\n", 0, source.index("\x00")) + 1
        return syntax_diagnostic(path, message, line, 1, source)
    problem = check_nesting(source)
    if problem is not None:
        return syntax_diagnostic(path, problem.message, problem.line, 1, source)
    return None


def parse(source: str, path: str) -> cst.Module | Diagnostic:
    refused = _unparsable(source, path)
    if refused is not None:
        return refused
    try:
        return cst.parse_module(source)
    except cst.ParserSyntaxError as error:
        return _parse_error(path, source, error)
