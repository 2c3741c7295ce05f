"""Which plain functions of the project block when called, and through which calls.

A function blocks if it makes a blocking call itself, or calls a project function that
blocks and that runs right away when called (a plain ``def``, not a generator, not
decorated into something else). Each blocking call has a stall (``BlockingCall.stall``:
a network round trip over a subprocess over file I/O); a function's chain goes to the
longest stall it can reach, the shortest way there. For each stall, a breadth-first walk
over the reversed call graph from the functions that make such a call gives every
function its distance to one; each then steps, through its first call (in source order)
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
        callers: dict[FunctionRef, list[FunctionRef]] = {}
        for module, function in project.functions():
            if function.followable:
                ref = FunctionRef(module.name, function.name)
                self._edges[ref] = self.edges(module, function)
                for edge in self._edges[ref]:
                    callers.setdefault(edge.target, []).append(ref)
        # Per stall, each function's distance to a call of that stall; the longest first.
        self._distances: dict[int, dict[FunctionRef, int]] = {}
        self._stall: dict[FunctionRef, int] = {}
        for stall in sorted(self._stalls(), reverse=True):
            self._distances[stall] = self._spread(callers, stall)
            for ref in self._distances[stall]:
                self._stall.setdefault(ref, stall)

    def edges(self, module: Module, function: FunctionSummary) -> list[Edge]:
        """Calls of ``function`` that run a followable project function."""
        found = []
        for call in function.calls:
            target = self.project.callee(module.name, call.callee, function)
            summary = self.project.function(target) if target is not None else None
            if target is not None and summary is not None and summary.followable:
                found.append(Edge(call, target))
        return found

    def _stalls(self) -> set[int]:
        return {call.stall for ref in self._edges for call in self._blocking(ref)}

    def _blocking(self, ref: FunctionRef) -> tuple[BlockingCall, ...]:
        summary = self.project.function(ref)
        return summary.blocking if summary is not None else ()

    def _spread(
        self, callers: dict[FunctionRef, list[FunctionRef]], stall: int
    ) -> dict[FunctionRef, int]:
        distance: dict[FunctionRef, int] = {}
        queue: deque[FunctionRef] = deque()
        for ref in self._edges:
            if any(call.stall == stall for call in self._blocking(ref)):
                distance[ref] = 0
                queue.append(ref)
        while queue:
            ref = queue.popleft()
            for caller in callers.get(ref, ()):
                if caller not in distance:
                    distance[caller] = distance[ref] + 1
                    queue.append(caller)
        return distance

    def blocks(self, ref: FunctionRef) -> bool:
        return ref in self._stall

    def steps(self, ref: FunctionRef) -> list[Step]:
        """The calls from ``ref`` down to the longest stall it reaches, the shortest way
        there, through the first-written call at each step."""
        steps: list[Step] = []
        if ref not in self._stall:
            return steps
        stall = self._stall[ref]
        distances = self._distances[stall]
        current = ref
        while distances[current] > 0:
            distance = distances[current]
            edge = next(e for e in self._edges[current] if distances.get(e.target) == distance - 1)
            steps.append(Step(current, edge.call, edge.target, None))
            current = edge.target
        blocking = next(call for call in self._blocking(current) if call.stall == stall)
        steps.append(Step(current, None, None, blocking))
        return steps
