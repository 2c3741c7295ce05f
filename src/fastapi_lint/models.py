"""Plain, frozen result records shared by the engine and the reporters.

Nothing here knows about LibCST: reporters, caches and worker processes only ever
see these records, so they stay cheap to pickle and easy to serialise.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, TypeAlias

if TYPE_CHECKING:
    from fastapi_lint.summary.records import ModuleSummary

Severity = Literal["error", "warning"]
# JSON documents the reporters build: precise enough for mypy, no `Any`.
JsonValue: TypeAlias = "None | bool | int | float | str | list[JsonValue] | dict[str, JsonValue]"
JsonObject: TypeAlias = "dict[str, JsonValue]"
Applicability = Literal["safe", "unsafe"]


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace the text between two 1-based positions with ``content``."""

    line: int
    column: int
    end_line: int
    end_column: int
    content: str


@dataclass(frozen=True, slots=True)
class Fix:
    applicability: Applicability
    message: str
    edits: tuple[Edit, ...]


@dataclass(frozen=True, slots=True)
class ChainStep:
    """One call of a chain leading to a finding: ``function`` is called at ``path:line``."""

    function: str
    path: str
    line: int


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One finding. Lines and columns are 1-based; the end is exclusive."""

    code: str
    name: str
    family: str
    severity: Severity
    message: str
    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    source_line: str = ""
    fix: Fix | None = None
    # For findings about a chain of calls (FAPI102): each call, from the flagged one on.
    chain: tuple[ChainStep, ...] = ()

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.line, self.column, self.code)


@dataclass(frozen=True, slots=True)
class RuleInfo:
    """What reporters (SARIF, the rule listing) need to know about a rule."""

    code: str
    name: str
    family: str
    severity: Severity
    summary: str
    docs: str
    default_enabled: bool
    fixable: bool
    # The file roles it reviews (``app``, ``script``...), and the target versions its
    # advice and its fixes need, as (package, specifier) pairs.
    roles: tuple[str, ...] = ()
    requires: tuple[tuple[str, str], ...] = ()
    fix_requires: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class InternalError:
    """A crash inside one rule (or the engine) on one file; the run goes on."""

    path: str
    rule: str
    message: str


# The message of the engine's internal error for a file whose worker process died: the file
# was not checked at all, and reports say so.
WORKER_CRASHED = "a worker process crashed"


@dataclass(frozen=True, slots=True)
class TypeCoverage:
    """Annotated parameters and returns over all of them."""

    annotated: int = 0
    total: int = 0

    def __add__(self, other: TypeCoverage) -> TypeCoverage:
        return TypeCoverage(self.annotated + other.annotated, self.total + other.total)

    @property
    def percent(self) -> float:
        return 100.0 if self.total == 0 else round(100.0 * self.annotated / self.total, 1)


@dataclass(frozen=True, slots=True)
class FileResult:
    path: str
    diagnostics: tuple[Diagnostic, ...] = ()
    internal_errors: tuple[InternalError, ...] = ()
    type_coverage: TypeCoverage = field(default_factory=TypeCoverage)
    # What whole-project analysis needs from the file; None unless it was asked for.
    summary: ModuleSummary | None = None
    # A result from the cache keeps its summary as the cached JSON text, decoded only if
    # the whole-project step has to run (its findings are cached too); and its cache key.
    # A result just stored has both: the summary, and the text the entry holds.
    summary_json: str | None = None
    cache_key: str | None = None


@dataclass(frozen=True, slots=True)
class TargetInfo:
    """A version the project targets, as gates read it, and where it came from."""

    package: str
    version: str
    """``1.10.9``, ``1.x``; ``latest`` when nothing says."""
    origin: str
    """``locked``, ``declared``, ``inferred``, ``code evidence``, ``configured``..."""
    source: str
    """``pyproject.toml:14``, ``code evidence (app/config.py:3: ...)``..."""


@dataclass(frozen=True, slots=True)
class RuleOff:
    """A selected rule switched off for the project: a target version it does not support."""

    code: str
    package: str
    needs: str
    """What the rule's advice needs: ``>=2``."""


@dataclass(frozen=True, slots=True)
class RunContext:
    """What a run knew about the project: its targets, its files' roles, the rules off."""

    targets: tuple[TargetInfo, ...] = ()
    roles: tuple[tuple[str, int], ...] = ()
    """Files checked per role (``("app", 120)``), in the order roles are listed."""
    rules_off: tuple[RuleOff, ...] = ()

    def target(self, package: str) -> TargetInfo | None:
        return next((target for target in self.targets if target.package == package), None)


@dataclass(frozen=True, slots=True)
class Report:
    """Everything a reporter renders: sorted diagnostics plus run metadata."""

    tool_version: str
    files: int
    diagnostics: tuple[Diagnostic, ...]
    rules: tuple[RuleInfo, ...]
    internal_errors: tuple[InternalError, ...] = ()
    type_coverage: TypeCoverage = field(default_factory=TypeCoverage)
    # Findings left out of ``diagnostics``: recorded in the ``--baseline`` file, or on lines
    # that ``--diff-from`` did not see change. None when that flag was not given.
    baselined: int | None = None
    unchanged: int | None = None
    # The project context the run used; None when it had none (standard input).
    context: RunContext | None = None

    def by_code(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for diagnostic in self.diagnostics:
            counts[diagnostic.code] = counts.get(diagnostic.code, 0) + 1
        return dict(sorted(counts.items()))

    def fixable(self) -> tuple[int, int]:
        """How many findings have a safe fix, and how many an unsafe one."""
        fixes = [d.fix.applicability for d in self.diagnostics if d.fix is not None]
        return fixes.count("safe"), fixes.count("unsafe")

    def by_family(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for diagnostic in self.diagnostics:
            counts[diagnostic.family] = counts.get(diagnostic.family, 0) + 1
        return dict(sorted(counts.items()))
