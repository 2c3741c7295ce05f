"""FAPI701 legacy-query-api, FAPI702 query-in-loop, FAPI703 async-session-expires-on-commit.

Edge cases beyond the rules' own VALID/INVALID examples and fixtures.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from fastapi_lint.cli import cli
from fastapi_lint.context.project import Placement, ProjectContext
from fastapi_lint.context.versions import resolve_target_versions
from fastapi_lint.models import Diagnostic
from fastapi_lint.rule import Rule
from fastapi_lint.rules.data.async_session_expires_on_commit import AsyncSessionExpiresOnCommit
from fastapi_lint.rules.data.legacy_query_api import LegacyQueryApi
from fastapi_lint.rules.data.query_in_loop import QueryInLoop
from fastapi_lint.runner.single_file import lint_source


def findings(source: str, rule: type[Rule]) -> list[Diagnostic]:
    result = lint_source(textwrap.dedent(source), "app.py", (rule,))
    assert not result.internal_errors, result.internal_errors
    return [d for d in result.diagnostics if d.code == rule.code]


def lines(source: str, rule: type[Rule]) -> list[int]:
    return [d.line for d in findings(source, rule)]


ORM = "from sqlalchemy import select\nfrom sqlalchemy.orm import Session, sessionmaker\n"
ASYNC = "from sqlalchemy import select\nfrom sqlalchemy.ext.asyncio import AsyncSession\n"


def function(setup: str, params: str, body: str) -> str:
    """``setup`` at module level, then ``body`` (one line) as the last line of a def."""
    return f"{setup}\n\ndef handler({params}):\n    {body}\n"


# -- FAPI701: which receivers are sessions ------------------------------------------------


@pytest.mark.parametrize(
    ("setup", "params", "body"),
    [
        (ORM, "db: Session", "db.query(User).all()"),
        (ORM, "db: Session | None = None", "db.query(User).all()"),
        (ORM, "db", "db.query(User).all()"),  # untyped, named like a session
        (ORM, "session", "session.query(User).all()"),
        (ORM, "_session", "_session.query(User).all()"),
        (ORM, "db_session", "db_session.query(User).count()"),
        (ORM, "self", "self.db.query(User).all()"),
        (ORM, "self", "self._session.query(User).all()"),
        (ASYNC, "db: AsyncSession", "db.query(User)"),  # AsyncSession has no query() at all
        (
            "from typing import Annotated\nfrom fastapi import Depends\n"
            + ORM
            + "DbDep = Annotated[Session, Depends(get_db)]",
            "db: DbDep",
            "db.query(User).all()",
        ),
        (ORM + "SessionLocal = sessionmaker(bind=engine)", "", "SessionLocal().query(User)"),
        (ORM + "SessionLocal = sessionmaker(bind=engine)", "", "s = SessionLocal(); s.query(U)"),
        # A factory imported from the project: its class name says Session.
        ("from app.db import SessionLocal", "", "s = SessionLocal(); s.query(U)"),
        ("from app.db import DBSession", "s: DBSession", "s.query(User)"),
        ("from sqlmodel import Session", "session: Session", "session.query(Hero).all()"),
    ],
)
def test_legacy_query_on_a_session_is_flagged(setup: str, params: str, body: str) -> None:
    source = function(setup, params, body)
    assert lines(source, LegacyQueryApi) == [source.count("\n")]


@pytest.mark.parametrize(
    ("setup", "params", "body"),
    [
        (ORM, "client", "client.query('q')"),
        (ORM, "index", "index.query(vector=v)"),
        (ORM, "self", "self.index.query(vector=v)"),
        (ORM, "request", "request.query_params.get('q')"),
        (ORM, "request", "request.session.query('x')"),  # Starlette's session is a dict
        (ORM, "", "User.query.filter_by(id=1)"),  # Flask-SQLAlchemy's attribute
        ("import os", "db", "db.query('SELECT 1')"),  # no ORM import: a name is not enough
        ("from lnbits.db import Database\n" + ORM, "db: Database", "db.query('x')"),
        ("import aiohttp\n" + ORM, "session: aiohttp.ClientSession", "session.query('x')"),
        ("import requests\n" + ORM, "", "session = requests.Session(); session.query(1)"),
        (ORM, "db: Session", "db.query"),  # not called
        (ORM, "db: Session", "db.execute(select(User))"),
    ],
)
def test_other_query_methods_stay_quiet(setup: str, params: str, body: str) -> None:
    assert lines(function(setup, params, body), LegacyQueryApi) == []


def test_legacy_query_advice_follows_the_library() -> None:
    sqlmodel = function("from sqlmodel import Session", "session: Session", "session.query(H)")
    sqlalchemy = function(ORM, "db: Session", "db.query(User)")
    assert "`session.exec(select(...))`" in findings(sqlmodel, LegacyQueryApi)[0].message
    assert "`db.scalars(select(...))`" in findings(sqlalchemy, LegacyQueryApi)[0].message


def test_legacy_query_in_nested_function_sees_the_outer_session() -> None:
    source = """\
        from sqlalchemy.orm import Session

        def outer(conn: Session):
            def inner():
                return conn.query(User).all()
            return inner
        """
    assert lines(source, LegacyQueryApi) == [5]


# -- FAPI702: loops and what feeds the query -------------------------------------------------


def in_loop(body: str, params: str = "db: AsyncSession, items: list", setup: str = ASYNC) -> str:
    return f"{setup}\n\nasync def handler({params}):\n" + textwrap.indent(
        textwrap.dedent(body), "    "
    )


@pytest.mark.parametrize(
    "body",
    [
        "for item in items:\n    await db.get(User, item.user_id)\n",
        "for item in items:\n    await db.execute(select(User).where(User.id == item.id))\n",
        "for item in items:\n    await db.scalar(select(User).where(User.id == item))\n",
        "for item in items:\n    await db.scalars(select(User).filter_by(id=item))\n",
        "for item in items:\n    await db.refresh(item)\n",
        "async for item in stream(items):\n    await db.get(User, item)\n",
        "for key, value in items:\n    await db.get(User, value)\n",
        "for item in items:\n    uid = item.user_id\n"
        "    stmt = select(User).where(User.id == uid)\n"
        "    await db.execute(stmt)\n",
        # Assigned after the query: the next iteration runs it with this item.
        "for item in items:\n    await db.execute(stmt)\n    stmt = item\n",
        "for item in items:\n    if item.active:\n        await db.get(User, item.id)\n",
        "for item in items:\n    try:\n        await db.get(User, item.id)\n    except KeyError:\n"
        "        pass\n",
        "for group in items:\n    for member in group.members:\n"
        "        await db.get(User, group.id)\n",
        "for item in items:\n    with lock:\n        await db.get(User, item.id)\n",
        "while items:\n    item = items.pop()\n    await db.get(User, item)\n",
        "while True:\n    item = next(iterator)\n    await db.get(User, item)\n",
        "[await db.get(User, i) for i in items]\n",
        "{i: await db.get(User, i) for i in items}\n",
        "{await db.get(User, i) for i in items}\n",
        "await asyncio.gather(*(db.get(User, i) for i in items))\n",
        "[await db.get(User, j) for i in items for j in i.children]\n",
        "[u for i in items for u in await db.scalars(select(U).where(U.g == i))]\n",
    ],
)
def test_query_fed_by_the_iteration_is_flagged(body: str) -> None:
    assert len(findings(in_loop(body), QueryInLoop)) == 1


@pytest.mark.parametrize(
    "body",
    [
        # The iterable and the ``else`` clause run once.
        "for item in await db.scalars(select(User)):\n    print(item)\n",
        "for item in items:\n    pass\nelse:\n    await db.get(User, item)\n",
        "[u.id for u in await db.scalars(select(User))]\n",
        # The query does not depend on the item.
        "for item in items:\n    await db.execute(select(Config))\n",
        "for item in items:\n    total = await db.scalar(select(func.count()).select_from(U))\n",
        # A def in the loop body runs when called, not per iteration here.
        "for item in items:\n    async def load():\n        return await db.get(User, item)\n",
        "for item in items:\n    loaders.append(lambda: db.get(User, item))\n",
        # Literal collections and batches: each iteration is not one row.
        "for name in ('admin', 'user'):\n    await db.execute(insert(Role).values(name=name))\n",
        "for batch in batched(items, 100):\n    await db.execute(insert(Row), batch)\n",
        "for ids in chunks(items):\n    await db.scalars(select(U).where(U.id.in_(ids)))\n",
        "for group in items:\n    await db.scalars(select(U).where(U.id.in_(group.ids)))\n",
        "for page in range(10):\n    await db.scalars(select(U).offset(page * 50).limit(50))\n",
        "for page in range(10):\n    stmt = select(U).offset(page * 50)\n"
        "    await db.scalars(stmt)\n",
        # A while loop that pages or polls instead of taking items one by one.
        "while cursor:\n    rows = await db.execute(select(U).where(U.id > cursor))\n"
        "    cursor = rows.last\n",
        # Not a session.
        "for item in items:\n    await client.get(item.url)\n",
        "for item in items:\n    await crud.get_user(db, item.user_id)\n",
        "for item in items:\n    cache.get(item)\n",
    ],
)
def test_other_loops_stay_quiet(body: str) -> None:
    assert findings(in_loop(body), QueryInLoop) == []


def test_http_session_named_session_is_not_a_database() -> None:
    source = in_loop(
        "async with aiohttp.ClientSession() as session:\n"
        "    for url in items:\n        await session.get(url)\n",
        setup="import aiohttp\n" + ASYNC,
    )
    assert findings(source, QueryInLoop) == []


def _in_sqlalchemy_project(source: str, rule: type[Rule], root: Path) -> list[int]:
    """Lines of ``rule``'s findings in a module of a project that declares SQLAlchemy."""
    targets = resolve_target_versions(root, overrides={"sqlalchemy": "2.0"})
    placement = Placement(ProjectContext(root=root, targets=targets))
    result = lint_source(textwrap.dedent(source), "app.py", (rule,), placement=placement)
    return [d.line for d in result.diagnostics if d.code == rule.code]


