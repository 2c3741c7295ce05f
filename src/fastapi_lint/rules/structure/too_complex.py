"""FAPI405: a function whose cyclomatic complexity, as radon computes it, is over the limit."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import libcst as cst

from fastapi_lint.context.roles import Role
from fastapi_lint.rule import FileContext, Invalid, Rule, Valid
from fastapi_lint.rules.structure._blocks import Frame, Frames

_RANKS = "BCDEF"


@dataclass(slots=True)
class _Score:
    scored: bool  # radon forgets classes defined inside functions, and all they contain
    complexity: int = 1


def rank(complexity: int) -> str:
    """radon's letter: A 1-5, B 6-10, C 11-20, D 21-30, E 31-40, F 41 and more."""
    if complexity <= 5:
        return "A"
    return _RANKS[min((complexity - 1) // 10, len(_RANKS) - 1)]


def _is_catch_all(case: cst.MatchCase) -> bool:
    # radon tests `pattern.pattern is None`: true of `case _:` and of a bare capture `case x:`.
    return isinstance(case.pattern, cst.MatchAs) and case.pattern.pattern is None


def _is_scored(parent: Frame[_Score] | None, node: cst.FunctionDef | cst.ClassDef) -> bool:
    if parent is None:
        return True
    if isinstance(node, cst.ClassDef) and parent.is_function:
        return False
    return parent.data.scored


class TooComplex(Rule):
    """
    ## What it does
    Flags a function or method whose cyclomatic complexity is over the limit: 1, plus 1
    for every `if`, `elif`, conditional expression, `and`/`or` operator, `assert`, loop
    (and loop `else`), `except` clause, `try` `else` and `case` (but a catch-all). It is
    radon's score (`radon cc`) except that a comprehension's `for` and `if` clauses add
    nothing: a comprehension reads as one expression. The message gives the score and
    radon's rank letter (A 1-5, B 6-10, C 11-20, D 21-30, E 31-40, F 41+).

    ## Why is this bad?
    Every branch, loop, `except` and boolean operator adds a path through the function.
    An endpoint with many paths is hard to read, hard to test fully and tends to mix
    validation, business logic and response shaping. Guard clauses, dependencies
    (`Depends`) and small helper functions keep each path short.

    ## Example
    ```python
    @router.post("/orders")
    async def create_order(order: OrderIn, db: Db, user: CurrentUser) -> Order:
        if not order.items or (user.blocked and not user.is_admin):
            raise HTTPException(status.HTTP_400_BAD_REQUEST)
        for item in order.items:
            if item.quantity <= 0 or item.price < 0:
                raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY)
            if item.sku in BANNED and not user.is_admin:
                raise HTTPException(status.HTTP_403_FORBIDDEN)
        if order.coupon and not await coupons.is_valid(order.coupon):
            raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY, "bad coupon")
        try:
            stock = await reserve(db, order.items)
        except StockError:
            raise HTTPException(status.HTTP_409_CONFLICT) from None
        return await checkout(db, order, stock)
    ```

    ## Use instead
    ```python
    @router.post("/orders")
    async def create_order(order: OrderIn, db: Db, user: ActiveCustomer) -> Order:
        check_items(order.items, user)
        stock = await reserve_or_409(db, order.items)
        return await checkout(db, order, stock)
    ```

    ## Options
    `max-complexity` (default 10): the highest score allowed.
    `strict` (default `[]`): with `"FAPI405"` listed, the score is exactly radon's,
    comprehension clauses included.

    ## Known limitations
    The score follows radon, quirks included: `with`, `finally`, `except*` blocks, what
    is inside an `assert`, decorators, default values, annotations, nested functions and
    classes add nothing to the function around them. Nested functions are scored on
    their own (radon's closures, shown by `radon cc --show-closures`), so are methods of
    nested classes; methods of a class defined inside a function are not scored at all,
    because radon drops them. A flat chain of independent guards or a flat `match`
    dispatch scores as high as nested logic of the same size.
    """

    code = "FAPI405"
    name = "too-complex"
    family = "structure"
    roles = frozenset({Role.APP, Role.SCRIPT})
    severity = "warning"
    message = (
        "`{function}` is too complex: cyclomatic complexity {complexity} "
        "(rank {rank}, limit {limit})"
    )
    VALID: ClassVar[tuple[Valid, ...]] = (
        Valid(
            "from fastapi import APIRouter, Depends, HTTPException\n\n"
            "router = APIRouter()\n\n\n"
            '@router.get("/users/{user_id}")\n'
            "async def read_user(user_id: int, db=Depends(get_db)) -> dict:\n"
            "    user = await db.get(user_id)\n"
            "    if not user:\n"
            "        raise HTTPException(status_code=404)\n"
            "    if user.disabled or user.deleted:\n"
            "        raise HTTPException(status_code=403)\n"
            '    return {"id": user.id, "tags": [t.name for t in user.tags if t.public]}\n'
        ),
        Valid(
            "def kind(value: object) -> str:\n"
            "    match value:\n"
            "        case int():\n"
            "            return 'int'\n"
            "        case str():\n"
            "            return 'str'\n"
            "        case _:\n"
            "            return 'other'\n"
        ),
    )
    INVALID: ClassVar[tuple[Invalid, ...]] = (
        Invalid(
            "def classify(a, b, c, d, e, f):\n"
            "    if a and b or c:\n"
            "        return 1\n"
            "    elif d:\n"
            "        return 2\n"
            "    for x in e:\n"
            "        if x or f:\n"
            "            continue\n"
            "    while a:\n"
            "        a -= 1\n"
            "    else:\n"
            "        b = f if a else e\n"
            "    return 3\n",
            line=1,
            column=5,
            message_contains="cyclomatic complexity 11 (rank C, limit 10)",
        ),
    )

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self._frames: Frames[_Score] = Frames()
        self._in_assert = 0

    def _push(self, node: cst.FunctionDef | cst.ClassDef) -> None:
        self._frames.push(node, _Score(_is_scored(self._frames.innermost(), node)))

    def _add(self, points: int) -> None:
        # radon does not look inside `assert`, nor at decorators, defaults or annotations.
        frame = self._frames.body_owner()
        if frame is not None and not self._in_assert:
            frame.data.complexity += points

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._push(node)

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self._push(node)

    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        self._frames.enter_block(node)

    def visit_SimpleStatementSuite(self, node: cst.SimpleStatementSuite) -> None:
        self._frames.enter_block(node)

    def visit_If(self, node: cst.If) -> None:
        self._add(1)

    def visit_IfExp(self, node: cst.IfExp) -> None:
        self._add(1)

    def visit_BooleanOperation(self, node: cst.BooleanOperation) -> None:
        self._add(1)

    def visit_For(self, node: cst.For) -> None:
        self._add(1 + (node.orelse is not None))

    def visit_While(self, node: cst.While) -> None:
        self._add(1 + (node.orelse is not None))

    def visit_Try(self, node: cst.Try) -> None:
        self._add(len(node.handlers) + (node.orelse is not None))

    def visit_Match(self, node: cst.Match) -> None:
        catch_all = any(_is_catch_all(case) for case in node.cases)
        self._add(max(0, len(node.cases) - catch_all))

    def visit_CompFor(self, node: cst.CompFor) -> None:
        # A comprehension reads as one expression; radon counts its clauses as branches.
        if self.options.is_strict(self.code):
            self._add(1 + len(node.ifs))

    def visit_Assert(self, node: cst.Assert) -> None:
        self._add(1)
        self._in_assert += 1

    def leave_Assert(self, original_node: cst.Assert) -> None:
        self._in_assert -= 1

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self._frames.pop()

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        score = self._frames.pop().data
        limit = self.options.max_complexity
        if not score.scored or score.complexity <= limit:
            return
        self.report(
            original_node.name,
            function=original_node.name.value,
            complexity=score.complexity,
            rank=rank(score.complexity),
            limit=limit,
        )
