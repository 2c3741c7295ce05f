"""The lines the walk counts, and the columns searched in them, are LibCST's own positions.

Summaries take positions from the engine's line counter (``context.line``) instead of a
code generation pass; this checks them against ``PositionProvider``-exact ranges for
every call and every def on tricky snippets, the fixtures and, when present, the corpus.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import libcst as cst
import pytest

from corpus_helpers import corpus_files, parallel_map
from fastapi_lint.engine.walk import Dispatch, Walk
from fastapi_lint.fastapi_model.syntax import dotted_name
from fastapi_lint.positions import node_ranges
from fastapi_lint.rule import FileContext
from fastapi_lint.summary import syntax as _syntax
from fastapi_lint.summary.collector import SummaryCollector

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "corpus"

SNIPPETS = {
    "continuations": "x = 1 + \\\n    fetch(2)\nif a and \\\n   b(c):\n    pass\n",
    "strings": 'S = """\nmany\nlines\n"""\nT = f"""\n{x}\n""" + g(1)\nh("a\\\nb")\n',
    "parentheses": "y = (\n    f(\n        g(1)\n    )\n)\nz = (\n  (\n   k()))\n",
    "decorators": (
        "@app.get(\n    '/x',\n)\n# comment\n\n@other\ndef f():\n    pass\n\n\n"
        "class A:\n    @property\n\n    def p(self):\n        return q()\n"
    ),
    "crlf": "import os\r\n\r\ndef f():\r\n    return os.getcwd()\r\n",
    "comprehensions": "r = [f(x)\n     for x in g(y)\n     if h(x)]\nd = {k: v(k) for k in w()}\n",
    "nested": "def outer():\n    def inner(a=d()):\n        return e()\n    return lambda: f()\n",
    "same-line": "a(b(1), b(2)) or c.b(3) or b(4)\nx.y(z.y(1))\n",
}


class _Probe(SummaryCollector):
    """Records the counted line of every call and the columns searched for it."""

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self.calls: dict[cst.Call, tuple[int, int | None]] = {}
        self._probe_cursors: dict[int, int] = {}

    def visit_Call(self, node: cst.Call) -> None:
        line = self.context.line + (_syntax.paren_line_breaks(node) if node.lpar else 0)
        self.calls[node] = (line, self._column(node, line))
        super().visit_Call(node)

    def _column(self, node: cst.Call, line: int) -> int | None:
        callee = dotted_name(node.func)
        if callee is None or node.lpar:
            return None
        text = self._line_text(line)
        found = _syntax.callee_columns(text, callee, self._probe_cursors.get(line, 0))
        if found is not None:
            self._probe_cursors[line] = found[0] + 1
        return None if found is None else found[0] + 1


def _mismatches(source: str) -> list[str]:
    module = cst.parse_module(source)
    context = FileContext(path="x.py", source=source, module=module)
    probe = _Probe(context)
    walk = Walk(context, Dispatch.for_rules([probe]))
    walk.run(module)
    assert not walk.errors, walk.errors
    names: dict[int, cst.Name] = {}
    module.visit(_DefNames(names))
    ranges = node_ranges(module, [*probe.calls, *names.values()])
    wrong = []
    for call, (line, column) in probe.calls.items():
        start = ranges[call].start
        if line != start.line or (column is not None and column != start.column + 1):
            wrong.append(f"{module.code_for_node(call)[:40]!r}: {line}:{column} != {start}")
    for key, name in names.items():
        if probe._def_lines.get(key) != ranges[name].start.line:
            wrong.append(f"def {name.value}: {probe._def_lines.get(key)} != {ranges[name].start}")
    return wrong


class _DefNames(cst.CSTVisitor):
    def __init__(self, names: dict[int, cst.Name]) -> None:
        self.names = names

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.names[id(node)] = node.name

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.names[id(node)] = node.name


@pytest.mark.parametrize("name", SNIPPETS)
def test_counted_lines_and_searched_columns_are_exact_on_tricky_code(name: str) -> None:
    assert _mismatches(textwrap.dedent(SNIPPETS[name])) == []


def test_counted_lines_are_exact_on_the_fixtures() -> None:
    wrong = {
        path.relative_to(REPO).as_posix(): found
        for path in sorted((REPO / "fixtures").rglob("*.py"))
        if (found := _mismatches(path.read_text()))
    }
    assert wrong == {}


@pytest.mark.skipif(not CORPUS.is_dir(), reason="run scripts/fetch_corpus.py first")
def test_counted_lines_are_exact_on_the_corpus() -> None:
    # Every third file: the snippets and fixtures hold the tricky forms, the corpus adds
    # breadth, and all of it took over two minutes of the suite's fifteen.
    files = corpus_files()[::3]
    found = parallel_map(_file_mismatches, files)  # one worker per core: a long check
    wrong = {
        path.relative_to(CORPUS).as_posix(): mismatches[:3]
        for path, mismatches in zip(files, found, strict=True)
        if mismatches
    }
    assert wrong == {}


def _file_mismatches(path: Path) -> list[str]:
    source = path.read_text(encoding="utf-8", errors="replace")
    try:
        return _mismatches(source)
    except (cst.ParserSyntaxError, RecursionError):
        return []