def test_an_untyped_session_name_is_the_orms_in_a_project_that_declares_it(
    tmp_path: Path,
) -> None:
    source = """\
        from app.db import get_db_session

        async def names(items: list) -> None:
            db = get_db_session()
            for item in items:
                await db.get(User, item)
    """
    assert _in_sqlalchemy_project(source, QueryInLoop, tmp_path) == [6]
    assert lines(source, QueryInLoop) == []  # no project: nothing says it is the ORM's


def test_a_session_name_in_a_module_using_an_http_client_is_not_guessed(tmp_path: Path) -> None:
    source = """\
        import requests

        class SafeLoader(WebBaseLoader):
            async def load_all(self, items: list) -> None:
                for item in items:
                    await self.session.get(User, item)
    """
    assert _in_sqlalchemy_project(source, QueryInLoop, tmp_path) == []
    without_client = source.replace("import requests", "import json")
    assert _in_sqlalchemy_project(without_client, QueryInLoop, tmp_path) == [6]


def test_sync_query_chain_reads_the_chained_filters() -> None:
    source = """\
        from sqlalchemy.orm import Session

        def names(db: Session, items: list) -> list:
            out = []
            for item in items:
                out.append(db.query(User).filter(User.id == item.user_id).one().name)
            return out
        """
    found = findings(source, QueryInLoop)
    assert [(d.line, d.column) for d in found] == [(6, 20)]
    assert "`db.query()` runs once per `item`" in found[0].message


