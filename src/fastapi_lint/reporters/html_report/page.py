"""The page: sections, the filter bar, the embedded rule pages, inline style and script.

One file that opens from disk: the style and the script are read from ``assets/`` and
written inline, and a Content-Security-Policy forbids the page any network request.
"""

from __future__ import annotations

from collections import Counter
from functools import cache
from importlib import resources

from fastapi_lint.docs_links import rule_page_url
from fastapi_lint.models import Report, RuleInfo
from fastapi_lint.reporters.html_report.common import Anchors, plural
from fastapi_lint.reporters.html_report.endpoints import endpoints
from fastapi_lint.reporters.html_report.files import files, sources_json
from fastapi_lint.reporters.html_report.markup import code_spans, esc, join, markdown, tag
from fastapi_lint.reporters.html_report.overview import overview
from fastapi_lint.review import Review

# Nothing leaves the page: no fetch, no image, no font, no frame; only its inline parts.
_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
    "img-src data:; base-uri 'none'; form-action 'none'"
)


@cache
def _asset(name: str) -> str:
    return resources.files(__package__).joinpath("assets").joinpath(name).read_text("utf-8")


def page(review: Review) -> str:
    anchors = Anchors.of(review)
    report = review.report
    body = join(
        [
            _header(review),
            _filters(report),
            tag(
                "main",
                overview(review, anchors)
                + endpoints(review, anchors)
                + files(review, anchors)
                + _rules(report),
            ),
            _footer(report),
            '<div id="rule-dialog" class="dialog" hidden role="dialog" aria-modal="true">'
            '<div class="dialog-box"><button type="button" class="dialog-close" '
            'aria-label="Close">×</button><div class="dialog-body"></div></div></div>',
            '<script type="application/json" id="review-sources">'
            f"{sources_json(review, anchors)}</script>",
            f"<script>{_asset('review.js')}</script>",
        ]
    )
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{_POLICY}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(_title(review))}</title><style>{_asset('review.css')}</style></head>"
        f"<body>{body}</body></html>\n"
    )


def _title(review: Review) -> str:
    count = len(review.report.diagnostics)
    return f"API review: {plural(count, 'finding')} · fastapi-lint"


def _header(review: Review) -> str:
    report = review.report
    counts = {
        "endpoints": len(review.endpoints),
        "files": len({d.path for d in report.diagnostics}),
        "rules": len(report.by_code()),
    }
    links = [tag("a", "Overview", href="#overview")]
    for section, label in (("endpoints", "Endpoints"), ("files", "Files"), ("rules", "Rules")):
        count = tag("span", f"{counts[section]:,}", class_="count")
        links.append(tag("a", esc(label) + count, href=f"#{section}"))
    brand = tag("div", tag("strong", "fastapi-lint") + tag("span", "API review"), class_="brand")
    inner = tag("div", brand + tag("nav", join(links)), class_="bar-inner")
    return tag("header", inner, class_="top")


def _filters(report: Report) -> str:
    """Search, family chips, rule, severity and path: the script applies them to every list."""
    families = report.by_family()
    chips = join(
        tag(
            "button",
            esc(family) + tag("span", f"{count:,}", class_="count"),
            type="button",
            class_="chip",
            data_family=family,
            aria_pressed="false",
        )
        for family, count in families.items()
    )
    rules = join(
        tag("option", esc(f"{code} ({count:,})"), value=code)
        for code, count in report.by_code().items()
    )
    search = tag(
        "input",
        type="search",
        id="q",
        placeholder="Search findings, endpoints, files",
        aria_label="Search",
    )
    rule = tag("select", tag("option", "All rules", value="") + rules, id="rule", aria_label="Rule")
    severity = tag(
        "select",
        tag("option", "Any severity", value="")
        + tag("option", "Errors", value="error")
        + tag("option", "Warnings", value="warning"),
        id="sev",
        aria_label="Severity",
    )
    path = tag("input", type="text", id="path", placeholder="Path contains", aria_label="Path")
    reset = tag("button", "Reset", type="button", id="reset", class_="reset")
    first = tag("div", search + rule + severity + path + reset, class_="filter-row")
    label = tag("span", "Families", class_="filter-label")
    shown = tag("span", "", id="shown", class_="shown", aria_live="polite")
    second = tag("div", label + tag("div", chips, class_="chips") + shown, class_="filter-row")
    controls = [first, second]
    return tag("div", join(controls), class_="filters", id="filters", role="search")


def _rules(report: Report) -> str:
    used = report.by_code()
    infos = [rule for rule in report.rules if rule.code in used]
    text = "The documentation of every rule with findings, as `fastapi-lint rule CODE` prints it."
    intro = tag("p", code_spans(text), class_="muted")
    rules = join(_rule(rule, used[rule.code]) for rule in infos)
    return tag("section", tag("h2", "Rules") + intro + rules, id="rules")


def _rule(rule: RuleInfo, count: int) -> str:
    summary = tag("code", esc(rule.code), class_=f"code sev-{rule.severity}")
    summary += tag("span", esc(rule.name), class_="rule-name")
    summary += tag("span", esc(rule.family), class_="family")
    summary += tag("span", esc(plural(count, "finding")), class_="muted")
    page = rule_page_url(rule.name)
    published = (
        tag("p", "Published page: " + tag("span", esc(page), class_="url"), class_="muted")
        if page
        else ""
    )
    body = tag("div", markdown(rule.docs) + published, class_="doc")
    return tag("details", tag("summary", summary) + body, id=f"rule-{rule.code}", class_="rule")


def _footer(report: Report) -> str:
    counts = Counter(d.severity for d in report.diagnostics)
    text = (
        f"fastapi-lint {report.tool_version} · {plural(report.files, 'file')} checked · "
        f"{plural(counts['error'], 'error')}, {plural(counts['warning'], 'warning')}"
    )
    return tag("footer", esc(text))
