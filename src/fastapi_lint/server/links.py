"""Where a rule's documentation lives: the one place to repoint when the docs move.

The pages are ``docs/rules/<page>.md`` in the repository (``fastapi_lint.docs_gen``).
A link goes to the repository named by the installed package's ``[project.urls]``
(``Repository``, ``Source`` or ``Homepage`` on GitHub or GitLab); a source checkout
without one links to the page on disk; otherwise there is no link, and the diagnostic
says which command prints the page.
"""

from __future__ import annotations

import functools
from importlib import metadata
from pathlib import Path

from fastapi_lint.docs_gen import DEFAULT_OUTPUT, page_name
from fastapi_lint.registry import rule_by_code

_PACKAGE = "fastapi-lint"
_REPOSITORY_LABELS = ("repository", "source", "source code", "homepage")
# How each forge addresses a file of the default branch.
_BLOB_PATHS = {"github.com": "/blob/HEAD/", "gitlab.com": "/-/blob/HEAD/"}
_CHECKOUT = Path(__file__).resolve().parents[3]  # src/fastapi_lint/server/ -> the checkout


@functools.cache
def rule_docs_link(code: str) -> str | None:
    """The URL of rule ``code``'s page, or None when no page can be linked."""
    rule = rule_by_code(code)
    if rule is None:
        return None
    page = f"{DEFAULT_OUTPUT.as_posix()}/{page_name(rule)}"
    base = _repository_files()
    if base is not None:
        return base + page
    local = _CHECKOUT / page
    return local.as_uri() if local.is_file() else None


def rule_docs_hint(code: str) -> str:
    """The command that prints the page, for diagnostics without a link."""
    return f"fastapi-lint rule {code}"


@functools.cache
def _repository_files() -> str | None:
    """``https://github.com/owner/name/blob/HEAD/`` from the package metadata, if known."""
    try:
        entries = metadata.metadata(_PACKAGE).get_all("Project-URL") or []
    except metadata.PackageNotFoundError:
        return None
    urls = dict(_label_and_url(entry) for entry in entries)
    for label in _REPOSITORY_LABELS:
        url = urls.get(label, "")
        blob = next((path for host, path in _BLOB_PATHS.items() if f"//{host}/" in url), None)
        if blob is not None:
            return url.rstrip("/") + blob
    return None


def _label_and_url(entry: str) -> tuple[str, str]:
    label, _, url = entry.partition(",")
    return label.strip().lower(), url.strip()
