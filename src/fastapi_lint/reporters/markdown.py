"""A pull-request review in Markdown, shaped like the review checklist the rules encode.

A headline with the type coverage, a table of findings per checklist family, then per
family and rule the findings (``path:line``, message, offending line) and, once per
rule, its "Use instead" example in a collapsible ``<details>``. Ready to post as a
GitHub or GitLab comment: each rule lists at most :data:`PER_RULE` findings, and fewer
when the review would not fit in one GitHub comment (65,536 characters); the review
says how many it left out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from itertools import groupby

from fastapi_lint.models import Diagnostic, Report, RuleInfo

TITLE = "## fastapi-lint review"
PER_RULE = 10
GITHUB_COMMENT_LIMIT = 65_536
# Tried in order until the review fits in one comment: (findings per rule, examples).
_BUDGETS = ((PER_RULE, True), (5, True), (2, True), (0, True), (0, False))

# The checklist's own headings (shared/design/checklist.md), so the review reads like it.
FAMILY_TITLES: Mapping[str, str] = {
    "syntax": "syntax: files that could not be analysed",
    "async": "async: nothing blocks the event loop",
    "typing": "typing: type hints everywhere",
    "models": "models: Pydantic models, not raw dicts",
    "pydantic": "pydantic: Pydantic v2 idioms only",
    "structure": "structure: guard clauses, early returns, happy path last",
    "fastapi": "fastapi: routing and dependency injection",
    "data": "data: SQLAlchemy 2.0 async",
    "security": "security",
    "ops": "ops: 12-factor and observability",
}
# Unreadable files first: nothing else was checked in them.
_FAMILY_ORDER = tuple(FAMILY_TITLES)

_CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)")
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&])")
_SECTION_HEADING = re.compile(r"^## +(.+?)\s*$", re.MULTILINE)


def render(report: Report, *, color: bool = False, quiet: bool = False) -> str:
    """Render ``report``; ``color`` and ``quiet`` do not apply to a document meant for review."""
    review = ""
    for per_rule, examples in _BUDGETS:
        review = render_review(report, per_rule=per_rule, examples=examples)
        if len(review) <= GITHUB_COMMENT_LIMIT:
            break
    return review


def render_review(report: Report, *, per_rule: int = PER_RULE, examples: bool = True) -> str:
    """The review, listing at most ``per_rule`` findings per rule."""
    parts = [TITLE, _headline(report), _coverage(report)]
    if report.internal_errors:
        parts.append(_internal_errors(len(report.internal_errors)))
    if report.diagnostics:
        parts.append(_summary_table(report))
        use_instead = _use_instead_by_code(report.rules) if examples else {}
        for family, found in _by_family(report.diagnostics):
            parts.append(_family_section(family, found, per_rule, use_instead))
    return "\n\n".join(parts) + "\n"


def family_title(family: str) -> str:
    return FAMILY_TITLES.get(family, family)


def escape_markdown(text: str) -> str:
    """Escape Markdown in ``text`` except inside its code spans, which stay code."""
    pieces = []
    position = 0
    for span in _CODE_SPAN.finditer(text):
        pieces.append(_MARKDOWN_SPECIAL.sub(r"\\\1", text[position : span.start()]))
        pieces.append(span.group())
        position = span.end()
    pieces.append(_MARKDOWN_SPECIAL.sub(r"\\\1", text[position:]))
    return " ".join("".join(pieces).splitlines())


def table_cell(text: str) -> str:
    """A table cell: a ``|`` ends the cell even inside a code span, so escape every one."""
    return " ".join(text.replace("\\|", "|").replace("|", "\\|").splitlines())


def code_span(text: str) -> str:
    """``text`` as inline code, with a fence longer than any run of backticks in it."""
    fence = "`" * (_longest_backtick_run(text) + 1)
    padding = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{padding}{text}{padding}{fence}"


def doc_section(docs: str, heading: str) -> str | None:
    """The body of the ``## heading`` section of a rule's docs, if it has one."""
    parts = _SECTION_HEADING.split(docs)
    sections = dict(zip(parts[1::2], parts[2::2], strict=True))
    body = sections.get(heading, "").strip()
    return body or None


def _longest_backtick_run(text: str) -> int:
    return max((len(run) for run in re.findall(r"`+", text)), default=0)


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _headline(report: Report) -> str:
    checked = _plural(report.files, "file")
    if not report.diagnostics:
        return f"No findings in {checked} checked."
    files = len({diagnostic.path for diagnostic in report.diagnostics})
    found = f"**{_plural(len(report.diagnostics), 'finding')}** in {_plural(files, 'file')}"
    return f"{found} ({checked} checked).{_fixable_sentence(report)}"


