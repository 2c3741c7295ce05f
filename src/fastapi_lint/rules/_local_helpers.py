"""Module-level plain ``def`` helpers that make an offending call, maybe through each other.

``async def login(...)`` calling ``authenticate_user()``, which calls
``verify_password()``, which calls ``pwd_context.verify()``, blocks the event loop as
surely as calling ``pwd_context.verify()`` itself: the helpers run on the loop too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import libcst as cst

from fastapi_lint.fastapi_model import Bindings, Lookup
from fastapi_lint.rules._aliased_names import module_statements
from fastapi_lint.tree import children

# ``(call, lookup inside the def making it)`` -> the rule's detail for an offending call.
Finder = Callable[[cst.Call, Lookup], str | None]
# The offending call a helper makes, and the rule's detail about it.
Culprit = tuple[cst.Call, str]
LookupIn = Callable[[cst.FunctionDef], Lookup]
BindingsOf = Callable[[cst.FunctionDef], Bindings]
# Nodes whose bodies do not run when the def around them runs.
_DEFERRED = (cst.FunctionDef, cst.Lambda, cst.ClassDef)


def own_nodes(function: cst.FunctionDef) -> Iterator[cst.CSTNode]:
    """Nodes a def's body evaluates itself, in source order, skipping nested bodies."""
    stack: list[cst.CSTNode] = [function.body]
    while stack:
        node = stack.pop()
        yield node
        if not isinstance(node, _DEFERRED):
            stack.extend(reversed(children(node)))


def _helpers(module: cst.Module) -> dict[str, cst.FunctionDef]:
    found: dict[str, cst.FunctionDef | None] = {}
    for node in module_statements(module):
        if isinstance(node, cst.FunctionDef):
            # Two defs of one name: which one runs is not known statically.
            found[node.name.value] = None if node.name.value in found else node
    # A decorator may change what calling the def does (``@contextmanager``, ``@lru_cache``).
    return {
        name: node
        for name, node in found.items()
        if node is not None and not node.asynchronous and not node.decorators
    }


class LocalHelpers:
    """Answers "which offending call does calling this module-level helper make?"."""

    def __init__(
        self, module: cst.Module, finder: Finder, lookup_in: LookupIn, bindings_of: BindingsOf
    ) -> None:
        self._helpers = _helpers(module)
        self._finder = finder
        self._lookup_in = lookup_in
        self._bindings_of = bindings_of
        self._culprits: dict[str, Culprit | None] = {}

    def helper_name(self, call: cst.Call) -> str | None:
        """The helper ``call`` calls by name, if it is one (shadowing is the caller's concern)."""
        func = call.func
        return func.value if isinstance(func, cst.Name) and func.value in self._helpers else None

    def culprit(self, name: str) -> Culprit | None:
        """The first offending call helper ``name`` makes, directly or through other helpers."""
        if name in self._culprits:
            return self._culprits[name]
        self._culprits[name] = None  # a recursive helper does not find itself
        helper = self._helpers.get(name)
        if helper is not None:
            self._culprits[name] = self._first_culprit(helper)
        return self._culprits[name]

    def _first_culprit(self, helper: cst.FunctionDef) -> Culprit | None:
        nodes = list(own_nodes(helper))
        # Calling a generator function runs none of its body.
        if any(isinstance(node, cst.Yield) for node in nodes):
            return None
        lookup = self._lookup_in(helper)
        for node in nodes:
            if not isinstance(node, cst.Call):
                continue
            detail = self._finder(node, lookup)
            found = (node, detail) if detail is not None else self._through_helper(node, helper)
            if found is not None:
                return found
        return None

    def _through_helper(self, call: cst.Call, helper: cst.FunctionDef) -> Culprit | None:
        name = self.helper_name(call)
        # A parameter or local of the same name is not the module's helper.
        if name is None or self._bindings_of(helper).get(name) is not None:
            return None
        return self.culprit(name)
