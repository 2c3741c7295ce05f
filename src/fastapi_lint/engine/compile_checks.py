"""What only CPython's compiler rejects, noticed during the walk so it compiles only then.

LibCST reads some code that no Python version compiles: ``return`` outside a function,
``break`` outside a loop, ``await`` outside an ``async def``, a duplicate argument, a
``nonlocal`` that binds nothing, a parameter declared ``global``. CPython's full compile
finds them all, but compiling every file to bytecode costs about 5% of a cold run for a
handful of broken files. ``CompileChecks`` rides along the one walk and notes any node
that could be one of these errors; only a file it suspects is compiled (``parse``), and
CPython's own verdict and message stand. The checks are a superset of those errors:
they may suspect valid code (compiled, and found valid), never miss a rejected one.
"""

from __future__ import annotations

import re
from typing import ClassVar

import libcst as cst

from fastapi_lint.fastapi_model.syntax import all_params
from fastapi_lint.rule import FileContext, Rule

# Characters CPython's tokenizer may refuse ("invalid non-printable character"): all but
# tab, line breaks, form feed and printable ASCII; each distinct one is then asked.
# LibCST refuses most of them itself; it reads a byte order mark left in the text.
_MAYBE_UNPRINTABLE = re.compile(r"[^\t\n\x0c\r\x20-\x7e]")


def has_unprintable(source: str) -> bool:
    """``source`` holds a character CPython may refuse as non-printable."""
    return any(not char.isprintable() for char in set(_MAYBE_UNPRINTABLE.findall(source)))


def _parameter_names(parameters: cst.Parameters) -> list[str]:
    return [param.name.value for param in all_params(parameters)]


class CompileChecks(Rule):
    """Not a rule: notes code only CPython's compiler may reject (see the module)."""

    code: ClassVar[str] = "compile-checks"

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self.suspect = False
        # The loops being walked: the scope depth each is in, the loop, and whether the
        # walk is in its body (a loop's ``else`` is not: ``break`` there leaves an outer one).
        self._loops: list[tuple[int, cst.For | cst.While, bool]] = []
        # The functions whose body (not header: decorators, defaults and annotations
        # belong to the scope around) the walk is in, innermost last.
        self._bodies: list[cst.CSTNode] = []

    def _innermost(self) -> cst.CSTNode | None:
        scopes = self.context.scopes
        return scopes[-1] if scopes else None

    def _in_function_body(self) -> cst.FunctionDef | None:
        """The innermost scope, when it is a ``def`` whose body the walk is in."""
        scope = self._innermost()
        if type(scope) is cst.FunctionDef and self._bodies and self._bodies[-1] is scope:
            return scope
        return None

    def _in_async_function(self) -> bool:
        function = self._in_function_body()
        return function is not None and function.asynchronous is not None

    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        self._enter_body(node)

    def leave_IndentedBlock(self, original_node: cst.IndentedBlock) -> None:
        self._leave_body(original_node)

    def visit_SimpleStatementSuite(self, node: cst.SimpleStatementSuite) -> None:
        self._enter_body(node)

    def leave_SimpleStatementSuite(self, original_node: cst.SimpleStatementSuite) -> None:
        self._leave_body(original_node)

    def _enter_body(self, suite: cst.BaseSuite) -> None:
        scope = self._innermost()
        if type(scope) is cst.FunctionDef and scope.body is suite:
            self._bodies.append(scope)

    def _leave_body(self, suite: cst.BaseSuite) -> None:
        scope = self._innermost()
        if type(scope) is cst.FunctionDef and scope.body is suite:
            self._bodies.pop()

    # -- return, yield, await and async statements: where functions allow them ---------

    def visit_Return(self, node: cst.Return) -> None:
        if self._in_function_body() is None:
            self.suspect = True

    def visit_Yield(self, node: cst.Yield) -> None:
        if self._in_function_body() is None:
            self.suspect = True  # in a lambda too: valid in its body, not in its defaults

    def visit_Await(self, node: cst.Await) -> None:
        if not self._in_async_function():
            self.suspect = True

    def visit_With(self, node: cst.With) -> None:
        if node.asynchronous is not None and not self._in_async_function():
            self.suspect = True

    def visit_CompFor(self, node: cst.CompFor) -> None:
        if node.asynchronous is not None and not self._in_async_function():
            self.suspect = True

    # -- break and continue: in a loop's body, in the same scope -------------------------

    def visit_For(self, node: cst.For) -> None:
        if node.asynchronous is not None and not self._in_async_function():
            self.suspect = True
        self._loops.append((len(self.context.scopes), node, True))

    def leave_For(self, original_node: cst.For) -> None:
        self._loops.pop()

    def visit_While(self, node: cst.While) -> None:
        self._loops.append((len(self.context.scopes), node, True))

    def leave_While(self, original_node: cst.While) -> None:
        self._loops.pop()

    def visit_Else(self, node: cst.Else) -> None:
        if self._loops and self._loops[-1][1].orelse is node:
            depth, loop, _ = self._loops.pop()
            self._loops.append((depth, loop, False))

    def visit_Break(self, node: cst.Break) -> None:
        self._check_in_loop()

    def visit_Continue(self, node: cst.Continue) -> None:
        self._check_in_loop()

    def _check_in_loop(self) -> None:
        depth = len(self.context.scopes)
        for loop_depth, _, in_body in reversed(self._loops):
            if loop_depth != depth:
                break
            if in_body:
                return
        self.suspect = True

    # -- names: arguments, global and nonlocal -------------------------------------------

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._check_parameters(node.params)

    def visit_Lambda(self, node: cst.Lambda) -> None:
        self._check_parameters(node.params)

    def _check_parameters(self, parameters: cst.Parameters) -> None:
        names = _parameter_names(parameters)
        if len(names) != len(set(names)):
            self.suspect = True

    def visit_Nonlocal(self, node: cst.Nonlocal) -> None:
        self.suspect = True  # rare; it may bind nothing, or name a parameter

    def visit_Global(self, node: cst.Global) -> None:
        scope = self._innermost()
        if type(scope) is not cst.FunctionDef:
            return
        declared = {item.name.value for item in node.names}
        if declared & set(_parameter_names(scope.params)):
            self.suspect = True
