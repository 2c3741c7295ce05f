"""``fastapi-lint server``, driven as an editor drives it: JSON-RPC over a subprocess's stdio.

One server answers most tests (starting one costs about a second); each test works in
its own project folder under the server's workspace. The helpers at the end test the
pure parts (positions, spans, noqa placement) in-process.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from lsprotocol import types

from fastapi_lint import docs_links
from fastapi_lint.registry import select_rules
from fastapi_lint.runner.single_file import lint_source
from fastapi_lint.server import convert, links
from fastapi_lint.server.actions import _lines_without_comments
from fastapi_lint.server.text import TextPositions, changed_span, offset_position
from fastapi_lint.suppression import with_noqa
from lsp_client import EDITOR_CAPABILITIES, LspClient, apply_edits, workspace_edits

FIX_ALL = "source.fixAll.fastapi-lint"
SLEEPY = textwrap.dedent(
    """\
    import time


    async def handler() -> None:
        x = "é😀"; time.sleep(1)  # noqa: E501


    def f(a: int):
        return a
    """
)


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("workspace")


@pytest.fixture(scope="module")
def client(workspace: Path) -> Iterator[LspClient]:
    server = LspClient(cwd=workspace)
    try:
        server.initialize(workspace)
        yield server
        assert server.shutdown() == 0
    finally:
        server.kill()


def project(root: Path, files: dict[str, str], table: str = "") -> Path:
    """A folder with a pyproject.toml holding ``[tool.fastapi-lint]`` and ``files``."""
    root.mkdir(parents=True)
    (root / "pyproject.toml").write_text(f"[tool.fastapi-lint]\n{table}")
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(textwrap.dedent(text))
    return root


def codes(diagnostics: list[dict]) -> list[str]:
    return [d["code"] for d in diagnostics]


def by_code(diagnostics: list[dict], code: str) -> dict:
    return next(d for d in diagnostics if d["code"] == code)


def code_action_params(path: Path, where: dict, only: list[str] | None = None) -> dict:
    context: dict = {"diagnostics": []}
    if only is not None:
        context["only"] = only
    return {"textDocument": {"uri": path.as_uri()}, "range": where, "context": context}


def actions(client: LspClient, path: Path, where: dict, only: list[str] | None = None) -> list:
    return client.request("textDocument/codeAction", code_action_params(path, where, only)) or []


def published(client: LspClient, path: Path) -> list[int | None]:
    """The versions of every diagnostics publication for ``path`` so far."""
    return [
        m["params"].get("version")
        for m in client.seen
        if m["method"] == "textDocument/publishDiagnostics" and m["params"]["uri"] == path.as_uri()
    ]


def applied(text: str, action: dict, path: Path) -> str:
    return apply_edits(text, workspace_edits(action["edit"], path.as_uri()))


# -- diagnostics -------------------------------------------------------------------------


def test_initialize_announces_full_sync_and_code_actions(workspace: Path) -> None:
    server = LspClient(cwd=workspace)
    try:
        options = {"timeLimit": "soon"}
        capabilities = server.initialize(workspace, options=options)["capabilities"]
        assert capabilities["textDocumentSync"]["change"] == 1  # full text on every change
        assert capabilities["codeActionProvider"] == {
            "codeActionKinds": ["quickfix", FIX_ALL],
            "resolveProvider": True,
        }
        assert capabilities["positionEncoding"] == "utf-16"
        log = server.wait_for("window/logMessage", lambda p: "timeLimit" in p["message"])
        assert "not 'soon': 15 s it is" in log["message"] and log["type"] == 2
        assert server.shutdown() == 0
    finally:
        server.kill()


def test_open_publishes_findings_with_utf16_ranges(client: LspClient, workspace: Path) -> None:
    # A folder name the URI has to quote: `%20`, `%C3%A9`.
    path = project(workspace / "open dé", {"app.py": SLEEPY}) / "app.py"
    client.open(path, SLEEPY)
    diagnostics = client.diagnostics(path, version=1)
    assert codes(diagnostics) == ["FAPI101", "FAPI202"]
    blocking = by_code(diagnostics, "FAPI101")
    # `    x = "é😀"; ` is 14 code points but 15 UTF-16 units: 😀 takes two.
    assert blocking["range"] == {
        "start": {"line": 4, "character": 15},
        "end": {"line": 4, "character": 28},
    }
    assert blocking["severity"] == 1 and by_code(diagnostics, "FAPI202")["severity"] == 2
    assert blocking["source"] == "fastapi-lint"
    assert blocking["message"].startswith("Blocking call `time.sleep()`")
    href = blocking["codeDescription"]["href"]
    assert href.endswith("docs/rules/blocking-call-in-async-function.md")
    # The project (this one file) is summarised, the document relinted once; no more.
    client.request("textDocument/codeAction", code_action_params(path, blocking["range"]))
    time.sleep(0.5)
    assert len(published(client, path)) <= 2


def test_nearest_pyproject_decides_the_rules(client: LspClient, workspace: Path) -> None:
    outer = project(workspace / "outer", {}, 'ignore = ["FAPI101"]\n')
    inner = project(outer / "inner", {"app.py": SLEEPY}, 'ignore = ["FAPI202"]\n')
    client.open(inner / "app.py", SLEEPY)
    assert codes(client.diagnostics(inner / "app.py")) == ["FAPI101"]
    (outer / "app.py").write_text(SLEEPY)
    client.open(outer / "app.py", SLEEPY)
    assert codes(client.diagnostics(outer / "app.py")) == ["FAPI202"]


def test_a_broken_config_is_logged_and_defaults_apply(client: LspClient, workspace: Path) -> None:
    path = project(workspace / "broken", {"app.py": SLEEPY}, "selekt = []\n") / "app.py"
    client.open(path, SLEEPY)
    log = client.wait_for("window/logMessage", lambda p: "selekt" in p["message"])
    assert "did you mean 'select'?" in log["message"] and log["type"] == 1
    assert codes(client.diagnostics(path)) == ["FAPI101", "FAPI202"]


def test_syntax_error_while_typing_is_fapi000(client: LspClient, workspace: Path) -> None:
    path = project(workspace / "typing", {"app.py": SLEEPY}) / "app.py"
    client.open(path, SLEEPY)
    client.diagnostics(path, version=1)
    broken = SLEEPY.replace("def f(a: int):", "def f(a: int")
    client.change(path, broken, version=2)
    (syntax,) = client.diagnostics(path, version=2)
    assert syntax["code"] == "FAPI000" and syntax["message"].startswith("SyntaxError")
    assert syntax["range"]["start"]["line"] == 7
    client.change(path, SLEEPY, version=3)
    assert codes(client.diagnostics(path, version=3)) == ["FAPI101", "FAPI202"]


def test_only_the_latest_of_quick_edits_is_published(client: LspClient, workspace: Path) -> None:
    # No project rule selected: no background build relints the document meanwhile.
    table = 'select = ["FAPI101", "FAPI202"]\n'
    path = project(workspace / "debounce", {"app.py": SLEEPY}, table) / "app.py"
    client.open(path, SLEEPY)
    client.diagnostics(path, version=1)
    for version in (2, 3, 4):
        client.change(path, SLEEPY + f"\nx = {version}\n", version)
    client.diagnostics(path, version=4)
    assert published(client, path) == [1, 4]


def test_closing_clears_the_findings(client: LspClient, workspace: Path) -> None:
    path = project(workspace / "close", {"app.py": SLEEPY}) / "app.py"
    client.open(path, SLEEPY)
    assert client.diagnostics(path, version=1)
    client.notify("textDocument/didClose", {"textDocument": {"uri": path.as_uri()}})
    # (Findings published before the close, by the project's relint, may come first.)
    client.wait_for(
        "textDocument/publishDiagnostics",
        lambda p: p["uri"] == path.as_uri() and p["diagnostics"] == [] and "version" not in p,
    )


# -- code actions ------------------------------------------------------------------------


def test_quick_fix_then_edit_updates_diagnostics(client: LspClient, workspace: Path) -> None:
    path = project(workspace / "quickfix", {"app.py": SLEEPY}) / "app.py"
    client.open(path, SLEEPY)
    blocking = by_code(client.diagnostics(path, version=1), "FAPI101")
    found = actions(client, path, blocking["range"], only=["quickfix"])
    (fix,) = [a for a in found if a.get("isPreferred")]
    assert fix["title"] == "FAPI101: Use `await asyncio.sleep()`"
    assert fix["diagnostics"] == [blocking]
    fixed = applied(SLEEPY, fix, path)
    assert fixed.startswith("import asyncio\nimport time\n")
    assert 'x = "é😀"; await asyncio.sleep(1)  # noqa: E501' in fixed
    client.change(path, fixed, version=2)
    assert codes(client.diagnostics(path, version=2)) == ["FAPI202"]


def test_noqa_joins_the_existing_list(client: LspClient, workspace: Path) -> None:
    path = project(workspace / "noqa", {"app.py": SLEEPY}) / "app.py"
    client.open(path, SLEEPY)
    diagnostics = client.diagnostics(path, version=1)
    everything = {"start": {"line": 0, "character": 0}, "end": {"line": 9, "character": 0}}
    found = actions(client, path, everything)
    titles = [a["title"] for a in found]
    assert "FAPI101: add `# noqa: FAPI101` to this line" in titles
    assert "FAPI202: add `# noqa: FAPI202` to this line" in titles
    noqa = found[titles.index("FAPI101: add `# noqa: FAPI101` to this line")]
    assert noqa["diagnostics"] == [by_code(diagnostics, "FAPI101")]
    fixed = applied(SLEEPY, noqa, path)
    assert '    x = "é😀"; time.sleep(1)  # noqa: E501, FAPI101\n' in fixed
    client.change(path, fixed, version=2)
    assert codes(client.diagnostics(path, version=2)) == ["FAPI202"]


def test_fix_all_applies_every_safe_fix(client: LspClient, workspace: Path) -> None:
    source = SLEEPY + "\n\nasync def again() -> None:\n    time.sleep(2)\n"
    path = project(workspace / "fixall", {"app.py": source}) / "app.py"
    client.open(path, source)
    assert codes(client.diagnostics(path, version=1)) == ["FAPI101", "FAPI202", "FAPI101"]
    start = {"line": 0, "character": 0}
    (fix_all,) = actions(client, path, {"start": start, "end": start}, only=["source.fixAll"])
    assert fix_all["kind"] == FIX_ALL
    fixed = applied(source, fix_all, path)
    assert fixed.count("await asyncio.sleep(") == 2 and fixed.count("import asyncio") == 1
    compile(fixed, "app.py", "exec")
    client.change(path, fixed, version=2)
    assert codes(client.diagnostics(path, version=2)) == ["FAPI202"]


def test_no_fix_all_without_safe_fixes(client: LspClient, workspace: Path) -> None:
    source = "def f(a: int):\n    return a\n"
    path = project(workspace / "nofix", {"app.py": source}) / "app.py"
    client.open(path, source)
    client.diagnostics(path, version=1)
    start = {"line": 0, "character": 0}
    assert actions(client, path, {"start": start, "end": start}, only=["source.fixAll"]) == []


# -- whole projects ----------------------------------------------------------------------

HELPERS = """\
    import requests


    def fetch(url: str) -> bytes:
        return requests.get(url).content
