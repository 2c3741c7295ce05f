"""FAPI903: ``raise Exception(...)`` instead of a specific exception class."""

from __future__ import annotations

from typing import ClassVar

import libcst as cst

from fastapi_lint.rule import Invalid, Rule, Valid
from fastapi_lint.rules.ops._shared import (
    BUILTIN_EXCEPTIONS,
    qualified_name_in_scope,
    raised_name,
)


class GenericException(Rule):
    """
    ## What it does
    Flags `raise Exception(...)` and `raise BaseException(...)`, with or without arguments.

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
    None.

    ## Known limitations
    Only the builtin classes themselves are flagged, imported under another name or through
    `builtins` too; a variable bound to them (`Error = Exception`) is not followed. Every
    finding of ruff's TRY002 (raise-vanilla-class) is also ours.
    """

    code = "FAPI903"
    name = "generic-exception"
    family = "ops"
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

    def visit_Raise(self, node: cst.Raise) -> None:
        # Raise statements are few: resolve every name, aliases included.
        name = raised_name(node)
        qualified = qualified_name_in_scope(self.context, name) if name is not None else None
        if qualified is not None and qualified in BUILTIN_EXCEPTIONS:
            self.report(node.exc or node, exception=qualified.rpartition(".")[2])
