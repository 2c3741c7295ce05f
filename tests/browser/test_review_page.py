"""The HTML report in a real browser: headless Chromium opens the page from disk.

The page of the sample app and of a corpus project are opened once each; the tests click
the filters, open a file's source and a rule's page, and check the endpoint list against
``fastapi-lint routes``, the DOM the script leaves, and Chromium's own network log (nothing
but the page's file may be requested). Screenshots go to the test's folder, or to
``$FASTAPI_LINT_SCREENS`` when set.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from cdp import FLAGS, Page, chromium, open_page

PROJECT = Path(__file__).resolve().parents[2]
SAMPLE_APP = PROJECT / "fixtures" / "sample_app"
# An application of the corpus (one app, 20 routes, findings of six families), small enough
# to lint in seconds.
CORPUS_MEMBER = PROJECT / "corpus" / "khoj-assistant-0.7.1"
CHROMIUM = chromium()

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed")


@dataclass(frozen=True)
class Built:
    page: Path
    routes: list[dict]


def fastapi_lint(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "fastapi_lint", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )


def build(project: Path, out: Path) -> Built:
    """The project's review page, and its route table as ``fastapi-lint routes`` prints it."""
    page = out / "review.html"
    done = fastapi_lint(
        "check",
        "--no-cache",
        "--output-format",
        "html",
        "--output-file",
        str(page),
        ".",
        cwd=project,
    )
    assert done.returncode in (0, 1) and page.is_file(), done.stderr
    routes = fastapi_lint("routes", "--no-cache", "--output-format", "json", ".", cwd=project)
    assert routes.returncode == 0, routes.stderr
    return Built(page, json.loads(routes.stdout)["routes"])


def screens(tmp: Path) -> Path:
    chosen = os.environ.get("FASTAPI_LINT_SCREENS")
    folder = Path(chosen) if chosen else tmp
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@contextmanager
def opened(project: Path, out: Path) -> Iterator[tuple[Built, Page, Path]]:
    """The project's review page built, open in Chromium, its script done."""
    assert CHROMIUM is not None
    built = build(project, out)
    with open_page(CHROMIUM, built.page.as_uri()) as page:
        page.wait_for("document.documentElement.dataset.ready === '1'")
        yield built, page, out


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Built, Page, Path]]:
    with opened(SAMPLE_APP, tmp_path_factory.mktemp("sample-review")) as found:
        yield found


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Built, Page, Path]]:
    if not CORPUS_MEMBER.is_dir():
        pytest.skip(f"{CORPUS_MEMBER.name} is not in corpus/ (scripts/fetch_corpus.py)")
    with opened(CORPUS_MEMBER, tmp_path_factory.mktemp("corpus-review")) as found:
        yield found


def visible_endpoints(page: Page) -> list[str]:
    return list(
        page.evaluate(
            "[...document.querySelectorAll('.endpoint')].filter(e => !e.hidden)"
            ".map(e => e.dataset.route)"
        )
    )


def visible_findings(page: Page, where: str = ".file-findings") -> list[dict]:
    return list(
        page.evaluate(
            f"[...document.querySelectorAll('{where} > .finding')].filter(f => !f.hidden)"
            ".map(f => ({code: f.dataset.code, family: f.dataset.family, sev: f.dataset.sev,"
            " path: f.dataset.path}))"
        )
    )


def reset(page: Page) -> None:
    page.click("#reset")
    page.evaluate("window.scrollTo(0, 0)")


def route_keys(routes: list[dict]) -> list[str]:
    return [f"{' '.join(route['methods'])} {route['path']}" for route in routes]


# --- the sample app ---------------------------------------------------------------------


def test_the_endpoint_list_is_the_route_table(sample: tuple[Built, Page, Path]) -> None:
    built, page, out = sample
    listed = page.evaluate("[...document.querySelectorAll('.endpoint')].map(e => e.dataset.route)")
    assert listed == route_keys(built.routes)
    assert listed == [
        "GET /health",
        "GET /items/catalogue/export",
        "POST /items/import",
        "GET /items/{item_id}",
        "GET /users/{user_id}",
        "PUT /users/{user_id}",
    ]
    handlers = page.evaluate(
        "[...document.querySelectorAll('.endpoint .route-details .detail:first-child a')]"
        ".map(a => a.textContent)"
    )
    assert handlers == [f"{route['handler']}()" for route in built.routes]
    page.screenshot(screens(out) / "sample-app-overview.png")
    page.screenshot(screens(out) / "sample-app-full.png", full_page=True)


