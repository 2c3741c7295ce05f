"""FAPI101 blocking-call-in-async-function, beyond the rule's own VALID/INVALID examples."""

from __future__ import annotations

import textwrap

import pytest

from fastapi_lint.models import Diagnostic
from fastapi_lint.options import RuleOptions
from fastapi_lint.rules.asynchronous.blocking_call_in_async_function import (
    BlockingCallInAsyncFunction,
)
from fastapi_lint.runner.single_file import lint_source


def findings(source: str, *extend: str) -> list[Diagnostic]:
    options = RuleOptions(extend_blocking_calls=extend)
    result = lint_source(textwrap.dedent(source), "app.py", (BlockingCallInAsyncFunction,), options)
    assert not result.internal_errors, result.internal_errors
    return [d for d in result.diagnostics if d.code == "FAPI101"]


def lines(source: str, *extend: str) -> list[int]:
    return [d.line for d in findings(source, *extend)]


def in_async(imports: str, body: str) -> str:
    """``body`` as the body of an async endpoint, with its statement on line 4."""
    return f"{imports}\n\nasync def handler(payload):\n    {body}\n"


# -- what is blocking --------------------------------------------------------------


@pytest.mark.parametrize(
    ("imports", "call"),
    [
        ("import time", "time.sleep(1)"),
        ("from time import sleep as nap", "nap(1)"),
        ("import requests as rq", "rq.post('https://example.com', json={})"),
        ("from requests import get", "get('https://example.com')"),
        ("import requests", "requests.request('GET', 'https://example.com')"),
        ("import requests", "requests.Session().get('https://example.com')"),
        ("from urllib import request", "request.urlopen('https://example.com')"),
        ("import urllib.request", "urllib.request.urlopen('https://example.com')"),
        ("import urllib3", "urllib3.request('GET', 'https://example.com')"),
        ("import urllib3", "urllib3.PoolManager().request('GET', 'https://example.com')"),
        ("import httpx", "httpx.get('https://example.com')"),
        ("import httpx", "httpx.stream('GET', 'https://example.com')"),
        ("import httpx", "httpx.Client().post('https://example.com')"),
        ("import socket", "socket.create_connection(('example.com', 80))"),
        ("import socket", "socket.getaddrinfo('example.com', 80)"),
        ("import socket", "socket.gethostbyname('example.com')"),
        ("", "open('settings.json')"),
        ("import io", "io.open('settings.json')"),
        ("import codecs", "codecs.open('settings.json', encoding='utf-8')"),
        ("from pathlib import Path", "Path('settings.json').read_text()"),
        ("import pathlib", "pathlib.Path('out').write_bytes(b'')"),
        ("from pathlib import Path", "Path('/srv').parent.iterdir()"),
        ("import shutil", "shutil.rmtree('/tmp/x')"),
        ("import shutil", "shutil.copyfile('a', 'b')"),
        ("import subprocess", "subprocess.run(['ls'])"),
        ("import subprocess", "subprocess.Popen(['ls'])"),
        ("import subprocess", "subprocess.getoutput('ls')"),
        ("import os", "os.system('ls')"),
        ("import os", "os.popen('ls')"),
        ("import os", "os.waitpid(0, 0)"),
        ("import os", "os.spawnv(os.P_NOWAIT, '/bin/ls', [])"),
        ("", "input('name? ')"),
        ("import smtplib", "smtplib.SMTP('mail.example.com')"),
        ("import ftplib", "ftplib.FTP('ftp.example.com')"),
        ("import psycopg2", "psycopg2.connect('dbname=app')"),
        ("import psycopg", "psycopg.connect('dbname=app')"),
        ("import sqlite3", "sqlite3.connect('app.db')"),
        ("import pymysql", "pymysql.connect(host='db')"),
        ("from pymongo import MongoClient", "MongoClient('mongodb://db').server_info()"),
        ("import redis", "redis.Redis(host='cache').get('key')"),
        ("import redis", "redis.from_url('redis://cache').set('key', 1)"),
        ("from redis import StrictRedis", "StrictRedis().delete('key')"),
        ("import http.client", "http.client.HTTPSConnection('example.com').request('GET', '/')"),
        ("import zipfile", "zipfile.ZipFile('upload.zip')"),
        ("import tarfile", "tarfile.open('backup.tgz')"),
        ("import tempfile", "tempfile.NamedTemporaryFile(suffix='.csv').write(b'id,name')"),
        ("import glob", "glob.glob('/srv/uploads/*.csv')"),
        ("import boto3", "boto3.client('s3').put_object(Bucket='b', Key='k', Body=b'')"),
    ],
)
def test_known_blocking_calls_are_flagged(imports: str, call: str) -> None:
    assert lines(in_async(imports, call)) == [4]


