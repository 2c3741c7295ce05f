"""What the sections of the page share: ids, finding markup, severity and method badges."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from fastapi_lint.models import ChainStep, Diagnostic
from fastapi_lint.reporters.html_report.markup import code_spans, esc, tag
from fastapi_lint.review import Review, Span


@dataclass(frozen=True, slots=True)
class Anchors:
    """The ids the page gives files (``f3``) and their lines (``f3-L12``)."""

    by_path: dict[str, str]

    @classmethod
    def of(cls, review: Review) -> Anchors:
        paths = {source.path for source in review.sources}
        paths |= {diagnostic.path for diagnostic in review.report.diagnostics}
        return cls({path: f"f{index}" for index, path in enumerate(sorted(paths), start=1)})

    def file(self, path: str) -> str | None:
        return self.by_path.get(path)

    def line(self, path: str, line: int) -> str | None:
        file = self.by_path.get(path)
        return None if file is None else f"#{file}-L{line}"


def plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}" if count == 1 else f"{count:,} {noun}s"


def location(anchors: Anchors, path: str, line: int, text: str | None = None) -> str:
    """``path:line`` linking to that line in the Files section (plain text if not shown)."""
    label = esc(text if text is not None else f"{path}:{line}")
    href = anchors.line(path, line)
    return tag("a", label, href=href, class_="loc") if href else tag("span", label, class_="loc")


def span_link(anchors: Anchors, span: Span, label: str) -> str:
    return location(anchors, span.path, span.line, label)


def code_badge(code: str, severity: str) -> str:
    """A rule code that opens the rule's page."""
    return tag("a", esc(code), href=f"#rule-{code}", class_=f"code sev-{severity}", data_rule=code)


def finding_item(
    diagnostic: Diagnostic, anchors: Anchors, *, via: str | None = None, start: str | None = None
) -> str:
    """One finding: badge, message, where; its FAPI102 chain drawn as a path."""
    message = tag("span", code_spans(diagnostic.message), class_="msg")
    head = code_badge(diagnostic.code, diagnostic.severity) + message
    where = location(anchors, diagnostic.path, diagnostic.line)
    if via is not None and via != "handler":
        where += tag("span", f"in dependency {tag('code', esc(via))}", class_="via")
    body = tag("div", head, class_="head") + tag(
        "div", where + _fix_note(diagnostic), class_="meta"
    )
    if diagnostic.chain:
        body += chain(diagnostic.chain, anchors, start)
    return tag(
        "li",
        body,
        class_="finding",
        data_code=diagnostic.code,
        data_family=diagnostic.family,
        data_sev=diagnostic.severity,
        data_path=diagnostic.path,
        data_line=diagnostic.line,
    )


def _fix_note(diagnostic: Diagnostic) -> str:
    if diagnostic.fix is None:
        return ""
    kind = "safe fix" if diagnostic.fix.applicability == "safe" else "unsafe fix"
    return tag("span", esc(kind), class_=f"fix fix-{diagnostic.fix.applicability}")


def chain(steps: Sequence[ChainStep], anchors: Anchors, start: str | None) -> str:
    """The calls from the flagged one to the blocking one, as a path of steps."""
    items = [tag("li", tag("code", esc(f"{start}()")), class_="step start")] if start else []
    last = len(steps) - 1
    for index, step in enumerate(steps):
        name = tag("code", esc(f"{step.function}()"))
        where = location(anchors, step.path, step.line, f"{step.path}:{step.line}")
        kind = "step sink" if index == last else "step"
        items.append(tag("li", name + where, class_=kind))
    return tag("ol", "".join(items), class_="chain", aria_label="call chain")


_METHOD_CLASSES = {
    "GET": "get",
    "POST": "post",
    "PUT": "put",
    "PATCH": "patch",
    "DELETE": "delete",
    "WEBSOCKET": "ws",
}


def method_badge(method: str) -> str:
    kind = _METHOD_CLASSES.get(method, "other")
    return tag("span", esc(method), class_=f"method m-{kind}")


def severity_counts(diagnostics: Sequence[Diagnostic]) -> str:
    """``2 errors`` ``1 warning`` pills; nothing when there are none."""
    errors = sum(1 for diagnostic in diagnostics if diagnostic.severity == "error")
    warnings = len(diagnostics) - errors
    pills = []
    if errors:
        pills.append(tag("span", esc(plural(errors, "error")), class_="pill sev-error"))
    if warnings:
        pills.append(tag("span", esc(plural(warnings, "warning")), class_="pill sev-warning"))
    return "".join(pills) or tag("span", "clean", class_="pill clean")