def test_a_family_chip_filters_every_list(sample: tuple[Built, Page, Path]) -> None:
    _, page, _ = sample
    everything = visible_findings(page)
    families = {finding["family"] for finding in everything}
    assert len(families) >= 3
    page.click(".chip[data-family='async']")
    shown = visible_findings(page)
    assert shown and {finding["family"] for finding in shown} == {"async"}
    assert len(shown) == sum(1 for f in everything if f["family"] == "async")
    # Endpoints without an async finding are hidden; the ones with it stay.
    assert visible_endpoints(page) == ["POST /items/import", "GET /items/{item_id}"]
    assert page.evaluate("document.querySelector('.chip[data-family=async]').ariaPressed") == "true"
    page.click(".chip[data-family='async']")  # and off again
    assert visible_findings(page) == everything
    assert len(visible_endpoints(page)) == 6


def test_the_chart_the_rule_and_severity_filters(sample: tuple[Built, Page, Path]) -> None:
    _, page, _ = sample
    reset(page)
    page.click(".bar-row[data-filter='sev'][data-value='warning']")
    shown = visible_findings(page)
    assert shown and {finding["sev"] for finding in shown} == {"warning"}
    assert page.evaluate("document.getElementById('sev').value") == "warning"
    reset(page)
    page.click(".bar-row[data-filter='rule'][data-value='FAPI101']")
    assert {finding["code"] for finding in visible_findings(page)} == {"FAPI101"}
    assert page.evaluate("document.getElementById('rule').value") == "FAPI101"
    reset(page)
    assert len(visible_findings(page)) == page.evaluate(
        "document.querySelectorAll('.file-findings > .finding').length"
    )


def test_search_and_path_filters(sample: tuple[Built, Page, Path]) -> None:
    _, page, _ = sample
    reset(page)
    page.type_text("#q", "/users")
    assert visible_endpoints(page) == ["GET /users/{user_id}", "PUT /users/{user_id}"]
    reset(page)
    page.type_text("#path", "routers/items")
    shown = visible_findings(page)
    assert shown and {finding["path"] for finding in shown} == {"app/routers/items.py"}
    assert "GET /health" not in visible_endpoints(page)
    reset(page)


def test_a_handler_link_opens_its_source_with_findings_under_their_lines(
    sample: tuple[Built, Page, Path],
) -> None:
    _, page, out = sample
    reset(page)
    page.click(".endpoint[data-route='POST /items/import'] > summary")
    page.click(".endpoint[data-route='POST /items/import'] .route-details a.loc")
    file_id = page.wait_for(
        "(() => { const t = document.querySelector('.source tr.target'); return t && t.id; })()"
    )
    assert file_id.endswith("-L27")  # the def of import_items
    rows = page.evaluate(
        f"document.getElementById('{file_id.split('-')[0]}').querySelectorAll('.source tr').length"
    )
    assert rows > 37
    notes = page.evaluate(
        "[...document.querySelectorAll('.source tr.note .finding')].map(f => f.dataset.code)"
    )
    assert "FAPI101" in notes
    flagged = page.evaluate(
        "[...document.querySelectorAll('.source tr.flag-error')].map(r => r.id)"
    )
    assert any(row.endswith("-L28") for row in flagged)  # time.sleep(1)
    page.screenshot(screens(out) / "sample-app-source.png")


def test_a_rule_code_opens_the_rule_page(sample: tuple[Built, Page, Path]) -> None:
    _, page, out = sample
    reset(page)
    endpoint = ".endpoint[data-route='POST /items/import']"
    page.evaluate(f"document.querySelector({json.dumps(endpoint)}).open = true")
    page.click(f"{endpoint} a.code[data-rule='FAPI101']")
    assert page.evaluate("!document.getElementById('rule-dialog').hidden")
    text = page.evaluate("document.querySelector('#rule-dialog .dialog-body').textContent")
    assert "blocking-call-in-async-function" in text
    assert "What it does" in text and "Why is this bad?" in text
    page.screenshot(screens(out) / "sample-app-rule.png")
    page.click("#rule-dialog .dialog-close")
    assert page.evaluate("document.getElementById('rule-dialog').hidden")


