"""FAPI101: a known blocking call written directly in the body of an ``async def``."""

from __future__ import annotations

import libcst as cst

from fastapi_lint.analysis.async_scope import AsyncBodyRule
from fastapi_lint.analysis.blocking_calls import blocking_api
from fastapi_lint.analysis.blocking_catalogue import LAZY_CLIENTS
from fastapi_lint.analysis.startup_hooks import hook_names
from fastapi_lint.context.roles import Role
from fastapi_lint.rule import FileContext, Invalid, Valid
from fastapi_lint.rules.asynchronous._sleep_fix import sleep_fix

# Objects whose creation returns at once: the wait on them (``process.wait()``) is the
# stall, so it keeps its own finding.
_WAITED_ON = frozenset({"subprocess.Popen"})


def _lazy_client_receiver(node: cst.Call, shown: str) -> str | None:
    """``cache`` of ``cache.get(key)`` when ``cache`` is a client that connected on this
    first command (``redis.Redis``): its later commands are the same comment."""
    owner = shown.removesuffix("()").rpartition(".")[0]
    func = node.func
    if owner in LAZY_CLIENTS and isinstance(func, cst.Attribute):
        return func.value.value if isinstance(func.value, cst.Name) else None
    return None


class BlockingCallInAsyncFunction(AsyncBodyRule):
    """
    ## What it does
    Flags calls to known blocking APIs (`time.sleep`, `requests`, sync `httpx.Client`,
    `urllib`, `subprocess`, `open` and file/`pathlib`/`os.path` I/O, sockets, SMTP,
    sync database and redis drivers...) written directly in the body of an `async def`.
    One metadata system call on the local disk (`os.path.isfile()`, `Path.exists()`,
    `os.stat()`, `Path.mkdir()`, `os.makedirs()`, `os.unlink()`...) takes microseconds and
    is left alone; reading, writing, listing or walking files is not.

    One comment per object: when the call that opens a file or a connection
    (`with open(path) as f`, `server = smtplib.SMTP(host)`) is reported, the calls on that
    object in the same function (`f.write()`, `server.login()`) are not reported again. A
    process is the exception: `Popen()` returns at once and its `wait()` is the stall.
    Clients that connect on first use (`redis.Redis()`, `pymongo.MongoClient()`,
    `http.client.HTTPConnection()`) are not reported where they are made: their first
    command in the function is, and not the commands after it.

    A lifespan or start-up/shutdown handler the same file registers
    (`FastAPI(lifespan=lifespan)`, `@app.on_event("startup")`, `add_event_handler`,
    `on_startup=[...]`) is left alone: it runs before the server accepts requests or
    after it stops, so a blocking call there delays start-up, not a request.

    ## Why is this bad?
    FastAPI runs `async def` endpoints and dependencies on the event loop. A blocking
    call there stops the whole loop: every other request served by the worker waits until
    the call returns. A plain `def` endpoint is run in a threadpool instead, so the same
    call is fine there.

    ## Example
    ```python
    import requests
    from fastapi import FastAPI

    from app.schemas import Forecast

    app = FastAPI()


    @app.get("/weather")
    async def weather(city: str) -> Forecast:
        response = requests.get(f"https://api.example.com/{city}")
        return Forecast.model_validate(response.json())
    ```

    ## Use instead
    ```python
    import httpx
    from fastapi import FastAPI

    from app.schemas import Forecast

    app = FastAPI()


    @app.get("/weather")
    async def weather(city: str) -> Forecast:
        async with httpx.AsyncClient() as client:
            response = await client.get(f"https://api.example.com/{city}")
        return Forecast.model_validate(response.json())
    ```
    When no async library exists, declare the endpoint with `def`, or hand the function
    (not its result) to `await run_in_threadpool(func, ...)`/`asyncio.to_thread`.

    ## Options
    `strict` (default `[]`): with `"FAPI101"` listed, the metadata calls are reported too.
    `extend-blocking-calls`: more qualified names to treat as blocking, such as
    `"mylib.slow_io"`, `"mylib.Client.fetch"` (a method of objects the rule can see
    being created) or `"mylib.legacy.*"` (everything under a module).

    ## Fix safety
    Only `time.sleep(x)` has a fix: `await asyncio.sleep(x)`, adding `import asyncio`
    above the module's import of `time` when the name is free. It is offered when the
    call is a statement of its own directly in the `async def` (never inside an
    expression, where `await` could turn a generator expression asynchronous), resolves
    to `time.sleep` through the imports, and `asyncio` is not bound to something else
    (nor possibly bound by a star import). Both wait the same time; the coroutine lets
    the event loop serve other requests meanwhile, which is the point of the rule, so
    the fix is safe. Other blocking calls have no drop-in async twin and get no fix.

    ## Known limitations
    Calls are matched by the qualified name the module's imports give them, so a blocking
    call on an attribute (`self.session.get`) or on a value returned from a helper of
    another module is not seen. A blocking call made inside the project's own plain `def`
    helper, called from the `async def`, is reported at the helper call by FAPI102
    (`blocking-call-via-helper`). Object types are only inferred from `x = Cls(...)`,
    `with Cls(...) as x`, annotations in the same function or at module level, and the
    return annotation of a def of the same module (`folder = upload_dir()` with `def
    upload_dir() -> Path`, `user = await load_user()` with an `async def`). Calls
    inside a nested `def`, `lambda` or class body are not reported, as they do not run
    when the `async def` runs; default values and decorators of a nested `def` do, and
    are reported. Start-up code is recognised within the file only: a lifespan registered
    in another module, or an `async def` helper the lifespan awaits, is still reviewed
    here (FAPI102 follows start-up code across the project).
    """

    code = "FAPI101"
    name = "blocking-call-in-async-function"
    family = "async"
    roles = frozenset({Role.APP, Role.EXAMPLE})
    severity = "error"
    fixable = True
    message = "Blocking call `{call}()` in async function `{function}`; {advice}"

    VALID = (
        Valid(
            "import requests\n"
            "from fastapi import APIRouter\n\n"
            "router = APIRouter()\n\n\n"
            '@router.get("/rates")\n'
            "def rates() -> dict:\n"
            '    return requests.get("https://api.example.com/rates").json()\n'
        ),
        Valid(
            "import asyncio\n"
            "from fastapi import FastAPI\n\n"
            "app = FastAPI()\n\n\n"
            '@app.post("/jobs")\n'
            "async def create_job() -> dict:\n"
            "    await asyncio.sleep(0.1)\n"
            '    return {"queued": True}\n'
        ),
        Valid(
            "import httpx\n\n\n"
            "async def fetch_profile(user_id: int) -> dict:\n"
            "    async with httpx.AsyncClient() as client:\n"
            '        response = await client.get(f"https://id.example.com/{user_id}")\n'
            "    return response.json()\n"
        ),
        Valid(
            "import time\n"
            "from starlette.concurrency import run_in_threadpool\n\n\n"
            "async def throttle() -> None:\n"
            "    await run_in_threadpool(time.sleep, 1)\n"
        ),
        Valid(
            "import asyncio\n"
            "import requests\n\n\n"
            "async def refresh_token() -> str:\n"
            "    def call_provider() -> str:\n"
            '        return requests.post("https://auth.example.com/token").text\n\n'
            "    return await asyncio.to_thread(call_provider)\n"
        ),
        Valid(
            "async def sleep(seconds: float) -> None:\n"
            "    ...\n\n\n"
            "async def poll() -> None:\n"
            "    await sleep(1)\n"
        ),
        Valid(
            "from app.cache import cache\n\n\n"
            "async def cached_user(user_id: int) -> dict | None:\n"
            '    return cache.get(f"user:{user_id}")\n'
        ),
    )
    INVALID = (
        Invalid(
            "import time\n"
            "from fastapi import FastAPI\n\n"
            "app = FastAPI()\n\n\n"
            '@app.get("/slow")\n'
            "async def slow() -> dict:\n"
            "    time.sleep(2)\n"
            '    return {"ok": True}\n',
            line=9,
            column=5,
            message_contains="use `await asyncio.sleep()`",
        ),
        Invalid(
            "import requests as rq\n\n\n"
            "async def weather(city: str) -> dict:\n"
            '    return rq.get(f"https://api.example.com/{city}").json()\n',
            line=5,
            column=12,
            message_contains="`requests.get()`",
        ),
        Invalid(
            "import subprocess\n\n\n"
            "async def build_report() -> bytes:\n"
            '    return subprocess.check_output(["make", "report"])\n',
            line=5,
            column=12,
            message_contains="asyncio.create_subprocess_exec",
        ),
        Invalid(
            "from fastapi import UploadFile\n\n\n"
            "async def save(upload: UploadFile) -> None:\n"
            '    with open(f"/uploads/{upload.filename}", "wb") as out:\n'
            "        out.write(await upload.read())\n",
            line=5,
            column=10,
            message_contains="`open()`",
        ),
        Invalid(
            "import httpx\n\n\n"
            "async def ping() -> int:\n"
            "    client = httpx.Client()\n"
            '    return client.get("https://example.com").status_code\n',
            line=6,
            column=12,
            message_contains="`httpx.Client.get()`",
        ),
    )

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self._extensions = frozenset(self.options.extend_blocking_calls)
        # Calls that are whole statements: only there can `await` be added safely.
        self._statement_calls: set[int] = set()
        self._hooks: frozenset[str] | None = None
        # ``with open(p) as f`` / ``f = smtplib.SMTP(host)``: the call -> the name it binds.
        self._binds: dict[int, str] = {}
        # (function, name) of objects whose creating call was reported in that function.
        self._reported_objects: set[tuple[int, str]] = set()

    def visit_Expr(self, node: cst.Expr) -> None:
        self._statement_calls.add(id(node.value))

    def visit_WithItem(self, node: cst.WithItem) -> None:
        if node.asname is not None and isinstance(node.asname.name, cst.Name):
            self._binds[id(node.item)] = node.asname.name.value

    def visit_Assign(self, node: cst.Assign) -> None:
        (target, *more) = node.targets
        if not more and isinstance(target.target, cst.Name):
            self._binds[id(node.value)] = target.target.value

    def visit_Call(self, node: cst.Call) -> None:
        found_scope = self.async_scope_of(node)
        if found_scope is None:
            return
        function, lookup = found_scope
        found = blocking_api(
            self.context.model,
            node,
            lookup,
            self._extensions,
            metadata=self.options.is_strict(self.code),
        )
        if found is None or self._is_startup_hook(function):
            return
        if self._on_reported_object(node, function):
            return
        call, advice = found
        bound = self._binds.get(id(node)) or _lazy_client_receiver(node, call)
        if bound is not None and call not in _WAITED_ON:
            self._reported_objects.add((id(function), bound))
        fix = None
        if id(node) in self._statement_calls:
            fix = sleep_fix(self.context.module, self.context.model, node, lookup)
        self.report(node, call=call, function=function.name.value, advice=advice, fix=fix)

    def _is_startup_hook(self, function: cst.FunctionDef) -> bool:
        """A lifespan or start-up handler this file registers: it runs before requests."""
        if self._hooks is None:
            self._hooks = hook_names(self.context.module)
        return function.name.value in self._hooks

    def _on_reported_object(self, node: cst.Call, function: cst.FunctionDef) -> bool:
        """``f.write()`` after ``with open(p) as f`` was reported: one comment per object."""
        receiver = node.func.value if isinstance(node.func, cst.Attribute) else None
        if not isinstance(receiver, cst.Name):
            return False
        return (id(function), receiver.value) in self._reported_objects
