"""Reduce a version constraint to what version gates need: the oldest release it allows.

A project targets the oldest release its constraints let in, because its code (and any
fix written into it) must work there: ``pydantic>=1.8,<2`` targets 1.8, ``^1.10`` targets
1.10. A constraint with only an upper bound (``<2``) names no oldest release; it is kept
as a ceiling and read as "the newest release below it", so ``<2`` reads as Pydantic 1.x
and a gate for 2.0 APIs is not met while a gate for 1.x APIs is.

PEP 440 specifiers are parsed by ``packaging``. Poetry's own forms (``^1.10``, ``~1.10``,
bare ``1.10.2``, ``1.10.*``, ``*``, space-separated ranges, ``||`` or ``|`` alternatives) are
translated here as Poetry documents them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from packaging.specifiers import InvalidSpecifier, Specifier, SpecifierSet
from packaging.version import InvalidVersion, Version

# A number no real release component reaches: "the newest 1.x" is 1.999999.
_NEWEST = 999999
_LOWER_OPERATORS = frozenset({">=", ">", "==", "===", "~="})
_UPPER_OPERATORS = frozenset({"<", "<="})
# Poetry allows a space between an operator and its version (">= 1.2").
_OPERATOR_SPACE = re.compile(r"([<>=!~^]=?)\s+")
_POETRY_TOKENS = re.compile(r"\s*,\s*|\s+")
# Poetry reads a single "|" as "||" too.
_POETRY_OR = re.compile(r"\|\|?")


@dataclass(frozen=True, slots=True)
class Bound:
    """What one constraint allows, reduced to its oldest release and its ceiling."""

    lowest: Version | None = None
    """The oldest allowed release; None when the constraint sets no lower bound."""
    ceiling: Version | None = None
    """The upper bound, exclusive unless ``inclusive_ceiling``; None when there is none."""
    inclusive_ceiling: bool = False
    exact: bool = False
    """True for a pin (``==1.10.2``): the project runs that release."""

    @property
    def is_empty(self) -> bool:
        """No version information at all (``fastapi``, ``*``, a URL requirement)."""
        return self.lowest is None and self.ceiling is None

    def representative(self) -> Version | None:
        """The release gates are tested on: the oldest allowed, else the newest allowed."""
        if self.lowest is not None:
            return self.lowest
        if self.ceiling is None:
            return None
        return self.ceiling if self.inclusive_ceiling else just_below(self.ceiling)

    def describe(self) -> str:
        """``1.10.2``, ``1.8``, ``1.x`` (below 2) or ``<0.100``; ``any`` when empty."""
        if self.lowest is not None:
            return str(self.lowest)
        if self.ceiling is None:
            return "any"
        if self.inclusive_ceiling:
            return f"<={self.ceiling}"
        release = _without_trailing_zeros(self.ceiling.release)
        if len(release) == 1 and release[0] > 0:
            return f"{release[0] - 1}.x"
        return f"<{self.ceiling}"


def just_below(ceiling: Version) -> Version:
    """The newest release under an exclusive ceiling: 2 -> 1.999999, 0.100 -> 0.99.999999."""
    release = list(_without_trailing_zeros(ceiling.release))
    if not release:
        return Version("0")
    release[-1] -= 1
    return Version(".".join(str(part) for part in (*release, _NEWEST)))


def parse_version(text: str) -> Version | None:
    try:
        return Version(text.strip())
    except InvalidVersion:
        return None


def pep440_bound(text: str) -> Bound | None:
    """The bound of a PEP 440 specifier set (``>=1.8,<2``); None when it is not one."""
    try:
        specifiers = SpecifierSet(text.strip())
    except InvalidSpecifier:
        return None
    return specifier_bound(specifiers)


def specifier_bound(specifiers: Iterable[Specifier]) -> Bound:
    """Oldest release from the lower bounds and pins, ceiling from the upper bounds."""
    lower = [spec for spec in specifiers if spec.operator in _LOWER_OPERATORS]
    upper = [spec for spec in specifiers if spec.operator in _UPPER_OPERATORS]
    lowest, exact = _highest_lower_bound(lower)
    ceiling, inclusive = _lowest_ceiling(upper)
    return Bound(lowest=lowest, ceiling=ceiling, inclusive_ceiling=inclusive, exact=exact)


def poetry_bound(text: str) -> Bound | None:
    """The bound of a Poetry constraint; the oldest of ``||`` alternatives wins."""
    alternatives = [_poetry_conjunction(part) for part in _POETRY_OR.split(text)]
    bounds = [bound for bound in alternatives if bound is not None]
    if len(bounds) != len(alternatives) or not bounds:
        return None
    if any(bound.is_empty for bound in bounds):
        return Bound()
    return min(bounds, key=oldest_first)


def oldest_first(bound: Bound) -> tuple[int, Version]:
    """Sort key putting the bound that allows the oldest release first, empty ones last."""
    representative = bound.representative()
    return (1, Version("0")) if representative is None else (0, representative)


def _highest_lower_bound(specifiers: list[Specifier]) -> tuple[Version | None, bool]:
    best: Version | None = None
    exact = False
    for spec in specifiers:
        wildcard = spec.version.endswith(".*")
        version = parse_version(spec.version.removesuffix(".*"))
        if version is not None and (best is None or version > best):
            best, exact = version, spec.operator in {"==", "==="} and not wildcard
    return best, exact


def _lowest_ceiling(specifiers: list[Specifier]) -> tuple[Version | None, bool]:
    best: Version | None = None
    inclusive = False
    for spec in specifiers:
        version = parse_version(spec.version)
        if version is not None and (best is None or version < best):
            best, inclusive = version, spec.operator == "<="
    return best, inclusive


def _poetry_conjunction(text: str) -> Bound | None:
    tokens = [token for token in _POETRY_TOKENS.split(_OPERATOR_SPACE.sub(r"\1", text)) if token]
    translated: list[str] = []
    for token in tokens:
        specifier = _poetry_token(token)
        if specifier is None:
            return None
        translated.extend(specifier)
    return pep440_bound(",".join(translated)) if translated else Bound()


def _poetry_token(token: str) -> list[str] | None:
    """One Poetry token as PEP 440 specifiers; [] for ``*``, None when unreadable."""
    if token == "*":
        return []
    if token.startswith("^"):
        return _range(token[1:], _caret_ceiling)
    if token.startswith("~") and not token.startswith("~="):
        return _range(token[1:], _tilde_ceiling)
    if token[0].isdigit():
        return [f"=={token}"]
    return [token]


def _range(text: str, ceiling_of: Callable[[tuple[int, ...]], str]) -> list[str] | None:
    version = parse_version(text)
    if version is None:
        return None
    return [f">={version}", f"<{ceiling_of(version.release)}"]


def _caret_ceiling(release: tuple[int, ...]) -> str:
    """^1.2.3 -> 2.0.0, ^0.2.3 -> 0.3.0, ^0.0.3 -> 0.0.4, ^0 -> 1 (Poetry's rules)."""
    index = next((i for i, part in enumerate(release) if part), len(release) - 1)
    return _bump(release, index)


def _tilde_ceiling(release: tuple[int, ...]) -> str:
    """~1.2.3 -> 1.3.0, ~1.2 -> 1.3.0, ~1 -> 2.0.0 (Poetry's rules)."""
    return _bump(release, min(1, len(release) - 1))


def _bump(release: tuple[int, ...], index: int) -> str:
    return ".".join(str(part) for part in (*release[:index], release[index] + 1))


def _without_trailing_zeros(release: tuple[int, ...]) -> tuple[int, ...]:
    end = len(release)
    while end and release[end - 1] == 0:
        end -= 1
    return release[:end]


PACKAGES = ("python", "fastapi", "pydantic", "starlette", "sqlalchemy")
"""The packages whose target versions are resolved (``target-versions`` keys)."""
_MAJOR_X = re.compile(r"^(\d+)\.x$")


def parse_target_override(package: str, text: str) -> Bound:
    """One ``target-versions`` value: ``1.10``, ``2``, ``1.x`` or a specifier (``>=2,<3``).

    Raises ``ValueError`` with a message for the user on an unknown package or value.
    """
    if package not in PACKAGES:
        raise ValueError(f"unknown package {package!r}; expected one of {', '.join(PACKAGES)}")
    major = _MAJOR_X.match(text.strip())
    if major is not None:
        return Bound(ceiling=Version(str(int(major.group(1)) + 1)))
    version = parse_version(text)
    bound = Bound(lowest=version, exact=True) if version else pep440_bound(text)
    if bound is None or bound.is_empty:
        raise ValueError(f"{package}: expected a version like '1.10' or '1.x', got {text!r}")
    return bound
