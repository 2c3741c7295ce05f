"""FAPI908 (dangling-task) reports everywhere ruff's RUF006 (asyncio-dangling-task) reports.

Ruff runs with its default settings (``--isolated``) on tricky snippets, on the rule's
fixtures and on every file of ``corpus/``; each RUF006 (line, column) must be one of
ours. We report more in a few places, listed in ``EXTRAS`` with the reason; the snippets
pin them exactly, so a new difference in either direction shows up here.
``# noqa`` comments are ignored on both sides.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import pytest

from corpus_helpers import (
    ROOT,
    CorpusLint,
    CorpusRuff,
    Item,
    lint_ignoring_noqa,
    our_findings,
    ruff_positions,
    run_ruff,
    write_snippets,
)
from fastapi_lint.models import FileResult
from fastapi_lint.rules.ops.dangling_task import DanglingTask

pytest.importorskip("ruff")

FIXTURES = ROOT / "fixtures" / "rules" / "dangling_task"
RULES = (DanglingTask,)
Finding = tuple[int, int]  # (line, column)

SNIPPETS: dict[str, str] = {
    "statements": (
        "import asyncio\n"
        "from asyncio import create_task, ensure_future\n"
        "import asyncio as aio\n"
        "async def f(x):\n"
        "    asyncio.create_task(work())\n"
        "    aio.ensure_future(work())\n"
        "    create_task(work())\n"
        "    ensure_future(work())\n"
        "    (asyncio.create_task(work()))\n"
        "    await asyncio.create_task(work())\n"
        "    [asyncio.create_task(work()) for _ in x]\n"
        "    x.tasks.append(asyncio.create_task(work()))\n"
        "    lam = lambda: asyncio.create_task(work())\n"
        "    return lam\n"
        "asyncio.create_task(work())\n"
        "class C:\n"
        "    asyncio.ensure_future(work())\n"
    ),
    "loops": (
        "import asyncio\n"
        "async def f(loop, x):\n"
        "    loop.create_task(work())\n"
        "    running = asyncio.get_running_loop()\n"
        "    running.create_task(work())\n"
        "    new = asyncio.new_event_loop()\n"
        "    new.create_task(work())\n"
        "    old = asyncio.get_event_loop()\n"
        "    old.call_soon(print)\n"
        "    old.create_task(work())\n"
        "    async with asyncio.TaskGroup() as tg:\n"
        "        tg.create_task(work())\n"
        "    x.loop.create_task(work())\n"
        "module_loop = asyncio.new_event_loop()\n"
        "def g():\n"
        "    module_loop.create_task(work())\n"
        "class K:\n"
        "    def m(self):\n"
        "        self.loop = asyncio.get_running_loop()\n"
        "        self.loop.create_task(work())\n"
    ),
    "assignments": (
        "import asyncio\n"
        "task0 = asyncio.create_task(work())\n"
        "async def f(x):\n"
        "    t = asyncio.create_task(work())\n"
        "    u: asyncio.Task = asyncio.create_task(work())\n"
        "    a = b = asyncio.create_task(work())\n"
        "    c, d = asyncio.create_task(work()), 1\n"
        "    x.y = asyncio.create_task(work())\n"
        "    if x:\n"
        "        w = asyncio.create_task(work())\n"
        "    else:\n"
        "        w = asyncio.create_task(work())\n"
        "    z = asyncio.create_task(work())\n"
        "    z = asyncio.create_task(work())\n"
        "    print(z)\n"
        "    kept = asyncio.create_task(work())\n"
        "    await kept\n"
        "    _ = asyncio.create_task(work())\n"
        "    yy = (asyncio.ensure_future(work()))\n"
        "    for i in x:\n"
        "        tt = asyncio.create_task(work())\n"
        "    loop = asyncio.get_running_loop()\n"
        "    v = loop.create_task(work())\n"
        "class C:\n"
        "    q = asyncio.create_task(work())\n"
        "    def m(self):\n"
        "        k = asyncio.create_task(work())\n"
        "        return q\n"
    ),
    "scopes": (
        "import asyncio\n"
        "g = asyncio.create_task(work())\n"
        "h = asyncio.create_task(work())\n"
        "def f():\n"
        "    global g\n"
        "    g = 1\n"
        "def k():\n"
        "    global h\n"
        "    print(h)\n"
        "def outer():\n"
        "    t = asyncio.create_task(work())\n"
        "    def inner():\n"
        "        nonlocal t\n"
        "        t = 2\n"
        "    u = asyncio.create_task(work())\n"
        "    def reader():\n"
        "        return u\n"
        "    s = asyncio.create_task(work())\n"
        "    other = [s for s in range(3)]\n"
        "    r = asyncio.create_task(work())\n"
        "    lam = lambda: r\n"
        "    return inner, reader, other, lam\n"
        "def late():\n"
        "    def use():\n"
        "        return later\n"
        "    later = asyncio.create_task(work())\n"
        "    return use\n"
        "def rebound(flag):\n"
        "    p = asyncio.create_task(work())\n"
        "    print(p)\n"
        "    p = asyncio.create_task(work())\n"
        "def augmented():\n"
        "    n = asyncio.create_task(work())\n"
        "    n += 1\n"
        "def deleted():\n"
        "    m = asyncio.create_task(work())\n"
        "    del m\n"
    ),
    "fastapi": (
        "import asyncio\n"
        "from fastapi import FastAPI\n"
        "app = FastAPI()\n"
        "tasks = set()\n"
        '@app.post("/orders")\n'
        "async def create_order(order: dict) -> dict:\n"
        "    asyncio.create_task(send_receipt(order))\n"
        "    task = asyncio.create_task(send_receipt(order))\n"
        "    tasks.add(task)\n"
        "    task.add_done_callback(tasks.discard)\n"
        "    return order\n"
    ),
    "rebinding": (
        "import asyncio\n"
        "def f1():\n"
        "    import os as t\n"
        "    t.getcwd()\n"
        "    t = asyncio.create_task(work())\n"
        "def f2(t, unread):\n"
        "    print(t)\n"
        "    t = asyncio.create_task(work())\n"
        "    unread = asyncio.create_task(work())\n"
        "def f3(xs):\n"
        "    p = None\n"
        "    for x in xs:\n"
        "        if p:\n"
        "            print(p)\n"
        "        p = asyncio.create_task(work())\n"
        "def f4(xs):\n"
        "    for x in xs:\n"
        "        if p:\n"
        "            print(p)\n"
        "        p = asyncio.create_task(work())\n"
        "def f5():\n"
        "    def p(): pass\n"
        "    p()\n"
        "    p = asyncio.create_task(work())\n"
        "def f6(xs):\n"
        "    for r in xs:\n"
        "        print(r)\n"
        "    r = asyncio.create_task(work())\n"
        "def f7():\n"
        "    s = asyncio.create_task(work())\n"
        "    s = 1\n"
        "    print(s)\n"
        "def f8():\n"
        "    a = 1\n"
        "    a = asyncio.create_task(work())\n"
        "def f9():\n"
        "    m = asyncio.create_task(work()) if True else None\n"
        "    (n := asyncio.create_task(work()))\n"
        "    with open('f') as w:\n"
        "        w = asyncio.create_task(work())\n"
    ),
    "extras": (
        "import asyncio\n"
        "from asyncio.tasks import create_task\n"
        "async def f(loop: asyncio.AbstractEventLoop):\n"
        "    asyncio.get_running_loop().create_task(work())\n"
        "    asyncio.get_event_loop().call_soon(print)\n"
        "    loop.create_task(work())\n"
        "    asyncio.create_task(work()).add_done_callback(print)\n"
        "    create_task(work())\n"
    ),
    "noqa": "import asyncio\nasyncio.create_task(work())  # noqa: RUF006\n",
}

# Where we report and ruff does not, and why each is a real dangling task.
EXTRAS: dict[str, set[Finding]] = {
    "extras": {
        (4, 5),  # ``asyncio.get_running_loop().create_task(...)``: ruff wants a name
        (6, 5),  # a loop annotated ``asyncio.AbstractEventLoop`` (ruff follows assignments)
        (7, 5),  # ``...create_task(...).add_done_callback(...)``: the callback keeps nothing
        (8, 5),  # ``from asyncio.tasks import create_task``: the same function
    },
}


def _ruff(files: Sequence[Path], items: Iterable[Item]) -> dict[Path, set[Finding]]:
    """Ruff's RUF006 findings per file; files where ruff saw a syntax error are left out."""
    return ruff_positions(files, items, "RUF006")