@pytest.mark.parametrize(
    ("imports", "call"),
    [
        ("import asyncio", "await asyncio.sleep(1)"),
        ("import httpx", "await httpx.AsyncClient().get('https://example.com')"),
        ("import aiofiles", "aiofiles.open('settings.json')"),
        ("from aiofiles import open", "open('settings.json')"),
        ("import anyio", "await anyio.Path('settings.json').read_text()"),
        ("import anyio", "await anyio.open_file('settings.json')"),
        ("import os", "os.path.join('/srv', 'static')"),
        ("import os", "os.path.basename('/srv/static')"),
        ("from pathlib import Path", "Path('/srv') / 'static'"),
        ("from pathlib import Path", "Path('/srv').with_suffix('.txt').name"),
        ("from pathlib import PurePath", "PurePath('/srv').parts"),
        ("import redis.asyncio as redis", "await redis.Redis().get('key')"),
        ("from redis import asyncio as aioredis", "await aioredis.from_url('redis://x').get('k')"),
        ("import psycopg", "await psycopg.AsyncConnection.connect('dbname=app')"),
        ("import asyncio", "await asyncio.create_subprocess_exec('ls')"),
        ("from app.cache import cache", "cache.get('user:1')"),
        ("from app import store", "store.session.get('key')"),
        ("import requests", "requests.codes.ok"),
        ("import time", "time.time()"),
        ("import time", "time.monotonic()"),
        # Clients that connect on first use: making one does no I/O.
        ("from pymongo import MongoClient", "MongoClient('mongodb://db')"),
        ("import redis", "redis.Redis(host='cache')"),
        ("import redis", "redis.from_url('redis://cache')"),
        ("from redis import StrictRedis", "StrictRedis()"),
        ("import http.client", "http.client.HTTPSConnection('example.com')"),
        ("import boto3", "boto3.client('s3')"),
        ("import boto3", "boto3.client('s3').generate_presigned_url('get_object')"),
        ("import tempfile", "tempfile.mkdtemp()"),  # one mkdir, as os.mkdir
        ("import tempfile", "tempfile.NamedTemporaryFile(delete=False).name"),  # one open
        ("import tempfile", "tempfile.gettempdir()"),
        # An archive in a buffer of bytes works in memory.
        ("import io, zipfile", "zipfile.ZipFile(io.BytesIO(), 'w').writestr('a.json', '{}')"),
        ("import io, tarfile", "tarfile.open(fileobj=io.BytesIO(b''), mode='r')"),
    ],
)
def test_non_blocking_look_alikes_are_not_flagged(imports: str, call: str) -> None:
    assert lines(in_async(imports, call)) == []


@pytest.mark.parametrize(
    "offload",
    [
        "await run_in_threadpool(time.sleep, 1)",
        "await asyncio.to_thread(time.sleep, 1)",
        "await anyio.to_thread.run_sync(time.sleep, 1)",
        "await asyncio.get_running_loop().run_in_executor(None, time.sleep, 1)",
        "await run_in_threadpool(functools.partial(time.sleep, 1))",
    ],
)
def test_passing_the_blocking_function_to_a_threadpool_is_not_flagged(offload: str) -> None:
    imports = (
        "import anyio, asyncio, functools, time\n"
        "from starlette.concurrency import run_in_threadpool"
    )
    assert lines(in_async(imports, offload)) == []


# -- tracked objects ---------------------------------------------------------------


def test_methods_of_tracked_client_variables_are_flagged() -> None:
    source = """
        import httpx, requests, urllib3

        async def sync_clients():
            session = requests.Session()
            session.get("https://a.example.com")
            with httpx.Client() as client:
                client.post("https://b.example.com")
            pool = urllib3.PoolManager()
            pool.request("GET", "https://c.example.com")
            async with httpx.AsyncClient() as good:
                await good.get("https://d.example.com")
    """
    assert lines(source) == [6, 8, 10]


