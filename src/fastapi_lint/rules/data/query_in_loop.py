"""FAPI702: a database round trip per loop iteration, keyed by the iteration (N+1 queries)."""

from __future__ import annotations

from typing import ClassVar

import libcst as cst

from fastapi_lint.context.roles import Role
from fastapi_lint.fastapi_model.syntax import dotted_name, string_value
from fastapi_lint.rule import FileContext, Invalid, Rule, Valid
from fastapi_lint.rules.data._loops import (
    TERMINAL_METHODS,
    Loop,
    LoopFrame,
    iterates_items,
    statement_reads,
)
from fastapi_lint.rules.data._sessions import (
    ASYNC_SESSIONS,
    CONNECTIONS,
    SYNC_SESSIONS,
    SessionFinder,
)
from fastapi_lint.tree import children

_WRITES = frozenset({"insert", "update", "delete", "upsert", "merge"})
_READ_ADVICE = "fetch every row in one query with `in_()` or eager loading (`selectinload`)"
_WRITE_ADVICE = (
    "write every row in one statement (a list of parameters to one `execute()`, "
    "or `update()`/`delete()` with `in_()`)"
)
_REFRESH_ADVICE = (
    "commit once after the loop and read the rows back with one `select()`, "
    "or keep them loaded with `expire_on_commit=False`"
)
_RECEIVERS = SYNC_SESSIONS | ASYNC_SESSIONS | CONNECTIONS
# Session and connection methods that send a statement and wait for its rows.
_ROUND_TRIPS = frozenset(
    {
        "execute",
        "exec",
        "exec_driver_sql",
        "scalar",
        "scalars",
        "get",
        "get_one",
        "refresh",
        "query",
        "stream",
        "stream_scalars",
    }
)


def _chain(call: cst.Call) -> list[cst.Call]:
    """``[.first(), .filter(), db.query(User)]`` for ``db.query(User).filter(...).first()``."""
    calls = [call]
    while isinstance(call.func, cst.Attribute) and isinstance(call.func.value, cst.Call):
        call = call.func.value
        calls.append(call)
    return calls


def _builds_only(chain: list[cst.Call]) -> bool:
    """``db.query(User).filter(...)``: a Query built, not run, until a terminal method."""
    root, outer = chain[-1].func, chain[0].func
    if not isinstance(root, cst.Attribute) or root.attr.value != "query":
        return False
    return not (isinstance(outer, cst.Attribute) and outer.attr.value in TERMINAL_METHODS)


_STATEMENT_RUNNERS = frozenset({"execute", "exec", "exec_driver_sql", "scalar", "scalars"})


def _runs_the_loop_variable(call: cst.Call, frame: LoopFrame) -> bool:
    """The statement run is the loop variable itself, or built from it alone
    (``table.delete()``, ``text(statement)``): a list of statements, not of rows."""
    func = call.func
    if not isinstance(func, cst.Attribute) or func.attr.value not in _STATEMENT_RUNNERS:
        return False
    argument = next((arg.value for arg in call.args if arg.keyword is None), None)
    if isinstance(argument, cst.Call) and (dotted_name(argument.func) or "").endswith("text"):
        argument = next((arg.value for arg in argument.args if arg.keyword is None), None)
    while isinstance(argument, cst.Call | cst.Attribute):
        argument = argument.func if isinstance(argument, cst.Call) else argument.value
    return isinstance(argument, cst.Name) and argument.value in frame.seeds()


def _statement_reads(chain: list[cst.Call]) -> tuple[set[str], set[str]]:
    """Names the arguments of the call and of the calls chained on it read (all, batching)."""
    reads: set[str] = set()
    batched: set[str] = set()
    unbatched: set[str] = set()  # read outside a batching call somewhere in the chain
    for call in chain:
        for arg in call.args:
            found, batching = statement_reads(arg)
            reads |= found
            batched |= batching
            unbatched |= found - batching
    return reads, batched - unbatched


def _writes(nodes: list[cst.CSTNode]) -> bool:
    """True when the statement is an INSERT, UPDATE or DELETE (Core or ``text()``)."""
    stack = list(nodes)
    while stack:
        node = stack.pop()
        if isinstance(node, cst.Call):
            callee = dotted_name(node.func) or ""
            if callee.rpartition(".")[2] in _WRITES:
                return True
        text = string_value(node) if isinstance(node, cst.SimpleString) else None
        if text is not None and text.lstrip().split(" ", 1)[0].lower() in _WRITES:
            return True
        stack.extend(children(node))
    return False


