"""FAPI503 reports every ``response_model=`` that ruff's FAST001 reports, and explains the rest.

Ruff runs as ``ruff check --isolated --select FAST001`` (stable since ruff 0.8's successors:
no ``--preview`` needed with the ruff of the dev environment) on tricky snippets, on the
rule fixture and on every file of ``corpus/``. Both report at the start of the
``response_model=`` argument, so (path, line, column) sets are compared: ours must contain
ruff's.

Every extra finding of ours must have a reason from ``EXTRA_REASONS``, checked on the
code itself with Python's ``ast`` (a small model of what ruff looks at):

* ``comparison``: ruff compares names (by binding), subscripts and tuples only, so it misses
  ``X | None``, ``models.Item``, string annotations, ``None``, ``...``, ``typing`` aliases
  against builtins (``List[X]`` vs ``list[X]``) and names it cannot resolve (star imports).
* ``registration``: ``app.add_api_route(..., response_model=...)``; ruff reads decorators only.
* ``registrar``: ``api_route(...)``; ruff knows ``get``/``post``/... only.
* ``router``: the router is not a name ruff sees bound to ``fastapi.FastAPI``/``APIRouter``
  (``fastapi.routing.APIRouter``, ``Optional[APIRouter]``, ``self.router``...).
* ``deferred``: ``from __future__ import annotations``; ruff reports nothing there, while
  FastAPI resolves those annotations in the module's globals just the same.

``# noqa`` comments are neutralised on both sides.
"""

from __future__ import annotations

import ast
import builtins
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
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
from fastapi_lint.rules.fastapi.redundant_response_model import RedundantResponseModel

pytest.importorskip("ruff")

FIXTURES = ROOT / "fixtures" / "rules" / "redundant_response_model"
RULES = (RedundantResponseModel,)
_VERBS = frozenset({"get", "post", "put", "delete", "patch", "options", "head", "trace"})
_BUILTINS = frozenset(dir(builtins))
EXTRA_REASONS = ("comparison", "registration", "registrar", "router", "deferred")
Position = tuple[int, int]

