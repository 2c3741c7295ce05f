"""``--output-format html``: the API review as one self-contained page.

Built with the standard library: a template engine would add a dependency (and its
autoescaping) for one page, while one escaping helper (``markup.esc``), used by every
piece that writes text, keeps the base install as it is.
"""

from __future__ import annotations

from fastapi_lint.models import Report
from fastapi_lint.reporters import shown_text
from fastapi_lint.reporters.html_report.page import page
from fastapi_lint.review import Review


def render(report: Report, *, color: bool = False, quiet: bool = False) -> str:
    """The page of a report alone: findings, files and rules, no route table."""
    return render_review(Review(report=report))


def render_review(review: Review) -> str:
    """The page of a full review: the report joined with the routes and the sources."""
    return shown_text(page(review))
