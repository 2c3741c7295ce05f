"""FAPI901: ``print()`` in application code."""

from __future__ import annotations

from typing import ClassVar

import libcst as cst

from fastapi_lint.fastapi_model.syntax import dotted_name
from fastapi_lint.rule import FileContext, Invalid, Rule, Valid
from fastapi_lint.rules.ops._shared import path_matches, qualified_name_in_scope

_PRINT = "builtins.print"


def _print_aliases(module: cst.Module) -> frozenset[str]:
    """Names the module imports ``print`` as: ``from builtins import print as echo``."""
    names: set[str] = set()
    for node in module.body:
        statement = node.body[0] if isinstance(node, cst.SimpleStatementLine) else None
        if not isinstance(statement, cst.ImportFrom) or isinstance(statement.names, cst.ImportStar):
            continue
        if dotted_name(statement.module) != "builtins":
            continue
        names.update(
            alias.asname.name.value
            for alias in statement.names
            if dotted_name(alias.name) == "print"
            and alias.asname is not None
            and isinstance(alias.asname.name, cst.Name)
        )
    return frozenset(names)


class PrintCall(Rule):
    """
    ## What it does
    Flags calls of the builtin `print()` in application code; tests, scripts, entry points
    and migrations (the `script-modules` globs) are left alone.

    ## Why is this bad?
    A service's output goes to a log pipeline, not to a terminal. `print` has no level, no
    logger name, no timestamp and no structure, cannot be filtered or silenced per module,
    and is easily left behind after debugging, sometimes with secrets or personal data in
    it. Under uvicorn with several workers, printed lines interleave and may be buffered
    until the process exits. A logger (`logging`, `structlog`, `loguru`) fixes all of this.

    ## Example
    ```python
    from fastapi import FastAPI

    app = FastAPI()


    @app.post("/orders")
    async def create_order(order: Order) -> Order:
        print("creating order", order.id)
        return await save(order)
    ```

    ## Use instead
    ```python
    import logging

    from fastapi import FastAPI

    logger = logging.getLogger(__name__)
    app = FastAPI()


    @app.post("/orders")
    async def create_order(order: Order) -> Order:
        logger.info("creating order %s", order.id)
        return await save(order)
    ```

    ## Options
    - `script-modules`: gitignore-style globs, relative to the project root (the folder of
      the configuration file) as for `per-file-ignores`, of files that are not application
      code. Default: `**/tests/**`, `**/test/**`, `**/test_*.py`, `**/*_test.py`,
      `**/conftest.py`, `**/scripts/**`, `**/cli.py`, `**/cli/**`, `**/management/commands/**`
      (Django commands), `**/__main__.py`, `**/manage.py`, `**/setup.py`, `**/noxfile.py`,
      `**/migrations/**`, `**/alembic/**`. Setting it replaces the default.

    ## Known limitations
    `print` is the builtin unless the module, or a function around the call, binds the name
    (an import, a parameter, a `def`); a `print` bound in a class body or through `import *`
    is taken for the builtin, and only module-level aliases
    (`from builtins import print as echo`) are followed. Command-line code outside the
    `script-modules` globs (an `if __name__ == "__main__":` block, a `typer` app in
    `commands.py`) is flagged like any other: add its path to `script-modules`. Every
    finding of ruff's T201 outside those globs is also ours.
    """

    code = "FAPI901"
    name = "print-call"
    family = "ops"
    severity = "warning"
    message = "`print()` in application code; log through a logger (`logging`, `loguru`) instead"
    VALID: ClassVar[tuple[Valid, ...]] = (
        Valid(
            "import logging\n\nlogger = logging.getLogger(__name__)\n\n\n"
            "def handle(order_id: int) -> None:\n"
            "    logger.info('order %s', order_id)\n"
        ),
        Valid("from rich import print\n\nprint('[bold]done[/bold]')\n"),
        Valid("def report(print: object) -> None:\n    print('shadowed')\n"),
        Valid("console.print('a rich console is a logger of sorts')\n"),
    )
    INVALID: ClassVar[tuple[Invalid, ...]] = (
        Invalid(
            "async def create_order(order_id: int) -> None:\n    print('creating', order_id)\n",
            line=2,
            column=5,
        ),
        Invalid("import builtins\n\nbuiltins.print('x')\n", line=3, column=1),
    )

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self._is_script: bool | None = None

    def visit_Call(self, node: cst.Call) -> None:
        if not self._may_be_print(node.func):
            return
        if qualified_name_in_scope(self.context, node.func) != _PRINT:
            return
        if self._is_script is None:
            self._is_script = path_matches(self.context, self.options.script_modules)
        if not self._is_script:
            self.report(node)

    def _may_be_print(self, func: cst.BaseExpression) -> bool:
        """``print``, ``builtins.print`` or an alias: the cheap test before resolving names."""
        if isinstance(func, cst.Attribute):
            return func.attr.value == "print"
        if not isinstance(func, cst.Name):
            return False
        return func.value == "print" or func.value in self.context.shared(_print_aliases)