SNIPPETS: dict[str, str] = {
    "same_as_ruff": (
        "from typing import Dict, List, Optional\n"
        "from fastapi import APIRouter, FastAPI\n"
        "from pydantic import BaseModel\n"
        "app = FastAPI()\n"
        "router = APIRouter()\n"
        "class Book(BaseModel):\n    title: str\n"
        '@app.get("/b", response_model=Book)\nasync def b() -> Book: ...\n'
        '@app.get("/l", response_model=list[Book])\nasync def l() -> list[Book]: ...\n'
        '@router.put("/u", response_model=List[Book])\ndef u() -> List[Book]: ...\n'
        '@router.post("/d", response_model=Dict[str, Book])\ndef d() -> Dict[str, Book]: ...\n'
        '@app.delete("/o", response_model=Optional[Book])\ndef o() -> Optional[Book]: ...\n'
        '@app.get("/t", response_model=tuple[int, str])\ndef t() -> tuple[int, str]: ...\n'
        '@app.get("/m1", response_model=str)\n@app.head("/m2", response_model=str)\n'
        "def m() -> str: ...\n"
        '@app.patch(\n    "/spaced",\n    response_model = dict[ str , int ],\n)\n'
        "def spaced() -> dict[str, int]: ...\n"
        "def setup(main: FastAPI, *, sub: APIRouter, other: str) -> None:\n"
        '    @main.get("/in", response_model=int)\n    def inner() -> int: ...\n'
        '    @sub.get("/kw", response_model=int)\n    def kw() -> int: ...\n'
        '    @other.get("/no", response_model=int)\n    def no() -> int: ...\n'
        "class Views:\n"
        "    api = APIRouter()\n"
        '    @api.get("/c", response_model=Book)\n    def c(self) -> Book: ...\n'
        "def factory() -> APIRouter:\n"
        "    local = APIRouter()\n"
        '    @local.get("/f", response_model=Book)\n    def f() -> Book: ...\n'
        "    return local\n"
        "annotated: APIRouter = make_router()\n"
        '@annotated.get("/a", response_model=Book)\ndef a() -> Book: ...\n'
    ),
    "not_redundant": (
        "from typing import Any, Dict\n"
        "from fastapi import FastAPI\n"
        "app = FastAPI()\n"
        '@app.get("/1", response_model=str)\ndef one() -> int: ...\n'
        '@app.get("/2", response_model=str)\ndef two(): ...\n'
        '@app.get("/3", response_model=list[str])\ndef three() -> Dict[str, str]: ...\n'
        '@app.get("/4", response_model=list[str])\ndef four() -> list[str, str]: ...\n'
        '@app.get("/5", response_model=Dict[str, int])\ndef five() -> Dict[str, str]: ...\n'
        '@app.get("/6", response_model=list[str])\ndef six() -> Any: ...\n'
        '@app("/7", response_model=str)\ndef seven() -> str: ...\n'
        '@app.get("/8", response_model=int | str)\ndef eight() -> str | int: ...\n'
        '@app.get("/9", response_model=Undefined1)\ndef nine() -> Undefined2: ...\n'
        "@cache\ndef ten() -> str: ...\n"
    ),
    "extras": (
        "import typing\n"
        "from typing import List, Optional\n"
        "from fastapi import FastAPI\n"
        "from fastapi.routing import APIRouter\n"
        "from . import schemas\n"
        "from .schemas import Book\n"
        "from .models import *\n"
        "app = FastAPI()\n"
        "routed = APIRouter()\n"
        '@app.get("/1", response_model=Book | None)\ndef one() -> Optional[Book]: ...\n'
        '@app.get("/2", response_model=schemas.Book)\ndef two() -> Book: ...\n'
        '@app.get("/3", response_model=List[Book])\ndef three() -> list[Book]: ...\n'
        '@app.get("/4", response_model=Book)\ndef four() -> "Book": ...\n'
        '@app.delete("/5", response_model=None)\ndef five() -> None: ...\n'
        '@app.get("/6", response_model=tuple[int, ...])\ndef six() -> typing.Tuple[int, ...]: ...\n'
        '@app.get("/7", response_model=Starred)\ndef seven() -> Starred: ...\n'
        '@app.api_route("/8", response_model=int)\ndef eight() -> int: ...\n'
        '@routed.get("/9", response_model=int)\ndef nine() -> int: ...\n'
        "def ten() -> int: ...\n"
        'app.add_api_route("/10", ten, response_model=int)\n'
    ),
    "deferred": (
        "from __future__ import annotations\n"
        "from fastapi import FastAPI\n"
        "from pydantic import BaseModel\n"
        "app = FastAPI()\n"
        "class Book(BaseModel):\n    title: str\n"
        '@app.get("/1", response_model=Book)\ndef one() -> Book: ...\n'
        "def factory() -> None:\n"
        "    class Local(BaseModel):\n        n: int\n"
        '    @app.get("/2", response_model=Local)\n    def two() -> Local: ...\n'
    ),
    "noqa": (
        "from fastapi import FastAPI\n"
        "app = FastAPI()\n"
        '@app.get("/", response_model=int)  # noqa: FAST001\ndef root() -> int: ...\n'
    ),
}


def _ruff(files: Sequence[Path], items: Iterable[Item]) -> dict[Path, set[Position]]:
    """Ruff's FAST001 findings per file; files ruff could not parse are left out."""
    return ruff_positions(files, items, "FAST001")


def _run_ruff(files: Sequence[Path]) -> dict[Path, set[Position]]:
    return _ruff(files, run_ruff(files, ["FAST001"]))


# -- what ruff looks at, modelled with ``ast`` -------------------------------------------


