"""FAPI703: an async session factory that expires every object on commit (the default)."""

from __future__ import annotations

from typing import ClassVar

import libcst as cst

from fastapi_lint.context.roles import Role
from fastapi_lint.fastapi_model.syntax import keyword_arg, positional_args
from fastapi_lint.rule import FileContext, Invalid, Rule, Valid
from fastapi_lint.rules.data._sessions import ASYNC_SESSIONMAKERS, ASYNC_SESSIONS

_SESSIONMAKERS = frozenset({"sqlalchemy.orm.sessionmaker", "sqlalchemy.orm.session.sessionmaker"})
# The session classes a call can build directly; scoped sessions take a factory instead.
_ASYNC_SESSION_CLASSES = frozenset(name for name in ASYNC_SESSIONS if "scoped" not in name)
# ``sessionmaker(bind, class_, autoflush, expire_on_commit, ...)``: its fourth positional.
_SESSIONMAKER_EXPIRE_POSITION = 3


def _callee_name(func: cst.BaseExpression) -> str | None:
    if isinstance(func, cst.Name):
        return func.value
    return func.attr.value if isinstance(func, cst.Attribute) else None


def _expire_argument(call: cst.Call, sync_factory: bool) -> cst.Arg | None:
    """The argument given for ``expire_on_commit``, keyword or (``sessionmaker``) positional."""
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == "expire_on_commit":
            return arg
    positional = [arg for arg in call.args if arg.keyword is None and not arg.star]
    if sync_factory and len(positional) > _SESSIONMAKER_EXPIRE_POSITION:
        return positional[_SESSIONMAKER_EXPIRE_POSITION]
    return None


class AsyncSessionExpiresOnCommit(Rule):
    """
    ## What it does
    Flags `async_sessionmaker(...)`, `sessionmaker(class_=AsyncSession)` and
    `AsyncSession(...)` (SQLAlchemy's or SQLModel's) without `expire_on_commit=False`.

    ## Why is this bad?
    By default a session expires every object it loaded when it commits, so the next
    attribute access reloads the object from the database. A synchronous session does
    that quietly; an `AsyncSession` cannot do I/O inside a plain attribute access, so
    reading `user.name` after `await session.commit()` raises `MissingGreenlet`, or the
    endpoint has to `await session.refresh(user)` for every object it returns. FastAPI
    endpoints typically commit and then serialise the objects they just saved.

    ## Example
    ```python
    from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

    engine = create_async_engine("postgresql+asyncpg://app@db/app")
    SessionLocal = async_sessionmaker(engine)
    ```

    ## Use instead
    ```python
    SessionLocal = async_sessionmaker(engine, expire_on_commit=False)
    ```

    ## Options
    None.

    ## Known limitations
    The call must name the factory through the module's imports. A `sessionmaker` is
    async when its `class_` resolves to `AsyncSession` or to a class of the same module
    that inherits from it. `expire_on_commit` given through `**kwargs`, or as a value
    other than a literal `True`/`False`, is trusted. A later
    `factory.configure(expire_on_commit=False)` is not seen: pass it to the factory.
    """

    code = "FAPI703"
    name = "async-session-expires-on-commit"
    family = "data"
    roles = frozenset({Role.APP, Role.SCRIPT})
    severity = "warning"
    message = (
        "Async sessions from `{callee}(...)` expire every object on commit; pass "
        "`expire_on_commit=False`, or reading an attribute after `await session.commit()` "
        "fails with `MissingGreenlet`"
    )
    VALID: ClassVar[tuple[Valid, ...]] = (
        Valid(
            "from sqlalchemy.ext.asyncio import async_sessionmaker\n\n"
            "SessionLocal = async_sessionmaker(engine, expire_on_commit=False)\n"
        ),
        Valid(
            "from sqlalchemy.orm import sessionmaker\n\n"
            "SessionLocal = sessionmaker(autocommit=False, autoflush=False, bind=engine)\n"
        ),
        Valid(
            "from sqlalchemy.ext.asyncio import AsyncSession\n"
            "from sqlalchemy.orm import sessionmaker\n\n"
            "SessionLocal = sessionmaker(engine, class_=AsyncSession, **settings.session)\n"
        ),
    )
    INVALID: ClassVar[tuple[Invalid, ...]] = (
        Invalid(
            "from sqlalchemy.ext.asyncio import async_sessionmaker\n\n"
            "SessionLocal = async_sessionmaker(engine)\n",
            line=3,
            column=16,
            message_contains="Async sessions from `async_sessionmaker(...)` expire every object",
        ),
        Invalid(
            "from sqlalchemy.ext.asyncio import AsyncSession\n"
            "from sqlalchemy.orm import sessionmaker\n\n"
            "SessionLocal = sessionmaker(bind=async_engine, class_=AsyncSession)\n",
            line=4,
            column=16,
            message_contains="`sessionmaker(...)`",
        ),
        Invalid(
            "from sqlmodel.ext.asyncio.session import AsyncSession\n"
            "from sqlalchemy.ext.asyncio import async_sessionmaker\n\n"
            "SessionLocal = async_sessionmaker(\n"
            "    engine, class_=AsyncSession, expire_on_commit=True\n"
            ")\n",
            line=5,
            column=34,
        ),
    )

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self._async_subclasses: frozenset[str] | None = None

    def visit_Call(self, node: cst.Call) -> None:
        callee = _callee_name(node.func)
        # Every factory's name, aliases included in practice, says "session": a cheap filter.
        if callee is None or "session" not in callee.lower():
            return
        if any(arg.star == "**" for arg in node.args):
            return
        sync_factory = self._factory_kind(node)
        if sync_factory is None:
            return
        argument = _expire_argument(node, sync_factory)
        if argument is None:
            self.report(node, callee=callee)
        elif isinstance(argument.value, cst.Name) and argument.value.value == "True":
            self.report(argument, callee=callee)

    def _factory_kind(self, call: cst.Call) -> bool | None:
        """True for a ``sessionmaker`` of async sessions, False for an async factory or class."""
        qualified = self.context.model.qualified_name(call.func)
        if qualified in _SESSIONMAKERS:
            return True if self._builds_async(call) else None
        if qualified in ASYNC_SESSIONMAKERS or qualified in _ASYNC_SESSION_CLASSES:
            return False
        return None

    def _builds_async(self, call: cst.Call) -> bool:
        """``sessionmaker(class_=AsyncSession)``, positional or keyword, or a subclass of it."""
        args = positional_args(call)
        produced = keyword_arg(call, "class_") or (args[1] if len(args) > 1 else None)
        if produced is None:
            return False
        if self.context.model.qualified_name(produced) in _ASYNC_SESSION_CLASSES:
            return True
        return isinstance(produced, cst.Name) and produced.value in self._subclasses()

    def _subclasses(self) -> frozenset[str]:
        """Classes of this module that inherit from ``AsyncSession`` (directly)."""
        if self._async_subclasses is None:
            model = self.context.model
            self._async_subclasses = frozenset(
                statement.name.value
                for statement in self.context.module.body
                if isinstance(statement, cst.ClassDef)
                and any(
                    model.qualified_name(base.value) in _ASYNC_SESSION_CLASSES
                    for base in statement.bases
                )
            )
        return self._async_subclasses
