"""FAPI501 reports every parameter that ruff's FAST002 reports, and justifies every other one.

Ruff runs as ``ruff check --isolated --select FAST002`` (FAST002 is stable: no ``--preview``)
on tricky snippets, on the rule fixtures and on every file of ``corpus/``.

Positions. Ruff's finding covers the whole parameter (``db: Session = Depends(get_db)``) and
starts at its name; ours covers the default (``Depends(get_db)``), the part issue 7's fix
rewrites. Each of our findings is therefore mapped to the (line, column) where its parameter
starts, and the sets of (path, line, column) are compared: ours must contain ruff's.

Extra findings of ours (reported by us, not by ruff) are expected, because ruff only looks at
part of what FastAPI reads. Each extra must have at least one of the reasons of
``EXTRA_REASONS``, checked on the code itself; an extra without one fails the test:

* ``unannotated``: ruff needs both an annotation and a default; ``db=Depends(get_db)`` is the
  same non-``Annotated`` dependency, with the type missing as well.
* ``positional-only``: ruff skips parameters before ``/``; FastAPI reads them like the others.
* ``marker-module``: ruff only knows ``fastapi.Depends``-style names; ``fastapi.params.Depends``
  and ``fastapi.param_functions.Query`` are the same markers to FastAPI.
* ``marker-in-variable``: the default is a variable holding a marker (``current_user =
  Depends(get_user)``, then ``user: User = current_user``); ruff only resolves the default
  expression itself, FastAPI sees the same ``Depends`` object.
* ``not-a-route-for-ruff``: ruff only checks functions decorated ``@name.get/post/...(...)``
  where ``name`` is bound to ``fastapi.FastAPI``/``fastapi.APIRouter`` in the module. FastAPI
  reads the parameters of dependencies, sub-dependencies, dependency classes' ``__init__``,
  ``api_route``/``websocket``/``add_api_route`` endpoints and of routes on routers made
  elsewhere (or with ``fastapi.routing.APIRouter``) exactly the same way.

``# noqa`` comments are neutralised on both sides.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, PositionProvider

from corpus_helpers import (
    ROOT,
    CorpusLint,
    CorpusRuff,
    Item,
    lint_ignoring_noqa,
    parallel_map,
    run_ruff,
    without_noqa,
    write_snippets,
)
from fastapi_lint.fastapi_model.module import ModuleModel
from fastapi_lint.models import FileResult
from fastapi_lint.rules.fastapi._marker_advice import MARKERS
from fastapi_lint.rules.fastapi.non_annotated_dependency import NonAnnotatedDependency

pytest.importorskip("ruff")

FIXTURES = ROOT / "fixtures" / "rules" / "non_annotated_dependency"
RULES = (NonAnnotatedDependency,)
_VERBS = frozenset({"get", "post", "put", "delete", "patch", "options", "head", "trace"})
_RUFF_ROUTERS = frozenset({"fastapi.FastAPI", "fastapi.APIRouter"})
EXTRA_REASONS = (
    "unannotated",
    "positional-only",
    "marker-module",
    "marker-in-variable",
    "not-a-route-for-ruff",
)
Position = tuple[int, int]  # 1-based line and column

SNIPPETS: dict[str, str] = {
    "routes": (
        "from fastapi import APIRouter, Body, Cookie, Depends, FastAPI, File, Form, Header\n"
        "from fastapi import Path, Query, Security, UploadFile\n"
        "app = FastAPI()\nrouter = APIRouter()\n"
        '@app.get("/a/{x}")\n'
        "def a(x: int = Path(..., ge=1), q: str = Query(''), db: Session = Depends(get_db)):\n"
        "    pass\n"
        '@router.post("/b")\n'
        "async def b(\n    body: dict = Body(..., embed=True),\n    c: str = Cookie(None),\n"
        "    h: str = Header(default=None, alias='X-H'),\n    f: UploadFile = File(...),\n"
        "    n: str = Form(),\n    u: User = Security(current_user, scopes=['me']),\n"
        "    *,\n    k: int = Query(1),\n):\n    pass\n"
        "@app.put('/c')\n@app.patch('/c')\n"
        "def c(w: int = (Depends(f)), v: int = ( Depends(f) ) ): pass\n"
        "@app.delete('/d')\ndef d(a: int = Query, b: int = Depends): pass\n"
        "@app.options('/e')\n@app.head('/e')\n@app.trace('/e')\n"
        "def e(q: str = Query(\n    None,\n    max_length=5,\n)): pass\n"
    ),
    "imports": (
        "import fastapi\nimport fastapi as fa\nfrom fastapi import Depends as D, Query as Q\n"
        "from fastapi import params, param_functions\n"
        "app = fastapi.FastAPI()\n"
        "@app.get('/')\n"
        "def a(x: int = fastapi.Query(1), y: int = fa.Depends(g), z: int = D(g), w: int = Q(2),\n"
        "      p: int = params.Query(3), r: int = param_functions.Depends(g)): pass\n"
        "def test_nested():\n"
        "    from fastapi import FastAPI, Query\n"
        "    inner = FastAPI()\n"
        "    @inner.get('/test')\n"
        "    def handler(echo: str = Query('')):\n"
        "        return echo\n"
    ),
    "annotated": (
        "from typing import Annotated\nimport typing_extensions as te\n"
        "from fastapi import Depends, FastAPI, Query\n"
        "app = FastAPI()\n"
        "@app.get('/')\n"
        "def a(x: Annotated[int, Query()] = 1, y: Annotated[str, 'doc'] = Query('y'),\n"
        "      z: te.Annotated[int, Depends(g)] = Depends(g), u: 'int' = Query(0)): pass\n"
    ),
    "not_routes": (
        "from fastapi import APIRouter, Depends, FastAPI, Query\n"
        "from fastapi.routing import APIRouter as RoutingRouter\n"
        "from .routers import shared_router\n"
        "app = FastAPI()\nother = RoutingRouter()\n"
        "def get_db(settings: Settings = Depends(get_settings)): ...\n"
        "class Pagination:\n"
        "    def __init__(self, page: int = Query(1), size: int = Query(50)): ...\n"
        "@app.api_route('/x', methods=['GET'])\ndef x(q: str = Query('')): pass\n"
        "@app.websocket('/ws')\nasync def ws(token: str = Query(None)): pass\n"
        "@other.get('/y')\ndef y(q: str = Query('')): pass\n"
        "@shared_router.get('/z')\ndef z(q: str = Query('')): pass\n"
        "def registered(q: str = Query('')): pass\n"
        "app.add_api_route('/r', registered)\n"
        "def posonly(a: int = Query(1), /, b: int = Query(2)): pass\n"
        "@app.get('/u')\ndef untyped(db=Depends(get_db), q=Query(None)): pass\n"
        "@app.get('/p')\ndef posonly_route(a: int = Query(1), /, b: int = Query(2)): pass\n"
    ),
    "quiet": (
        "from pathlib import Path\nfrom typing import Annotated\n"
        "from fastapi import Depends, FastAPI, Query\n"
        "app = FastAPI()\n"
        "limit = int('1')\n"
        "@app.get('/')\n"
        "def a(p: Path = Path('.'), u: int = limit, q: Annotated[str, Query()] = '',\n"
        "      l=lambda x=Depends(g): x, n: int = 1): pass\n"
        "def Body(x=None): return x\n"
        "@app.post('/b')\ndef b(data: dict = Body(None)): pass\n"
    ),
    "methods_and_classes": (
        "from fastapi import APIRouter, Depends, FastAPI, Query\n"
        "class Views:\n"
        "    router = APIRouter()\n"
        "    @router.get('/a')\n"
        "    def a(self, q: str = Query('')): pass\n"
        "def factory(app: FastAPI) -> None:\n"
        "    @app.get('/b')\n"
        "    def b(db: Session = Depends(get_db)): pass\n"
        "    def dep(q: str = Query(None)): return q\n"
        "annotated_router: APIRouter = APIRouter()\n"
        "@annotated_router.get('/c')\n"
        "async def c(u: User = Depends(get_user)): pass\n"
    ),
    "variables": (
        "from fastapi import Depends, FastAPI, File, UploadFile\n"
        "app = FastAPI()\n"
        "current = Depends(get_user)\nupload = File(...)\n"
        "@app.post('/')\n"
        "def a(u: User = current, f: UploadFile = upload): pass\n"
    ),
    "noqa_and_unicode": (
        "from fastapi import Depends, FastAPI\n"
        "app = FastAPI()\n"
        "@app.get('/é')\n"
        "def naïve(é: str = Depends(g), ü: int = Depends(h)):  # noqa: FAST002\n"
        "    pass\n"
    ),
}


@dataclass(frozen=True, slots=True)
class Finding:
    """One of our findings, placed at its parameter's start like ruff's."""

    line: int
    column: int
    reasons: tuple[str, ...]  # why ruff does not report it (only computed for extras)
    message: str


def _ruff(files: Sequence[Path], items: Iterable[Item]) -> dict[Path, set[Position]]:
    found: dict[Path, set[Position]] = {file: set() for file in files}
    for item in items:
        assert item.get("code") in ("FAST002", None), item
        if item.get("code") is None:  # a syntax error: leave the file out
            found.pop(Path(item["filename"]).resolve(), None)
            continue
        where = item["location"]
        found.setdefault(Path(item["filename"]).resolve(), set())
        found[Path(item["filename"]).resolve()].add((where["row"], where["column"]))
    return found


def _run_ruff(files: Sequence[Path]) -> dict[Path, set[Position]]:
    return _ruff(files, run_ruff(files, ["FAST002"]))


class _Parameters(cst.CSTVisitor):
    """Every parameter with a default: where its default starts -> the parameter and its def."""

    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self) -> None:
        super().__init__()
        self.functions: list[cst.FunctionDef] = []
        self.by_default: dict[Position, tuple[cst.Param, cst.FunctionDef, Position]] = {}

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.functions.append(node)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self.functions.pop()

    def visit_Param(self, node: cst.Param) -> None:
        if node.default is None or not self.functions:
            return
        default = self.get_metadata(PositionProvider, node.default).start
        start = self.get_metadata(PositionProvider, node).start
        key = (default.line, default.column + 1)
        self.by_default[key] = (node, self.functions[-1], (start.line, start.column + 1))


def _ruff_router_names(module: cst.Module, model: ModuleModel) -> set[str]:
    """Names ruff types as a FastAPI app or router: ``x = FastAPI()``, ``x: APIRouter``."""
    names: set[str] = set()
    for node in _walk(module):
        target, value = _binding(node)
        if target is None or value is None:
            continue
        func = value.func if isinstance(value, cst.Call) else value
        if isinstance(func, cst.Name | cst.Attribute) and model.qualified_name(func) in (
            _RUFF_ROUTERS
        ):
            names.add(target)
    return names


def _binding(node: cst.CSTNode) -> tuple[str | None, cst.BaseExpression | None]:
    if isinstance(node, cst.Assign) and isinstance(node.value, cst.Call):
        target = node.targets[0].target
        return (target.value if isinstance(target, cst.Name) else None), node.value
    if isinstance(node, cst.AnnAssign) and isinstance(node.target, cst.Name):
        return node.target.value, node.annotation.annotation
    if isinstance(node, cst.Param) and node.annotation is not None:
        return node.name.value, node.annotation.annotation
    return None, None


def _walk(node: cst.CSTNode) -> Iterable[cst.CSTNode]:
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(current.children)


def _is_ruff_route(func: cst.FunctionDef, routers: set[str]) -> bool:
    for decorator in func.decorators:
        call = decorator.decorator
        if not isinstance(call, cst.Call) or not isinstance(call.func, cst.Attribute):
            continue
        owner = call.func.value
        verb = call.func.attr.value
        if verb in _VERBS and isinstance(owner, cst.Name) and owner.value in routers:
            return True
    return False


def _reasons(
    param: cst.Param, func: cst.FunctionDef, model: ModuleModel, routers: set[str]
) -> tuple[str, ...]:
    reasons: list[str] = []
    if param.annotation is None:
        reasons.append("unannotated")
    if any(param is p for p in func.params.posonly_params):
        reasons.append("positional-only")
    default = param.default
    assert default is not None  # only parameters with a default are reported
    qualified = model.qualified_name(default.func if isinstance(default, cst.Call) else default)
    if qualified in MARKERS and qualified.count(".") > 1:
        reasons.append("marker-module")
    if isinstance(default, cst.Name) and qualified not in MARKERS:
        reasons.append("marker-in-variable")
    if not _is_ruff_route(func, routers):
        reasons.append("not-a-route-for-ruff")
    return tuple(reasons)


def _explain(file: Path, result: FileResult) -> list[Finding] | None:
    """Our findings at their parameters' starts, or None if the file does not parse."""
    assert not result.internal_errors, result.internal_errors
    if not result.diagnostics:
        return []
    module = cst.parse_module(without_noqa(file))  # the text that was linted
    parameters = _Parameters()
    MetadataWrapper(module, unsafe_skip_copy=True).visit(parameters)
    model = ModuleModel.build(module, str(file))
    routers = _ruff_router_names(module, model)
    found: list[Finding] = []
    for diagnostic in result.diagnostics:
        param, func, start = parameters.by_default[(diagnostic.line, diagnostic.column)]
        reasons = _reasons(param, func, model, routers)
        found.append(Finding(*start, reasons, diagnostic.message))
    return found


