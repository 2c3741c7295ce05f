from __future__ import annotations

from typing import ClassVar

from fastapi_lint.models import Diagnostic
from fastapi_lint.rule import EVERY_ROLE, Invalid, Rule, Valid


class SyntaxErrorRule(Rule):
    """
    ## What it does
    Reports a file that cannot be read, decoded or parsed as Python: a syntax error,
    bytes that are not valid in the file's encoding, NUL bytes, a file that vanished or
    cannot be opened, or code nested too deeply to analyse safely.

    ## Why is this bad?
    Nothing else can be checked in such a file, and Python cannot import it either.
    The finding is named `syntax-error` for code that does not parse and
    `unreadable-file` for files that cannot be read or decoded.

    ## Example
    ```python
    @app.get("/items")
    async def list_items(:
        ...
    ```

    ## Use instead
    ```python
    @app.get("/items")
    async def list_items() -> list[Item]:
        ...
    ```

    ## Options
    None. This finding is always reported and cannot be suppressed with `# noqa`.

    ## Known limitations
    Files nested deeper than CPython accepts (more than 200 brackets) or with expressions
    chained more than 1,000 levels deep are reported without being parsed, because the
    native parser could crash on them.
    """

    code = "FAPI000"
    name = "syntax-error"
    family = "syntax"
    roles = EVERY_ROLE
    message = "{message}"
    VALID: ClassVar[tuple[Valid, ...]] = (Valid("x = (1 + 2)\n"),)
    INVALID: ClassVar[tuple[Invalid, ...]] = (Invalid("def broken(:\n    pass\n", line=1),)

    @classmethod
    def diagnostic(
        cls,
        path: str,
        message: str,
        line: int,
        column: int,
        source_line: str,
        *,
        name: str = "syntax-error",
    ) -> Diagnostic:
        end_column = column + 1 if source_line else column
        return Diagnostic(
            code=cls.code,
            name=name,
            family=cls.family,
            severity="error",
            message=message,
            path=path,
            line=line,
            column=column,
            end_line=line,
            end_column=end_column,
            source_line=source_line,
        )
