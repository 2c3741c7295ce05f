"""The names a project builds its FastAPI apps and routers with, found across its modules.

The per-file FastAPI model knows ``FastAPI(...)`` and ``APIRouter(...)`` from their
imports. Projects also write their own: a subclass of ``APIRouter`` in another module
(``router = PrefectRouter(prefix=...)``), a function returning a router or a router class
(``APIRouter = get_api_router_class(...)``), a subclass of ``FastAPI``. Those can only be
known by reading the modules that define them, so they are found once per run, before
the files are linted (``router_scan``), and every file's model is given the result.

Names are the project's module names (``package.module.Name``). A file may spell one
through another root (``app.routing.X`` for the module named ``backend.app.routing``
when the project is linted from above ``backend/``), so a name also matches the
project's name it is a dotted tail of, or that is a dotted tail of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from functools import cache


class Builder(Enum):
    """What calling a project name gives."""

    ROUTER_CLASS = "router class"  # a subclass of APIRouter: calling it makes a router
    APP_CLASS = "app class"  # a subclass of FastAPI
    ROUTE_CLASS = "route class"  # a subclass of APIRoute: ``APIRoute(path, endpoint)``
    ROUTER_FACTORY = "router factory"  # a function returning a router
    APP_FACTORY = "app factory"  # a function returning an app
    ROUTER_CLASS_FACTORY = "router class factory"  # a function returning a router class


@dataclass(frozen=True, slots=True)
class RouterKinds:
    """Qualified names (``package.module.Name``) of the project's own app and router builders.

    Empty when the project defines none, or when nothing scanned the project (a file
    linted on its own): the model then knows FastAPI's own classes only.
    """

    # Subclasses of APIRouter, at any depth and in any module.
    router_classes: frozenset[str] = frozenset()
    # Subclasses of FastAPI.
    app_classes: frozenset[str] = frozenset()
    # Functions whose result is a router instance (calling them builds a router).
    router_factories: frozenset[str] = frozenset()
    # Functions whose result is a router class (calling the result builds a router).
    router_class_factories: frozenset[str] = frozenset()
    # Functions whose result is an app instance (app factories).
    app_factories: frozenset[str] = frozenset()
    # Subclasses of APIRoute (``routes=[MyRoute("/path", endpoint)]``).
    route_classes: frozenset[str] = frozenset()

    def fingerprint(self) -> str:
        """A stable text for cache keys: a file's findings depend on these names."""
        return "|".join(",".join(sorted(names)) for names in self.groups().values())

    def groups(self) -> dict[Builder, frozenset[str]]:
        return {
            Builder.ROUTER_CLASS: self.router_classes,
            Builder.APP_CLASS: self.app_classes,
            Builder.ROUTER_FACTORY: self.router_factories,
            Builder.ROUTER_CLASS_FACTORY: self.router_class_factories,
            Builder.APP_FACTORY: self.app_factories,
            Builder.ROUTE_CLASS: self.route_classes,
        }

    def __bool__(self) -> bool:
        # Asked before every name is looked up (``builder``): no dict built for it.
        return bool(
            self.router_classes
            or self.app_classes
            or self.router_factories
            or self.router_class_factories
            or self.app_factories
            or self.route_classes
        )

    def builder(self, qualified: str) -> Builder | None:
        """What the project name ``qualified`` builds, however far up it is spelled from."""
        if not self:
            return None
        by_last = _by_last_name(self)
        for name, kind in by_last.get(qualified.rpartition(".")[2], ()):
            if _same_name(name, qualified):
                return kind
        return None

    def as_json(self) -> dict[str, list[str]]:
        """The names by kind, for a cache: ``{"router class": [...], ...}``."""
        return {kind.value: sorted(names) for kind, names in self.groups().items() if names}

    @classmethod
    def from_json(cls, raw: object) -> RouterKinds:
        """The record ``as_json`` wrote; raises ValueError on anything else."""
        if not isinstance(raw, dict):
            raise ValueError("router kinds must be an object")
        found: dict[Builder, set[str]] = {}
        for kind, names in raw.items():
            if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
                raise ValueError(f"router kinds: {kind!r} must be a list of names")
            found[Builder(kind)] = set(names)
        return cls.of(found)

    @classmethod
    def of(cls, found: dict[Builder, set[str]]) -> RouterKinds:
        """The record of names found, grouped by what they build."""
        return cls(
            router_classes=frozenset(found.get(Builder.ROUTER_CLASS, ())),
            app_classes=frozenset(found.get(Builder.APP_CLASS, ())),
            router_factories=frozenset(found.get(Builder.ROUTER_FACTORY, ())),
            router_class_factories=frozenset(found.get(Builder.ROUTER_CLASS_FACTORY, ())),
            app_factories=frozenset(found.get(Builder.APP_FACTORY, ())),
            route_classes=frozenset(found.get(Builder.ROUTE_CLASS, ())),
        )


@cache
def _by_last_name(kinds: RouterKinds) -> dict[str, tuple[tuple[str, Builder], ...]]:
    """The names of a record by their last part, built once per record and process."""
    index: dict[str, list[tuple[str, Builder]]] = {}
    for kind, names in kinds.groups().items():
        for name in sorted(names):
            index.setdefault(name.rpartition(".")[2], []).append((name, kind))
    return {last: tuple(entries) for last, entries in index.items()}


def _same_name(known: str, written: str) -> bool:
    """``known`` and ``written`` name one thing: equal, or one a dotted tail of the other.

    A tail needs its module too (``routing.X``, not a bare ``X``), so two classes of one
    name in unrelated modules are never confused.
    """
    if known == written:
        return True
    shorter, longer = sorted((known, written), key=len)
    return "." in shorter and longer.endswith("." + shorter)
