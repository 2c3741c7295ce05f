"""FAPI404: a function whose body has more lines of code than the limit."""

from __future__ import annotations

import io
import tokenize
from collections.abc import Sequence
from typing import ClassVar

import libcst as cst

from fastapi_lint.context.roles import Role
from fastapi_lint.rule import Invalid, Rule, Valid
from fastapi_lint.rules.structure._blocks import clauses

# Tokens that do not make a line count: a line holding only these is blank or a comment.
_LAYOUT = frozenset(
    {
        tokenize.COMMENT,
        tokenize.NL,
        tokenize.NEWLINE,
        tokenize.INDENT,
        tokenize.DEDENT,
        tokenize.ENDMARKER,
    }
)


def _is_text(expression: cst.BaseExpression) -> bool:
    """A plain (not bytes, not f-) string literal, possibly implicitly concatenated."""
    if isinstance(expression, cst.ConcatenatedString):
        return _is_text(expression.left) and _is_text(expression.right)
    return isinstance(expression, cst.SimpleString) and "b" not in expression.prefix.lower()


def _is_docstring(line: Sequence[cst.BaseSmallStatement]) -> bool:
    return len(line) == 1 and isinstance(line[0], cst.Expr) and _is_text(line[0].value)


def _docstring(body: cst.IndentedBlock) -> cst.SimpleStatementLine | None:
    first = body.body[0] if body.body else None
    if isinstance(first, cst.SimpleStatementLine) and _is_docstring(first.body):
        return first
    return None


def _breaks(text: str) -> int:
    """Line breaks inside a string literal's text, whatever the newline convention."""
    return text.count("\n") + text.count("\r") - text.count("\r\n")


def _token_spans(text: str) -> list[tuple[int, int]]:
    """First and last line of every code token; an f-string split in parts (3.12+) is one."""
    spans: list[tuple[int, int]] = []
    opened: list[int] = []
    for token in tokenize.generate_tokens(io.StringIO(text).readline):
        kind = tokenize.tok_name[token.type]
        if kind.endswith("STRING_START"):
            opened.append(token.start[0])
        elif kind.endswith("STRING_END") and opened:
            spans.append((opened.pop(), token.end[0]))
        elif token.type not in _LAYOUT:
            spans.append((token.start[0], token.end[0]))
    return spans


def code_lines(text: str) -> int:
    """Physical lines of ``text`` holding code; every line of a multi-line token counts."""
    try:
        spans = _token_spans(text)
    except (tokenize.TokenError, SyntaxError):
        # Cannot happen for code LibCST parsed; an estimate beats a crash if it does.
        return sum(1 for line in text.splitlines() if line.strip()[:1] not in ("", "#"))
    lines: set[int] = set()
    for first, last in spans:
        lines.update(range(first, last + 1))
    return len(lines)


def _body_text(module: cst.Module, body: cst.BaseSuite) -> str:
    """The code of the body, from its first statement after the docstring to its end."""
    if isinstance(body, cst.IndentedBlock):
        kept = body.body[1:] if _docstring(body) is not None else body.body
        # Each statement brings its own leading comments and blank lines, never code.
        return "".join(module.code_for_node(statement) for statement in kept)
    if isinstance(body, cst.SimpleStatementSuite) and not _is_docstring(body.body):
        return module.code_for_node(body).strip(" \t")
    return ""


def _statement_lines(statement: cst.BaseStatement) -> int:
    """Logical lines of one statement of a body; a nested `def` or `class` is its header."""
    if isinstance(statement, cst.SimpleStatementLine):
        return 1
    if isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
        return 1 + len(statement.decorators)
    if not isinstance(statement, cst.BaseCompoundStatement):
        return 1
    header = 1 if isinstance(statement, cst.Match) else 0  # `match x:` has no body of its own
    bodies = (getattr(clause, "body", None) for clause in clauses(statement))
    return header + sum(1 + logical_lines(body) for body in bodies if body is not None)


def logical_lines(suite: cst.BaseSuite) -> int:
    """Logical lines of a block, as Python's tokenizer ends them (one per statement line).

    A statement wrapped over several lines by brackets is one; so is each clause header
    (`if`, `elif`, `else`, `try`, `except`...). A body written on its header's line adds
    none, and a nested function or class counts its `def`/`class` line and decorators
    only: its body is measured on its own.
    """
    if not isinstance(suite, cst.IndentedBlock):
        return 0
    return sum(_statement_lines(statement) for statement in suite.body)


