"""FAPI402: an `if`/`else` whose `else` only returns or raises while the `if` holds the work."""

from __future__ import annotations

from typing import ClassVar

import libcst as cst

from fastapi_lint.analysis.statements import statements
from fastapi_lint.context.roles import Role
from fastapi_lint.rule import FileContext, Invalid, Rule, Valid
from fastapi_lint.rules.structure._blocks import ElifTracker, exit_keyword, is_block
from fastapi_lint.rules.structure._guards import guard_fix

_EXITS = frozenset({"return", "raise"})
# Statements (no block among them) from which an `if` branch is the main path.
_MAIN_PATH_STATEMENTS = 5


def _lone_exit(clause: cst.Else) -> str | None:
    """`return`/`raise` when that is the only statement of the `else` branch."""
    body = statements(clause.body)
    if len(body) != 1:
        return None
    keyword = exit_keyword(body[0])
    return keyword if keyword in _EXITS else None


def _holds_main_path(body: cst.BaseSuite) -> bool:
    """Statements that fall through and amount to a main path: a block, or five or more.

    A short branch (`value = compute(); log(value)`) right above its `else: raise` reads
    as two alternatives; inverting them gains nothing.
    """
    inside = statements(body)
    if not inside or exit_keyword(inside[-1]) is not None:
        return False
    return len(inside) >= _MAIN_PATH_STATEMENTS or any(map(is_block, inside))


class ExitInElseBranch(Rule):
    """
    ## What it does
    Flags an `if`/`else` inside a function whose `else` only returns or raises while the
    `if` branch holds the main path. The `else` branch is a single `return` or `raise`
    statement, and the `if` branch does not end in an exit and holds a block of its own
    (a loop, an `if`, a `try`, a `with`...) or five statements or more: the condition
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
            for field, value in patch.model_dump(exclude_unset=True).items():
                setattr(item, field, value)
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
        for field, value in patch.model_dump(exclude_unset=True).items():
            setattr(item, field, value)
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
    ends in `return`, `raise`, `continue` or `break` is FAPI401's case instead. A short
    `if` branch (fewer than five statements, no block) is left alone: next to its `else`
    the two read as alternatives, and inverting them is cosmetic. Code at module or
    class level is not checked.
    """

    code = "FAPI402"
    name = "exit-in-else-branch"
    family = "structure"
    roles = frozenset({Role.APP, Role.SCRIPT})
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
            "        if item.name != name:\n"
            "            item.name = name\n"
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
        if self.context.enclosing_function() is None:
            return  # import-time code has no main path to flatten
        exit_ = _lone_exit(node.orelse)
        if exit_ is not None and _holds_main_path(node.body):
            self.report(node, exit=exit_, length=2, fix=guard_fix(self.context, node, exit_))
