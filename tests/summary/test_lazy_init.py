"""Which calls run once per process: a module global's lazy initialisation, both sides."""

from __future__ import annotations

import textwrap

import libcst as cst
import pytest

from fastapi_lint.summary.lazy_init import once_calls


def _once(source: str) -> list[str]:
    """The callees of the once-only calls of the module's first function, in source order."""
    module = cst.parse_module(textwrap.dedent(source))
    function = next(node for node in module.body if isinstance(node, cst.FunctionDef))
    once = once_calls(function)
    calls: list[str] = []

    class Calls(cst.CSTVisitor):
        def visit_Call(self, node: cst.Call) -> None:
            if id(node) in once:
                calls.append(module.code_for_node(node.func))

    function.visit(Calls())
    return calls


@pytest.mark.parametrize(
    "guard",
    ["_client is None", "not _client", "_client == None", "_client is None and enabled"],
)
def test_the_body_of_an_unset_guard_that_sets_the_global_runs_once(guard: str) -> None:
    source = f"""
        def get_client():
            global _client
            prepare()
            if {guard}:
                _client = Client(fetch_token())
            return use(_client)
    """
    assert _once(source) == ["Client", "fetch_token"]


@pytest.mark.parametrize(
    "guard",
    ["_db", "_db is not None", "_url is not None and url == _url and _db and not force"],
)
def test_everything_after_an_early_return_of_the_global_runs_once(guard: str) -> None:
    source = f"""
        def get_db(url, force=False):
            global _db, _url
            prepare(url)
            if {guard}:
                return _db
            _url = url
            _db = connect(url)
            _db.migrate()
            return _db
    """
    assert _once(source) == ["connect", "_db.migrate"]


@pytest.mark.parametrize(
    "source",
    [
        # Not a global: a local cache is empty on every call.
        """
        def get_client():
            client = None
            if client is None:
                client = Client(fetch_token())
            return client
        """,
        # ``or``: the body runs whenever ``force`` is true.
        """
        def get_client(force):
            global _client
            if _client is None or force:
                _client = Client(fetch_token())
            return _client
        """,
        # The guard's body does not set the global it tests.
        """
        def get_client():
            global _client, _other
            if _client is None:
                _other = Client(fetch_token())
            return _other
        """,
        # An early return of something else, or of the global without it being tested.
        """
        def get_db(url):
            global _db
            if cached(url):
                return _db
            _db = connect(url)
            return _db
        """,
        # An early return of the global, but nothing after it sets the global.
        """
        def get_db(url):
            global _db
            if _db:
                return _db
            return connect(url)
        """,
    ],
)
def test_calls_that_may_run_on_every_call_are_not_once(source: str) -> None:
    assert _once(source) == []
