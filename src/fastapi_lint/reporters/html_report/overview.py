"""The Overview: headline figures, findings per family and rule, what to look at first,
what the run knew about the project, and what ``--baseline``/``--diff-from`` left out."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

from fastapi_lint.models import Report, RunContext
from fastapi_lint.reporters.html_report.common import Anchors, plural, span_link
from fastapi_lint.reporters.html_report.markup import esc, join, tag
from fastapi_lint.review import FunctionMetrics, Review

_TOP = 8  # rows of each "look here first" list


def overview(review: Review, anchors: Anchors) -> str:
    report = review.report
    parts = [
        tag("h2", "Overview"),
        _figures(review),
        _scope(review),
        tag("div", _family_chart(report) + _rule_chart(report), class_="charts"),
        _attention(review, anchors),
        _context(report),
    ]
    return tag("section", join(parts), id="overview")


def _figure(label: str, value: str, note: str = "", kind: str = "") -> str:
    content = tag("div", esc(value), class_="value") + tag("div", esc(label), class_="label")
    if note:
        content += tag("div", esc(note), class_="note")
    return tag("div", content, class_=f"figure {kind}".strip())


def _figures(review: Review) -> str:
    report = review.report
    errors = sum(1 for d in report.diagnostics if d.severity == "error")
    warnings = len(report.diagnostics) - errors
    safe, unsafe = report.fixable()
    with_findings = sum(1 for endpoint in review.endpoints if endpoint.findings)
    coverage = report.type_coverage
    figures = [
        _figure(
            "findings",
            f"{len(report.diagnostics):,}",
            f"{errors:,} errors · {warnings:,} warnings",
            "bad" if errors else "",
        ),
        _figure("endpoints", f"{len(review.endpoints):,}", f"{with_findings:,} with findings")
        if review.routes_read
        else "",
        _figure("files checked", f"{report.files:,}", _files_note(report)),
        _figure(
            "type coverage",
            f"{coverage.percent:.1f}%",
            f"{coverage.annotated:,} of {coverage.total:,} annotations",
        ),
        _figure("fixable", f"{safe + unsafe:,}", f"{safe:,} safe · {unsafe:,} unsafe"),
    ]
    return tag("div", join(figures), class_="figures")


def _files_note(report: Report) -> str:
    count = len({diagnostic.path for diagnostic in report.diagnostics})
    return f"{count:,} with findings"


def _scope(review: Review) -> str:
    """Say what the page leaves out, so that a short list is not misread as a clean API."""
    report, notes = review.report, []
    if report.baselined is not None:
        where = f" recorded in {review.baseline}" if review.baseline else ""
        notes.append(f"{plural(report.baselined, 'finding')} hidden by the baseline{where}.")
    if report.unchanged is not None:
        since = f" since {review.diff_from}" if review.diff_from else ""
        notes.append(
            f"Only findings on lines changed{since} are shown: "
            f"{plural(report.unchanged, 'finding')} on unchanged lines left out."
        )
    if report.internal_errors:
        notes.append(f"{plural(len(report.internal_errors), 'internal error')} during the run.")
    return tag("div", join(tag("p", esc(note)) for note in notes), class_="scope") if notes else ""


def _bars(title: str, rows: Sequence[tuple[str, str, int, str]], filter_key: str) -> str:
    """Horizontal bars: (label HTML, filter value, count, colour class) per row."""
    if not rows:
        return tag("h3", esc(title)) + tag("p", "No findings.", class_="muted")
    top = max(count for _, _, count, _ in rows)
    return tag("h3", esc(title)) + join(
        _bar(label, value, count, colour, filter_key, top) for label, value, count, colour in rows
    )


def _bar(label: str, value: str, count: int, colour: str, filter_key: str, top: int) -> str:
    width = f"width:{max(100 * count / top, 2):.1f}%"
    bar = tag("span", tag("span", "", class_=f"bar {colour}", style=width), class_="track")
    return tag(
        "button",
        tag("span", label, class_="bar-label")
        + bar
        + tag("span", f"{count:,}", class_="bar-count"),
        type="button",
        class_="bar-row",
        data_filter=filter_key,
        data_value=value,
        title=f"Show only {value}",
    )


def family_class(family: str, families: Sequence[str]) -> str:
    return f"c{sorted(families).index(family) % 8}" if family in families else "c0"


def _family_chart(report: Report) -> str:
    counts = report.by_family()
    families = list(counts)
    rows = [
        (esc(family), family, count, family_class(family, families))
        for family, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    ]
    severities = Counter(diagnostic.severity for diagnostic in report.diagnostics)
    by_severity = [
        (esc(f"{severity}s"), severity, severities[severity], f"sev-{severity}")
        for severity in ("error", "warning")
        if severities[severity]
    ]
    severity_chart = tag("div", _bars("By severity", by_severity, "sev"), class_="sub")
    return tag("div", _bars("Findings by family", rows, "family") + severity_chart, class_="chart")


def _rule_chart(report: Report) -> str:
    names = {rule.code: rule for rule in report.rules}
    families = list(report.by_family())
    counts = Counter(diagnostic.code for diagnostic in report.diagnostics)
    rows = []
    for code, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:12]:
        rule = names.get(code)
        label = tag("code", esc(code)) + (
            tag("span", esc(rule.name), class_="rule-name") if rule else ""
        )
        family = rule.family if rule else ""
        rows.append((label, code, count, family_class(family, families)))
    more = len(counts) - len(rows)
    title = "Findings by rule" + (f" (top 12 of {len(counts)})" if more > 0 else "")
    return tag("div", _bars(title, rows, "rule"), class_="chart rules")


def _table(title: str, head: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    body = join(tag("tr", join(tag("td", cell) for cell in row)) for row in rows)
    if not body:
        return ""
    header = tag("tr", join(tag("th", esc(cell)) for cell in head))
    return tag(
        "div",
        tag("h3", esc(title)) + tag("table", tag("thead", header) + tag("tbody", body)),
        class_="panel",
    )


def _attention(review: Review, anchors: Anchors) -> str:
    panels = [
        _busiest_files(review, anchors),
        _busiest_endpoints(review, anchors),
        _longest(review, anchors),
        _most_complex(review, anchors),
    ]
    content = join(panels)
    if not content:
        return ""
    return tag(
        "div", tag("h3", "Look here first", class_="group") + tag("div", content, class_="panels")
    )


def _busiest_files(review: Review, anchors: Anchors) -> str:
    counts = Counter(diagnostic.path for diagnostic in review.report.diagnostics)
    rows = [
        (_file_link(anchors, path), f"{count:,}")
        for path, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:_TOP]
    ]
    return _table("Files with the most findings", ("file", "findings"), rows)


def _file_link(anchors: Anchors, path: str) -> str:
    file = anchors.file(path)
    label = tag("code", esc(path))
    return tag("a", label, href=f"#{file}", class_="file-link") if file else label


def _busiest_endpoints(review: Review, anchors: Anchors) -> str:
    numbered = [(n, e) for n, e in enumerate(review.endpoints, start=1) if e.findings]
    ranked = sorted(numbered, key=lambda item: (-len(item[1].findings), item[1].path))[:_TOP]
    rows = [
        (
            tag("a", tag("code", esc(f"{' '.join(e.methods)} {e.path}")), href=f"#e{number}"),
            f"{len(e.findings):,}",
        )
        for number, e in ranked
    ]
    return _table("Endpoints with the most findings", ("endpoint", "findings"), rows)


def _longest(review: Review, anchors: Anchors) -> str:
    ranked = sorted(review.functions, key=lambda f: (-f.lines, f.span.path, f.span.line))[:_TOP]
    rows = [(_function(anchors, f), f"{f.lines:,}") for f in ranked if f.lines > 1]
    return _table("Longest functions", ("function", "lines"), rows)


def _most_complex(review: Review, anchors: Anchors) -> str:
    ranked = sorted(review.functions, key=lambda f: (-f.complexity, f.span.path, f.span.line))[
        :_TOP
    ]
    rows = [(_function(anchors, f), f"{f.complexity}") for f in ranked if f.complexity > 1]
    return _table("Most complex functions (radon cc)", ("function", "complexity"), rows)


def _function(anchors: Anchors, function: FunctionMetrics) -> str:
    where = tag("span", esc(function.span.path), class_="where")
    return span_link(anchors, function.span, function.name) + where


def _context(report: Report) -> str:
    """Target versions, file roles and the rules they switched off (when the run knew them)."""
    context = report.context
    if context is None:
        return ""
    panels = [_targets(context), _roles(report, context), _rules_off(context)]
    content = join(panels)
    if not content:
        return ""
    return tag(
        "div",
        tag("h3", "What the project is", class_="group") + tag("div", content, class_="panels"),
    )


def _targets(context: RunContext) -> str:
    rows = [
        (tag("code", esc(t.package)), tag("code", esc(t.version)), esc(t.source or t.origin))
        for t in context.targets
    ]
    return _table("Target versions", ("package", "version", "read from"), rows)


def _roles(report: Report, context: RunContext) -> str:
    rows = []
    for role, count in context.roles:
        skipped = [rule.code for rule in report.rules if rule.roles and role not in rule.roles]
        off = ", ".join(skipped) if len(skipped) <= 6 else f"{len(skipped)} rules"
        rows.append((esc(role), f"{count:,}", esc(off or "none")))
    return _table("Files by role", ("role", "files", "rules off there"), rows)


def _rules_off(context: RunContext) -> str:
    rows = [
        (tag("code", esc(off.code)), esc(f"needs {off.package} {off.needs}"))
        for off in context.rules_off
    ]
    return _table("Rules off for the target versions", ("rule", "why"), rows)