def test_nothing_is_fetched_from_the_network(sample: tuple[Built, Page, Path]) -> None:
    built, page, _ = sample
    assert page.requests() == [built.page.as_uri()]
    links = page.evaluate(
        "[...document.querySelectorAll('[src],[href]')]"
        ".map(e => e.getAttribute('src') || e.getAttribute('href'))"
    )
    assert links and all(link.startswith("#") for link in links), links


def test_dump_dom_shows_the_page_its_script_has_drawn(sample: tuple[Built, Page, Path]) -> None:
    """Chromium's own ``--dump-dom``: the DOM after the page's script ran, no DevTools."""
    built, _, out = sample
    assert CHROMIUM is not None
    flags = [flag for flag in FLAGS if flag != "--remote-debugging-pipe"]
    done = subprocess.run(
        [
            CHROMIUM,
            *flags,
            f"--user-data-dir={out / 'dump-profile'}",
            "--dump-dom",
            built.page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert 'data-ready="1"' in done.stdout
    assert f"of {len(built.routes)} endpoints" in done.stdout


# --- a corpus project ---------------------------------------------------------------------


def test_a_corpus_projects_page_lists_its_routes(corpus: tuple[Built, Page, Path]) -> None:
    built, page, out = corpus
    listed = page.evaluate("[...document.querySelectorAll('.endpoint')].map(e => e.dataset.route)")
    assert listed == route_keys(built.routes) and len(listed) >= 10
    page.screenshot(screens(out) / "corpus-overview.png")
    page.evaluate("document.getElementById('endpoints').scrollIntoView()")
    page.screenshot(screens(out) / "corpus-endpoints.png")


def test_a_corpus_projects_page_filters_and_stays_offline(
    corpus: tuple[Built, Page, Path],
) -> None:
    built, page, _ = corpus
    everything = visible_findings(page)
    rule = page.evaluate("document.querySelector('.bar-row[data-filter=rule]').dataset.value")
    page.click(f".bar-row[data-filter='rule'][data-value='{rule}']")
    shown = visible_findings(page)
    assert shown and {finding["code"] for finding in shown} == {rule}
    assert len(shown) == sum(1 for finding in everything if finding["code"] == rule)
    reset(page)
    assert len(visible_findings(page)) == len(everything)
    assert page.requests() == [built.page.as_uri()]


# --- hostile content ----------------------------------------------------------------------

HOSTILE = '</script><script>window.pwned = 1</script><img src=x onerror="window.pwned = 2">'
HOSTILE_APP = f"""\
import time

from fastapi import FastAPI

app = FastAPI()
BANNER = '{HOSTILE}'  # <!-- {HOSTILE}


@app.get("/x{HOSTILE.replace('"', "'")}")
async def handler() -> None:
    time.sleep(1)  # {HOSTILE}
"""


def test_hostile_code_stays_text_in_the_browser(tmp_path: Path) -> None:
    """Source, messages, paths and routes holding markup: nothing runs, nothing loads."""
    project = tmp_path / "hostile"
    (project / "app").mkdir(parents=True)
    (project / "pyproject.toml").write_text("[project]\nname = 'hostile'\n")
    (project / "app" / "main.py").write_text(HOSTILE_APP)
    with opened(project, tmp_path) as (built, page, _):
        assert [route["path"].startswith("/x</script>") for route in built.routes] == [True]
        page.evaluate("document.querySelector('details.file').open = true")
        page.wait_for("!!document.querySelector('.source table')")
        assert page.evaluate("window.pwned === undefined")
        assert page.evaluate("document.querySelectorAll('img').length") == 0
        assert page.evaluate("document.querySelectorAll('script').length") == 2
        text = page.evaluate("document.querySelector('.source').textContent")
        # As text: twice on the BANNER line, in the route's path, in the comment.
        assert text.count("window.pwned = 1") == 4
        assert page.requests() == [built.page.as_uri()]
        dialogs = [e for e in page.browser.events if "Dialog" in e.get("method", "")]
        assert dialogs == []
