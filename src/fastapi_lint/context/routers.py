"""The names a project builds its FastAPI apps and routers with, found across its modules.

The per-file FastAPI model knows ``FastAPI(...)`` and ``APIRouter(...)`` from their
imports. Projects also write their own: a subclass of ``APIRouter`` in another module
(``router = PrefectRouter(prefix=...)``), a function returning a router or a router class
(``APIRouter = get_api_router_class(...)``), a subclass of ``FastAPI``. Those can only be
known by reading the modules that define them, so they are found once per run, before
the files are linted, and every file's model is given the result.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RouterKinds:
    """Qualified names (``package.module.Name``) of the project's own app and router builders.

    Empty when the project defines none, or when nothing scanned the project (a file
    linted on its own): the model then knows FastAPI's own classes only.
    """

    # Subclasses of APIRouter, at any depth and in any module.
    router_classes: frozenset[str] = frozenset()
    # Subclasses of FastAPI (or Starlette).
    app_classes: frozenset[str] = frozenset()
    # Functions whose result is a router instance (calling them builds a router).
    router_factories: frozenset[str] = frozenset()
    # Functions whose result is a router class (calling the result builds a router).
    router_class_factories: frozenset[str] = frozenset()
    # Functions whose result is an app instance (app factories).
    app_factories: frozenset[str] = frozenset()

    def fingerprint(self) -> str:
        """A stable text for cache keys: a file's findings depend on these names."""
        parts = (
            self.router_classes,
            self.app_classes,
            self.router_factories,
            self.router_class_factories,
            self.app_factories,
        )
        return "|".join(",".join(sorted(names)) for names in parts)
