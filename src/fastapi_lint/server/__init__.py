"""``fastapi-lint server``: a language server for editors (LSP over stdio, on pygls).

Nothing is imported here: ``fastapi-lint check`` never pays for pygls, and the server
modules load only when ``serve`` runs.
"""

from __future__ import annotations


def serve() -> None:
    """Answer one editor over standard input and output until it says ``exit``."""
    from fastapi_lint.server.handlers import create_server

    create_server().start_io()
