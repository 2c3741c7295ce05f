"""FAPI401: an `else`/`elif` after an `if` branch that already returns, raises or jumps."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import ClassVar

import libcst as cst

from fastapi_lint.analysis.statements import Statement, statements
from fastapi_lint.context.roles import Role
from fastapi_lint.fixes import (
    PendingFix,
    enclosing_block,
    replace_statement,
    suite_footer,
    suite_statements,
    with_leading,
)
from fastapi_lint.rule import FileContext, Invalid, Rule, Valid
from fastapi_lint.rules.structure._blocks import (
    ElifTracker,
    Frames,
    clauses,
    exit_keyword,
    is_block,
)
from fastapi_lint.rules.structure._guards import guard_fix

_ADVICE = {
    "else": "drop the `else` and dedent its body",
    "elif": "turn the `elif` into an `if`",
}


_FIX = {
    "else": "Drop the `else` and dedent its body",
    "elif": "Turn the `elif` into an `if`",
}
_CHAIN_ADVICE = (
    "every branch above exits: make the `elif`s `if`s, drop the `else` and dedent its body"
)
_CHAIN_FIX = "Make the `elif`s `if`s, drop the `else` and dedent its body"
_INVERT = (
    "The `else` branch only does `raise` after an `if` branch that holds the main path; "
    "invert the condition and raise first"
)


# Statements from which the `else` after an `if`/`elif` chain of exits is the main path.
_REST_OF_THE_WORK = 3


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


def dedent_fix(context: FileContext, statement: cst.If, message: str) -> PendingFix | None:
    """Drop the `else` (or turn `elif` into `if`): its code follows the `if` one level up."""
    assert statement.orelse is not None
    within = context.statement[0] if context.statement else None
    block = enclosing_block(context.module, statement, within)
    if block is None:
        return None
    moved, trailing = _moved(statement.orelse)
    kept = statement.with_changes(orelse=None)
    edit = replace_statement(block, statement, [kept, *moved], trailing)
    return PendingFix(message, (edit,))


def _is_guard(body: cst.BaseSuite) -> bool:
    """A short branch that only leaves: one or two plain statements, the last an exit."""
    inside = statements(body)
    return (
        len(inside) <= 2 and exit_keyword(inside[-1]) is not None and not any(map(is_block, inside))
    )


def _weight(body: cst.BaseSuite) -> int:
    """Statements of a branch, those nested in its blocks included."""
    total = 0
    for statement in statements(body):
        total += 1
        if isinstance(statement, cst.BaseCompoundStatement):
            bodies = (getattr(clause, "body", None) for clause in clauses(statement))
            total += sum(_weight(body) for body in bodies if isinstance(body, cst.BaseSuite))
    return total


def _holds_main_path(body: cst.BaseSuite, above: cst.BaseSuite, after_guard: bool) -> bool:
    """Whether dropping the `else` would dedent the main path, not one of two alternatives.

    ``above`` is the branch before the `else` (the largest one of a chain), and
    ``after_guard`` says whether every branch above is a guard that turns a case away.
    The `else` holds the main path when it goes on with the function (it does not always
    leave), when it follows such guards, or when it outweighs the branch above (more
    than twice its statements, nested ones included). Two branches of like size that both
    leave (`return a` / `return b`, a two-line fallback each, one error for each case)
    are alternatives, and reviewers leave them as they are; so is `else: assert_never(x)`.
    """
    inside = statements(body)
    if _is_exhaustiveness_check(inside):
        return False
    if not _always_leaves(inside[-1]):
        return True
    if len(inside) == 1 and exit_keyword(inside[0]) is not None:
        return False
    if isinstance(inside[-1], cst.Raise) and _raises(above):
        return False  # an error for each case
    return after_guard or _weight(body) > 2 * _weight(above)


def _raises(body: cst.BaseSuite) -> bool:
    inside = statements(body)
    return bool(inside) and isinstance(inside[-1], cst.Raise)


def _turns_away(body: cst.BaseSuite) -> bool:
    """A guard that rejects a case: `raise`, `continue`, `break`, or a `return` of nothing,
    a constant or an empty collection, after at most one plain statement."""
    if not _is_guard(body):
        return False
    last = statements(body)[-1]
    if not isinstance(last, cst.Return) or last.value is None:
        return True
    value = last.value
    if isinstance(value, cst.List | cst.Tuple | cst.Dict | cst.Set):
        return not value.elements
    if isinstance(value, cst.Name):
        return value.value in ("None", "True", "False")
    return isinstance(value, cst.Integer | cst.Float | cst.SimpleString)


def _always_leaves(statement: Statement) -> bool:
    """An exit, or a `try`/`if` every branch of which ends in one (`finally` aside)."""
    if exit_keyword(statement) is not None:
        return True
    branches: list[cst.BaseSuite | cst.If | cst.Else]
    if isinstance(statement, cst.Try):
        branches = [statement.body, *(handler.body for handler in statement.handlers)]
        if statement.orelse is not None:
            branches[0] = statement.orelse.body
    elif isinstance(statement, cst.If) and isinstance(statement.orelse, cst.If | cst.Else):
        branches = [statement.body, statement.orelse]
    else:
        return False
    return all(_branch_leaves(branch) for branch in branches)


def _branch_leaves(branch: cst.BaseSuite | cst.If | cst.Else) -> bool:
    if isinstance(branch, cst.If):
        return _always_leaves(branch)
    inside = statements(branch.body if isinstance(branch, cst.Else) else branch)
    return bool(inside) and _always_leaves(inside[-1])


def _is_exhaustiveness_check(inside: Sequence[Statement]) -> bool:
    """`else: assert_never(x)`: the clause that makes a type checker prove the chain total."""
    if len(inside) != 1 or not isinstance(inside[0], cst.Expr):
        return False
    call = inside[0].value
    if not isinstance(call, cst.Call):
        return False
    func = call.func
    name = func.attr.value if isinstance(func, cst.Attribute) else getattr(func, "value", None)
    return name == "assert_never"


def _is_long(clause: cst.Else) -> bool:
    return len(statements(clause.body)) >= _REST_OF_THE_WORK


def _is_bare_exit(statement: cst.BaseSmallStatement | None) -> bool:
    """`else: return` (no value) or `else: continue`: a clause that only says "go on"."""
    if isinstance(statement, cst.Return):
        return statement.value is None
    return isinstance(statement, cst.Continue)


def _lone_exit(clause: cst.Else) -> cst.BaseSmallStatement | None:
    inside = statements(clause.body)
    if len(inside) == 1 and exit_keyword(inside[0]) is not None:
        only = inside[0]
        assert isinstance(only, cst.BaseSmallStatement)
        return only
    return None


def _chain(statement: cst.If) -> tuple[list[cst.If], cst.Else | None]:
    """The `if` and its `elif`s, and the final `else` (None when the chain has none)."""
    branches = [statement]
    clause = statement.orelse
    while isinstance(clause, cst.If):
        branches.append(clause)
        clause = clause.orelse
    return branches, clause


class SuperfluousElse(Rule):
    """
    ## What it does
    Flags an `else` that wraps the main path after an `if` branch that returns, raises,
    continues or breaks: dropping the `else` would dedent code that matters. That is an
    `else` whose code goes on with the function (it does not leave on every path); an
    `else` after a guard that turns a case away (`raise`, `continue`, `break`, or a
    `return` of nothing, a constant or an empty collection, after at most one plain
    statement); an `else` more than twice the size of the branch above it (nested
    statements included); the long `else` (three statements or more) closing a run of
    `if`s that each leave, or an `if`/`elif` chain of exits; and an `else` that only says
    `return` or `continue`, which is noise. When the `if` branch holds the main path and
    the `else` only raises, the advice is to invert the condition and raise first. Only
    code inside functions is checked.

    ## Why is this bad?
    The branch above already leaves the function or the loop, so the `else` only adds a
    level of indentation around the main path. Handling the special case first and
    leaving the happy path unindented at the end of the function reads top to bottom.

    ## Example
    ```python
    @router.post("/items/{item_id}/tags")
    async def add_tag(item_id: int, tag: str, db: Db) -> Item:
        item = await db.get(Item, item_id)
        if item is None:
            raise HTTPException(status_code=404, detail="Item not found")
        else:
            item.tags.append(tag)
            await db.commit()
        return item
    ```

    ## Use instead
    ```python
    @router.post("/items/{item_id}/tags")
    async def add_tag(item_id: int, tag: str, db: Db) -> Item:
        item = await db.get(Item, item_id)
        if item is None:
            raise HTTPException(status_code=404, detail="Item not found")
        item.tags.append(tag)
        await db.commit()
        return item
    ```

    ## Options
    `strict` (default `[]`): with `"FAPI401"` listed, the findings are exactly those of
    ruff's RET505, RET506, RET507 and RET508 with their default settings: every `else`
    or `elif` right after an exiting `if` branch, symmetric pairs and `elif` ladders
    included.

    ## Fix safety
    The `else` is dropped and its body dedented after the `if`; in a chain, the `elif`s
    become `if`s. The `if` branch never falls through (one of its own statements returns,
    raises, continues or breaks), so the moved code runs exactly when it ran before: the
    fix is safe. Comments keep their place: one on the `else:` line, or just above it,
    goes above the first moved statement; comments closing the `else` body follow the
    moved code. Where the advice is to raise first, the condition is inverted as FAPI402
    inverts it (see its page): the `raise` becomes the guard's body and the main path
    follows one level up.

    ## Known limitations
    Two branches of like size that both leave (`return a` / `return b`, a two-line
    fallback each, an error for each case, `elif` ladders of returns) are left alone:
    they are alternatives, not a main path; so is `else: assert_never(x)`, which makes a
    type checker prove a dispatch complete. The exit may be any
    statement of the `if` body, not only the last; generators (functions containing
    `yield`) are skipped entirely; code at module or class level is not checked, as in
    ruff. A `yield` in a class's base list inside a function makes that function a
    generator here but not for ruff.
    """

    code = "FAPI401"
    name = "superfluous-else"
    family = "structure"
    roles = frozenset({Role.APP, Role.SCRIPT})
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
        # Two short alternatives, and an `elif` ladder of returns: nothing to dedent.
        Valid(
            "def read_item(item: dict | None) -> dict:\n"
            "    if item is None:\n"
            "        raise KeyError('item')\n"
            "    else:\n"
            "        return item\n"
        ),
        Valid(
            "def status(code: int) -> str:\n"
            "    if code < 400:\n"
            "        return 'ok'\n"
            "    elif code < 500:\n"
            "        return 'client'\n"
            "    return 'server'\n"
        ),
    )
    INVALID: ClassVar[tuple[Invalid, ...]] = (
        Invalid(
            "def read_item(item: dict | None) -> dict:\n"
            "    if item is None:\n"
            "        raise KeyError('item')\n"
            "    else:\n"
            "        item['seen'] = True\n"
            "    return item\n",
            line=4,
            column=5,
            message_contains="`else` after `raise`",
        ),
        Invalid(
            "def status(code: int) -> str:\n"
            "    if code < 400:\n"
            "        return 'ok'\n"
            "    elif code < 500:\n"
            "        raise ValueError(code)\n"
            "    else:\n"
            "        log(code)\n"
            "    return 'server'\n",
            line=6,
            column=5,
            message_contains="every branch above exits",
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
        strict = self.options.is_strict(self.code)
        for statement, exit_ in findings.clauses:
            if strict:
                self._report_like_ruff(statement, exit_)
            elif isinstance(statement.orelse, cst.Else):
                self._review_else(statement, statement.orelse, exit_)
            else:
                self._review_chain(statement, exit_)

    def _report_like_ruff(self, statement: cst.If, exit_: str) -> None:
        clause = statement.orelse
        assert clause is not None  # only `if`s with a clause are kept
        keyword = "elif" if isinstance(clause, cst.If) else "else"
        fix = dedent_fix(self.context, statement, _FIX[keyword])
        advice = _ADVICE[keyword]
        self.report(clause, keyword=keyword, exit=exit_, advice=advice, length=4, fix=fix)

    def _review_else(self, statement: cst.If, clause: cst.Else, exit_: str) -> None:
        """`if ...: <exits> else: ...`: the `else` wraps the main path, or is noise."""
        guard = _is_guard(statement.body)
        lone = _lone_exit(clause)
        main = _holds_main_path(clause.body, statement.body, _turns_away(statement.body))
        # Looking for the `if`s before this one searches the block: only for a long `else`.
        rest = not main and _is_long(clause) and self._ends_early_exits(statement)
        if main or rest or _is_bare_exit(lone):
            fix = dedent_fix(self.context, statement, _FIX["else"])
            self.report(
                clause, keyword="else", exit=exit_, advice=_ADVICE["else"], length=4, fix=fix
            )
        elif isinstance(lone, cst.Raise) and not guard:
            fix = guard_fix(self.context, statement, "raise")
            self.report(clause, _INVERT, length=4, fix=fix)

    def _ends_early_exits(self, statement: cst.If) -> bool:
        """The `if` closes its block after other `if`s that each leave: a chain in all but
        name, whose `else` is what is left of the work."""
        within = self.context.statement[0] if self.context.statement else None
        block = enclosing_block(self.context.module, statement, within)
        if block is None or block.body[-1] is not statement:
            return False
        return any(
            isinstance(earlier, cst.If)
            and earlier.orelse is None
            and _first_exit(earlier.body) is not None
            for earlier in block.body[:-1]
        )

    def _review_chain(self, statement: cst.If, exit_: str) -> None:
        """`if/elif/.../else`: only an `else` holding the main path after exits is flagged."""
        branches, clause = _chain(statement)
        if clause is None or any(_first_exit(branch.body) is None for branch in branches):
            return
        guards = all(_turns_away(branch.body) for branch in branches)
        largest = max((branch.body for branch in branches), key=_weight)
        # After a run of special cases that each leave, a long `else` is the rest of the work.
        if _is_long(clause) or _holds_main_path(clause.body, largest, guards):
            fix = dedent_fix(self.context, statement, _CHAIN_FIX)
            self.report(clause, keyword="else", exit=exit_, advice=_CHAIN_ADVICE, length=4, fix=fix)