def _fixable_sentence(report: Report) -> str:
    safe, unsafe = report.fixable()
    if not safe and not unsafe:
        return ""
    if not safe:
        return f" {unsafe} fixable with `fastapi-lint check --fix --unsafe-fixes`."
    more = f" ({unsafe} more with `--unsafe-fixes`)" if unsafe else ""
    return f" {safe} fixable with `fastapi-lint check --fix`{more}."


def _coverage(report: Report) -> str:
    coverage = report.type_coverage
    if coverage.total == 0:
        return "Type coverage: not measured (no parameters or returns were counted)."
    counts = f"{coverage.annotated}/{coverage.total} parameters and returns annotated"
    return f"Type coverage: **{coverage.percent:.1f}%** ({counts}; the target is 100%)."


def _internal_errors(count: int) -> str:
    errors = _plural(count, "internal error")
    return f"**{errors}**: a rule crashed, so some files were not fully checked (see the log)."


def _summary_table(report: Report) -> str:
    families = {rule.family for rule in report.rules}
    families.update(diagnostic.family for diagnostic in report.diagnostics)
    rows = ["| Checklist | Findings | Fixable | Rules |", "| :-- | --: | --: | :-- |"]
    for family in sorted(families, key=_family_sort_key):
        found = [d for d in report.diagnostics if d.family == family]
        rows.append(_table_row(family, found))
    return "\n".join(rows)


def _table_row(family: str, found: Sequence[Diagnostic]) -> str:
    fixable = sum(1 for diagnostic in found if diagnostic.fix is not None)
    counts: dict[str, int] = {}
    for diagnostic in found:
        counts[diagnostic.code] = counts.get(diagnostic.code, 0) + 1
    rules = ", ".join(f"{code_span(code)} ×{n}" for code, n in sorted(counts.items())) or "-"
    cells = [escape_markdown(family_title(family)), str(len(found)), str(fixable), rules]
    return "| " + " | ".join(table_cell(cell) for cell in cells) + " |"


def _family_sort_key(family: str) -> tuple[int, str]:
    known = family in _FAMILY_ORDER
    return (_FAMILY_ORDER.index(family) if known else len(_FAMILY_ORDER), family)


def _by_family(diagnostics: Iterable[Diagnostic]) -> list[tuple[str, list[Diagnostic]]]:
    ordered = sorted(diagnostics, key=lambda d: (_family_sort_key(d.family), d.code))
    return [(family, list(group)) for family, group in groupby(ordered, lambda d: d.family)]


def _use_instead_by_code(rules: Iterable[RuleInfo]) -> dict[str, str]:
    found = {rule.code: doc_section(rule.docs, "Use instead") for rule in rules}
    return {code: body for code, body in found.items() if body is not None}


def _family_section(
    family: str, found: list[Diagnostic], per_rule: int, use_instead: Mapping[str, str]
) -> str:
    parts = [f"### {escape_markdown(family_title(family))}"]
    for code, group in groupby(found, key=lambda diagnostic: diagnostic.code):
        parts.append(_rule_section(code, list(group), per_rule, use_instead.get(code)))
    return "\n\n".join(parts)


def _rule_section(code: str, found: list[Diagnostic], per_rule: int, example: str | None) -> str:
    count = _plural(len(found), "finding")
    parts = [f"#### {code_span(code)} {escape_markdown(found[0].name)} ({count})"]
    parts.extend(_finding(diagnostic) for diagnostic in found[:per_rule])
    hidden = len(found) - per_rule
    if hidden > 0:
        parts.append(_omitted(code, hidden, per_rule))
    if example is not None:
        parts.append(f"<details>\n<summary>Use instead</summary>\n\n{example}\n\n</details>")
    return "\n\n".join(parts)


def _finding(diagnostic: Diagnostic) -> str:
    location = code_span(f"{diagnostic.path}:{diagnostic.line}")
    line = f"**{location}** {code_span(diagnostic.code)} {escape_markdown(diagnostic.message)}"
    if diagnostic.fix is not None:
        unsafe = " --unsafe-fixes" if diagnostic.fix.applicability == "unsafe" else ""
        line += f" *(fixable with `--fix{unsafe}`)*"
    source = diagnostic.source_line.strip()
    if not source:
        return line
    fence = "`" * max(3, _longest_backtick_run(source) + 1)
    return f"{line}\n\n{fence}python\n{source}\n{fence}"


def _omitted(code: str, hidden: int, per_rule: int) -> str:
    findings = _plural(hidden, "finding")
    if per_rule == 0:
        return (
            f"*{findings} of {code_span(code)} not listed, to keep this review within one "
            "comment. Run `fastapi-lint check` for the full list.*"
        )
    return (
        f"*…and {hidden} more: this review lists at most {per_rule} findings per rule. "
        "Run `fastapi-lint check` for the full list.*"
    )
