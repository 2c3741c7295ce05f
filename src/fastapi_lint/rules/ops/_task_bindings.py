"""Which ``task = asyncio.create_task(...)`` bindings are never read, as ruff decides it.

FAPI908 promises every finding of ruff's RUF006, which also reports a task assigned to
a name that nothing reads. Ruff decides "never read" with its semantic model; this
module replays the parts of it that matter, on Python's ``ast`` (whose ``Name`` nodes
say load or store), and only for files that hold such an assignment:

* scopes are the module, classes (visited in place), functions and lambdas (visited
  after the whole module, so a read there sees the enclosing scope's last binding),
  and comprehensions; a read from a function skips enclosing class scopes;
* each read marks the binding the name has at that point, in source order, and a
  rebinding inherits the reads of the binding it replaces;
* a name declared ``global``/``nonlocal`` in a scope is never reported there;
* a scope's bindings of a name are reported only when its last binding is a plain
  assignment that nothing read; then every unread ``name = create_task(...)``
  (single target, or annotated with a value) among them is reported.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass, field

TASK_FACTORIES = frozenset({"create_task", "ensure_future"})
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


def is_task_value(value: ast.expr | None) -> bool:
    """``create_task(...)``, ``x.create_task(...)``, ``ensure_future(...)``... by name alone."""
    if not isinstance(value, ast.Call):
        return False
    func = value.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
    return name in TASK_FACTORIES


def task_assignments(tree: ast.AST) -> list[ast.stmt]:
    """The candidate statements, in source order (FAPI908 meets them in the same order)."""
    found = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.stmt) and _candidate_value(node) is not None
    ]
    return sorted(found, key=lambda node: (node.lineno, node.col_offset))


def _candidate_value(node: ast.AST) -> ast.expr | None:
    if isinstance(node, ast.Assign) and len(node.targets) == 1:
        target, value = node.targets[0], node.value
    elif isinstance(node, ast.AnnAssign) and node.value is not None:
        target, value = node.target, node.value
    else:
        return None
    return value if isinstance(target, ast.Name) and is_task_value(value) else None


@dataclass(slots=True)
class _Binding:
    assignment: bool
    statement: ast.stmt | None  # the candidate ``name = create_task(...)``, if it is one
    used: bool = False


@dataclass(slots=True)
class _Scope:
    kind: str  # "module", "class", "function" or "comprehension"
    parent: _Scope | None
    chains: dict[str, list[_Binding]] = field(default_factory=dict)
    declared: set[str] = field(default_factory=set)  # global / nonlocal

    def bind(self, name: str, binding: _Binding) -> None:
        chain = self.chains.setdefault(name, [])
        if chain:
            # Ruff hands a rebinding the reads of the binding it shadows: in
            # ``p = None`` ... ``if p: ...`` ... ``p = create_task(...)`` in a loop,
            # the task is read on the next iteration.
            binding.used = chain[-1].used
        chain.append(binding)

    def read(self, name: str) -> None:
        scope: _Scope | None = self
        while scope is not None:
            chain = scope.chains.get(name)
            if chain and (scope is self or scope.kind != "class"):
                chain[-1].used = True
                return
            scope = scope.parent

    def unread(self) -> Iterator[ast.stmt]:
        for name, chain in self.chains.items():
            last = chain[-1]
            if name in self.declared or last.used or not last.assignment:
                continue
            for binding in chain:
                if not binding.used and binding.assignment and binding.statement is not None:
                    yield binding.statement


class _Replay(ast.NodeVisitor):
    """Walks one module in ruff's order, recording bindings and reads per scope."""

    def __init__(self) -> None:
        self.scope = _Scope("module", None)
        self.scopes = [self.scope]
        self.deferred: list[tuple[ast.AST, _Scope]] = []

    def run(self, tree: ast.Module) -> None:
        self.visit_body(tree.body)
        while self.deferred:
            batch, self.deferred = self.deferred, []
            for node, scope in batch:
                self.scope = scope
                if isinstance(node, ast.Lambda):
                    self.visit(node.body)
                else:
                    assert isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
                    self.visit_body(node.body)

    def visit_body(self, statements: list[ast.stmt]) -> None:
        for statement in statements:
            self.visit(statement)

    def _new_scope(self, kind: str) -> _Scope:
        scope = _Scope(kind, self.scope)
        self.scopes.append(scope)
        return scope

    def _bind(self, name: str, assignment: bool = False, statement: ast.stmt | None = None) -> None:
        self.scope.bind(name, _Binding(assignment, statement))

    # -- reads and plain bindings ------------------------------------------------------

    def visit_Name(self, node: ast.Name) -> None:
        if isinstance(node.ctx, ast.Store):
            self._bind(node.id)
        else:
            self.scope.read(node.id)  # ``del x`` counts as a read, as in ruff

    def visit_Global(self, node: ast.Global) -> None:
        self.scope.declared.update(node.names)

    def visit_Nonlocal(self, node: ast.Nonlocal) -> None:
        # Ruff counts ``nonlocal x`` as a use of the enclosing function's ``x``.
        self.scope.declared.update(node.names)
        outer = self.scope.parent
        while outer is not None and outer.kind == "class":
            outer = outer.parent
        if outer is not None:
            for name in node.names:
                outer.read(name)

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self._bind(alias.asname or alias.name.partition(".")[0])

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        for alias in node.names:
            self._bind(alias.asname or alias.name)

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> None:
        if node.type is not None:
            self.visit(node.type)
        if node.name:
            self._bind(node.name)
        self.visit_body(node.body)

    # -- assignments: the value is read before the target is bound --------------------

    def visit_Assign(self, node: ast.Assign) -> None:
        self.visit(node.value)
        for target in node.targets:
            self._assign(target, node if _candidate_value(node) is not None else None)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        self.visit(node.annotation)
        if node.value is None:
            if not isinstance(node.target, ast.Name):
                self.visit(node.target)
            return
        self.visit(node.value)
        self._assign(node.target, node if _candidate_value(node) is not None else None)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        if isinstance(node.target, ast.Name):
            self.scope.read(node.target.id)
        self.visit(node.value)
        self._assign(node.target, None)

    def _assign(self, target: ast.expr, candidate: ast.stmt | None) -> None:
        if isinstance(target, ast.Name):
            self._bind(target.id, assignment=True, statement=candidate)
        else:
            self.visit(target)  # unpacking binds loosely; ``x.a``/``x[i]`` read ``x``

    def visit_NamedExpr(self, node: ast.NamedExpr) -> None:
        self.visit(node.value)
        self._bind(node.target.id)

    def visit_For(self, node: ast.For | ast.AsyncFor) -> None:
        self.visit(node.iter)
        self.visit(node.target)
        self.visit_body(node.body)
        self.visit_body(node.orelse)

    visit_AsyncFor = visit_For

    # -- scopes ------------------------------------------------------------------------

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        for expr in (*node.decorator_list, *_defaults(node.args), *_annotations(node)):
            self.visit(expr)
        self._bind(node.name)
        self._defer(node)

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Lambda(self, node: ast.Lambda) -> None:
        for expr in _defaults(node.args):
            self.visit(expr)
        self._defer(node)

    def _defer(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) -> None:
        scope = self._new_scope("function")
        for name in _parameter_names(node.args):
            scope.bind(name, _Binding(assignment=False, statement=None))
        self.deferred.append((node, scope))

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        for expr in (*node.decorator_list, *node.bases, *(k.value for k in node.keywords)):
            self.visit(expr)
        outer, self.scope = self.scope, self._new_scope("class")
        self.visit_body(node.body)
        self.scope = outer
        self._bind(node.name)

    def visit_ListComp(self, node: ast.ListComp | ast.SetComp | ast.GeneratorExp) -> None:
        self._comprehension(node, [node.elt])

    visit_SetComp = visit_ListComp
    visit_GeneratorExp = visit_ListComp

    def visit_DictComp(self, node: ast.DictComp) -> None:
        self._comprehension(node, [node.key, node.value])

    def _comprehension(self, node: ast.expr, results: list[ast.expr]) -> None:
        generators: list[ast.comprehension] = getattr(node, "generators", [])
        self.visit(generators[0].iter)  # evaluated in the enclosing scope
        outer, self.scope = self.scope, self._new_scope("comprehension")
        for index, generator in enumerate(generators):
            if index:
                self.visit(generator.iter)
            self.visit(generator.target)
            for condition in generator.ifs:
                self.visit(condition)
        for result in results:
            self.visit(result)
        self.scope = outer


def _defaults(args: ast.arguments) -> list[ast.expr]:
    return [d for d in (*args.defaults, *args.kw_defaults) if d is not None]


def _all_args(args: ast.arguments) -> list[ast.arg]:
    extras = [a for a in (args.vararg, args.kwarg) if a is not None]
    return [*args.posonlyargs, *args.args, *args.kwonlyargs, *extras]


def _annotations(node: ast.FunctionDef | ast.AsyncFunctionDef) -> list[ast.expr]:
    found = [a.annotation for a in _all_args(node.args) if a.annotation is not None]
    return [*found, node.returns] if node.returns is not None else found


def _parameter_names(args: ast.arguments) -> list[str]:
    return [a.arg for a in _all_args(args)]


def unread_task_assignments(tree: ast.Module) -> set[int]:
    """``id()`` of the candidate statements of ``tree`` whose task nothing reads."""
    replay = _Replay()
    replay.run(tree)
    return {id(statement) for scope in replay.scopes for statement in scope.unread()}
