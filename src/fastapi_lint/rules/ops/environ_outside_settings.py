"""FAPI902: environment variables read outside the settings module."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

import libcst as cst

from fastapi_lint.fastapi_model.module import ModuleModel
from fastapi_lint.fastapi_model.syntax import child_statements
from fastapi_lint.rule import FileContext, Invalid, Rule, Valid
from fastapi_lint.rules.ops._shared import path_matches, qualified_name_in_scope

_READ_CALLS = {
    "os.getenv": "os.getenv()",
    "os.getenvb": "os.getenvb()",
    "os.environ.get": "os.environ.get()",
    "os.environb.get": "os.environb.get()",
}
_ENVIRON = frozenset({"os.environ", "os.environb"})
_CALL_NAMES = frozenset({"getenv", "getenvb"})
_MAPPING_NAMES = frozenset({"environ", "environb"})
_BASE_SETTINGS = frozenset(
    {
        "pydantic_settings.BaseSettings",
        "pydantic_settings.main.BaseSettings",
        "pydantic.BaseSettings",
        "pydantic.env_settings.BaseSettings",
        "pydantic.v1.BaseSettings",
        "pydantic.v1.env_settings.BaseSettings",
    }
)


def _last_name(expr: cst.BaseExpression) -> str | None:
    if isinstance(expr, cst.Name):
        return expr.value
    if isinstance(expr, cst.Attribute):
        return expr.attr.value
    return None


def _may_read(func: cst.BaseExpression) -> bool:
    """``getenv(...)`` or ``<...environ>.get(...)``: the cheap test before resolving names."""
    name = _last_name(func)
    if name in _CALL_NAMES:
        return True
    return name == "get" and isinstance(func, cst.Attribute) and _mentions_environ(func.value)


def _mentions_environ(expr: cst.BaseExpression) -> bool:
    return _last_name(expr) in _MAPPING_NAMES


def _classes(module: cst.Module) -> Iterator[cst.ClassDef]:
    """Classes defined at import time, under ``if``/``try`` blocks included."""
    stack: list[cst.CSTNode] = list(module.body)
    while stack:
        node = stack.pop()
        if isinstance(node, cst.ClassDef):
            yield node
        elif not isinstance(node, cst.FunctionDef):
            stack.extend(child_statements(node))


def _holds_settings_class(module: cst.Module, model: ModuleModel) -> bool:
    return any(
        model.qualified_name(base.value) in _BASE_SETTINGS
        for cls in _classes(module)
        for base in cls.bases
    )


def _subscript_targets(target: cst.BaseExpression) -> Iterator[int]:
    """Ids of the subscripts a target writes, through tuple or list unpacking."""
    stack = [target]
    while stack:
        node = stack.pop()
        if isinstance(node, cst.Subscript):
            yield id(node)
        elif isinstance(node, cst.Tuple | cst.List):
            stack.extend(element.value for element in node.elements)


class EnvironOutsideSettings(Rule):
    """
    ## What it does
    Flags reads of environment variables (`os.getenv(...)`, `os.environ[...]`,
    `os.environ.get(...)`, also through `from os import getenv, environ`) outside the
    settings module: a file defining a `pydantic-settings` `BaseSettings` class, or matching
    the `settings-modules` globs. Tests and scripts (`script-modules`) are left alone.

    ## Why is this bad?
    Configuration read here and there is configuration nobody can list: each `os.getenv`
    is a hidden input with its own default, parsing and failure mode (a typo in a variable
    name silently gives `None`, a missing one fails at the first request instead of at
    startup). One typed settings object, a `BaseSettings` class, declares every variable,
    its type, its default and its validation in one place, fails fast at startup, and can
    be injected with `Depends` and overridden in tests: the 12-factor way.

    ## Example
    ```python
    import os

    from fastapi import FastAPI

    app = FastAPI()


    @app.get("/status")
    async def status() -> dict[str, str]:
        return {"region": os.environ.get("REGION", "eu-west-1")}
    ```

    ## Use instead
    ```python
    # settings.py
    from pydantic_settings import BaseSettings


    class Settings(BaseSettings):
        region: str = "eu-west-1"


    settings = Settings()

    # main.py
    from fastapi import FastAPI

    from app.settings import settings

    app = FastAPI()


    @app.get("/status")
    async def status() -> dict[str, str]:
        return {"region": settings.region}
    ```

    ## Options
    - `settings-modules`: gitignore-style globs, relative to the project root as for
      `per-file-ignores`, of the files where configuration is read. Default:
      `**/config.py`, `**/settings.py`, `**/env.py`, `**/config/**`, `**/settings/**`.
      Setting it replaces the default.
    - `script-modules`: files that are not application code (tests, scripts, command lines,
      migrations); see FAPI901 for the default.

    ## Known limitations
    Only reads are flagged: setting, deleting or copying the environment (for a subprocess,
    say) and `os.environ.setdefault(...)` are not, nor is a membership test
    (`"X" in os.environ`). A `BaseSettings` class is recognised by its direct bases in the
    same file; a file whose settings class derives from one imported from elsewhere is not
    taken for a settings module unless it matches `settings-modules`.
    """

    code = "FAPI902"
    name = "environ-outside-settings"
    family = "ops"
    severity = "warning"
    message = (
        "`{read}` reads the environment outside the settings module; declare the variable "
        "in your `BaseSettings` class and use the settings object"
    )
    VALID: ClassVar[tuple[Valid, ...]] = (
        Valid(
            "import os\n\nfrom pydantic_settings import BaseSettings\n\n\n"
            "class Settings(BaseSettings):\n    region: str = 'eu'\n\n\n"
            "DEBUG = os.getenv('DEBUG') == '1'\n"
        ),
        Valid("import os\n\nos.environ['TZ'] = 'UTC'\ndel os.environ['TZ']\n"),
        Valid("import os\nimport subprocess\n\nsubprocess.run(['ls'], env=dict(os.environ))\n"),
        Valid("environ = {'a': 1}\nvalue = environ.get('a')\n"),
    )
    INVALID: ClassVar[tuple[Invalid, ...]] = (
        Invalid(
            "import os\n\nREGION = os.environ.get('REGION', 'eu')\n",
            line=3,
            column=10,
            message_contains="`os.environ.get()`",
        ),
        Invalid("from os import getenv\n\nkey = getenv('KEY')\n", line=3, column=7),
        Invalid(
            "import os\n\n\ndef url() -> str:\n    return os.environ['DATABASE_URL']\n",
            line=5,
            column=12,
            message_contains="`os.environ[...]`",
        ),
    )

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self._exempt: bool | None = None
        # Subscripts written or deleted, not read: ``os.environ["X"] = "1"``.
        self._written: set[int] = set()

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self._written.update(_subscript_targets(target.target))

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._written.update(_subscript_targets(node.target))

    def visit_Del(self, node: cst.Del) -> None:
        self._written.update(_subscript_targets(node.target))

    def visit_Call(self, node: cst.Call) -> None:
        if not _may_read(node.func):
            return
        read = _READ_CALLS.get(qualified_name_in_scope(self.context, node.func) or "")
        if read is not None and not self._is_exempt():
            self.report(node, read=read)

    def visit_Subscript(self, node: cst.Subscript) -> None:
        if id(node) in self._written or not _mentions_environ(node.value):
            return
        qualified = qualified_name_in_scope(self.context, node.value)
        if qualified in _ENVIRON and not self._is_exempt():
            self.report(node, read=f"{qualified}[...]")

    def _is_exempt(self) -> bool:
        if self._exempt is None:
            options, context = self.options, self.context
            self._exempt = path_matches(
                context, (*options.settings_modules, *options.script_modules)
            ) or _holds_settings_class(context.module, context.model)
        return self._exempt