def _ours(file: Path) -> list[Finding] | None:
    """Our findings with ``noqa`` neutralised, or None if the file does not parse."""
    return _explain(file, lint_ignoring_noqa(file, RULES))


def _explain_linted(linted: tuple[Path, FileResult]) -> list[Finding] | None:
    """``_explain`` for a worker process: the reasons take a parse of each file."""
    return _explain(*linted)


@dataclass(slots=True)
class Comparison:
    missed: list[str]  # ruff's findings we lack: must stay empty
    unexplained: list[str]  # our extras without a reason: must stay empty
    extras: dict[str, int]  # extras per reason
    ours: int
    theirs: int


def _tally(result: Comparison, file: Path, ours: list[Finding], theirs: set[Position]) -> None:
    """Add one file's findings to ``result``, each extra of ours with its reasons."""
    result.ours += len(ours)
    result.theirs += len(theirs)
    positions = {(finding.line, finding.column) for finding in ours}
    result.missed += [f"{file}:{line}:{column}" for line, column in theirs - positions]
    for finding in ours:
        if (finding.line, finding.column) in theirs:
            continue
        for reason in finding.reasons:
            result.extras[reason] += 1
        if not finding.reasons:
            result.unexplained.append(f"{file}:{finding.line}:{finding.column}")


