"""The analyser process: lints documents for the language server, which may kill it.

Started by ``server/analyser.py`` as ``python -m fastapi_lint.server.worker FD``; FD is
its end of a connection. It says ``("ready",)`` once its imports are done, then answers
requests ``(number, method, args)`` one at a time with ``("reply", number, answered,
value)`` and, unasked, says ``("built", project, problems)`` when a project's summaries
are ready. With ``--alone`` it lints each document as a file of no project (no
summaries to build): the server sends it the documents that crashed or outlasted the
time limit, so that they hold up no other.
"""

from __future__ import annotations

import dataclasses
import os
import sys
import threading
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, NoReturn

from fastapi_lint.server.linting import DocumentLinter, Linted
from fastapi_lint.server.projects import Projects
from fastapi_lint.server.setup import ProjectKey, setup_for


class Worker:
    def __init__(self, connection: Connection, *, alone: bool = False) -> None:
        self.connection = connection
        self.alone = alone
        self.sending = threading.Lock()  # the project build's thread speaks too
        self.projects = Projects(self.built)
        self.linter = DocumentLinter(self.projects)
        self.methods: dict[str, Callable[..., Any]] = {
            "lint": self.lint,
            "fixed_text": self.linter.fixed_text,
            "close": self.linter.close,
        }

    def serve(self) -> NoReturn:
        self.send(("ready",))
        while True:
            try:
                number, method, args = self.connection.recv()
            except (EOFError, OSError):
                os._exit(0)  # the server is gone; a build in progress goes with it
            answered, value = self.answer(method, args)
            try:
                self.send(("reply", number, answered, value))
            except Exception as error:  # noqa: BLE001 - an answer that cannot be sent
                self.send(("reply", number, False, f"unsendable answer: {error!r}"))

    def answer(self, method: str, args: Sequence[Any]) -> tuple[bool, object]:
        try:
            return True, self.methods[method](*args)
        except Exception as error:  # noqa: BLE001 - told to the server, which logs it
            return False, f"{type(error).__name__}: {error}"

    def lint(
        self,
        uri: str,
        version: int | None,
        text: str,
        file: Path | None,
        name: str,
        folders: list[Path],
    ) -> tuple[Linted, bool]:
        """The document linted, and whether its project's summaries came meanwhile."""
        setup = setup_for(file, name, folders)
        if self.alone:
            setup = dataclasses.replace(setup, project=None)
        linted = self.linter.lint(uri, version, text, setup)
        project = linted.setup.project
        return linted, linted.alone and project is not None and self.projects.ready(project)

    def built(self, key: ProjectKey, problems: tuple[str, ...]) -> None:
        self.send(("built", key, problems))

    def send(self, message: tuple[object, ...]) -> None:
        with self.sending:
            self.connection.send(message)


def main(arguments: Sequence[str]) -> NoReturn:
    connection = Connection(int(arguments[0]))
    Worker(connection, alone="--alone" in arguments[1:]).serve()


if __name__ == "__main__":
    main(sys.argv[1:])
