"""FAPI401: an `else`/`elif` after an `if` branch that already returns, raises or jumps."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

import libcst as cst

from fastapi_lint.analysis.statements import statements
from fastapi_lint.fixes import (
    PendingFix,
    enclosing_block,
    replace_statement,
    suite_footer,
    suite_statements,
    with_leading,
)
from fastapi_lint.rule import FileContext, Invalid, Rule, Valid
from fastapi_lint.rules.structure._blocks import ElifTracker, Frames, exit_keyword

_ADVICE = {
    "else": "drop the `else` and dedent its body",
    "elif": "turn the `elif` into an `if`",
}


_FIX = {
    "else": "Drop the `else` and dedent its body",
    "elif": "Turn the `elif` into an `if`",
}


@dataclass(slots=True)
class _Findings:
    """The superfluous clauses of one function, held back until we know it is no generator."""

    clauses: list[tuple[cst.If, str]] = field(default_factory=list)
    generator: bool = False


def _first_exit(body: cst.BaseSuite) -> str | None:
    # Like ruff, any exit among the branch's own statements counts, not only the last one.
    return next(filter(None, map(exit_keyword, statements(body))), None)


def _moved(clause: cst.If | cst.Else) -> tuple[list[cst.BaseStatement], tuple[cst.EmptyLine, ...]]:
    """What replaces the clause after the `if`, and the comment lines that close it.

    An `elif` becomes an `if`; while its own branch exits too, the clause after it is as
    superfluous and is unchained at once (a long `elif` chain would otherwise take one
    round per clause).
    """
    moved: list[cst.BaseStatement] = []
    current: cst.If | cst.Else | None = clause
    while isinstance(current, cst.If) and _first_exit(current.body) is not None:
        moved.append(current.with_changes(orelse=None))
        current = current.orelse
    if isinstance(current, cst.If):
        return [*moved, current], ()  # a clause that falls through keeps its chain
    if current is None:
        return moved, ()
    lines = with_leading(suite_statements(current.body), current.leading_lines)
    return [*moved, *lines], suite_footer(current.body)


def dedent_fix(context: FileContext, statement: cst.If, keyword: str) -> PendingFix | None:
    """Drop the `else` (or turn `elif` into `if`): its code follows the `if` one level up."""
    assert statement.orelse is not None
    within = context.statement[0] if context.statement else None
    block = enclosing_block(context.module, statement, within)
    if block is None:
        return None
    moved, trailing = _moved(statement.orelse)
    kept = statement.with_changes(orelse=None)
    edit = replace_statement(block, statement, [kept, *moved], trailing)
    return PendingFix(_FIX[keyword], (edit,))


class SuperfluousElse(Rule):
    """
    ## What it does
    Flags an `else` or `elif` after an `if` branch that returns, raises, continues or
    breaks. Only code inside functions is checked, and the findings are exactly those of
    ruff's RET505, RET506, RET507 and RET508 with their default settings.

    ## Why is this bad?
    The branch above already leaves the function or the loop, so the `else` only adds a
    level of indentation around the main path. Handling the special case first and
    leaving the happy path unindented at the end of the function reads top to bottom.

    ## Example
    ```python
    @router.get("/items/{item_id}")
    async def read_item(item_id: int, db: Db) -> Item:
        item = await db.get(Item, item_id)
        if item is None:
            raise HTTPException(status_code=404, detail="Item not found")
        else:
            return item
    ```

    ## Use instead
    ```python
    @router.get("/items/{item_id}")
    async def read_item(item_id: int, db: Db) -> Item:
        item = await db.get(Item, item_id)
        if item is None:
            raise HTTPException(status_code=404, detail="Item not found")
        return item
    ```

    ## Options
    None.

    ## Fix safety
    The `else` is dropped and its body dedented after the `if`; an `elif` becomes an `if`.
    The `if` branch never falls through (one of its own statements returns, raises,
    continues or breaks), so the moved code runs exactly when it ran before: the fix is
    safe. Comments keep their place: one on the `else:` line, or just above it, goes
    above the first moved statement; comments closing the `else` body follow the moved
    code. In an `elif` chain, the clauses after branches that exit too are unchained by
    the same fix (`if a: return 1 elif b: return 2 else: x` becomes three statements),
    as fixing the chain clause by clause would; nested superfluous `else`s are fixed one
    per round.

    ## Known limitations
    The semantics are ruff's, on purpose, so both tools agree: only the first clause
    after an `if` body is checked (in `if a: return 1 elif b: return 2 else: ...` only
    the `elif` is reported); the exit may be any statement of the `if` body, not only
    the last; generators (functions containing `yield`) are skipped entirely; code at
    module or class level is not checked. A `yield` in a class's base list inside a
    function makes that function a generator here but not for ruff.
    """

    code = "FAPI401"
    name = "superfluous-else"
    family = "structure"
    severity = "warning"
    message = "Unnecessary `{keyword}` after `{exit}` statement; {advice}"
    fixable = True
    VALID: ClassVar[tuple[Valid, ...]] = (
        Valid(
            "from fastapi import APIRouter, HTTPException\n\n"
            "router = APIRouter()\n\n\n"
            '@router.get("/users/{user_id}")\n'
            "async def read_user(user_id: int) -> dict:\n"
            "    user = await find_user(user_id)\n"
            "    if not user:\n"
            "        raise HTTPException(status_code=404)\n"
            '    return {"id": user.id}\n'
        ),
        Valid(
            "def price(item: dict) -> float:\n"
            "    if item['discount']:\n"
            "        total = item['price'] * 0.9\n"
            "    else:\n"
            "        total = item['price']\n"
            "    return total\n"
        ),
        Valid(
            "def stream(rows: list[int]):\n"
            "    for row in rows:\n"
            "        if row:\n"
            "            return\n"
            "        else:\n"
            "            yield row\n"
        ),
        Valid("if DEBUG:\n    raise SystemExit(1)\nelse:\n    level = 'info'\n"),
    )
    INVALID: ClassVar[tuple[Invalid, ...]] = (
        Invalid(
            "def read_item(item: dict | None) -> dict:\n"
            "    if item is None:\n"
            "        raise KeyError('item')\n"
            "    else:\n"
            "        return item\n",
            line=4,
            column=5,
            message_contains="`else` after `raise`",
        ),
        Invalid(
            "def status(code: int) -> str:\n"
            "    if code < 400:\n"
            "        return 'ok'\n"
            "    elif code < 500:\n"
            "        return 'client'\n"
            "    return 'server'\n",
            line=4,
            column=5,
            message_contains="`elif` after `return`",
        ),
        Invalid(
            "async def first_active(users: list) -> None:\n"
            "    for user in users:\n"
            "        if user.active:\n"
            "            break\n"
            "        else:\n"
            "            await notify(user)\n",
            line=5,
            column=9,
        ),
    )

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self._frames: Frames[_Findings] = Frames()
        self._elifs = ElifTracker()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._frames.push(node, _Findings())

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self._frames.push(node, _Findings())

    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        self._frames.enter_block(node)

    def visit_SimpleStatementSuite(self, node: cst.SimpleStatementSuite) -> None:
        self._frames.enter_block(node)

    def visit_Yield(self, node: cst.Yield) -> None:
        frame = self._frames.evaluating_function()
        if frame is not None:
            frame.data.generator = True

    def visit_If(self, node: cst.If) -> None:
        # Like ruff: only the clause right after the `if` body is checked, never one after an
        # `elif`, which LibCST stores as an `If` nested in the `orelse`.
        if self._elifs.note(node) or node.orelse is None:
            return
        frame = self._frames.body_owner()
        exit_ = _first_exit(node.body)
        if frame is not None and exit_ is not None:
            frame.data.clauses.append((node, exit_))

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self._frames.pop()

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        findings = self._frames.pop().data
        if findings.generator:
            return
        for statement, exit_ in findings.clauses:
            clause = statement.orelse
            assert clause is not None  # only `if`s with a clause are kept
            keyword = "elif" if isinstance(clause, cst.If) else "else"
            fix = dedent_fix(self.context, statement, keyword)
            advice = _ADVICE[keyword]
            self.report(clause, keyword=keyword, exit=exit_, advice=advice, length=4, fix=fix)
