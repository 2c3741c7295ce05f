"""Base of the rules that report one kind of call made on the event loop (FAPI103, FAPI104).

A subclass says which calls it flags (``offending_call``) and how to word the finding
(``report_call``). The base finds calls run directly by an ``async def`` body, skips
awaited ones, and follows calls of the module's own plain ``def`` helpers.
"""

from __future__ import annotations

import libcst as cst

from fastapi_lint.fastapi_model import Lookup
from fastapi_lint.rule import FileContext
from fastapi_lint.rules._aliased_names import AliasAwareRule
from fastapi_lint.rules._local_helpers import Culprit, LocalHelpers


class AsyncCallRule(AliasAwareRule):
    """Reports calls, made by an ``async def`` itself, that hold up the event loop."""

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self._local_helpers: LocalHelpers | None = None

    def offending_call(self, call: cst.Call, lookup: Lookup) -> str | None:
        """The rule's detail (say, the advice) when it flags ``call`` on its own."""
        raise NotImplementedError

    def may_offend(self, call: cst.Call) -> bool:
        """A cheap look at ``call`` alone; False spares the scope and type work."""
        return True

    def report_call(
        self, call: cst.Call, function: cst.FunctionDef, detail: str, via: cst.Call | None
    ) -> None:
        """Report ``call`` in ``function``; ``via`` is the flagged call a helper makes."""
        raise NotImplementedError

    def callee_text(self, call: cst.Call) -> str:
        """``pwd_context.hash`` for ``pwd_context.hash(password)``, on one line."""
        return " ".join(self.context.module.code_for_node(call.func).split())

    def visit_Call(self, node: cst.Call) -> None:
        if not self.may_offend(node) and self._helpers().helper_name(node) is None:
            return
        scope = self.async_scope_of(node)
        # ``await x.execute()`` proves ``x`` async, whatever its annotation claims.
        if scope is None or self.is_awaited(node):
            return
        function, lookup = scope
        detail = self.offending_call(node, lookup)
        if detail is not None:
            self.report_call(node, function, detail, None)
            return
        culprit = self._helper_culprit(node)
        if culprit is not None:
            self.report_call(node, function, culprit[1], culprit[0])

    def _helpers(self) -> LocalHelpers:
        if self._local_helpers is None:
            self._local_helpers = LocalHelpers(
                self.context.module, self.offending_call, self.lookup_in, self.bindings_of
            )
        return self._local_helpers

    def _helper_culprit(self, call: cst.Call) -> Culprit | None:
        helpers = self._helpers()
        name = helpers.helper_name(call)
        if name is None or self._bound_in_functions(name):
            return None
        return helpers.culprit(name)

    def _bound_in_functions(self, name: str) -> bool:
        """A name some enclosing def binds (a parameter, say) is not the module's helper."""
        return any(
            self.bindings_of(scope).get(name) is not None
            for scope in self.context.scopes
            if isinstance(scope, cst.FunctionDef)
        )
