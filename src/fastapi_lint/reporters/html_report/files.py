"""Files: each file with its findings, shown in its source as coverage.py shows coverage.

The list of findings is written into the page; the source is carried as JSON and drawn
by the page's script when a file is opened (a large project's sources would otherwise
make tens of thousands of elements nobody looks at).
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from fastapi_lint.models import Diagnostic, TypeCoverage
from fastapi_lint.reporters.html_report.common import (
    Anchors,
    finding_item,
    plural,
    severity_counts,
)
from fastapi_lint.reporters.html_report.markup import esc, join, tag
from fastapi_lint.review import Review


def files(review: Review, anchors: Anchors) -> str:
    by_path: dict[str, list[Diagnostic]] = {}
    for diagnostic in review.report.diagnostics:
        by_path.setdefault(diagnostic.path, []).append(diagnostic)
    coverage = {source.path: source.type_coverage for source in review.sources}
    shown = sorted(anchors.by_path, key=lambda path: (not by_path.get(path), path))
    rows = join(_file(path, by_path.get(path, []), coverage.get(path), anchors) for path in shown)
    flagged = len(by_path)
    intro = (
        f"{plural(flagged, 'file')} with findings, then the other files the endpoints link "
        "to. Open a file to read its source with each finding under its line."
    )
    title = tag("h2", "Files")
    return tag("section", title + tag("p", esc(intro), class_="muted") + rows, id="files")


def _coverage(coverage: TypeCoverage | None) -> str:
    if coverage is None or coverage.total == 0:
        return ""
    label = f"{coverage.percent:.0f}% typed"
    return tag("span", esc(label), class_="typed", title=f"{coverage.annotated}/{coverage.total}")


def _file(
    path: str, found: Sequence[Diagnostic], coverage: TypeCoverage | None, anchors: Anchors
) -> str:
    file = anchors.file(path) or ""
    summary = tag("code", esc(path), class_="file-path")
    summary += tag("span", severity_counts(found) + _coverage(coverage), class_="counts")
    items = join(finding_item(diagnostic, anchors) for diagnostic in found)
    listed = tag("ol", items, class_="findings file-findings") if items else ""
    source = tag("div", "", class_="source", data_file=file)
    return tag(
        "details",
        tag("summary", summary) + listed + source,
        id=file,
        class_="file" + ("" if found else " clean"),
        data_path=path,
    )


def sources_json(review: Review, anchors: Anchors) -> str:
    """``{"f3": "text"}`` for a ``<script type="application/json">``: no ``</script>``."""
    data = {
        anchors.by_path[source.path]: source.text
        for source in review.sources
        if source.path in anchors.by_path
    }
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    # Inside <script>, only "</" and "<!--" matter; escaping every <, > and & is simplest.
    for raw, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(raw, escaped)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
