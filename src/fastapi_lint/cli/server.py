"""``server``: the language server, for editors."""

from __future__ import annotations

import click


@click.command(name="server")
def language_server() -> None:
    """Run the language server (LSP over stdio) for editors: live findings and quick fixes."""
    # Imported here: `check` and the other commands never load pygls.
    from fastapi_lint.server import serve

    serve()
