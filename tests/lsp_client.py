"""A small LSP client for the tests: JSON-RPC over a subprocess's stdin and stdout.

It does what an editor does and nothing more: frames messages with Content-Length,
reads the server's messages on a thread, answers the server's own requests with
null, and applies text edits counting columns in UTF-16 code units.
"""

from __future__ import annotations

import itertools
import json
import re
import subprocess
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

Message = dict[str, Any]
# How long to wait for an answer before calling the server stuck. Generous: on a 2-core
# machine running the suite's corpus tests beside it, a project rebuild took over 20 s.
# No test waits for an answer that must not come, so this never slows a passing run.
TIMEOUT = 60.0
SERVER = [sys.executable, "-m", "fastapi_lint", "server"]


class LspClient:
    def __init__(
        self,
        command: Sequence[str] = SERVER,
        cwd: Path | None = None,
        env: dict[str, str] | None = None,
    ) -> None:
        self.process = subprocess.Popen(
            list(command),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=cwd,
            env=env,
        )
        self.ids = itertools.count(1)
        self.responses: dict[int, Message] = {}
        self.received = threading.Condition()
        self.seen: list[Message] = []  # every notification, in order of arrival
        self.taken: set[int] = set()  # indexes in ``seen`` that ``wait_for`` returned
        threading.Thread(target=self._read, daemon=True).start()

    # -- wire -------------------------------------------------------------------------

    def _send(self, message: Message) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        assert self.process.stdin is not None
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
        self.process.stdin.flush()

    def _read(self) -> None:
        stream = self.process.stdout
        assert stream is not None
        while True:
            headers = {}
            while (line := stream.readline()) not in (b"\r\n", b""):
                name, _, value = line.decode().partition(":")
                headers[name.strip().lower()] = value.strip()
            if not headers:
                return
            self._dispatch(json.loads(stream.read(int(headers["content-length"]))))

    def _dispatch(self, message: Message) -> None:
        if "method" in message and "id" in message:  # a request from the server
            self._send({"id": message["id"], "result": None})
        with self.received:
            if "method" in message:
                self.seen.append(message)
            else:
                self.responses[message["id"]] = message
            self.received.notify_all()

    # -- protocol -----------------------------------------------------------------------

    def request(self, method: str, params: object, timeout: float = TIMEOUT) -> Any:
        number = next(self.ids)
        self._send({"id": number, "method": method, "params": params})
        with self.received:
            if not self.received.wait_for(lambda: number in self.responses, timeout):
                raise TimeoutError(f"no response to {method} in {timeout} s")
            response = self.responses.pop(number)
        assert "error" not in response, response["error"]
        return response.get("result")

    def notify(self, method: str, params: object) -> None:
        self._send({"method": method, "params": params})

    def wait_for(
        self,
        method: str,
        matches: Callable[[Any], bool] = lambda params: True,
        timeout: float = TIMEOUT,
        since: int = 0,
    ) -> Any:
        """The params of the first notification ``method`` that ``matches``, not taken yet.

        Notifications that do not match stay for later calls: their order is the
        server's business (a log message may come before or after diagnostics).
        ``since`` skips those that came before ``mark()`` returned it.
        """

        def first() -> int | None:
            return next(
                (
                    index
                    for index, message in enumerate(self.seen)
                    if index >= since
                    and index not in self.taken
                    and message["method"] == method
                    and matches(message["params"])
                ),
                None,
            )

        with self.received:
            if not self.received.wait_for(lambda: first() is not None, timeout):
                raise TimeoutError(f"no {method} matching in {timeout} s")
            index = first()
            assert index is not None
            self.taken.add(index)
            return self.seen[index]["params"]

    def mark(self) -> int:
        """A point in the notifications: ``wait_for(..., since=mark)`` looks after it."""
        with self.received:
            return len(self.seen)

    def initialize(
        self, root: Path, capabilities: Message | None = None, options: Message | None = None
    ) -> Any:
        params = {
            "processId": None,
            "rootUri": root.as_uri(),
            "workspaceFolders": [{"uri": root.as_uri(), "name": root.name}],
            "capabilities": capabilities if capabilities is not None else EDITOR_CAPABILITIES,
        }
        if options is not None:
            params["initializationOptions"] = options
        result = self.request("initialize", params)
        self.notify("initialized", {})
        return result

    def open(self, path: Path, text: str, version: int = 1) -> None:
        document = {"uri": path.as_uri(), "languageId": "python", "version": version, "text": text}
        self.notify("textDocument/didOpen", {"textDocument": document})

    def change(self, path: Path, text: str, version: int) -> None:
        self.notify(
            "textDocument/didChange",
            {
                "textDocument": {"uri": path.as_uri(), "version": version},
                "contentChanges": [{"text": text}],
            },
        )

    def diagnostics(
        self, path: Path, version: int | None = None, timeout: float = TIMEOUT, since: int = 0
    ) -> Any:
        """The next diagnostics published for ``path`` (for ``version``, when given)."""

        def wanted(params: Any) -> bool:
            return params["uri"] == path.as_uri() and (
                version is None or params.get("version") == version
            )

        found = self.wait_for("textDocument/publishDiagnostics", wanted, timeout, since)
        return found["diagnostics"]

    def shutdown(self, timeout: float = TIMEOUT) -> int:
        self.request("shutdown", None)
        self.notify("exit", None)
        return self.process.wait(timeout)

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(TIMEOUT)
        for stream in (self.process.stdin, self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()


# What VS Code declares, as far as these tests need it.
EDITOR_CAPABILITIES: Message = {
    "workspace": {"workspaceEdit": {"documentChanges": True}},
    "textDocument": {
        "publishDiagnostics": {"relatedInformation": True, "codeDescriptionSupport": True},
        "codeAction": {"isPreferredSupport": True, "dataSupport": True},
    },
}

_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def offset(text: str, position: Message) -> int:
    """The string offset of an LSP position counted in UTF-16 code units."""
    starts = [0, *(match.end() for match in _LINE_BREAK.finditer(text))]
    start = starts[position["line"]]
    units = 0
    index = start
    while units < position["character"]:
        units += 2 if ord(text[index]) > 0xFFFF else 1
        index += 1
    return index


def apply_edits(text: str, edits: Sequence[Message]) -> str:
    """Apply LSP text edits (positions in the original text), last first."""
    spans = sorted(
        ((offset(text, e["range"]["start"]), offset(text, e["range"]["end"]), e["newText"]))
        for e in edits
    )
    for start, end, new in reversed(spans):
        text = text[:start] + new + text[end:]
    return text


def workspace_edits(edit: Message, uri: str) -> list[Message]:
    """The text edits of a WorkspaceEdit for one document, in either of its two shapes."""
    if "documentChanges" in edit:
        return [e for change in edit["documentChanges"] for e in change["edits"]
                if change["textDocument"]["uri"] == uri]  # fmt: skip
    return list(edit.get("changes", {}).get(uri, []))