@dataclass(slots=True)
class _Module:
    tree: ast.Module
    bound: set[str] = field(default_factory=set)
    fastapi_names: set[str] = field(default_factory=set)  # FastAPI/APIRouter from fastapi
    ruff_routers: set[str] = field(default_factory=set)
    deferred: bool = False

    @classmethod
    def read(cls, source: bytes) -> _Module:
        module = cls(ast.parse(source))
        nodes = list(ast.walk(module.tree))
        for node in nodes:
            if isinstance(node, ast.Import | ast.ImportFrom):
                module.imports(node)
        for node in nodes:
            module.bind(node)
        return module

    def imports(self, node: ast.Import | ast.ImportFrom) -> None:
        self.bound.update((a.asname or a.name).partition(".")[0] for a in node.names)
        if isinstance(node, ast.ImportFrom) and node.module == "__future__":
            self.deferred = True
        if isinstance(node, ast.ImportFrom) and node.module == "fastapi" and not node.level:
            routers = (a for a in node.names if a.name in {"FastAPI", "APIRouter"})
            self.fastapi_names.update(a.asname or a.name for a in routers)

    def bind(self, node: ast.AST) -> None:
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            self.bound.add(node.id)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            self.bound.add(node.name)
        elif isinstance(node, ast.arg):
            self.bound.add(node.arg)
            if self.is_fastapi_router(node.annotation):
                self.ruff_routers.add(node.arg)
        if isinstance(node, ast.Assign) and self.is_router_call(node.value):
            self.ruff_routers.update(t.id for t in node.targets if isinstance(t, ast.Name))
        annotated = isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name)
        if annotated and self.is_fastapi_router(node.annotation):
            self.ruff_routers.add(node.target.id)

    def is_router_call(self, node: ast.AST) -> bool:
        return isinstance(node, ast.Call) and self.is_fastapi_router(node.func)

    def is_fastapi_router(self, node: ast.AST | None) -> bool:
        """``FastAPI``/``APIRouter`` imported from ``fastapi`` itself, as ruff requires."""
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            return node.value.id == "fastapi" and node.attr in {"FastAPI", "APIRouter"}
        return isinstance(node, ast.Name) and node.id in self.fastapi_names


def _ruff_identical(left: ast.AST, right: ast.AST, module: _Module) -> bool:
    """Ruff's ``is_identical_types``: names by binding, subscripts and tuples recursively."""
    if isinstance(left, ast.Name) and isinstance(right, ast.Name):
        known = left.id in module.bound or left.id in _BUILTINS
        return known and left.id == right.id
    if isinstance(left, ast.Subscript) and isinstance(right, ast.Subscript):
        return _ruff_identical(left.value, right.value, module) and _ruff_identical(
            left.slice, right.slice, module
        )
    if isinstance(left, ast.Tuple) and isinstance(right, ast.Tuple):
        return len(left.elts) == len(right.elts) and all(
            _ruff_identical(a, b, module) for a, b in zip(left.elts, right.elts, strict=True)
        )
    return False


def _reasons(module: _Module, position: Position) -> tuple[str, ...]:
    """Why ruff does not report the ``response_model=`` argument at ``position``."""
    for node in ast.walk(module.tree):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for decorator in node.decorator_list:
            keyword = _keyword_at(decorator, position)
            if keyword is not None:
                return _decorator_reasons(module, node, decorator, keyword)
    return ("registration",) if _keyword_anywhere(module.tree, position) else ()


def _decorator_reasons(
    module: _Module, func: ast.FunctionDef | ast.AsyncFunctionDef, call: ast.AST, kw: ast.keyword
) -> tuple[str, ...]:
    assert isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
    reasons = []
    if call.func.attr not in _VERBS:
        reasons.append("registrar")
    router = call.func.value
    if not isinstance(router, ast.Name) or router.id not in module.ruff_routers:
        reasons.append("router")
    if module.deferred:
        reasons.append("deferred")
    assert func.returns is not None
    if not _ruff_identical(kw.value, func.returns, module):
        reasons.append("comparison")
    return tuple(reasons)


def _keyword_at(node: ast.AST, position: Position) -> ast.keyword | None:
    if not isinstance(node, ast.Call):
        return None
    return next((k for k in node.keywords if (k.lineno, k.col_offset + 1) == position), None)


def _keyword_anywhere(tree: ast.Module, position: Position) -> bool:
    return any(_keyword_at(node, position) is not None for node in ast.walk(tree))


# -- comparison ------------------------------------------------------------------------


def _findings(result: FileResult) -> set[Position] | None:
    """Our findings, or None if the file does not parse."""
    return our_findings(result, lambda d: (d.line, d.column))


def _ours(file: Path) -> set[Position] | None:
    """Our findings with ``noqa`` neutralised, or None if the file does not parse."""
    return _findings(lint_ignoring_noqa(file, RULES))


@dataclass(slots=True)
class Comparison:
    missed: list[str] = field(default_factory=list)  # ruff's findings we lack: stays empty
    unexplained: list[str] = field(default_factory=list)  # extras without a reason
    extras: dict[str, int] = field(default_factory=lambda: dict.fromkeys(EXTRA_REASONS, 0))
    ours: int = 0
    theirs: int = 0


