"""Where a rule's page is published: the one place SARIF, the HTML report and the server ask.

Every rule has a page, ``docs/rules/<rule name>.md`` in the repository (written by
``python -m fastapi_lint.docs_gen``). Its URL is the pages' base URL plus that file name.
The base is, first, ``$FASTAPI_LINT_DOCS_URL`` (a fork, an internal mirror, a release tag:
``https://github.com/acme/fastapi-lint/blob/v0.2.0/docs/rules/``), else the ``docs/rules/``
folder of the repository named by the installed package's ``[project.urls]``
(``Repository``, ``Source`` or ``Homepage`` on GitHub or GitLab). With neither, no URL is
made up: SARIF leaves ``helpUri`` out, and the rule's full text travels in the report.
"""

from __future__ import annotations

import functools
import os
from importlib import metadata

RULE_PAGES = "docs/rules"
DOCS_URL_ENV = "FASTAPI_LINT_DOCS_URL"
_PACKAGE = "fastapi-lint"
_REPOSITORY_LABELS = ("repository", "source", "source code", "homepage")
# How each forge addresses a file of the default branch.
_BLOB_PATHS = {"github.com": "/blob/HEAD/", "gitlab.com": "/-/blob/HEAD/"}


def rule_page(name: str) -> str:
    """The page of the rule named ``name``, relative to the repository root."""
    return f"{RULE_PAGES}/{name}.md"


def rule_page_url(name: str) -> str | None:
    """The published page of the rule named ``name``, or None when no base is known."""
    base = rule_pages_url()
    return None if base is None else f"{base}{name}.md"


def rule_pages_url() -> str | None:
    """The base URL of the rule pages, ending with ``/``."""
    configured = os.environ.get(DOCS_URL_ENV, "").strip()
    if configured:
        return configured.rstrip("/") + "/"
    files = repository_files()
    return None if files is None else f"{files}{RULE_PAGES}/"


def repository_url() -> str | None:
    """The repository's home page from the package metadata (GitHub or GitLab), if any."""
    for url in _project_urls():
        if any(f"//{host}/" in url for host in _BLOB_PATHS):
            return url.rstrip("/")
    return None


def repository_files() -> str | None:
    """``https://github.com/owner/name/blob/HEAD/``: the default branch's files, if known."""
    url = repository_url()
    if url is None:
        return None
    return url + next(path for host, path in _BLOB_PATHS.items() if f"//{host}/" in url)


@functools.cache
def _project_urls() -> tuple[str, ...]:
    """The package's repository-like URLs, in the order of ``_REPOSITORY_LABELS``."""
    try:
        entries = metadata.metadata(_PACKAGE).get_all("Project-URL") or []
    except metadata.PackageNotFoundError:
        return ()
    urls = dict(_label_and_url(entry) for entry in entries)
    return tuple(urls[label] for label in _REPOSITORY_LABELS if urls.get(label))


def _label_and_url(entry: str) -> tuple[str, str]:
    label, _, url = entry.partition(",")
    return label.strip().lower(), url.strip()
