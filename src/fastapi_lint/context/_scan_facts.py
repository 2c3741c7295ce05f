"""What one module says about building apps and routers, read from its ``ast`` as plain data.

Only what the router scan resolves is kept, as dotted names spelled the way the module
writes them: module-level imports, classes with their bases, functions with their
return annotation and returned values (a local name replaced by what it was assigned),
and module-level values. Nothing here depends on other files, so the facts of a file
are a function of its text alone.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

# A dotted name and a flag: for a value or a base, whether it is called (``make()``);
# for an annotation, whether it is ``type[...]`` of the name.
Ref = tuple[str, bool]
_TYPE_WRAPPERS = frozenset({"type", "Type", "typing.Type"})
_VALUE_WRAPPERS = frozenset({"Optional", "typing.Optional", "Annotated", "typing.Annotated"})


@dataclass(frozen=True, slots=True)
class ImportFact:
    """``from .routing import X as Y`` is ``Y, routing, X, 1``; ``import a.b`` is ``a, a, None``."""

    local: str
    module: str
    name: str | None
    level: int


@dataclass(frozen=True, slots=True)
class ClassFact:
    name: str
    bases: tuple[Ref, ...]


@dataclass(frozen=True, slots=True)
class FunctionFact:
    name: str
    # (dotted, is type[...]); None without an annotation, ("", False) for one not read.
    annotation: Ref | None
    returned: tuple[Ref, ...]
    imports: tuple[ImportFact, ...] = ()
    classes: tuple[ClassFact, ...] = ()


@dataclass(frozen=True, slots=True)
class ModuleFacts:
    imports: tuple[ImportFact, ...] = ()
    classes: tuple[ClassFact, ...] = ()
    functions: tuple[FunctionFact, ...] = ()
    values: tuple[tuple[str, Ref], ...] = ()  # ``X = make()``, ``X = Other``
    annotations: tuple[tuple[str, Ref], ...] = ()  # ``X: type[APIRouter] = ...``


def dotted(node: ast.expr | None) -> str | None:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))


def _ref(node: ast.expr) -> Ref | None:
    """``make()`` is ``("make", True)``, ``Other`` is ``("Other", False)``."""
    if isinstance(node, ast.Call):
        callee = dotted(node.func)
        return (callee, True) if callee else None
    name = dotted(node)
    return (name, False) if name else None


def annotation_ref(annotation: ast.expr) -> Ref:
    """The class an annotation names, and whether it is ``type[...]`` of it."""
    node = annotation
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        try:
            node = ast.parse(node.value, mode="eval").body
        except SyntaxError:
            return "", False
    is_type = False
    while isinstance(node, ast.Subscript):
        wrapper = dotted(node.value) or ""
        if wrapper in _TYPE_WRAPPERS:
            is_type = True
        elif wrapper not in _VALUE_WRAPPERS:
            break
        node = node.slice.elts[0] if isinstance(node.slice, ast.Tuple) else node.slice
    return dotted(node) or "", is_type


def statements(body: Sequence[ast.stmt]) -> Iterator[ast.stmt]:
    """Statements of a block and of the ``if``/``try``/``with`` blocks in it, not of defs."""
    stack = list(reversed(body))
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            continue
        inner: list[ast.stmt] = []
        for name in ("body", "orelse", "finalbody"):
            inner += getattr(node, name, [])
        for handler in getattr(node, "handlers", []):
            inner += handler.body
        stack.extend(reversed(inner))


def _imports(node: ast.Import | ast.ImportFrom) -> Iterator[ImportFact]:
    if isinstance(node, ast.Import):
        for alias in node.names:
            if alias.asname:
                yield ImportFact(alias.asname, alias.name, None, 0)
            else:
                top = alias.name.partition(".")[0]
                yield ImportFact(top, top, None, 0)
        return
    for alias in node.names:
        if alias.name != "*":
            yield ImportFact(alias.asname or alias.name, node.module or "", alias.name, node.level)


def _class(node: ast.ClassDef) -> ClassFact:
    bases = (_ref(base) for base in node.bases)
    return ClassFact(node.name, tuple(base for base in bases if base))


class _Body:
    """The statements of a module or a function body, sorted by what they bind."""

    def __init__(self, body: Sequence[ast.stmt]) -> None:
        self.imports: list[ImportFact] = []
        self.classes: list[ClassFact] = []
        self.functions: list[FunctionFact] = []
        self.returned: list[ast.expr] = []
        self.assigned: dict[str, ast.expr] = {}
        self.annotations: list[tuple[str, Ref]] = []
        for node in statements(body):
            self._read(node)

    def _read(self, node: ast.stmt) -> None:
        if isinstance(node, ast.Import | ast.ImportFrom):
            self.imports += _imports(node)
        elif isinstance(node, ast.ClassDef):
            self.classes.append(_class(node))
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            self.functions.append(_function(node))
        elif isinstance(node, ast.Return) and node.value is not None:
            self.returned.append(node.value)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            self._assignment(node)

    def _assignment(self, node: ast.Assign | ast.AnnAssign) -> None:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            self.annotations.append((node.target.id, annotation_ref(node.annotation)))
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        if node.value is not None:
            value = node.value
            names = (target.id for target in targets if isinstance(target, ast.Name))
            self.assigned.update((name, value) for name in names)

    def values(self) -> tuple[tuple[str, Ref], ...]:
        refs = ((name, _ref(value)) for name, value in self.assigned.items())
        return tuple((name, ref) for name, ref in refs if ref is not None)

    def returned_refs(self) -> tuple[Ref, ...]:
        """What the body returns; ``router = APIRouter(); ...; return router`` is the call."""
        values = (
            self.assigned.get(value.id, value) if isinstance(value, ast.Name) else value
            for value in self.returned
        )
        refs = (_ref(value) for value in values)
        return tuple(ref for ref in refs if ref is not None)


def _function(node: ast.FunctionDef | ast.AsyncFunctionDef) -> FunctionFact:
    # Nested defs are skipped by ``statements``: only this body's own returns count.
    body = _Body(node.body)
    annotation = None if node.returns is None else annotation_ref(node.returns)
    return FunctionFact(
        node.name, annotation, body.returned_refs(), tuple(body.imports), tuple(body.classes)
    )


def read_facts(tree: ast.Module) -> ModuleFacts:
    body = _Body(tree.body)
    annotated = {name for name, _ in body.annotations}
    values = tuple((name, ref) for name, ref in body.values() if name not in annotated)
    return ModuleFacts(
        tuple(body.imports),
        tuple(body.classes),
        tuple(body.functions),
        values,
        tuple(body.annotations),
    )
