"""The Python, FastAPI, Pydantic, Starlette and SQLAlchemy versions a project targets.

Each version is resolved from the first of these that says anything, and carries where
it came from so the context report can show it:

1. configuration: ``target-versions`` (``{pydantic = "1.10"}``) wins over everything;
2. a lock file (``uv.lock``, ``poetry.lock``, ``pdm.lock``, ``Pipfile.lock``, or a
   requirements file compiled by pip-compile): the exact release the project runs;
3. a declaration (``pyproject.toml``, ``setup.cfg``, ``setup.py``, ``Pipfile``,
   ``requirements*.txt``): the oldest release its constraint allows; when several
   declare the same package, the oldest of them (the code must work there);
4. inference from another declared version (FastAPI before 0.100 requires Pydantic 1.x,
   each FastAPI release pins a Starlette range and a Python minimum, Pydantic 2 needs
   FastAPI 0.100+, pydantic-settings needs Pydantic 2, each SQLModel release pins a
   SQLAlchemy range and, before 0.0.14, Pydantic 1);
5. evidence in the code (``evidence.scan_evidence``, collected by the caller);
6. inference again, from what evidence found;
7. otherwise the latest release is assumed.

Gates (``TargetVersions.satisfies("pydantic", ">=2")``) test the resolved release. An
assumed-latest version satisfies every minimum and no maximum; a version known only by a
ceiling (``<2``) is read as the newest release below it (1.x), so ``>=2`` is not met and
``>=1.10`` is.

Declarations are read at the root given, once per resolution. In a monorepo, resolve
once per project folder: ``declaration_root`` finds the nearest folder above a file that
holds a declaration file.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import Version

from fastapi_lint.context import _inference
from fastapi_lint.context._constraints import PACKAGES as PACKAGES
from fastapi_lint.context._constraints import Bound, oldest_first
from fastapi_lint.context._constraints import parse_target_override as parse_target_override
from fastapi_lint.context._declarations import Declaration, listdir, read_declarations
from fastapi_lint.context._locks import PIPFILE_LOCK, TOML_LOCKS, read_locks
from fastapi_lint.context.evidence import Evidence, combine_evidence

CONFIGURED_SOURCE = "configuration (target-versions)"
DECLARATION_FILES = frozenset(
    {"pyproject.toml", "setup.cfg", "setup.py", "Pipfile", PIPFILE_LOCK, *TOML_LOCKS}
)
# Read but not targets: they only say something about Pydantic and SQLAlchemy.
_HELPERS = ("pydantic-settings", "sqlmodel")
_REQUIREMENTS = re.compile(r"^requirements.*\.(?:txt|in)$")
# What an assumed-latest version is tested as: newer than any real release.
_LATEST = Version("999999")


class Origin(Enum):
    CONFIGURED = "configured"
    LOCKED = "locked"
    DECLARED = "declared"
    INFERRED = "inferred"
    EVIDENCE = "code evidence"
    ASSUMED = "assumed latest"


@dataclass(frozen=True, slots=True)
class TargetVersion:
    package: str
    bound: Bound
    origin: Origin
    source: str
    """Where it came from: ``uv.lock:231``, ``code evidence (app/config.py:3: ...)``."""

    @property
    def version(self) -> Version | None:
        """The release gates test; None when the latest is assumed."""
        return self.bound.representative()

    @property
    def display(self) -> str:
        """``1.10.2``, ``1.8``, ``1.x``; ``latest`` when assumed."""
        return "latest" if self.bound.is_empty else self.bound.describe()

    def satisfies(self, specifier: str) -> bool:
        """Whether the targeted release is in ``specifier`` (``>=2``, ``>=0.95,<1``)."""
        return _specifier_set(specifier).contains(self.version or _LATEST, prereleases=True)


@dataclass(frozen=True, slots=True)
class TargetVersions:
    versions: tuple[TargetVersion, ...]
    """One per package of ``PACKAGES``, in that order."""

    def __getitem__(self, package: str) -> TargetVersion:
        for target in self.versions:
            if target.package == package:
                return target
        raise KeyError(f"unknown package {package!r}; known: {', '.join(PACKAGES)}")

    def satisfies(self, package: str, specifier: str) -> bool:
        """The version gate: ``targets.satisfies("pydantic", ">=2")``."""
        return self[package].satisfies(specifier)

    def unmet(self, requirements: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
        """The (package, specifier) pairs of ``requirements`` the targets do not satisfy."""
        return tuple(
            (package, specifier)
            for package, specifier in sorted(requirements.items())
            if not self.satisfies(package, specifier)
        )

    def fingerprint(self, packages: Iterable[str] = PACKAGES) -> str:
        """A stable text for cache keys: the versions of ``packages`` as gates read them."""
        return "|".join(f"{p}={self[p].version or 'latest'}" for p in sorted(set(packages)))

    def as_json(self) -> list[dict[str, str]]:
        """For ``--output-format json``: package, version, origin and source of each."""
        return [
            {
                "package": target.package,
                "version": target.display,
                "origin": target.origin.value,
                "source": target.source,
            }
            for target in self.versions
        ]


def resolve_target_versions(
    root: Path,
    *,
    overrides: Mapping[str, str] | None = None,
    evidence: Iterable[Evidence] | Callable[[], Iterable[Evidence]] = (),
    needed: Collection[str] = PACKAGES,
) -> TargetVersions:
    """Every target version of the project at ``root``; see the module docstring.

    ``evidence`` may be a function collecting it: it is called only when a package of
    ``needed`` (the ones some gate reads) is still unknown after configuration, locks,
    declarations and inference, so a project that declares its versions never pays for
    the evidence pass. Packages left unknown are assumed at their latest release.
    """
    declarations = [*read_declarations(root), *read_locks(root, listdir(root))]
    resolved = _configured(overrides or {})
    _add_declared(resolved, declarations)
    _add_inferred(resolved)
    if any(package not in resolved for package in needed):
        _add_evidence(resolved, tuple(evidence() if callable(evidence) else evidence))
        _add_inferred(resolved)
    return TargetVersions(tuple(_final(package, resolved, declarations) for package in PACKAGES))


def declaration_root(path: Path, stop: Path) -> Path:
    """The nearest folder from ``path`` up to ``stop`` holding a declaration file.

    ``stop`` itself when none does (or when ``path`` is not under it).
    """
    stop = stop.resolve()
    folder = path.resolve()
    folder = folder if folder.is_dir() else folder.parent
    while folder != stop and stop in folder.parents:
        if _has_declaration(listdir(folder)):
            return folder
        folder = folder.parent
    return stop


def _has_declaration(names: frozenset[str]) -> bool:
    return bool(names & DECLARATION_FILES) or any(_REQUIREMENTS.match(name) for name in names)


@functools.lru_cache(maxsize=256)
def _specifier_set(text: str) -> SpecifierSet:
    try:
        return SpecifierSet(text)
    except InvalidSpecifier:
        raise ValueError(f"not a version specifier: {text!r}") from None


def _configured(overrides: Mapping[str, str]) -> dict[str, TargetVersion]:
    return {
        package: TargetVersion(
            package, parse_target_override(package, text), Origin.CONFIGURED, CONFIGURED_SOURCE
        )
        for package, text in overrides.items()
    }


def _add_declared(resolved: dict[str, TargetVersion], declarations: list[Declaration]) -> None:
    """Locked versions first, then declared ones, for the packages not configured."""
    for package in (*PACKAGES, *_HELPERS):
        found = _locked(package, declarations) or _declared(package, declarations)
        if package in _HELPERS:
            found = found or _mentioned(package, declarations)
        if found is not None and package not in resolved:
            resolved[package] = found


def _locked(package: str, declarations: list[Declaration]) -> TargetVersion | None:
    locked = [d for d in declarations if d.package == package and d.locked]
    return _oldest(locked, Origin.LOCKED)


def _declared(package: str, declarations: list[Declaration]) -> TargetVersion | None:
    bounded = [d for d in declarations if d.package == package and not d.bound.is_empty]
    return _oldest(bounded, Origin.DECLARED)


def _mentioned(package: str, declarations: list[Declaration]) -> TargetVersion | None:
    """A declaration without a version: enough for a helper package's inference."""
    named = [d for d in declarations if d.package == package]
    return _oldest(named[:1], Origin.DECLARED)


