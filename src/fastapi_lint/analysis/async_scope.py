"""What runs directly in the body of an ``async def``, shared by the ``async`` family.

``AsyncBodyRule`` tracks which scope evaluates each node (a nested ``def``'s decorators
and defaults run in the enclosing body, its own body does not), and answers name
lookups from there: enclosing functions first, then the module. Subclasses ask
``async_scope_of(node)`` and get the running ``async def`` and that lookup, or None.
"""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

from fastapi_lint.fastapi_model.module import ModuleModel
from fastapi_lint.fastapi_model.names import Bindings, BoundValue, Lookup
from fastapi_lint.rule import FileContext, Rule, Scope
from fastapi_lint.tree import children


def is_async(scope: Scope) -> bool:
    return isinstance(scope, cst.FunctionDef) and scope.asynchronous is not None


def receiver_types(
    model: ModuleModel, receiver: cst.BaseExpression, lookup: Lookup
) -> tuple[str, ...]:
    """Classes the object ``receiver`` may be, e.g. every member of ``X | Y``."""
    if isinstance(receiver, cst.Name):
        value = lookup(receiver.value)
        return value.instance_types() if value is not None else ()
    inferred = model.instance_type(receiver, lookup)
    return (inferred,) if inferred else ()


def _position(scopes: Sequence[Scope], owner: cst.CSTNode, start: int) -> int:
    for index in range(start, -1, -1):
        if scopes[index] is owner:
            return index
    return 0


def _lambda_defaults(node: cst.Lambda) -> list[cst.CSTNode]:
    params = node.params
    every = (*params.posonly_params, *params.params, *params.kwonly_params)
    return [p.default for p in every if p.default is not None]


class AsyncBodyRule(Rule):
    """Base of rules about calls evaluated by an ``async def`` itself (no ``code``: not a rule)."""

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        # Bodies (ids of suites) of the defs and classes the walk is inside.
        self._entered: set[int] = set()
        # Calls and lambdas in a lambda's default values -> that lambda.
        self._lambda_default_owner: dict[int, cst.Lambda] = {}
        # Expressions written as ``await <expr>``.
        self._awaited: set[int] = set()

    # -- hooks a rule may override -------------------------------------------------

    def bindings_of(self, function: cst.FunctionDef) -> Bindings:
        """The names ``function`` binds, as the rule wants to see them."""
        return self.context.model.function_bindings(function)

    def module_value(self, name: str) -> BoundValue | None:
        """What a module-level name is bound to, as the rule wants to see it."""
        return self.context.model.module_value(name)

    # -- where a node runs -----------------------------------------------------------

    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        self._enter_body(node)

    def leave_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        self._entered.discard(id(node))

    def visit_SimpleStatementSuite(self, node: cst.SimpleStatementSuite) -> None:
        self._enter_body(node)

    def leave_SimpleStatementSuite(self, node: cst.SimpleStatementSuite) -> None:
        self._entered.discard(id(node))

    def _enter_body(self, node: cst.BaseSuite) -> None:
        # Until its body starts, a def or class on the stack is still in its header
        # (decorators, defaults, bases), which runs in the enclosing scope.
        scopes = self.context.scopes
        if scopes and not isinstance(scopes[-1], cst.Lambda) and scopes[-1].body is node:
            self._entered.add(id(node))

    def visit_Lambda(self, node: cst.Lambda) -> None:
        # A lambda's defaults run where the lambda is created; its body runs later.
        stack = _lambda_defaults(node)
        while stack:
            child = stack.pop()
            if isinstance(child, cst.Call | cst.Lambda):
                self._lambda_default_owner[id(child)] = node
            if not isinstance(child, cst.Lambda):
                stack.extend(children(child))

    def visit_Await(self, node: cst.Await) -> None:
        self._awaited.add(id(node.expression))

    def is_awaited(self, node: cst.BaseExpression) -> bool:
        """True for ``await node``: whatever its annotation says, the object is async."""
        return id(node) in self._awaited

    def _running_scope(self, node: cst.CSTNode) -> int:
        """Index in ``context.scopes`` of the scope whose execution evaluates ``node``."""
        scopes = self.context.scopes
        index = len(scopes) - 1
        current: cst.CSTNode = node
        while index >= 0:
            owner = self._lambda_default_owner.get(id(current))
            scope = scopes[index]
            if owner is not None:
                index = _position(scopes, owner, index) - 1
            elif not isinstance(scope, cst.Lambda) and id(scope.body) not in self._entered:
                index -= 1
            else:
                break
            current = owner if owner is not None else scope
        return index

    def _running_async_index(self, node: cst.CSTNode) -> int | None:
        scopes = self.context.scopes
        if not any(is_async(scope) for scope in scopes):
            return None
        index = self._running_scope(node)
        return index if index >= 0 and is_async(scopes[index]) else None

    def async_scope_of(self, node: cst.CSTNode) -> tuple[cst.FunctionDef, Lookup] | None:
        """The ``async def`` whose own execution evaluates ``node``, and its name lookup."""
        index = self._running_async_index(node)
        if index is None:
            return None
        function = self.context.scopes[index]
        assert isinstance(function, cst.FunctionDef)
        return function, self._lookup(index)

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        # ``(client := httpx.Client())`` binds in the running function, not in a statement
        # the model reads, so the binding is added as the walk reaches it.
        if not any(is_async(scope) for scope in self.context.scopes):
            return
        index = self._running_scope(node)
        function = self.context.scopes[index] if index >= 0 else None
        if not isinstance(function, cst.FunctionDef) or not isinstance(node.target, cst.Name):
            return
        value = self.context.model.value_of(node.value, self._lookup(index))
        self.bindings_of(function).bind(node.target.value, value)

    # -- what names are ----------------------------------------------------------------

    def _lookup(self, index: int) -> Lookup:
        """Name lookup as seen from ``scopes[index]``: enclosing defs, then the module."""
        chain = [
            self.bindings_of(scope)
            for scope in reversed(self.context.scopes[: index + 1])
            if isinstance(scope, cst.FunctionDef)
        ]

        def lookup(name: str) -> BoundValue | None:
            for bindings in chain:
                value = bindings.get(name)
                if value is not None:
                    return value
            return self.module_value(name)

        return lookup

    def receiver_types(self, receiver: cst.BaseExpression, lookup: Lookup) -> tuple[str, ...]:
        """Classes the object ``receiver`` may be, e.g. every member of ``X | Y``."""
        return receiver_types(self.context.model, receiver, lookup)