class FunctionTooLong(Rule):
    """
    ## What it does
    Flags a function whose body has more logical lines than the limit: what the function
    says, not how it is wrapped. A statement spread over several lines by brackets (a
    call with one argument per line, a long query chain) is one line, as are each clause
    header (`if`, `elif`, `else`, `for`, `try`, `except`, `with`...) and each statement
    line; the docstring, comments and blank lines do not count. A nested function or
    class counts as its `def`/`class` line (and decorators): its body is measured on its
    own, so one block of code is never reported twice.

    ## Why is this bad?
    A long endpoint or dependency does several things at once: parsing, validation,
    database work, response shaping. It cannot be read in one screen, its parts cannot
    be reused or tested alone, and changes to one concern risk breaking another.

    ## Example
    ```python
    @router.post("/signup")
    async def signup(form: SignupForm, db: Db) -> User:
        if await db.scalar(select(User).where(User.email == form.email)):
            raise HTTPException(status.HTTP_409_CONFLICT, "email already registered")
        if len(form.password) < 12:
            raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY, "password too short")
        if form.password.lower() == form.password:
            raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY, "add a capital letter")
        salt = secrets.token_bytes(16)
        digest = hashlib.scrypt(form.password.encode(), salt=salt, n=2**14, r=8, p=1)
        user = User(email=form.email, password_hash=salt + digest)
        db.add(user)
        await db.flush()
        profile = Profile(user_id=user.id, display_name=form.name)
        db.add(profile)
        token = secrets.token_urlsafe(32)
        db.add(EmailToken(user_id=user.id, token=token))
        await db.commit()
        link = f"{settings.base_url}/verify?token={token}"
        body = templates.get_template("welcome.txt").render(name=form.name, link=link)
        await mailer.send(to=form.email, subject="Welcome", body=body)
        logger.info("user signed up", extra={"user_id": user.id})
        return user
    ```

    ## Use instead
    ```python
    @router.post("/signup")
    async def signup(form: SignupForm, db: Db) -> User:
        await check_signup(db, form)
        user = await create_user(db, form)
        await send_welcome_email(user)
        return user
    ```

    ## Options
    `max-function-lines` (default 20): the most logical lines a body may have.
    `count-physical-lines` (default false): count physical lines of code instead, as
    before: every line of a wrapped statement or multi-line string counts, and a nested
    function's lines count toward the function around it too.

    ## Known limitations
    A function wrapped around a few long statements (a big literal, a query with many
    clauses on one logical line) passes however many physical lines it takes. As in
    Python, a docstring is a plain string literal (not bytes, not an f-string) that is
    the first statement of the body.
    """

    code = "FAPI404"
    name = "function-too-long"
    family = "structure"
    roles = frozenset({Role.APP, Role.SCRIPT})
    severity = "warning"
    message = "Function `{function}` has {count} {unit} of body (limit {limit})"
    VALID: ClassVar[tuple[Valid, ...]] = (
        Valid(
            "from fastapi import APIRouter, HTTPException\n\n"
            "router = APIRouter()\n\n\n"
            '@router.get("/users/{user_id}")\n'
            "async def read_user(user_id: int) -> dict:\n"
            '    """Return one user.\n\n    Raises 404 when the user does not exist.\n    """\n'
            "    # Look the user up first.\n"
            "    user = await find_user(user_id)\n\n"
            "    if not user:\n"
            "        raise HTTPException(status_code=404)\n"
            '    return {"id": user.id}\n'
        ),
        Valid("def ping() -> str: return 'pong'\n"),
        # One statement wrapped over many lines by the formatter is one line.
        Valid(
            "def spec(settings: Settings) -> ClientSpec:\n"
            "    return ClientSpec(\n"
            + "".join(f"        option_{n}=settings.option_{n},\n" for n in range(30))
            + "    )\n"
        ),
    )
    INVALID: ClassVar[tuple[Invalid, ...]] = (
        Invalid(
            "def report(rows: list[str]) -> str:\n"
            + "".join(f"    line_{n} = rows[{n}]\n" for n in range(20))
            + "    return line_0\n",
            line=1,
            column=5,
            message_contains="Function `report` has 21 logical lines of body (limit 20)",
        ),
    )

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        limit = self.options.max_function_lines
        if self.options.count_physical_lines:
            count, unit = self._physical(original_node.body), "lines"
        else:
            count, unit = self._logical(original_node.body), "logical lines"
        if count > limit:
            name = original_node.name
            self.report(name, function=name.value, count=count, unit=unit, limit=limit)

    @staticmethod
    def _logical(body: cst.BaseSuite) -> int:
        count = logical_lines(body)
        if isinstance(body, cst.IndentedBlock) and _docstring(body) is not None:
            count -= 1
        if isinstance(body, cst.SimpleStatementSuite) and not _is_docstring(body.body):
            count = 1  # `def f(): return x`: the body is on the header's line
        return count

    def _physical(self, body: cst.BaseSuite) -> int:
        text = _body_text(self.context.module, body)
        # Physical lines bound the code lines: most functions need no tokenizing.
        if text.count("\n") + 1 <= self.options.max_function_lines:
            return 0
        return code_lines(text)
