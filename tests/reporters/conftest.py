"""Reports do not depend on where the developer's environment says the rule pages are."""

from __future__ import annotations

import pytest

from fastapi_lint import docs_links


@pytest.fixture(autouse=True)
def _no_docs_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(docs_links.DOCS_URL_ENV, raising=False)
