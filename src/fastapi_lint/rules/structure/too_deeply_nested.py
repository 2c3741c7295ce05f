"""FAPI403: a compound statement nested too many levels deep inside a function."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import libcst as cst

from fastapi_lint.analysis.statements import statements
from fastapi_lint.context.roles import Role
from fastapi_lint.rule import FileContext, Invalid, Rule, Valid
from fastapi_lint.rules.structure._blocks import ElifTracker, Frames, exit_keyword

Compound = cst.If | cst.For | cst.While | cst.With | cst.Try | cst.TryStar | cst.Match

_KEYWORDS: dict[type[cst.CSTNode], str] = {
    cst.If: "if",
    cst.For: "for",
    cst.While: "while",
    cst.With: "with",
    cst.Try: "try",
    cst.TryStar: "try",
    cst.Match: "match",
}


@dataclass(slots=True)
class _Depth:
    counting: bool  # False for a class body: only code inside a `def` is measured
    depth: int = 0
    muted_by: cst.CSTNode | None = None  # the reported statement, whose inner levels stay quiet


_ADVICE = "return early or move the inner block into a function"
_ELIF_ADVICE = "the `else:` around it holds only this `if`: make it an `elif`"


def _skips_item(node: Compound) -> bool:
    """`if bad: continue` (or `break`): a loop's guard, no `else`, nothing else inside."""
    if not isinstance(node, cst.If) or node.orelse is not None:
        return False
    inside = statements(node.body)
    return len(inside) == 1 and exit_keyword(inside[0]) in ("continue", "break")


def _keyword(node: Compound) -> str:
    keyword = _KEYWORDS[type(node)]
    if isinstance(node, (cst.For, cst.With)) and node.asynchronous is not None:
        return f"async {keyword}"
    return keyword


