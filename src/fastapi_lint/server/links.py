"""Where a rule's documentation lives, for the editor's "open the rule's page" link.

The published page (``fastapi_lint.docs_links``: ``$FASTAPI_LINT_DOCS_URL``, else the
repository named by the installed package's ``[project.urls]``); a source checkout
without one links to the page on disk; otherwise there is no link, and the diagnostic
says which command prints the page.
"""

from __future__ import annotations

import functools
from pathlib import Path

from fastapi_lint.docs_links import rule_page, rule_page_url
from fastapi_lint.registry import rule_by_code

_CHECKOUT = Path(__file__).resolve().parents[3]  # src/fastapi_lint/server/ -> the checkout


@functools.cache
def rule_docs_link(code: str) -> str | None:
    """The URL of rule ``code``'s page, or None when no page can be linked."""
    rule = rule_by_code(code)
    if rule is None:
        return None
    published = rule_page_url(rule.name)
    if published is not None:
        return published
    local = _CHECKOUT / rule_page(rule.name)
    return local.as_uri() if local.is_file() else None


def rule_docs_hint(code: str) -> str:
    """The command that prints the page, for diagnostics without a link."""
    return f"fastapi-lint rule {code}"
