"""FAPI201/FAPI202 report exactly where ruff's ANN001-003 and ANN201-206 report.

In ``strict`` mode, with ruff's default settings (``--isolated``); by default, with ruff's
``mypy-init-return`` and ``suppress-dummy-args`` (dummies being names made of underscores
only), except that an ``__init__`` whose parameters all lack a type is left to FAPI201.
Ruff runs on tricky snippets, on the rule fixtures and on every file of ``corpus/``; the
(line, column) of every finding must match. ``# noqa`` comments are ignored on both
sides (ruff's would hide its ANN codes only), and so are the other peers' suppressions.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from corpus_helpers import (
    ANN_REVIEW,
    PEER_TWINS,
    ROOT,
    STABLE,
    CorpusLint,
    CorpusRuff,
    Item,
    RuffFlags,
    lint_ignoring_noqa,
    our_findings,
    position,
    ruff_by_file,
    run_ruff,
    write_snippets,
)
from fastapi_lint.models import FileResult
from fastapi_lint.options import RuleOptions
from fastapi_lint.rules.type_hints.missing_parameter_annotation import MissingParameterAnnotation
from fastapi_lint.rules.type_hints.missing_return_annotation import MissingReturnAnnotation

pytest.importorskip("ruff")

FIXTURES = ROOT / "fixtures" / "rules"
RUFF_CODES = {
    "ANN001": "FAPI201",
    "ANN002": "FAPI201",
    "ANN003": "FAPI201",
    "ANN201": "FAPI202",
    "ANN202": "FAPI202",
    "ANN204": "FAPI202",
    "ANN205": "FAPI202",
    "ANN206": "FAPI202",
}
RULES = (MissingParameterAnnotation, MissingReturnAnnotation)
# The strict twins of the shared corpus run report under their own codes.
_CODES = {twin.code: code for code, twin in PEER_TWINS.items()}
# One finding: (code, line, column), ruff's codes mapped to ours.
Finding = tuple[str, int, int]

SNIPPETS: dict[str, str] = {
    "basics": (
        "def f(a, b: int, *args, c=1, **kwargs):\n    pass\n"
        "def g(_, __, *_args, **_kw) -> None:\n    pass\n"
        "async def h(item_id, *, q=None):\n    return {}\n"
        "def spaced(a, * args, c: int=1, **  kwargs):\n    pass\n"
        "def wrapped(\n    a=1,\n    b = 2,\n    *\n    rest,\n):\n    pass\n"
        "def ____(x): pass\n"
        "def __(x): pass\n"
        "def __getattr__(name):\n    pass\n"
    ),
    "handed_on": (
        "def passes(*args, **kwargs):\n    return target(*args, **kwargs)\n"
        "def reads(*args, **kwargs):\n    return target(args[0], kwargs.get('x'), **kwargs)\n"
        "def swapped(*args, **kwargs):\n    return target(*kwargs, **args)\n"
        "def attribute(*args, **kwargs):\n"
        "    return target(request.kwargs, *args, kwargs=1, args=2, **kwargs)\n"
        "def shadowed(**kwargs):\n    def inner(kwargs):\n        return kwargs\n"
        "    return inner(**kwargs)\n"
        "def listed(*args):\n    return [*args]\n"
        "def spread(**options):\n    return {**options}\n"
        "def caught(*args):\n    try:\n        run(*args)\n    except E as args:\n        pass\n"
        "class Context:\n"
        "    def __exit__(self, exc_type, exc, tb): pass\n"
        "    async def __aexit__(self, *exc_info): pass\n"
        "    @staticmethod\n    def __exit__(a, b): pass\n"
        "def __exit__(exc_type, exc, tb): pass\n"
    ),
    "methods": (
        "class C:\n"
        "    def m(self, x):\n        pass\n"
        "    @classmethod\n    def cm(cls, x):\n        pass\n"
        "    @staticmethod\n    def sm(x, y):\n        pass\n"
        "    def __init__(self):\n        pass\n"
        "    def __new__(cls, y):\n        pass\n"
        "    def __call__(self, *args, **kwargs):\n        pass\n"
        "    def kwonly(*, a, b):\n        pass\n"
        "    def posonly(a, /, b):\n        pass\n"
        "    def varonly(*args):\n        pass\n"
        "    @property\n    def p(self):\n        return 1\n"
        "    @p.setter\n    def p(self, value):\n        pass\n"
        "    def __init_subclass__(cls, **kw):\n        pass\n"
        "    async def am(self, q):\n        pass\n"
        "    if True:\n        def inif(self, z):\n            pass\n"
        "    def noself():\n        pass\n"
        "    @staticmethod\n    @classmethod\n    def both(a): pass\n"
        "    def __init__(self, a: int): pass\n"
        "    def __(self): pass\n"
        "    lam = lambda self, x: x\n"
        "    class Inner:\n        def im(self, y):\n            pass\n"
        "    def meth(self):\n        def nested(self, z):\n            pass\n"
        "        return nested\n"
    ),
    "nested": (
        "def outer(a):\n"
        "    def inner(b):\n        return b\n"
        "    lam = lambda q: q\n"
        "    class K:\n        def km(self, r):\n            pass\n"
        "    return inner\n"
    ),
    "overloads": (
        "import typing\nimport typing as t\nimport typing_extensions\n"
        "from typing import overload\n\n"
        "@overload\ndef ov(x: int) -> int: ...\n@overload\ndef ov(x: str) -> str: ...\n"
        "def ov(x):\n    return x\n"
        "@typing.overload\ndef ov2(x: int) -> int: ...\ndef ov2(x):\n    return x\n"
        "@t.overload\ndef ov3(x: int) -> int: ...\ndef ov3(x):\n    return x\n"
        "@typing_extensions.overload\ndef g(x: int) -> int: ...\nx = 1\ndef g(x):\n    return x\n"
        "@overload\ndef f(x: int) -> int: ...\nclass B: pass\ndef f(x):\n    return x\n"
        "@overload\ndef h(x: int) -> int: ...\ndef other(y): pass\ndef h(x):\n    return x\n"
        "class A:\n"
        "    @overload\n    def m(self, x: int) -> int: ...\n"
        "    def m(self, x):\n        return x\n"
    ),
    "overload_definition_order": (
        "from typing import overload\n"
        "def outer1():\n    @overload\n    def k(x: int) -> int: ...\n    return 1\n"
        "def outer2():\n    def k(x):\n        pass\n"
        "@overload\ndef late(x: int) -> int: ...\n"
        "if True:\n    def late(x):\n        return x\n"
    ),
    "overload_resolution": (
        "@overload\ndef early(x: int) -> int: ...\ndef early(x):\n    return x\n"
        "from typing import overload\n"
        "def setup():\n    from typing_extensions import overload as ov\n"
        "@ov\ndef f(x: int) -> int: ...\ndef f(x):\n    return x\n"
        "def outer(overload=None):\n"
        "    @overload\n    def k(x: int) -> int: ...\n    def k(x):\n        return x\n"
        "@overload\ndef own(x: int, overload: int = 1) -> int: ...\ndef own(x):\n    return x\n"
        "def h():\n"
        "    @overload\n    def k2(x: int) -> int: ...\n    def k2(x):\n        return x\n"
        "    from typing_extensions import overload\n"
        "class C:\n    overload = 1\n"
        "    @overload\n    def m(self, x: int) -> int: ...\n"
        "    def m(self, x):\n        return x\n"
        "    class D:\n"
        "        @overload\n        def n(self, x: int) -> int: ...\n"
        "        def n(self, x):\n            return x\n"
        "class E:\n    from typing import overload as ov2\n"
        "    @ov2\n    def m(self, x: int) -> int: ...\n    def m(self, x):\n        return x\n"
        "def a():\n    def b():\n        @overload\n        def k(x: int) -> int: ...\n"
        "        def k(x): pass\n    overload = 1\n"
    ),
    "overload_fallback_import": (
        "try:\n    from typing import overload\nexcept ImportError:\n    overload = None\n"
        "@overload\ndef f(x: int) -> int: ...\ndef f(x): pass\n"
    ),
    "unresolved_overload": "@overload\ndef f(x: int) -> int: ...\ndef f(x):\n    return x\n",
    "shadowed_staticmethod": (
        "def staticmethod(f): return f\nclass A:\n    @staticmethod\n    def s(x):\n        pass\n"
    ),
    "staticmethod_with_builtins": (
        "import builtins\n"
        "class C:\n    @staticmethod\n    def s(x):\n        pass\n"
        "    @builtins.staticmethod\n    def s1(x):\n        pass\n"
        "def staticmethod(f): return f\n"
    ),
    "staticmethod_local_shadow": (
        "def g():\n    staticmethod = 1\n    class E:\n"
        "        @staticmethod\n        def s(x):\n            pass\n"
        "        def meth(self):\n            @staticmethod\n            def inner(y):\n"
        "                pass\n"
    ),
    "decorators": (
        "import typing\nfrom abc import abstractmethod\nfrom typing import no_type_check\n"
        "@no_type_check\ndef a(x):\n    pass\n"
        "@typing.override\ndef o(x):\n    pass\n"
        "class A:\n    @abstractmethod\n    def am(self, x): ...\n"
        "    sm = staticmethod\n    @sm\n    def s2(x):\n        pass\n"
        "if typing.TYPE_CHECKING:\n    def tc(x):\n        pass\n"
    ),
    "fastapi": (
        "from typing import Annotated\nfrom fastapi import APIRouter, Depends\n"
        "router = APIRouter()\n"
        "def get_db():\n    yield 1\n"
        '@router.get("/users/{user_id}")\n'
        "async def read_user(user_id: int, db: Annotated[object, Depends(get_db)]):\n"
        "    return user_id\n"
        '@router.post("/users")\nasync def create_user(user, db=Depends(get_db)) -> dict:\n'
        "    return {}\n"
    ),
    "one_line_suites": (
        "if True: from typing import overload\n"
        "@overload\ndef f(x: int) -> int: ...\ndef f(x): return x\n"
        "class K: from typing import overload as ov\n"
        "def g(a): pass\n"
        "from builtins import staticmethod as sm\n"
        "class S:\n    @sm\n    def s(x): pass\n    @staticmethod\n    def t(x): pass\n"
    ),
    "compound_statements": (
        "from typing import overload\n"
        "try:\n    @overload\n    def a(x: int) -> int: ...\n"
        "except ImportError as overload:\n    def a(x): pass\n"
        "else:\n    def b(y): pass\nfinally:\n    def c(z): pass\n"
        "for i in range(3):\n    def d(w): pass\nelse:\n    def e(v): pass\n"
        "while False:\n    def g(u): pass\n"
        "with open('f') as overload:\n    @overload\n    def h(x: int) -> int: ...\n"
        "    def h(x): pass\n"
        "match 1:\n    case 1:\n        def m(t): pass\n    case _:\n        def m(t): pass\n"
    ),
    "class_based_views": (
        "import functools\nfrom fastapi import APIRouter\n"
        "router = APIRouter()\n"
        "def logged(func):\n"
        "    @functools.wraps(func)\n    async def wrapper(*args, **kwargs):\n"
        "        return await func(*args, **kwargs)\n    return wrapper\n"
        "class ItemView:\n"
        "    def __init__(self, router: APIRouter, prefix='/items'):\n"
        "        router.add_api_route(prefix, self.list, methods=['GET'])\n"
        "    async def list(self, limit: int = 10):\n        return []\n"
        "    async def __aenter__(self):\n        return self\n"
        "    async def __aexit__(self, *exc_info):\n        return None\n"
        "    async def stream(self):\n        yield 1\n"
    ),
    "unicode": "def naïve(é, ü=1):\n    return é  # ünïcode before: x\ndef 名前(引数): pass\n",
    "noqa": "def f(a):  # noqa: ANN001\n    pass\ndef g(b):  # noqa\n    pass\n",
}


def _ruff(files: Sequence[Path], items: Iterable[Item]) -> dict[Path, set[Finding]]:
    """Ruff's findings per file; files where ruff saw a syntax error are left out."""
    found, broken = ruff_by_file(files, items, RUFF_CODES)
    return {
        file: {(RUFF_CODES[item["code"]], *position(item)) for item in reported}
        for file, reported in found.items()
        if file not in broken
    }