def test_an_object_opened_in_the_function_is_reported_once_at_its_opening() -> None:
    source = """
        import smtplib
        import subprocess

        async def copy(src, dst):
            with open(src) as reader, open(dst, "w") as writer:
                writer.write(reader.read())

        async def send(message):
            server = smtplib.SMTP("mail.example.com")
            server.starttls()
            server.send_message(message)

        async def backup():
            process = subprocess.Popen(["pg_dump", "db"])
            process.wait()
    """
    found = findings(source)
    assert [(d.line, d.column) for d in found] == [(6, 10), (6, 31), (10, 14), (15, 15), (16, 5)]
    assert "`open()`" in found[0].message
    assert "`smtplib.SMTP()`" in found[2].message
    assert "`subprocess.Popen.wait()`" in found[4].message


def test_reads_and_writes_of_files_opened_elsewhere_are_flagged() -> None:
    source = """
        LOG = open("app.log", "a")

        async def note(text):
            LOG.write(text)

        async def save(text):
            def sink():
                with open("notes.txt", "a") as out:
                    return out
            out = sink()
            out.write(text)
    """
    found = findings(source)
    assert [(d.line, d.column) for d in found] == [(5, 5)]
    assert "`file.write()`" in found[0].message


def test_path_methods_on_annotated_parameters_and_variables_are_flagged() -> None:
    source = """
        from pathlib import Path
        from typing import Optional

        async def store(base: Path, backup: Optional[Path], name: str) -> None:
            target = base / name
            target.write_text("data")
            backup.read_bytes()
            name.strip()
    """
    assert lines(source) == [7, 8]


@pytest.mark.parametrize(
    ("imports", "call"),
    [
        ("from pathlib import Path", "(Path('/srv') / 'static').exists()"),
        ("import os", "os.path.exists('/tmp/x')"),
        ("from os import path", "path.getsize('/tmp/x')"),
        ("import os", "os.unlink('/tmp/x')"),
        ("from pathlib import Path", "Path('/tmp/uploads').mkdir(exist_ok=True)"),
        ("import os", "os.makedirs('/tmp/uploads/today', exist_ok=True)"),
        ("import os", "os.stat('/tmp/x')"),
    ],
)
def test_one_metadata_system_call_is_left_alone_unless_strict(imports: str, call: str) -> None:
    source = in_async(imports, call)
    assert lines(source) == []
    strict = RuleOptions(strict=("FAPI101",))
    result = lint_source(source, "app.py", (BlockingCallInAsyncFunction,), strict)
    assert [d.line for d in result.diagnostics if d.code == "FAPI101"] == [4]


def test_module_level_clients_used_in_async_functions_are_flagged() -> None:
    source = """
        import redis, sqlite3, httpx

        cache = redis.Redis(host="cache")
        db = sqlite3.connect("app.db")
        http: httpx.Client | None = None

        async def handler():
            cache.get("key")
            cache.pipeline()
            db.execute("SELECT 1")
            http.get("/")
    """
    assert lines(source) == [9, 11, 12]


def test_a_client_connecting_on_first_use_is_reported_at_its_first_command_only() -> None:
    source = """
        import redis

        async def handler():
            cache = redis.Redis(host="cache")
            other = redis.Redis(host="other")
            cache.get("a")
            cache.set("a", 1)
            other.get("b")
            return cache.get("c")

        async def second():
            cache = redis.Redis(host="cache")
            return cache.get("a")
    """
    assert lines(source) == [7, 9, 14]


def test_an_archive_is_blocking_on_disk_and_not_in_a_named_buffer() -> None:
    source = """
        import io
        import zipfile

        async def export(flows, path):
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w") as archive:
                archive.writestr("flows.json", flows)
            with zipfile.ZipFile(path, "w") as archive:
                archive.writestr("flows.json", flows)
            return buffer.getvalue()
    """
    assert lines(source) == [9]


