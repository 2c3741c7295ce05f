"""FAPI402: an `if`/`else` whose `else` only returns or raises while the `if` holds the work."""

from __future__ import annotations

from typing import ClassVar

import libcst as cst

from fastapi_lint.analysis.statements import statements
from fastapi_lint.fixes import (
    PendingFix,
    enclosing_block,
    replace_statement,
    suite_footer,
    suite_statements,
)
from fastapi_lint.rule import FileContext, Invalid, Rule, Valid
from fastapi_lint.rules.structure._blocks import ElifTracker, exit_keyword
from fastapi_lint.rules.structure._negation import negated

_EXITS = frozenset({"return", "raise"})


def _lone_exit(clause: cst.Else) -> str | None:
    """`return`/`raise` when that is the only statement of the `else` branch."""
    body = statements(clause.body)
    if len(body) != 1:
        return None
    keyword = exit_keyword(body[0])
    return keyword if keyword in _EXITS else None


def _holds_main_path(body: cst.BaseSuite) -> bool:
    """Two or more statements that fall through: the happy path sits inside the `if`."""
    inside = statements(body)
    return len(inside) >= 2 and exit_keyword(inside[-1]) is None


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


class ExitInElseBranch(Rule):
    """
    ## What it does
    Flags an `if`/`else` whose `else` only returns or raises while the `if` branch holds
    the main path. The `else` branch is a single `return` or `raise` statement and the
    `if` branch has two or more statements that do not end in an exit: the condition
    should be inverted so the exit comes first, as a guard clause.

    ## Why is this bad?
    The reader goes through the whole main path before learning, at the very end, what
    happens when the condition fails. A guard clause states the failure case up front
    (`if not user: raise HTTPException(404)`) and leaves the main path unindented below.

    ## Example
    ```python
    @router.put("/items/{item_id}")
    async def update_item(item_id: int, patch: ItemPatch, db: Db) -> Item:
        item = await db.get(Item, item_id)
        if item is not None:
            item.name = patch.name
            await db.commit()
        else:
            raise HTTPException(status_code=404, detail="Item not found")
        return item
    ```

    ## Use instead
    ```python
    @router.put("/items/{item_id}")
    async def update_item(item_id: int, patch: ItemPatch, db: Db) -> Item:
        item = await db.get(Item, item_id)
        if item is None:
            raise HTTPException(status_code=404, detail="Item not found")
        item.name = patch.name
        await db.commit()
        return item
    ```

    ## Options
    None.

    ## Fix safety
    The condition is inverted, the `else` branch becomes the guard's body and the main
    path follows it one level up. `not x` becomes `x`; a single `is`, `is not`, `in`,
    `not in`, `==` or `!=` comparison flips its operator; anything else is wrapped in
    `not (...)` (ordering comparisons too: `not a < b` differs from `a >= b` for NaN and
    for sets). The condition is evaluated once, as before, and each branch runs exactly
    when it ran before, so the fix is safe, given that `!=` is the inverse of `==` for
    the operands (Python's default; a class defining both inconsistently would see the
    difference). A comment on the `if` line moves above the main path; one on the
    `else:` line stays with the exit, now on the `if` line.

    ## Known limitations
    `elif` chains are left alone, both the `if` that starts one and an `if` inside one:
    inverting one condition of a chain changes the others, so there is no simple rewrite.
    Statements are counted as Python counts them (`a; b` is two). An `if` branch that
    ends in `return`, `raise`, `continue` or `break` is FAPI401's case instead. The rule
    applies at module level too, where only `raise` can occur.
    """

    code = "FAPI402"
    name = "exit-in-else-branch"
    family = "structure"
    severity = "warning"
    fixable = True
    message = (
        "The `else` branch only does `{exit}` while the `if` branch holds the main path; "
        "invert the condition and {exit} first"
    )
    VALID: ClassVar[tuple[Valid, ...]] = (
        Valid(
            "from fastapi import APIRouter, HTTPException\n\n"
            "router = APIRouter()\n\n\n"
            '@router.get("/users/{user_id}")\n'
            "async def read_user(user_id: int) -> dict:\n"
            "    user = await find_user(user_id)\n"
            "    if not user:\n"
            "        raise HTTPException(status_code=404)\n"
            "    await audit(user)\n"
            '    return {"id": user.id}\n'
        ),
        Valid(
            "def label(code: int) -> str:\n"
            "    if code >= 500:\n"
            "        name = 'server'\n"
            "        log(name)\n"
            "    elif code >= 400:\n"
            "        name = 'client'\n"
            "        log(name)\n"
            "    else:\n"
            "        return 'ok'\n"
            "    return name\n"
        ),
        Valid(
            "def pick(flag: bool) -> int:\n"
            "    if flag:\n"
            "        value = 1\n"
            "    else:\n"
            "        return 0\n"
            "    return value\n"
        ),
    )
    INVALID: ClassVar[tuple[Invalid, ...]] = (
        Invalid(
            "from fastapi import HTTPException\n\n\n"
            "async def update_item(item_id: int, name: str) -> dict:\n"
            "    item = await find_item(item_id)\n"
            "    if item is not None:\n"
            "        item.name = name\n"
            "        await save(item)\n"
            "    else:\n"
            "        raise HTTPException(status_code=404)\n"
            '    return {"id": item.id}\n',
            line=6,
            column=5,
            message_contains="only does `raise`",
        ),
    )

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self._elifs = ElifTracker()

    def visit_If(self, node: cst.If) -> None:
        if self._elifs.note(node) or not isinstance(node.orelse, cst.Else):
            return
        exit_ = _lone_exit(node.orelse)
        if exit_ is not None and _holds_main_path(node.body):
            self.report(node, exit=exit_, length=2, fix=guard_fix(self.context, node, exit_))
