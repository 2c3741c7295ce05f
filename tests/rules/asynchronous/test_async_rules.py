"""FAPI103 sync-session-in-async-function and FAPI104 cpu-bound-call-in-async-function.

Edge cases beyond the rules' own VALID/INVALID examples and fixtures.
"""

from __future__ import annotations

import textwrap

import pytest

from fastapi_lint.models import Diagnostic
from fastapi_lint.rule import Rule
from fastapi_lint.rules.asynchronous.blocking_call_in_async_function import (
    BlockingCallInAsyncFunction,
)
from fastapi_lint.rules.asynchronous.cpu_bound_call_in_async_function import (
    CpuBoundCallInAsyncFunction,
)
from fastapi_lint.rules.asynchronous.sync_session_in_async_function import (
    SyncSessionInAsyncFunction,
)
from fastapi_lint.runner.single_file import lint_source


def findings(source: str, rule: type[Rule]) -> list[Diagnostic]:
    result = lint_source(textwrap.dedent(source), "app.py", (rule,))
    assert not result.internal_errors, result.internal_errors
    return [d for d in result.diagnostics if d.code == rule.code]


def session_lines(source: str) -> list[int]:
    return [d.line for d in findings(source, SyncSessionInAsyncFunction)]


def cpu_lines(source: str) -> list[int]:
    return [d.line for d in findings(source, CpuBoundCallInAsyncFunction)]


def in_async(setup: str, params: str, body: str) -> str:
    """``setup`` at module level (any number of lines), then ``body`` as the last line."""
    return f"{setup}\n\nasync def handler({params}):\n    {body}\n"


def last_line(source: str) -> list[int]:
    return [source.count("\n")]


# -- FAPI103: what is a synchronous session ------------------------------------------

ORM = "from sqlalchemy.orm import Session, sessionmaker, scoped_session"
SQLMODEL = "from sqlmodel import Session, create_engine"
ASYNC = "from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker"
TYPING = "from typing import Annotated, Optional\nfrom fastapi import Depends"


@pytest.mark.parametrize(
    ("setup", "params", "body"),
    [
        (ORM, "db: Session", "db.query(User).all()"),
        (ORM, "db: Session", "db.execute(stmt)"),
        (ORM, "db: Session", "db.scalars(stmt)"),
        (ORM, "db: Session", "db.get(User, 1)"),
        (ORM, "db: Session", "db.flush()"),
        (ORM, "db: Session", "db.rollback()"),
        (ORM, "db: Session", "db.close()"),
        (ORM, "db: Session", "db.merge(user)"),
        (ORM, "db: Session", "db.begin()"),
        (SQLMODEL, "session: Session", "session.exec(select(User))"),
        ("import sqlalchemy.orm", "db: sqlalchemy.orm.Session", "db.commit()"),
        ("from sqlalchemy.orm.session import Session", "db: Session", "db.commit()"),
        (f"{ORM}\n{TYPING}", "db: Optional[Session] = None", "db.commit()"),
        (f"{ORM}\n{TYPING}", "db: Session | None = None", "db.commit()"),
        (f"{ORM}\n{TYPING}", "db: Session = Depends(get_db)", "db.commit()"),
        (f"{ORM}\n{TYPING}", "db: Annotated[Session, Depends(get_db)]", "db.commit()"),
        (f"{ORM}\n{TYPING}\nDb = Annotated[Session, Depends(get_db)]", "db: Db", "db.commit()"),
        (f"{ORM}\n{TYPING}\ntype Db = Annotated[Session, Depends()]", "db: Db", "db.commit()"),
        (f"{SQLMODEL}\nengine = create_engine('sqlite://')", "", "Session(engine).exec(q)"),
        (f"{ORM}\nSessionLocal = sessionmaker(bind=engine)", "", "SessionLocal().commit()"),
        (f"{ORM}\nSessionLocal = sessionmaker(engine, Session)", "", "SessionLocal().commit()"),
        (f"{ORM}\nSessionLocal: sessionmaker = sessionmaker()", "", "SessionLocal.begin()"),
        (f"{ORM}\ndb_session = scoped_session(sessionmaker())", "", "db_session.query(User)"),
        (f"{ORM}\ndb_session = scoped_session(sessionmaker())", "", "db_session().commit()"),
        (f"{ORM}\ndb_session = scoped_session(sessionmaker())", "", "db_session.remove()"),
        ("import sqlalchemy as sa\nengine = sa.create_engine('sqlite://')", "", "engine.connect()"),
        ("from sqlmodel import create_engine\nengine = create_engine('x')", "", "engine.begin()"),
        ("from sqlalchemy import Engine", "engine: Engine", "engine.connect()"),
        ("from sqlalchemy import Connection", "conn: Connection", "conn.execute(q)"),
    ],
)
def test_synchronous_session_calls_are_flagged(setup: str, params: str, body: str) -> None:
    source = in_async(setup, params, body)
    assert session_lines(source) == last_line(source)


