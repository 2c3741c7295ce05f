"""FAPI102 blocking-call-via-helper: what is followed, what is not, and the chain it reports.

Single-file cases run the project step on the one file, as ``lint_source`` does; the
cross-file cases are in test_project_cli.py. The helper cases FAPI103/FAPI104 used to
cover (module-level helpers of the same file) moved here: FAPI102 alone follows helpers.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from fastapi_lint.models import ChainStep, Diagnostic
from fastapi_lint.options import RuleOptions
from fastapi_lint.registry import rule_by_code
from fastapi_lint.rule import Rule
from fastapi_lint.rules.asynchronous.blocking_call_via_helper import BlockingCallViaHelper
from fastapi_lint.runner.single_file import lint_source
from project_helpers import project_of


def findings(source: str, *codes: str, options: RuleOptions | None = None) -> list[Diagnostic]:
    rules: tuple[type[Rule], ...] = tuple(
        rule for code in codes or ("FAPI102",) if (rule := rule_by_code(code)) is not None
    )
    result = lint_source(textwrap.dedent(source), "app.py", rules, options)
    assert not result.internal_errors, result.internal_errors
    return list(result.diagnostics)


def lines(source: str) -> list[int]:
    return [d.line for d in findings(source)]


# -- what is followed --------------------------------------------------------------------


def test_a_local_helper_using_the_session_is_flagged_at_its_call() -> None:
    source = """
        from sqlalchemy.orm import Session

        def get_user(db: Session, user_id: int):
            return db.get(User, user_id)

        async def handler(db: Session):
            user = get_user(db, 1)
            return user
    """
    (finding,) = findings(source)
    assert (finding.line, finding.column, finding.end_column) == (8, 12, 20)
    assert "`handler() -> get_user() -> db.get()` (app.py:5)" in finding.message
    assert finding.chain == (
        ChainStep("get_user", "app.py", 8),
        ChainStep("db.get", "app.py", 5),
    )


def test_helpers_are_followed_through_other_helpers() -> None:
    source = """
        from passlib.context import CryptContext

        pwd_context = CryptContext(schemes=["bcrypt"])

        def verify_password(plain, hashed):
            return pwd_context.verify(plain, hashed)

        def authenticate(user, plain):
            return user is not None and verify_password(plain, user.hashed)

        async def login(user, plain):
            return authenticate(user, plain)
    """
    (finding,) = findings(source)
    assert finding.line == 13
    assert "`login() -> authenticate() -> verify_password() -> pwd_context.verify()`" in (
        finding.message
    )
    assert "use `await run_in_threadpool(authenticate, ...)`" in finding.message


def test_the_shortest_chain_is_reported_and_recursion_terminates() -> None:
    source = """
        import time

        def ping(n):
            return pong(n - 1) if n else slow()

        def pong(n):
            return ping(n)

        def slow():
            time.sleep(1)

        async def handler():
            pong(3)
    """
    (finding,) = findings(source)
    assert "`handler() -> pong() -> ping() -> slow() -> time.sleep()`" in finding.message


@pytest.mark.parametrize(
    ("setup", "call"),
    [
        # Methods through self, through a typed parameter, a local, a constructor.
        (
            "class Store:\n    def load(self):\n        return open('f').read()\n"
            "    async def handler(self):\n        return self.load()",
            None,
        ),
        ("class Store:\n    def load(self):\n        return open('f').read()", "store.load()"),
        ("class Store:\n    def __init__(self):\n        self.f = open('f')", "Store()"),
        # A static method called on the class, a module-level instance.
        (
            "class Store:\n    @staticmethod\n    def load():\n        return open('f').read()",
            "Store.load()",
        ),
        (
            "class Store:\n    def load(self):\n        return open('f').read()\nshared = Store()",
            "shared.load()",
        ),
    ],
)
def test_methods_and_constructors_are_followed(setup: str, call: str | None) -> None:
    body = "" if call is None else f"\nasync def handler(store: Store):\n    return {call}\n"
    source = f"{setup}\n{body}"
    assert len(findings(source)) == 1, source


def test_extend_blocking_calls_count_for_helpers_too() -> None:
    source = """
        import mylib

        def sync_upload(data):
            mylib.upload(data)

        async def handler(data):
            sync_upload(data)
    """
    assert findings(source) == []
    options = RuleOptions(extend_blocking_calls=("mylib.upload",))
    assert [d.line for d in findings(source, options=options)] == [8]


# -- what is not followed ----------------------------------------------------------------

HELPER_SETUP = """
import bcrypt
from contextlib import contextmanager
"""


@pytest.mark.parametrize(
    ("helper", "call"),
    [
        # A generator function's call runs none of its body.
        ("def hashes(pw):\n    yield bcrypt.hashpw(pw, b'salt')", "hashes(pw)"),
        # A decorator may change what calling the function does.
        (
            "@contextmanager\ndef hashing(pw):\n    bcrypt.hashpw(pw, b'salt')\n    yield",
            "hashing(pw)",
        ),
        # The hash runs only when the nested def or lambda is called.
        ("def later(pw):\n    return lambda: bcrypt.hashpw(pw, b'salt')", "later(pw)"),
        (
            "def later(pw):\n    def run():\n        bcrypt.hashpw(pw, b'salt')\n    return run",
            "later(pw)",
        ),
        # A recursive helper that never hashes.
        ("def spin(n):\n    return spin(n - 1) if n else 0", "spin(3)"),
        # Two defs of one name: which one runs is unknown.
        ("def h(pw):\n    return bcrypt.hashpw(pw, b'salt')\ndef h(pw):\n    return pw", "h(pw)"),
    ],
)
def test_helpers_whose_call_does_not_block_now_are_not_flagged(helper: str, call: str) -> None:
    source = f"{HELPER_SETUP}\n{helper}\n\nasync def handler(pw):\n    {call}\n"
    assert lines(source) == []


def test_an_async_helper_is_flagged_inside_not_where_it_is_awaited() -> None:
    source = """
        import bcrypt

        async def hash_password(pw):
            return bcrypt.hashpw(pw, bcrypt.gensalt())

        async def handler(pw):
            return await hash_password(pw)
    """
    assert [(d.code, d.line) for d in findings(source, "FAPI102", "FAPI104")] == [("FAPI104", 5)]


def test_a_parameter_or_local_named_like_a_helper_is_not_the_helper() -> None:
    source = """
        import bcrypt

        def check(pw, hashed):
            return bcrypt.checkpw(pw, hashed)

        async def handler(pw, hashed, check):
            check(pw, hashed)

        async def other(pw, hashed):
            def check(a, b):
                return a == b

            check(pw, hashed)
    """
    assert lines(source) == []


@pytest.mark.parametrize(
    ("imports", "offload"),
    [
        (
            "from starlette.concurrency import run_in_threadpool",
            "await run_in_threadpool(check, pw)",
        ),
        ("from fastapi.concurrency import run_in_threadpool", "await run_in_threadpool(check, pw)"),
        ("import asyncio", "await asyncio.to_thread(check, pw)"),
        ("import anyio", "await anyio.to_thread.run_sync(check, pw)"),
        ("import asyncio", "await asyncio.get_running_loop().run_in_executor(None, check, pw)"),
        ("import functools, asyncio", "await asyncio.to_thread(functools.partial(check, pw))"),
        ("import asyncio", "await asyncio.to_thread(lambda: check(pw))"),
    ],
)
def test_a_helper_handed_to_a_thread_is_not_a_call(imports: str, offload: str) -> None:
    source = f"""
