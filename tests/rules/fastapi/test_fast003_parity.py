"""FAPI502 in strict mode reports every path parameter ruff's FAST003 reports (ours ⊇ theirs).

By default FAPI502 also leaves alone what a reviewer would not flag and ruff does: pages
and catch-all fallbacks whose front end reads the URL, and names read through
``request.path_params`` (tests/rules/fastapi/test_fastapi_route_rules.py); the strict
mode (``strict = ["FAPI502"]``) keeps ruff's semantics, and is what is compared here.

Ruff runs with ``--isolated --select FAST003``, once as is and once with ``--preview`` (the
rule was preview-only in older ruff versions), on snippets, on the rule fixtures and on
every file of ``corpus/``. A finding is compared by its line and the parameter it names:
ruff points at the ``{`` inside the path string, FAPI502 at the string literal holding it.

Where ruff is wrong (FastAPI does hand the value to a parameter ruff does not see), the
snippet is listed in ``RUFF_FALSE_POSITIVES`` with the reason, and FAPI502 must be quiet
there: those are the regression tests for ruff issues #16795, #21075, #17226 and the like.
Findings of ours that ruff does not have are listed in ``OUR_EXTRAS`` with the reason.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path

import pytest

from corpus_helpers import (
    PEER_TWINS,
    PREVIEW,
    ROOT,
    STABLE,
    CorpusLint,
    CorpusRuff,
    Item,
    run_ruff,
    write_snippets,
)
from fastapi_lint.models import FileResult
from fastapi_lint.options import RuleOptions
from fastapi_lint.rules.fastapi.path_parameter_mismatch import PathParameterMismatch
from fastapi_lint.runner.single_file import lint_bytes

pytest.importorskip("ruff")

FIXTURES = ROOT / "fixtures" / "rules"
RULES = (PathParameterMismatch,)
STRICT = RuleOptions(strict=("FAPI502",))
# (line, parameter name)
Finding = tuple[int, str]
# Per snippet: (ruff's findings we miss, our findings ruff does not have).
Differences = dict[str, tuple[set[Finding], set[Finding]]]
_RUFF_NAME = re.compile(r"Parameter `([^`]+)` appears in route path")
# Our findings about a ``{name}`` of the path (not about a ``Path()`` parameter).
_OUR_NAME = re.compile(r"Path parameter `\{([^`]+)\}` of `")

HEADER = (
    "from typing import Annotated\n"
    "from fastapi import APIRouter, Depends, FastAPI, Path, Query\n"
    "app = FastAPI()\n"
)

SNIPPETS: dict[str, str] = {
    "basics": HEADER
    + '@app.get("/things/{thing_id}")\nasync def read_thing(query: str): ...\n'
    + '@app.get("/a/{a}/{b:path}/{c}")\nasync def many(c: int): ...\n'
    + '@app.get("/files/" "{file_id}")\nasync def concatenated(): ...\n'
    + '@app.get("/carts/{cart_id}")\ndef positional(cart_id, /): ...\n'
    + '@app.get("/kw/{item_id}")\nasync def keywords(**kwargs): ...\n'
    + '@app.get("/kwonly/{item_id}")\nasync def kwonly(*, item_id: int): ...\n'
    + '@app.get("/q/{l}")\nasync def query_alias(u: Annotated[str, Query(alias="l")]): ...\n'
    + '@app.get("/lam/{i}")\nasync def lam(u=Depends(lambda: 1)): ...\n'
    + '@app.get("/docs/{docId}")\n'
    + 'async def aliased(doc_id: Annotated[str, Path(alias="docId")]): ...\n'
    + '@app.get("/{{braced}}")\nasync def braces(): ...\n',
    "same_file_dependencies": HEADER
    + "def get_item(item_id: int): ...\n"
    + "class Params:\n    def __init__(self, shelf_id: int): ...\n"
    + '@app.get("/items/{item_id}")\nasync def by_default(item=Depends(get_item)): ...\n'
    + '@app.get("/items2/{item_id}")\n'
    + "async def by_annotated(item: Annotated[dict, Depends(get_item)]): ...\n"
    + '@app.get("/shelves/{shelf_id}")\n'
    + "async def by_class(p: Annotated[Params, Depends()]): ...\n",
    "unknown_dependency": HEADER
    + "from .deps import get_user\n"
    + '@app.get("/users/{user_id}/{address_id}")\n'
    + "async def unknown(address_id: int, user=Depends(get_user)): ...\n",
    # ruff #20680 (and #20060): not parameters for Starlette, literal text of the path.
    "not_parameters_issue_20680": HEADER
    + '@app.get("/f1/{x: str}")\nasync def f1(): ...\n'
    + '@app.get("/f2/{用户身份}")\nasync def f2(): ...\n'
    + '@app.get("/f3/{complex_number:ℂ}")\nasync def f3(): ...\n'
    + '@app.get("/f4/{ x }")\nasync def f4(): ...\n'
    + '@app.get("/f5/{user-id}")\nasync def f5(): ...\n'
    + '@app.get("/f6/{x:}")\nasync def f6(): ...\n',
    # ruff #16795: the alias lives in another module, FastAPI reads `exampleId` through it.
    "imported_path_alias_issue_16795": HEADER
    + "from .params import ExampleIdPathParameter\n"
    + '@app.get("/examples/{exampleId}")\n'
    + "async def read_example(example_id: ExampleIdPathParameter): ...\n",
    # ruff #21075: the same-file `Annotated` alias carries `Depends(get_thing)`.
    "annotated_dependency_alias_issue_21075": HEADER
    + "async def get_thing(thing_id: int): ...\n"
    + "ThingDep = Annotated[dict, Depends(get_thing)]\n"
    + '@app.get("/things/{thing_id}")\nasync def read(thing: ThingDep): ...\n',
    # ruff PR #26354: a `Depends(...)` assigned to a variable, used as metadata.
    "preassigned_depends": HEADER
    + "async def find_item(item_id: int): ...\n"
    + "FindItem = Depends(find_item)\n"
    + '@app.get("/items/{item_id}")\nasync def get_item(item: Annotated[str, FindItem]): ...\n',
    "nested_dependency": HEADER
    + "def sub(h: int): ...\n"
    + "def dep(x=Depends(sub)): ...\n"
    + '@app.get("/h/{h}")\nasync def nested(u=Depends(dep)): ...\n',
    "bare_depends_default": HEADER
    + "class C:\n    def __init__(self, e: int): ...\n"
    + '@app.get("/e/{e}")\nasync def bare(u: C = Depends()): ...\n',
    "route_dependencies": HEADER
    + "def check(item_id: int): ...\n"
    + '@app.get("/items/{item_id}", dependencies=[Depends(check)])\nasync def listed(): ...\n',
    "path_alias_default": HEADER
    + '@app.get("/items/{itemId}")\n'
    + 'async def alias_default(item_id: int = Path(alias="itemId")): ...\n',
    "attribute_dependency": HEADER
    + "from . import deps\n"
    + '@app.get("/items/{item_id}")\nasync def attribute(item=Depends(deps.get_item)): ...\n',
    "extras": HEADER
    + "from fastapi.security import OAuth2PasswordBearer\n"
    + 'oauth = OAuth2PasswordBearer(tokenUrl="token")\n'
    + 'router = APIRouter(prefix="/orgs/{org_id}")\n'
    + '@app.websocket("/ws/{room}")\nasync def ws(websocket): ...\n'
    + '@app.api_route("/api/{item_id}", methods=["GET"])\nasync def api(): ...\n'
    + '@app.get(path="/kw/{item_id}")\nasync def keyword_path(): ...\n'
    + '@app.get("/first/{item_id}")\n@app.get("/second/{other}")\n'
    + "async def two(item_id: int): ...\n"
    + '@router.get("/members")\nasync def members(): ...\n'
    + '@app.get("/secure/{item_id}")\nasync def secure(token=Depends(oauth)): ...\n'
    + '@app.get("/invoices/{invoice_id}")\n'
    + 'async def wrong_alias(invoice_id: int = Path(alias="invoiceId")): ...\n',
}

RUFF_FALSE_POSITIVES = {
    "imported_path_alias_issue_16795": "the parameter's imported alias may carry Path(alias=)",
    "annotated_dependency_alias_issue_21075": "ruff does not expand Annotated aliases",
    "preassigned_depends": "ruff does not read a Depends(...) stored in a variable",
    "nested_dependency": "ruff does not follow sub-dependencies",
    "bare_depends_default": "ruff does not read the class of a bare Depends() default",
    "route_dependencies": "ruff does not read the route's dependencies=[...]",
    "path_alias_default": "ruff only reads aliases in Annotated[..., Path(alias=)]",
    "attribute_dependency": "a dependency this file cannot see may read the parameter",
}
OUR_EXTRAS: dict[str, set[Finding]] = {
    "extras": {
        (7, "room"),  # websocket routes have path parameters too
        (9, "item_id"),  # api_route is a FastAPI route
        (11, "item_id"),  # the path given as path=
        (14, "other"),  # every decorator of a handler, not only the first
        (16, "org_id"),  # the router prefix of this file
        (18, "item_id"),  # a fastapi.security scheme reads no path parameter
        (20, "invoice_id"),  # FastAPI reads Path(alias=) of a default, not the name
    },
}


def _ruff(files: Sequence[Path], items: Iterable[Item]) -> dict[Path, set[Finding]]:
    """Ruff's findings per file."""
    found: dict[Path, set[Finding]] = {file: set() for file in files}
    for item in items:
        match = _RUFF_NAME.search(item.get("message", ""))
        if item.get("code") == "FAST003" and match is not None:
            path = Path(item["filename"]).resolve()
            found[path].add((item["location"]["row"], match.group(1)))
    return found