@pytest.mark.parametrize(
    ("setup", "params", "body"),
    [
        (ASYNC, "db: AsyncSession", "await db.execute(stmt)"),
        (ASYNC, "db: AsyncSession", "db.add(user)"),
        (ASYNC, "db: AsyncSession", "db.sync_session"),
        ("from sqlmodel.ext.asyncio.session import AsyncSession", "s: AsyncSession", "s.exec(q)"),
        (f"{ASYNC}\nSessionLocal = async_sessionmaker(engine)", "", "SessionLocal().commit()"),
        (f"{ORM}\n{ASYNC}\nMaker = sessionmaker(class_=AsyncSession)", "", "Maker().commit()"),
        (
            f"{ORM}\nfrom app.db import Custom\nMaker = sessionmaker(class_=Custom)",
            "",
            "Maker().get(1)",
        ),
        (ORM, "db: Session", "db.add(user)"),
        (ORM, "db: Session", "db.add_all([user])"),
        (ORM, "db: Session", "db.delete(user)"),  # staged until the flush or commit
        (ORM, "db: Session", "db.expunge(user)"),
        (ORM, "db: Session", "db.expire_all()"),
        (ORM, "db: Session", "db.is_active"),
        (ORM, "db: Session", "await db.execute(stmt)"),
        ("from app.db import Session", "db: Session", "db.commit()"),
        ("", "db", "db.query(User).all()"),
        ("from fastapi import Depends", "db=Depends(get_db)", "db.commit()"),
        ("import sqlalchemy as sa\nengine = sa.create_engine('x')", "", "engine.dispose()"),
        (
            "from sqlalchemy.ext.asyncio import create_async_engine\ne = create_async_engine('x')",
            "",
            "e.connect()",
        ),
    ],
)
def test_async_sessions_and_non_io_calls_are_not_flagged(
    setup: str, params: str, body: str
) -> None:
    assert session_lines(in_async(setup, params, body)) == []


def test_plain_def_routes_may_use_a_synchronous_session() -> None:
    source = """
        from fastapi import Depends, FastAPI
        from sqlalchemy.orm import Session

        app = FastAPI()

        @app.get("/users")
        def list_users(db: Session = Depends(get_db)):
            return db.query(User).all()
    """
    assert session_lines(source) == []


def test_one_finding_per_session_and_function() -> None:
    source = """
        from sqlalchemy.orm import Session

        async def publish(db: Session, other: Session, item: Item) -> None:
            db.add(item)
            db.commit()
            db.refresh(item)
            other.commit()

        async def again(db: Session) -> None:
            db.commit()
    """
    assert session_lines(source) == [6, 8, 11]


def test_a_session_the_function_awaits_is_async_whatever_its_annotation() -> None:
    source = """
        import sqlalchemy as sa

        async def register(session: sa.orm.Session) -> None:
            async with session.begin():
                session.add(Block())
            session.execute(query)
            await session.flush()

        async def plain(session: sa.orm.Session) -> None:
            session.execute(query)
    """
    assert session_lines(source) == [11]