def _compare(
    files: Sequence[Path], theirs: dict[Path, set[Position]], ours: Iterable[list[Finding] | None]
) -> Comparison:
    result = Comparison([], [], dict.fromkeys(EXTRA_REASONS, 0), 0, 0)
    for file, found in zip(files, ours, strict=True):
        if found is not None and file in theirs:
            _tally(result, file, found, theirs[file])
    return result


def compare(files: Iterable[Path]) -> Comparison:
    resolved = sorted({file.resolve() for file in files})
    return _compare(resolved, _run_ruff(resolved), parallel_map(_ours, resolved))


def _snippet_files(tmp_path: Path) -> list[Path]:
    return write_snippets(tmp_path, SNIPPETS)


def test_snippets_cover_ruff(tmp_path: Path) -> None:
    result = compare(_snippet_files(tmp_path))
    assert result.missed == []
    assert result.unexplained == []
    # Guards the comparison itself: both sides report, and every kind of extra is exercised.
    assert result.theirs >= 25
    assert all(count > 0 for count in result.extras.values()), result.extras


def test_snippet_extras_are_exactly_the_expected_ones(tmp_path: Path) -> None:
    """Pins the extras of the snippets, so a change in either tool shows up here."""
    file = tmp_path / "not_routes.py"
    file.write_text(SNIPPETS["not_routes"], encoding="utf-8")
    ours = _ours(file) or []
    theirs = _run_ruff([file.resolve()])[file.resolve()]
    extras = {(f.line, f.column): f.reasons for f in ours if (f.line, f.column) not in theirs}
    assert theirs == {(23, 41)}  # `b` of the route after `/`: ruff skips `a` before it
    assert extras == {
        (6, 12): ("not-a-route-for-ruff",),  # a dependency's own dependency
        (8, 24): ("not-a-route-for-ruff",),  # __init__ of a class used as Depends(Pagination)
        (8, 46): ("not-a-route-for-ruff",),
        (10, 7): ("not-a-route-for-ruff",),  # api_route
        (12, 14): ("not-a-route-for-ruff",),  # websocket
        (14, 7): ("not-a-route-for-ruff",),  # router made with fastapi.routing.APIRouter
        (16, 7): ("not-a-route-for-ruff",),  # router imported from another module
        (17, 16): ("not-a-route-for-ruff",),  # registered with add_api_route
        (19, 13): ("positional-only", "not-a-route-for-ruff"),
        (19, 35): ("not-a-route-for-ruff",),
        (21, 13): ("unannotated",),
        (21, 33): ("unannotated",),
        (23, 19): ("positional-only",),
    }


def test_fixtures_cover_ruff() -> None:
    files = list(FIXTURES.glob("*.py"))
    result = compare(files)
    assert files
    assert result.missed == []
    assert result.unexplained == []
    assert result.theirs > 0


def test_corpus_covers_ruff(corpus_lint: CorpusLint, corpus_ruff: CorpusRuff) -> None:
    files = corpus_lint.files
    theirs = _ruff(files, corpus_ruff.items(["FAST002"]))
    linted = list(zip(files, corpus_lint.results_for(RULES), strict=True))
    result = _compare(files, theirs, parallel_map(_explain_linted, linted))
    assert result.missed == [], "\n".join(result.missed[:50])
    assert result.unexplained == [], "\n".join(result.unexplained[:50])
    assert result.ours >= result.theirs > 0
