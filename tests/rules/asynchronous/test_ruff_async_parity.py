"""Parity: every ruff ASYNC210/212/220/221/222/230/251 finding is also a FAPI101 finding.

ruff runs (stable and preview) over the FAPI101 fixtures, an inline set of tricky
snippets and, when ``scripts/fetch_corpus.py`` has filled it, the git-ignored corpus/.
Each ruff finding must have a FAPI101 finding on the same line of the same file.
``# noqa`` comments are honoured on both sides (each tool reads its own codes).
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import pytest

from corpus_helpers import ROOT, CorpusLint, CorpusRuff, Item, RuffFlags, run_ruff, write_snippets
from fastapi_lint.models import FileResult
from fastapi_lint.rules.asynchronous.blocking_call_in_async_function import (
    BlockingCallInAsyncFunction,
)
from fastapi_lint.runner.single_file import lint_source

FIXTURES = ROOT / "fixtures" / "rules" / "blocking_call_in_async_function"
RUFF_CODES = ("ASYNC210", "ASYNC212", "ASYNC220", "ASYNC221", "ASYNC222", "ASYNC230", "ASYNC251")
# Stable and preview rules alike; ruff's ``noqa`` comments are honoured, as ours are.
RUFF_RUNS = (RuffFlags(ignore_noqa=False), RuffFlags(preview=True, ignore_noqa=False))
Finding = tuple[str, int, str]  # (resolved file, line, ruff's code)

SNIPPETS = {
    "aliases": """
        import time as t
        import urllib
        import urllib.request
        from os import path, popen as run_shell
        from subprocess import check_output
        from urllib import request
        import requests as rq
        import httpx

        async def handler():
            t.sleep(1)
            urllib.request.urlopen("https://example.com")
            request.urlopen("https://example.com")
            rq.get("https://example.com")
            rq.connect("https://example.com")
            httpx.trace("https://example.com")
            run_shell("ls")
            check_output(["ls"])
            path.exists("/tmp")
    """,
    "httpx_clients": """
        from typing import Optional, Union
        import httpx
        from httpx import Client

        shared = Client()
        maybe: httpx.Client | None = None

        async def params(a: Client, b: Optional[httpx.Client], c: Union[int, httpx.Client]):
            a.get("x")
            b.post("x")
            c.stream("GET", "x")
            shared.send(None)
            maybe.close()

        async def locals_():
            with httpx.Client() as client:
                client.head("x")
            other = httpx.Client()
            other.options("x")
            typed: httpx.Client = make()
            typed.patch("x")
            (walrus := httpx.Client()).delete("x")
            walrus.put("x")
            other.request("GET", "x")
    """,
    "processes": """
        import os
        import subprocess

        async def handler(mode):
            subprocess.Popen(["ls"])
            subprocess.run(["ls"])
            subprocess.call(["ls"])
            subprocess.check_call(["ls"])
            subprocess.getoutput("ls")
            subprocess.getstatusoutput("ls")
            os.system("ls")
            os.popen("ls")
            os.posix_spawn("/bin/ls", [], {})
            os.posix_spawnp("ls", [], {})
            os.spawnl(os.P_NOWAIT, "/bin/ls")
            os.spawnlp(os.P_WAIT, "ls")
            os.spawnve(mode, "/bin/ls", [], {})
            os.wait()
            os.wait3(0)
            os.wait4(0, 0)
            os.waitid(os.P_ALL, 0, 0)
            os.waitpid(0, 0)
    """,
    "files": """
        import io
        import pathlib
        from pathlib import Path

        async def handler(p: Path):
            with open("a") as f, io.open("b") as g:
                f.read()
            io.open_code("c")
            Path("d").open()
            pathlib.Path("e").read_text()
            q = Path("f")
            q.write_bytes(b"")
            q.touch()
            p.read_bytes()
            p.write_text("x")
    """,
    "scopes": """
        import time

        def deco(value):
            return value

        async def outer():
            @deco(time.sleep(1))
            def nested(a=time.sleep(2)) -> time.sleep(3):
                time.sleep(4)
            (lambda q=time.sleep(5): q)
            [time.sleep(i) for i in range(2)]
            {k: time.sleep(k) for k in range(2)}
            class Local:
                x = time.sleep(6)
                async def method(self):
                    time.sleep(7)
            async def inner():
                time.sleep(8)
            match 1:
                case 1:
                    time.sleep(9)
            try:
                pass
            except Exception:
                time.sleep(10)
            async with lock:
                time.sleep(11)
            return await gather(lambda: time.sleep(12), time.sleep(13))

        def sync_outer():
            @deco(time.sleep(14))
            async def decorated():
                time.sleep(15)

        class Service:
            async def refresh(self):
                time.sleep(16)
    """,
    "optional_imports": """
        try:
            import requests
        except ImportError:
            requests = None
        try:
            import httpx
        except ImportError:
            pass

        async def handler():
            requests.get("x")
            httpx.get("x")
    """,
}


def _ruff_findings(items: Iterable[Item]) -> set[Finding]:
    """(resolved file, line, code) of every finding."""
    found: set[Finding] = set()
    for item in items:
        if item["code"] in RUFF_CODES:
            resolved = str(Path(item["filename"]).resolve())
            found.add((resolved, item["location"]["row"], item["code"]))
    return found


def _fapi101(result: FileResult) -> set[int]:
    return {d.line for d in result.diagnostics if d.code == "FAPI101"}


def _fapi101_lines(file: str) -> set[int]:
    source = Path(file).read_text(encoding="utf-8", errors="replace")
    return _fapi101(lint_source(source, file, (BlockingCallInAsyncFunction,)))


def _missed(ruff: set[Finding], ours: Callable[[str], set[int]]) -> list[str]:
    """Ruff's findings on lines where FAPI101 has none; ``ours`` gives a file's lines."""
    lines = {file: ours(file) for file in {file for file, _, _ in ruff}}
    return sorted(f"{file}:{line} {code}" for file, line, code in ruff if line not in lines[file])


def _ruff_on(paths: Sequence[Path]) -> set[Finding]:
    return _ruff_findings(
        item for flags in RUFF_RUNS for item in run_ruff(paths, RUFF_CODES, flags)
    )


@pytest.fixture
def snippet_files(tmp_path: Path) -> list[Path]:
    return write_snippets(
        tmp_path, {name: textwrap.dedent(code) for name, code in SNIPPETS.items()}
    )


def test_every_ruff_async_finding_on_fixtures_and_snippets_is_a_fapi101(
    snippet_files: list[Path],
) -> None:
    ruff = _ruff_on([*snippet_files, *sorted(FIXTURES.glob("*.py"))])
    missed = _missed(ruff, _fapi101_lines)
    assert ruff, "ruff found nothing: the comparison would prove nothing"
    assert {code for _, _, code in ruff} == set(RUFF_CODES)
    assert not missed, "FAPI101 missed ruff findings:\n" + "\n".join(missed)


def test_every_ruff_async_finding_on_the_corpus_is_a_fapi101(
    corpus_lint: CorpusLint, corpus_ruff: CorpusRuff
) -> None:
    ruff = _ruff_findings(
        item for flags in RUFF_RUNS for item in corpus_ruff.items(RUFF_CODES, flags)
    )

    def ours(file: str) -> set[int]:
        rules = (BlockingCallInAsyncFunction,)
        return _fapi101(corpus_lint.result(Path(file), rules, honour_noqa=True))

    missed = _missed(ruff, ours)
    assert not missed, "FAPI101 missed ruff findings:\n" + "\n".join(missed)
