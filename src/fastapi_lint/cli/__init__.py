"""The command line: the ``fastapi-lint`` group and ``main``; one module per command group.

``check`` lints and reports (``fix`` for ``--fix``/``--diff``, ``scope`` for
``--baseline`` and ``--diff-from``); ``rules`` lists the rules and shows one rule's page;
``routes`` prints the route table; ``context`` what the run knows of the project (roles,
target versions, the rules they switch off); ``server`` starts the language server. ``common``
holds what they share: exit codes, configuration, the files a run works on, the output.
Commands turn flags into options and pick exit codes; the runner does the work.

A command's module is imported only when that command runs: ``check`` answered from a
snapshot must not pay for the language server's or the fixer's imports.
"""

from __future__ import annotations

import importlib
import sys

import click

from fastapi_lint import __version__
from fastapi_lint.cli.common import EXIT_ERROR
from fastapi_lint.replay import Command

# Command name: the module of ``fastapi_lint.cli`` and the command's name in it.
_COMMANDS = {
    "check": ("check", "check"),
    "rules": ("rules", "list_rules"),
    "rule": ("rules", "show_rule"),
    "routes": ("routes", "list_routes"),
    "context": ("context", "show_context"),
    "server": ("server", "language_server"),
}


class _Commands(click.Group):
    """The commands, each imported when asked for."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(_COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in _COMMANDS:
            return None
        module, name = _COMMANDS[cmd_name]
        command = getattr(importlib.import_module(f"fastapi_lint.cli.{module}"), name)
        return command if isinstance(command, click.Command) else None


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", "-V", prog_name="fastapi-lint")
def cli() -> None:
    """fastapi-lint: the review a senior FastAPI engineer would give, automated."""


def main(command: Command | None = None) -> None:
    """Run the command line; ``command`` is the one ``launch`` could not replay (it keeps
    its replay when it can)."""
    try:
        cli.main(prog_name="fastapi-lint", standalone_mode=True, obj=command)
    except KeyboardInterrupt:  # a user's Ctrl-C is not an internal error
        sys.exit(130)
    except Exception as error:  # noqa: BLE001 - never show users a traceback
        text = str(error)[:300]
        click.echo(f"fastapi-lint: internal error: {type(error).__name__}: {text}", err=True)
        sys.exit(EXIT_ERROR)
