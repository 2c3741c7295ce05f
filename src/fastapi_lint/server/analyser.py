"""The analyser: a child process that lints, so that one document never takes the server down.

LibCST's native parser holds the GIL while it parses (a lint thread would stall the
event loop for as long as a pathological file takes) and can crash its process on
input the guards before it do not know. So documents are linted in a worker process
(``server/worker.py``), started once and kept: requests go to it one at a time, in
the order they come, as they went to one lint thread before. A request the process
does not answer within the time limit has the process killed; a process that dies
fails its request with ``AnalyserError``; the next request starts a new process.

A caller that stops waiting (a newer edit cancelled its lint) before its request is
sent sends nothing; once sent, the request holds the process until it is answered or
the time limit ends it, and its answer is dropped.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import multiprocessing
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any

TIME_LIMIT = 15.0
# Starting takes about a second (imports); a machine under load may take much longer.
STARTUP_LIMIT = 120.0
WORKER_MODULE = "fastapi_lint.server.worker"


class AnalyserError(Exception):
    """The analyser crashed or ran out of time on a request; its process is gone."""


class RequestError(Exception):
    """The analyser raised an exception while answering (a bug); it lives on."""


@dataclass(eq=False)
class _Process:
    popen: subprocess.Popen[bytes]
    connection: Connection
    loop: asyncio.AbstractEventLoop
    ready: asyncio.Future[None]
    replies: dict[int, asyncio.Future[Any]] = field(default_factory=dict)
    ending: str | None = None  # why the server killed it
    working_on: str | None = None  # what the request in progress is about


class Analyser:
    """One worker process, restarted when it dies; ``heard`` gets what it says unasked."""

    def __init__(
        self,
        heard: Callable[[tuple[Any, ...]], None],
        time_limit: float = TIME_LIMIT,
        arguments: Sequence[str] = (),
    ) -> None:
        self.time_limit = time_limit
        self._heard = heard
        self._arguments = tuple(arguments)
        self._process: _Process | None = None
        self._turn = asyncio.Lock()
        self._numbers = itertools.count(1)
        self._about: str | None = None  # what the request in progress is about
        self._stopped = False
        self._preparing: asyncio.Task[None] | None = None  # kept: the loop's reference is weak

    async def call(self, method: str, *args: object, about: str | None = None) -> object:
        """``method(*args)`` answered by the analyser; ``about`` names it for ``abandon``."""
        await self._turn.acquire()  # cancelled while waiting: nothing was sent
        exchange = asyncio.ensure_future(self._exchange(method, args, about))
        exchange.add_done_callback(self._finished)
        return await asyncio.shield(exchange)

    def abandon(self, about: str, *, working: bool = False) -> None:
        """``about``'s request is not wanted: never sent if it is not yet; ``working``:
        kill the process if it is working on it (what it knows is lost with it)."""
        if self._about == about:
            self._about = None
        process = self._process
        if working and process is not None and process.working_on == about:
            _kill(process, f"stopped: its work on {about} was no longer wanted")

    def prepare(self) -> None:
        """Start the process now rather than at the next request."""
        if not self._stopped:
            self._preparing = asyncio.get_running_loop().create_task(self._prepare())

    async def _prepare(self) -> None:
        async with self._turn:
            with contextlib.suppress(AnalyserError):  # the next request is told
                await self._running()

    def stop(self) -> None:
        self._stopped = True
        if self._process is not None:
            _kill(self._process, "the server stopped")

    def _finished(self, exchange: asyncio.Future[Any]) -> None:
        # The next request waits until the process is done with this one, even when
        # this one's caller stopped waiting; its failure is then nobody's business.
        self._turn.release()
        if not exchange.cancelled():
            exchange.exception()

    async def _exchange(self, method: str, args: tuple[object, ...], about: str | None) -> object:
        self._about = about
        process = await self._running()  # (a process starting takes a second)
        if about is not None and self._about != about:
            raise AnalyserError("not sent: no longer wanted")
        number, reply = self._send(process, method, args, about)
        try:
            return await asyncio.wait_for(asyncio.shield(reply), self.time_limit)
        except asyncio.TimeoutError:
            reason = f"the analyser took longer than {self.time_limit:g} s"
            _kill(process, reason)
            raise AnalyserError(reason) from None
        finally:
            process.working_on = None
            process.replies.pop(number, None)

    def _send(
        self, process: _Process, method: str, args: tuple[object, ...], about: str | None
    ) -> tuple[int, asyncio.Future[object]]:
        number = next(self._numbers)
        reply: asyncio.Future[object] = process.loop.create_future()
        process.replies[number] = reply
        process.working_on = about
        with contextlib.suppress(OSError):  # it is ending: the reader fails the reply
            process.connection.send((number, method, args))
        return number, reply

    async def _running(self) -> _Process:
        if self._process is None or self._process.ending is not None:
            self._process = await self._start()
        process = self._process
        try:
            await asyncio.wait_for(asyncio.shield(process.ready), STARTUP_LIMIT)
        except asyncio.TimeoutError:
            _kill(process, "the analyser did not start")
            raise AnalyserError(f"the analyser did not start in {STARTUP_LIMIT:g} s") from None
        return process

    async def _start(self) -> _Process:
        ours, theirs = multiprocessing.Pipe()
        command = [sys.executable, "-m", WORKER_MODULE, str(theirs.fileno()), *self._arguments]
        try:
            popen = await asyncio.to_thread(_spawn, command, theirs.fileno())
        finally:
            theirs.close()
        loop = asyncio.get_running_loop()
        process = _Process(popen, ours, loop, loop.create_future())
        name = "fastapi-lint-analyser"
        threading.Thread(target=self._read, args=(process,), name=name, daemon=True).start()
        return process

    def _read(self, process: _Process) -> None:
        """On a thread of its own: the process's messages, then its end, to the event loop."""
        try:
            while True:
                message = process.connection.recv()
                _to_loop(process, self._received, process, message)
        except Exception:  # noqa: BLE001 - it ended, or said what cannot be read: end it
            _kill(process, process.ending)
        code = process.popen.wait()
        process.connection.close()
        _to_loop(process, self._ended, process, code)

    def _received(self, process: _Process, message: tuple[Any, ...]) -> None:
        if message[0] == "ready":
            _settle(process.ready, None)
        elif message[0] == "reply":
            _, number, answered, value = message
            reply = process.replies.get(number)
            if reply is not None:
                _settle(reply, value if answered else RequestError(value))
        else:
            self._heard(message)

    def _ended(self, process: _Process, code: int) -> None:
        failure = AnalyserError(process.ending or _death(code))
        started = process.ready.done() and process.ready.exception() is None
        for waiting in (process.ready, *process.replies.values()):
            _settle(waiting, failure)
        if self._process is process:
            self._process = None
            if started:  # one that could not start is started again by a request only
                self.prepare()