def _untyped_inits(file: Path) -> set[Finding]:
    """Where ruff's ANN204 reports an `__init__` whose parameters all lack a type.

    The default mode leaves those to FAPI201 (the parameters' types are the comment), so
    they are the one place it differs from ruff with ``mypy-init-return``.
    """
    try:
        tree = ast.parse(file.read_bytes())
    except SyntaxError:
        return set()
    lines = file.read_text(encoding="utf-8", errors="replace").splitlines()
    found = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) or node.name != "__init__":
            continue
        arguments = node.args
        params = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs][1:]
        params += [p for p in (arguments.vararg, arguments.kwarg) if p is not None]
        if params and all(param.annotation is None for param in params):
            # ruff's column counts characters; ``col_offset`` counts UTF-8 bytes.
            column = lines[node.lineno - 1].index("__init__") + 1
            found.add(("FAPI202", node.lineno, column))
    return found


def _is_wraps(decorator: ast.expr) -> bool:
    called = decorator.func if isinstance(decorator, ast.Call) else decorator
    name = called.attr if isinstance(called, ast.Attribute) else getattr(called, "id", None)
    return name == "wraps"


def _closures(tree: ast.AST) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    """Defs directly in a function's body that no decorator registers (``@wraps`` aside)."""
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for inner in ast.walk(node):
            if inner is node or not isinstance(inner, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            if _owner(node, inner) is node and all(map(_is_wraps, inner.decorator_list)):
                found.append(inner)
    return found


def _owner(function: ast.AST, inner: ast.AST) -> ast.AST | None:
    """The innermost def or class of ``function`` (itself included) that holds ``inner``."""
    scopes = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)
    stack: list[tuple[ast.AST, ast.AST]] = [
        (child, function) for child in ast.iter_child_nodes(function)
    ]
    while stack:
        node, owner = stack.pop()
        if node is inner:
            return owner
        inside = node if isinstance(node, scopes) else owner
        stack.extend((child, inside) for child in ast.iter_child_nodes(node))
    return None


