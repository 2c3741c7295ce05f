"""The records of an API review: a run's report joined with the project's routes and sources.

The HTML report (``reporters/html_report``) shows the state of an API by endpoint, so it
needs more than a ``Report``: the route table, where each handler and dependency starts
and ends, the text of the files it shows. The runner assembles these records
(``runner/review``); the reporter reads them and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from fastapi_lint.models import Report, TypeCoverage


@dataclass(frozen=True, slots=True)
class Span:
    """Lines ``line`` to ``end_line`` (inclusive) of the file at ``path``."""

    path: str
    line: int
    end_line: int

    def holds(self, path: str, line: int) -> bool:
        return path == self.path and self.line <= line <= self.end_line


@dataclass(frozen=True, slots=True)
class FunctionMetrics:
    """A module-level function or a method, measured as radon measures it (FAPI405's score)."""

    name: str  # "read_user", or "UserService.get" for a method
    span: Span
    complexity: int

    @property
    def lines(self) -> int:
        return self.span.end_line - self.span.line + 1


@dataclass(frozen=True, slots=True)
class SourceFile:
    """A file the page shows: its text, and how much of it is annotated."""

    path: str
    text: str
    type_coverage: TypeCoverage = field(default_factory=TypeCoverage)


@dataclass(frozen=True, slots=True)
class Dependency:
    """A dependency of a route, as the route table names it; where it is defined, if known."""

    name: str
    span: Span | None = None


@dataclass(frozen=True, slots=True)
class EndpointFinding:
    """A finding that concerns an endpoint: ``report.diagnostics[index]``, found ``via``."""

    index: int
    via: str  # "handler", or the name of the dependency whose body holds it


@dataclass(frozen=True, slots=True)
class Endpoint:
    """One route of the route table (what ``fastapi-lint routes`` prints), with its findings."""

    methods: tuple[str, ...]
    path: str
    handler: str
    handler_span: Span  # from the ``def`` line; the end is the ``def`` line when unknown
    is_async: bool
    response_model: str | None
    return_annotation: str | None
    status_code: str | None  # ``status_code=`` as written; None when FastAPI's default
    dependencies: tuple[Dependency, ...]
    served_by: str  # the app, or the router no app includes
    included: bool
    findings: tuple[EndpointFinding, ...] = ()


@dataclass(frozen=True, slots=True)
class Review:
    """Everything the HTML report shows. Only ``report`` is there when no project was read."""

    report: Report
    endpoints: tuple[Endpoint, ...] = ()
    sources: tuple[SourceFile, ...] = ()
    functions: tuple[FunctionMetrics, ...] = ()
    # True when the route table was built: "no routes" then means the project has none.
    routes_read: bool = False
    baseline: str | None = None  # the --baseline file
    diff_from: str | None = None  # the --diff-from revision
