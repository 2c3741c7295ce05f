"""FAPI102: an ``async def`` calls a plain project function that, at some depth, blocks."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from fastapi_lint.context.roles import Role
from fastapi_lint.models import ChainStep
from fastapi_lint.project_model.blocking import BlockingPaths, Step
from fastapi_lint.project_model.project import FunctionRef, Module, Project
from fastapi_lint.project_model.startup import StartupOnly
from fastapi_lint.rule import Invalid, ProjectFinding, ProjectRule, Valid
from fastapi_lint.summary.records import CallSite, FunctionSummary
from fastapi_lint.suppression import line_suppresses


def _shown(ref: FunctionRef) -> str:
    """``fetch_rate``, ``RateService.fetch``; a constructor shows as ``RateService``."""
    return ref.name.removesuffix(".__init__")


class BlockingCallViaHelper(ProjectRule):
    """
    ## What it does
    Flags a call, in an `async def`, of one of the project's own plain `def` functions
    that makes a blocking call (as FAPI101, FAPI103 and FAPI104 know them), directly or
    through any depth of further plain functions, in any module of the project. A helper
    called several times in one function is reported once, at its first call. The chain
    shown ends at the longest stall the helper reaches (a network or database round
    trip, a sleep or CPU-bound work, then a subprocess, then file I/O), by the shortest
    way there.

    A module global's lazy initialisation runs once per process, not once per request,
    and is not followed: the body of `if _client is None: _client = ...` (or `if not
    _client:`) in a function declaring `global _client`, and everything after an early
    `if _client: return _client` that the function goes on to set. A guard joined with
    `or` (`if _client is None or force:`) may run every time and is followed.

    ## Why is this bad?
    A plain function called from an `async def` runs on the event loop, and so does
    everything it calls. The `requests.get()` three helpers down stalls every request the
    worker serves exactly as if it were written in the route. Linters that look at one
    function at a time (ruff's ASYNC rules, FAPI101) cannot see it; the finding gives the
    whole chain, with the file and line of the blocking call, so it can be fixed where
    it is.

    ## Example
    ```python
    # app/core/http.py
    import requests


    def fetch_json(url: str) -> dict[str, float]:
        return requests.get(url, timeout=5).json()


    # app/services/rates.py
    from app.core.http import fetch_json


    def fetch_rate(code: str) -> float:
        return fetch_json(f"https://rates.example.com/{code}")["rate"]


    # app/routers/convert.py
    from app.services.rates import fetch_rate


    @router.get("/convert/{code}")
    async def convert(code: str, amount: float) -> float:
        # convert() -> fetch_rate() -> fetch_json() -> requests.get()
        return amount * fetch_rate(code)
    ```

    ## Use instead
    Hand the helper (not its result) to a thread:
    ```python
    from starlette.concurrency import run_in_threadpool


    @router.get("/convert/{code}")
    async def convert(code: str, amount: float) -> float:
        return amount * await run_in_threadpool(fetch_rate, code)
    ```
    or make the chain async (`httpx.AsyncClient`, `async def` helpers, `await`), or
    declare the route with a plain `def` so FastAPI runs it in the threadpool.

    Start-up and shutdown code is left alone: a lifespan, an `on_event("startup")` or
    `on_startup=[...]` handler, and every `async def` the project awaits only from them
    (in any module) run before the server accepts requests or after it stops, so
    loading a model or a config file there delays start-up, not a request. A function
    that is also awaited elsewhere, handed around as a value (`add_task(refresh)`,
    `scheduler.add_job(refresh)`), started as a task, or decorated is not start-up code.

    ## Options
    `extend-blocking-calls` (see FAPI101) adds blocking calls for this rule too.

    ## Known limitations
    The project is the set of files linted together: run it on the whole application
    (helpers in files that are not linted are not followed). Calls are followed when the
    callee is a module-level function or a method the code names: `helper()`,
    `module.helper()`, imported names and aliases, re-exports in `__init__.py`,
    `self.method()`, `Class.method()`, `Class()` (its `__init__`), methods of module-level
    instances (`Users = UsersTable()`) and of parameters, locals and `self` attributes
    whose class is written (`repo: Repo`, `repo = Repo()`). Calls through other
    attributes, return values or callables passed around are not followed. Nested
    functions, generators and decorated functions are not followed (except under
    `staticmethod`, `classmethod` and the retries of tenacity, retrying, retry and
    backoff, which call the function there and then), nor are `async def` functions
    (FAPI101 and its peers check those themselves). Passing a helper to
    `run_in_threadpool`, `asyncio.to_thread`, `anyio.to_thread.run_sync` or
    `run_in_executor` is not a call of it. A plain `def` route or dependency is never
    flagged: FastAPI runs it in the threadpool. Between chains to equally long stalls,
    the shortest is shown (the first written when several are as short).
    """

    code = "FAPI102"
    name = "blocking-call-via-helper"
    family = "async"
    roles = frozenset({Role.APP, Role.EXAMPLE})
    severity = "error"
    message = (
        "Blocking call reached through `{callee}()` in async function `{function}`: "
        "{chain} ({where}); use `await run_in_threadpool({callee}, ...)` or make the chain async"
    )

    VALID: ClassVar[tuple[Valid, ...]] = (
        Valid(
            "import requests\n"
            "from starlette.concurrency import run_in_threadpool\n\n\n"
            "def fetch_rate(code: str) -> float:\n"
            '    return requests.get(f"https://rates.example.com/{code}").json()["rate"]\n\n\n'
            "async def convert(code: str, amount: float) -> float:\n"
            "    return amount * await run_in_threadpool(fetch_rate, code)\n"
        ),
        Valid(
            "import requests\n"
            "from fastapi import FastAPI\n\n"
            "app = FastAPI()\n\n\n"
            "def fetch_rate(code: str) -> float:\n"
            '    return requests.get(f"https://rates.example.com/{code}").json()["rate"]\n\n\n'
            '@app.get("/convert/{code}")\n'
            "def convert(code: str, amount: float) -> float:\n"
            "    return amount * fetch_rate(code)\n"
        ),
        Valid(
            "import httpx\n\n\n"
            "async def fetch_rate(code: str) -> float:\n"
            "    async with httpx.AsyncClient() as client:\n"
            '        response = await client.get(f"https://rates.example.com/{code}")\n'
            '    return response.json()["rate"]\n\n\n'
            "async def convert(code: str, amount: float) -> float:\n"
            "    return amount * await fetch_rate(code)\n"
        ),
    )
    INVALID: ClassVar[tuple[Invalid, ...]] = (
        Invalid(
            "import requests\n\n\n"
            "def fetch_json(url: str) -> dict:\n"
            "    return requests.get(url, timeout=5).json()\n\n\n"
            "def fetch_rate(code: str) -> float:\n"
            '    return fetch_json(f"https://rates.example.com/{code}")["rate"]\n\n\n'
            "async def convert(code: str, amount: float) -> float:\n"
            "    return amount * fetch_rate(code)\n",
            line=13,
            column=21,
            message_contains=(
                "`convert() -> fetch_rate() -> fetch_json() -> requests.get()` (example.py:5)"
            ),
        ),
        Invalid(
            "from passlib.context import CryptContext\n\n"
            'pwd_context = CryptContext(schemes=["bcrypt"])\n\n\n'
            "class Auth:\n"
            "    def verify(self, plain: str, hashed: str) -> bool:\n"
            "        return pwd_context.verify(plain, hashed)\n\n"
            "    async def login(self, plain: str, hashed: str) -> bool:\n"
            "        return self.verify(plain, hashed)\n",
            line=11,
            column=16,
            message_contains="`Auth.login() -> Auth.verify() -> pwd_context.verify()`",
        ),
    )

    @classmethod
    def check_project(cls, project: Project) -> Iterator[ProjectFinding]:
        paths = project.analysis(BlockingPaths)
        startup = project.analysis(StartupOnly)
        for module, function in project.functions():
            ref = FunctionRef(module.name, function.name)
            if function.is_async and not startup.runs_only_at_startup(ref):
                yield from cls._findings_in(project, paths, module, function)

    @classmethod
    def _findings_in(
        cls, project: Project, paths: BlockingPaths, module: Module, function: FunctionSummary
    ) -> Iterator[ProjectFinding]:
        """One finding per helper: at its first call in the function not marked ``noqa``."""
        reported: set[FunctionRef] = set()
        for call in function.calls:
            if line_suppresses(module.summary.line_text(call.line), cls.code):
                continue
            target = project.callee(module.name, call.callee, function)
            if target is not None and target not in reported and paths.blocks(target):
                reported.add(target)
                yield cls._finding(project, module, function, call, paths.steps(target))

    @classmethod
    def _finding(
        cls,
        project: Project,
        module: Module,
        function: FunctionSummary,
        call: CallSite,
        steps: list[Step],
    ) -> ProjectFinding:
        chain = _chain(project, module, call, steps)
        names = [f"{function.name}()", *(f"{step.function}()" for step in chain)]
        # As written at the call (``self.verify``), when the line shows it.
        written = module.summary.line_text(call.line)[call.column - 1 : call.end_column - 1]
        callee = written or chain[0].function
        message = cls.message.format(
            callee=callee,
            function=function.name,
            chain="`" + " -> ".join(names) + "`",
            where=f"{chain[-1].path}:{chain[-1].line}",
        )
        return ProjectFinding(module.path, call.line, call.column, call.end_column, message, chain)


def _chain(
    project: Project, module: Module, call: CallSite, steps: list[Step]
) -> tuple[ChainStep, ...]:
    """Each call on the way: the first in the ``async def``, the last the blocking one."""
    found = [ChainStep(_shown(steps[0].owner), module.path, call.line)]
    for step in steps:
        path = project.modules[step.owner.module].path
        if step.blocking is not None:
            found.append(ChainStep(step.blocking.call, path, step.blocking.line))
        elif step.call is not None and step.target is not None:
            found.append(ChainStep(_shown(step.target), path, step.call.line))
    return tuple(found)
