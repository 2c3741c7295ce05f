"""The command line: the ``fastapi-lint`` group and ``main``; one module per command group.

``check`` lints and reports (``fix`` for ``--fix``/``--diff``, ``scope`` for
``--baseline`` and ``--diff-from``); ``rules`` lists the rules and shows one rule's page;
``routes`` prints the route table; ``context`` what the run knows of the project (roles,
target versions, the rules they switch off); ``server`` starts the language server. ``common``
holds what they share: exit codes, configuration, the files a run works on, the output.
Commands turn flags into options and pick exit codes; the runner does the work.
"""

from __future__ import annotations

import sys

import click

from fastapi_lint import __version__
from fastapi_lint.cli import check, context, routes, rules, server
from fastapi_lint.cli.common import EXIT_ERROR


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", "-V", prog_name="fastapi-lint")
def cli() -> None:
    """fastapi-lint: the review a senior FastAPI engineer would give, automated."""


_COMMANDS = (
    check.check,
    rules.list_rules,
    rules.show_rule,
    routes.list_routes,
    context.show_context,
    server.language_server,
)
for command in _COMMANDS:
    cli.add_command(command)


def main() -> None:
    try:
        cli.main(prog_name="fastapi-lint", standalone_mode=True)
    except KeyboardInterrupt:  # a user's Ctrl-C is not an internal error
        sys.exit(130)
    except Exception as error:  # noqa: BLE001 - never show users a traceback
        text = str(error)[:300]
        click.echo(f"fastapi-lint: internal error: {type(error).__name__}: {text}", err=True)
        sys.exit(EXIT_ERROR)
