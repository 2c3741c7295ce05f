"""FAPI904: ``HTTPException`` raised in the service (domain) layer."""

from __future__ import annotations

from typing import ClassVar

import libcst as cst

from fastapi_lint.context.roles import Role
from fastapi_lint.rule import FileContext, Invalid, Rule, Valid
from fastapi_lint.rules.ops._shared import path_matches, qualified_name_in_scope, raised_name

_HTTP_EXCEPTIONS = frozenset(
    {
        "fastapi.HTTPException",
        "fastapi.exceptions.HTTPException",
        "starlette.exceptions.HTTPException",
    }
)


class HttpExceptionInService(Rule):
    """
    ## What it does
    Flags `raise HTTPException(...)` (FastAPI's or Starlette's) in the service layer: files
    matching the `service-modules` globs (`services/`, `repositories/`, `crud/`, ...).

    ## Why is this bad?
    Services and repositories hold the business rules; HTTP is one way among others (a
    worker, a CLI, a test, a message consumer) of calling them. An `HTTPException` raised
    there ties the domain to the web framework, makes the service unusable outside a
    request, and spreads the choice of status codes over the code base. Raise a domain
    exception (`OrderNotFound`) and map it to a response in one exception handler, or in
    the route.

    ## Example
    ```python
    # app/services/orders.py
    from fastapi import HTTPException


    async def get_order(session: AsyncSession, order_id: int) -> Order:
        order = await session.get(Order, order_id)
        if order is None:
            raise HTTPException(status_code=404, detail="Order not found")
        return order
    ```

    ## Use instead
    ```python
    # app/services/orders.py
    class OrderNotFound(LookupError):
        pass


    async def get_order(session: AsyncSession, order_id: int) -> Order:
        order = await session.get(Order, order_id)
        if order is None:
            raise OrderNotFound(order_id)
        return order


    # app/main.py
    @app.exception_handler(OrderNotFound)
    async def order_not_found(request: Request, exc: OrderNotFound) -> JSONResponse:
        return JSONResponse(status_code=404, content={"detail": "Order not found"})
    ```

    ## Options
    - `service-modules`: gitignore-style globs, relative to the project root as for
      `per-file-ignores`, of the domain layer. Default: `**/services/**`,
      `**/repositories/**`, `**/crud/**`, `**/service.py`, `**/services.py`,
      `**/repository.py`, `**/repositories.py`, `**/crud.py`. Setting it replaces the default.

    ## Known limitations
    Opt-in: layouts differ, and a project without a service layer has nothing to flag.
    Only `HTTPException` itself is recognised, not a project subclass of it, and only where
    it is raised: a service that builds one and returns it is not seen.
    """

    code = "FAPI904"
    name = "http-exception-in-service"
    family = "ops"
    roles = frozenset({Role.APP})
    severity = "warning"
    default_enabled = False
    message = (
        "`HTTPException` raised in the service layer; raise a domain exception and map it "
        "to an HTTP response in an exception handler or the route"
    )
    VALID: ClassVar[tuple[Valid, ...]] = (
        Valid(
            "# app/routers/orders.py\n"
            "from fastapi import HTTPException\n\n\n"
            "async def read_order(order_id: int) -> None:\n"
            "    raise HTTPException(status_code=404)\n",
            path="app/routers/orders.py",
        ),
        Valid(
            "# app/services/orders.py\n"
            "class OrderNotFound(LookupError):\n    pass\n\n\n"
            "async def get_order(order_id: int) -> None:\n"
            "    raise OrderNotFound(order_id)\n",
            path="app/services/orders.py",
        ),
    )
    INVALID: ClassVar[tuple[Invalid, ...]] = (
        Invalid(
            "# app/services/orders.py\n"
            "from fastapi import HTTPException\n\n\n"
            "async def get_order(order_id: int) -> None:\n"
            "    raise HTTPException(status_code=404, detail='Order not found')\n",
            line=6,
            column=11,
            path="app/services/orders.py",
        ),
        Invalid(
            "# app/crud.py\n"
            "import starlette.exceptions\n\n\n"
            "def delete_user(user_id: int) -> None:\n"
            "    raise starlette.exceptions.HTTPException(403)\n",
            line=6,
            column=11,
            path="app/crud.py",
        ),
    )

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self._in_service: bool | None = None

    def visit_Raise(self, node: cst.Raise) -> None:
        # Raise statements are few: resolve every name, aliases included.
        name = raised_name(node)
        if name is None or qualified_name_in_scope(self.context, name) not in _HTTP_EXCEPTIONS:
            return
        if self._in_service is None:
            self._in_service = path_matches(self.context, self.options.service_modules)
        if self._in_service:
            self.report(node.exc or node)