def _closure_findings(file: Path) -> set[Finding]:
    """What ruff reports on closures, which the default mode leaves to their function."""
    try:
        tree = ast.parse(file.read_bytes())
    except SyntaxError:
        return set()
    lines = file.read_bytes().splitlines()

    def column(line: int, offset: int) -> int:
        # ruff's column counts characters; ``col_offset`` counts UTF-8 bytes.
        return len(lines[line - 1][:offset].decode("utf-8", "replace")) + 1

    found: set[Finding] = set()
    for closure in _closures(tree):
        name_line = closure.lineno
        text = lines[name_line - 1].decode("utf-8", "replace")
        found.add(("FAPI202", name_line, text.index(closure.name) + 1))
        arguments = closure.args
        named = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]
        found.update(("FAPI201", p.lineno, column(p.lineno, p.col_offset)) for p in named)
        # ruff reports `*args` and `**kwargs` at their stars; ``ast`` points at the names.
        for stars, star in ((1, arguments.vararg), (2, arguments.kwarg)):
            if star is not None:
                found.add(("FAPI201", star.lineno, column(star.lineno, star.col_offset) - stars))
    return found


def _uses(function: ast.FunctionDef | ast.AsyncFunctionDef, name: str) -> tuple[int, int]:
    """How often the body names ``name``, and how often it hands it on whole in a call
    (``*name`` for the `*args` parameter, ``**name`` for the `**kwargs` one)."""
    single = function.args.vararg is not None and function.args.vararg.arg == name
    named = forwarded = 0
    for statement in function.body:
        for node in ast.walk(statement):
            named += _spellings(node).count(name)
            if isinstance(node, ast.Call):
                stars = [arg.value for arg in node.args if isinstance(arg, ast.Starred)]
                doubles = [keyword.value for keyword in node.keywords if keyword.arg is None]
                handed = stars if single else doubles
                forwarded += sum(isinstance(v, ast.Name) and v.id == name for v in handed)
    return named, forwarded