def test_query_in_nested_loops_is_reported_once() -> None:
    body = "for a in items:\n    for b in a.children:\n        await db.get(User, (a.id, b.id))\n"
    assert len(findings(in_loop(body), QueryInLoop)) == 1


def test_outer_loop_feeds_a_query_inside_a_literal_inner_loop() -> None:
    body = (
        "for user in items:\n    for role in ('a', 'b'):\n        await db.get(R, (user, role))\n"
    )
    found = findings(in_loop(body), QueryInLoop)
    assert len(found) == 1 and "once per `user`" in found[0].message


def test_connections_are_database_receivers() -> None:
    source = in_loop(
        "for item in items:\n    await conn.execute(select(U).where(U.id == item))\n",
        params="conn: AsyncConnection, items: list",
        setup="from sqlalchemy import select\nfrom sqlalchemy.ext.asyncio import AsyncConnection\n",
    )
    assert len(findings(source, QueryInLoop)) == 1


def test_untyped_session_in_orm_module_counts() -> None:
    source = in_loop(
        "async with get_db_context() as session:\n"
        "    for item in items:\n        await session.get(User, item)\n",
        params="items: list",
    )
    assert len(findings(source, QueryInLoop)) == 1


def test_project_database_class_is_not_a_session() -> None:
    source = in_loop(
        "for item in items:\n    await db.execute('UPDATE t SET x = 1 WHERE id = :id', item)\n",
        params="db: Database, items: list",
        setup="from sqlalchemy import select\nfrom app.db import Database\n",
    )
    assert findings(source, QueryInLoop) == []