class QueryInLoop(Rule):
    """
    ## What it does
    Flags a database round trip (`session.execute()`, `scalars()`, `scalar()`, `get()`,
    `refresh()`, `query()`, SQLModel's `exec()`, awaited or not) made inside a `for`,
    `async for` or `while` loop or a comprehension, when the statement depends on the
    iteration: it reads the loop variable or a name the loop body derives from it.

    ## Why is this bad?
    This is the N+1 query problem: one query for the list, then one more per item. Each
    query is a round trip to the database, so an endpoint that looks fast on ten rows
    spends most of its time waiting on a thousand, and holds a pooled connection all the
    while. One query fetches the same rows: filter with `Model.id.in_(ids)`, join, or let
    the ORM load the relationship for every parent at once (`selectinload`).

    ## Example
    ```python
    from sqlalchemy import select
    from sqlalchemy.ext.asyncio import AsyncSession


    async def authors_of(session: AsyncSession, posts: list[Post]) -> list[User]:
        authors = []
        for post in posts:
            author = await session.get(User, post.author_id)
            authors.append(author)
        return authors
    ```

    ## Use instead
    ```python
    async def authors_of(session: AsyncSession, posts: list[Post]) -> list[User]:
        ids = {post.author_id for post in posts}
        return list(await session.scalars(select(User).where(User.id.in_(ids))))
    ```
    or load the relationship with the posts:
    `select(Post).options(selectinload(Post.author))`.

    ## Options
    None.

    ## Known limitations
    The receiver must be known to be a session or a SQLAlchemy connection, as for
    FAPI701 (`legacy-query-api`): by its type, or by a session-like name in a module that
    imports `sqlalchemy` or `sqlmodel` (or anywhere in a project that declares
    SQLAlchemy, but for modules importing an HTTP client such as `requests`, whose
    objects are sessions too). Only direct calls count: a loop calling the project's own CRUD helper
    (`await crud.get_user(db, user_id)`) is not followed into the helper. Not one query
    per row, so skipped:
    - loops over a fixed collection: a literal (`for role in ("admin", "user")`), an
      UPPER_CASE constant or a class such as an `Enum` (`for status in OrderStatus`),
      their views and copies (`ALIASES.items()`, `sorted(ROLES)`), and a list the
      settings hold (`for name in settings.variables_to_store`);
    - loops over batches: a loop variable or iterable named like `batch`, `chunk`,
      `segment` or `page`, a `range()` with a step (`range(0, n, CHUNK)`), and loop
      variables read only inside `in_()`, `offset()`, `limit()` or `slice()` (a clause
      keyed by the row beside them, `A.id == row.id`, keeps it one query per row);
    - loops whose variable is the statement run (`for statement in statements:
      db.execute(text(statement))`, `for table in tables: db.execute(table.delete())`);
    - `db.query(...)` chains only built in the loop (no `.all()`, `.first()`...) and run
      elsewhere; one built there and run there (`query.first()`) is reported.
    One finding per loop, at its first query. A `while` loop counts as iterating over
    items only when its body takes them one by one (`queue.pop()`, `popleft()`,
    `next(...)`). Lazy-loaded relationships read in a loop (`post.author.name`) are not
    seen: they make no call.
    """

    code = "FAPI702"
    name = "query-in-loop"
    family = "data"
    roles = frozenset({Role.APP, Role.SCRIPT})
    severity = "warning"
    message = "`{call}()` runs once per `{variable}` in the loop: N+1 queries; {advice}"
    VALID: ClassVar[tuple[Valid, ...]] = (
        Valid(
            "from sqlalchemy import select\n"
            "from sqlalchemy.ext.asyncio import AsyncSession\n\n\n"
            "async def authors(session: AsyncSession, posts: list) -> list:\n"
            "    ids = [post.author_id for post in posts]\n"
            "    return list(await session.scalars(select(User).where(User.id.in_(ids))))\n"
        ),
        Valid(
            "from sqlalchemy.ext.asyncio import AsyncSession\n\n\n"
            "async def touch(session: AsyncSession, users: list) -> None:\n"
            "    for user in users:\n"
            "        user.seen = True\n"
            "    await session.commit()\n"
        ),
        Valid(
            "import httpx\n\n\n"
            "async def fetch(client: httpx.AsyncClient, urls: list) -> list:\n"
            "    return [await client.get(url) for url in urls]\n"
        ),
        Valid(
            "from sqlalchemy import select\n"
            "from sqlalchemy.orm import Session\n\n\n"
            "def rows(db: Session, ids: list) -> list:\n"
            "    for batch in chunked(ids, 500):\n"
            "        yield from db.scalars(select(Row).where(Row.id.in_(batch)))\n"
        ),
    )
    INVALID: ClassVar[tuple[Invalid, ...]] = (
        Invalid(
            "from sqlalchemy.ext.asyncio import AsyncSession\n\n\n"
            "async def authors(session: AsyncSession, posts: list) -> list:\n"
            "    authors = []\n"
            "    for post in posts:\n"
            "        authors.append(await session.get(User, post.author_id))\n"
            "    return authors\n",
            line=7,
            column=30,
            message_contains="`session.get()` runs once per `post` in the loop: N+1 queries",
        ),
        Invalid(
            "from sqlalchemy import select\n"
            "from sqlalchemy.orm import Session\n\n\n"
            "def owners(db: Session, items: list) -> list:\n"
            "    found = []\n"
            "    for item in items:\n"
            "        stmt = select(User).where(User.id == item.owner_id)\n"
            "        found.append(db.scalars(stmt).one())\n"
            "    return found\n",
            line=9,
            column=22,
            message_contains="`db.scalars()`",
        ),
        Invalid(
            "from sqlalchemy.orm import Session\n\n\n"
            "def names(db: Session, ids: list) -> list:\n"
            "    return [db.query(User).filter(User.id == i).one().name for i in ids]\n",
            line=5,
            column=13,
        ),
    )

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self._frames: list[LoopFrame | None] = []
        self._sessions = SessionFinder(context)
        self._chained: set[int] = set()
        self._reported_loops: set[int] = set()

    def _enter(self, node: Loop) -> None:
        # A loop over a literal or over batches is pushed as None: nothing in it is N+1
        # on its account, but loops around it still are.
        self._frames.append(LoopFrame(node) if iterates_items(node) else None)

    def _leave(self) -> None:
        self._frames.pop()

    def visit_For(self, node: cst.For) -> None:
        self._enter(node)

    def leave_For(self, node: cst.For) -> None:
        self._leave()

    def visit_While(self, node: cst.While) -> None:
        self._enter(node)

    def leave_While(self, node: cst.While) -> None:
        self._leave()

    def visit_ListComp(self, node: cst.ListComp) -> None:
        self._enter(node)

    def leave_ListComp(self, node: cst.ListComp) -> None:
        self._leave()

    def visit_SetComp(self, node: cst.SetComp) -> None:
        self._enter(node)

    def leave_SetComp(self, node: cst.SetComp) -> None:
        self._leave()

    def visit_DictComp(self, node: cst.DictComp) -> None:
        self._enter(node)

    def leave_DictComp(self, node: cst.DictComp) -> None:
        self._leave()

    def visit_GeneratorExp(self, node: cst.GeneratorExp) -> None:
        self._enter(node)

    def leave_GeneratorExp(self, node: cst.GeneratorExp) -> None:
        self._leave()

    def visit_Call(self, node: cst.Call) -> None:
        if not self._frames or id(node) in self._chained:
            return
        chain = _chain(node)
        self._chained.update(map(id, chain[1:]))  # the outermost call of a chain speaks for it
        root = chain[-1]
        func = root.func
        if not isinstance(func, cst.Attribute) or func.attr.value not in _ROUND_TRIPS:
            return
        finder = self._sessions
        # The receiver first: most ``.get()`` calls in loops are on dicts, and reading the
        # loop body costs more than looking a name up.
        if not finder.is_session(func.value, _RECEIVERS, finder.lookup()):
            return
        found = self._feeding_loop(chain)
        if found is not None and id(found[0].node) not in self._reported_loops:
            self._reported_loops.add(id(found[0].node))  # one N+1 finding per loop
            self._report(chain, *found)

    def _feeding_loop(self, chain: list[cst.Call]) -> tuple[LoopFrame, set[str]] | None:
        """The innermost loop that runs the call each time with a value from the iteration."""
        reads: tuple[set[str], set[str]] | None = None
        for frame in reversed(self._frames):
            if frame is None or not frame.runs_each_iteration(chain[-1]):
                continue
            if _builds_only(chain) and not frame.runs_query(chain[0]):
                continue  # `db.query(...).filter(...)` built here, run elsewhere
            if _runs_the_loop_variable(chain[-1], frame):
                continue  # `for statement in statements: session.execute(statement)`
            reads = reads or _statement_reads(chain)
            if reads[0] & frame.tainted() and not frame.batches(*reads):
                return frame, reads[0]
        return None

    def _report(self, chain: list[cst.Call], frame: LoopFrame, reads: set[str]) -> None:
        root = chain[-1]
        assert isinstance(root.func, cst.Attribute)
        module = self.context.module
        arguments: list[cst.CSTNode] = [arg for call in chain for arg in call.args]
        if root.func.attr.value == "refresh":
            advice = _REFRESH_ADVICE
        elif _writes([*arguments, *frame.values_of(reads)]):
            advice = _WRITE_ADVICE
        else:
            advice = _READ_ADVICE
        self.report(
            root,
            call=" ".join(module.code_for_node(root.func).split()),
            variable=frame.variable(module),
            advice=advice,
        )