def _spellings(node: ast.AST) -> list[str]:
    """The names a node binds or reads (not attributes, not keywords of a call)."""
    if isinstance(node, ast.Name):
        return [node.id]
    if isinstance(node, ast.arg):
        return [node.arg]
    if isinstance(node, ast.ExceptHandler):
        return [node.name] if node.name else []
    if isinstance(node, ast.alias):
        return [node.name.split(".")[0], *([node.asname] if node.asname else [])]
    if isinstance(node, ast.Global | ast.Nonlocal):
        return list(node.names)
    return []


def _exit_method_params(tree: ast.AST) -> set[ast.arg]:
    """The exception parameters of `__exit__`/`__aexit__` methods (the protocol types them)."""
    found: set[ast.arg] = set()
    for cls in ast.walk(tree):
        if not isinstance(cls, ast.ClassDef):
            continue
        for method in cls.body:
            if not isinstance(method, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            static = any(getattr(d, "id", None) == "staticmethod" for d in method.decorator_list)
            if method.name in ("__exit__", "__aexit__") and not static:
                arguments = method.args
                named = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs][1:]
                found.update(named)
                found.update(p for p in (arguments.vararg, arguments.kwarg) if p is not None)
    return found


def _review_exemptions(file: Path) -> set[Finding]:
    """Where the default mode leaves ruff's ANN002/ANN003 and ANN001: a `*args` or
    `**kwargs` only handed on whole or unused, and `__exit__`/`__aexit__` parameters."""
    try:
        tree = ast.parse(file.read_bytes())
    except SyntaxError:
        return set()
    text = file.read_bytes().decode("utf-8", "replace")
    starts = [0] + [index + 1 for index, char in enumerate(text) if char == "\n"]
    left = {param for param in _exit_method_params(tree)}
    for function in ast.walk(tree):
        if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            for param in (function.args.vararg, function.args.kwarg):
                if param is not None and param.arg.strip("_"):
                    named, forwarded = _uses(function, param.arg)
                    left.update([param] if named == forwarded else [])
    return {("FAPI201", *_star_position(text, starts, param)) for param in left}


