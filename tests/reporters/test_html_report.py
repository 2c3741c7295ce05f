"""``--output-format html``: the page's content, its escaping, and that it stays offline.

Parsed with the standard library's HTML parser: every element and attribute is checked
as a browser would see it, not searched for as text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser

from fastapi_lint import registry
from fastapi_lint.models import (
    ChainStep,
    Diagnostic,
    Edit,
    Fix,
    Report,
    RuleOff,
    RunContext,
    TargetInfo,
    TypeCoverage,
)
from fastapi_lint.reporters import html_report, render
from fastapi_lint.reporters.html_report.markup import code_spans, markdown
from fastapi_lint.review import (
    Dependency,
    Endpoint,
    EndpointFinding,
    FunctionMetrics,
    Review,
    SourceFile,
    Span,
)

RULES = tuple(rule.info() for rule in registry.all_rules())
HOSTILE = '</script><script>alert(1)</script><img src=x onerror="alert(2)">'
SOURCE = (
    "import time\n\n"
    f"BANNER = '{HOSTILE}'  # <!-- {HOSTILE}\n\n"
    "async def handler() -> None:\n"
    "    time.sleep(1)\n"
)


def finding(code: str, path: str, line: int, message: str, **extra: object) -> Diagnostic:
    rule = next(rule for rule in RULES if rule.code == code)
    values: dict = {
        "code": code,
        "name": rule.name,
        "family": rule.family,
        "severity": rule.severity,
        "message": message,
        "path": path,
        "line": line,
        "column": 5,
        "end_line": line,
        "end_column": 15,
        **extra,
    }
    return Diagnostic(**values)


SLEEP = finding(
    "FAPI101",
    "app/main.py",
    6,
    "Blocking call `time.sleep()` in async function `handler`; use `await asyncio.sleep()`",
    fix=Fix("safe", "Use `await asyncio.sleep()`", (Edit(6, 5, 6, 15, "await asyncio.sleep"),)),
)
CHAIN = finding(
    "FAPI102",
    "app/main.py",
    6,
    "Blocking call reached through `load()`",
    chain=(
        ChainStep("load", "app/main.py", 6),
        ChainStep("requests.get", "app/io.py", 3),
    ),
)
EVIL = finding("FAPI901", f"app/{HOSTILE}.py", 1, f"`print()` of {HOSTILE}")


def report(*diagnostics: Diagnostic, **extra: object) -> Report:
    values: dict = {
        "tool_version": "0.1.0",
        "files": 3,
        "diagnostics": tuple(sorted(diagnostics, key=Diagnostic.sort_key)),
        "rules": RULES,
        "type_coverage": TypeCoverage(7, 8),
        **extra,
    }
    return Report(**values)


def endpoint(**extra: object) -> Endpoint:
    values: dict = {
        "methods": ("GET",),
        "path": "/items/{item_id}",
        "handler": "handler",
        "handler_span": Span("app/main.py", 5, 6),
        "is_async": True,
        "response_model": None,
        "return_annotation": "None",
        "status_code": "status.HTTP_200_OK",
        "dependencies": (Dependency("get_db", Span("app/deps.py", 1, 3)), Dependency("auth")),
        "served_by": "app `app` (app/main.py:3)",
        "included": True,
        **extra,
    }
    return Endpoint(**values)


def review(the_report: Report, *endpoints: Endpoint, **extra: object) -> Review:
    values: dict = {
        "report": the_report,
        "endpoints": endpoints,
        "sources": (
            SourceFile("app/main.py", SOURCE, TypeCoverage(3, 4)),
            SourceFile("app/deps.py", "def get_db():\n    yield 1\n"),
        ),
        "functions": (FunctionMetrics("handler", Span("app/main.py", 5, 6), 1),),
        "routes_read": True,
        **extra,
    }
    return Review(**values)


@dataclass
class Page(HTMLParser):
    """What a browser would build: elements with their attributes, and scripts' text."""

    elements: list[tuple[str, dict[str, str | None]]] = field(default_factory=list)
    scripts: list[tuple[dict[str, str | None], str]] = field(default_factory=list)
    _script: dict[str, str | None] | None = None

    def __post_init__(self) -> None:
        super().__init__(convert_charrefs=True)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))
        if tag == "script":
            self._script = dict(attrs)
            self.scripts.append((self._script, ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._script = None

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            attrs, text = self.scripts[-1]
            self.scripts[-1] = (attrs, text + data)

    def tags(self, name: str) -> list[dict[str, str | None]]:
        return [attrs for tag, attrs in self.elements if tag == name]

    def with_class(self, name: str) -> list[tuple[str, dict[str, str | None]]]:
        return [e for e in self.elements if name in (e[1].get("class") or "").split()]


def parse(html: str) -> Page:
    page = Page()
    page.feed(html)
    page.close()
    return page


def file_id(page: Page, path: str) -> str | None:
    return next(a["id"] for a in page.tags("details") if a.get("data-path") == path)


def sources_of(page: Page) -> dict[str, str]:
    (text,) = [text for attrs, text in page.scripts if attrs.get("id") == "review-sources"]
    data: dict[str, str] = json.loads(text)
    return data


# --- escaping ------------------------------------------------------------------------


def test_hostile_source_message_and_path_stay_text() -> None:
    html = html_report.render_review(review(report(SLEEP, EVIL), endpoint()))
    page = parse(html)
    # Exactly the page's own two scripts, no image, no inline event handler anywhere.
    assert [attrs.get("id") or attrs.get("type") for attrs, _ in page.scripts] == [
        "review-sources",
        None,
    ]
    assert page.tags("img") == []
    handlers = [name for _, attrs in page.elements for name in attrs if name.startswith("on")]
    assert handlers == []
    # The hostile text is there, as text: in the data the script draws sources from...
    assert sources_of(page)[str(file_id(page, "app/main.py"))] == SOURCE
    # ...and in the message and the path a reader sees.
    assert html.count("&lt;img src=x onerror=&quot;alert(2)&quot;&gt;") >= 2
    assert "</script><script>alert(1)" not in html


def test_the_source_data_cannot_end_its_script() -> None:
    page_text = html_report.render_review(review(report(SLEEP)))
    data = page_text[page_text.index('id="review-sources">') :]
    data = data[: data.index("</script>")]
    assert "<" not in data and "&" not in data.replace("\\u0026", "")
    tricky = "x = '\u2028' + '<!--' + '</SCRIPT >'\n"
    sources = (SourceFile("app/main.py", tricky),)
    page = parse(html_report.render_review(review(report(SLEEP), sources=sources)))
    assert sources_of(page)["f1"] == tricky


def test_rule_docs_are_rendered_from_markdown_and_escaped() -> None:
    html = markdown(
        "## What it does\nFlags `<b>` and **x** <i>.\n- one\n- two\n```python\na < b\n```"
    )
    assert html == (
        "<h4>What it does</h4><p>Flags <code>&lt;b&gt;</code> and <strong>x</strong> "
        "&lt;i&gt;.</p><ul><li>one</li><li>two</li></ul>"
        '<pre><code class="language-python">a &lt; b</code></pre>'
    )
    assert code_spans("use `a<b` not <b>") == "use <code>a&lt;b</code> not &lt;b&gt;"
    assert code_spans("one ` alone <b>") == "one ` alone &lt;b&gt;"


# --- offline ---------------------------------------------------------------------------


def test_the_page_asks_for_nothing_from_the_network() -> None:
    html = html_report.render_review(review(report(SLEEP, CHAIN, EVIL), endpoint()))
    page = parse(html)
    urls = [
        value
        for _, attrs in page.elements
        for name, value in attrs.items()
        if name in ("src", "href", "action", "srcset", "data") and value
    ]
    assert urls and all(url.startswith("#") for url in urls), urls
    assert not re.search(
        r"(?i)(https?:)?//[a-z0-9.-]+\.[a-z]{2,}/?[^\s\"']*\.(js|css|woff2?)", html
    )
    (policy,) = [
        attrs["content"]
        for attrs in page.tags("meta")
        if attrs.get("http-equiv") == "Content-Security-Policy"
    ]
    assert policy is not None and policy.startswith("default-src 'none';")
    assert "@import" not in html and "url(" not in html


# --- content ---------------------------------------------------------------------------


def _endpoints(page: Page) -> list[dict[str, str | None]]:
    return [attrs for _, attrs in page.with_class("endpoint")]


def test_every_endpoint_is_listed_with_its_findings_or_as_clean() -> None:
    flagged = endpoint(findings=(EndpointFinding(1, "handler"), EndpointFinding(0, "get_db")))
    clean = endpoint(methods=("POST",), path="/items", handler="create", findings=())
    the_report = report(SLEEP, CHAIN)
    html = html_report.render_review(review(the_report, flagged, clean))
    page = parse(html)
    rows = _endpoints(page)
    assert [row["id"] for row in rows] == ["e1", "e2"]
    assert "clean" in (rows[1]["class"] or "") and "clean" not in (rows[0]["class"] or "")
    assert rows[0]["data-search"] == "get /items/{item_id} handler get_db auth  none"
    # The handler links to its line in the Files section, the dependency to its def.
    links = {attrs.get("href") for attrs in page.tags("a")}
    assert {"#f2-L5", "#f1-L1"} <= links  # app/main.py is f2, app/deps.py f1
    assert "status.HTTP_200_OK" in html and "in dependency <code>get_db</code>" in html


def test_a_chain_is_drawn_as_a_path_from_the_handler_to_the_blocking_call() -> None:
    flagged = endpoint(findings=(EndpointFinding(0, "handler"),))
    page = parse(html_report.render_review(review(report(CHAIN), flagged)))
    steps = [
        attrs.get("class") for _, attrs in page.elements if "step" in (attrs.get("class") or "")
    ]
    # In the endpoint (from the handler) and in the file (from the flagged call).
    assert steps == ["step start", "step", "step sink", "step", "step sink"]


def test_the_overview_counts_and_ranks() -> None:
    the_report = report(SLEEP, CHAIN, EVIL)
    html = html_report.render_review(review(the_report, endpoint()))
    page = parse(html)
    bars = [(attrs["data-filter"], attrs["data-value"]) for _, attrs in page.with_class("bar-row")]
    assert ("family", "async") in bars and ("rule", "FAPI101") in bars
    assert ("sev", "error") in bars
    assert "87.5%" in html  # type coverage 7 of 8
    assert "Most complex functions (radon cc)" not in html  # every function scores 1


def test_the_project_context_shows_targets_roles_and_rules_off() -> None:
    context = RunContext(
        targets=(TargetInfo("pydantic", "1.10.9", "locked", "poetry.lock:42"),),
        roles=(("app", 12), ("migration", 3)),
        rules_off=(RuleOff("FAPI601", "pydantic", ">=2"),),
    )
    html = html_report.render_review(review(report(SLEEP, context=context)))
    assert "What the project is" in html
    assert "<code>1.10.9</code>" in html and "poetry.lock:42" in html
    assert "<code>FAPI601</code>" in html and "needs pydantic &gt;=2" in html
    assert "migration" in html


def test_without_a_context_there_is_no_context_panel() -> None:
    assert "What the project is" not in html_report.render_review(review(report(SLEEP)))


def test_baseline_and_diff_from_say_what_the_page_leaves_out() -> None:
    narrowed = report(SLEEP, baselined=4, unchanged=2)
    html = html_report.render_review(review(narrowed, baseline="b.json", diff_from="main"))
    assert "4 findings hidden by the baseline recorded in b.json." in html
    assert "Only findings on lines changed since main are shown" in html
    assert "2 findings on unchanged lines left out." in html


def test_a_plain_report_renders_without_routes() -> None:
    html = render(report(SLEEP), "html")
    page = parse(html)
    assert _endpoints(page) == []
    assert "Routes are listed when a project is checked" in html
    assert [attrs["id"] for attrs in page.tags("details") if attrs.get("id")][:1] == ["f1"]


def test_a_project_without_routes_says_so() -> None:
    html = html_report.render_review(review(report(SLEEP)))
    assert "No routes found" in html


def test_rule_pages_are_embedded_for_the_rules_with_findings_only() -> None:
    page = parse(html_report.render_review(review(report(SLEEP, CHAIN))))
    rules = [
        attrs["id"] for attrs in page.tags("details") if (attrs.get("id") or "").startswith("rule-")
    ]
    assert rules == ["rule-FAPI101", "rule-FAPI102"]
    badges = {attrs.get("data-rule") for attrs in page.tags("a") if attrs.get("data-rule")}
    assert badges == {"FAPI101", "FAPI102"}


def test_files_with_findings_come_first_with_their_findings_listed() -> None:
    page = parse(html_report.render_review(review(report(SLEEP))))
    files = [attrs["data-path"] for attrs in page.tags("details") if attrs.get("data-path")]
    assert files == ["app/main.py", "app/deps.py"]
    items: Sequence[dict[str, str | None]] = [a for _, a in page.with_class("finding")]
    assert {(a["data-code"], a["data-line"], a["data-sev"]) for a in items} == {
        ("FAPI101", "6", "error")
    }