@pytest.mark.parametrize(
    ("body", "advice"),
    [
        ("for i in items:\n    await db.get(User, i)\n", "`in_()` or eager loading"),
        ("for i in items:\n    await db.execute(insert(T).values(x=i))\n", "one statement"),
        ("for i in items:\n    s = update(T).where(T.id == i)\n    await db.execute(s)\n", "one"),
        ("for i in items:\n    await db.execute(text('DELETE FROM t WHERE id = :i'), i)\n", "one"),
        ("for i in items:\n    await db.refresh(i)\n", "commit once after the loop"),
    ],
)
def test_advice_depends_on_the_statement(body: str, advice: str) -> None:
    found = findings(in_loop(body), QueryInLoop)
    assert len(found) == 1 and advice in found[0].message


# -- FAPI703: async session factories -----------------------------------------------------

ASYNC_IMPORTS = (
    "from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker\n"
    "from sqlalchemy.orm import sessionmaker\n"
)


@pytest.mark.parametrize(
    "call",
    [
        "async_sessionmaker(engine)",
        "async_sessionmaker(bind=engine, class_=AsyncSession, autoflush=False)",
        "async_sessionmaker(engine, expire_on_commit=True)",
        "sessionmaker(engine, class_=AsyncSession)",
        "sessionmaker(engine, AsyncSession)",
        "sessionmaker(engine, AsyncSession, False, True)",
        "AsyncSession(engine)",
        "async_scoped_session(async_sessionmaker(engine), scopefunc=current_task)",
    ],
)
def test_async_factory_without_expire_false_is_flagged(call: str) -> None:
    scoped = "from sqlalchemy.ext.asyncio import async_scoped_session\n"
    source = f"{ASYNC_IMPORTS}{scoped}\nx = {call}\n"
    assert lines(source, AsyncSessionExpiresOnCommit) == [5]


@pytest.mark.parametrize(
    "call",
    [
        "async_sessionmaker(engine, expire_on_commit=False)",
        "sessionmaker(engine, AsyncSession, False, False)",
        "sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)",
        "sessionmaker(engine)",  # a sync session reloads quietly
        "sessionmaker(engine, class_=Session)",
        "async_sessionmaker(engine, **options)",
        "async_sessionmaker(engine, expire_on_commit=settings.expire)",
        "AsyncSession(engine, expire_on_commit=False)",
    ],
)
def test_async_factory_with_expire_false_or_sync_stays_quiet(call: str) -> None:
    source = f"{ASYNC_IMPORTS}from sqlalchemy.orm import Session\n\nx = {call}\n"
    assert lines(source, AsyncSessionExpiresOnCommit) == []


def test_factories_of_other_libraries_stay_quiet() -> None:
    source = (
        "from app.db import AsyncSession, async_sessionmaker\n\n"
        "x = async_sessionmaker(engine)\ny = AsyncSession(engine)\n"
    )
    assert lines(source, AsyncSessionExpiresOnCommit) == []


def test_module_subclass_of_async_session_is_async() -> None:
    source = (
        ASYNC_IMPORTS + "\n\nclass TenantSession(AsyncSession):\n    pass\n\n\n"
        "x = sessionmaker(engine, class_=TenantSession)\n"
    )
    assert lines(source, AsyncSessionExpiresOnCommit) == [9]


def test_explicit_true_is_reported_at_the_argument() -> None:
    source = ASYNC_IMPORTS + "\nx = async_sessionmaker(engine, expire_on_commit=True)\n"
    found = findings(source, AsyncSessionExpiresOnCommit)
    assert [(d.line, d.column) for d in found] == [(4, 32)]


# -- both rules: attributes of ``self`` are typed by what the class assigns to them ---------

CLASSES = """\
    import aiohttp
    from sqlalchemy.orm import Session, scoped_session, sessionmaker

    class Crawler:
        def __init__(self):
            self.session = aiohttp.ClientSession()

        async def fetch(self, urls):
            for url in urls:
                await self.session.get(url)
            return self.session.query("status")

    class Repository:
        def __init__(self, db: Session, engine):
            self.client = db
            self.scoped = scoped_session(sessionmaker(bind=engine))

        def users(self, ids):
            for user_id in ids:
                self.client.get(User, user_id)
            return self.scoped.query(User).all()
    """


