"""The LSP methods the server answers, each handed to ``FastapiLintServer``."""

from __future__ import annotations

from lsprotocol import types

from fastapi_lint.server.actions import FIX_ALL_KIND
from fastapi_lint.server.app import DEBOUNCE_SECONDS, FastapiLintServer

_CODE_ACTIONS = types.CodeActionOptions(
    code_action_kinds=[types.CodeActionKind.QuickFix, FIX_ALL_KIND], resolve_provider=True
)


def initialize(ls: FastapiLintServer, params: types.InitializeParams) -> None:
    ls.configure(params.initialization_options)
    ls.analyser.prepare()


async def did_open(ls: FastapiLintServer, params: types.DidOpenTextDocumentParams) -> None:
    ls.schedule(params.text_document.uri, 0)


async def did_change(ls: FastapiLintServer, params: types.DidChangeTextDocumentParams) -> None:
    ls.schedule(params.text_document.uri, ls.debounce)


async def did_save(ls: FastapiLintServer, params: types.DidSaveTextDocumentParams) -> None:
    ls.schedule(params.text_document.uri, 0)


async def did_close(ls: FastapiLintServer, params: types.DidCloseTextDocumentParams) -> None:
    await ls.close(params.text_document.uri)


async def code_action(
    ls: FastapiLintServer, params: types.CodeActionParams
) -> list[types.CodeAction] | None:
    return await ls.code_actions(params)


async def code_action_resolve(ls: FastapiLintServer, action: types.CodeAction) -> types.CodeAction:
    return await ls.resolve(action)


def shutdown(ls: FastapiLintServer, params: None) -> None:
    ls.stop()


def create_server(debounce: float = DEBOUNCE_SECONDS) -> FastapiLintServer:
    server = FastapiLintServer(debounce)
    server.feature(types.INITIALIZE)(initialize)
    server.feature(types.TEXT_DOCUMENT_DID_OPEN)(did_open)
    server.feature(types.TEXT_DOCUMENT_DID_CHANGE)(did_change)
    server.feature(types.TEXT_DOCUMENT_DID_SAVE)(did_save)
    server.feature(types.TEXT_DOCUMENT_DID_CLOSE)(did_close)
    server.feature(types.TEXT_DOCUMENT_CODE_ACTION, _CODE_ACTIONS)(code_action)
    server.feature(types.CODE_ACTION_RESOLVE)(code_action_resolve)
    server.feature(types.SHUTDOWN)(shutdown)
    return server
