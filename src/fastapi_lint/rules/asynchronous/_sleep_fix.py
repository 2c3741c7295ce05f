"""FAPI101's fix: ``time.sleep(x)`` in an ``async def`` becomes ``await asyncio.sleep(x)``.

Offered only where the rewrite cannot go wrong: the call is a statement of its own (so
``await`` lands in the ``async def`` itself, never in a generator expression or a
nested scope), it resolves to ``time.sleep`` through the module's imports, and the name
``asyncio`` is either the ``asyncio`` module already or free, in which case the fix
adds ``import asyncio`` above the module's import of ``time`` (or its first import).
"""

from __future__ import annotations

import libcst as cst

from fastapi_lint.fastapi_model.module import ModuleModel
from fastapi_lint.fastapi_model.names import Lookup
from fastapi_lint.fastapi_model.syntax import dotted_name
from fastapi_lint.fixes import PendingFix, insert_before, replace

_ASYNCIO_SLEEP = cst.Attribute(value=cst.Name("asyncio"), attr=cst.Name("sleep"))
_IMPORT_ASYNCIO = cst.SimpleStatementLine(
    body=[cst.Import(names=[cst.ImportAlias(name=cst.Name("asyncio"))])]
)


def _one_positional_argument(call: cst.Call) -> bool:
    return len(call.args) == 1 and call.args[0].keyword is None and not call.args[0].star


def _is_future_import(line: cst.SimpleStatementLine) -> bool:
    return any(
        isinstance(small, cst.ImportFrom) and dotted_name(small.module) == "__future__"
        for small in line.body
    )


def _import_lines(module: cst.Module) -> list[tuple[cst.SimpleStatementLine, set[str]]]:
    """Top-level import lines (``__future__`` ones excluded) and the modules each names."""
    found: list[tuple[cst.SimpleStatementLine, set[str]]] = []
    for line in module.body:
        if not isinstance(line, cst.SimpleStatementLine) or _is_future_import(line):
            continue
        imports = [small for small in line.body if isinstance(small, cst.Import | cst.ImportFrom)]
        if imports:
            found.append((line, set().union(*map(_imported_modules, imports))))
    return found


def _imported_modules(node: cst.Import | cst.ImportFrom) -> set[str]:
    """``{"time"}`` for ``import time as t`` or ``from time import sleep``; ``*`` for a star."""
    if isinstance(node, cst.ImportFrom):
        star = isinstance(node.names, cst.ImportStar)
        return {"*"} if star else {dotted_name(node.module) or ""}
    return {dotted_name(alias.name) or "" for alias in node.names}


def _import_anchor(module: cst.Module) -> cst.SimpleStatementLine | None:
    """Where ``import asyncio`` goes: above the first import of ``time``, else the first import.

    The same place for every fix of the module, so two fixes add one import, not two.
    """
    lines = _import_lines(module)
    if any("*" in modules for _, modules in lines):
        return None  # a star import might bind ``asyncio`` to anything
    of_time = next((line for line, modules in lines if "time" in modules), None)
    return of_time or (lines[0][0] if lines else None)


def _asyncio_is_free_or_module(lookup: Lookup) -> bool | None:
    """True: ``asyncio`` is the module; False: the name is free; None: bound to another thing."""
    value = lookup("asyncio")
    if value is None:
        return False
    return True if value.qualified == "asyncio" and not value.is_instance else None


def sleep_fix(
    module: cst.Module, model: ModuleModel, call: cst.Call, lookup: Lookup
) -> PendingFix | None:
    """The fix for a ``time.sleep(x)`` statement in an ``async def``, when it is certain."""
    if model.resolve(call.func, lookup) != "time.sleep" or not _one_positional_argument(call):
        return None
    awaited = cst.Await(expression=call.with_changes(func=_ASYNCIO_SLEEP))
    fix = replace(call, awaited, "Use `await asyncio.sleep()`")
    imported = _asyncio_is_free_or_module(lookup)
    if imported is None:
        return None
    if imported:
        return fix
    anchor = _import_anchor(module)
    return None if anchor is None else fix.plus(insert_before(anchor, _IMPORT_ASYNCIO))
