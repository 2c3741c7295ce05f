"""FAPI903: ``raise Exception(...)`` instead of a specific exception class."""

from __future__ import annotations

from typing import ClassVar

import libcst as cst

from fastapi_lint.context.roles import Role
from fastapi_lint.rule import FileContext, Invalid, Rule, Valid
from fastapi_lint.rules.ops._shared import (
    BUILTIN_EXCEPTIONS,
    qualified_name_in_scope,
    raised_name,
)


class GenericException(Rule):
    """
    ## What it does
    Flags `raise Exception(...)` and `raise BaseException(...)`, with or without arguments,
    except where the same function catches it on the spot: raised in the body of a `try`
    whose handler catches `Exception`, `BaseException` or everything and does not
    re-raise it (a jump to the handler, which nobody else sees).

    ## Why is this bad?
    A caller can only catch a bare `Exception` with `except Exception`, which also catches
    every bug (`KeyError`, `AttributeError`, failed assertions) it never meant to handle.
    It carries no meaning an exception handler could map to an HTTP status, so FastAPI
    answers 500 whatever went wrong. A custom exception class (`OrderNotFound(DomainError)`)
    names the failure, can hold data, and is mapped to a response in one place with
    `app.add_exception_handler`.

    ## Example
    ```python
    async def get_order(order_id: int) -> Order:
        order = await repository.find(order_id)
        if order is None:
            raise Exception(f"order {order_id} not found")
        return order
    ```

    ## Use instead
    ```python
    class OrderNotFound(LookupError):
        def __init__(self, order_id: int) -> None:
            super().__init__(f"order {order_id} not found")
            self.order_id = order_id


    async def get_order(order_id: int) -> Order:
        order = await repository.find(order_id)
        if order is None:
            raise OrderNotFound(order_id)
        return order
    ```

    ## Options
    `strict = ["FAPI903"]`: every such `raise`, caught on the spot or not, as ruff's
    TRY002 (raise-vanilla-class): every finding of TRY002 is one of ours.

    ## Known limitations
    Only the builtin classes themselves are flagged, imported under another name or through
    `builtins` too; a variable bound to them (`Error = Exception`) is not followed. A
    generic exception caught by a caller that retries on any error, or by
    `asyncio.gather(return_exceptions=True)`, is flagged.
    """

    code = "FAPI903"
    name = "generic-exception"
    family = "ops"
    roles = frozenset({Role.APP, Role.SCRIPT})
    severity = "warning"
    message = "`raise {exception}` carries no meaning; raise a specific or custom exception class"
    VALID: ClassVar[tuple[Valid, ...]] = (
        Valid("class OrderNotFound(LookupError):\n    pass\n\n\nraise OrderNotFound(3)\n"),
        Valid("raise ValueError('negative amount')\n"),
        Valid("try:\n    pass\nexcept Exception:\n    raise\n"),
        Valid("def wrap(Exception: type) -> None:\n    raise Exception('shadowed')\n"),
    )
    INVALID: ClassVar[tuple[Invalid, ...]] = (
        Invalid(
            "def charge(amount: int) -> None:\n"
            "    if amount < 0:\n"
            "        raise Exception('negative amount')\n",
            line=3,
            column=15,
        ),
        Invalid("raise BaseException\n", line=1, column=7, message_contains="BaseException"),
    )

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        # Bodies of `try` statements whose handler catches every error without re-raising,
        # with the function they sit in, and those being walked now.
        self._catching: dict[int, cst.FunctionDef | None] = {}
        self._inside: list[cst.FunctionDef | None] = []

    def visit_Try(self, node: cst.Try) -> None:
        if any(self._catches_all(handler) for handler in node.handlers):
            self._catching[id(node.body)] = self.context.enclosing_function()

    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        if id(node) in self._catching:
            self._inside.append(self._catching[id(node)])

    def leave_IndentedBlock(self, original_node: cst.IndentedBlock) -> None:
        if id(original_node) in self._catching:
            self._inside.pop()

    def visit_Raise(self, node: cst.Raise) -> None:
        # Raise statements are few: resolve every name, aliases included.
        name = raised_name(node)
        qualified = qualified_name_in_scope(self.context, name) if name is not None else None
        if qualified is None or qualified not in BUILTIN_EXCEPTIONS:
            return
        if self.options.is_strict(self.code) or not self._caught_here():
            self.report(node.exc or node, exception=qualified.rpartition(".")[2])

    def _caught_here(self) -> bool:
        """Raised in a `try` of the same function that catches it: a jump, not an error
        anyone else sees."""
        return self.context.enclosing_function() in self._inside

    def _catches_all(self, handler: cst.ExceptHandler) -> bool:
        caught = handler.type
        if caught is not None:
            names = (
                [e.value for e in caught.elements] if isinstance(caught, cst.Tuple) else [caught]
            )
            qualified = {qualified_name_in_scope(self.context, name) for name in names}
            if not qualified & BUILTIN_EXCEPTIONS:
                return False
        return not any(_is_bare_raise(line) for line in handler.body.body)


def _is_bare_raise(line: cst.CSTNode) -> bool:
    """A handler line that re-raises what it caught."""
    if not isinstance(line, cst.SimpleStatementLine):
        return False
    return any(isinstance(small, cst.Raise) and small.exc is None for small in line.body)
