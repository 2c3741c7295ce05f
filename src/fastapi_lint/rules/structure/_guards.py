"""The guard-clause fix FAPI401 and FAPI402 share: invert the condition, exit first."""

from __future__ import annotations

import libcst as cst

from fastapi_lint.fixes import (
    PendingFix,
    enclosing_block,
    replace_statement,
    suite_footer,
    suite_statements,
)
from fastapi_lint.rule import FileContext
from fastapi_lint.rules.structure._negation import negated


def _guard(node: cst.If, clause: cst.Else) -> cst.If:
    """``if not <test>: <the else branch>``, keeping the `else:` line's comment."""
    space = node.whitespace_before_test
    if isinstance(space, cst.SimpleWhitespace) and not space.value:
        space = cst.SimpleWhitespace(" ")  # `if(x):` would become `ifnot (x):`
    return node.with_changes(
        test=negated(node.test), body=clause.body, orelse=None, whitespace_before_test=space
    )


def guard_fix(context: FileContext, node: cst.If, exit_: str) -> PendingFix | None:
    """Invert the condition, exit first, and dedent the main path after the guard."""
    clause = node.orelse
    assert isinstance(clause, cst.Else)
    within = context.statement[0] if context.statement else None
    block = enclosing_block(context.module, node, within)
    if block is None:
        return None
    # Comments closing the `if` branch, or above `else:`, close the main path.
    trailing = (*suite_footer(node.body), *clause.leading_lines)
    replacement = [_guard(node, clause), *suite_statements(node.body)]
    edit = replace_statement(block, node, replacement, trailing)
    return PendingFix(f"Invert the condition and `{exit_}` first", (edit,))
