"""FAPI804: SQL built with an f-string, ``%``, ``.format()`` or ``+`` reaching an execute sink.

Much of the module is the rule's documentation and tested examples; where a formatted
value comes from is ``_sql_sources``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import ClassVar

import libcst as cst

from fastapi_lint.context.roles import Role
from fastapi_lint.fastapi_model.syntax import keyword_arg, positional_args
from fastapi_lint.rule import FileContext, Invalid, Rule, Valid
from fastapi_lint.rules.security._sql_sources import ENVIRONMENT, FILE, Source, SqlSources
from fastapi_lint.rules.security._values import (
    ScopeValues,
    call_names,
    callee_name,
    current_scope,
    is_migration_path,
    is_test_path,
)

# `text()` makes SQL of its argument whatever it looks like.
_TEXT = frozenset(
    {
        "sqlalchemy.text",
        "sqlalchemy.sql.text",
        "sqlalchemy.sql.expression.text",
        "sqlmodel.text",
    }
)
# Methods that run their first argument as SQL on sessions, connections and DB-API
# cursors (sqlite3, psycopg, aiosqlite), asyncpg connections, `databases`, and
# wrappers whose fetchone/fetchall take the query (DB-API's take none: never matched).
# The receiver's type is rarely known, so the string must look like SQL too.
_EXECUTE = frozenset(
    {
        "execute",
        "executemany",
        "executescript",
        "exec_driver_sql",
        "fetch",
        "fetchone",
        "fetchall",
        "fetchrow",
        "fetchval",
        "fetch_all",
        "fetch_one",
        "fetch_val",
        "execute_many",
    }
)
# Calls whose result is a number: `LIMIT {int(limit)}` cannot carry SQL.
_NUMERIC = frozenset({"int", "float", "len", "round", "abs", "bool"})
# UPPER_CASE names are constants by convention: configuration, not request data.
_CONSTANT = re.compile(r"_*[A-Z][A-Z0-9_]*")
# Text right before an interpolation that makes it part of a bound parameter's name.
_BIND_NAME = re.compile(r"(?<!:):(\w*_)?$")
_EMPTY = cst.Module(body=[])  # renders any node back to code
_QUERY_KEYWORDS = ("statement", "query", "sql", "operation")
# Text right before an interpolation that makes it an identifier, which no driver binds.
_IDENTIFIER_BEFORE = re.compile(
    r"(\b(from|join|into|update|table|exists|schema|database|index|view|truncate|attach"
    r"|as|by|column|on)\s*|[\"`\[.])$",
    re.IGNORECASE,
)
# SQL clauses anywhere in a string's text, for strings that start with a value.
_SQL_CLAUSE = re.compile(
    r"\b(select\b[\s\S]*\bfrom|insert\s+into|update\b[\s\S]*\bset|delete\s+from|where"
    r"|order\s+by|group\s+by|limit)\b",
    re.IGNORECASE,
)
_PRAGMA = re.compile(r"\s*pragma\b", re.IGNORECASE)
_FORMAT_FIELD = re.compile(r"\{[^{}]*\}")
_PERCENT_FIELD = re.compile(r"%(\(\w+\))?[-#0 +]*\d*(\.\d+)?[sdifr]")
_VALUE_ADVICE = "use bound parameters"
_IDENTIFIER_ADVICE = (
    "an identifier cannot be bound: check it against a fixed list of names, or quote it "
    "with the dialect's identifier quoting"
)
_PRAGMA_ADVICE = "PRAGMA takes no bound parameters: check it against a fixed list, or escape it"
_SQL_START = re.compile(
    r"\s*\(?\s*(select|insert|update|delete|with|create|drop|alter|truncate|replace|merge"
    r"|pragma|attach|detach|set|grant|revoke|vacuum|analyze|explain|copy|call|exec|show"
    r"|describe|begin|lock|comment|reindex|upsert|where|and|or|order|group|limit|from"
    r"|values|join|left|inner|having|union)\b",
    re.IGNORECASE,
)


class SqlInjection(Rule):
    """
    ## What it does
    Flags SQL built from a value that can come from outside the program, at the place
    the SQL is run. Outside means a client or the machine chooses it: a parameter of a
    route or of a dependency (what FastAPI fills from the request), a `Request`, a
    parameter of a function that this module calls with such a value (three calls deep
    at most), the environment (`os.environ`, `os.getenv`) or a file (`.read()`,
    `json.load()`), followed through the function's assignments, loops, attribute and
    item reads, string methods and formatting. The SQL is an f-string, a
    `"..." % value`, a `"...".format(...)` or a `+` concatenation, passed to
    - SQLAlchemy's or SQLModel's `text()` (resolved through imports), or
    - a method that runs SQL: `execute`, `executemany`, `executescript`,
      `exec_driver_sql` (sessions, connections, DB-API cursors of sqlite3, psycopg,
      aiosqlite), `fetch`, `fetchrow`, `fetchval` (asyncpg), `fetch_all`, `fetch_one`,
      `fetch_val`, `execute_many` (databases), `fetchone`, `fetchall` (wrappers that
      take the query, as lnbits' `Connection`). The receiver's type is rarely known, so
      there the string must also look like SQL: start with a keyword (`SELECT`,
      `UPDATE`, `PRAGMA`, a clause keyword), or start with a value and hold a clause
      further on (`f"  {columns} FROM {table} WHERE ..."`).

    The string may be written in the call or assigned to a name in the same function
    (`query = f"..."`, `query += f"..."`) and passed by that name.

    Not outside: literals, UPPER_CASE constants, module-level names, numbers (`int()`,
    `len()`, parameters typed `int`, `UUID`, `datetime`, an enum of this module, which
    FastAPI converts), enum members (`Status.ACTIVE.value`), bound parameters' names
    (`:{name}`), generated placeholders (`IN ({placeholders})`), values that went
    through a sanitiser (a call whose name says it quotes, escapes, validates or checks)
    and values returned by the code's own functions.

    The advice follows where the value sits: a value is bound; an identifier (after
    `FROM`, `JOIN`, `INTO`, `TABLE`, `ORDER BY`, inside `"..."`) cannot be, so it is
    checked against a fixed list or quoted; a `PRAGMA` takes no parameters, so its
    value is checked or escaped. Values from the environment or files are the
    operator's own configuration: they are reported only where a bound parameter would
    do.

    ## Why is this bad?
    A value formatted into SQL becomes SQL: a name like `x' OR '1'='1` or
    `x'; DROP TABLE users; --` changes what the statement does. Bound parameters
    (`:name` with `text()`, `%s`/`?`/`$1` with drivers) send values apart from the SQL
    text, so no value can change the statement.

    ## Example
    ```python
    from typing import Annotated

    from fastapi import APIRouter, Depends
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import AsyncSession

    from app.db import get_session

    router = APIRouter()


    @router.get("/users/search")
    async def find_user(
        email: str, session: Annotated[AsyncSession, Depends(get_session)]
    ) -> int | None:
        result = await session.execute(text(f"SELECT id FROM users WHERE email = '{email}'"))
        return result.scalar()
    ```

    ## Use instead
    ```python
    from typing import Annotated

    from fastapi import APIRouter, Depends
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import AsyncSession

    from app.db import get_session

    router = APIRouter()


    @router.get("/users/search")
    async def find_user(
        email: str, session: Annotated[AsyncSession, Depends(get_session)]
    ) -> int | None:
        query = text("SELECT id FROM users WHERE email = :email")
        result = await session.execute(query, {"email": email})
        return result.scalar()
    ```
    Better still, build the query with `select()`. Identifiers (table or column names)
    cannot be bound: check them against a fixed list, or quote them with the dialect's
    `identifier_preparer`.

    ## Options
    `strict = ["FAPI804"]`: every interpolation that is not a literal, a number, an
    UPPER_CASE constant or a placeholder counts, wherever it comes from, as ruff's S608
    does at the sinks it reaches (every S608 finding that reaches a sink is one of ours).

    ## Known limitations
    Values are followed inside one module: a helper in another module that receives
    request data is checked only as far as its own routes, dependencies and callers in
    its module show. The code's own functions are trusted to return safe text (a
    function that returns its argument unchanged hides it). Strings built in another
    function, in a module constant, or with `" ".join(...)` of fragments are not
    followed. ORM-level APIs (`select().where(text(...))`) are checked only through
    their `text()` call.
    """

    code = "FAPI804"
    name = "sql-injection"
    family = "security"
    roles = frozenset({Role.APP})
    severity = "error"
    message = "SQL built from {how} is passed to `{sink}()`{via}; use bound parameters"
    VALID: ClassVar[tuple[Valid, ...]] = (
        Valid(
            "from sqlalchemy import text\n\n\ndef find(session, email: str) -> object:\n"
            "    return session.execute(text('SELECT * FROM users WHERE email = :e'), "
            "{'e': email})\n"
        ),
        Valid(
            "import sqlite3\n\n\ndef find(conn: sqlite3.Connection, name: str) -> list:\n"
            "    return conn.execute('SELECT * FROM t WHERE name = ?', (name,)).fetchall()\n"
        ),
        Valid(
            "def run(executor, job: str) -> None:\n    executor.execute(f'job {job}')\n"
        ),
        Valid(
            "from sqlalchemy import text\n\nQUERY = text(f'SELECT 1')\n"
        ),
        Valid(
            "def drop(conn, table: str) -> None:\n"
            "    conn.execute(f'DROP TABLE {table}')  # the code's own table names\n"
        ),
    )  # fmt: skip
    INVALID: ClassVar[tuple[Invalid, ...]] = (
        Invalid(
            "from fastapi import FastAPI\nfrom sqlalchemy import text\n\napp = FastAPI()\n\n\n"
            "@app.get('/users')\ndef find(session, email: str) -> object:\n"
            "    return session.execute(text(f\"SELECT * FROM users WHERE email = '{email}'\"))\n",
            line=9,
            column=33,
            message_contains="an f-string with `email` (a parameter of route `find`)",
        ),
        Invalid(
            "from fastapi import Request\n\n\n"
            "async def find(request: Request, cursor) -> None:\n"
            "    name = request.query_params['name']\n"
            "    query = \"SELECT * FROM t WHERE name = '%s'\" % name\n"
            "    cursor.execute(query)\n",
            line=7,
            column=20,
            message_contains="through `query`; use bound parameters",
        ),
        Invalid(
            "import os\n\n\nasync def drop(conn) -> None:\n"
            "    await conn.execute('SELECT * FROM t WHERE owner = ' + os.environ['OWNER'])\n",
            line=5,
            column=24,
        ),
        Invalid(
            "from fastapi import FastAPI\n\napp = FastAPI()\n\n\n"
            "@app.get('/rows')\ndef rows(conn, sort: str) -> object:\n"
            "    return conn.execute(f'SELECT * FROM t ORDER BY {sort}')\n",
            line=8,
            column=25,
            message_contains="an identifier cannot be bound",
        ),
    )

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self._values = ScopeValues()
        self._skipped = is_test_path(context.path) or is_migration_path(context.path)
        self._text_names: frozenset[str] | None = None
        self._sources: SqlSources | None = None

    def visit_Call(self, node: cst.Call) -> None:
        if self._skipped:
            return
        sink = callee_name(node)
        runs_sql = sink in _EXECUTE and isinstance(node.func, cst.Attribute)
        if not runs_sql and not self._is_text(node, sink):
            return
        query = _query_argument(node)
        if query is not None:
            self._check(query, sink, needs_sql=runs_sql)

    def _is_text(self, node: cst.Call, sink: str) -> bool:
        if self._text_names is None:
            source = self.context.source
            imported = "sqlalchemy" in source or "sqlmodel" in source
            self._text_names = call_names(self.context.model, _TEXT) if imported else frozenset()
        if sink not in self._text_names:
            return False
        return self.context.model.qualified_name(node.func) in _TEXT

    def _check(self, query: cst.BaseExpression, sink: str, *, needs_sql: bool) -> None:
        via = ""
        built = built_from(query)
        if built is None and isinstance(query, cst.Name):
            built = self._built_local(query.value)
            via = f" through `{query.value}`"
        if built is None:
            return
        how, start = built
        if needs_sql and not _looks_like_sql(start, query, self._values_of(query)):
            return
        if self.context.options.is_strict(self.code):
            self.report(query, how=how, sink=sink, via=via)
            return
        found = self._outside(query, start)
        if found is not None:
            source, advice = found
            self.report(
                query,
                f"SQL built from {how} with `{source.code}` ({source.where}) is passed to "
                f"`{sink}()`{via}; {advice}",
            )

    def _values_of(self, query: cst.BaseExpression) -> list[cst.BaseExpression]:
        """The strings a query is: itself, or what its name is assigned in the function."""
        scope = current_scope(self.context)
        if not isinstance(query, cst.Name) or not isinstance(scope, cst.FunctionDef):
            return [query]
        return [v for v in self._values.assigned(scope, query.value) if v is not None]

    def _outside(self, query: cst.BaseExpression, start: str) -> tuple[Source, str] | None:
        """The first interpolated value that comes from outside, with the advice it needs."""
        scope = current_scope(self.context)
        if not isinstance(scope, cst.FunctionDef):
            return None
        if self._sources is None:
            self._sources = SqlSources(self.context.module, self.context.model)
        for string in self._values_of(query):
            for part, before in interpolations(string):
                source = self._sources.source(part, scope)
                if source is None:
                    continue
                advice = _advice(before, start)
                operator_config = source.kind in {ENVIRONMENT, FILE}
                if advice == _VALUE_ADVICE or not operator_config:
                    shown = " ".join(self.context.module.code_for_node(part).split())
                    return Source(source.kind, shown, source.where), advice
        return None

    def _built_local(self, name: str) -> tuple[str, str] | None:
        """How a local name's string was built, and the text it starts with.

        ``query = "SELECT ..."`` then ``query += f" WHERE {clause}"``: the statement
        starts with the first assignment, the building happens in a later one.
        """
        scope = current_scope(self.context)
        if not isinstance(scope, cst.FunctionDef):
            return None
        values = [value for value in self._values.assigned(scope, name) if value is not None]
        built = next(filter(None, map(built_from, values)), None)
        if built is None:
            return None
        starts = [_leading_text(value) for value in values if _is_literal(value)]
        return built[0], next((text for text in starts if _SQL_START.match(text)), built[1])


def _query_argument(call: cst.Call) -> cst.BaseExpression | None:
    positional = positional_args(call)
    if positional:
        return positional[0]
    return next(
        (value for key in _QUERY_KEYWORDS if (value := keyword_arg(call, key)) is not None),
        None,
    )


def built_from(expr: cst.BaseExpression) -> tuple[str, str] | None:
    """How a string was built from non-literal parts, and its leading literal text.

    None for plain literals and for anything that is not a string being built.
    """
    if isinstance(expr, cst.FormattedString | cst.ConcatenatedString):
        return ("an f-string", _leading_text(expr)) if _interpolates(expr) else None
    if isinstance(expr, cst.BinaryOperation):
        return _built_operation(expr)
    if isinstance(expr, cst.Call) and isinstance(expr.func, cst.Attribute):
        receiver = expr.func.value
        if expr.func.attr.value == "format" and _is_literal(receiver) and expr.args:
            return "`.format()`", _leading_text(receiver)
    return None


def _built_operation(expr: cst.BinaryOperation) -> tuple[str, str] | None:
    if isinstance(expr.operator, cst.Modulo) and _is_literal(expr.left):
        return "`%` formatting", _leading_text(expr.left)
    if not isinstance(expr.operator, cst.Add):
        return None
    parts = _added(expr)
    literals = [part for part in parts if _is_literal(part)]
    if not literals or (len(literals) == len(parts) and not any(map(_interpolates, parts))):
        return None
    return "string concatenation", _leading_text(literals[0])


def _added(expr: cst.BaseExpression) -> list[cst.BaseExpression]:
    """The operands of a chain of ``+``, left to right."""
    if isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, cst.Add):
        return [*_added(expr.left), *_added(expr.right)]
    return [expr]


def _is_literal(expr: cst.BaseExpression) -> bool:
    """A string literal, f-strings included (not bytes)."""
    if isinstance(expr, cst.SimpleString):
        return "b" not in expr.prefix.lower()
    if isinstance(expr, cst.ConcatenatedString):
        return _is_literal(expr.left) and _is_literal(expr.right)
    return isinstance(expr, cst.FormattedString)


def _interpolates(expr: cst.BaseExpression) -> bool:
    """Whether an f-string formats in a value the code does not fix itself."""
    if isinstance(expr, cst.FormattedString):
        return any(
            isinstance(part, cst.FormattedStringExpression) and not _fixed(part, previous)
            for previous, part in zip([None, *expr.parts], expr.parts, strict=False)
        )
    if isinstance(expr, cst.ConcatenatedString):
        return _interpolates(expr.left) or _interpolates(expr.right)
    return False


def _fixed(
    part: cst.FormattedStringExpression, previous: cst.BaseFormattedStringContent | None
) -> bool:
    """Interpolations that cannot carry SQL: numbers, constants, bound parameters."""
    if isinstance(previous, cst.FormattedStringText) and _BIND_NAME.search(previous.value):
        return True  # `:{name}`, `:tag_{index}` name a bound parameter
    return _fixed_value(part.expression)


def _fixed_value(value: cst.BaseExpression) -> bool:
    if "placeholder" in _EMPTY.code_for_node(value).lower():
        return True  # `IN ({placeholders})`: generated `?`/`%s`/`:name` markers
    if isinstance(value, cst.Integer | cst.Float | cst.SimpleString):
        return True
    if isinstance(value, cst.Call) and callee_name(value) in _NUMERIC:
        return isinstance(value.func, cst.Name)
    name = value.attr.value if isinstance(value, cst.Attribute) else getattr(value, "value", "")
    return isinstance(value, cst.Name | cst.Attribute) and _CONSTANT.fullmatch(name) is not None


def _leading_text(expr: cst.BaseExpression) -> str:
    """The literal text a string starts with, up to its first interpolation."""
    if isinstance(expr, cst.ConcatenatedString):
        return _leading_text(expr.left)
    if isinstance(expr, cst.SimpleString):
        value = expr.evaluated_value
        return value if isinstance(value, str) else ""
    if isinstance(expr, cst.FormattedString):
        first = expr.parts[0] if expr.parts else None
        return first.value if isinstance(first, cst.FormattedStringText) else ""
    return ""


def _looks_like_sql(
    start: str, query: cst.BaseExpression, strings: list[cst.BaseExpression]
) -> bool:
    """Whether the string starts like SQL; when it starts with a value (`f"  {select}
    FROM {table}"`), whether its text holds a clause further on."""
    if _SQL_START.match(start):
        return True
    if start.strip():
        return False
    texts = (_literal_text(string) for string in [query, *strings])
    return any(_SQL_CLAUSE.search(text) for text in texts)


def _literal_text(expr: cst.BaseExpression) -> str:
    """Every literal piece of a built string, joined."""
    if isinstance(expr, cst.FormattedString):
        return " ".join(p.value for p in expr.parts if isinstance(p, cst.FormattedStringText))
    if isinstance(expr, cst.ConcatenatedString):
        return _literal_text(expr.left) + " " + _literal_text(expr.right)
    if isinstance(expr, cst.BinaryOperation):
        return _literal_text(expr.left) + " " + _literal_text(expr.right)
    if isinstance(expr, cst.SimpleString):
        return _leading_text(expr)
    return ""


def _advice(before: str, start: str) -> str:
    """What to do instead, where the value sits: bind a value, check an identifier."""
    if _PRAGMA.match(start):
        return _PRAGMA_ADVICE
    if _IDENTIFIER_BEFORE.search(before.rstrip() if not before.endswith(('"', "`")) else before):
        return _IDENTIFIER_ADVICE
    return _VALUE_ADVICE


def interpolations(expr: cst.BaseExpression) -> Iterator[tuple[cst.BaseExpression, str]]:
    """Each value formatted into a string, with the literal text right before it.

    Values that cannot carry SQL are left out (numbers, UPPER_CASE constants, bound
    parameters' names, generated placeholders).
    """
    if isinstance(expr, cst.FormattedString):
        yield from _formatted(expr)
    elif isinstance(expr, cst.ConcatenatedString):
        yield from interpolations(expr.left)
        yield from interpolations(expr.right)
    elif isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, cst.Modulo):
        yield from _percent_formatted(expr)
    elif isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, cst.Add):
        yield from _concatenated(_added(expr))
    elif isinstance(expr, cst.Call) and isinstance(expr.func, cst.Attribute):
        yield from _format_called(expr, expr.func)


def _percent_formatted(expr: cst.BinaryOperation) -> Iterator[tuple[cst.BaseExpression, str]]:
    """``"... %s" % value`` and ``"... %s %s" % (a, b)``."""
    if _is_literal(expr.left):
        right = expr.right
        values = [e.value for e in right.elements] if isinstance(right, cst.Tuple) else [right]
        yield from _fields(_PERCENT_FIELD, _leading_text(expr.left), values)


def _format_called(expr: cst.Call, func: cst.Attribute) -> Iterator[tuple[cst.BaseExpression, str]]:
    """``"... {}".format(value)``."""
    if func.attr.value == "format" and _is_literal(func.value):
        values = [arg.value for arg in expr.args]
        yield from _fields(_FORMAT_FIELD, _leading_text(func.value), values)


def _formatted(expr: cst.FormattedString) -> Iterator[tuple[cst.BaseExpression, str]]:
    text = ""
    previous: cst.BaseFormattedStringContent | None = None
    for part in expr.parts:
        if isinstance(part, cst.FormattedStringText):
            text += part.value
        elif isinstance(part, cst.FormattedStringExpression) and not _fixed(part, previous):
            yield part.expression, text
        previous = part


def _fields(
    field: re.Pattern[str], text: str, values: list[cst.BaseExpression]
) -> Iterator[tuple[cst.BaseExpression, str]]:
    """Values of `%`/`.format()` formatting, each with the text before its field."""
    befores = [text[: match.start()] for match in field.finditer(text)]
    for index, value in enumerate(values):
        if not _fixed_value(value):
            yield value, befores[index] if index < len(befores) else ""


def _concatenated(
    parts: list[cst.BaseExpression],
) -> Iterator[tuple[cst.BaseExpression, str]]:
    text = ""
    for part in parts:
        if isinstance(part, cst.SimpleString):
            text += _leading_text(part)
        elif isinstance(part, cst.FormattedString | cst.ConcatenatedString):
            yield from interpolations(part)
            text = ""
        elif not _fixed_value(part):
            yield part, text
            text = ""
