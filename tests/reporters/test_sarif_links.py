"""SARIF's ``helpUri`` is the rule's page in docs/rules/, where the pages are published."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_reporters import assert_valid_sarif

from fastapi_lint import docs_links, registry
from fastapi_lint.models import Report
from fastapi_lint.reporters import sarif

PROJECT = Path(__file__).resolve().parents[2]
RULES = tuple(rule.info() for rule in registry.all_rules())
REPORT = Report(tool_version="0.1.0", files=1, diagnostics=(), rules=RULES)


class _Metadata:
    def __init__(self, *entries: str) -> None:
        self.entries = list(entries)

    def get_all(self, name: str) -> list[str]:
        return self.entries


@pytest.fixture
def package_urls(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """No docs URL in the environment; the package metadata is the test's to set."""
    monkeypatch.delenv(docs_links.DOCS_URL_ENV, raising=False)
    docs_links._project_urls.cache_clear()
    yield monkeypatch
    docs_links._project_urls.cache_clear()


def _set_urls(monkeypatch: pytest.MonkeyPatch, *entries: str) -> None:
    monkeypatch.setattr(docs_links.metadata, "metadata", lambda package: _Metadata(*entries))


def _driver() -> dict:
    return json.loads(sarif.render(REPORT))["runs"][0]["tool"]["driver"]


def test_help_uri_is_each_rules_page_under_the_configured_base(
    package_urls: pytest.MonkeyPatch,
) -> None:
    base = "https://git.example.org/acme/fastapi-lint/blob/v0.2.0/docs/rules"
    package_urls.setenv(docs_links.DOCS_URL_ENV, base)
    rules = _driver()["rules"]
    assert len(rules) == len(RULES)
    for rule in rules:
        uri = rule["helpUri"]
        assert uri == f"{base}/{rule['name']}.md"
        # The page the URI names is one this repository has.
        assert (PROJECT / "docs" / "rules" / f"{rule['name']}.md").is_file(), uri
    assert_valid_sarif(sarif.render(REPORT))


def test_help_uri_follows_the_packages_repository_url(package_urls: pytest.MonkeyPatch) -> None:
    _set_urls(package_urls, "Homepage, https://example.org", "Repository, https://github.com/o/fl/")
    driver = _driver()
    assert driver["informationUri"] == "https://github.com/o/fl"
    page = "https://github.com/o/fl/blob/HEAD/docs/rules/blocking-call-in-async-function.md"
    assert next(r for r in driver["rules"] if r["id"] == "FAPI101")["helpUri"] == page


def test_gitlab_repositories_are_addressed_as_gitlab_does(
    package_urls: pytest.MonkeyPatch,
) -> None:
    _set_urls(package_urls, "Source, https://gitlab.com/o/fl")
    uri = next(r for r in _driver()["rules"] if r["id"] == "FAPI101")["helpUri"]
    assert (
        uri == "https://gitlab.com/o/fl/-/blob/HEAD/docs/rules/blocking-call-in-async-function.md"
    )


def test_without_a_known_home_no_uri_is_made_up(package_urls: pytest.MonkeyPatch) -> None:
    _set_urls(package_urls, "Homepage, https://example.org")
    driver = _driver()
    assert "informationUri" not in driver
    assert all("helpUri" not in rule for rule in driver["rules"])
    # The page itself still travels with the report.
    assert all(rule["help"]["markdown"].startswith("## What it does") for rule in driver["rules"])
    assert_valid_sarif(sarif.render(REPORT))


def test_the_rule_pages_are_where_the_docs_generator_writes_them() -> None:
    from fastapi_lint.docs_gen import DEFAULT_OUTPUT, page_name

    assert DEFAULT_OUTPUT.as_posix() == docs_links.RULE_PAGES
    for rule in registry.all_rules():
        assert f"{DEFAULT_OUTPUT.as_posix()}/{page_name(rule)}" == docs_links.rule_page(rule.name)
