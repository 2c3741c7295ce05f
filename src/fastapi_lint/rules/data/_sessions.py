"""Is this receiver a SQLAlchemy/SQLModel session? Shared by FAPI701 and FAPI702.

FAPI103 (``analysis.session_calls``) knows a session only by its type, because it must be sure
the call blocks. The ``data`` rules look at calls on any session, sync or async, and a
session usually arrives untyped (``async with get_db_context() as session``,
``self.session``), so they accept two kinds of evidence, strongest first:

* the type, as FAPI103 reads it (annotations, ``Annotated`` aliases, module-level
  ``sessionmaker``/``async_sessionmaker``/``scoped_session`` factories, constructors),
  and for ``self.session`` what the class's methods assign to it; a known class that
  is not a session (``aiohttp.ClientSession``, ``lnbits.db.Database``) rules it out;
* otherwise the name: ``session``, ``db``, ``db_session``... or ``self.session``,
  accepted in a module that imports ``sqlalchemy`` or ``sqlmodel``, or anywhere in a
  project that declares SQLAlchemy (the session then comes from a project helper).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import libcst as cst

from fastapi_lint.analysis.aliased_names import AliasedNames, Resolve
from fastapi_lint.analysis.async_scope import receiver_types
from fastapi_lint.analysis.session_calls import session_factory_class
from fastapi_lint.context.versions import Origin
from fastapi_lint.fastapi_model.module import ModuleModel
from fastapi_lint.fastapi_model.names import BoundValue, Lookup
from fastapi_lint.fastapi_model.syntax import child_statements, keyword_arg
from fastapi_lint.rule import FileContext

SYNC_SESSIONS = frozenset(
    {
        "sqlalchemy.orm.Session",
        "sqlalchemy.orm.session.Session",
        "sqlmodel.Session",
        "sqlmodel.orm.session.Session",
        "sqlalchemy.orm.scoped_session",
        "sqlalchemy.orm.scoping.scoped_session",
    }
)
ASYNC_SESSIONS = frozenset(
    {
        "sqlalchemy.ext.asyncio.AsyncSession",
        "sqlalchemy.ext.asyncio.session.AsyncSession",
        "sqlmodel.ext.asyncio.session.AsyncSession",
        "sqlalchemy.ext.asyncio.async_scoped_session",
        "sqlalchemy.ext.asyncio.scoping.async_scoped_session",
    }
)
CONNECTIONS = frozenset(
    {
        "sqlalchemy.Connection",
        "sqlalchemy.engine.Connection",
        "sqlalchemy.engine.base.Connection",
        "sqlalchemy.ext.asyncio.AsyncConnection",
        "sqlalchemy.ext.asyncio.engine.AsyncConnection",
    }
)
ASYNC_SESSIONMAKERS = frozenset(
    {
        "sqlalchemy.ext.asyncio.async_sessionmaker",
        "sqlalchemy.ext.asyncio.session.async_sessionmaker",
    }
)
_ASYNC_SCOPED = frozenset(
    {
        "sqlalchemy.ext.asyncio.async_scoped_session",
        "sqlalchemy.ext.asyncio.scoping.async_scoped_session",
    }
)
_DEFAULT_ASYNC_SESSION = "sqlalchemy.ext.asyncio.AsyncSession"
_ORM_PACKAGES = frozenset({"sqlalchemy", "sqlmodel"})
_SQLMODEL = frozenset({"sqlmodel"})
# Libraries whose classes are called ``*Session`` but talk HTTP or to a cloud API.
_NOT_DATABASES = frozenset(
    {"aiohttp", "requests", "httpx", "niquests", "boto3", "botocore", "aioboto3", "urllib3"}
)
# Receivers named like this are sessions in a module that uses SQLAlchemy or SQLModel.
SESSION_NAMES = frozenset(
    {
        "session",
        "db",
        "sess",
        "db_session",
        "dbsession",
        "db_sess",
        "async_session",
        "database_session",
        "sql_session",
        "orm_session",
    }
)
_OWNERS = frozenset({"self", "cls"})


def data_session_factory(call: cst.Call, resolve: Resolve) -> str | None:
    """The session class a module-level factory call builds, sync or async."""
    produced = session_factory_class(call, resolve)
    if produced is not None:
        return produced
    callee = resolve(call.func)
    if callee in _ASYNC_SCOPED:
        return callee
    if callee not in ASYNC_SESSIONMAKERS:
        return None
    class_ = keyword_arg(call, "class_")
    return _DEFAULT_ASYNC_SESSION if class_ is None else resolve(class_)


def imports_from(model: ModuleModel, packages: frozenset[str]) -> bool:
    """True when the module imports anything (at module level) from one of ``packages``."""
    return any(
        value.qualified.partition(".")[0] in packages
        for value in model.module_bindings.values.values()
        if value.known and not value.is_instance
    )


def receiver_name(receiver: cst.BaseExpression) -> str | None:
    """``session`` for ``session`` and for ``self.session``; None for other expressions."""
    if isinstance(receiver, cst.Name):
        return receiver.value
    if (
        isinstance(receiver, cst.Attribute)
        and isinstance(receiver.value, cst.Name)
        and receiver.value.value in _OWNERS
    ):
        return receiver.attr.value
    return None


def _self_assignments(
    cls: cst.ClassDef, attribute: str
) -> Iterator[tuple[cst.FunctionDef, cst.BaseExpression]]:
    """``(method, value)`` for each ``self.<attribute> = value`` in the class's methods."""
    for method in cls.body.body:
        if not isinstance(method, cst.FunctionDef):
            continue
        stack: list[cst.CSTNode] = list(child_statements(method))
        while stack:
            node = stack.pop()
            if isinstance(node, cst.Assign):
                targets = (receiver_name(target.target) for target in node.targets)
                if attribute in targets:
                    yield method, node.value
            elif not isinstance(node, cst.FunctionDef | cst.ClassDef):
                stack.extend(child_statements(node))


