from __future__ import annotations

from typing import ClassVar

from fastapi_lint.models import Diagnostic, Severity
from fastapi_lint.rule import EVERY_ROLE, Invalid, Rule, Valid


class SyntaxErrorRule(Rule):
    """
    ## What it does
    Reports a file that cannot be read, decoded or parsed as Python: a syntax error,
    bytes that are not valid in the file's encoding, NUL bytes, a file that vanished or
    cannot be opened, or code nested too deeply to analyse safely.

    ## Why is this bad?
    Nothing else can be checked in such a file, and Python cannot import it either.
    The finding is named `syntax-error` for code that CPython rejects (including what
    its compiler rejects after parsing: a duplicate argument, `return` outside a
    function, a second byte-order mark) and `unreadable-file` for files that cannot be
    read or decoded. Code that CPython compiles but the analyser cannot read is a
    warning named `not-analysed`, which says so plainly: the code is not at fault.

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
    Files nested deeper than CPython accepts (more than 200 brackets, f-string
    replacement fields included) are syntax errors; expressions chained more than 1,000
    levels deep, or chains of more than 300 calls or subscripts (`a[0][0]...`), are
    `not-analysed`: the native parser could crash on them, or take minutes. Indentation
    that mixes tabs and spaces the way CPython accepts is read after expanding the tabs
    (lines do not move, columns on such lines count a tab as up to 8); such a file gets
    no fixes. Errors CPython reports only on some versions (newer syntax) are left to
    the version that runs the code.
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
        severity: Severity = "error",
    ) -> Diagnostic:
        end_column = column + 1 if source_line else column
        return Diagnostic(
            code=cls.code,
            name=name,
            family=cls.family,
            severity=severity,
            message=message,
            path=path,
            line=line,
            column=column,
            end_line=line,
            end_column=end_column,
            source_line=source_line,
        )
