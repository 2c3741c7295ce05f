"""What runs once per iteration of a loop, and which names change with the iteration.

A ``LoopFrame`` is built when the walk enters a ``for``/``async for``/``while`` loop or a
comprehension, and answers two questions for FAPI702, lazily (most loops never hold a
session call): does a call run on every iteration (it sits in the body, not in the
iterable, the ``else`` clause or a nested ``def``), and which names are *tainted*: the
iteration variables and every name the body assigns from an expression that reads a
tainted name (``stmt = select(User).where(User.id == item.user_id)``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

import libcst as cst

from fastapi_lint.fastapi_model.syntax import assigned_names, dotted_name
from fastapi_lint.tree import children

Comprehension = cst.ListComp | cst.SetComp | cst.DictComp | cst.GeneratorExp
Loop = cst.For | cst.While | Comprehension
_NESTED_SCOPES = frozenset({cst.FunctionDef, cst.ClassDef, cst.Lambda})
# Nodes that bind names, checked by exact class before the slower isinstance tests.
_BINDERS = frozenset(
    {cst.Assign, cst.AnnAssign, cst.AugAssign, cst.NamedExpr, cst.For, cst.CompFor, cst.WithItem}
)
_LITERALS = (cst.List, cst.Tuple, cst.Set, cst.Dict)
# Calls whose arguments batch or page a query rather than key one row per iteration.
_BATCHING_METHODS = frozenset({"in_", "not_in", "notin_", "offset", "limit", "slice"})
# ``while queue: node = queue.pop()`` takes one item per iteration, like a ``for``.
_TAKE_ONE = frozenset({"pop", "popleft", "next"})
_BATCH_WORDS = ("batch", "chunk", "segment", "page")
# Query methods that run the query built before them (the others only build it).
TERMINAL_METHODS = frozenset(
    {"all", "first", "one", "one_or_none", "scalar", "count", "get", "delete", "update",
     "exists", "distinct_count", "first_or_404", "get_or_404", "paginate", "yield_per"}
)  # fmt: skip


def loaded_names(expr: cst.CSTNode) -> set[str]:
    """Names ``expr`` reads (``x`` in ``x.name`` and in ``f(name=x)``)."""
    return statement_reads(expr)[0]


def statement_reads(expr: cst.CSTNode) -> tuple[set[str], set[str]]:
    """Names ``expr`` reads, and those it reads only in the arguments of a batching call
    (``in_(ids)``), not in another clause (``A.id == row.id``) too."""
    found: set[str] = set()
    inside: set[str] = set()
    stack: list[tuple[cst.CSTNode, bool]] = [(expr, False)]
    outside: set[str] = set()
    while stack:
        node, batching = stack.pop()
        if isinstance(node, cst.Name):
            (inside if batching else outside).add(node.value)
        elif isinstance(node, cst.Attribute):
            stack.append((node.value, batching))  # ``x.name`` reads ``x``, not ``name``
        elif isinstance(node, cst.Arg):
            stack.append((node.value, batching))  # ``f(name=x)`` reads ``x``
        elif isinstance(node, cst.Call) and _method(node) in _BATCHING_METHODS:
            stack.append((node.func, batching))
            stack.extend((arg, True) for arg in node.args)
        else:
            stack.extend((child, batching) for child in children(node))
    found = inside | outside
    return found, inside - outside


def _method(call: cst.Call) -> str | None:
    func = call.func
    if isinstance(func, cst.Attribute):
        return func.attr.value
    return func.value if isinstance(func, cst.Name) else None


def _bindings(node: cst.CSTNode) -> Iterator[tuple[cst.BaseExpression, cst.CSTNode]]:
    """``(target, value)`` for each name binding written by ``node`` itself."""
    if isinstance(node, cst.Assign):
        for target in node.targets:
            yield target.target, node.value
    elif isinstance(node, cst.AnnAssign | cst.AugAssign | cst.NamedExpr) and node.value:
        yield node.target, node.value
    elif isinstance(node, cst.For | cst.CompFor):
        yield node.target, node.iter
    elif isinstance(node, cst.WithItem) and node.asname is not None:
        yield node.asname.name, node.item


@dataclass(slots=True)
class _Region:
    """The calls run on every iteration, the bindings made there, and the names whose
    query runs there (``rows.all()``, ``for row in rows``)."""

    calls: set[int] = field(default_factory=set)
    bindings: list[tuple[set[str], cst.CSTNode]] = field(default_factory=list)
    consumed: set[str] = field(default_factory=set)
    iterables: set[int] = field(default_factory=set)


def _scan(roots: Iterable[cst.CSTNode]) -> _Region:
    region = _Region()
    stack = list(roots)
    while stack:
        node = stack.pop()
        node_class = type(node)
        if node_class in _NESTED_SCOPES:
            continue  # defined here, but its body runs when called
        if node_class is cst.Call:
            assert isinstance(node, cst.Call)
            _note_call(region, node)
        elif node_class in _BINDERS:
            _note_binder(region, node)
        stack.extend(children(node))
    return region


def _note_call(region: _Region, node: cst.Call) -> None:
    region.calls.add(id(node))
    func = node.func
    if isinstance(func, cst.Attribute) and func.attr.value in TERMINAL_METHODS:
        region.consumed.update(assigned_names(func.value))


def _note_binder(region: _Region, node: cst.CSTNode) -> None:
    for target, value in _bindings(node):
        region.bindings.append((set(assigned_names(target)), value))
    if isinstance(node, (cst.For, cst.CompFor)):
        region.consumed.update(loaded_names(node.iter))
        region.iterables.add(id(node.iter))


def _taken_one(value: cst.CSTNode) -> bool:
    if isinstance(value, cst.Await):
        value = value.expression
    return isinstance(value, cst.Call) and _method(value) in _TAKE_ONE


def _comprehension_parts(node: Comprehension) -> tuple[list[cst.CSTNode], list[str]]:
    heads: list[cst.CSTNode] = (
        [node.key, node.value] if isinstance(node, cst.DictComp) else [node.elt]
    )
    seeds: list[str] = []
    comp_for: cst.CompFor | None = node.for_in
    roots = heads
    while comp_for is not None:
        seeds.extend(assigned_names(comp_for.target))
        roots.extend(comp_for.ifs)
        inner = comp_for.inner_for_in
        if inner is not None:
            roots.append(inner.iter)
        comp_for = inner
    return roots, seeds


def _is_batching(node: cst.For) -> bool:
    """``for batch in chunked(ids, 100)``, ``for segment in segments``,
    ``for start in range(0, n, CHUNK)``: each iteration already covers many rows."""
    words = [*assigned_names(node.target)]
    if isinstance(node.iter, cst.Call):
        words.append(dotted_name(node.iter.func) or "")
        if dotted_name(node.iter.func) == "range" and len(node.iter.args) == 3:
            return True  # a stride: each step starts a slice of rows
    return any(word in name.lower() for name in words for word in _BATCH_WORDS)


def _is_fixed_collection(expr: cst.BaseExpression) -> bool:
    """A literal, an UPPER_CASE constant or a class (an ``Enum``): a few known items.

    So are their views and copies (``ALIASES.items()``, ``sorted(ROLES)``), and a list
    the settings hold (``settings.variables_to_store``): configured, not stored rows.
    """
    if isinstance(expr, _LITERALS):
        return True
    if isinstance(expr, cst.Call):
        inner = _viewed(expr)
        return inner is not None and _is_fixed_collection(inner)
    if isinstance(expr, cst.Attribute) and _names_settings(expr.value):
        return True
    return _is_constant_name(expr)


def _is_constant_name(expr: cst.BaseExpression) -> bool:
    """``ROLES`` or ``Status`` (an UPPER_CASE constant or a class), or an attribute so named."""
    name = expr.attr.value if isinstance(expr, cst.Attribute) else getattr(expr, "value", None)
    if not isinstance(expr, cst.Name | cst.Attribute) or not isinstance(name, str):
        return False
    stripped = name.lstrip("_")
    return stripped.isupper() or (stripped[:1].isupper() and not stripped.isupper())


def _viewed(call: cst.Call) -> cst.BaseExpression | None:
    """``x`` of ``x.items()``/``keys()``/``values()`` or ``sorted(x)``, ``enumerate(x)``..."""
    func = call.func
    if isinstance(func, cst.Attribute) and func.attr.value in _VIEWS and not call.args:
        return func.value
    if isinstance(func, cst.Name) and func.value in _COPIES and call.args:
        return call.args[0].value
    return None


_VIEWS = frozenset({"items", "keys", "values"})
_COPIES = frozenset({"enumerate", "sorted", "reversed", "list", "tuple", "set", "frozenset"})
_SETTINGS = frozenset({"settings", "config", "conf"})


def _names_settings(expr: cst.BaseExpression) -> bool:
    """An attribute chain with a ``settings`` (or ``config``) link: ``self.app.settings``."""
    while isinstance(expr, cst.Attribute):
        if expr.attr.value.lower() in _SETTINGS:
            return True
        expr = expr.value
    return isinstance(expr, cst.Name) and expr.value.lower() in _SETTINGS


def iterates_items(node: Loop) -> bool:
    """False for loops over a fixed collection or over batches: not one query per row."""
    if isinstance(node, cst.While):
        return True
    first_iter = node.iter if isinstance(node, cst.For) else node.for_in.iter
    if _is_fixed_collection(first_iter):
        return False
    return not (isinstance(node, cst.For) and _is_batching(node))


class LoopFrame:
    """One loop the walk is inside, analysed on first use."""

    def __init__(self, node: Loop) -> None:
        self.node = node
        self._region: _Region | None = None
        self._taint: set[str] | None = None
        self._seeds: list[str] = []

    def _parts(self) -> tuple[Sequence[cst.CSTNode], list[str]]:
        node = self.node
        if isinstance(node, cst.For | cst.While):
            seeds = list(assigned_names(node.target)) if isinstance(node, cst.For) else []
            return [node.body], seeds
        return _comprehension_parts(node)

    def region(self) -> _Region:
        if self._region is None:
            roots, self._seeds = self._parts()
            self._region = _scan(roots)
            if isinstance(self.node, cst.While):
                self._seeds = [
                    name for names, value in self._region.bindings if _taken_one(value)
                    for name in sorted(names)
                ]  # fmt: skip
        return self._region

    def runs_each_iteration(self, call: cst.Call) -> bool:
        return id(call) in self.region().calls

    def seeds(self) -> list[str]:
        """The iteration variables (for ``while``, the names taken one by one)."""
        self.region()
        return self._seeds

    def tainted(self) -> set[str]:
        """The iteration variables and the names derived from them within the loop."""
        if self._taint is None:
            taint = set(self.seeds())
            reads = [(names, loaded_names(value)) for names, value in self.region().bindings]
            changed = bool(taint)
            while changed:
                changed = False
                for names, read in reads:
                    if not names <= taint and read & taint:
                        taint |= names
                        changed = True
            self._taint = taint
        return self._taint

    def batches(self, reads: set[str], batched: set[str]) -> bool:
        """True when a statement reading ``reads`` covers many rows per iteration.

        It does when the iteration reaches it only through ``in_()``/``offset()``/...
        (``batched``), or through a name the loop assigned such a statement to. One
        clause keyed by the iteration outside them (``.where(A.id == row.id)`` beside
        ``B.id.in_(row.ids)``) keeps it one query per row.
        """
        taint = self.tainted()
        keyed = reads & taint
        if keyed and keyed <= batched:
            return True
        statements = [value for names, value in self.region().bindings if names & keyed]
        if not statements:
            return False
        return all(self._batched_value(value, taint) for value in statements)

    @staticmethod
    def _batched_value(value: cst.CSTNode, taint: set[str]) -> bool:
        found, batched = statement_reads(value)
        keyed = found & taint
        return bool(keyed) and keyed <= batched

    def runs_query(self, built: cst.BaseExpression) -> bool:
        """Whether the loop runs a query it only builds at ``built``: iterating it, or
        binding it to a name it then runs (``rows.all()``, ``for row in rows``)."""
        region = self.region()
        if id(built) in region.iterables:
            return True
        names = {name for bound, value in region.bindings if value is built for name in bound}
        return bool(names & region.consumed)

    def values_of(self, names: set[str]) -> list[cst.CSTNode]:
        """What the loop body assigns to any of ``names``."""
        return [value for bound, value in self.region().bindings if bound & names]

    def variable(self, module: cst.Module) -> str:
        """The loop variable as written (``key, value``); for ``while``, the names taken."""
        node = self.node
        if isinstance(node, cst.While):
            return ", ".join(self.seeds())
        target = node.target if isinstance(node, cst.For) else node.for_in.target
        return " ".join(module.code_for_node(target).split())