def _star_position(text: str, starts: list[int], param: ast.arg) -> tuple[int, int]:
    """Where ruff reports a parameter: at its name, or at the star(s) before a star's name
    (on any line before it, with any space between)."""
    line_bytes = text[starts[param.lineno - 1] :].encode()[: param.col_offset]
    offset = starts[param.lineno - 1] + len(line_bytes.decode("utf-8", "replace"))
    before = text[:offset].rstrip()
    if before.endswith("*"):
        offset = len(before) - (2 if before.endswith("**") else 1)
    line = max(number for number, start in enumerate(starts, 1) if start <= offset)
    return line, offset - starts[line - 1] + 1


@dataclass(frozen=True, slots=True)
class Mode:
    """One semantics of FAPI201/FAPI202 and the ruff run it equals."""

    options: RuleOptions
    flags: RuffFlags
    # The places ruff reports and the mode leaves out on purpose.
    left_out: Callable[[Path], set[Finding]]


STRICT = Mode(RuleOptions(strict=("FAPI201", "FAPI202")), STABLE, lambda file: set())
DEFAULT = Mode(
    RuleOptions(),
    ANN_REVIEW,
    lambda file: _untyped_inits(file) | _closure_findings(file) | _review_exemptions(file),
)
MODES = {"strict": STRICT, "default": DEFAULT}


def _run_ruff(files: Sequence[Path], mode: Mode) -> dict[Path, set[Finding]]:
    found = _ruff(files, run_ruff(files, RUFF_CODES, mode.flags))
    return {file: items - mode.left_out(file) for file, items in found.items()}


def _findings(result: FileResult) -> set[Finding] | None:
    """Our findings, or None if the file does not parse."""
    return our_findings(result, lambda d: (_CODES.get(d.code, d.code), d.line, d.column))


def _ours(file: Path, mode: Mode) -> set[Finding] | None:
    """Our findings with ``noqa`` neutralised, or None if the file does not parse."""
    return _findings(lint_ignoring_noqa(file, RULES, mode.options))


