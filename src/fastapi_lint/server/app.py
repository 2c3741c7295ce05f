"""The language server: documents in, diagnostics and code actions out, over stdio.

Requests and notifications are handled on pygls' event loop; linting runs in the
analyser, a worker process (``server/analyser.py``) that answers one request at a time,
so a long lint never stalls the protocol and two lints never race over the project's
summaries. A lint that crashes the analyser or outlasts its time limit is reported on
the document as one diagnostic ("could not analyse"); the analyser is started again,
and that document is linted from then on by a second analyser of its own, alone (no
project rules), so that it holds up no other. Typing schedules a lint after a short
pause (a newer edit cancels it); a lint that finishes after its document changed again
is dropped unpublished. Documents are synchronised in full: pygls applies incremental
changes with ``str.splitlines``, whose line breaks are not LSP's.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from math import inf
from pathlib import Path
from typing import Any, cast
from urllib.parse import unquote

from lsprotocol import types
from pygls.capabilities import get_capability
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path
from pygls.workspace import TextDocument

from fastapi_lint import __version__
from fastapi_lint.server.actions import (
    FIX_ALL_KIND,
    EditTarget,
    Shown,
    fix_all_action,
    kind_wanted,
    noqa_fixes,
    quick_fixes,
    whole_text_edit,
)
from fastapi_lint.server.analyser import TIME_LIMIT, Analyser, AnalyserError
from fastapi_lint.server.linting import Linted
from fastapi_lint.server.setup import ProjectKey

DEBOUNCE_SECONDS = 0.3
_PYTHON_SUFFIXES = (".py", ".pyi")


Found = tuple[Linted, bool]  # a lint, and whether to lint again at once (see ``show``)


class FastapiLintServer(LanguageServer):
    def __init__(self, debounce: float = DEBOUNCE_SECONDS, time_limit: float = TIME_LIMIT) -> None:
        super().__init__(
            "fastapi-lint", __version__, text_document_sync_kind=types.TextDocumentSyncKind.Full
        )
        self.debounce = debounce
        self.analyser = Analyser(self.heard, time_limit)
        # Documents that crashed the analyser or outlasted its time limit ("suspects"),
        # each linted alone from then on, until it is closed: a second analyser's work.
        self.isolated = Analyser(self.heard, time_limit, arguments=("--alone",))
        self.suspects: set[str] = set()
        self.failed: dict[str, int | None] = {}  # each document's version that failed
        self.shown: dict[str, Shown] = {}
        self.pending: dict[str, asyncio.Task[None]] = {}
        self.logged: set[str] = set()

    def configure(self, options: object) -> None:
        """The client's ``initializationOptions``: ``{"timeLimit": seconds}`` for one lint."""
        limit = options.get("timeLimit") if isinstance(options, dict) else None
        if limit is None:
            return
        if isinstance(limit, (int, float)) and not isinstance(limit, bool) and 0 < limit < inf:
            self.analyser.time_limit = self.isolated.time_limit = float(limit)
            return
        default = self.analyser.time_limit
        message = f"timeLimit must be a number of seconds above 0, not {limit!r}: "
        message += f"{default:g} s it is"
        self.log(types.MessageType.Warning, message)

    # -- running lints ---------------------------------------------------------------

    def schedule(self, uri: str, delay: float) -> None:
        """Lint ``uri`` after ``delay`` seconds, instead of any lint already waiting."""
        self.cancel(uri)
        task = asyncio.get_running_loop().create_task(self._lint_later(uri, delay))
        self.pending[uri] = task
        task.add_done_callback(lambda done: self._settled(uri, done))

    def cancel(self, uri: str) -> None:
        """Drop the document's lint: not sent yet, it never is; a suspect's is stopped."""
        task = self.pending.pop(uri, None)
        if task is not None:
            task.cancel()
            self.analyser.abandon(uri)  # its summaries are worth the wait: not killed
            self.isolated.abandon(uri, working=True)

    def _settled(self, uri: str, task: asyncio.Task[None]) -> None:
        if self.pending.get(uri) is task:
            del self.pending[uri]

    async def _lint_later(self, uri: str, delay: float) -> None:
        if delay:
            await asyncio.sleep(delay)
        try:
            found = await self.lint(uri)
        except Exception as error:  # noqa: BLE001 - a server bug must not end the session
            self.log(types.MessageType.Error, f"linting {uri} failed: {error!r}")
            return
        if found is not None and self.is_current(found[0]):
            self.show(*found)

    async def lint(self, uri: str) -> Found | None:
        """The document's current text, linted by the analyser; None if not linted."""
        document = self.document(uri)
        if document is None:
            return None
        if document.language_id != "python" and not uri.endswith(_PYTHON_SUFFIXES):
            return None  # a client that sends every file it opens: pyproject.toml, say
        version, text = document.version, document.source
        name = uri.rsplit("/", 1)[-1] or "untitled.py"
        request = (uri, version, text, file_of(uri), name, self.folders())
        try:
            found = await self.analyser_for(uri).call("lint", *request, about=uri)
        except AnalyserError as failure:
            self.unanalysed(uri, version, failure)
            return None
        return cast(Found, found)

    def analyser_for(self, uri: str) -> Analyser:
        return self.isolated if uri in self.suspects else self.analyser

    def heard(self, message: tuple[Any, ...]) -> None:
        """What an analyser says unasked: a project's summaries are ready."""
        if message[0] == "built":
            self.project_ready(message[1], message[2])

    def document(self, uri: str) -> TextDocument | None:
        # pygls keeps documents by their unquoted URI.
        found: TextDocument | None = self.workspace.text_documents.get(unquote(uri))
        return found

    def is_current(self, linted: Linted) -> bool:
        return self.is_version(linted.uri, linted.version)

    def is_version(self, uri: str, version: int | None) -> bool:
        document = self.document(uri)
        return document is not None and document.version == version

    def folders(self) -> list[Path]:
        uris = [folder.uri for folder in self.workspace.folders.values()]
        root = self.workspace.root_uri
        paths = {file_of(uri) for uri in [*uris, *([root] if root else [])]}
        return [path for path in paths if path is not None]

    async def fresh(self, uri: str) -> Shown | None:
        """The findings of the document's current version, linting it now if need be."""
        shown = self.shown.get(uri)
        if shown is not None and self.is_current(shown.linted):
            return shown
        if uri in self.failed and self.is_version(uri, self.failed[uri]):
            return None  # it would fail again
        self.cancel(uri)
        found = await self.lint(uri)
        if found is None:
            return None
        return self.show(*found)

    # -- publishing --------------------------------------------------------------------

    def unanalysed(self, uri: str, version: int | None, failure: AnalyserError) -> None:
        """The lint crashed the analyser or ran out of time: say so on the document."""
        self.suspects.add(uri)
        if not self.is_version(uri, version):
            return  # a newer lint is on its way
        self.failed[uri] = version
        self.shown.pop(uri, None)
        message = f"fastapi-lint could not analyse this file: {failure}"
        where = types.Range(types.Position(0, 0), types.Position(1, 0))
        diagnostic = types.Diagnostic(
            where, message, severity=types.DiagnosticSeverity.Warning, source="fastapi-lint"
        )
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri, [diagnostic], version)
        )
        aside = "it is linted alone (no project rules) until it is closed"
        self.log(types.MessageType.Warning, f"{uri}: {failure}; {aside}")

    def show(self, linted: Linted, relint: bool = False, *, others: bool = True) -> Shown:
        """Publish the findings; ``relint``: the project's summaries came while it was linted."""
        shown = Shown.of(linted, self.workspace.position_encoding, self.locate(linted))
        self.shown[linted.uri] = shown
        diagnostics = [lsp for _, lsp in shown.pairs]
        params = types.PublishDiagnosticsParams(linted.uri, diagnostics, linted.version)
        self.text_document_publish_diagnostics(params)
        self.report_problems(linted)
        if others:
            self.show_others(linted)
        if relint:
            self.schedule(linted.uri, 0)
        return shown

    def show_others(self, linted: Linted) -> None:
        """Open files whose project findings this document's new text changed."""
        for uri, shown in list(self.shown.items()):
            before = shown.linted
            after = linted.others.get(before.setup.display)
            same_project = before.setup.project == linted.setup.project
            if after is None or not same_project or uri in self.pending or uri == linted.uri:
                continue
            if after.diagnostics != before.result.diagnostics and self.is_current(before):
                changed = Linted(uri, before.version, before.text, before.setup, after)
                self.show(changed, others=False)

    def locate(self, linted: Linted) -> Callable[[str], str | None]:
        """The URI of a file of the document's project, by the path findings give it."""
        project = linted.setup.project
        root = project.root if project is not None else linted.setup.config.root

        def uri(path: str) -> str | None:
            if path == linted.setup.display:
                return linted.uri
            file = Path(path) if Path(path).is_absolute() else root / path
            return file.as_uri()

        return uri

    def report_problems(self, linted: Linted) -> None:
        """Configuration problems and rule crashes, each once, in the client's log."""
        crashes = [
            f"internal error in rule {error.rule} on {error.path}: {error.message}"
            for error in linted.result.internal_errors
        ]
        for message in (*linted.setup.problems, *crashes):
            if message not in self.logged:
                self.logged.add(message)
                self.log(types.MessageType.Error, message)

    def log(self, kind: types.MessageType, message: str) -> None:
        self.window_log_message(
            types.LogMessageParams(type=kind, message=f"fastapi-lint: {message}")
        )

    # -- whole projects ----------------------------------------------------------------

    def project_ready(self, key: ProjectKey, problems: tuple[str, ...]) -> None:
        """Relint the project's open documents, now that the other files are known."""
        for problem in problems:
            self.log(types.MessageType.Warning, problem)
        for uri, shown in list(self.shown.items()):
            if shown.linted.setup.project == key:
                self.schedule(uri, 0)

    # -- code actions --------------------------------------------------------------------

    def edit_target(self, shown: Shown) -> EditTarget:
        capabilities = self.client_capabilities
        versioned = get_capability(capabilities, "workspace.workspace_edit.document_changes", False)
        return EditTarget(shown.linted.uri, shown.linted.version, versioned)

    def resolves_edits(self) -> bool:
        """Whether the client asks for a code action's edit only when it is chosen."""
        support = get_capability(
            self.client_capabilities, "text_document.code_action.resolve_support"
        )
        return support is not None and "edit" in support.properties

    async def code_actions(self, params: types.CodeActionParams) -> list[types.CodeAction] | None:
        shown = await self.fresh(params.text_document.uri)
        if shown is None:
            return None
        target, only = self.edit_target(shown), params.context.only
        actions = []
        if kind_wanted(types.CodeActionKind.QuickFix, only):
            actions += quick_fixes(shown, target, params.range)
            actions += noqa_fixes(shown, target, params.range)
        if kind_wanted(FIX_ALL_KIND, only):
            fix_all = await self.fix_all(shown, target)
            actions += [fix_all] if fix_all is not None else []
        return actions or None

    async def fix_all(self, shown: Shown, target: EditTarget) -> types.CodeAction | None:
        """The fix-all action, its edit left for ``resolve`` when the client resolves edits."""
        fixed = None
        if not self.resolves_edits():
            fixed = await self.fixed(shown)
            if fixed is None:
                return None
        return fix_all_action(shown, target, fixed, {"uri": shown.linted.uri})

    async def fixed(self, shown: Shown) -> str | None:
        """The text with every safe fix applied; None if the analyser failed on it."""
        uri = shown.linted.uri
        try:
            fixed = await self.analyser_for(uri).call("fixed_text", shown.linted, about=uri)
        except AnalyserError as failure:
            self.log(types.MessageType.Warning, f"fixing {uri} failed: {failure}")
            return None
        return cast(str, fixed)

    async def resolve(self, action: types.CodeAction) -> types.CodeAction:
        """The fix-all action's edit, computed when the user picks it."""
        uri = action.data.get("uri") if isinstance(action.data, dict) else None
        shown = await self.fresh(uri) if isinstance(uri, str) else None
        fixed = await self.fixed(shown) if action.kind == FIX_ALL_KIND and shown else None
        if shown is not None and fixed is not None:
            action.edit = whole_text_edit(shown, self.edit_target(shown), fixed)
        return action

    async def close(self, uri: str) -> None:
        self.cancel(uri)
        shown = self.shown.pop(uri, None)
        self.failed.pop(uri, None)
        self.suspects.discard(uri)
        self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri, []))
        if shown is None or shown.linted.setup.project is None:
            return  # not among the project's open documents
        try:
            await self.analyser.call("close", shown.linted.setup)
        except AnalyserError as failure:
            self.log(types.MessageType.Warning, f"closing {uri}: {failure}")

    def stop(self) -> None:
        for uri in list(self.pending):
            self.cancel(uri)
        self.analyser.stop()
        self.isolated.stop()


def file_of(uri: str) -> Path | None:
    """The file a ``file:`` URI names (``%20`` and the like decoded); None for others."""
    path = to_fs_path(uri) if uri.startswith("file:") else None
    return Path(unquote(path)) if path else None
