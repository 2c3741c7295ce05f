"""Which plain functions of the project block when called, and through which calls.

A function blocks if it makes a blocking call itself, or calls a project function that
blocks and that runs right away when called (a plain ``def``, not a generator, not
decorated into something else). Starting from the functions that block directly, a
breadth-first walk over the reversed call graph gives every function its shortest
distance to a blocking call; each then steps, through its first call (in source order)
one step closer, towards it. Linear in functions and call edges; cycles cost nothing.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from fastapi_lint.project_model.project import FunctionRef, Module, Project
from fastapi_lint.summary.records import BlockingCall, CallSite, FunctionSummary


@dataclass(frozen=True, slots=True)
class Edge:
    """A call site in a function, and the project function it runs."""

    call: CallSite
    target: FunctionRef


@dataclass(frozen=True, slots=True)
class Step:
    """One call on the way to a blocking call; ``target`` None means ``blocking`` is made."""

    owner: FunctionRef
    call: CallSite | None
    target: FunctionRef | None
    blocking: BlockingCall | None


class BlockingPaths:
    def __init__(self, project: Project) -> None:
        self.project = project
        self._edges: dict[FunctionRef, list[Edge]] = {}
        self._distance: dict[FunctionRef, int] = {}
        callers: dict[FunctionRef, list[FunctionRef]] = {}
        for module, function in project.functions():
            if function.followable:
                ref = FunctionRef(module.name, function.name)
                self._edges[ref] = self.edges(module, function)
                for edge in self._edges[ref]:
                    callers.setdefault(edge.target, []).append(ref)
        self._spread(callers)

    def edges(self, module: Module, function: FunctionSummary) -> list[Edge]:
        """Calls of ``function`` that run a followable project function."""
        found = []
        for call in function.calls:
            target = self.project.callee(module.name, call.callee, function)
            summary = self.project.function(target) if target is not None else None
            if target is not None and summary is not None and summary.followable:
                found.append(Edge(call, target))
        return found

    def _spread(self, callers: dict[FunctionRef, list[FunctionRef]]) -> None:
        queue: deque[FunctionRef] = deque()
        for ref in self._edges:
            summary = self.project.function(ref)
            if summary is not None and summary.blocking:
                self._distance[ref] = 0
                queue.append(ref)
        while queue:
            ref = queue.popleft()
            for caller in callers.get(ref, ()):
                if caller not in self._distance:
                    self._distance[caller] = self._distance[ref] + 1
                    queue.append(caller)

    def blocks(self, ref: FunctionRef) -> bool:
        return ref in self._distance

    def steps(self, ref: FunctionRef) -> list[Step]:
        """The calls from ``ref`` down to the blocking call, shortest first-written path."""
        steps: list[Step] = []
        current: FunctionRef | None = ref
        while current is not None and current in self._distance:
            distance = self._distance[current]
            if distance == 0:
                summary = self.project.function(current)
                assert summary is not None
                steps.append(Step(current, None, None, summary.blocking[0]))
                return steps
            edge = next(
                e for e in self._edges[current] if self._distance.get(e.target) == distance - 1
            )
            steps.append(Step(current, edge.call, edge.target, None))
            current = edge.target
        return steps