def _run_ruff(files: Sequence[Path]) -> dict[Path, set[Finding]]:
    return _ruff(files, run_ruff(files, ["RUF006"]))


def _findings(result: FileResult) -> set[Finding] | None:
    """Our findings, or None if the file does not parse."""
    return our_findings(result, lambda d: (d.line, d.column))


def _ours(file: Path) -> set[Finding] | None:
    """Our findings with ``noqa`` neutralised, or None if the file does not parse."""
    return _findings(lint_ignoring_noqa(file, RULES))


def _compare(
    files: Sequence[Path], theirs: dict[Path, set[Finding]], ours: Iterable[set[Finding] | None]
) -> tuple[dict[Path, set[Finding]], dict[Path, set[Finding]]]:
    """Per file: what ruff reports and we do not, and what we report and ruff does not."""
    missing: dict[Path, set[Finding]] = {}
    extra: dict[Path, set[Finding]] = {}
    for file, found in zip(files, ours, strict=True):
        if found is None or file not in theirs:
            continue
        missing[file] = theirs[file] - found
        extra[file] = found - theirs[file]
    return missing, extra


def compare(files: Iterable[Path]) -> tuple[dict[Path, set[Finding]], dict[Path, set[Finding]]]:
    """Per file: what ruff reports and we do not, and what we report and ruff does not."""
    resolved = sorted({file.resolve() for file in files})
    return _compare(resolved, _run_ruff(resolved), map(_ours, resolved))