def _differences(
    files: Sequence[Path], theirs: dict[Path, set[Finding]], ours: Iterable[set[Finding] | None]
) -> tuple[list[str], int]:
    """Differences against ruff as readable lines, and how many files were compared."""
    problems: list[str] = []
    compared = 0
    for file, found in zip(files, ours, strict=True):
        if found is None or file not in theirs:
            continue
        compared += 1
        for code, line, column in sorted(found - theirs[file]):
            problems.append(f"{file}:{line}:{column}: {code} reported by us only")
        for code, line, column in sorted(theirs[file] - found):
            problems.append(f"{file}:{line}:{column}: {code} reported by ruff only")
    return problems, compared


def mismatches(files: Iterable[Path], mode: Mode = STRICT) -> tuple[list[str], int]:
    """Differences against ruff as readable lines, and how many files were compared."""
    resolved = sorted({file.resolve() for file in files})
    ours = [_ours(file, mode) for file in resolved]
    return _differences(resolved, _run_ruff(resolved, mode), ours)


@pytest.mark.parametrize("mode", MODES.values(), ids=MODES.keys())
def test_tricky_snippets_match_ruff(tmp_path: Path, mode: Mode) -> None:
    problems, compared = mismatches(write_snippets(tmp_path, SNIPPETS), mode)
    assert compared == len(SNIPPETS)
    assert problems == []


def test_snippets_do_produce_findings(tmp_path: Path) -> None:
    """Guards the parity test itself: an empty comparison would pass trivially."""
    file = tmp_path / "f.py"
    file.write_text(SNIPPETS["basics"], encoding="utf-8")
    assert len(_ours(file, STRICT) or ()) >= 10
    assert len(_run_ruff([file.resolve()], STRICT)[file.resolve()]) >= 10


def test_the_modes_differ_where_documented(tmp_path: Path) -> None:
    """Dummy names, typed (or wholly untyped) `__init__`s and closures: only the strict
    mode reports them."""
    file = tmp_path / "f.py"
    text = SNIPPETS["basics"] + SNIPPETS["methods"]
    file.write_text(text, encoding="utf-8")
    strict, default = _ours(file, STRICT) or set(), _ours(file, DEFAULT) or set()
    assert default < strict
    lines = text.splitlines()
    expected = {lines.index("def g(_, __, *_args, **_kw) -> None:") + 1}
    expected.add(lines.index("    def __init__(self, a: int): pass") + 1)
    expected.add(lines.index("        def nested(self, z):") + 1)
    # Unused `*args`/`**kwargs` (the snippets' bodies are `pass`), reported at the star.
    unused = [
        "def f(a, b: int, *args, c=1, **kwargs):",
        "def spaced(a, * args, c: int=1, **  kwargs):",
    ]
    unused += ["    *", "    def __call__(self, *args, **kwargs):", "    def varonly(*args):"]
    unused.append("    def __init_subclass__(cls, **kw):")
    expected.update(lines.index(line) + 1 for line in unused)
    assert {line for _, line, _ in strict - default} == expected
    assert ("FAPI202", lines.index("    def __init__(self):") + 1, 9) in default


@pytest.mark.parametrize("mode", MODES.values(), ids=MODES.keys())
def test_fixtures_match_ruff(mode: Mode) -> None:
    files = [
        *FIXTURES.glob("missing_parameter_annotation/*.py"),
        *FIXTURES.glob("missing_return_annotation/*.py"),
    ]
    problems, compared = mismatches(files, mode)
    assert compared == len(files) > 0
    assert problems == []


@pytest.mark.parametrize("mode", MODES.values(), ids=MODES.keys())
def test_corpus_matches_ruff(corpus_lint: CorpusLint, corpus_ruff: CorpusRuff, mode: Mode) -> None:
    files = corpus_lint.files
    found = _ruff(files, corpus_ruff.items(RUFF_CODES, mode.flags))
    theirs = {file: items - mode.left_out(file) for file, items in found.items()}
    rules = [PEER_TWINS[rule.code] for rule in RULES] if mode is STRICT else RULES
    ours = map(_findings, corpus_lint.results_for(rules))
    problems, _ = _differences(files, theirs, ours)
    assert problems == [], "\n".join(problems[:50])
