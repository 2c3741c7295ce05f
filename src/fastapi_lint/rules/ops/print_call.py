"""FAPI901: ``print()`` in application code."""

from __future__ import annotations

from typing import ClassVar

import libcst as cst

from fastapi_lint.context.roles import Role
from fastapi_lint.fastapi_model.names import BoundValue
from fastapi_lint.fastapi_model.syntax import dotted_name
from fastapi_lint.rule import FileContext, Invalid, Rule, Valid
from fastapi_lint.rules.ops._shared import (
    is_console_module,
    path_matches,
    qualified_name_in_scope,
)

_PRINT = "builtins.print"
# Functions whose job is to write to the terminal: entry points, benchmarks, displays.
_CONSOLE_FUNCTIONS = frozenset({"main", "display", "show", "draw", "pretty_print"})
_CONSOLE_PREFIXES = ("print_", "_print", "benchmark", "_benchmark", "display_", "show_")


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
    Flags calls of the builtin `print()` inside the functions of application code. Left
    alone as terminal output by design: tests, scripts, entry points and migrations (the
    `script-modules` globs); modules that import a console library at their top (`click`,
    `typer`, `rich`, `colorama`) or an `echo` helper, the cores of command-line commands;
    code run at import time, outside any function (before logging is set up); and
    functions whose job is output: `main`, `display`, `show`, `draw`, `pretty_print`,
    `print_*`, `show_*`, `display_*`, `benchmark*`.

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
    - `strict = ["FAPI901"]`: every call of the builtin `print` outside the
      `script-modules` globs, as ruff's T201 (every T201 finding outside them is ours).
    - `script-modules`: gitignore-style globs, relative to the project root (the folder of
      the configuration file) as for `per-file-ignores`, of files that are not application
      code. Default: `**/tests/**`, `**/test/**`, `**/test_*.py`, `**/*_test.py`,
      `**/conftest.py`, `**/scripts/**`, `**/cli.py`, `**/cli/**`, `**/management/commands/**`
      (Django commands), `**/__main__.py`, `**/manage.py`, `**/setup.py`, `**/noxfile.py`,
      `**/migrations/**`, `**/alembic/**`. Setting it replaces the default.

    ## Known limitations
    `print` is the builtin unless the module, or a function around the call, binds the name
    (an import, a parameter, a `def`): `from rich import print` inside one function binds
    it in that function only. A `print` bound in a class body or through `import *` is
    taken for the builtin, and only module-level aliases
    (`from builtins import print as echo`) are followed. Output an SDK prints on purpose
    for notebook users (progress, a dry run's cost) is flagged like any other: add its
    path to `script-modules` or suppress the line.
    """

    code = "FAPI901"
    name = "print-call"
    family = "ops"
    roles = frozenset({Role.APP})
    severity = "warning"
    message = "`print()` in application code; log through a logger (`logging`, `loguru`) instead"
    VALID: ClassVar[tuple[Valid, ...]] = (
        Valid(
            "import logging\n\nlogger = logging.getLogger(__name__)\n\n\n"
            "def handle(order_id: int) -> None:\n"
            "    logger.info('order %s', order_id)\n"
        ),
        Valid("from rich import print\n\n\ndef done() -> None:\n    print('[bold]done[/bold]')\n"),
        Valid("def report(print: object) -> None:\n    print('shadowed')\n"),
        Valid("console.print('a rich console is a logger of sorts')\n"),
    )
    INVALID: ClassVar[tuple[Invalid, ...]] = (
        Invalid(
            "async def create_order(order_id: int) -> None:\n    print('creating', order_id)\n",
            line=2,
            column=5,
        ),
        Invalid(
            "import builtins\n\n\ndef dump(row: dict) -> None:\n    builtins.print(row)\n",
            line=5,
            column=5,
        ),
    )

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self._is_script: bool | None = None

    def visit_Call(self, node: cst.Call) -> None:
        if not self._may_be_print(node.func) or self._resolve(node.func) != _PRINT:
            return
        if self._is_script is None:
            self._is_script = path_matches(self.context, self.options.script_modules)
        if self._is_script:
            return
        if self.options.is_strict(self.code) or not self._in_console_code():
            self.report(node)

    def _resolve(self, func: cst.BaseExpression) -> str | None:
        """What ``print`` names here: an import inside another function binds it there only."""
        if not (isinstance(func, cst.Name) and func.value == "print"):
            return qualified_name_in_scope(self.context, func)
        model = self.context.model
        functions = (s for s in reversed(self.context.scopes) if type(s) is cst.FunctionDef)
        for scope in functions:
            value = model.function_bindings(scope).get("print")
            if value is not None:
                return _bound_name(value)
        value = model.module_value("print")
        return _PRINT if value is None else _bound_name(value)

    def _in_console_code(self) -> bool:
        """Outside any function (import time, before logging is set up), or in a function
        whose job is terminal output (`main`, `display`, `_benchmark`, `print_*`)."""
        functions = [s.name.value for s in self.context.scopes if type(s) is cst.FunctionDef]
        if not functions or self.context.shared(is_console_module):
            return True
        return any(
            name in _CONSOLE_FUNCTIONS or name.startswith(_CONSOLE_PREFIXES) for name in functions
        )

    def _may_be_print(self, func: cst.BaseExpression) -> bool:
        """``print``, ``builtins.print`` or an alias: the cheap test before resolving names."""
        if isinstance(func, cst.Attribute):
            return func.attr.value == "print"
        if not isinstance(func, cst.Name):
            return False
        return func.value == "print" or func.value in self.context.shared(_print_aliases)


def _bound_name(value: BoundValue) -> str | None:
    """The qualified name a binding of ``print`` refers to, when it is a known callable."""
    return value.qualified if value.known and not value.is_instance else None