class TooDeeplyNested(Rule):
    """
    ## What it does
    Flags control flow nested more levels deep inside a function than the limit allows:
    an `if`, `for`, `while`, `try` or `match` statement (async forms included) inside as
    many others, counted as SonarSource's S134 counts them. A `with` block adds no level
    (it holds a resource, not a decision), unless `nesting-counts-with` is set. A loop's
    guard past the limit (`if not line: continue`, or `break`, with no `else`) is not
    reported: it is how nesting is avoided, not more of it. When the extra level is an
    `else:` holding a lone `if`, the message says to use `elif`.

    ## Why is this bad?
    Each level adds a condition the reader has to keep in mind, and pushes the code that
    matters to the right. Deep nesting in an endpoint usually means validation, error
    handling and the actual work are interleaved; guard clauses that `raise
    HTTPException` early, dependencies and helper functions flatten it.

    ## Example
    ```python
    @router.post("/orders/{order_id}/ship")
    async def ship(order_id: int, db: Db) -> Order:
        order = await db.get(Order, order_id)
        if order:
            for line in order.lines:
                if line.in_stock:
                    try:
                        if line.quantity > 0:  # 5 levels deep
                            await reserve(line)
                    except StockError:
                        log.warning("not reserved: %s", line.sku)
        return order
    ```

    ## Use instead
    ```python
    @router.post("/orders/{order_id}/ship")
    async def ship(order_id: int, db: Db) -> Order:
        order = await db.get(Order, order_id)
        if order is None:
            raise HTTPException(status_code=404, detail="Order not found")
        for line in order.lines:
            if line.in_stock and line.quantity > 0:
                await reserve_or_log(line)
        return order
    ```

    ## Options
    `max-nesting` (default 4): the deepest level allowed; the first compound statement
    of a function body is level 1.
    `nesting-counts-with` (default false): count `with` blocks as levels too.

    ## Known limitations
    `elif`, `else`, `except`, `finally` and `case` clauses are part of their statement and
    add no level. A nested `def` starts its own count at zero, like a new function, and
    the body of a class is not measured (its methods are). Only the outermost statement
    past the limit in each branch is reported, not the levels inside it.
    """

    code = "FAPI403"
    name = "too-deeply-nested"
    family = "structure"
    roles = frozenset({Role.APP, Role.SCRIPT})
    severity = "warning"
    message = "`{keyword}` is nested {depth} levels deep in `{function}` (limit {limit}); {advice}"
    VALID: ClassVar[tuple[Valid, ...]] = (
        Valid(
            "from fastapi import APIRouter, HTTPException\n\n"
            "router = APIRouter()\n\n\n"
            '@router.get("/users/{user_id}")\n'
            "async def read_user(user_id: int) -> dict:\n"
            "    user = await find_user(user_id)\n"
            "    if not user:\n"
            "        raise HTTPException(status_code=404)\n"
            "    for role in user.roles:\n"
            "        if role.admin:\n"
            "            break\n"
            '    return {"id": user.id}\n'
        ),
        Valid(
            "def walk(tree):\n"
            "    for a in tree:\n"
            "        if a:\n"
            "            with a:\n"
            "                try:\n"
            "                    pass\n"
            "                except ValueError:\n"
            "                    pass\n"
            "        elif a is None:\n"
            "            pass\n"
            "        else:\n"
            "            pass\n"
        ),
    )
    INVALID: ClassVar[tuple[Invalid, ...]] = (
        Invalid(
            "async def sync_all(sources):\n"
            "    for source in sources:\n"
            "        async with source.lock():\n"
            "            if source.enabled:\n"
            "                while source.pending():\n"
            "                    try:\n"
            "                        if source.ready:\n"
            "                            await source.pull()\n"
            "                    except TimeoutError:\n"
            "                        break\n",
            line=7,
            column=25,
            message_contains="`if` is nested 5 levels deep in `sync_all` (limit 4)",
        ),
    )

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self._frames: Frames[_Depth] = Frames()
        self._elifs = ElifTracker()
        self._alone_in_else: set[cst.If] = set()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._frames.push(node, _Depth(counting=True))

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self._frames.push(node, _Depth(counting=False))

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self._frames.pop()

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self._frames.pop()

    def _level(self, node: Compound) -> _Depth | None:
        """The counter this statement adds a level to, or None if it adds none."""
        frame = self._frames.innermost()
        if frame is None or not frame.data.counting:
            return None
        if isinstance(node, cst.If) and self._elifs.is_elif(node):
            return None
        if isinstance(node, cst.With) and not self.options.nesting_counts_with:
            return None
        return frame.data

    def _enter(self, node: Compound) -> None:
        level = self._level(node)
        if level is None:
            return
        level.depth += 1
        if level.depth > self.options.max_nesting and level.muted_by is None:
            if _skips_item(node):
                return  # `if bad: continue` is the cure for nesting, not more of it
            level.muted_by = node
            self._report(node, level.depth)

    def _report(self, node: Compound, depth: int) -> None:
        keyword = _keyword(node)
        advice = _ELIF_ADVICE if node in self._alone_in_else else _ADVICE
        self.report(
            node,
            keyword=keyword,
            depth=depth,
            function=self._frames.stack[-1].node.name.value,
            limit=self.options.max_nesting,
            advice=advice,
            length=len(keyword),
        )

    def visit_Else(self, node: cst.Else) -> None:
        # `else:` around a lone `if` is a level that `elif` does without.
        body = node.body
        if isinstance(body, cst.IndentedBlock) and len(body.body) == 1:
            only = body.body[0]
            if isinstance(only, cst.If):
                self._alone_in_else.add(only)

    def _leave(self, node: Compound) -> None:
        level = self._level(node)
        if level is None:
            return
        level.depth -= 1
        if level.muted_by is node:
            level.muted_by = None

    def visit_If(self, node: cst.If) -> None:
        self._elifs.note(node)
        self._enter(node)

    def leave_If(self, original_node: cst.If) -> None:
        self._leave(original_node)

    def visit_For(self, node: cst.For) -> None:
        self._enter(node)

    def leave_For(self, original_node: cst.For) -> None:
        self._leave(original_node)

    def visit_While(self, node: cst.While) -> None:
        self._enter(node)

    def leave_While(self, original_node: cst.While) -> None:
        self._leave(original_node)

    def visit_With(self, node: cst.With) -> None:
        self._enter(node)

    def leave_With(self, original_node: cst.With) -> None:
        self._leave(original_node)

    def visit_Try(self, node: cst.Try) -> None:
        self._enter(node)

    def leave_Try(self, original_node: cst.Try) -> None:
        self._leave(original_node)

    def visit_TryStar(self, node: cst.TryStar) -> None:
        self._enter(node)

    def leave_TryStar(self, original_node: cst.TryStar) -> None:
        self._leave(original_node)

    def visit_Match(self, node: cst.Match) -> None:
        self._enter(node)

    def leave_Match(self, original_node: cst.Match) -> None:
        self._leave(original_node)