def _oldest(declarations: list[Declaration], origin: Origin) -> TargetVersion | None:
    if not declarations:
        return None
    chosen = min(declarations, key=lambda declaration: oldest_first(declaration.bound))
    return TargetVersion(chosen.package, chosen.bound, origin, chosen.source)


def _add_inferred(resolved: dict[str, TargetVersion]) -> None:
    """Fill the packages still unknown from what the known ones imply (one pass)."""
    known = {package: target.bound for package, target in resolved.items()}
    for package in PACKAGES:
        inference = None if package in resolved else _inference.infer(package, known)
        if inference is not None:
            origin = resolved[inference.source]
            version = "" if origin.bound.is_empty else f" {origin.display}"
            source = f"inferred from {inference.source}{version} ({origin.source}): "
            resolved[package] = TargetVersion(
                package, inference.bound, Origin.INFERRED, source + inference.why
            )


def _add_evidence(resolved: dict[str, TargetVersion], evidence: tuple[Evidence, ...]) -> None:
    for package in PACKAGES:
        found = None if package in resolved else combine_evidence(package, evidence)
        if found is not None:
            bound, source = found
            resolved[package] = TargetVersion(package, bound, Origin.EVIDENCE, source)


def _final(
    package: str, resolved: dict[str, TargetVersion], declarations: list[Declaration]
) -> TargetVersion:
    if package in resolved:
        return resolved[package]
    unpinned = [d.source for d in declarations if d.package == package]
    source = Origin.ASSUMED.value
    if unpinned:
        source += f" ({unpinned[0]} declares no version)"
    return TargetVersion(package, Bound(), Origin.ASSUMED, source)


__all__ = [
    "PACKAGES",
    "Origin",
    "TargetVersion",
    "TargetVersions",
    "declaration_root",
    "parse_target_override",
    "resolve_target_versions",
]
