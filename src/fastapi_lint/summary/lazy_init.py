"""Calls that run once per process: a module global's lazy initialisation.

A function declaring ``global _client`` and setting it behind a guard builds the object
on its first call and hands it back on every later one::

    def get_client() -> Client:
        global _client
        if _client is None:                  # or ``if not _client:``
            _client = Client(fetch_token())  # runs once
        return _client

    def get_run_db(url: str) -> RunDB:
        global _run_db
        if _run_db and url == _last_url:     # the early-return form
            return _run_db
        _run_db = connect(url)               # everything below runs once per url
        return _run_db

A blocking call there delays the first request once, not every request, so the project
step does not follow it (FAPI102). A guard with ``or`` (``if _client is None or
force:``) may run its body again and again: it is not one.
"""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

from fastapi_lint.tree import code_nodes


def once_calls(function: cst.FunctionDef) -> frozenset[int]:
    """The ids of the calls in ``function`` that run once per process (see above)."""
    body = function.body.body if isinstance(function.body, cst.IndentedBlock) else ()
    names = _declared_globals(body)
    if not names:
        return frozenset()
    found: set[int] = set()
    for index, statement in enumerate(body):
        if not isinstance(statement, cst.If):
            continue
        if any(_assigns(statement.body, name) for name in _unset_globals(statement.test, names)):
            found |= _call_ids(statement.body)
            continue
        returned = _returned_when_set(statement, names)
        later = body[index + 1 :]
        if returned is not None and any(_assigns(rest, returned) for rest in later):
            for rest in later:
                found |= _call_ids(rest)
            break
    return frozenset(found)


def _declared_globals(body: Sequence[cst.BaseStatement]) -> frozenset[str]:
    return frozenset(
        item.name.value
        for line in body
        if isinstance(line, cst.SimpleStatementLine)
        for small in line.body
        if isinstance(small, cst.Global)
        for item in small.names
    )


def _conjuncts(test: cst.BaseExpression) -> list[cst.BaseExpression]:
    """What ``test`` requires true: its ``and`` operands; nothing of an ``or``."""
    if isinstance(test, cst.BooleanOperation):
        if not isinstance(test.operator, cst.And):
            return []
        return [*_conjuncts(test.left), *_conjuncts(test.right)]
    return [test]


def _unset_globals(test: cst.BaseExpression, names: frozenset[str]) -> set[str]:
    """The globals ``test`` requires unset: ``not x``, ``x is None``, ``x == None``."""
    found: set[str] = set()
    for part in _conjuncts(test):
        if isinstance(part, cst.UnaryOperation) and isinstance(part.operator, cst.Not):
            found |= _named(part.expression, names)
        else:
            found |= _named(_compared_to_none(part, (cst.Is, cst.Equal)), names)
    return found


def _set_globals(test: cst.BaseExpression, names: frozenset[str]) -> set[str]:
    """The globals ``test`` requires set: ``x``, ``x is not None``, ``x != None``."""
    found: set[str] = set()
    for part in _conjuncts(test):
        compared = _compared_to_none(part, (cst.IsNot, cst.NotEqual))
        found |= _named(compared if compared is not None else part, names)
    return found


def _compared_to_none(
    part: cst.BaseExpression, operators: tuple[type[cst.BaseCompOp], ...]
) -> cst.BaseExpression | None:
    """``x`` of ``x <operator> None``, for one of ``operators``; None otherwise."""
    if not isinstance(part, cst.Comparison) or len(part.comparisons) != 1:
        return None
    target = part.comparisons[0]
    if isinstance(target.operator, operators) and _is_none(target.comparator):
        return part.left
    return None


def _returned_when_set(statement: cst.If, names: frozenset[str]) -> str | None:
    """``if <the global is set>: return <it>`` (no ``else``): the global's name."""
    if statement.orelse is not None or not isinstance(statement.body, cst.IndentedBlock):
        return None
    (only, *more) = statement.body.body or (None,)
    if more or not isinstance(only, cst.SimpleStatementLine) or len(only.body) != 1:
        return None
    returned = only.body[0]
    if not isinstance(returned, cst.Return) or returned.value is None:
        return None
    name = _global(returned.value, names)
    return name if name in _set_globals(statement.test, names) else None


def _named(expression: cst.BaseExpression | None, names: frozenset[str]) -> set[str]:
    name = _global(expression, names) if expression is not None else None
    return {name} if name is not None else set()


def _global(expression: cst.BaseExpression, names: frozenset[str]) -> str | None:
    if isinstance(expression, cst.Name) and expression.value in names:
        return expression.value
    return None


def _is_none(expression: cst.BaseExpression) -> bool:
    return isinstance(expression, cst.Name) and expression.value == "None"


def _assigns(node: cst.CSTNode, name: str) -> bool:
    """Whether ``name = ...`` (or ``name: T = ...``) is written somewhere in ``node``."""
    for child in code_nodes(node):
        if isinstance(child, cst.AssignTarget) and _is_name(child.target, name):
            return True
        if isinstance(child, cst.AnnAssign) and _is_name(child.target, name):
            return child.value is not None
    return False


def _is_name(expression: cst.BaseExpression, name: str) -> bool:
    return isinstance(expression, cst.Name) and expression.value == name


def _call_ids(node: cst.CSTNode) -> set[int]:
    return {id(child) for child in code_nodes(node) if isinstance(child, cst.Call)}