"""
ROUTES = """\
    from app.helpers import fetch


    async def handler() -> bytes:
        return fetch("https://example.com")
"""


def test_blocking_helper_in_another_file(client: LspClient, workspace: Path) -> None:
    files = {"app/__init__.py": "", "app/helpers.py": HELPERS, "app/routes.py": ROUTES}
    root = project(workspace / "shop", files)
    routes = root / "app" / "routes.py"
    client.open(routes, (root / "app/routes.py").read_text())
    # The other files are summarised in the background; then the document is relinted.
    found = client.wait_for(
        "textDocument/publishDiagnostics",
        lambda p: p["uri"] == routes.as_uri() and "FAPI102" in codes(p["diagnostics"]),
    )
    finding = by_code(found["diagnostics"], "FAPI102")
    assert "(app/helpers.py:5)" in finding["message"]
    steps = [(r["location"]["uri"], r["location"]["range"]["start"]["line"])
             for r in finding["relatedInformation"]]  # fmt: skip
    assert steps == [(routes.as_uri(), 4), ((root / "app/helpers.py").as_uri(), 4)]


def test_editing_the_helper_updates_the_caller(client: LspClient, workspace: Path) -> None:
    files = {"app/__init__.py": "", "app/helpers.py": HELPERS, "app/routes.py": ROUTES}
    root = project(workspace / "shop2", files)
    routes, helpers = root / "app" / "routes.py", root / "app" / "helpers.py"
    client.open(routes, routes.read_text())
    client.wait_for(
        "textDocument/publishDiagnostics",
        lambda p: p["uri"] == routes.as_uri() and "FAPI102" in codes(p["diagnostics"]),
    )
    client.open(helpers, helpers.read_text())
    client.diagnostics(helpers, version=1)
    unsaved = helpers.read_text().replace("requests.get(url).content", "b''")
    since = client.mark()
    client.change(helpers, unsaved, version=2)
    # Not saved: the caller's findings follow the helper's text in the editor.
    assert client.diagnostics(routes, version=1, since=since) == []


# -- a crashing rule, a crashing or slow analyser -------------------------------------
#
# The server lints in worker processes of its own: what a test changes in them it says
# in a ``sitecustomize`` module, which every Python process started with the test's
# PYTHONPATH runs first (the server, its analysers, their project builds).

CRASHING_RULE = """\
from fastapi_lint.registry import rule_by_code
def boom(self, node): raise RuntimeError("boom")
rule = rule_by_code("FAPI202")
for name in rule.visitor_methods(): setattr(rule, name, boom)
"""
# LibCST's parser, made to crash, to take two minutes, or to wait for a file, when the
# text holds a marker: as real input does that the guards before parsing do not know.
PARSER = """\
import os, time
import libcst
parse = libcst.parse_module
def parse_module(source, *args, **kwargs):
    text = source if isinstance(source, str) else source.decode(errors="replace")
    if "CRASH-THE-PARSER" in text:
        os.abort()
    if "SLOW-PARSE" in text:
        time.sleep(120)
    deadline = time.monotonic() + 120
    while "HELD-PARSE" in text and not os.path.exists(os.environ["RELEASE"]):
        if time.monotonic() > deadline:
            break
        time.sleep(0.02)
    return parse(source, *args, **kwargs)