import bcrypt
{imports}

def check(pw):
    return bcrypt.checkpw(pw, b"hash")

async def handler(pw):
    return {offload}
"""
    assert lines(source) == []


def test_sync_routes_and_dependencies_are_not_flagged() -> None:
    source = """
        import requests
        from fastapi import Depends, FastAPI

        app = FastAPI()

        def fetch(url):
            return requests.get(url)

        def current_user():
            return fetch("https://id.example.com/me")

        @app.get("/me")
        def me(user=Depends(current_user)):
            return fetch("https://example.com")
    """
    assert lines(source) == []


def test_each_stall_is_reported_once_direct_or_via_a_helper() -> None:
    source = """
        import time
        from sqlalchemy.orm import Session

        def nap():
            time.sleep(1)

        def load(db: Session):
            return db.execute("SELECT 1")

        async def handler(db: Session):
            time.sleep(1)
            db.commit()
            nap()
            load(db)
    """
    found = [(d.code, d.line) for d in findings(source, "FAPI101", "FAPI102", "FAPI103")]
    assert found == [("FAPI101", 12), ("FAPI103", 13), ("FAPI102", 14), ("FAPI102", 15)]


def test_noqa_suppresses_the_finding_at_the_helper_call() -> None:
    source = """
        import time

        def nap():
            time.sleep(1)

        async def handler():
            nap()  # noqa: FAPI102
            nap()  # noqa: FAPI101
    """
    assert lines(source) == [9]


def test_the_rule_is_a_project_rule_with_no_visitor() -> None:
    assert BlockingCallViaHelper.visitor_methods() == {}


def test_a_helper_making_one_metadata_call_is_followed_only_under_strict() -> None:
    source = """
        import os

        def has_config(path: str) -> bool:
            return os.path.isfile(path)

        async def handler(path: str) -> bool:
            return has_config(path)
    """
    assert lines(source) == []
    strict = findings(source, options=RuleOptions(strict=("FAPI101",)))
    assert [(d.code, d.line) for d in strict] == [("FAPI102", 8)]


# -- start-up and shutdown code ----------------------------------------------------------

_BLOCKING_HELPER = """
    from contextlib import asynccontextmanager

    from fastapi import FastAPI

    def load_model():
        with open("model.bin", "rb") as f:
            return f.read()
