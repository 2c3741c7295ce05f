"""Base of the rules that report one kind of call made on the event loop (FAPI103, FAPI104).

A subclass says which calls it flags (``offending_call``) and how to word the finding
(``report_call``). The base finds calls run directly by an ``async def`` body and skips
awaited ones. Calls reaching such a call through the project's own plain ``def``
helpers are FAPI102's (blocking-call-via-helper), so each stall is reported once.
"""

from __future__ import annotations

import libcst as cst

from fastapi_lint.analysis.aliased_names import AliasAwareRule
from fastapi_lint.fastapi_model.names import Lookup


class AsyncCallRule(AliasAwareRule):
    """Reports calls, made by an ``async def`` itself, that hold up the event loop."""

    def offending_call(self, call: cst.Call, lookup: Lookup) -> str | None:
        """The rule's detail (say, the advice) when it flags ``call`` on its own."""
        raise NotImplementedError

    def may_offend(self, call: cst.Call) -> bool:
        """A cheap look at ``call`` alone; False spares the scope and type work."""
        return True

    def report_call(self, call: cst.Call, function: cst.FunctionDef, detail: str) -> None:
        """Report ``call``, made directly by ``function``."""
        raise NotImplementedError

    def callee_text(self, call: cst.Call) -> str:
        """``pwd_context.hash`` for ``pwd_context.hash(password)``, on one line."""
        return " ".join(self.context.module.code_for_node(call.func).split())

    def visit_Call(self, node: cst.Call) -> None:
        if not self.may_offend(node):
            return
        scope = self.async_scope_of(node)
        # ``await x.execute()`` proves ``x`` async, whatever its annotation claims.
        if scope is None or self.is_awaited(node):
            return
        function, lookup = scope
        detail = self.offending_call(node, lookup)
        if detail is not None:
            self.report_call(node, function, detail)
