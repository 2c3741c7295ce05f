"""FAPI404: a function whose body has more lines of code than the limit."""

from __future__ import annotations

import io
import tokenize
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

import libcst as cst

from fastapi_lint.rule import FileContext, Invalid, Rule, Valid
from fastapi_lint.rules.structure._blocks import Frames

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


@dataclass(slots=True)
class _Lines:
    """Code lines seen so far in a `def` or `class`: in its header, then in its body."""

    header: int = 0
    body: int = 0


class FunctionTooLong(Rule):
    """
    ## What it does
    Flags a function whose body has more lines of code than the limit. The count runs
    from the first statement after the docstring to the function's last line and leaves
    out blank lines and comment-only lines; every line of a multi-line string or of a
    statement spread over several lines counts.

    ## Why is this bad?
    A long endpoint or dependency does several things at once: parsing, validation,
    database work, response shaping. It cannot be read in one screen, its parts cannot
    be reused or tested alone, and changes to one concern risk breaking another.

    ## Example
    ```python
    @router.post("/signup")
    async def signup(form: SignupForm, db: Db) -> User:
        # ... 40 lines of validation, hashing, inserts and e-mails
    ```

    ## Use instead
    ```python
    @router.post("/signup")
    async def signup(form: SignupForm, db: Db) -> User:
        validate_signup(form)
        user = await create_user(db, form)
        await send_welcome_email(user)
        return user
    ```

    ## Options
    `max-function-lines` (default 20): the most lines of code a body may have.

    ## Known limitations
    A nested function's lines count toward the function around it, and the nested
    function is also checked on its own. As in Python, a docstring is a plain string
    literal (not bytes, not an f-string) that is the first statement of the body.
    """

    code = "FAPI404"
    name = "function-too-long"
    family = "structure"
    severity = "warning"
    message = "Function `{function}` has {count} lines of body (limit {limit})"
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
    )
    INVALID: ClassVar[tuple[Invalid, ...]] = (
        Invalid(
            "def report(rows: list[str]) -> str:\n"
            + "".join(f"    line_{n} = rows[{n}]\n" for n in range(20))
            + "    return line_0\n",
            line=1,
            column=5,
            message_contains="Function `report` has 21 lines of body (limit 20)",
        ),
    )

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self._frames: Frames[_Lines] = Frames()
        # A backslash continuation hides a line break in whitespace, which the walk does
        # not visit: such (rare) files are measured from the code of each function instead.
        self._by_text = "\\\n" in context.source or "\\\r" in context.source
        self._in_fstring = 0

    # Lines are counted during the walk, without generating code: every line break is a
    # `Newline` node or sits inside a string, and every blank or comment-only line is an
    # `EmptyLine` holding one `Newline`. So code lines = Newlines - EmptyLines + string breaks.

    def _add(self, lines: int) -> None:
        frame = self._frames.innermost()
        if frame is None:
            return
        if frame.in_body:
            frame.data.body += lines
        else:
            frame.data.header += lines

    def visit_Newline(self, node: cst.Newline) -> None:
        self._add(1)

    def visit_EmptyLine(self, node: cst.EmptyLine) -> None:
        # A blank line in the braces of a triple-quoted f-string is still string content.
        if not self._in_fstring:
            self._add(-1)

    def visit_FormattedString(self, node: cst.FormattedString) -> None:
        self._in_fstring += 1

    def leave_FormattedString(self, original_node: cst.FormattedString) -> None:
        self._in_fstring -= 1

    def visit_TemplatedString(self, node: cst.TemplatedString) -> None:
        self._in_fstring += 1

    def leave_TemplatedString(self, original_node: cst.TemplatedString) -> None:
        self._in_fstring -= 1

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        self._add(_breaks(node.value))

    def visit_FormattedStringText(self, node: cst.FormattedStringText) -> None:
        self._add(_breaks(node.value))

    def visit_TemplatedStringText(self, node: cst.TemplatedStringText) -> None:
        self._add(_breaks(node.value))

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._frames.push(node, _Lines())

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self._frames.push(node, _Lines())

    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        self._frames.enter_block(node)

    def visit_SimpleStatementSuite(self, node: cst.SimpleStatementSuite) -> None:
        self._frames.enter_block(node)

    def _pop(self) -> int:
        """Close a `def` or `class`: its lines, header included, belong to the enclosing one."""
        lines = self._frames.pop().data
        self._add(lines.header + lines.body)
        return lines.body

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self._pop()

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        count = self._count(original_node, self._pop())
        limit = self.options.max_function_lines
        if count > limit:
            name = original_node.name
            self.report(name, function=name.value, count=count, limit=limit)

    def _count(self, node: cst.FunctionDef, body_lines: int) -> int:
        body = node.body
        if self._by_text:
            return self._count_text(body)
        if isinstance(body, cst.SimpleStatementSuite):
            return 0 if _is_docstring(body.body) else body_lines
        if not isinstance(body, cst.IndentedBlock):
            return 0
        count = body_lines - 1  # the line break that ends the `def ...:` line
        docstring = _docstring(body)
        # Measuring the docstring costs code generation: only done when it may matter.
        if docstring is None or count <= self.options.max_function_lines:
            return count
        return count - code_lines(self.context.module.code_for_node(docstring))

    def _count_text(self, body: cst.BaseSuite) -> int:
        text = _body_text(self.context.module, body)
        # Physical lines bound the code lines: most functions need no tokenizing.
        if text.count("\n") <= self.options.max_function_lines:
            return 0
        return code_lines(text)
