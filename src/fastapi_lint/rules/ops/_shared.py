"""What the `ops` rules (FAPI901-FAPI907) share: module globs and names resolved in scope."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import libcst as cst

from fastapi_lint.fastapi_model.names import BoundValue
from fastapi_lint.fastapi_model.syntax import dotted_name
from fastapi_lint.files import is_excluded
from fastapi_lint.rule import FileContext

BUILTIN_EXCEPTIONS = frozenset({"builtins.Exception", "builtins.BaseException"})


# Console output libraries: a module importing one at its top writes to a terminal.
_CONSOLE_MODULES = frozenset({"click", "typer", "rich", "colorama"})


def is_console_module(module: cst.Module) -> bool:
    """Whether the module imports a console library, or an ``echo`` helper, at its top:
    command-line code (a click or typer command's core, a rich console client)."""
    for node in module.body:
        statement = node.body[0] if isinstance(node, cst.SimpleStatementLine) else None
        if isinstance(statement, (cst.Import, cst.ImportFrom)) and _imports_console(statement):
            return True
    return False


def _imports_console(statement: cst.Import | cst.ImportFrom) -> bool:
    if isinstance(statement, cst.Import):
        roots = [(dotted_name(alias.name) or "").partition(".")[0] for alias in statement.names]
        return bool(_CONSOLE_MODULES.intersection(roots))
    if statement.module is None:
        return False
    root = (dotted_name(statement.module) or "").partition(".")[0]
    return root in _CONSOLE_MODULES or _imports_echo(statement)


def _imports_echo(statement: cst.ImportFrom) -> bool:
    if isinstance(statement.names, cst.ImportStar):
        return False
    return any("echo" in (dotted_name(alias.name) or "") for alias in statement.names)


def path_matches(context: FileContext, patterns: Sequence[str]) -> bool:
    """Whether the file matches ``patterns``, relative to the project root like per-file-ignores."""
    if not patterns:
        return False
    root = context.options.project_root or os.getcwd()
    return is_excluded(Path(context.path), root=Path(root), patterns=tuple(patterns))


def qualified_name_in_scope(context: FileContext, expr: cst.BaseExpression) -> str | None:
    """``qualified_name`` seeing the names bound by the functions around the node too.

    A parameter or local named ``print`` or ``Exception`` hides the builtin, as ruff
    sees it; class bodies, lambdas and comprehensions are not scopes the model tracks.
    """
    model = context.model
    # Exact type test: ``isinstance`` on CST classes goes through ABCMeta and is slow.
    functions = [s for s in reversed(context.scopes) if type(s) is cst.FunctionDef]
    if not functions:
        return model.qualified_name(expr)
    scopes = [model.function_bindings(function) for function in functions]

    def lookup(name: str) -> BoundValue | None:
        for bindings in scopes:
            value = bindings.get(name)
            if value is not None:
                return value
        return model.module_value(name)

    return model.resolve(expr, lookup)


def raised_name(node: cst.Raise) -> cst.BaseExpression | None:
    """What ``raise X`` or ``raise X(...)`` names: ``X``, or None for a bare ``raise``."""
    exc = node.exc
    if isinstance(exc, cst.Call):
        return exc.func
    return exc
