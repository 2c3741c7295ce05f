"""FAPI805: ``FastAPI(debug=True)`` or ``Starlette(debug=True)`` outside a debug-only branch."""

from __future__ import annotations

from typing import ClassVar

import libcst as cst

from fastapi_lint.context.roles import Role
from fastapi_lint.rule import FileContext, Invalid, Rule, Valid
from fastapi_lint.rules.security._values import call_names, callee_name, is_true

_APP_CLASSES = frozenset(
    {
        "fastapi.FastAPI",
        "fastapi.applications.FastAPI",
        "starlette.applications.Starlette",
    }
)
# A condition naming one of these (``if settings.DEBUG:``, ``if in_debug_mode():``)
# already keeps the flag to development: the setting is switched, not hardcoded.
_DEBUG_WORDS = ("debug", "develop", "local")


class DebugEnabled(Rule):
    """
    ## What it does
    Flags `FastAPI(debug=True)` and `Starlette(debug=True)`, and `app.debug = True` on a
    module-level app, unless the code sits in an `if`/`else` whose condition names a debug
    or development switch.

    ## Why is this bad?
    In debug mode every unhandled exception is answered with its full traceback, as an
    HTML page, to whoever sent the request: source lines, file paths, local values and
    sometimes configuration leak to the outside world. Debug mode belongs to a developer's
    machine, switched on by configuration, never hardcoded in the application.

    ## Example
    ```python
    from fastapi import FastAPI

    app = FastAPI(debug=True)
    ```

    ## Use instead
    ```python
    from fastapi import FastAPI

    from app.config import settings

    app = FastAPI(debug=settings.debug)
    ```

    ## Options
    None.

    ## Known limitations
    Only the literal `True` is flagged: `debug=settings.debug` or a constant defined
    elsewhere is taken as configuration. A debug-only branch is recognised by its
    condition's text (`debug`, `develop`, `local`), not by what the condition computes.
    Subclasses of `FastAPI` and app factories from other libraries are not followed.
    """

    code = "FAPI805"
    name = "debug-enabled"
    family = "security"
    roles = frozenset({Role.APP})
    severity = "error"
    message = (
        "Debug mode is hardcoded on: tracebacks are sent to clients; "
        "read it from settings (`debug=settings.debug`)"
    )
    VALID: ClassVar[tuple[Valid, ...]] = (
        Valid("from fastapi import FastAPI\n\napp = FastAPI(debug=False)\n"),
        Valid(
            "from fastapi import FastAPI\n\nfrom app.config import settings\n\n"
            "app = FastAPI(debug=settings.debug)\n"
        ),
        Valid(
            "from fastapi import FastAPI\n\nfrom app.config import settings\n\n"
            "if settings.debug:\n    app = FastAPI(debug=True)\n"
            "else:\n    app = FastAPI(docs_url=None)\n"
        ),
        Valid("class FastAPI:\n    def __init__(self, debug: bool) -> None: ...\n\n\n"
              "app = FastAPI(debug=True)\n"),
    )  # fmt: skip
    INVALID: ClassVar[tuple[Invalid, ...]] = (
        Invalid("from fastapi import FastAPI\n\napp = FastAPI(debug=True)\n", line=3, column=15),
        Invalid(
            "from starlette.applications import Starlette\n\n"
            "app = Starlette(routes=[], debug=True)\n",
            line=3,
            column=28,
        ),
        Invalid(
            "import fastapi\n\napp = fastapi.FastAPI()\napp.debug = True\n",
            line=4,
            column=1,
        ),
    )

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        # Conditions of the `if` statements around the node being visited, read only
        # when a candidate is found: rendering every condition would cost every file.
        self._conditions: list[cst.BaseExpression] = []
        self._names: frozenset[str] | None = None
        self._relevant = "debug" in context.source  # `debug=True` or `.debug = True`

    def visit_If(self, node: cst.If) -> None:
        self._conditions.append(node.test)

    def leave_If(self, original_node: cst.If) -> None:
        self._conditions.pop()

    def visit_Call(self, node: cst.Call) -> None:
        if not self._relevant or callee_name(node) not in self._app_names():
            return
        if self.context.model.qualified_name(node.func) not in _APP_CLASSES:
            return
        for arg in node.args:
            keyword = arg.keyword.value if arg.keyword is not None else ""
            if keyword == "debug" and is_true(arg.value) and not self._guarded():
                self.report(arg)

    def _guarded(self) -> bool:
        """Inside an ``if``/``elif``/``else`` whose condition names a debug switch."""
        code = self.context.module.code_for_node
        return any(word in code(test).lower() for test in self._conditions for word in _DEBUG_WORDS)

    def _app_names(self) -> frozenset[str]:
        if self._names is None:
            self._names = call_names(self.context.model, _APP_CLASSES)
        return self._names

    def visit_Assign(self, node: cst.Assign) -> None:
        if not self._relevant or not is_true(node.value) or self.context.scopes:
            return
        for target in node.targets:
            if self._is_app_debug(target.target) and not self._guarded():
                self.report(node)

    def _is_app_debug(self, target: cst.BaseExpression) -> bool:
        if not isinstance(target, cst.Attribute) or target.attr.value != "debug":
            return False
        if not isinstance(target.value, cst.Name):
            return False
        bound = self.context.model.module_bindings.get(target.value.value)
        return bound is not None and bound.qualified in _APP_CLASSES and bound.is_instance
