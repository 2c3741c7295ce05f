"""FAPI103: a synchronous SQLAlchemy/SQLModel database call in the body of an ``async def``."""

from __future__ import annotations

import libcst as cst

from fastapi_lint.analysis.aliased_names import Resolve
from fastapi_lint.analysis.session_calls import (
    may_be_session_call,
    session_factory_class,
    sync_session_call,
)
from fastapi_lint.context.roles import Role
from fastapi_lint.fastapi_model.names import Lookup
from fastapi_lint.rule import FileContext, Invalid, Valid
from fastapi_lint.rules.asynchronous._async_calls import AsyncCallRule
from fastapi_lint.tree import children


class SyncSessionInAsyncFunction(AsyncCallRule):
    """
    ## What it does
    Flags calls that make a synchronous SQLAlchemy or SQLModel `Session` (or `Engine`,
    `Connection`) talk to the database, written directly in the body of an `async def`:
    the first such call of each session in a function (the comment is that the function
    uses a synchronous session, not one per commit and refresh that follow). A session
    the function also awaits a call of (`await session.flush()`, `async with
    session.begin()`) is an `AsyncSession`, whatever its annotation says, and is left
    alone. An unannotated `db=Depends(get_db)` is the session `get_db` is annotated to
    return or yield (`-> Generator[Session, None, None]`) when the module defines it.

    ## Why is this bad?
    FastAPI runs `async def` endpoints and dependencies on the event loop. A synchronous
    session waits for the database there, and while it waits no other request served by
    the worker makes progress. A plain `def` endpoint runs in a threadpool, where the same
    session is fine; an `AsyncSession` gives the loop back at every `await`.

    ## Example
    ```python
    from typing import Annotated

    from fastapi import Depends, FastAPI
    from sqlalchemy.orm import Session

    from app.db import get_db
    from app.models import User

    app = FastAPI()


    @app.get("/users")
    async def list_users(db: Annotated[Session, Depends(get_db)]) -> list[User]:
        return db.query(User).all()
    ```

    ## Use instead
    ```python
    @app.get("/users")
    def list_users(db: Annotated[Session, Depends(get_db)]) -> list[User]:
        return list(db.scalars(select(User)))
    ```
    or an `AsyncSession` (from `async_sessionmaker`), awaiting each call:
    ```python
    @app.get("/users")
    async def list_users(db: Annotated[AsyncSession, Depends(get_db)]) -> list[User]:
        return list(await db.scalars(select(User)))
    ```

    ## Options
    None.

    ## Known limitations
    A session is recognised by its annotation (`Session`, `Annotated[Session, Depends()]`,
    a module-level alias such as `SessionDep = Annotated[Session, Depends(get_session)]`),
    by `Session(engine)`, or by a module-level factory (`SessionLocal = sessionmaker(...)`
    without an async `class_`, `scoped_session(...)`). A session reached through an
    attribute (`self.db`), a helper's return value or an unannotated `Depends(get_db)`
    parameter is not. `Engine.connect()`/`begin()`/`execute()` are flagged on engines from
    `create_engine()`, but the connection they return is only known when annotated.
    `metadata.create_all(engine)` is not flagged. A call of the project's own plain `def`
    helper that makes such a call, in any module and through any depth of helpers, is
    FAPI102's (`blocking-call-via-helper`), not this rule's. Awaited calls are never flagged.
    """

    code = "FAPI103"
    name = "sync-session-in-async-function"
    family = "async"
    roles = frozenset({Role.APP, Role.EXAMPLE})
    severity = "error"
    message = (
        "Synchronous database call `{call}()` in async function `{function}`; "
        "use `{alternative}` with `await` or make the {kind} a plain `def`"
    )

    VALID = (
        Valid(
            "from typing import Annotated\n"
            "from fastapi import Depends, FastAPI\n"
            "from sqlalchemy.orm import Session\n\n"
            "app = FastAPI()\n\n\n"
            '@app.get("/users")\n'
            "def list_users(db: Annotated[Session, Depends(get_db)]) -> list:\n"
            "    return db.query(User).all()\n"
        ),
        Valid(
            "from fastapi import Depends, FastAPI\n"
            "from sqlalchemy import select\n"
            "from sqlalchemy.ext.asyncio import AsyncSession\n\n"
            "app = FastAPI()\n\n\n"
            '@app.get("/users/{user_id}")\n'
            "async def read_user(user_id: int, db: AsyncSession = Depends(get_db)) -> dict:\n"
            "    user = await db.get(User, user_id)\n"
            "    await db.commit()\n"
            "    return user.to_dict()\n"
        ),
        Valid(
            "from sqlalchemy.ext.asyncio import AsyncSession\n"
            "from sqlalchemy.orm import sessionmaker\n\n"
            "SessionLocal = sessionmaker(bind=engine, class_=AsyncSession)\n\n\n"
            "async def get_db():\n"
            "    async with SessionLocal() as session:\n"
            "        yield session\n"
            "    await session.close()\n"
        ),
        Valid(
            "from sqlalchemy.orm import Session\n\n\n"
            "async def stage(db: Session, user: object) -> None:\n"
            "    db.add(user)\n"
        ),
        Valid(
            "from sqlalchemy.orm import Session\n"
            "from starlette.concurrency import run_in_threadpool\n\n\n"
            "async def count(db: Session) -> int:\n"
            "    return await run_in_threadpool(lambda: db.query(User).count())\n"
        ),
    )
    INVALID = (
        Invalid(
            "from fastapi import Depends, FastAPI\n"
            "from sqlalchemy.orm import Session\n\n"
            "app = FastAPI()\n\n\n"
            '@app.get("/users")\n'
            "async def list_users(db: Session = Depends(get_db)) -> list:\n"
            "    return db.query(User).all()\n",
            line=9,
            column=12,
            message_contains=(
                "Synchronous database call `db.query()` in async function `list_users`; "
                "use `AsyncSession` with `await` or make the route a plain `def`"
            ),
        ),
        Invalid(
            "from sqlalchemy import create_engine\n"
            "from sqlalchemy.orm import sessionmaker\n\n"
            'engine = create_engine("sqlite:///app.db")\n'
            "SessionLocal = sessionmaker(autocommit=False, autoflush=False, bind=engine)\n\n\n"
            "async def purge(user_id: int) -> None:\n"
            "    db = SessionLocal()\n"
            "    db.execute(delete(User).where(User.id == user_id))\n"
            "    db.commit()\n",
            line=10,
            column=5,
            message_contains="`db.execute()`",
        ),
        Invalid(
            "from sqlmodel import Session, create_engine, select\n\n"
            'engine = create_engine("sqlite:///heroes.db")\n\n\n'
            "async def heroes() -> list:\n"
            "    with Session(engine) as session:\n"
            "        return session.exec(select(Hero)).all()\n",
            line=8,
            column=16,
            message_contains="`session.exec()`",
        ),
        Invalid(
            "from typing import Annotated\n"
            "from fastapi import Depends\n"
            "from sqlmodel import Session\n\n"
            "SessionDep = Annotated[Session, Depends(get_session)]\n\n\n"
            "async def read_hero(hero_id: int, session: SessionDep) -> object:\n"
            "    return session.get(Hero, hero_id)\n",
            line=9,
            column=12,
            message_contains="`session.get()`",
        ),
    )

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self._reported: dict[int, set[str]] = {}
        self._awaited_by: dict[int, frozenset[str]] = {}

    def _awaited_receivers_of(self, function: cst.FunctionDef) -> frozenset[str]:
        """Receivers the function awaits a call of (``await db.commit()``, ``async with
        db.begin()``): an async session, whatever its annotation says."""
        found = self._awaited_by.get(id(function))
        if found is None:
            found = frozenset(_awaited_receivers(self.context.module, function))
            self._awaited_by[id(function)] = found
        return found

    def factory_class(self, call: cst.Call, resolve: Resolve) -> str | None:
        return session_factory_class(call, resolve)

    def may_offend(self, call: cst.Call) -> bool:
        return may_be_session_call(call)

    def offending_call(self, call: cst.Call, lookup: Lookup) -> str | None:
        return sync_session_call(self.context.model, call, lookup)

    def report_call(self, call: cst.Call, function: cst.FunctionDef, detail: str) -> None:
        # One finding per session and function: the reviewer's comment is "this function
        # uses a sync session", not one per commit, refresh and query that follow.
        receiver = _receiver_text(self.context.module, call)
        seen = self._reported.setdefault(id(function), set())
        if receiver in seen or receiver in self._awaited_receivers_of(function):
            return
        seen.add(receiver)
        self.report(
            call,
            call=self.callee_text(call),
            function=function.name.value,
            alternative=detail,
            kind=self._kind(function),
        )

    def _kind(self, function: cst.FunctionDef) -> str:
        model = self.context.model
        if model.is_route(function):
            return "route"
        return "dependency" if model.is_dependency(function) else "function"


def _receiver_text(module: cst.Module, call: cst.Call) -> str:
    """``db`` for ``db.commit()``, ``self.session`` for ``self.session.get(...)``."""
    func = call.func
    return module.code_for_node(func.value) if isinstance(func, cst.Attribute) else ""


def _awaited_receivers(module: cst.Module, function: cst.FunctionDef) -> set[str]:
    found: set[str] = set()
    stack: list[cst.CSTNode] = [function.body]
    while stack:
        node = stack.pop()
        awaited = _awaited_call(node)
        if awaited is not None and isinstance(awaited.func, cst.Attribute):
            found.add(module.code_for_node(awaited.func.value))
        stack.extend(children(node))
    return found


def _awaited_call(node: cst.CSTNode) -> cst.Call | None:
    if isinstance(node, cst.Await) and isinstance(node.expression, cst.Call):
        return node.expression
    if isinstance(node, cst.With) and node.asynchronous is not None:
        first = node.items[0].item
        return first if isinstance(first, cst.Call) else None
    return None