def _project_uses_sqlalchemy(context: FileContext) -> bool:
    """The project declares SQLAlchemy (or it is locked, configured, seen in the code):
    a ``db_session`` from the project's own helper is then a session in any module."""
    project = context.project
    if project is None:
        return False
    return project.targets["sqlalchemy"].origin is not Origin.ASSUMED


def _type_verdict(types: Sequence[str], classes: frozenset[str]) -> bool | None:
    """True/False when the receiver's types decide; None when they say nothing."""
    if any(name in classes for name in types):
        return True
    for name in types:
        root, last = name.partition(".")[0], name.rpartition(".")[2]
        if root in _NOT_DATABASES or last in ("Engine", "AsyncEngine"):
            return False
        if "Session" in last and "Client" not in last and "Http" not in last:
            return True
        # ``Database``, ``Redis``...: a class we know, and not a session. A lowercase
        # name is a function whose result the model does not know (``get_db()``).
        if last[:1].isupper():
            return False
    return None


class SessionFinder:
    """Answers "is this receiver a session?" for one file, building what it needs lazily."""

    def __init__(self, context: FileContext) -> None:
        self._context = context
        self._names: AliasedNames | None = None
        self._orm_module: bool | None = None
        self._sqlmodel: bool | None = None
        self._attributes: dict[tuple[int, str], tuple[str, ...]] = {}

    def _aliases(self) -> AliasedNames:
        if self._names is None:
            context = self._context
            self._names = AliasedNames.build(context.module, context.model, data_session_factory)
        return self._names

    def lookup(self) -> Lookup:
        """Name lookup from the node being visited: enclosing defs, then the module."""
        names = self._aliases()
        chain = [
            names.function_bindings(scope)
            for scope in reversed(self._context.scopes)
            if isinstance(scope, cst.FunctionDef)
        ]

        def find(name: str) -> BoundValue | None:
            for bindings in chain:
                value = bindings.get(name)
                if value is not None:
                    return value
            return names.module_value(name)

        return find

    def types_of(self, receiver: cst.BaseExpression, lookup: Lookup) -> tuple[str, ...]:
        """The classes the receiver may be: its own, or the class a factory alias names."""
        model = self._context.model
        owner = model.resolve(receiver, lookup)
        if owner:
            return (owner,)
        if isinstance(receiver, cst.Attribute):
            return self._attribute_types(receiver)
        return receiver_types(model, receiver, lookup)

    def _attribute_types(self, receiver: cst.Attribute) -> tuple[str, ...]:
        """``self.session``: the classes the enclosing class's methods assign to it."""
        name = receiver_name(receiver)
        cls = next((s for s in reversed(self._context.scopes) if isinstance(s, cst.ClassDef)), None)
        if name is None or cls is None:
            return ()
        key = (id(cls), name)
        if key not in self._attributes:
            types: list[str] = []
            for method, value in _self_assignments(cls, name):
                bound = self._context.model.value_of(value, self._method_lookup(method))
                types.extend(bound.instance_types())
            self._attributes[key] = tuple(types)
        return self._attributes[key]

    def _method_lookup(self, method: cst.FunctionDef) -> Lookup:
        names = self._aliases()
        bindings = names.function_bindings(method)
        return lambda name: bindings.get(name) or names.module_value(name)

    def is_session(
        self, receiver: cst.BaseExpression, classes: frozenset[str], lookup: Lookup
    ) -> bool:
        """True when ``receiver`` is one of ``classes``, by its type or, failing that, name."""
        verdict = _type_verdict(self.types_of(receiver, lookup), classes)
        if verdict is not None:
            return verdict
        name = receiver_name(receiver)
        if name is None or name.lstrip("_").lower() not in SESSION_NAMES:
            return False
        if self._orm_module is None:
            self._orm_module = self._names_orm_sessions()
        return self._orm_module

    def _names_orm_sessions(self) -> bool:
        """Whether a session-like name of unknown type is the ORM's here: the module imports
        the ORM, or the project uses it and the module imports no library whose sessions
        are not a database's (``requests.Session``, ``aiohttp.ClientSession``)."""
        model = self._context.model
        if imports_from(model, _ORM_PACKAGES):
            return True
        return _project_uses_sqlalchemy(self._context) and not imports_from(model, _NOT_DATABASES)

    def uses_sqlmodel(self) -> bool:
        """True when the module imports SQLModel, whose sessions run ``select()`` with ``exec``."""
        if self._sqlmodel is None:
            self._sqlmodel = imports_from(self._context.model, _SQLMODEL)
        return self._sqlmodel
