"""FAPI901-FAPI907 (the `ops` family) and their options, beyond the rules' own examples."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from fastapi_lint.cli import cli
from fastapi_lint.config import ConfigError, load_config
from fastapi_lint.options import (
    DEFAULT_BOOLEAN_PREFIXES,
    DEFAULT_SCRIPT_MODULES,
    DEFAULT_SERVICE_MODULES,
    DEFAULT_SETTINGS_MODULES,
    RuleOptions,
)
from fastapi_lint.rule import Rule
from fastapi_lint.rules.ops.boolean_name_without_prefix import BooleanNameWithoutPrefix
from fastapi_lint.rules.ops.environ_outside_settings import EnvironOutsideSettings
from fastapi_lint.rules.ops.generic_exception import GenericException
from fastapi_lint.rules.ops.http_exception_in_service import HttpExceptionInService
from fastapi_lint.rules.ops.module_name_not_snake_case import ModuleNameNotSnakeCase
from fastapi_lint.rules.ops.print_call import PrintCall
from fastapi_lint.rules.ops.swallowed_exception import SwallowedException
from fastapi_lint.runner.single_file import lint_source


def spots(
    rule: type[Rule], source: str, path: str = "app/main.py", options: RuleOptions | None = None
) -> list[tuple[int, int]]:
    """(line, column) of each finding of ``rule``."""
    result = lint_source(textwrap.dedent(source), path, (rule,), options)
    assert not result.internal_errors, result.internal_errors
    return [(d.line, d.column) for d in result.diagnostics]


def messages(rule: type[Rule], source: str, path: str = "app/main.py") -> list[str]:
    result = lint_source(textwrap.dedent(source), path, (rule,))
    return [d.message for d in result.diagnostics]


# -- FAPI901 print-call ------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "tests/test_orders.py",
        "app/tests/helpers.py",
        "test/x.py",
        "test_orders.py",
        "app/orders_test.py",
        "conftest.py",
        "app/tests/conftest.py",
        "scripts/seed.py",
        "app/cli.py",
        "app/cli/commands.py",
        "app/__main__.py",
        "manage.py",
        "setup.py",
        "noxfile.py",
        "app/migrations/0001_initial.py",
        "alembic/versions/abc123_users.py",
        "app/management/commands/seed_db.py",
    ],
)
def test_print_is_allowed_in_scripts_and_tests(path: str) -> None:
    assert spots(PrintCall, "print('hello')\n", path) == []


@pytest.mark.parametrize(
    "path", ["app/main.py", "app/routers/orders.py", "main.py", "app/testing.py", "contest.py"]
)
def test_print_is_flagged_in_application_code(path: str) -> None:
    assert spots(PrintCall, "def handle() -> None:\n    print('hello')\n", path) == [(2, 5)]


STRICT_PRINT = RuleOptions(strict=("FAPI901",))


def test_print_flagged_wherever_it_is_the_builtin() -> None:
    source = """\
        import builtins
        import builtins as b
        from builtins import open as echo_file, print as echo

        print("a")
        builtins.print("b")
        b.print("c")
        echo("d")
        echo_file("not print")


        async def route() -> None:
            print("in a route")


        class Service:
            def run(self) -> None:
                print("in a method")


        if __name__ == "__main__":
            print("a __main__ block is flagged in strict mode only")
        """
    found = [(5, 1), (6, 1), (7, 1), (8, 1), (13, 5), (18, 9), (22, 5)]
    assert spots(PrintCall, source, options=STRICT_PRINT) == found
    # By default, code run at import time (a `__main__` block) is terminal output.
    assert spots(PrintCall, source) == [(13, 5), (18, 9)]


def test_print_bound_by_an_import_inside_one_function_is_bound_there_only() -> None:
    source = """\
        def pretty(rows: list[str]) -> None:
            from rich import print

            print("[b]rows[/b]", rows)


        async def route() -> None:
            print("the builtin")
        """
    assert spots(PrintCall, source) == [(8, 5)]


@pytest.mark.parametrize(
    "source",
    [
        "import click\n\n\ndef audit() -> None:\n    print('compliant')\n",
        "from rich.console import Console\n\n\ndef audit() -> None:\n    print('x')\n",
        "from colorama import Fore\n\n\ndef run() -> None:\n    print(Fore.GREEN + 'ok')\n",
        "from app.utils import echo_green\n\n\ndef run() -> None:\n    print('-' * 10)\n",
        "def main() -> None:\n    print('usage')\n",
        "def _benchmark() -> None:\n    print('took', 1)\n",
        "class Metric:\n    def display(self) -> None:\n        print(self)\n",
        "def print_table(rows: list) -> None:\n    print(rows)\n",
        "try:\n    import dotenv\nexcept ImportError:\n    print('no dotenv')\n",
    ],
)
def test_print_in_console_code_is_left_alone(source: str) -> None:
    assert spots(PrintCall, source) == []
    assert spots(PrintCall, source, options=STRICT_PRINT) != []


def test_print_a_console_import_inside_a_function_does_not_make_a_console_module() -> None:
    source = "def f() -> None:\n    import click\n\n\ndef g() -> None:\n    print('x')\n"
    assert spots(PrintCall, source) == [(6, 5)]


def test_print_not_flagged_when_the_name_is_bound_to_something_else() -> None:
    source = """\
        from rich import print
        import logging

        print("rich")


        def log(print: logging.Logger) -> None:
            print.info("a parameter")


        def outer() -> None:
            print = logging.getLogger().info

            def inner() -> None:
                print("bound in the enclosing function")

            print("bound here")


        console.print("an attribute of something else")
        """
    assert spots(PrintCall, source) == []


def test_print_module_level_def_shadows_the_builtin() -> None:
    assert spots(PrintCall, "def print(*args: object) -> None: ...\n\n\nprint('mine')\n") == []


def test_script_modules_option_replaces_the_default() -> None:
    options = RuleOptions(script_modules=("**/tools/**",), strict=("FAPI901",))
    assert spots(PrintCall, "print('x')\n", "app/tools/dump.py", options) == []
    assert spots(PrintCall, "print('x')\n", "tests/test_x.py", options) == [(1, 1)]
    no_globs = RuleOptions(script_modules=(), strict=("FAPI901",))
    assert spots(PrintCall, "print('x')\n", "tests/test_x.py", no_globs) == [(1, 1)]


def test_script_modules_are_relative_to_the_project_root(tmp_path: Path) -> None:
    """An anchored glob matches from the root the options name, not from anywhere."""
    options = RuleOptions(script_modules=("tools/*.py",), project_root=str(tmp_path))
    inside = str(tmp_path / "tools" / "dump.py")
    deeper = str(tmp_path / "app" / "tools" / "dump.py")
    source = "def dump() -> None:\n    print('x')\n"
    assert spots(PrintCall, source, inside, options) == []
    assert spots(PrintCall, source, deeper, options) == [(2, 5)]


def test_script_modules_from_pyproject_through_the_cli(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.fastapi-lint]\nscript-modules = ["ops/**"]\n', encoding="utf-8"
    )
    for folder in ("ops", "app", "alembic", "tests"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "job.py").write_text(
            "def job() -> None:\n    print('x')\n", encoding="utf-8"
        )
    monkeypatch.chdir(tmp_path / "app")  # globs stay relative to the root, not the cwd
    result = CliRunner().invoke(
        cli,
        ["check", "..", "--select", "FAPI901", "--output-format", "concise", "--no-cache"],
        catch_exceptions=False,
    )
    flagged = sorted(line.split(":")[0] for line in result.stdout.splitlines() if "FAPI901" in line)
    # Paths are shown relative to the working directory, or absolute outside it. The
    # default globs were replaced (``**/alembic/**`` is one), and ``tests/job.py`` is a
    # test file by its role, which FAPI901 does not review whatever the globs say.
    assert flagged == [str(tmp_path / "alembic" / "job.py"), "job.py"]


# -- FAPI902 environ-outside-settings ---------------------------------------------

ENV_READS = """\
    import os
    from os import environ, getenv
    import os as system

    a = os.getenv("A")
    b = os.environ["B"]
    c = os.environ.get("C", "default")
    d = getenv("D")
    e = environ["E"]
    f = environ.get("F")
    g = system.environ.get("G")
    h = os.getenvb(b"H")
    """


def test_every_kind_of_environment_read_is_flagged() -> None:
    assert spots(EnvironOutsideSettings, ENV_READS) == [
        (5, 5),
        (6, 5),
        (7, 5),
        (8, 5),
        (9, 5),
        (10, 5),
        (11, 5),
        (12, 5),
    ]


def test_environment_read_inside_functions_is_flagged() -> None:
    source = """\
        import os


        def database_url() -> str:
            return os.environ["DATABASE_URL"]


        class Mailer:
            def __init__(self) -> None:
                self.key = os.getenv("KEY")
        """
    assert spots(EnvironOutsideSettings, source) == [(5, 12), (10, 20)]


_READ_A = "import os\n\n\ndef value() -> str | None:\n    return os.getenv('APP_REGION')\n"


@pytest.mark.parametrize(
    ("source", "path"),
    [
        # the platform's and third-party tools' variables
        ("import os\n\n\ndef tz() -> str:\n    return os.getenv('TZ') or os.environ['HOME']\n",
         "app/clock.py"),
        ("import os\n\nDOCKER = os.getenv('RUNNING_IN_DOCKER')\nDD = os.getenv('DD_AGENT_HOST')\n",
         "app/metrics.py"),
        # a variable named by the caller: the helper is the loader
        ("import os\n\n\ndef flag(name: str) -> bool:\n    return os.getenv(name) == '1'\n",
         "app/flags_helper.py"),
        # forwarded to a remote run under its own name
        ("import os\n\n\ndef env() -> dict:\n    env = {}\n"
         "    env['HF_TOKEN'] = os.environ['HF_TOKEN']\n    return env\n", "app/jobs.py"),
        # configuration and bootstrap modules, client code
        (_READ_A, "app/celeryconfig.py"),
        (_READ_A, "app/gunicorn_conf.py"),
        (_READ_A, "app/logging/logger.py"),
        (_READ_A, "sdk/client/client.py"),
        ("import os\n\n\nclass ApiClient:\n    key = os.getenv('APP_API_KEY')\n", "app/api.py"),
        ("import os\n\n\ndef CloudClient() -> str | None:\n    return os.getenv('APP_KEY')\n",
         "app/__init__.py"),
        ("import os\n\n\ndef main() -> None:\n    run(os.environ['APP_KEY'])\n", "app/bing.py"),
        ("import os\n\nimport click\n\n\ndef creds() -> str | None:\n"
         "    return os.getenv('APP_CREDENTIALS_PATH')\n", "app/core/utils.py"),
    ],
)  # fmt: skip
def test_environ_reads_that_are_not_app_configuration(source: str, path: str) -> None:
    assert spots(EnvironOutsideSettings, source, path) == []


@pytest.mark.parametrize(
    "path", ["app/routers/research.py", "app/statistics.py", "app/configure.py", "app/env_utils.py"]
)
def test_environ_read_in_application_code_is_flagged(path: str) -> None:
    assert spots(EnvironOutsideSettings, _READ_A, path) == [(5, 12)]


def test_environment_writes_and_copies_are_not_flagged() -> None:
    source = """\
        import os
        import subprocess
        from unittest import mock

        os.environ["TZ"] = "UTC"
        os.environ["PATH"] += ":/opt/bin"
        os.environ["A"], os.environ["B"] = "1", "2"
        del os.environ["TZ"]
        os.environ.setdefault("PYTHONUTF8", "1")
        os.environ.update({"X": "1"})
        os.environ.pop("X", None)
        env = os.environ.copy()
        subprocess.run(["ls"], env={**os.environ, "LANG": "C"})
        has_home = "HOME" in os.environ
        with mock.patch.dict(os.environ, {"A": "1"}):
            pass
        """
    assert spots(EnvironOutsideSettings, source) == []


def test_names_that_are_not_the_os_module_are_not_flagged() -> None:
    source = """\
        environ = {"A": "1"}
        a = environ.get("A")
        b = environ["A"]


        def getenv(name: str) -> str:
            return name


        c = getenv("C")
        request.environ.get("wsgi.input")
        """
    assert spots(EnvironOutsideSettings, source) == []


@pytest.mark.parametrize(
    "path",
    [
        "app/config.py",
        "app/core/config.py",
        "config.py",
        "app/settings.py",
        "app/env.py",
        "app/config/database.py",
        "app/settings/production.py",
        "tests/test_config.py",
        "scripts/bootstrap.py",
        "alembic/env.py",
    ],
)
def test_settings_modules_and_scripts_may_read_the_environment(path: str) -> None:
    assert spots(EnvironOutsideSettings, ENV_READS, path) == []


@pytest.mark.parametrize(
    "base",
    [
        "from pydantic_settings import BaseSettings",
        "from pydantic import BaseSettings",
        "from pydantic.v1 import BaseSettings",
        "import pydantic_settings\nBaseSettings = pydantic_settings.BaseSettings",
    ],
)
def test_a_file_holding_a_base_settings_class_is_the_settings_module(base: str) -> None:
    source = (
        f"import os\n{base}\n\n\n"
        "class Settings(BaseSettings):\n    region: str = 'eu'\n\n\n"
        "LOG_LEVEL = os.getenv('LOG_LEVEL', 'INFO')\n"
    )
    assert spots(EnvironOutsideSettings, source) == []


def test_a_settings_class_under_a_guard_counts_too() -> None:
    source = """\
        import os

        try:
            from pydantic_settings import BaseSettings

            class Settings(BaseSettings):
                region: str = "eu"
        except ImportError:
            pass

        LOG_LEVEL = os.getenv("LOG_LEVEL")
        """
    assert spots(EnvironOutsideSettings, source) == []


def test_a_plain_class_does_not_make_a_settings_module() -> None:
    source = """\
        import os
        from pydantic import BaseModel


        class Settings(BaseModel):
            region: str = os.getenv("REGION", "eu")
        """
    assert spots(EnvironOutsideSettings, source) == [(6, 19)]


def test_settings_modules_option_replaces_the_default() -> None:
    options = RuleOptions(settings_modules=("**/conf.py",))
    assert (
        spots(EnvironOutsideSettings, "import os\nA = os.getenv('A')\n", "app/conf.py", options)
        == []
    )
    flagged = spots(
        EnvironOutsideSettings, "import os\nA = os.getenv('A')\n", "app/config.py", options
    )
    assert flagged == [(2, 5)]


def test_environ_message_names_the_read() -> None:
    found = messages(EnvironOutsideSettings, "import os\nA = os.environ['A']\nB = os.getenv('B')\n")
    assert found[0].startswith("`os.environ['A']` reads the environment")
    assert found[1].startswith("`os.getenv('B')` reads the environment")


# -- FAPI903 generic-exception -----------------------------------------------------


def test_generic_exception_forms() -> None:
    source = """\
        import builtins
        from builtins import BaseException as Base

        raise Exception
        raise Exception("x")
        raise Exception("x") from None
        raise BaseException()
        raise builtins.Exception("y")
        raise Base("aliased")


        def f() -> None:
            raise Exception("in a function")
        """
    assert spots(GenericException, source) == [
        (4, 7),
        (5, 7),
        (6, 7),
        (7, 7),
        (8, 7),
        (9, 7),
        (13, 11),
    ]


def test_generic_exception_not_flagged_for_specific_or_shadowed_classes() -> None:
    source = """\
        class AppError(Exception):
            pass


        raise AppError("x")
        raise ValueError("x")
        raise


        def f(Exception: type[AppError]) -> None:
            raise Exception("a parameter")


        def g() -> None:
            try:
                pass
            except Exception as error:
                raise error
        """
    assert spots(GenericException, source) == []


def test_a_module_class_named_exception_is_not_the_builtin() -> None:
    assert (
        spots(GenericException, "class Exception(ValueError): ...\n\n\nraise Exception()\n") == []
    )


def test_generic_exception_message_names_the_class() -> None:
    assert "`raise BaseException`" in messages(GenericException, "raise BaseException()\n")[0]


# -- FAPI904 http-exception-in-service ---------------------------------------------

RAISES_HTTP = """\
    from fastapi import HTTPException


    async def get_order(order_id: int) -> None:
        raise HTTPException(status_code=404)
    """


@pytest.mark.parametrize(
    "path",
    [
        "app/services/orders.py",
        "app/services/billing/invoices.py",
        "app/repositories/orders.py",
        "app/crud/orders.py",
        "app/orders/service.py",
        "app/services.py",
        "app/orders/repository.py",
        "app/repositories.py",
        "app/crud.py",
    ],
)
def test_http_exception_flagged_in_service_modules(path: str) -> None:
    assert spots(HttpExceptionInService, RAISES_HTTP, path) == [(5, 11)]


@pytest.mark.parametrize(
    "path", ["app/routers/orders.py", "app/main.py", "app/api/deps.py", "app/service_utils.py"]
)
def test_http_exception_not_flagged_outside_service_modules(path: str) -> None:
    assert spots(HttpExceptionInService, RAISES_HTTP, path) == []


def test_http_exception_spellings_in_a_service() -> None:
    source = """\
        import fastapi
        import starlette.exceptions as sx
        from fastapi.exceptions import HTTPException as Http
        from starlette.exceptions import HTTPException


        class HTTPError(Exception):
            pass


        def a() -> None:
            raise fastapi.HTTPException(404)


        def b() -> None:
            raise sx.HTTPException(404)


        def c() -> None:
            raise Http(404)


        def d() -> None:
            raise HTTPException


        def e() -> None:
            raise HTTPError("a domain error is fine")
        """
    assert spots(HttpExceptionInService, source, "app/services/x.py") == [
        (12, 11),
        (16, 11),
        (20, 11),
        (24, 11),
    ]


def test_service_modules_option_and_opt_in() -> None:
    options = RuleOptions(service_modules=("**/domain/**",))
    assert spots(HttpExceptionInService, RAISES_HTTP, "app/domain/orders.py", options) == [(5, 11)]
    assert spots(HttpExceptionInService, RAISES_HTTP, "app/services/orders.py", options) == []
    assert HttpExceptionInService.default_enabled is False


def test_generic_exception_caught_on_the_spot_is_left_alone() -> None:
    source = """\
        def poll(check):
            try:
                if check():
                    raise Exception("retry")
                def later():
                    raise Exception("not caught here: another function")
            except (ValueError, Exception) as error:
                return str(error)
            try:
                raise Exception("re-raised by the handler")
            except Exception:
                raise
            try:
                pass
            except Exception:
                raise Exception("raised in the handler, not in the try body")
        """
    assert spots(GenericException, source) == [(6, 19), (10, 15), (16, 15)]
    strict = RuleOptions(strict=("FAPI903",))
    assert len(spots(GenericException, source, options=strict)) == 4


# -- FAPI905 swallowed-exception ---------------------------------------------------


@pytest.mark.parametrize(
    ("clause", "body"),
    [
        ("except Exception:", "pass"),
        ("except BaseException:", "pass"),
        ("except:", "pass"),
        ("except Exception as error:", "pass"),
        ("except (ValueError, Exception):", "pass"),
        ("except builtins.Exception:", "pass"),
        ("except Exception:", "..."),
        ("except Exception:", "continue"),
        ("except Exception:", "pass\n        pass"),
        ("except Exception:", "# nothing to do\n        pass"),
        ("except* Exception:", "pass"),
    ],
)
def test_swallowed_exception_is_flagged(clause: str, body: str) -> None:
    source = (
        f"import builtins\n\nfor x in []:\n    try:\n        pass\n    {clause}\n        {body}\n"
    )
    assert spots(SwallowedException, source) == [(6, 5)]


@pytest.mark.parametrize(
    ("clause", "body"),
    [
        ("except ValueError:", "pass"),
        ("except (KeyError, IndexError):", "pass"),
        ("except Exception:", "logger.exception('failed')"),
        ("except Exception:", "raise"),
        ("except Exception:", "return"),
        ("except Exception:", "break"),
        ("except Exception:", "x = None"),
        ("except Exception:", "pass\n        raise"),
        ("except Exception:", "'''Ignored on purpose.'''"),
    ],
)
def test_handled_or_narrow_exceptions_are_not_flagged(clause: str, body: str) -> None:
    # In a function: `return` at module level is a syntax error CPython reports.
    source = f"def f():\n  for x in []:\n    try:\n        pass\n    {clause}\n        {body}\n"
    assert spots(SwallowedException, source) == []


def test_one_line_handler_and_shadowed_exception() -> None:
    source = """\
        try:
            pass
        except Exception: pass


        def f(Exception: type[KeyError]) -> None:
            try:
                pass
            except Exception:
                pass
        """
    assert spots(SwallowedException, source) == [(3, 1)]


def test_swallowed_exception_message() -> None:
    source = "for x in []:\n    try:\n        pass\n    except:\n        continue\n"
    assert messages(SwallowedException, source) == [
        "`except:` swallows every error with `continue`; catch the exceptions you expect, "
        "or log the error"
    ]


@pytest.mark.parametrize(
    "source",
    [
        # clean-up calls only, as contextlib.suppress(Exception) would do it
        "async def f(conn):\n    try:\n        await conn.aclose()\n    except Exception:\n"
        "        pass\n",
        "def f(path, fut):\n    try:\n        os.remove(path)\n        fut.exception()\n"
        "    except Exception:\n        pass\n",
        # inside `finally:`
        "def f(conn):\n    try:\n        run()\n    finally:\n        try:\n"
        "            conn.commit()\n        except Exception:\n            pass\n",
        # a function named for clean-up
        "def safe_delete(path):\n    try:\n        move(path)\n    except Exception:\n"
        "        pass\n",
        # a step of an error path
        "def f(r):\n    try:\n        r.check()\n    except HTTPError as e:\n        try:\n"
        "            detail = r.json()\n        except Exception:\n            pass\n"
        "        raise\n",
        # a fallback chain and an explicit else branch
        "def f(x):\n    try:\n        return fast(x)\n    except Exception:\n        pass\n"
        "    return slow(x)\n",
        "def f(r):\n    try:\n        body = r.json()\n    except Exception:\n        pass\n"
        "    else:\n        log(body)\n",
    ],
)
def test_swallowed_exception_deliberate_shapes_are_left_alone(source: str) -> None:
    assert spots(SwallowedException, source) == []
    strict = RuleOptions(strict=("FAPI905",))
    assert len(spots(SwallowedException, source, options=strict)) == 1


def test_swallowed_exception_clean_up_with_base_exception_is_still_flagged() -> None:
    source = (
        "async def f(conn):\n    try:\n        await conn.aclose()\n"
        "    except BaseException:\n        pass\n"
    )
    assert spots(SwallowedException, source) == [(4, 5)]


# -- FAPI906 boolean-name-without-prefix ------------------------------------------


def booleans(source: str, path: str = "app/logic.py") -> list[str]:
    result = lint_source(textwrap.dedent(source), path, (BooleanNameWithoutPrefix,))
    assert not result.internal_errors, result.internal_errors
    return [d.message.split("`")[1] for d in result.diagnostics]


def test_boolean_values_that_make_a_variable_boolean() -> None:
    source = """\
        def f(a: int, b: list[int], text: str, path: object) -> None:
            literal = True
            comparison = a > 1
            membership = a in b
            negation = not b
            both = a == 1 and a < 3
            either = True if a else False
            instance = isinstance(a, int)
            any_of = any(b)
            prefix = text.startswith("#")
            present = path.exists()
            annotated: bool = compute()
            is_ok = a == 2
        """
    assert booleans(source) == [
        "literal",
        "comparison",
        "membership",
        "negation",
        "both",
        "either",
        "instance",
        "any_of",
        "prefix",
        "present",
        "annotated",
    ]


def test_values_that_are_not_surely_boolean_are_left_alone() -> None:
    source = """\
        def f(a: int, b: list[int]) -> None:
            maybe = a and b
            count = len(b)
            first = b[0] if b else None
            flag: bool | None = None
            optional: "bool" = True
            x, y = True, False
        """
    assert booleans(source) == []


def test_question_words_first_or_after_a_subject() -> None:
    source = """\
        is_ready = True
        _has_access = False
        IS_PRODUCTION = False
        isReady = True
        user_is_admin = False
        document_exists = True
        allow_guests = True
        DEBUG = False
        _ = True
        """
    assert booleans(source) == ["DEBUG"]


def test_a_variable_is_reported_once_per_scope_where_it_is_first_bound() -> None:
    source = """\
        found = False
        found = True


        def f() -> None:
            found = False
            found = True


        def g() -> None:
            global found
            found = True
        """
    assert booleans(source) == ["found", "found"]


def test_parameters_and_predicates() -> None:
    source = """\
        from typing import Annotated


        def visible(a: int, strict: bool, *, force: Annotated[bool, "doc"] = False) -> bool:
            return bool(a)


        def has_rights(a: int) -> bool:
            return a > 0


        def delete_user(user_id: int) -> bool:
            return True


        def check_token(token: str) -> bool:
            return bool(token)
        """
    assert booleans(source) == ["visible", "strict", "force", "check_token"]


def test_route_and_dependency_parameters_are_left_alone() -> None:
    source = """\
        from typing import Annotated

        from fastapi import APIRouter, Depends, Query

        router = APIRouter()


        def paging(archived: bool = False) -> dict[str, bool]:
            return {"archived": archived}


        @router.get("/items")
        async def items(
            published: Annotated[bool, Query()] = True,
            page: dict[str, bool] = Depends(paging),
        ) -> list[int]:
            return []


        @router.get("/health")
        async def health() -> bool:
            return True
        """
    assert booleans(source) == []


def test_class_bodies_and_methods() -> None:
    source = """\
        from abc import ABC, abstractmethod
        from dataclasses import dataclass
        from typing import override

        from pydantic import BaseModel
        from sqlalchemy.orm import DeclarativeBase


        class Item(BaseModel):
            active: bool = True

            def published(self) -> bool:
                return True


        class Row(DeclarativeBase):
            deleted = False


        @dataclass
        class Options:
            verbose: bool = False


        class Policy(ABC):
            @abstractmethod
            def allowed(self, user: int) -> bool: ...


        class Plain:
            def ready(self, strict: bool) -> bool:
                return strict

            @override
            def old(self) -> bool:
                return True

            @property
            def active(self) -> bool:
                return True

            @active.setter
            def active(self, value: bool) -> None:
                pass

            def __eq__(self, other: object) -> bool:
                return True
        """
    assert booleans(source) == ["verbose", "allowed", "ready", "strict", "active"]


def test_settings_modules_are_left_alone() -> None:
    assert booleans("SESSION_COOKIE_SECURE = False\n", "app/settings.py") == []
    assert booleans("SESSION_COOKIE_SECURE = False\n", "app/main.py") == ["SESSION_COOKIE_SECURE"]


def test_boolean_prefixes_option_replaces_the_default() -> None:
    options = RuleOptions(boolean_prefixes=("is",))
    found = lint_source(
        "has_rights = True\nis_ok = True\n", "a.py", (BooleanNameWithoutPrefix,), options
    )
    assert [d.line for d in found.diagnostics] == [1]
    assert BooleanNameWithoutPrefix.default_enabled is False


# -- FAPI907 module-name-not-snake-case --------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "app/user_service.py",
        "app/__init__.py",
        "app/__main__.py",
        "app/_private.py",
        "app/oauth2.py",
        "app/v2_routes.py",
        "alembic/versions/1975ea83b712_create_users.py",
        "app/migrations/0001_initial.py",
        "-",
        "app/UserService.pyi.txt",
    ],
)
def test_good_module_names(path: str) -> None:
    assert spots(ModuleNameNotSnakeCase, "x = 1\n", path) == []


@pytest.mark.parametrize(
    ("path", "problem"),
    [
        ("app/UserService.py", "`UserService` is not snake_case; rename it `user_service.py`"),
        ("app/user-service.py", "`user-service` is not snake_case; rename it `user_service.py`"),
        ("app/HTTPClient.py", "rename it `http_client.py`"),
        ("app/my module.py", "rename it `my_module.py`"),
        ("app/Users.py", "rename it `users.py`"),
        ("app/1_setup.py", "`1_setup` starts with a digit and cannot be imported"),
        ("app/class.py", "`class` is the Python keyword `class`"),
        ("app/versions/1ABC.py", "starts with a digit and cannot be imported; rename it to start"),
        ("alembic/versions/2024_05_14-bf56_add_.py", "rename it to start with a letter"),
        ("app/Ünits.py", "rename it with lowercase letters, digits and underscores"),
        ("app/Class.py", "rename it with lowercase letters, digits and underscores"),
        ("C:\\project\\App.py", "rename it `app.py`"),
    ],
)
def test_bad_module_names(path: str, problem: str) -> None:
    result = lint_source("import os\n", path, (ModuleNameNotSnakeCase,))
    assert [(d.line, d.column) for d in result.diagnostics] == [(1, 1)]
    assert problem in result.diagnostics[0].message


@pytest.mark.parametrize(
    "path",
    ["alembic/versions/2024_05_14_0114-bf561125112f_add_workflow_.py", "app/2fa-Setup.py"],
)
def test_a_suggested_name_never_starts_with_a_digit(path: str) -> None:
    (message,) = messages(ModuleNameNotSnakeCase, "x = 1\n", path)
    assert "`" + "2" not in message.partition(" rename ")[2]


def _folder(tmp_path: Path, names: list[str]) -> Path:
    for name in names:
        (tmp_path / name).write_text("x = 1\n", encoding="utf-8")
    return tmp_path


def test_a_folder_of_pascal_case_modules_is_a_convention(tmp_path: Path) -> None:
    names = ["SpanSort.py", "TimeRange.py", "DatasetInput.py", "Granularity.py", "node.py"]
    folder = _folder(tmp_path, [*names, "__init__.py"])
    for name in names[:4]:
        assert spots(ModuleNameNotSnakeCase, "x = 1\n", str(folder / name)) == []


@pytest.mark.parametrize(
    "names",
    [
        ["Collection.py", "client.py", "types.py", "utils.py"],  # the one odd file
        ["Collection.py", "Segment.py", "client.py"],  # fewer than three alike
        ["Collection.py", "Segment.py", "Record.py", "a.py", "b.py", "c.py", "d.py"],
        ["Collection.py", "userService.py", "orderService.py", "itemService.py"],
    ],
)
def test_an_odd_module_among_snake_case_ones_is_flagged(tmp_path: Path, names: list[str]) -> None:
    folder = _folder(tmp_path, names)
    assert spots(ModuleNameNotSnakeCase, "x = 1\n", str(folder / "Collection.py")) == [(1, 1)]


def test_module_name_reported_on_empty_and_comment_only_files() -> None:
    assert spots(ModuleNameNotSnakeCase, "", "Empty.py") == [(1, 1)]
    assert spots(ModuleNameNotSnakeCase, "\n\n# comment\n", "Comment.py") == [(1, 1)]


# -- configuration -----------------------------------------------------------------


def config_from(tmp_path: Path, table: str) -> RuleOptions:
    (tmp_path / "pyproject.toml").write_text(f"[tool.fastapi-lint]\n{table}\n", encoding="utf-8")
    return load_config(tmp_path).options


def test_ops_options_have_documented_defaults(tmp_path: Path) -> None:
    options = config_from(tmp_path, "")
    assert options.script_modules == DEFAULT_SCRIPT_MODULES
    assert options.settings_modules == DEFAULT_SETTINGS_MODULES
    assert options.service_modules == DEFAULT_SERVICE_MODULES
    assert options.boolean_prefixes == DEFAULT_BOOLEAN_PREFIXES
    assert options.project_root == str(tmp_path)


def test_ops_options_are_read(tmp_path: Path) -> None:
    options = config_from(
        tmp_path,
        'script-modules = ["tools/**"]\nsettings-modules = ["app/conf.py"]\n'
        'service-modules = []\nboolean-prefixes = ["is", "has"]\n',
    )
    assert options.script_modules == ("tools/**",)
    assert options.settings_modules == ("app/conf.py",)
    assert options.service_modules == ()
    assert options.boolean_prefixes == ("is", "has")


def test_project_root_without_a_table_is_the_nearest_project(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n", encoding="utf-8")
    (tmp_path / "src").mkdir()
    assert load_config(tmp_path / "src").options.project_root == str(tmp_path)


def test_project_root_does_not_change_option_equality() -> None:
    assert RuleOptions(project_root="/a") == RuleOptions(project_root="/b") == RuleOptions()


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        ('script-modules = "tests/**"', "script-modules: expected a list of non-empty strings"),
        ('settings-modules = [""]', "settings-modules: expected a list of non-empty strings"),
        ("service-modules = [1]", "service-modules: expected a list of non-empty strings"),
        ('service-modules = ["!"]', "service-modules: expected a list of gitignore-style"),
        ('boolean-prefixes = "is"', "boolean-prefixes: expected a list of lowercase words"),
        ('boolean-prefixes = ["is_"]', "boolean-prefixes: expected a list of lowercase words"),
        ('boolean-prefixes = ["Is"]', "boolean-prefixes: expected a list of lowercase words"),
        ('script-module = ["x"]', "did you mean 'script-modules'?"),
    ],
)
def test_invalid_ops_options_are_rejected(tmp_path: Path, table: str, expected: str) -> None:
    with pytest.raises(ConfigError) as caught:
        config_from(tmp_path, table)
    assert expected in str(caught.value)