def test_session_work_handed_to_a_thread_is_not_flagged() -> None:
    source = """
        import asyncio
        from sqlalchemy.orm import Session
        from starlette.concurrency import run_in_threadpool

        async def handler(db: Session):
            def work():
                return db.query(User).all()

            await run_in_threadpool(work)
            await asyncio.to_thread(lambda: db.commit())
            await run_in_threadpool(db.commit)
    """
    assert session_lines(source) == []


def test_a_session_variable_rebound_to_an_async_session_is_not_tracked() -> None:
    source = """
        from sqlalchemy.orm import Session

        async def handler(engine, flag):
            db = Session(engine)
            if flag:
                db = make_async_session()
            db.commit()
    """
    assert session_lines(source) == []


def test_placeholder_none_does_not_hide_a_module_level_sessionmaker() -> None:
    source = """
        from sqlalchemy.orm import sessionmaker

        SessionLocal = None
        SessionLocal = sessionmaker(bind=engine)

        async def handler():
            with SessionLocal() as db:
                db.commit()
    """
    assert session_lines(source) == [9]


def test_a_name_bound_to_two_different_factories_is_not_an_alias() -> None:
    source = """
        from sqlalchemy.orm import sessionmaker
        from sqlalchemy.ext.asyncio import AsyncSession

        try:
            SessionLocal = sessionmaker(bind=engine, class_=AsyncSession)
        except ImportError:
            SessionLocal = sessionmaker(bind=engine)

        async def handler():
            SessionLocal().commit()
    """
    assert session_lines(source) == []


def test_walrus_bound_sessions_are_tracked() -> None:
    source = """
        from sqlalchemy.orm import Session

        async def handler(engine):
            if (db := Session(engine)) is not None:
                db.commit()
    """
    assert session_lines(source) == [6]


@pytest.mark.parametrize(
    ("decorator", "kind"),
    [("@app.get('/users')", "route"), ("", "dependency")],
)
def test_the_message_names_the_kind_of_function(decorator: str, kind: str) -> None:
    source = f"""
        from fastapi import Depends, FastAPI
        from sqlalchemy.orm import Session

        app = FastAPI()

        {decorator}
        async def current_user(db: Session = Depends(get_db)):
            return db.query(User).first()

        @app.get("/me")
        def me(user=Depends(current_user)):
            return user
    """
    (finding,) = findings(source, SyncSessionInAsyncFunction)
    assert finding.message == (
        "Synchronous database call `db.query()` in async function `current_user`; "
        f"use `AsyncSession` with `await` or make the {kind} a plain `def`"
    )


def test_engine_calls_suggest_an_async_engine() -> None:
    source = """
        from sqlalchemy import create_engine

        engine = create_engine("sqlite://")

        async def ping():
            with engine.connect() as connection:
                connection.exec_driver_sql("SELECT 1")
    """
    (finding,) = findings(source, SyncSessionInAsyncFunction)
    assert "`engine.connect()`" in finding.message
    assert "use `create_async_engine()` with `await`" in finding.message
    assert "make the function a plain `def`" in finding.message


def test_the_finding_spans_the_session_call_only() -> None:
    source = """
        from sqlalchemy.orm import Session

        async def handler(db: Session):
            return db.query(User).filter(
                User.active,
            ).all()
    """
    (finding,) = findings(source, SyncSessionInAsyncFunction)
    assert (finding.line, finding.column, finding.end_line, finding.end_column) == (5, 12, 5, 26)


# -- FAPI104: what is CPU-bound ------------------------------------------------------