libcst.parse_module = parse_module
"""
SELECTED = 'select = ["FAPI101", "FAPI202"]\n'
FINE = "def f(a: int):\n    return a\n"
CRASHING = "x = 1  # CRASH-THE-PARSER\n"
SLOW = "x = 1  # SLOW-PARSE\n"
HELD = "def f(a: int):  # HELD-PARSE\n    return a\n"
UNANALYSED = "fastapi-lint could not analyse this file: "
# What is held is let go by the test, never by the time limit, however slow the machine.
PATIENT = {"timeLimit": 120}
START = {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}


@contextlib.contextmanager
def patched_server(
    folder: Path, sitecustomize: str, options: dict | None = None, capabilities: dict | None = None
) -> Iterator[LspClient]:
    """A server whose processes run ``sitecustomize`` first; ``folder/release`` frees HELD."""
    hooks = folder / "hooks"
    hooks.mkdir()
    (hooks / "sitecustomize.py").write_text(sitecustomize)
    environment = {**os.environ, "PYTHONPATH": str(hooks), "RELEASE": str(folder / "release")}
    server = LspClient(cwd=folder, env=environment)
    try:
        server.initialize(folder, capabilities, options)
        yield server
        assert server.shutdown() == 0
    finally:
        server.kill()


def test_a_crashing_rule_is_logged_and_the_others_still_publish(tmp_path: Path) -> None:
    path = project(tmp_path / "crash", {"app.py": SLEEPY}) / "app.py"
    capabilities = {
        **EDITOR_CAPABILITIES,
        "textDocument": {"codeAction": {"resolveSupport": {"properties": ["edit"]}}},
    }
    with patched_server(tmp_path, CRASHING_RULE, capabilities=capabilities) as server:
        server.open(path, SLEEPY)
        log = server.wait_for("window/logMessage", lambda p: "FAPI202" in p["message"])
        assert "internal error in rule FAPI202" in log["message"] and "boom" in log["message"]
        assert codes(server.diagnostics(path, version=1)) == ["FAPI101"]
        # A client that resolves code actions gets the fix-all edit only when it asks.
        (lazy,) = actions(server, path, START, only=[FIX_ALL])
        assert "edit" not in lazy
        resolved = server.request("codeAction/resolve", lazy)
        assert "await asyncio.sleep(1)" in applied(SLEEPY, resolved, path)


def test_a_document_that_crashes_the_analyser_is_reported(tmp_path: Path) -> None:
    root = project(tmp_path / "p", {"app.py": SLEEPY}, SELECTED)
    crashing, other = root / "crash.py", root / "app.py"
    with patched_server(tmp_path, PARSER) as server:
        server.open(crashing, CRASHING)
        (unanalysed,) = server.diagnostics(crashing, version=1)
        assert unanalysed["message"] == UNANALYSED + "the analyser crashed (SIGABRT)"
        assert unanalysed["severity"] == 2 and unanalysed["source"] == "fastapi-lint"
        log = server.wait_for("window/logMessage", lambda p: "crashed" in p["message"])
        assert crashing.as_uri() in log["message"] and log["type"] == 2
        # A new analyser answers for the other documents; the crashing one has no actions.
        server.open(other, SLEEPY)
        blocking = by_code(server.diagnostics(other, version=1), "FAPI101")
        assert actions(server, other, blocking["range"], only=["quickfix"])
        assert actions(server, crashing, START) == []
        # Fixed, the document is linted again.
        server.change(crashing, FINE, version=2)
        assert codes(server.diagnostics(crashing, version=2)) == ["FAPI202"]


def test_the_server_answers_while_the_analyser_is_busy(tmp_path: Path) -> None:
    root = project(tmp_path / "p", {"app.py": SLEEPY}, SELECTED)
    held, other = root / "held.py", root / "app.py"
    with patched_server(tmp_path, PARSER, options=PATIENT) as server:
        server.open(other, SLEEPY)
        blocking = by_code(server.diagnostics(other, version=1), "FAPI101")
        server.open(held, HELD)
        # The analyser parses `held.py` until the test says so; the server answers meanwhile
        # what needs no analysis (a quick fix of findings shown: the fix-all needs one).
        found = actions(server, other, blocking["range"], only=["quickfix"])
        (fix,) = [a for a in found if a.get("isPreferred")]
        assert fix["title"] == "FAPI101: Use `await asyncio.sleep()`"
        assert published(server, held) == []
        (tmp_path / "release").touch()
        assert codes(server.diagnostics(held, version=1)) == ["FAPI202"]


def test_a_slow_document_is_reported_after_the_time_limit(tmp_path: Path) -> None:
    root = project(tmp_path / "p", {"app.py": SLEEPY}, SELECTED)
    slow, other = root / "slow.py", root / "app.py"
    with patched_server(tmp_path, PARSER, options={"timeLimit": 2}) as server:
        server.open(slow, SLOW)
        server.open(other, SLEEPY)
        (unanalysed,) = server.diagnostics(slow, version=1)
        assert unanalysed["message"] == UNANALYSED + "the analyser took longer than 2 s"
        assert codes(server.diagnostics(other, version=1)) == ["FAPI101", "FAPI202"]


def test_a_document_that_failed_once_holds_up_no_other(tmp_path: Path) -> None:
    root = project(tmp_path / "p", {"app.py": SLEEPY}, SELECTED)
    suspect, other = root / "suspect.py", root / "app.py"
    with patched_server(tmp_path, PARSER, options=PATIENT) as server:
        server.open(suspect, CRASHING)
        assert server.diagnostics(suspect, version=1)[0]["message"].startswith(UNANALYSED)
        server.open(other, SLEEPY)
        server.diagnostics(other, version=1)
        # Linted apart from now on: while its analyser is held, the other document's is not.
        server.change(suspect, HELD, version=2)
        server.change(other, FINE, version=2)
        assert codes(server.diagnostics(other, version=2)) == ["FAPI202"]
        # A newer text stops the held lint: version 3 is linted without waiting for it.
        server.change(suspect, SLEEPY, version=3)
        assert codes(server.diagnostics(suspect, version=3)) == ["FAPI101", "FAPI202"]
        assert published(server, suspect) == [1, 3]


def test_a_project_file_that_crashes_the_build_is_logged(tmp_path: Path) -> None:
    root = project(tmp_path / "p", {"app.py": SLEEPY, "crash.py": CRASHING})
    with patched_server(tmp_path, PARSER) as server:
        server.open(root / "app.py", SLEEPY)
        log = server.wait_for("window/logMessage", lambda p: "summaries" in p["message"])
        assert "a file of the project crashed the analyser" in log["message"]
        assert codes(server.diagnostics(root / "app.py", version=1)) == ["FAPI101", "FAPI202"]
        # The analyser itself lives on: the next edit is linted.
        server.change(root / "app.py", FINE, version=2)
        assert codes(server.diagnostics(root / "app.py", version=2)) == ["FAPI202"]


# -- the command line --------------------------------------------------------------------


def test_check_does_not_import_pygls() -> None:
    script = "import sys, fastapi_lint.cli; print('pygls' in sys.modules)"
    output = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert output.stdout.strip() == "False", output.stderr


def test_server_subcommand_is_listed() -> None:
    output = subprocess.run(
        [sys.executable, "-m", "fastapi_lint", "server", "--help"], capture_output=True, text=True
    )
    assert output.returncode == 0 and "language server" in output.stdout


# -- the pure parts ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "character"),
    [("utf-16", 8), ("utf-8", 11), ("utf-32", 7)],
)
def test_positions_count_the_negotiated_units(encoding: str, character: int) -> None:
    positions = TextPositions("a\f\r\nx = 'é😀' + 1\n", encoding)
    # The form feed is no line break (str.splitlines would say it is).
    # Right after the emoji: 7 code points, 8 UTF-16 units, 11 UTF-8 bytes.
    assert positions.position(2, 8) == types.Position(line=1, character=character)
    assert positions.position(1, 99) == types.Position(line=0, character=2)  # clamped
    assert positions.position(9, 1) == positions.end() == types.Position(line=2, character=0)


@pytest.mark.parametrize(
    ("old", "new", "span"),
    [
        ("a = 1\r\nb = 2\r\n", "a = 1\r\nc = 2\r\n", (7, 8, "c")),
        ("x\r\n", "x\r\ny\r\n", (3, 3, "y\r\n")),  # not between \r and \n
        ("x\r\ny", "x\r\n\r\ny", (3, 3, "\r\n")),
        ("same", "same", (4, 4, "")),
    ],
)
def test_changed_span_is_minimal_and_keeps_crlf_whole(
    old: str, new: str, span: tuple[int, int, str]
) -> None:
    assert changed_span(old, new) == span
    start, end, text = span
    assert old[:start] + text + old[end:] == new


def test_offset_position_counts_every_kind_of_line_break() -> None:
    text = "a\r\nb\rc\nd"
    assert [offset_position(text, text.index(c)) for c in "abcd"] == [
        (1, 1),
        (2, 1),
        (3, 1),
        (4, 1),
    ]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("x = 1", "x = 1  # noqa: FAPI101"),
        ("x = 1   ", "x = 1  # noqa: FAPI101"),
        ("x = 1  # noqa: E501", "x = 1  # noqa: E501, FAPI101"),
        ("x = 1  # noqa:E501,W291  # why", "x = 1  # noqa:E501,W291, FAPI101  # why"),
        ("x = 1  # a comment", "x = 1  # a comment  # noqa: FAPI101"),
        ("x = 1  # noqa", None),
        ("x = 1  # noqa: FAPI101", None),
    ],
)
def test_with_noqa(line: str, expected: str | None) -> None:
    assert with_noqa(line, "FAPI101") == expected


def test_no_noqa_where_a_comment_would_change_the_code() -> None:
    text = 'x = """\nstill a string\n"""\ny = 1 + \\\n    2\nz = f"""{1}\n"""\nw = 1\n'
    assert _lines_without_comments(text) == {1, 2, 4, 6}


def test_docs_links_follow_the_repository_url(monkeypatch: pytest.MonkeyPatch) -> None:
    class Metadata:
        def get_all(self, name: str) -> list[str]:
            return ["Homepage, https://example.org", "Repository, https://github.com/o/fl/"]

    monkeypatch.delenv(docs_links.DOCS_URL_ENV, raising=False)
    monkeypatch.setattr(docs_links.metadata, "metadata", lambda package: Metadata())
    docs_links._project_urls.cache_clear()
    links.rule_docs_link.cache_clear()
    try:
        assert links.rule_docs_link("FAPI101") == (
            "https://github.com/o/fl/blob/HEAD/docs/rules/blocking-call-in-async-function.md"
        )
        assert links.rule_docs_link("FAPI999") is None
    finally:
        docs_links._project_urls.cache_clear()
        links.rule_docs_link.cache_clear()


def test_without_a_link_the_message_names_the_command(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(convert, "rule_docs_link", lambda code: None)
    finding = lint_source("def f(a: int):\n    return a\n", "app.py", select_rules())
    (diagnostic,) = finding.diagnostics
    lsp = convert.lsp_diagnostic(diagnostic, TextPositions("", None), lambda path: None)
    assert lsp.code_description is None
    assert lsp.message.endswith("(docs: `fastapi-lint rule FAPI202`)")
