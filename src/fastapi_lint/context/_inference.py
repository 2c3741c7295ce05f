"""What one target version implies about another: FastAPI pins Pydantic, Starlette, Python;
SQLModel pins SQLAlchemy (and Pydantic before 0.0.14).

The table is read from the ``Requires-Dist`` and ``Requires-Python`` metadata of these
FastAPI releases. Between two rows the earlier row applies: FastAPI only ever raised
these minimums, so the earlier row's minimums are the lower (never a wrong "too new")
answer. Pydantic 2 support arrived in FastAPI 0.100 and Pydantic 1 support left in 0.126.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from packaging.version import Version

from fastapi_lint.context._constraints import Bound


@dataclass(frozen=True, slots=True)
class _Release:
    fastapi: Version
    starlette: Version
    python: Version
    pydantic: Bound


def _release(fastapi: str, starlette: str, python: str, pydantic: Bound) -> _Release:
    return _Release(Version(fastapi), Version(starlette), Version(python), pydantic)


_PYDANTIC_1 = Bound(ceiling=Version("2"))
_ANY_PYDANTIC = Bound(lowest=Version("1.7.4"))
_FASTAPI_RELEASES = (
    _release("0.79.0", "0.19.1", "3.6.1", _PYDANTIC_1),
    _release("0.89.0", "0.22.0", "3.7", _PYDANTIC_1),
    _release("0.93.0", "0.25.0", "3.7", _PYDANTIC_1),
    _release("0.95.0", "0.26.1", "3.7", _PYDANTIC_1),
    _release("0.99.1", "0.27.0", "3.7", _PYDANTIC_1),
    _release("0.100.0", "0.27.0", "3.7", _ANY_PYDANTIC),
    _release("0.108.0", "0.29.0", "3.8", _ANY_PYDANTIC),
    _release("0.110.0", "0.36.3", "3.8", _ANY_PYDANTIC),
    _release("0.115.0", "0.37.2", "3.8", _ANY_PYDANTIC),
    _release("0.119.0", "0.40.0", "3.8", _ANY_PYDANTIC),
    _release("0.125.0", "0.40.0", "3.9", _ANY_PYDANTIC),
    _release("0.126.0", "0.40.0", "3.9", Bound(lowest=Version("2.7.0"))),
    _release("0.163.2", "0.46.0", "3.11", Bound(lowest=Version("2.9.0"))),
)
# SQLModel pins SQLAlchemy (and, before 0.0.14, Pydantic 1), from the ``Requires-Dist``
# of these releases: (SQLModel, the oldest SQLAlchemy, the SQLAlchemy ceiling, Pydantic).
_SQLMODEL_RELEASES = (
    (Version("0.0.4"), Version("1.4.17"), Version("1.5"), _PYDANTIC_1),
    (Version("0.0.9"), Version("1.4.36"), Version("2"), _PYDANTIC_1),
    (Version("0.0.12"), Version("2.0.0"), Version("2.1"), _PYDANTIC_1),
    (Version("0.0.14"), Version("2.0.0"), Version("2.1"), Bound(lowest=Version("1.10.13"))),
    (Version("0.0.19"), Version("2.0.14"), Version("2.1"), Bound(lowest=Version("1.10.13"))),
)
_PYDANTIC_2 = Version("2")
_PYDANTIC_2_FASTAPI = Version("0.100.0")
_LAST_PYDANTIC_1_FASTAPI = Version("0.126.0")


@dataclass(frozen=True, slots=True)
class Inference:
    bound: Bound
    source: str
    """Which version it follows from: ``fastapi``."""
    why: str


# The target versions known so far, by package (``pydantic-settings`` included).
Known = Mapping[str, Bound]


def infer(package: str, known: Known) -> Inference | None:
    """What the other known versions say of ``package``, or None when they say nothing."""
    rule = _RULES.get(package)
    return None if rule is None else rule(known)


def _row(fastapi: Bound) -> _Release | None:
    """The table row of the oldest FastAPI the bound allows; None without a lower bound.

    A ceiling alone (``<0.126``) allows every older release, whose minimums are unknown.
    """
    version = fastapi.lowest
    if version is None:
        return None
    rows = [row for row in _FASTAPI_RELEASES if row.fastapi <= version]
    return rows[-1] if rows else None


def _pydantic(known: Known) -> Inference | None:
    fastapi = known.get("fastapi")
    by_fastapi = None if fastapi is None else _pydantic_for(fastapi)
    if by_fastapi is None and "pydantic-settings" in known:
        why = "pydantic-settings requires Pydantic 2"
        return Inference(Bound(lowest=_PYDANTIC_2), "pydantic-settings", why)
    if by_fastapi is None:
        row = _sqlmodel_row(known)
        if row is not None and row[3] is _PYDANTIC_1:
            why = f"SQLModel {row[0]} requires Pydantic 1.x (SQLModel 0.0.14 added Pydantic 2)"
            return Inference(_PYDANTIC_1, "sqlmodel", why)
    return by_fastapi


def _sqlmodel_row(known: Known) -> tuple[Version, Version, Version, Bound] | None:
    """The table row of the oldest SQLModel the project allows; None without a lower bound."""
    sqlmodel = known.get("sqlmodel")
    version = sqlmodel.lowest if sqlmodel is not None else None
    if version is None:
        return None
    rows = [row for row in _SQLMODEL_RELEASES if row[0] <= version]
    return rows[-1] if rows else None


def _sqlalchemy(known: Known) -> Inference | None:
    row = _sqlmodel_row(known)
    if row is None:
        return None
    sqlmodel, lowest, ceiling, _ = row
    why = f"SQLModel {sqlmodel} and later require SQLAlchemy >= {lowest}, < {ceiling}"
    return Inference(Bound(lowest=lowest, ceiling=ceiling), "sqlmodel", why)


def _pydantic_for(fastapi: Bound) -> Inference | None:
    version = fastapi.representative()
    if version is not None and version < _PYDANTIC_2_FASTAPI:
        return Inference(_PYDANTIC_1, "fastapi", "FastAPI before 0.100 requires Pydantic 1.x")
    row = _row(fastapi)
    lowest = row.pydantic.lowest if row else None
    if row is None or lowest is None or lowest < _PYDANTIC_2:
        return None
    why = f"FastAPI {row.fastapi} and later require Pydantic >= {lowest}"
    return Inference(row.pydantic, "fastapi", why)


def _starlette(known: Known) -> Inference | None:
    return _fastapi_minimum(known, "Starlette", lambda row: row.starlette)


def _python(known: Known) -> Inference | None:
    return _fastapi_minimum(known, "Python", lambda row: row.python)


def _fastapi_minimum(
    known: Known, name: str, minimum_of: Callable[[_Release], Version]
) -> Inference | None:
    """The minimum of ``name`` that the oldest FastAPI the project allows requires."""
    fastapi = known.get("fastapi")
    row = _row(fastapi) if fastapi else None
    if row is None:
        return None
    minimum = minimum_of(row)
    why = f"FastAPI {row.fastapi} and later require {name} >= {minimum}"
    return Inference(Bound(lowest=minimum), "fastapi", why)


def _fastapi(known: Known) -> Inference | None:
    pydantic = known.get("pydantic")
    version = pydantic.representative() if pydantic else None
    if version is None:
        return None
    if version >= _PYDANTIC_2:
        why = "Pydantic 2 needs FastAPI >= 0.100"
        return Inference(Bound(lowest=_PYDANTIC_2_FASTAPI), "pydantic", why)
    ceiling = Bound(ceiling=_LAST_PYDANTIC_1_FASTAPI)
    return Inference(ceiling, "pydantic", "FastAPI 0.126 and later require Pydantic 2")


_RULES: dict[str, Callable[[Known], Inference | None]] = {
    "pydantic": _pydantic,
    "starlette": _starlette,
    "python": _python,
    "fastapi": _fastapi,
    "sqlalchemy": _sqlalchemy,
}
