"""API review by endpoint: every route of the route table, with the findings that concern it."""

from __future__ import annotations

import re
from collections.abc import Sequence

from fastapi_lint.models import Diagnostic
from fastapi_lint.reporters.html_report.common import (
    Anchors,
    finding_item,
    method_badge,
    plural,
    severity_counts,
    span_link,
)
from fastapi_lint.reporters.html_report.markup import code_spans, esc, join, tag
from fastapi_lint.review import Endpoint, Review

_PARAMETER = re.compile(r"(\{[^{}]*\})")


def endpoints(review: Review, anchors: Anchors) -> str:
    title = tag("h2", "API review by endpoint")
    if not review.routes_read:
        note = "Routes are listed when a project is checked (not standard input)."
        return tag("section", title + tag("p", esc(note), class_="muted"), id="endpoints")
    if not review.endpoints:
        note = "No routes found: no FastAPI app or router registers a route in the files checked."
        return tag("section", title + tag("p", esc(note), class_="muted"), id="endpoints")
    intro = tag("p", code_spans(_intro(review.endpoints)), class_="muted")
    groups: dict[str, list[tuple[int, Endpoint]]] = {}
    for number, endpoint in enumerate(review.endpoints, start=1):
        groups.setdefault(endpoint.served_by, []).append((number, endpoint))
    body = join(_group(review, anchors, group) for group in groups.values())
    return tag("section", title + intro + body, id="endpoints")


def _intro(all_endpoints: Sequence[Endpoint]) -> str:
    flagged = sum(1 for endpoint in all_endpoints if endpoint.findings)
    return (
        f"{plural(len(all_endpoints), 'route')}, {flagged:,} with findings in the handler, "
        "in a dependency, or in a helper they call. The full path is what FastAPI serves "
        "(router and include prefixes applied), as `fastapi-lint routes` prints it."
    )


def _group(review: Review, anchors: Anchors, group: list[tuple[int, Endpoint]]) -> str:
    first = group[0][1]
    heading = tag("span", code_spans(f"Served by {first.served_by}"), class_="served-by")
    if not first.included:
        heading += tag("span", "never included in an app", class_="pill sev-warning")
    heading += tag("span", esc(plural(len(group), "route")), class_="muted")
    rows = join(_endpoint(review, anchors, number, endpoint) for number, endpoint in group)
    return tag("div", tag("h3", heading, class_="group") + tag("div", rows, class_="endpoint-list"))


def _path(path: str) -> str:
    pieces = _PARAMETER.split(path)
    return join(
        tag("span", esc(piece), class_="param") if _PARAMETER.fullmatch(piece) else esc(piece)
        for piece in pieces
    )


def _search_text(endpoint: Endpoint) -> str:
    words = [*endpoint.methods, endpoint.path, endpoint.handler]
    words += [dependency.name for dependency in endpoint.dependencies]
    words += [endpoint.response_model or "", endpoint.return_annotation or ""]
    return " ".join(words).lower()


def _endpoint(review: Review, anchors: Anchors, number: int, endpoint: Endpoint) -> str:
    found = [review.report.diagnostics[finding.index] for finding in endpoint.findings]
    line = tag("span", join(method_badge(m) for m in endpoint.methods), class_="methods")
    line += tag("code", _path(endpoint.path), class_="route-path")
    line += tag("span", severity_counts(found), class_="counts")
    summary = tag("div", line, class_="route-line") + _details(endpoint, anchors)
    paths = {endpoint.handler_span.path, *(d.span.path for d in endpoint.dependencies if d.span)}
    values = {
        "id": f"e{number}",
        "data_route": f"{' '.join(endpoint.methods)} {endpoint.path}",
        "data_search": _search_text(endpoint),
        "data_paths": " ".join(sorted(paths)),
    }
    if not found:
        return tag("div", tag("div", summary, class_="summary"), class_="endpoint clean", **values)
    items = _findings(anchors, endpoint, found)
    content = tag("summary", summary) + tag("ol", items, class_="findings")
    return tag("details", content, class_="endpoint", **values)


def _findings(anchors: Anchors, endpoint: Endpoint, found: Sequence[Diagnostic]) -> str:
    pairs = sorted(
        zip(endpoint.findings, found, strict=True),
        key=lambda pair: (pair[1].severity != "error", pair[1].path, pair[1].line),
    )  # errors first, then in the order of the code
    return join(
        finding_item(
            diagnostic, anchors, via=finding.via, start=_chain_start(endpoint, finding.via)
        )
        for finding, diagnostic in pairs
    )


def _chain_start(endpoint: Endpoint, via: str) -> str:
    return endpoint.handler if via == "handler" else via


def _details(endpoint: Endpoint, anchors: Anchors) -> str:
    """Handler, kind, response, status code and dependencies, on one line under the path."""
    handler = endpoint.handler_span
    link = tag(
        "a",
        esc(f"{endpoint.handler}()"),
        href=anchors.line(handler.path, handler.line),
        class_="loc",
        data_handler=f"{handler.path}:{handler.line}",
    )
    items = [
        _item("handler", link),
        tag("span", "async" if endpoint.is_async else "sync", class_="kind"),
        _item("response", tag("code", esc(_response(endpoint)))),
        _item("status", tag("code", esc(endpoint.status_code or "default"))),
    ]
    if endpoint.dependencies:
        links = [
            span_link(anchors, d.span, d.name) if d.span else tag("code", esc(d.name))
            for d in endpoint.dependencies
        ]
        items.append(_item("depends on", ", ".join(links)))
    return tag("div", join(items), class_="route-details")


def _item(label: str, value: str) -> str:
    return tag("span", tag("span", esc(label), class_="label") + value, class_="detail")


def _response(endpoint: Endpoint) -> str:
    if endpoint.response_model is not None:
        return endpoint.response_model
    if endpoint.return_annotation:
        return f"-> {endpoint.return_annotation}"
    return "not declared"