"""


@pytest.mark.parametrize(
    "registration",
    [
        "@asynccontextmanager\nasync def lifespan(app):\n    load_model()\n    yield\n\n"
        "app = FastAPI(lifespan=lifespan)\n",
        "app = FastAPI()\n\n@app.on_event('startup')\nasync def warm():\n    load_model()\n",
        "async def warm():\n    load_model()\n\napp = FastAPI()\n"
        "app.add_event_handler('startup', warm)\n",
        "async def warm():\n    load_model()\n\napp = FastAPI()\n"
        "app.add_event_handler(event_type='shutdown', func=warm)\n",
        "async def warm():\n    load_model()\n\napp = FastAPI(on_startup=[warm])\n",
        "async def warm():\n    load_model()\n\n"
        "def create_app():\n    return FastAPI(on_shutdown=(warm,))\n",
    ],
)
def test_start_up_and_shutdown_hooks_may_block(registration: str) -> None:
    assert lines(_BLOCKING_HELPER + textwrap.indent(registration, "    ")) == []


def test_async_functions_awaited_only_from_start_up_are_start_up_code() -> None:
    source = (
        _BLOCKING_HELPER
        + """
    async def init_models():
        load_model()

    async def init_app():
        await init_models()

    @asynccontextmanager
    async def lifespan(app):
        await init_app()
        yield

    app = FastAPI(lifespan=lifespan)
    """
    )
    assert lines(source) == []


@pytest.mark.parametrize(
    ("decorator", "elsewhere"),
    [
        # also awaited by a route
        ("", "@app.get('/reload')\nasync def reload():\n    await refresh()\n"),
        # started as a task: it runs beside the requests
        ("", "async def start():\n    asyncio.create_task(refresh())\n"),
        # handed to a scheduler, which calls it at any time
        ("", "def schedule(scheduler):\n    scheduler.add_job(refresh, 'interval')\n"),
        # awaited in a nested def: where that runs is not followed
        ("", "async def outer():\n    async def inner():\n        await refresh()\n"),
        # decorated by something unknown: what it does with the function is not known
        # (a retry, such as tenacity's ``@retry``, is known: it calls the function there)
        ("@track_calls\n", ""),
    ],
)
def test_start_up_code_that_may_also_run_elsewhere_is_reviewed(
    decorator: str, elsewhere: str
) -> None:
    code = textwrap.dedent(
        """
        import asyncio
        from tenacity import retry

        {decorator}async def refresh():
            load_model()

        @asynccontextmanager
        async def lifespan(app):
            await refresh()
            yield

        app = FastAPI(lifespan=lifespan)
        """
    ).format(decorator=decorator)
    source = textwrap.dedent(_BLOCKING_HELPER) + code + elsewhere
    blocking_line = source.splitlines().index("    load_model()", 10) + 1
    assert lines(source) == [blocking_line]


def test_start_up_code_is_followed_across_modules(tmp_path: Path) -> None:
    project = project_of(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/setup.py": """
                from app.models import load_model

                async def init_app():
                    load_model()

                async def rebuild():
                    load_model()
            """,
            "app/models.py": """
                def load_model():
                    with open("model.bin", "rb") as f:
                        return f.read()
            """,
            "app/main.py": """
                from contextlib import asynccontextmanager
                from fastapi import FastAPI
                from app import setup

                @asynccontextmanager
                async def lifespan(app):
                    await setup.init_app()
                    yield

                app = FastAPI(lifespan=lifespan)

                @app.post("/rebuild")
                async def rebuild_route():
                    await setup.rebuild()
            """,
        },
    )
    found = {(f.path, f.line) for f in BlockingCallViaHelper.check_project(project)}
    assert found == {("app/setup.py", 7)}


# -- lazy initialisation: once per process, not per request ------------------------------


def test_a_global_built_on_the_first_call_is_not_followed() -> None:
    source = """
        import requests

        _token = None
        _settings = None

        def token():
            global _token
            if _token is None:
                _token = requests.post("https://auth.example.com").text
            return _token

        def settings(url):
            global _settings
            if _settings and url:
                return _settings
            _settings = load(requests.get(url).json())
            return _settings

        def load(data):
            return data

        async def handler():
            return token(), settings("https://cfg.example.com")
    """
    assert lines(source) == []


def test_a_guard_that_runs_again_or_a_local_cache_is_followed() -> None:
    source = """
        import requests

        _token = None

        def refreshed(force):
            global _token
            if _token is None or force:
                _token = requests.post("https://auth.example.com").text
            return _token

        def cached_locally():
            token = None
            if token is None:
                token = requests.post("https://auth.example.com").text
            return token

        async def handler():
            return refreshed(True), cached_locally()
    """
    assert lines(source) == [19, 19]


def test_a_helper_called_twice_in_a_function_is_reported_once_at_its_first_call() -> None:
    source = """
        import requests

        def fetch(url):
            return requests.get(url).json()

        def fetch_other(url):
            return requests.get(url).text

        async def handler():
            first = fetch("https://a.example.com")
            second = fetch("https://b.example.com")
            return first, second, fetch_other("https://c.example.com")

        async def another():
            return fetch("https://d.example.com")
    """
    assert lines(source) == [11, 13, 16]


# -- which chain is shown: the longest stall, then the shortest way -----------------------


def test_the_chain_shown_ends_at_the_longest_stall_the_helper_reaches() -> None:
    source = """
        import subprocess
        import requests

        def read_config(path):
            with open(path) as handle:
                return handle.read()

        def upload(path):
            data = read_config(path)
            return push(data)

        def push(data):
            return requests.post("https://files.example.com", data=data)

        def archive(path):
            read_config(path)
            subprocess.run(["tar", "czf", path + ".tgz", path])

        async def save(path):
            return upload(path), archive(path)
    """
    first, second = findings(source)
    # open() is one call away, the upload's round trip two: the round trip is shown.
    assert "`save() -> upload() -> push() -> requests.post()` (app.py:14)" in first.message
    # A subprocess stalls longer than a file read, even one written first.
    assert "`save() -> archive() -> subprocess.run()` (app.py:18)" in second.message


def test_between_equal_stalls_the_chain_is_the_shortest_and_first_written() -> None:
    source = """
        import requests

        def direct():
            return requests.get("https://a.example.com")

        def indirect():
            return direct()

        def both():
            indirect()
            return requests.get("https://b.example.com")

        async def handler():
            return both()
    """
    (finding,) = findings(source)
    assert "`handler() -> both() -> requests.get()` (app.py:12)" in finding.message


def test_a_helper_under_a_retry_decorator_is_followed_and_others_are_not() -> None:
    source = """
        import functools
        import backoff
        import requests
        from tenacity import retry, stop_after_attempt
        from app.utils import retry as project_retry

        @retry(stop=stop_after_attempt(3))
        def fetch(url):
            return requests.get(url).json()

        @backoff.on_exception(backoff.expo, requests.RequestException)
        def post(url):
            return requests.post(url).json()

        @project_retry
        def unknown(url):
            return requests.get(url).json()

        @functools.lru_cache
        def cached(url):
            return requests.get(url).json()

        async def handler():
            return fetch("a"), post("b"), unknown("c"), cached("d")
    """
    found = findings(source)
    assert [(d.line, d.column) for d in found] == [(25, 12), (25, 24)]
    assert "`handler() -> fetch() -> requests.get()`" in found[0].message
