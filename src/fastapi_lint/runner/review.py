"""A run's ``Review``: its report joined with the route table and the files the page shows.

The route table is the one ``fastapi-lint routes`` prints (``project_model.routes``), in
the same order. A finding concerns an endpoint when it lies in the body of its handler or
of one of its dependencies; a FAPI102 finding there carries the chain of helpers down to
the blocking call. Functions are measured by radon, which scores complexity exactly as
FAPI405 does, so the page's "most complex" list and the rule agree.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from radon.complexity import cc_visit
from radon.visitors import Class

from fastapi_lint.decoding import DecodeProblem, decode_source
from fastapi_lint.models import Diagnostic, FileResult, Report, TypeCoverage
from fastapi_lint.project_model.project import FunctionRef, Project
from fastapi_lint.project_model.routes import RouteEntry, by_root, route_table
from fastapi_lint.review import (
    Dependency,
    Endpoint,
    EndpointFinding,
    FunctionMetrics,
    Review,
    SourceFile,
    Span,
)
from fastapi_lint.runner.jobs import FileJob

HANDLER = "handler"


@dataclass(frozen=True, slots=True)
class _Defined:
    """A dependency the project defines: its name as the route table gives it, its ``def``."""

    name: str
    path: str
    line: int


def build_review(
    report: Report,
    jobs: Sequence[FileJob],
    results: Sequence[FileResult],
    project: Project,
    *,
    baseline: str | None = None,
    diff_from: str | None = None,
) -> Review:
    """The review of a run of ``jobs``: ``report`` is what the run reports (narrowed)."""
    entries = ordered_routes(route_table(project))
    named = _functions_by_name(project)
    dependencies = {entry: _dependencies(entry, project, named) for entry in entries}
    shown = _shown_paths(report.diagnostics, entries, dependencies.values())
    sources = _sources(sorted(shown), jobs, results)
    functions = tuple(function for source in sources for function in measured(source))
    spans = {(f.span.path, f.span.line): f.span for f in functions}
    located = _Located(report.diagnostics)
    endpoints = tuple(_endpoint(entry, dependencies[entry], spans, located) for entry in entries)
    return Review(
        report=report,
        endpoints=endpoints,
        sources=sources,
        functions=functions,
        routes_read=True,
        baseline=baseline,
        diff_from=diff_from,
    )


def _sources(
    paths: Sequence[str], jobs: Sequence[FileJob], results: Sequence[FileResult]
) -> tuple[SourceFile, ...]:
    """The text of each file shown (those the run linted and can still read)."""
    files = {job.display_path: job.file for job in jobs}
    coverage = {result.path: result.type_coverage for result in results}
    found = []
    for path in paths:
        text = _read(files[path]) if path in files else None
        if text is not None:
            found.append(SourceFile(path, text, coverage.get(path, TypeCoverage())))
    return tuple(found)


def ordered_routes(entries: Sequence[RouteEntry]) -> list[RouteEntry]:
    """As ``fastapi-lint routes`` lists them: by the app serving them, then by path."""
    return [
        entry
        for group in by_root(list(entries))
        for entry in sorted(group, key=lambda e: (e.path, e.methods, e.file, e.line))
    ]


def _dependencies(
    entry: RouteEntry, project: Project, named: Mapping[str, list[FunctionRef]]
) -> list[_Defined | str]:
    """Each dependency's name, with the file and ``def`` line when the project defines it."""
    module = project.module_at(entry.file)
    found: list[_Defined | str] = []
    for name in entry.dependencies:
        ref = project.resolve(module.name, name) if module is not None else None
        if not isinstance(ref, FunctionRef):
            # Written where an include or an ``Annotated`` alias names it, not in the
            # handler's module: the project's one function of that name, if only one.
            matches = named.get(name.rpartition(".")[2], [])
            ref = matches[0] if len(matches) == 1 else None
        function = project.function(ref) if ref is not None else None
        if ref is not None and function is not None:
            found.append(_Defined(name, project.modules[ref.module].path, function.line))
        else:
            found.append(name)
    return found


def _functions_by_name(project: Project) -> dict[str, list[FunctionRef]]:
    named: dict[str, list[FunctionRef]] = {}
    for module, function in project.functions():
        named.setdefault(function.name, []).append(FunctionRef(module.name, function.name))
    return named


def _shown_paths(
    diagnostics: Iterable[Diagnostic],
    entries: Iterable[RouteEntry],
    dependencies: Iterable[list[_Defined | str]],
) -> set[str]:
    """Files with findings, with handlers or dependencies, or on a chain: the page links them."""
    shown = {diagnostic.path for diagnostic in diagnostics}
    shown |= {step.path for diagnostic in diagnostics for step in diagnostic.chain}
    shown |= {entry.file for entry in entries}
    shown |= {item.path for items in dependencies for item in items if isinstance(item, _Defined)}
    return shown


def _read(file: Path) -> str | None:
    try:
        decoded = decode_source(file.read_bytes())
    except OSError:
        return None
    return None if isinstance(decoded, DecodeProblem) else decoded


def measured(source: SourceFile) -> Iterator[FunctionMetrics]:
    """The module-level functions and the methods of ``source``, as radon scores them."""
    try:
        with warnings.catch_warnings():  # invalid escapes in the user's strings
            warnings.simplefilter("ignore")
            blocks = cc_visit(source.text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return  # FAPI000 says why; nothing to measure
    for block in blocks:
        if not isinstance(block, Class):  # radon lists each method on its own as well
            span = Span(source.path, block.lineno, block.endline)
            yield FunctionMetrics(block.fullname, span, block.complexity)


class _Located:
    """The findings of each file, for finding those inside a span."""

    def __init__(self, diagnostics: Sequence[Diagnostic]) -> None:
        self._by_path: dict[str, list[tuple[int, Diagnostic]]] = {}
        for index, diagnostic in enumerate(diagnostics):
            self._by_path.setdefault(diagnostic.path, []).append((index, diagnostic))

    def within(self, span: Span) -> list[int]:
        return [
            index
            for index, diagnostic in self._by_path.get(span.path, ())
            if span.holds(diagnostic.path, diagnostic.line)
        ]


def _endpoint(
    entry: RouteEntry,
    dependencies: list[_Defined | str],
    spans: Mapping[tuple[str, int], Span],
    located: _Located,
) -> Endpoint:
    handler = spans.get((entry.file, entry.line), Span(entry.file, entry.line, entry.line))
    resolved = [
        Dependency(
            item.name, spans.get((item.path, item.line), Span(item.path, item.line, item.line))
        )
        if isinstance(item, _Defined)
        else Dependency(item)
        for item in dependencies
    ]
    findings = [EndpointFinding(index, HANDLER) for index in located.within(handler)]
    seen = {finding.index for finding in findings}
    for dependency in resolved:
        if dependency.span is None:
            continue
        for index in located.within(dependency.span):
            if index not in seen:
                seen.add(index)
                findings.append(EndpointFinding(index, dependency.name))
    return Endpoint(
        methods=entry.methods,
        path=entry.path,
        handler=entry.handler,
        handler_span=handler,
        is_async=entry.is_async,
        response_model=entry.response_model,
        return_annotation=entry.return_annotation,
        status_code=entry.route.status_code,
        dependencies=tuple(resolved),
        served_by=_served_by(entry),
        included=entry.included,
        findings=tuple(findings),
    )


def _served_by(entry: RouteEntry) -> str:
    root = entry.root
    kind = "app" if root.is_app else "router"
    return f"{kind} `{root.name}` ({root.path}:{root.line})"
