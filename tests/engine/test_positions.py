"""Targeted positions agree with LibCST's PositionProvider, node for node."""

from __future__ import annotations

import textwrap
from pathlib import Path

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, PositionProvider

from corpus_helpers import corpus_files
from fastapi_lint.positions import node_ranges

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
SAMPLES = sorted(FIXTURES.rglob("*.py"))

TRICKY = textwrap.dedent(
    '''\
    # header comment

    @app.get("/x")  # trailing
    @other
    async def f(a: int, /, b=1, *args, c, **kw) -> dict[str, int]:
        """Doc."""
        if a:
            return {"a": (a
                          + 1)}
        elif b:
            pass
        else:  # why
            x = [i for i in range(3) if i]
        s = f"{a!r:>{b}}" \\
            "tail"
        with open(p) as fh, open(q):
            pass
        return x if x else {}


    class C(Base, metaclass=M):
        x: int = 1
    '''
)


def _all_nodes(module: cst.Module) -> list[cst.CSTNode]:
    nodes: list[cst.CSTNode] = []
    stack: list[cst.CSTNode] = [module]
    while stack:
        node = stack.pop()
        nodes.append(node)
        stack.extend(node.children)
    return nodes


def _assert_same_ranges(source: str) -> None:
    module = cst.parse_module(source)
    expected = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    # The Module's own end differs by the trailing newline LibCST drops; a finding
    # never ends there, so every node but the Module must agree.
    nodes = _all_nodes(module)[1:]
    assert node_ranges(module, nodes) == {node: expected[node] for node in nodes}


def test_every_node_of_a_tricky_module_matches_position_provider() -> None:
    _assert_same_ranges(TRICKY)


def test_crlf_source_matches_position_provider() -> None:
    _assert_same_ranges(TRICKY.replace("\n", "\r\n"))


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: str(p.relative_to(FIXTURES)))
def test_fixture_files_match_position_provider(sample: Path) -> None:
    _assert_same_ranges(sample.read_text())


def test_only_the_wanted_nodes_are_returned() -> None:
    module = cst.parse_module("x = 1\ny = 2\n")
    second = module.body[1]
    ranges = node_ranges(module, [second])
    assert list(ranges) == [second]
    assert (ranges[second].start.line, ranges[second].start.column) == (2, 0)


def _diagnostics_both_ways(source: str, monkeypatch: pytest.MonkeyPatch) -> tuple[list, list]:
    import fastapi_lint.engine.findings as engine
    from fastapi_lint import fixes
    from fastapi_lint.positions import node_starts
    from fastapi_lint.registry import all_rules
    from fastapi_lint.runner.single_file import lint_source

    per_statement = lint_source(source, "x.py", all_rules()).diagnostics
    with monkeypatch.context() as patch:
        # Without anchors every range comes from generating the whole module, and so does
        # every start of a fixed node; fixed ``def``s are generated whole, body included.
        patch.setattr(engine, "statement_ranges", lambda *args: {})
        patch.setattr(
            engine, "node_starts", lambda module, nodes, *rest: node_starts(module, nodes)
        )
        patch.setattr(fixes, "_shared_body", lambda edit: None)
        whole_module = lint_source(source, "x.py", all_rules()).diagnostics
    return list(per_statement), list(whole_module)


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: str(p.relative_to(FIXTURES)))
def test_statement_by_statement_positions_equal_whole_module_ones(
    sample: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    per_statement, whole_module = _diagnostics_both_ways(sample.read_text(), monkeypatch)
    assert per_statement == whole_module


def test_statement_positions_on_the_corpus(monkeypatch: pytest.MonkeyPatch) -> None:
    files = corpus_files()[::8]
    if not files:
        pytest.skip("corpus/ is empty; fill it with scripts/fetch_corpus.py")
    compared = 0
    for file in files:
        per_statement, whole_module = _diagnostics_both_ways(file.read_text(), monkeypatch)
        assert per_statement == whole_module, file
        compared += len(per_statement)
    assert compared > 500


# Findings at every depth: blocks indented by tabs, two and eight spaces, comments above
# nested statements, ``match`` cases (indented by the ``match`` itself), ``elif`` chains.
NESTED = (
    "import time\n"
    "class Outer:\n"
    "\t# a comment above a nested class\n"
    "\tclass Inner:\n"
    "\t  async def method(self, a, b=1):\n"
    "\t          if a:\n"
    "\t                  time.sleep(a); print(a)\n"
    "\t          elif b:\n"
    "\t                  # why\n"
    "\t                  print(b, open(b).read())\n"
    "\t          return a\n"
    "async def matched(x):\n"
    "    match x:\n"
    "      case 1:\n"
    "            time.sleep(x)\n"
    "      case [first, *rest]:\n"
    "        # comment\n"
    "        print(first)\n"
    "    try:\n"
    "        time.sleep(1)\n"
    "    except* ValueError:\n"
    "        print(x)\n"
    "    for i in x:\n"
    "        while i:\n"
    "            with open(i) as handle:\n"
    "                print(handle.read(i)); time.sleep(i)\n"
    "                if i:\n"
    "                    for j in i:\n"
    "                        match j:\n"
    "                            case 2:\n"
    "                                print(j)\n"
    "class Service:\n"
    "    @staticmethod\n"
    "    def reset(  # the header goes on\n"
    "        a: int,\n"
    "        b: int,\n"
    "    ):  # and ends here\n"
    "        print(a)\n"
    "        print(b)\n"
    "    def close(self): print(self)\n"
    "    def stop(self, a: int) :\n"
    "\n"
    "        # a comment first\n"
    "        print(a)\n"
)


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_positions_from_the_innermost_statement_equal_whole_module_ones(
    newline: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    per_statement, whole_module = _diagnostics_both_ways(NESTED.replace("\n", newline), monkeypatch)
    assert len(per_statement) > 15
    assert sum(diagnostic.fix is not None for diagnostic in per_statement) >= 4
    assert per_statement == whole_module