def test_an_archive_or_a_client_is_one_comment_in_a_function() -> None:
    source = """
        import boto3
        import zipfile

        async def upload(path, key):
            with zipfile.ZipFile(path) as archive:
                names = archive.namelist()
                archive.extractall("/tmp/out")
            s3 = boto3.client("s3")
            s3.upload_file(path, "bucket", key)
            s3.put_object_acl(Bucket="bucket", Key=key, ACL="private")
            return names
    """
    assert lines(source) == [6, 10]


def test_annotated_dependency_parameters_are_typed() -> None:
    source = """
        import sqlite3
        from typing import Annotated
        from fastapi import Depends
        from requests import Session

        async def handler(
            db: Annotated[sqlite3.Connection, Depends(get_db)],
            session: Session = Depends(get_session),
        ):
            db.commit()
            session.get("https://example.com")
    """
    assert lines(source) == [11, 12]


def test_walrus_bound_clients_are_tracked() -> None:
    source = """
        import httpx

        async def handler():
            if (client := httpx.Client()) is not None:
                client.get("https://example.com")
    """
    assert lines(source) == [6]


def test_a_variable_rebound_to_something_unknown_is_not_tracked() -> None:
    source = """
        import httpx

        async def handler(flag):
            client = httpx.Client()
            if flag:
                client = make_async_client()
            await client.get("https://example.com")
    """
    assert lines(source) == []


def test_aliases_of_blocking_functions_are_followed() -> None:
    source = """
        import time
        pause = time.sleep

        async def handler():
            nap = time.sleep
            pause(1)
            nap(1)
    """
    assert lines(source) == [7, 8]


# -- where the call runs -----------------------------------------------------------


SCOPES = """
    import time

    def factory(delay=time.sleep(0)):
        time.sleep(1)

        async def inner():
            time.sleep(2)

        return inner

    async def outer():
        def helper():
            time.sleep(3)

        callback = lambda: time.sleep(4)

        class Local:
            value = time.sleep(5)

        results = [time.sleep(i) for i in range(2)]
        time.sleep(6)

    time.sleep(7)
    """


def test_only_calls_running_in_the_async_body_are_flagged() -> None:
    assert lines(SCOPES) == [8, 21, 22]


def test_decorators_defaults_and_annotations_of_nested_defs_run_in_the_async_body() -> None:
    source = """
        import time

        async def outer():
            @register(time.sleep(1))
            def nested(value=time.sleep(2)) -> time.sleep(3):
                time.sleep(4)

            other = lambda delay=time.sleep(5): delay
            return nested, other
    """
    assert lines(source) == [5, 6, 6, 9]


def test_decorators_of_an_async_def_run_in_its_outer_scope() -> None:
    source = """
        import subprocess

        def setup():
            @app.on_event(subprocess.run(["ls"]))
            async def startup():
                subprocess.run(["make"])
    """
    assert lines(source) == [7]


def test_async_methods_and_async_defs_in_conditionals_are_checked() -> None:
    source = """
        import time

        class Service:
            async def refresh(self):
                time.sleep(1)

        if True:
            async def maybe():
                time.sleep(2)
    """
    assert lines(source) == [6, 10]


def test_one_line_defs_and_classes_are_scoped_like_indented_ones() -> None:
    source = """
        import time
        async def quick(): time.sleep(1)
        async def outer():
            def helper(): time.sleep(2)
            class Local: value = time.sleep(3)
            time.sleep(4)
    """
    assert lines(source) == [3, 7]


def test_locally_shadowed_names_are_not_the_imported_api() -> None:
    source = """
        import time
        import requests
        from time import sleep

        async def handler(requests):
            requests.get("x")

        async def other():
            sleep = make_async_sleep()
            await sleep(1)

        async def third():
            time = clock()
            time.sleep(1)
    """
    assert lines(source) == []


def test_a_local_async_sleep_function_is_not_time_sleep() -> None:
    source = """
        async def sleep(seconds):
            ...

        async def poll():
            await sleep(1)
    """
    assert lines(source) == []


# -- position and message ----------------------------------------------------------


def test_the_finding_spans_the_whole_call_expression() -> None:
    source = """
        import requests

        async def weather(city):
            data = requests.get(
                f"https://api.example.com/{city}",
                timeout=5,
            ).json()
            return data
    """
    (finding,) = findings(source)
    assert (finding.line, finding.column) == (5, 12)
    assert (finding.end_line, finding.end_column) == (8, 6)


