"""Which ``async def`` functions of the project run only at start-up or shutdown.

The roots are the hooks the files register (``analysis.startup_hooks``: lifespans,
``on_event`` handlers, ``on_startup=[...]``). Another ``async def`` runs only there when
the project awaits it, and only from functions that themselves run only there; it must
also be plain (no route, dependency or other decorator) and never handed around as a
value or called where no summary follows the call (module level, nested defs): any of
those may run it while requests are served. A coroutine created without ``await``
(``asyncio.create_task(poll())``) escapes too: a task started by the lifespan runs
beside the requests. Functions are added until nothing changes, so a chain
``lifespan -> init_app() -> load_models()`` is start-up code all the way down.
"""

from __future__ import annotations

from collections.abc import Iterable

from fastapi_lint.project_model.project import FunctionRef, Module, Project
from fastapi_lint.summary.records import FunctionSummary


class StartupOnly:
    def __init__(self, project: Project) -> None:
        self.project = project
        self._only: set[FunctionRef] = set(self._resolved(self._hooks()))
        escaped = set(self._resolved(self._references())) - self._only
        # Per async function: its awaiting callers; None once any call escapes.
        callers: dict[FunctionRef, set[FunctionRef] | None] = {}
        for module, function in project.functions():
            self._record_calls(module, function, callers)
        candidates = {
            ref: found
            for ref, found in callers.items()
            if found and ref not in escaped and self._plain(ref)
        }
        self._spread(candidates)

    def runs_only_at_startup(self, ref: FunctionRef) -> bool:
        return ref in self._only

    def _hooks(self) -> Iterable[tuple[Module, str, str]]:
        for module in self.project.modules.values():
            yield from ((module, *named) for named in module.summary.startup_hooks)

    def _references(self) -> Iterable[tuple[Module, str, str]]:
        for module in self.project.modules.values():
            yield from ((module, *named) for named in module.summary.references)

    def _resolved(self, named: Iterable[tuple[Module, str, str]]) -> Iterable[FunctionRef]:
        for module, scope, name in named:
            owner = self._scope(module, scope)
            found = self.project.resolve(module.name, name, owner)
            if isinstance(found, FunctionRef):
                yield found

    def _scope(self, module: Module, scope: str) -> FunctionSummary | None:
        return self.project.function(FunctionRef(module.name, scope)) if scope else None

    def _record_calls(
        self,
        module: Module,
        function: FunctionSummary,
        callers: dict[FunctionRef, set[FunctionRef] | None],
    ) -> None:
        caller = FunctionRef(module.name, function.name)
        for call in function.calls:
            target = self.project.callee(module.name, call.callee, function)
            if target is None:
                continue
            known = callers.setdefault(target, set())
            if known is None:
                continue
            if call.awaited and function.is_async:
                known.add(caller)
            else:
                callers[target] = None

    def _plain(self, ref: FunctionRef) -> bool:
        summary = self.project.function(ref)
        if summary is None or not summary.is_async:
            return False
        return not (summary.is_route or summary.is_dependency or summary.decorated)

    def _spread(self, candidates: dict[FunctionRef, set[FunctionRef]]) -> None:
        changed = True
        while changed:
            changed = False
            for ref, found in candidates.items():
                if ref not in self._only and found <= self._only:
                    self._only.add(ref)
                    changed = True