def _spawn(command: list[str], connection: int) -> subprocess.Popen[bytes]:
    # Its own session: killing it kills what it started (a project build); and its
    # output goes to our stderr, never to our stdout, which is the protocol's.
    return subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=sys.stderr.fileno(),
        pass_fds=(connection,),
        start_new_session=True,
    )


def _settle(future: asyncio.Future[Any], outcome: object) -> None:
    if future.done():
        return
    if isinstance(outcome, BaseException):
        future.set_exception(outcome)
    else:
        future.set_result(outcome)


def _to_loop(process: _Process, callback: Callable[..., None], *args: object) -> None:
    with contextlib.suppress(RuntimeError):  # the loop is closed: the server is exiting
        process.loop.call_soon_threadsafe(callback, *args)


def _kill(process: _Process, reason: str | None) -> None:
    """The process and everything it started; ``reason`` is what its requests are told."""
    if process.ending is None:
        process.ending = reason
    if process.popen.returncode is not None:
        return  # reaped: its group may be gone, its number someone else's
    with contextlib.suppress(ProcessLookupError, PermissionError):  # already gone
        os.killpg(process.popen.pid, signal.SIGKILL)


def _death(code: int) -> str:
    if code < 0:
        try:
            return f"the analyser crashed ({signal.Signals(-code).name})"
        except ValueError:
            return f"the analyser crashed (signal {-code})"
    return f"the analyser stopped (exit code {code})"