@pytest.mark.parametrize(
    ("setup", "call"),
    [
        ("import bcrypt", "bcrypt.hashpw(pw, bcrypt.gensalt())"),
        ("import bcrypt", "bcrypt.kdf(pw, salt, 32, 100)"),
        ("from bcrypt import checkpw as check", "check(pw, hashed)"),
        ("import hashlib", "hashlib.pbkdf2_hmac('sha256', pw, salt, 600_000)"),
        ("from hashlib import scrypt", "scrypt(pw, salt=salt, n=2**14, r=8, p=1)"),
        ("from passlib.context import CryptContext\nctx = CryptContext()", "ctx.hash(pw)"),
        ("from passlib.context import CryptContext\nctx = CryptContext()", "ctx.encrypt(pw)"),
        ("from passlib.context import CryptContext\nctx = CryptContext()", "ctx.dummy_verify()"),
        (
            "from passlib.context import CryptContext\nctx = CryptContext()",
            "ctx.verify_and_update(pw, hashed)",
        ),
        (
            "from passlib.context import CryptContext",
            "CryptContext(schemes=['bcrypt']).verify(a, b)",
        ),
        ("from passlib.hash import bcrypt", "bcrypt.hash(pw)"),
        ("import passlib.hash", "passlib.hash.pbkdf2_sha256.verify(pw, hashed)"),
        ("from passlib.hash import argon2\nstrong = argon2.using(rounds=4)", "strong.hash(pw)"),
        ("from passlib.apps import custom_app_context as ctx", "ctx.verify(pw, hashed)"),
        ("from pwdlib import PasswordHash\nph = PasswordHash.recommended()", "ph.hash(pw)"),
        ("from pwdlib import PasswordHash\nph = PasswordHash((h,))", "ph.verify_and_update(a, b)"),
        ("from pwdlib.hashers.bcrypt import BcryptHasher", "BcryptHasher().hash(pw)"),
        ("from argon2 import PasswordHasher\nph = PasswordHasher()", "ph.verify(hashed, pw)"),
        ("import argon2", "argon2.PasswordHasher().hash(pw)"),
        ("from argon2.low_level import hash_secret", "hash_secret(pw, salt, 2, 1024, 1, 32, t)"),
        ("from werkzeug.security import check_password_hash", "check_password_hash(h, pw)"),
        ("from django.contrib.auth.hashers import make_password", "make_password(pw)"),
        ("import nacl.pwhash", "nacl.pwhash.str(pw)"),
        (
            "from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC",
            "PBKDF2HMAC(algorithm=alg, length=32, salt=s, iterations=600_000).derive(pw)",
        ),
        (
            "from cryptography.hazmat.primitives.kdf.scrypt import Scrypt\nkdf = Scrypt(salt=s)",
            "kdf.verify(pw, key)",
        ),
    ],
)
def test_password_hashing_and_key_derivation_are_flagged(setup: str, call: str) -> None:
    source = in_async(setup, "pw=b'', hashed=b'', salt=b''", call)
    assert cpu_lines(source) == last_line(source)


def test_annotated_and_dependency_provided_hashers_are_flagged() -> None:
    source = """
        from typing import Annotated
        from fastapi import Depends
        from passlib.context import CryptContext
        from pwdlib import PasswordHash

        async def handler(
            ctx: CryptContext,
            hasher: Annotated[PasswordHash, Depends(get_hasher)],
            pw: str,
        ):
            ctx.hash(pw)
            hasher.hash(pw)
    """
    assert cpu_lines(source) == [12, 13]


@pytest.mark.parametrize(
    ("setup", "call"),
    [
        ("import hashlib", "hashlib.sha256(pw).hexdigest()"),
        ("import hashlib", "hashlib.md5(pw).digest()"),
        ("import bcrypt", "bcrypt.gensalt()"),
        ("from passlib.context import CryptContext\nctx = CryptContext()", "ctx.identify(hashed)"),
        ("from passlib.context import CryptContext\nctx = CryptContext()", "ctx.needs_update(h)"),
        ("from argon2 import PasswordHasher\nph = PasswordHasher()", "ph.check_needs_rehash(h)"),
        ("from app.security import hasher", "hasher.hash(pw)"),
        ("from app.security import hash_password", "hash_password(pw)"),
        ("import bcrypt", "await run_in_threadpool(bcrypt.hashpw, pw, salt)"),
        ("import bcrypt", "await asyncio.to_thread(bcrypt.checkpw, pw, hashed)"),
        ("import bcrypt", "await anyio.to_thread.run_sync(bcrypt.checkpw, pw, hashed)"),
        ("import bcrypt", "await loop.run_in_executor(None, bcrypt.hashpw, pw, salt)"),
        ("from passlib.context import CryptContext\nctx = CryptContext()", "await ctx.hash(pw)"),
    ],
)
def test_fast_or_offloaded_calls_are_not_flagged(setup: str, call: str) -> None:
    assert cpu_lines(in_async(setup, "pw=b'', hashed=b'', salt=b''", call)) == []