def _tally(result: Comparison, file: Path, ours: set[Position], theirs: set[Position]) -> None:
    """Add one file's findings to ``result``, each extra of ours with its reasons."""
    result.ours += len(ours)
    result.theirs += len(theirs)
    result.missed += [f"{file}:{line}:{col}" for line, col in sorted(theirs - ours)]
    extras = sorted(ours - theirs)
    module = _Module.read(file.read_bytes()) if extras else None
    for line, column in extras:
        assert module is not None
        reasons = _reasons(module, (line, column))
        for reason in reasons:
            result.extras[reason] += 1
        if not reasons:
            result.unexplained.append(f"{file}:{line}:{column}")


def _compare(
    files: Sequence[Path],
    theirs: dict[Path, set[Position]],
    ours: Callable[[Path], set[Position] | None],
) -> Comparison:
    result = Comparison()
    for file in files:
        found = ours(file)
        if found is not None and file in theirs:
            _tally(result, file, found, theirs[file])
    return result


def _with_response_model(files: Iterable[Path]) -> list[Path]:
    # Both tools report at a ``response_model=`` argument: other files cannot differ.
    return sorted({f.resolve() for f in files if b"response_model" in f.read_bytes()})


def compare(files: Iterable[Path]) -> Comparison:
    resolved = _with_response_model(files)
    return _compare(resolved, _run_ruff(resolved), _ours)


def _write(tmp_path: Path, names: Iterable[str]) -> list[Path]:
    return write_snippets(tmp_path, {name: SNIPPETS[name] for name in names})


def test_snippets_cover_ruff(tmp_path: Path) -> None:
    result = compare(_write(tmp_path, SNIPPETS))
    assert result.missed == []
    assert result.unexplained == []
    # Guards the comparison itself: ruff reports, and every kind of extra is exercised.
    assert result.theirs >= 14
    assert all(count > 0 for count in result.extras.values()), result.extras


def test_snippets_that_ruff_agrees_with_have_no_extras(tmp_path: Path) -> None:
    """On code ruff fully understands, the two rules report exactly the same arguments."""
    [same, quiet] = _write(tmp_path, ["same_as_ruff", "not_redundant"])
    theirs = _run_ruff([same.resolve(), quiet.resolve()])
    assert _ours(same) == theirs[same.resolve()]
    assert len(theirs[same.resolve()]) == 14
    assert _ours(quiet) == theirs[quiet.resolve()] == set()


def test_snippet_extras_are_exactly_the_expected_ones(tmp_path: Path) -> None:
    """Pins the extras of the snippets, so a change in either tool shows up here."""
    [extras, deferred] = _write(tmp_path, ["extras", "deferred"])
    theirs = _run_ruff([extras.resolve(), deferred.resolve()])
    assert theirs[extras.resolve()] == theirs[deferred.resolve()] == set()
    module = _Module.read(extras.read_bytes())
    found = {position: _reasons(module, position) for position in _ours(extras) or ()}
    assert found == {
        (10, 16): ("comparison",),  # Book | None vs Optional[Book]
        (12, 16): ("comparison",),  # schemas.Book vs Book
        (14, 16): ("comparison",),  # List[Book] vs list[Book]
        (16, 16): ("comparison",),  # Book vs "Book"
        (20, 16): ("comparison",),  # tuple[int, ...] vs typing.Tuple[int, ...]
        (22, 16): ("comparison",),  # a star-imported name on both sides
        (24, 22): ("registrar",),  # api_route
        (26, 19): ("router",),  # fastapi.routing.APIRouter
        (29, 31): ("registration",),  # add_api_route
    }
    # ``response_model=None`` with ``-> None`` (line 18) is the explicit opt-out: neither
    # tool reports it.
    # Only the module-level class: `Local` is out of reach of the deferred annotation.
    assert _ours(deferred) == {(7, 16)}


def test_fixtures_cover_ruff() -> None:
    files = list(FIXTURES.glob("*.py"))
    result = compare(files)
    assert files
    assert result.missed == []
    assert result.unexplained == []
    assert result.theirs > 0


def test_corpus_covers_ruff(corpus_lint: CorpusLint, corpus_ruff: CorpusRuff) -> None:
    files = _with_response_model(corpus_lint.files)
    theirs = _ruff(files, corpus_ruff.items(["FAST001"]))
    result = _compare(files, theirs, lambda file: _findings(corpus_lint.result(file, RULES)))
    assert result.missed == [], "\n".join(result.missed[:50])
    assert result.unexplained == [], "\n".join(result.unexplained[:50])
    assert result.ours >= result.theirs > 0
