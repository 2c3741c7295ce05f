"""FAPI902: environment variables read outside the settings module."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

import libcst as cst

from fastapi_lint.context.roles import Role
from fastapi_lint.fastapi_model.module import ModuleModel
from fastapi_lint.fastapi_model.syntax import child_statements, string_value
from fastapi_lint.rule import FileContext, Invalid, Rule, Valid
from fastapi_lint.rules.ops._shared import (
    is_console_module,
    path_matches,
    qualified_name_in_scope,
)

_READ_CALLS = frozenset({"os.getenv", "os.getenvb", "os.environ.get", "os.environb.get"})
# Variables of the platform and of third-party tools, read by their documented names:
# runtime detection (`TZ`, `RUNNING_IN_DOCKER`), not the application's configuration.
_PLATFORM_NAMES = frozenset(
    {
        "TZ", "HOME", "USER", "USERNAME", "LOGNAME", "PATH", "HOSTNAME", "LANG", "TERM",
        "SHELL", "PWD", "TMPDIR", "TEMP", "TMP", "CI", "DISPLAY", "EDITOR", "NO_COLOR",
        "FORCE_COLOR", "COLUMNS", "VIRTUAL_ENV", "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY",
        "ALL_PROXY", "SSL_CERT_FILE", "SSL_CERT_DIR", "REQUESTS_CA_BUNDLE",
        "CURL_CA_BUNDLE", "CUDA_VISIBLE_DEVICES", "AWS_EXECUTION_ENV", "LAMBDA_TASK_ROOT",
        "K_SERVICE", "DYNO",
    }
)  # fmt: skip
_PLATFORM_PREFIXES = (
    "LC_", "DD_", "OTEL_", "AWS_LAMBDA_", "KUBERNETES_SERVICE_", "PYTHON", "CONDA_",
    "XDG_", "JPY_", "JUPYTER", "COLAB_", "GITHUB_", "GITLAB_", "ECS_CONTAINER_",
)  # fmt: skip
_PLATFORM_SUFFIXES = ("_IN_DOCKER", "_IN_CONTAINER")
# SDK and client code: defaulting to the user's variables is the convention there.
_CLIENT_FOLDERS = frozenset({"client", "clients", "sdk"})
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
    the `settings-modules` globs. Tests and scripts (`script-modules`) are left alone, and
    so are reads that are not the application's configuration:
    - the platform's and third-party tools' variables, read by their documented names
      (`TZ`, `HOME`, `CI`, `*_IN_DOCKER`, `DD_*`, `OTEL_*`, `AWS_LAMBDA_*`, proxies,
      CA bundles);
    - a variable named by the caller (`os.getenv(name)`): the helper is the loader;
    - a variable forwarded under its own name (`env["TOKEN"] = os.environ["TOKEN"]`);
    - SDK and client code (a `client/`, `clients/` or `sdk/` folder, a class or function
      named `*Client*`), `main()`, and command-line modules (those importing `click`,
      `typer`, `rich`, `colorama` or an `echo` helper at their top).

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
      `**/*config.py`, `**/*settings.py`, `**/*conf.py` (`celeryconfig.py`,
      `gunicorn_conf.py`), `**/env.py`, `**/config/**`, `**/settings/**` and
      `**/logging/**` (logging set up before any settings object exists). Setting it
      replaces the default.
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
    roles = frozenset({Role.APP})
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
            message_contains="`os.environ.get('REGION', 'eu')`",
        ),
        Invalid("from os import getenv\n\nkey = getenv('KEY')\n", line=3, column=7),
        Invalid(
            "import os\n\n\ndef url() -> str:\n    return os.environ['DATABASE_URL']\n",
            line=5,
            column=12,
            message_contains="`os.environ['DATABASE_URL']`",
        ),
    )

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self._exempt: bool | None = None
        # Subscripts written or deleted, not read: ``os.environ["X"] = "1"``.
        self._written: set[int] = set()
        self._forwarded: dict[int, str] = {}

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self._written.update(_subscript_targets(target.target))
        # ``env["TOKEN"] = os.environ["TOKEN"]``: forwarded to a child process or remote run.
        if len(node.targets) == 1 and isinstance(node.targets[0].target, cst.Subscript):
            key = _subscript_key(node.targets[0].target)
            if key is not None:
                self._forwarded[id(node.value)] = key

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._written.update(_subscript_targets(node.target))

    def visit_Del(self, node: cst.Del) -> None:
        self._written.update(_subscript_targets(node.target))

    def visit_Call(self, node: cst.Call) -> None:
        if not _may_read(node.func):
            return
        qualified = qualified_name_in_scope(self.context, node.func) or ""
        if qualified in _READ_CALLS:
            first = next((arg.value for arg in node.args if arg.keyword is None), None)
            self._check(node, first)

    def visit_Subscript(self, node: cst.Subscript) -> None:
        if id(node) in self._written or not _mentions_environ(node.value):
            return
        if qualified_name_in_scope(self.context, node.value) in _ENVIRON:
            self._check(node, _subscript_index(node))

    def _check(self, node: cst.Call | cst.Subscript, key: cst.BaseExpression | None) -> None:
        variable = _literal(key)
        if variable is None:
            return  # a name the caller chooses: a helper that is itself the config loader
        if _is_platform(variable) or self._forwarded.get(id(node)) == variable:
            return
        if self._in_console_or_client_code() or self._is_exempt():
            return
        read = " ".join(self.context.module.code_for_node(node).split())
        self.report(node, read=read)

    def _in_console_or_client_code(self) -> bool:
        """`main()`, a client class or factory, or a module of command-line code."""
        for scope in self.context.scopes:
            name = scope.name.value if isinstance(scope, cst.FunctionDef | cst.ClassDef) else ""
            if name == "main" or "client" in name.lower():
                return True
        return self.context.shared(is_console_module)

    def _is_exempt(self) -> bool:
        if self._exempt is None:
            options, context = self.options, self.context
            self._exempt = (
                _is_client_path(context.path)
                or path_matches(context, (*options.settings_modules, *options.script_modules))
                or _holds_settings_class(context.module, context.model)
            )
        return self._exempt


def _literal(key: cst.BaseExpression | None) -> str | None:
    """The variable's name when written as a literal (``"A"`` or ``b"A"``)."""
    if not isinstance(key, cst.SimpleString):
        return None
    value = key.evaluated_value
    return value.decode(errors="replace") if isinstance(value, bytes) else value


def _is_platform(variable: str) -> bool:
    name = variable.upper()
    return (
        name in _PLATFORM_NAMES
        or name.startswith(_PLATFORM_PREFIXES)
        or name.endswith(_PLATFORM_SUFFIXES)
    )


def _is_client_path(path: str) -> bool:
    """SDK or client code, by its folder."""
    folders = {part.lower() for part in path.replace("\\", "/").split("/")[:-1]}
    return bool(folders & _CLIENT_FOLDERS)


def _subscript_index(node: cst.Subscript) -> cst.BaseExpression | None:
    if len(node.slice) != 1 or not isinstance(node.slice[0].slice, cst.Index):
        return None
    return node.slice[0].slice.value


def _subscript_key(node: cst.Subscript) -> str | None:
    index = _subscript_index(node)
    return string_value(index) if index is not None else None