def _lines(found: dict[Path, set[Finding]]) -> list[str]:
    return [
        f"{file}:{line}:{column}" for file, spots in found.items() for line, column in sorted(spots)
    ]


@pytest.fixture(scope="module")
def snippet_results(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[dict[str, set[Finding]], dict[str, set[Finding]]]:
    paths = write_snippets(tmp_path_factory.mktemp("ruf006"), SNIPPETS)
    missing, extra = compare(paths)
    by_name = {path.resolve(): name for name, path in zip(SNIPPETS, paths, strict=True)}
    return (
        {by_name[file]: spots for file, spots in missing.items()},
        {by_name[file]: spots for file, spots in extra.items()},
    )


def test_snippets_ruff_findings_are_ours(
    snippet_results: tuple[dict[str, set[Finding]], dict[str, set[Finding]]],
) -> None:
    missing, _ = snippet_results
    assert set(missing) == set(SNIPPETS)  # every snippet parsed on both sides
    assert {name: spots for name, spots in missing.items() if spots} == {}


def test_snippets_extras_are_the_known_ones(
    snippet_results: tuple[dict[str, set[Finding]], dict[str, set[Finding]]],
) -> None:
    _, extra = snippet_results
    assert {name: spots for name, spots in extra.items() if spots} == EXTRAS


def test_snippets_do_produce_findings(tmp_path: Path) -> None:
    """Guards the parity test itself: an empty comparison would pass trivially."""
    file = tmp_path / "f.py"
    file.write_text(SNIPPETS["assignments"], encoding="utf-8")
    theirs = _run_ruff([file.resolve()])[file.resolve()]
    assert len(theirs) >= 10
    assert theirs <= (_ours(file) or set())


def test_fixtures_ruff_findings_are_ours() -> None:
    files = sorted(FIXTURES.glob("*.py"))
    missing, extra = compare(files)
    assert len(missing) == len(files) > 0
    assert _lines(missing) == []
    # The fixture shows our extras too: the chained callback, an annotated loop and
    # a chained ``get_running_loop()``.
    assert len(_lines(extra)) == 3


def test_corpus_ruff_findings_are_ours(corpus_lint: CorpusLint, corpus_ruff: CorpusRuff) -> None:
    files = corpus_lint.files
    theirs = _ruff(files, corpus_ruff.items(["RUF006"]))
    missing, _ = _compare(files, theirs, map(_findings, corpus_lint.results_for(RULES)))
    problems = _lines(missing)
    assert problems == [], "\n".join(problems[:50])
