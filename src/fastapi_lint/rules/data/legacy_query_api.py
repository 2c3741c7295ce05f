"""FAPI701: ``session.query(...)``, SQLAlchemy's legacy 1.x Query API."""

from __future__ import annotations

from types import MappingProxyType
from typing import ClassVar

import libcst as cst

from fastapi_lint.context.roles import Role
from fastapi_lint.rule import FileContext, Invalid, Rule, Valid
from fastapi_lint.rules.data._sessions import ASYNC_SESSIONS, SYNC_SESSIONS, SessionFinder

_SESSIONS = SYNC_SESSIONS | ASYNC_SESSIONS


class LegacyQueryApi(Rule):
    """
    ## What it does
    Flags `session.query(...)` on a SQLAlchemy or SQLModel session: the legacy Query API
    of SQLAlchemy 1.x.

    ## Why is this bad?
    SQLAlchemy 2.0 marks `Session.query()` as legacy: new features land in `select()`,
    which works the same way for sync and async sessions, while `AsyncSession` has no
    `query()` at all, so code written with it cannot move to async without a rewrite.
    `select()` statements are typed (`select(User)` returns rows of `User`), and they are
    the same objects Core, the ORM and SQLModel's `session.exec()` use.

    ## Example
    ```python
    from typing import Annotated

    from fastapi import Depends, FastAPI
    from sqlalchemy.orm import Session

    from app.db import get_db
    from app.models import User

    app = FastAPI()


    @app.get("/users/{user_id}")
    def read_user(user_id: int, db: Annotated[Session, Depends(get_db)]) -> User | None:
        return db.query(User).filter(User.id == user_id).first()
    ```

    ## Use instead
    ```python
    from sqlalchemy import select


    @app.get("/users/{user_id}")
    def read_user(user_id: int, db: Annotated[Session, Depends(get_db)]) -> User | None:
        return db.scalars(select(User).where(User.id == user_id)).first()
    ```
    With SQLModel: `session.exec(select(User).where(User.id == user_id)).first()`.

    ## Options
    None.

    ## Known limitations
    The receiver must be known to be a session. Its type decides first: an annotation
    (`Session`, `AsyncSession`, `Annotated[Session, Depends(get_db)]`, a module-level
    alias of one), a module-level `sessionmaker`/`scoped_session` factory, `Session(engine)`,
    a class whose name contains `Session` (`SessionLocal` imported from the project), or,
    for `self.session`, what the class's methods assign to it. A known class that is not a
    session (an HTTP client session, the project's own `Database`) rules it out. Without a
    type, the receiver must be named like a session (`session`, `db`, `db_session`,
    `sess`..., or `self.session`, `self.db`) in a module that imports `sqlalchemy` or
    `sqlmodel`, or in any module of a project that declares SQLAlchemy (a `db_session`
    from the project's own helper) unless the module imports an HTTP or cloud client
    whose objects are sessions too (`requests`, `httpx`, `aiohttp`, `boto3`...): an
    untyped `db` in a module that imports neither, in a project that does not declare
    it, is not flagged.
    Flask-SQLAlchemy's `Model.query` attribute is not flagged.
    """

    code = "FAPI701"
    name = "legacy-query-api"
    family = "data"
    roles = frozenset({Role.APP, Role.SCRIPT})
    # "Legacy" is SQLAlchemy 2.0's word: on 1.4, Query is the ORM's main API and 2.0 style
    # an opt-in, so a 1.4 project is not told to move (reviewers of such code did not).
    requires = MappingProxyType({"sqlalchemy": ">=2"})
    severity = "warning"
    message = (
        "`{call}()` is SQLAlchemy's legacy Query API; build a `select()` statement and run "
        "it with {alternative}"
    )
    VALID: ClassVar[tuple[Valid, ...]] = (
        Valid(
            "from sqlalchemy import select\n"
            "from sqlalchemy.orm import Session\n\n\n"
            "def read_user(db: Session, user_id: int) -> object:\n"
            "    return db.scalars(select(User).where(User.id == user_id)).first()\n"
        ),
        Valid(
            "import httpx\n\n\n"
            "async def search(client: httpx.AsyncClient, text: str) -> object:\n"
            "    return await client.query(text)\n"
        ),
        Valid(
            "from sqlalchemy import select\n\n\n"
            "def search(index: object, text: str) -> object:\n"
            "    return index.query(vector=text, top_k=5)\n"
        ),
        Valid("def page(db: object) -> object:\n    return db.query('SELECT 1')\n"),
    )
    INVALID: ClassVar[tuple[Invalid, ...]] = (
        Invalid(
            "from typing import Annotated\n"
            "from fastapi import Depends\n"
            "from sqlalchemy.orm import Session\n\n\n"
            "def read_user(user_id: int, db: Annotated[Session, Depends(get_db)]) -> object:\n"
            "    return db.query(User).filter(User.id == user_id).first()\n",
            line=7,
            column=12,
            message_contains="`db.query()` is SQLAlchemy's legacy Query API",
        ),
        Invalid(
            "from sqlalchemy.orm import scoped_session, sessionmaker\n\n\n"
            "class Store:\n"
            "    def __init__(self, engine: object) -> None:\n"
            "        self.session = scoped_session(sessionmaker(bind=engine))\n\n"
            "    def count(self) -> int:\n"
            "        return self.session.query(Item).count()\n",
            line=9,
            column=16,
            message_contains="`self.session.query()`",
        ),
        Invalid(
            "from sqlmodel import Session, create_engine\n\n"
            "engine = create_engine('sqlite://')\n\n\n"
            "def heroes() -> list:\n"
            "    with Session(engine) as session:\n"
            "        return session.query(Hero).all()\n",
            line=8,
            column=16,
            message_contains="`session.exec(select(...))`",
        ),
    )

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self._sessions = SessionFinder(self.context)

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if not isinstance(func, cst.Attribute) or func.attr.value != "query":
            return
        finder = self._sessions
        if not finder.is_session(func.value, _SESSIONS, finder.lookup()):
            return
        receiver = " ".join(self.context.module.code_for_node(func.value).split())
        self.report(node, call=f"{receiver}.query", alternative=self._alternative(receiver))

    def _alternative(self, receiver: str) -> str:
        if self._sessions.uses_sqlmodel():
            return f"`{receiver}.exec(select(...))`"
        return f"`{receiver}.scalars(select(...))` (or `.execute()`)"
