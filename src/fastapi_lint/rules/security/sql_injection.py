"""FAPI804: SQL built with an f-string, ``%``, ``.format()`` or ``+`` reaching an execute sink."""

from __future__ import annotations

import re
from typing import ClassVar

import libcst as cst

from fastapi_lint.fastapi_model.syntax import keyword_arg, positional_args
from fastapi_lint.rule import FileContext, Invalid, Rule, Valid
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
    Flags SQL built from strings at the place it is run: an f-string with placeholders,
    a `"..." % value`, a `"...".format(...)` or a `+` concatenation of a string with a
    non-literal, passed to
    - SQLAlchemy's or SQLModel's `text()` (resolved through imports), or
    - a method that runs SQL: `execute`, `executemany`, `executescript`,
      `exec_driver_sql` (sessions, connections, DB-API cursors of sqlite3, psycopg,
      aiosqlite), `fetch`, `fetchrow`, `fetchval` (asyncpg), `fetch_all`, `fetch_one`,
      `fetch_val`, `execute_many` (databases), `fetchone`, `fetchall` (wrappers that
      take the query, as lnbits' `Connection`). The receiver's type is rarely known, so
      there the string must also start like SQL (`SELECT`, `UPDATE`, `PRAGMA`, a clause
      keyword...).

    The string may be written in the call or assigned to a name in the same function
    (`query = f"..."`, `query += f"..."`) and passed by that name.

    ## Why is this bad?
    A value formatted into SQL becomes SQL: a name like `x' OR '1'='1` or
    `x'; DROP TABLE users; --` changes what the statement does. Bound parameters
    (`:name` with `text()`, `%s`/`?`/`$1` with drivers) send values apart from the SQL
    text, so no value can change the statement.

    ## Example
    ```python
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import AsyncSession


    async def find_user(session: AsyncSession, email: str) -> object:
        result = await session.execute(text(f"SELECT * FROM users WHERE email = '{email}'"))
        return result.first()
    ```

    ## Use instead
    ```python
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import AsyncSession


    async def find_user(session: AsyncSession, email: str) -> object:
        query = text("SELECT * FROM users WHERE email = :email")
        result = await session.execute(query, {"email": email})
        return result.first()
    ```
    Better still, build the query with `select()`. Identifiers (table or column names)
    cannot be bound: check them against a fixed list, or quote them with the dialect's
    `identifier_preparer`.

    ## Options
    None.

    ## Known limitations
    Every interpolation counts, including ones the code controls (a table name from a
    constant, placeholders made by `", ".join("?" * n)`): suppress those with
    `# noqa: FAPI804` after checking them. Strings built in another function, in a
    module constant, with `" ".join(...)` or passed through several names are not
    followed. ORM-level APIs (`select().where(text(...))`) are checked only through
    their `text()` call.
    """

    code = "FAPI804"
    name = "sql-injection"
    family = "security"
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
    )  # fmt: skip
    INVALID: ClassVar[tuple[Invalid, ...]] = (
        Invalid(
            "from sqlalchemy import text\n\n\ndef find(session, email: str) -> object:\n"
            "    return session.execute(text(f\"SELECT * FROM users WHERE email = '{email}'\"))\n",
            line=5,
            column=33,
            message_contains="an f-string is passed to `text()`",
        ),
        Invalid(
            "def find(cursor, name: str) -> None:\n"
            "    query = \"SELECT * FROM t WHERE name = '%s'\" % name\n"
            "    cursor.execute(query)\n",
            line=3,
            column=20,
            message_contains="through `query`",
        ),
        Invalid(
            "async def drop(conn, table: str) -> None:\n"
            "    await conn.execute('DROP TABLE ' + table)\n",
            line=2,
            column=24,
        ),
    )

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self._values = ScopeValues()
        self._skipped = is_test_path(context.path) or is_migration_path(context.path)
        self._text_names: frozenset[str] | None = None

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
        if needs_sql and not _SQL_START.match(start):
            return
        self.report(query, how=how, sink=sink, via=via)

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
    value = part.expression
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
