"""The fast child accessor yields exactly what ``CSTNode.children`` yields, in order."""

from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest

from corpus_helpers import corpus_files
from fastapi_lint.tree import TOKEN_CLASSES, children

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = sorted((ROOT / "fixtures").rglob("*.py")) + sorted((ROOT / "src").rglob("*.py"))

EVERY_SHAPE = '''\
# header
from . import (a as b, c)
import os.path as p, sys
@dec(1)
@other
async def f(x: int, /, y=2, *args: str, z, **kw) -> "T":
    """Doc."""
    global g
    nonlocal_ = lambda q, *, r=1: q if r else -q
    async with a as (b, c), d:
        async for i in aiter():
            yield i
    while not x and y or z:
        x -= 1
    else:
        pass
    try:
        pass
    except* (A, B) as e:
        raise X from e
    else:
        pass
    finally:
        del x[1:2, ::3]
    match x:
        case {"k": [1, *rest]} | Point(x=0) if rest:
            return f"{x!r:>{y}}" "tail" r"raw"
        case _:
            assert x, "msg"
    return {**d, 1: 2}, {*s}, [*l], (yield), await g(), x @ y
class C(Base, metaclass=M):
    x: int = 1; y = z = (w := 3)
def g[T: int, *Ts, **P](a: T) -> T: ...
type Alias[T] = list[T]
'''


def _same_walk(module: cst.Module) -> None:
    expected: list[cst.CSTNode] = [module]
    actual: list[cst.CSTNode] = [module]
    while expected:
        left, right = expected.pop(), actual.pop()
        assert left is right
        assert list(children(right)) == list(left.children), type(left).__name__
        expected.extend(left.children)
        actual.extend(children(right))
    assert not actual


def test_every_statement_and_expression_shape_matches_libcst() -> None:
    _same_walk(cst.parse_module(EVERY_SHAPE))


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: str(p.relative_to(ROOT)))
def test_project_and_fixture_files_match_libcst(sample: Path) -> None:
    _same_walk(cst.parse_module(sample.read_text(encoding="utf-8")))


def test_corpus_files_match_libcst() -> None:
    files = corpus_files()[:400]
    if not files:
        pytest.skip("corpus/ is empty; fill it with scripts/fetch_corpus.py")
    for file in files:
        try:
            module = cst.parse_module(file.read_bytes())
        except cst.ParserSyntaxError:
            continue
        _same_walk(module)


def _tokens_hold_only_tokens(module: cst.Module) -> list[str]:
    """Nodes under a token class that are not tokens themselves (the walk skips them)."""
    wrong: list[str] = []
    stack: list[tuple[cst.CSTNode, bool]] = [(module, False)]
    while stack:
        node, under_token = stack.pop()
        is_token = type(node) in TOKEN_CLASSES
        if under_token and not is_token:
            wrong.append(type(node).__name__)
        stack.extend((child, is_token or under_token) for child in node.children)
    return wrong


def test_token_classes_are_whitespace_punctuation_and_operators() -> None:
    names = {node_class.__name__ for node_class in TOKEN_CLASSES}
    assert {"SimpleWhitespace", "Newline", "Comment", "Comma", "Dot", "LeftParen"} <= names
    assert {"Name", "Call", "Attribute", "SimpleString", "Module"}.isdisjoint(names)


@pytest.mark.parametrize("sample", SAMPLES[:40], ids=lambda p: str(p.relative_to(ROOT)))
def test_token_subtrees_hold_only_tokens(sample: Path) -> None:
    assert _tokens_hold_only_tokens(cst.parse_module(sample.read_text(encoding="utf-8"))) == []


def test_token_subtrees_hold_only_tokens_on_every_shape() -> None:
    assert _tokens_hold_only_tokens(cst.parse_module(EVERY_SHAPE)) == []


# The abstract bases and concrete classes the engine and rules look up by exact class.
_LOOKED_UP = (
    cst.BaseSuite,
    cst.BaseSmallStatement,
    cst.BaseCompoundStatement,
    cst.BaseExpression,
    cst.FunctionDef,
)


def test_node_classes_answer_as_isinstance_does_for_every_node() -> None:
    from fastapi_lint.tree import node_classes

    classes = {base: node_classes(base) for base in _LOOKED_UP}
    seen: set[type] = set()
    for source in [EVERY_SHAPE, *(sample.read_text() for sample in SAMPLES[::10])]:
        pending: list[cst.CSTNode] = [cst.parse_module(source)]
        while pending:
            node = pending.pop()
            seen.add(type(node))
            for base, found in classes.items():
                assert (type(node) in found) == isinstance(node, base), (type(node), base)
            pending.extend(node.children)
    assert len(seen) > 80
    # One class per name: the one LibCST's module holds, not the class it was rebuilt from.
    assert classes[cst.BaseSuite] == {cst.IndentedBlock, cst.SimpleStatementSuite}
