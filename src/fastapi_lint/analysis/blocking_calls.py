"""Which calls block the event loop, by the catalogues of FAPI101, FAPI103 and FAPI104.

The three async rules flag these calls written directly in an ``async def``. The project
summary asks the same questions of the calls in plain ``def`` functions, so FAPI102
follows helpers with exactly the knowledge the direct rules have, never a copy of it.
"""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from fastapi_lint.analysis.async_scope import receiver_types
from fastapi_lint.analysis.blocking_catalogue import (
    AWS,
    BLOCKING_FUNCTIONS,
    BLOCKING_METHODS,
    DNS,
    GENERIC,
    HTTP,
    IN_MEMORY_CAPABLE,
    INSTANCE_NAMES,
    MAIL,
    MONGO,
    MYSQL,
    POSTGRES,
    REDIS,
    SLEEP,
    SOCKET,
    SQLITE,
    SUBPROCESS,
    is_blocking_method,
    is_metadata_call,
)
from fastapi_lint.analysis.cpu_bound_calls import cpu_bound_call
from fastapi_lint.analysis.session_calls import may_be_session_call, sync_session_call
from fastapi_lint.fastapi_model.module import ModuleModel
from fastapi_lint.fastapi_model.names import Lookup

BLOCKING_API = "FAPI101"
SYNC_SESSION = "FAPI103"
CPU_BOUND = "FAPI104"


_BUFFERS = frozenset({"io.BytesIO", "io.StringIO"})
# The calls that stall longest: a round trip to another machine or a database, a sleep.
_ROUND_TRIPS = frozenset(
    {HTTP, SOCKET, DNS, MAIL, POSTGRES, SQLITE, MYSQL, MONGO, REDIS, AWS, SLEEP}
)


@dataclass(frozen=True, slots=True)
class Blocking:
    """A blocking call: the catalogue (rule code) that knows it, and how to name it."""

    code: str
    shown: str
    advice: str

    @property
    def stall(self) -> int:
        """How long it stalls, roughly: 3 a network or database round trip, a sleep, a
        synchronous session or CPU-bound work; 2 a subprocess; 1 file I/O and the rest."""
        if self.code != BLOCKING_API or self.advice in _ROUND_TRIPS:
            return 3
        return 2 if self.advice == SUBPROCESS else 1


def _display(qualified: str) -> str:
    return qualified.removeprefix("builtins.")


def _matches(extensions: frozenset[str], qualified: str) -> bool:
    """``mylib.slow`` matches itself; ``mylib.*`` matches everything under ``mylib``."""
    if qualified in extensions:
        return True
    parts = qualified.split(".")
    return any(".".join(parts[:i]) + ".*" in extensions for i in range(1, len(parts)))


def blocking_api(
    model: ModuleModel,
    call: cst.Call,
    lookup: Lookup,
    extensions: frozenset[str],
    *,
    metadata: bool = False,
) -> tuple[str, str] | None:
    """``(name to show, advice)`` when FAPI101's catalogue knows ``call`` as blocking;
    single metadata system calls (``os.path.isfile``) only with ``metadata``."""
    qualified = model.resolve(call.func, lookup)
    if qualified is not None:
        if not metadata and is_metadata_call(qualified):
            return None
        if qualified in IN_MEMORY_CAPABLE and _in_memory(model, call, lookup):
            return None
        return _function_advice(qualified, extensions)
    if isinstance(call.func, cst.Attribute):
        return _method_advice(model, call.func, lookup, extensions, metadata=metadata)
    return None


def _in_memory(model: ModuleModel, call: cst.Call, lookup: Lookup) -> bool:
    """``zipfile.ZipFile(io.BytesIO(...))``, ``tarfile.open(fileobj=buffer)``: an archive
    in a buffer of bytes reads and writes memory, not a disk."""
    target = next((arg.value for arg in call.args if arg.keyword is None and not arg.star), None)
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value in ("file", "fileobj"):
            target = arg.value
    if target is None:
        return False
    return any(kind in _BUFFERS for kind in receiver_types(model, target, lookup))


def _function_advice(qualified: str, extensions: frozenset[str]) -> tuple[str, str] | None:
    advice = BLOCKING_FUNCTIONS.get(qualified)
    if advice is None and _matches(extensions, qualified):
        advice = GENERIC
    return None if advice is None else (_display(qualified), advice)


def _method_advice(
    model: ModuleModel,
    func: cst.Attribute,
    lookup: Lookup,
    extensions: frozenset[str],
    *,
    metadata: bool,
) -> tuple[str, str] | None:
    method = func.attr.value
    for owner in receiver_types(model, func.value, lookup):
        if not metadata and is_metadata_call(f"{owner}.{method}"):
            return None
        shown = f"{INSTANCE_NAMES.get(owner, owner)}.{method}"
        entry = BLOCKING_METHODS.get(owner)
        if entry is not None and is_blocking_method(entry[0], method):
            return shown, entry[1]
        if _matches(extensions, f"{owner}.{method}"):
            return shown, GENERIC
    return None


def find_blocking(
    model: ModuleModel,
    call: cst.Call,
    lookup: Lookup,
    extensions: frozenset[str],
    *,
    metadata: bool = False,
) -> Blocking | None:
    """The first of FAPI101, FAPI103 and FAPI104 whose catalogue knows ``call``."""
    found = blocking_api(model, call, lookup, extensions, metadata=metadata)
    if found is not None:
        return Blocking(BLOCKING_API, found[0], found[1])
    if may_be_session_call(call):
        alternative = sync_session_call(model, call, lookup)
        if alternative is not None:
            return Blocking(SYNC_SESSION, _callee_text(call), f"use `{alternative}` with `await`")
    if cpu_bound_call(model, call, lookup):
        shown = _callee_text(call)
        return Blocking(CPU_BOUND, shown, f"use `await run_in_threadpool({shown}, ...)`")
    return None


def _callee_text(call: cst.Call) -> str:
    """``db.query`` for ``db.query(User)``; the written name, as FAPI103/104 show it."""
    parts: list[str] = []
    node: cst.BaseExpression = call.func
    while isinstance(node, cst.Attribute):
        parts.append(node.attr.value)
        node = node.value
    if isinstance(node, cst.Name):
        parts.append(node.value)
        return ".".join(reversed(parts))
    return ".".join(["…", *reversed(parts)]) if parts else "…"