def _run_ruff(files: Sequence[Path]) -> dict[Path, set[Finding]]:
    """Ruff's findings per file, with and without ``--preview`` (their union)."""
    return _ruff(files, [*run_ruff(files, ["FAST003"]), *run_ruff(files, ["FAST003"], PREVIEW)])


def _findings(result: FileResult) -> set[Finding]:
    assert not result.internal_errors, result.internal_errors
    found = set()
    for diagnostic in result.diagnostics:
        match = _OUR_NAME.search(diagnostic.message)
        if match is not None:
            found.add((diagnostic.line, match.group(1)))
    return found


def _ours(file: Path) -> set[Finding]:
    return _findings(lint_bytes(file.read_bytes(), str(file), RULES, STRICT))


def _compare(
    files: Sequence[Path], theirs: dict[Path, set[Finding]], ours: Iterable[set[Finding]]
) -> dict[Path, tuple[set[Finding], set[Finding]]]:
    """Per file: (ruff's findings we miss, our findings ruff does not have)."""
    differences = {}
    for file, found in zip(files, ours, strict=True):
        differences[file] = (theirs[file] - found, found - theirs[file])
    return differences


def compare(files: Iterable[Path]) -> dict[Path, tuple[set[Finding], set[Finding]]]:
    """Per file: (ruff's findings we miss, our findings ruff does not have)."""
    resolved = sorted({file.resolve() for file in files})
    return _compare(resolved, _run_ruff(resolved), map(_ours, resolved))