@pytest.mark.parametrize(
    ("imports", "call", "expected"),
    [
        ("import time", "time.sleep(1)", "`time.sleep()` in async function `handler`"),
        ("import time", "time.sleep(1)", "use `await asyncio.sleep()`"),
        ("import requests", "requests.get('x')", "use `httpx.AsyncClient`"),
        ("import subprocess", "subprocess.run('ls')", "`asyncio.create_subprocess_exec()`"),
        ("", "open('f')", "`open()`"),
        ("", "open('f')", "`aiofiles`"),
        ("from pathlib import Path", "Path('f').read_text()", "`pathlib.Path.read_text()`"),
        ("import shutil", "shutil.rmtree('d')", "`await run_in_threadpool(...)`"),
        ("import redis", "redis.Redis().get('key')", "`redis.asyncio`"),
        ("import sqlite3", "sqlite3.connect('db')", "`aiosqlite`"),
    ],
)
def test_message_names_the_call_the_function_and_an_alternative(
    imports: str, call: str, expected: str
) -> None:
    (finding,) = findings(in_async(imports, call))
    assert expected in finding.message


# -- extend_blocking_calls ---------------------------------------------------------


EXTENDED = """
    import mylib
    from mylib.legacy import fetch_all
    from mylib import Client

    async def handler():
        mylib.slow_io()
        mylib.fast_io()
        fetch_all()
        Client().fetch()
        Client().close()
"""


def test_extend_blocking_calls_adds_exact_qualified_names() -> None:
    found = findings(EXTENDED, "mylib.slow_io")
    assert [d.line for d in found] == [7]
    assert "`mylib.slow_io()`" in found[0].message
    assert "run_in_threadpool" in found[0].message


def test_extend_blocking_calls_accepts_module_wildcards() -> None:
    assert lines(EXTENDED, "mylib.legacy.*") == [9]


def test_extend_blocking_calls_accepts_methods_of_tracked_instances() -> None:
    assert lines(EXTENDED, "mylib.Client.fetch") == [10]


def test_without_extensions_unknown_libraries_are_not_flagged() -> None:
    assert lines(EXTENDED) == []


# -- start-up and shutdown hooks ---------------------------------------------------------


@pytest.mark.parametrize(
    "registration",
    [
        "app = FastAPI(lifespan=lifespan)",
        "app = Starlette(lifespan=lifespan)",
        "app = FastAPI(on_startup=[lifespan])",
        "app.add_event_handler('startup', lifespan)",
        "def create_app():\n    return FastAPI(on_shutdown=[other, lifespan])",
    ],
)
def test_hooks_the_file_registers_may_block(registration: str) -> None:
    source = (
        "import requests\nfrom fastapi import FastAPI\nfrom starlette.applications import"
        " Starlette\n\nasync def lifespan(app):\n    requests.get('https://example.com')\n\n"
        f"{registration}\n"
    )
    assert lines(source) == []


def test_on_event_handlers_may_block_but_other_events_are_reviewed() -> None:
    source = """
        import requests
        from fastapi import FastAPI

        app = FastAPI()

        @app.on_event("startup")
        async def warm():
            requests.get("https://example.com")

        @bus.on_event("message")
        async def on_message():
            requests.get("https://example.com")
    """
    assert lines(source) == [13]


def test_a_function_named_like_a_hook_but_not_registered_is_reviewed() -> None:
    source = """
        import requests
        from fastapi import FastAPI

        async def lifespan(app):
            requests.get("https://example.com")

        app = FastAPI(title="x")
        cache = Cache(lifespan=3600)
    """
    assert lines(source) == [6]


def test_a_receiver_is_typed_by_what_a_def_of_the_module_is_annotated_to_return() -> None:
    source = """
        from pathlib import Path
        from app.paths import imported_dir

        def upload_dir() -> Path:
            return Path("/srv/uploads")

        async def settings_file() -> Path:
            return Path("/srv/settings.json")

        def untyped_dir():
            return Path("/srv")

        async def handler():
            folder = upload_dir()
            settings = await settings_file()
            folder.iterdir()
            settings.read_text()
            coroutine = settings_file()
            coroutine.read_text()
            untyped_dir().iterdir()
            imported_dir().iterdir()
    """
    assert lines(source) == [17, 18]
