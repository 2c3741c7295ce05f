"""FAPI509: startup/shutdown handlers registered through the deprecated event API."""

from __future__ import annotations

from types import MappingProxyType
from typing import ClassVar

import libcst as cst

from fastapi_lint.analysis.startup_hooks import HANDLER_LISTS, registered_event
from fastapi_lint.context.roles import Role
from fastapi_lint.rule import Invalid, Rule, Valid

# A longer call is named by its registrar alone in the message.
_MAX_SHOWN = 70


class OnEventHandler(Rule):
    """
    ## What it does
    Flags startup and shutdown handlers registered the deprecated way: the
    `@app.on_event("startup")` / `@router.on_event("shutdown")` decorators,
    `app.add_event_handler("startup", handler)` calls (the event passed by position or as
    `event_type=`), and the `on_startup=[...]` /
    `on_shutdown=[...]` arguments of `FastAPI(...)` and `APIRouter(...)`. The event must be
    the literal `"startup"` or `"shutdown"`, the only events Starlette knows, so other
    libraries' `on_event` methods are left alone.

    ## Why is this bad?
    FastAPI deprecated `on_event` (and Starlette the `on_startup`/`on_shutdown` lists) in
    favour of a `lifespan` async context manager: one function whose code before `yield`
    runs at startup and after it at shutdown. Resources opened at startup are then closed
    by the same code, can live in local variables or `app.state` instead of globals, and
    cleanup runs even when startup fails half-way. The two styles do not mix: once
    `FastAPI(lifespan=...)` is given, `on_event` handlers are silently never called, so
    a codebase moving to `lifespan` loses them without an error. Each use also prints a
    `DeprecationWarning`.

    ## Example
    ```python
    app = FastAPI()


    @app.on_event("startup")
    async def connect() -> None:
        app.state.pool = await create_pool()


    @app.on_event("shutdown")
    async def disconnect() -> None:
        await app.state.pool.close()
    ```

    ## Use instead
    ```python
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.pool = await create_pool()
        yield
        await app.state.pool.close()


    app = FastAPI(lifespan=lifespan)
    ```

    ## Options
    None.

    ## Known limitations
    `on_event` and `add_event_handler` are recognised by their name and a literal event on
    any object (a FastAPI or Starlette app or router in practice); events passed in a
    variable are not seen, nor handlers appended to `app.router.on_startup` directly.
    """

    code = "FAPI509"
    name = "on-event-handler"
    family = "fastapi"
    roles = frozenset({Role.APP})
    requires = MappingProxyType({"fastapi": ">=0.93"})
    severity = "warning"
    message = (
        "`{call}` registers a {event} handler with the deprecated event API (ignored once a "
        "`lifespan` is set); move it into a `lifespan` async context manager "
        "(`FastAPI(lifespan=lifespan)`)"
    )

    VALID: ClassVar[tuple[Valid, ...]] = (
        Valid(
            "from collections.abc import AsyncIterator\n"
            "from contextlib import asynccontextmanager\n\n"
            "from fastapi import FastAPI\n\n\n"
            "@asynccontextmanager\n"
            "async def lifespan(app: FastAPI) -> AsyncIterator[None]:\n"
            "    yield\n\n\n"
            "app = FastAPI(lifespan=lifespan)\n"
        ),
        Valid(
            "class Bus:\n"
            "    def on_event(self, name: str) -> object:\n"
            "        return name\n\n\n"
            "bus = Bus()\n\n\n"
            '@bus.on_event("message")\n'
            "def handle() -> None: ...\n"
        ),
    )
    INVALID: ClassVar[tuple[Invalid, ...]] = (
        Invalid(
            "from fastapi import FastAPI\n\n"
            "app = FastAPI()\n\n\n"
            '@app.on_event("startup")\n'
            "async def connect() -> None: ...\n",
            line=6,
            column=2,
            message_contains='`app.on_event("startup")` registers a startup handler',
        ),
        Invalid(
            "from fastapi import FastAPI\n\n\n"
            "def close() -> None: ...\n\n\n"
            "app = FastAPI(on_shutdown=[close])\n",
            line=7,
            column=15,
            message_contains="`on_shutdown=` registers a shutdown handler",
        ),
    )

    def visit_Call(self, node: cst.Call) -> None:
        event = registered_event(node)
        if event is not None and isinstance(node.func, cst.Attribute):
            self.report(node, call=self._shown(node, node.func), event=event)
        elif any(arg.keyword and arg.keyword.value in HANDLER_LISTS for arg in node.args):
            self._check_constructor(node)

    def _shown(self, node: cst.Call, func: cst.Attribute) -> str:
        """The call as written when it fits on a line, else the registrar's name alone."""
        code = " ".join(self.context.module.code_for_node(node).split())
        code = code.replace("( ", "(").replace(", )", ")").replace(",)", ")")
        if len(code) <= _MAX_SHOWN:
            return code
        return self.context.module.code_for_node(func).strip()

    def _check_constructor(self, node: cst.Call) -> None:
        if self.context.model.router_kind(node.func) is None:
            return
        for arg in node.args:
            keyword = arg.keyword.value if arg.keyword is not None else ""
            if keyword in HANDLER_LISTS:
                event = keyword.removeprefix("on_")
                self.report(arg, call=f"{keyword}=", event=event)