@pytest.fixture(scope="module")
def snippet_differences(tmp_path_factory: pytest.TempPathFactory) -> Differences:
    files = write_snippets(tmp_path_factory.mktemp("fast003"), SNIPPETS)
    differences = compare(files)
    return {name: differences[file.resolve()] for name, file in zip(SNIPPETS, files, strict=True)}


@pytest.mark.parametrize("name", [n for n in SNIPPETS if n not in RUFF_FALSE_POSITIVES])
def test_snippet_has_every_ruff_finding(name: str, snippet_differences: Differences) -> None:
    missed, extras = snippet_differences[name]
    assert missed == set()
    assert extras == OUR_EXTRAS.get(name, set())


@pytest.mark.parametrize("name", sorted(RUFF_FALSE_POSITIVES))
def test_ruff_false_positive_stays_quiet(name: str, tmp_path: Path) -> None:
    """Regression tests of ruff's FAST003 false positives: FAPI502 reports nothing."""
    file = tmp_path / f"{name}.py"
    file.write_text(SNIPPETS[name], encoding="utf-8")
    assert _ours(file) == set(), RUFF_FALSE_POSITIVES[name]


def test_ruff_still_reports_its_false_positives(snippet_differences: Differences) -> None:
    """Ruff reports the snippets above (else the list is stale and should shrink)."""
    missed = {name for name in RUFF_FALSE_POSITIVES if snippet_differences[name][0]}
    assert missed == set(RUFF_FALSE_POSITIVES)


def test_snippets_do_produce_findings(snippet_differences: Differences, tmp_path: Path) -> None:
    """Guards the comparison itself: both tools must find the plain mistakes."""
    file = tmp_path / "basics.py"
    file.write_text(SNIPPETS["basics"], encoding="utf-8")
    assert len(_ours(file)) >= 6
    assert len(_run_ruff([file.resolve()])[file.resolve()]) >= 6


def test_fixtures_have_every_ruff_finding() -> None:
    files = sorted(FIXTURES.glob("path_parameter_mismatch/*.py"))
    assert files
    for file, (missed, _) in compare(files).items():
        text = file.read_text(encoding="utf-8")
        ok_from = text[: text.index("# OK")].count("\n") + 1
        # Ruff's false positives sit in the OK section, on purpose: sub-dependencies
        # through an alias, a bare Depends() default, a callable instance in dependencies=.
        assert all(line > ok_from for line, _ in missed), missed
        assert {name for _, name in missed} <= {"owner_id", "pet_id", "genre_id", "tenant_id"}


def test_corpus_has_every_ruff_finding(corpus_lint: CorpusLint, corpus_ruff: CorpusRuff) -> None:
    files = corpus_lint.files
    items = [*corpus_ruff.items(["FAST003"], STABLE), *corpus_ruff.items(["FAST003"], PREVIEW)]
    # Our own ``noqa`` comments count, as in ``_ours``: only ruff's are ignored.
    strict = [PEER_TWINS["FAPI502"]]
    ours = map(_findings, corpus_lint.results_for(strict, honour_noqa=True))
    differences = _compare(files, _ruff(files, items), ours)
    missed = [
        f"{file}:{line}: {name}"
        for file, (lost, _) in differences.items()
        for line, name in sorted(lost)
    ]
    assert missed == [], "\n".join(missed[:50])
    # FAPI502 has no finding of its own on the corpus today: a new one is to be read and
    # justified (added to the snippets' extras) before this list may grow.
    extras = [
        f"{file}:{line}: {name}" for file, (_, more) in differences.items() for line, name in more
    ]
    assert extras == [], "\n".join(extras[:50])
