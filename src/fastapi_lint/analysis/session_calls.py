"""Synchronous SQLAlchemy/SQLModel calls that wait for the database (FAPI103's catalogue).

Shared by FAPI103, which flags them in an ``async def``, and by the project summary,
which records them in plain ``def`` functions for FAPI102.
"""

from __future__ import annotations

from collections.abc import Mapping

import libcst as cst

from fastapi_lint.analysis.aliased_names import Resolve
from fastapi_lint.analysis.async_scope import receiver_types
from fastapi_lint.fastapi_model.module import ModuleModel
from fastapi_lint.fastapi_model.names import Lookup
from fastapi_lint.fastapi_model.syntax import keyword_arg, positional_args

_SESSION = "sqlalchemy.orm.Session"
_SESSION_CLASSES = (
    _SESSION,
    "sqlalchemy.orm.session.Session",
    "sqlmodel.Session",
    "sqlmodel.orm.session.Session",
    # A scoped_session proxies every Session method to the thread's session.
    "sqlalchemy.orm.scoped_session",
    "sqlalchemy.orm.scoping.scoped_session",
)
_SESSIONMAKERS = frozenset({"sqlalchemy.orm.sessionmaker", "sqlalchemy.orm.session.sessionmaker"})
_SCOPED_SESSIONS = frozenset(
    {"sqlalchemy.orm.scoped_session", "sqlalchemy.orm.scoping.scoped_session"}
)
# Session methods that talk to the database (or may: get() first looks in the identity
# map). add()/add_all() only stage objects, and so does delete() until the flush (it
# loads relationships only to cascade): the commit after it is where the wait is.
_SESSION_IO = frozenset(
    {
        "query",
        "execute",
        "scalar",
        "scalars",
        "get",
        "get_one",
        "exec",
        "commit",
        "flush",
        "refresh",
        "merge",
        "rollback",
        "close",
        "reset",
        "remove",
        "connection",
        "begin",
        "begin_nested",
        "bulk_save_objects",
        "bulk_insert_mappings",
        "bulk_update_mappings",
    }
)
# ``create_engine()`` results (the model types them by the factory) and annotations.
_ENGINE_CLASSES = (
    "sqlalchemy.create_engine",
    "sqlalchemy.engine.create_engine",
    "sqlalchemy.engine_from_config",
    "sqlmodel.create_engine",
    "sqlalchemy.Engine",
    "sqlalchemy.engine.Engine",
    "sqlalchemy.engine.base.Engine",
)
_ENGINE_IO = frozenset({"connect", "begin", "execute", "raw_connection"})
_CONNECTION_CLASSES = (
    "sqlalchemy.Connection",
    "sqlalchemy.engine.Connection",
    "sqlalchemy.engine.base.Connection",
)
_CONNECTION_IO = frozenset(
    {
        "execute",
        "exec_driver_sql",
        "scalar",
        "scalars",
        "commit",
        "rollback",
        "begin",
        "begin_nested",
        "close",
    }
)
_ASYNC_SESSION = "AsyncSession"
_ASYNC_ENGINE = "create_async_engine()"
# Class -> (its blocking methods, the async API to suggest).
_SYNC_API: Mapping[str, tuple[frozenset[str], str]] = {
    **{name: (_SESSION_IO, _ASYNC_SESSION) for name in _SESSION_CLASSES},
    **{name: (_ENGINE_IO, _ASYNC_ENGINE) for name in _ENGINE_CLASSES},
    **{name: (_CONNECTION_IO, _ASYNC_ENGINE) for name in _CONNECTION_CLASSES},
}
IO_METHODS = _SESSION_IO | _ENGINE_IO | _CONNECTION_IO


def session_factory_class(call: cst.Call, resolve: Resolve) -> str | None:
    """The class ``SessionLocal()`` builds after ``SessionLocal = sessionmaker(...)``."""
    callee = resolve(call.func)
    if callee in _SCOPED_SESSIONS:
        return callee
    if callee not in _SESSIONMAKERS:
        return None
    args = positional_args(call)
    produced = keyword_arg(call, "class_") or (args[1] if len(args) > 1 else None)
    return _SESSION if produced is None else resolve(produced)


def may_be_session_call(call: cst.Call) -> bool:
    """A cheap look at the method name alone; False spares the scope and type work."""
    func = call.func
    return isinstance(func, cst.Attribute) and func.attr.value in IO_METHODS


def sync_session_call(model: ModuleModel, call: cst.Call, lookup: Lookup) -> str | None:
    """The async API to suggest when ``call`` makes a sync session, engine or connection wait."""
    func = call.func
    if not isinstance(func, cst.Attribute) or func.attr.value not in IO_METHODS:
        return None
    # ``SessionLocal.begin()`` names the class through the factory alias.
    owner = model.resolve(func.value, lookup)
    owners = (owner,) if owner else receiver_types(model, func.value, lookup)
    for name in owners:
        methods, alternative = _SYNC_API.get(name, (frozenset(), ""))
        if func.attr.value in methods:
            return alternative
    return None