def test_hashing_in_sync_defs_methods_and_nested_defs_is_not_flagged() -> None:
    source = """
        import bcrypt

        def hash_password(pw):
            return bcrypt.hashpw(pw, bcrypt.gensalt())

        class Users:
            def create(self, pw):
                return bcrypt.hashpw(pw, bcrypt.gensalt())

        async def handler(pw):
            callback = lambda: bcrypt.hashpw(pw, bcrypt.gensalt())

            def later():
                return bcrypt.checkpw(pw, b"")

            return callback, later
    """
    assert cpu_lines(source) == []


def test_defaults_of_nested_defs_run_in_the_async_body() -> None:
    source = """
        import bcrypt

        async def handler(pw):
            def later(hashed=bcrypt.hashpw(pw, b"salt")):
                return hashed

            return later
    """
    assert cpu_lines(source) == [5]


def test_hashing_in_async_methods_is_flagged() -> None:
    source = """
        from pwdlib import PasswordHash

        password_hash = PasswordHash.recommended()

        class UserService:
            async def create(self, pw):
                return password_hash.hash(pw)
    """
    assert cpu_lines(source) == [8]


def test_the_suggestion_repeats_the_callee_on_one_line() -> None:
    source = """
        from passlib.context import CryptContext

        contexts = {}
        pwd_context = CryptContext(schemes=["bcrypt"])

        async def handler(pw):
            return pwd_context . hash(
                pw
            )
    """
    (finding,) = findings(source, CpuBoundCallInAsyncFunction)
    assert finding.message == (
        "CPU-bound call `pwd_context . hash()` in async function `handler` blocks the event "
        "loop; use `await run_in_threadpool(pwd_context . hash, ...)`"
    )


# -- the family does not overlap -----------------------------------------------------


def test_fapi101_stays_quiet_on_what_fapi103_and_fapi104_report() -> None:
    source = """
        import bcrypt
        from sqlalchemy.orm import Session

        async def handler(db: Session, pw: bytes):
            db.commit()
            bcrypt.hashpw(pw, bcrypt.gensalt())
    """
    result = lint_source(textwrap.dedent(source), "app.py", (BlockingCallInAsyncFunction,))
    assert not result.diagnostics
    assert session_lines(source) == [6]
    assert cpu_lines(source) == [7]


# -- FAPI103: a session handed by a dependency the module defines ---------------------

_PROVIDERS = """
from collections.abc import AsyncGenerator, Generator, Iterator

from fastapi import Depends
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from app.db import SessionLocal, get_shared_db


def get_db() -> Generator[Session, None, None]:
    with SessionLocal() as db:
        yield db


def get_plain_db() -> Session:
    return SessionLocal()


def get_iterated_db() -> Iterator[Session]:
    yield SessionLocal()


async def get_async_db() -> AsyncGenerator[AsyncSession, None]:
    yield make_async_session()


def get_untyped_db():
    yield SessionLocal()
"""


@pytest.mark.parametrize("provider", ["get_db", "get_plain_db", "get_iterated_db"])
def test_an_unannotated_parameter_gets_what_its_provider_is_annotated_to_hand(
    provider: str,
) -> None:
    source = in_async(_PROVIDERS, f"db=Depends({provider})", "return db.scalars(query)")
    assert session_lines(source) == last_line(source)
    keyword = in_async(_PROVIDERS, f"db=Depends(dependency={provider})", "db.commit()")
    assert session_lines(keyword) == last_line(keyword)


@pytest.mark.parametrize(
    "params",
    [
        "db=Depends(get_async_db)",  # an async session
        "db=Depends(get_untyped_db)",  # nothing said
        "db=Depends(get_shared_db)",  # defined elsewhere: its annotation is not read here
        "db=get_db",  # not a dependency
    ],
)
def test_providers_that_do_not_say_a_sync_session_type_nothing(params: str) -> None:
    source = in_async(_PROVIDERS, params, "return db.scalars(query)")
    assert session_lines(source) == []
