"""The language server: documents in, diagnostics and code actions out, over stdio.

Requests and notifications are handled on pygls' event loop; linting runs on one
worker thread, so a long lint never stalls the protocol and two lints never race over
the project's summaries. Typing schedules a lint after a short pause (a newer edit
cancels it); a lint that finishes after its document changed again is dropped
unpublished. Documents are synchronised in full: pygls applies incremental changes
with ``str.splitlines``, whose line breaks are not LSP's.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import ParamSpec, TypeVar
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
from fastapi_lint.server.linting import DocumentLinter, Linted
from fastapi_lint.server.projects import Projects
from fastapi_lint.server.setup import ProjectKey, setup_for

DEBOUNCE_SECONDS = 0.3
_PYTHON_SUFFIXES = (".py", ".pyi")
_T = TypeVar("_T")
_P = ParamSpec("_P")


class FastapiLintServer(LanguageServer):
    def __init__(self, debounce: float = DEBOUNCE_SECONDS) -> None:
        super().__init__(
            "fastapi-lint", __version__, text_document_sync_kind=types.TextDocumentSyncKind.Full
        )
        self.debounce = debounce
        self.lint_pool = ThreadPoolExecutor(1, thread_name_prefix="fastapi-lint-lint")
        self.projects = Projects(self._built)
        self.linter = DocumentLinter(self.projects)
        self.shown: dict[str, Shown] = {}
        self.pending: dict[str, asyncio.Task[None]] = {}
        self.logged: set[str] = set()
        self.loop: asyncio.AbstractEventLoop | None = None

    # -- running lints ---------------------------------------------------------------

    async def in_thread(
        self, function: Callable[_P, _T], *args: _P.args, **kwargs: _P.kwargs
    ) -> _T:
        loop = self.loop = asyncio.get_running_loop()  # for threads that call back
        call = functools.partial(function, *args, **kwargs)
        return await loop.run_in_executor(self.lint_pool, call)

    def schedule(self, uri: str, delay: float) -> None:
        """Lint ``uri`` after ``delay`` seconds, instead of any lint already waiting."""
        self.cancel(uri)
        self.loop = asyncio.get_running_loop()
        task = self.loop.create_task(self._lint_later(uri, delay))
        self.pending[uri] = task
        task.add_done_callback(lambda done: self._settled(uri, done))

    def cancel(self, uri: str) -> None:
        task = self.pending.pop(uri, None)
        if task is not None:
            task.cancel()

    def _settled(self, uri: str, task: asyncio.Task[None]) -> None:
        if self.pending.get(uri) is task:
            del self.pending[uri]

    async def _lint_later(self, uri: str, delay: float) -> None:
        if delay:
            await asyncio.sleep(delay)
        try:
            linted = await self.lint(uri)
        except Exception as error:  # noqa: BLE001 - a server bug must not end the session
            self.log(types.MessageType.Error, f"linting {uri} failed: {error!r}")
            return
        if linted is not None and self.is_current(linted):
            self.show(linted)

    async def lint(self, uri: str) -> Linted | None:
        """The document's current text, linted on the lint thread; None if it is not open."""
        document = self.document(uri)
        if document is None:
            return None
        if document.language_id != "python" and not uri.endswith(_PYTHON_SUFFIXES):
            return None  # a client that sends every file it opens: pyproject.toml, say
        version, text = document.version, document.source
        name = uri.rsplit("/", 1)[-1] or "untitled.py"
        setup = await self.in_thread(setup_for, file_of(uri), name, self.folders())
        return await self.in_thread(self.linter.lint, uri, version, text, setup)

    def document(self, uri: str) -> TextDocument | None:
        # pygls keeps documents by their unquoted URI.
        found: TextDocument | None = self.workspace.text_documents.get(unquote(uri))
        return found

    def is_current(self, linted: Linted) -> bool:
        document = self.document(linted.uri)
        return document is not None and document.version == linted.version

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
        self.cancel(uri)
        linted = await self.lint(uri)
        if linted is None:
            return None
        return self.show(linted)

    # -- publishing --------------------------------------------------------------------

    def show(self, linted: Linted, *, others: bool = True) -> Shown:
        shown = Shown.of(linted, self.workspace.position_encoding, self.locate(linted))
        self.shown[linted.uri] = shown
        diagnostics = [lsp for _, lsp in shown.pairs]
        params = types.PublishDiagnosticsParams(linted.uri, diagnostics, linted.version)
        self.text_document_publish_diagnostics(params)
        self.report_problems(linted)
        if others:
            self.show_others(linted)
        project = linted.setup.project
        if linted.alone and project is not None and self.projects.ready(project):
            self.schedule(linted.uri, 0)  # the summaries came while it was being linted
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

    def _built(self, key: ProjectKey, problems: tuple[str, ...]) -> None:
        """Called on the build thread: back to the event loop."""
        if self.loop is not None and not self.loop.is_closed():
            self.loop.call_soon_threadsafe(self.project_ready, key, problems)

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
            fixed = None if self.resolves_edits() else await self.fixed(shown)
            fix_all = fix_all_action(shown, target, fixed, {"uri": shown.linted.uri})
            actions += [fix_all] if fix_all is not None else []
        return actions or None

    async def fixed(self, shown: Shown) -> str:
        return await self.in_thread(self.linter.fixed_text, shown.linted)

    async def resolve(self, action: types.CodeAction) -> types.CodeAction:
        """The fix-all action's edit, computed when the user picks it."""
        uri = action.data.get("uri") if isinstance(action.data, dict) else None
        shown = await self.fresh(uri) if isinstance(uri, str) else None
        if action.kind == FIX_ALL_KIND and shown is not None:
            action.edit = whole_text_edit(shown, self.edit_target(shown), await self.fixed(shown))
        return action

    async def close(self, uri: str) -> None:
        self.cancel(uri)
        shown = self.shown.pop(uri, None)
        self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri, []))
        if shown is not None:
            await self.in_thread(self.linter.close, shown.linted.setup)

    def stop(self) -> None:
        for uri in list(self.pending):
            self.cancel(uri)
        self.lint_pool.shutdown(wait=False, cancel_futures=True)


def file_of(uri: str) -> Path | None:
    """The file a ``file:`` URI names (``%20`` and the like decoded); None for others."""
    path = to_fs_path(uri) if uri.startswith("file:") else None
    return Path(unquote(path)) if path else None