def test_self_attributes_take_the_type_assigned_in_the_class() -> None:
    # ``self.session`` is an HTTP session here (quiet, though named like one and the
    # module imports SQLAlchemy); ``self.client`` is a Session (flagged, whatever its name).
    assert lines(CLASSES, QueryInLoop) == [20]
    assert lines(CLASSES, LegacyQueryApi) == [21]


# -- what a loop runs: statements, fixed collections, batches ----------------------------

LOOP_HEADER = (
    "from enum import Enum\nfrom sqlalchemy import select, text\n"
    "from sqlalchemy.orm import Session\n\n\n"
)


@pytest.mark.parametrize(
    "body",
    [
        # a few known values: an enum, a constant list
        "def f(db: Session) -> None:\n    for status in Status:\n"
        "        db.scalar(select(Order).where(Order.status == status))\n"
        "    for name in TABLE_NAMES:\n        db.execute(text(f'DELETE FROM {name}'))\n",
        # their views and copies, and lists the settings hold
        "def f(db: Session, settings: Settings) -> None:\n"
        "    for key, aliases in KEY_ALIASES.items():\n        db.get(Config, key)\n"
        "    for index, status in enumerate(sorted(Status)):\n        db.get(Order, status)\n"
        "    for name in settings.variables_to_store:\n        db.get(Variable, name)\n"
        "    for name in self.app.config.names:\n        db.get(Variable, name)\n",
        # the loop variable is the statement or the table
        "def f(db: Session, tables: list, statements: list) -> None:\n"
        "    for table in tables:\n        db.execute(table.delete())\n"
        "    for statement in statements:\n        db.execute(text(statement))\n",
        # a query only built in the loop
        "def f(db: Session, ids: list) -> list:\n"
        "    return [db.query(Row).filter(Row.id == i) for i in ids]\n",
        # batches under other names
        "def f(db: Session, ids: list) -> None:\n"
        "    for segment in split(ids):\n"
        "        db.scalars(select(Row).where(Row.id.in_(segment)))\n"
        "    for start in range(0, len(ids), 100):\n"
        "        part = ids[start:start + 100]\n"
        "        db.scalars(select(Row).where(Row.id.in_(part)))\n",
    ],
)
def test_loops_that_are_not_one_query_per_row(body: str) -> None:
    assert findings(LOOP_HEADER + body, QueryInLoop) == []


@pytest.mark.parametrize(
    "loop",
    ["rows.items()", "sorted(users)", "enumerate(user_ids)", "self.users.values()", "list()"],
)
def test_views_and_copies_of_rows_still_run_one_query_per_row(loop: str) -> None:
    body = (
        "def f(db: Session, rows: dict, users: list, user_ids: list) -> None:\n"
        f"    for item in {loop}:\n        db.get(User, item)\n"
    )
    assert [d.line for d in findings(LOOP_HEADER + body, QueryInLoop)] == [8]


def test_a_clause_keyed_per_row_beside_in_is_still_one_query_per_row() -> None:
    body = (
        "def f(db: Session, orders: list) -> None:\n    for order in orders:\n"
        "        db.scalars(select(Line).where(Line.order_id == order.id,"
        " Line.product_id.in_(order.product_ids)))\n"
    )
    assert [d.line for d in findings(LOOP_HEADER + body, QueryInLoop)] == [8]


def test_a_built_query_run_in_the_loop_is_reported_once_per_loop() -> None:
    body = (
        "def f(db: Session, orders: list) -> list:\n    found = []\n    for order in orders:\n"
        "        query = db.query(Customer).filter(Customer.id == order.customer_id)\n"
        "        found.append(query.first())\n"
        "        found.append(db.get(Line, order.line_id))\n    return found\n"
    )
    assert [d.line for d in findings(LOOP_HEADER + body, QueryInLoop)] == [9]


def test_legacy_query_on_a_project_helper_session(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text(
        "[project]\nname = 'shop'\ndependencies = ['fastapi', 'sqlalchemy>=2']\n", encoding="utf-8"
    )
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "crud.py").write_text(
        "from app.db import get_db_session\n\n\n"
        "def users() -> list:\n"
        "    with get_db_session() as db_session:\n"
        "        return db_session.query(User).all()\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(
        cli, ["check", ".", "--select", "FAPI701", "--output-format", "concise", "--no-cache"]
    )
    assert "crud.py:6:16: FAPI701" in result.stdout, result.stdout
    # Without SQLAlchemy declared, a name alone is not enough.
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'shop'\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", ".", "--select", "FAPI701", "--no-cache"])
    assert "FAPI701" not in result.stdout
