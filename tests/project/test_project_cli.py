"""Whole-project analysis end to end: `check` across files, `routes`, the cache, the fixtures."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import pytest
from click.testing import CliRunner

import fastapi_lint.runner.jobs as runner
import fastapi_lint.runner.project as analysis
from fastapi_lint.cache_folder import seal
from fastapi_lint.cli import cli
from fastapi_lint.options import RuleOptions
from fastapi_lint.registry import rule_by_code
from fastapi_lint.runner.jobs import FileJob, run_jobs
from fastapi_lint.runner.single_file import lint_source
from fastapi_lint.summary.codec import summary_from_json, summary_to_json
from project_helpers import write_tree

REPO = Path(__file__).resolve().parents[2]
PROJECT_RULES = "FAPI102,FAPI504,FAPI510"

SHOP = {
    "pyproject.toml": "[project]\nname = 'shop'\n",
    "app/__init__.py": "",
    "app/main.py": """
        from fastapi import FastAPI
        from app.routes import rates

        app = FastAPI()
        app.include_router(rates.router, prefix="/rates")
    """,
    "app/routes/__init__.py": "",
    "app/routes/rates.py": """
        from fastapi import APIRouter
        from app.services.rates import fetch_rate

        router = APIRouter()

        @router.get("/convert/{code}")
        async def convert(code: str, amount: float) -> float:
            return amount * fetch_rate(code)
    """,
    "app/services/__init__.py": "",
    "app/services/rates.py": """
        from app.core import http

        def fetch_rate(code: str) -> float:
            return http.fetch_json(f"https://rates.example.com/{code}")["rate"]
    """,
    "app/core/__init__.py": "",
    "app/core/http.py": """
        import requests

        def fetch_json(url: str) -> dict:
            return requests.get(url, timeout=5).json()
    """,
}


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def shop(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    write_tree(tmp_path, SHOP)
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Files actually linted (not answered from the cache)."""
    seen: list[str] = []
    real = runner.lint_bytes

    def counting(data: bytes, path: str, *args: object, **kwargs: object) -> object:
        seen.append(path)
        return real(data, path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(runner, "lint_bytes", counting)
    return seen


# -- check across files ------------------------------------------------------------------


def test_check_reports_a_blocking_call_three_files_away_with_its_chain(shop: Path) -> None:
    code, out, _ = run("check", "--no-cache", "--select", "FAPI102", "--output-format", "json")
    assert code == 1
    (finding,) = json.loads(out)["diagnostics"]
    assert finding["path"] == "app/routes/rates.py" and finding["line"] == 8
    assert "`convert() -> fetch_rate() -> fetch_json() -> requests.get()`" in finding["message"]
    assert "(app/core/http.py:4)" in finding["message"]
    assert finding["chain"] == [
        {"function": "fetch_rate", "path": "app/routes/rates.py", "line": 8},
        {"function": "fetch_json", "path": "app/services/rates.py", "line": 4},
        {"function": "requests.get", "path": "app/core/http.py", "line": 4},
    ]


def test_json_findings_of_other_rules_carry_no_chain_key(shop: Path) -> None:
    (shop / "app/blocking.py").write_text(
        "import time\n\nasync def f() -> None:\n    time.sleep(1)\n"
    )
    _, out, _ = run("check", "--no-cache", "--select", "FAPI101", "--output-format", "json")
    (finding,) = json.loads(out)["diagnostics"]
    assert "chain" not in finding


def test_per_file_ignores_drop_findings_in_that_file_but_chains_still_pass_through_it(
    shop: Path,
) -> None:
    pyproject = shop / "pyproject.toml"
    ignore_services = '[tool.fastapi-lint.per-file-ignores]\n"app/services/*" = ["FAPI102"]\n'
    pyproject.write_text(pyproject.read_text() + ignore_services)
    assert "FAPI102" in run("check", "--no-cache", "--output-format", "concise")[1]
    ignore_routes = ignore_services.replace("app/services/*", "app/routes/*")
    pyproject.write_text("[project]\nname = 'shop'\n" + ignore_routes)
    assert "FAPI102" not in run("check", "--no-cache", "--output-format", "concise")[1]


def test_a_second_run_answers_from_the_cache_and_still_reports_the_chain(
    shop: Path, parses: list[str]
) -> None:
    first = run("check", "--jobs", "1", "--output-format", "concise")[1]
    assert len(parses) == 8
    parses.clear()
    second = run("check", "--jobs", "1", "--output-format", "concise")[1]
    assert parses == [] and second == first and "FAPI102" in second
    # Only the changed file is parsed again; the project step sees the new summary.
    (shop / "app/core/http.py").write_text("def fetch_json(url: str) -> dict:\n    return {}\n")
    third = run("check", "--jobs", "1", "--output-format", "concise")[1]
    assert parses == ["app/core/http.py"] and "FAPI102" not in third


def test_worker_processes_give_the_same_project_findings(shop: Path) -> None:
    serial = run("check", "--no-cache", "--jobs", "1", "--output-format", "json")[1]
    files = [shop / name for name in SHOP if name.endswith(".py")] * 3
    jobs = [FileJob(f, f"{i}/{f.name}", (), summarise=True) for i, f in enumerate(files)]
    assert run_jobs(jobs, RuleOptions(), workers=2, cache_dir=None) == run_jobs(
        jobs, RuleOptions(), workers=1, cache_dir=None
    )
    assert run("check", "--no-cache", "--jobs", "2", "--output-format", "json")[1] == serial


def test_standard_input_is_a_one_file_project(shop: Path) -> None:
    source = "import time\n\ndef nap():\n    time.sleep(1)\n\nasync def f():\n    nap()\n"
    result = CliRunner().invoke(
        cli, ["check", "--stdin-filename", "x.py", "--output-format", "concise", "-"], input=source
    )
    assert "x.py:7:5: FAPI102" in result.stdout


# -- summaries are collected only when needed, and cached as JSON --------------------------


def test_summaries_are_collected_only_for_project_rules() -> None:
    source = "def f():\n    pass\n"
    fapi101, fapi102 = rule_by_code("FAPI101"), rule_by_code("FAPI102")
    assert fapi101 is not None and fapi102 is not None
    assert lint_source(source, "a.py", (fapi101,)).summary is None
    assert lint_source(source, "a.py", (fapi101, fapi102)).summary is not None
    assert lint_source(source, "a.py", (fapi102,), project="skip").summary is None
    assert lint_source(source, "a.py", (), project="collect").summary is not None


def test_summaries_pickle_and_round_trip_through_json(shop: Path) -> None:
    for name in SHOP:
        if name.endswith(".py"):
            summary = lint_source((shop / name).read_text(), name, (), project="collect").summary
            assert summary is not None
            assert pickle.loads(pickle.dumps(summary)) == summary
            assert summary_from_json(json.loads(json.dumps(summary_to_json(summary)))) == summary


@pytest.mark.parametrize("garbage", [[], [1, 2], {"imports": []}, "text", None])
def test_a_malformed_summary_is_refused(garbage: object) -> None:
    with pytest.raises((TypeError, ValueError)):
        summary_from_json(garbage)  # type: ignore[arg-type]


def test_a_run_where_nothing_changed_reuses_the_project_findings(
    shop: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = run("check", "--jobs", "1", "--output-format", "concise")[1]
    decoded: list[str] = []
    monkeypatch.setattr(analysis, "decode_summary", lambda text: decoded.append(text))
    assert run("check", "--jobs", "1", "--output-format", "concise")[1] == first
    assert decoded == []  # neither a summary decoded nor the project step run


def test_a_corrupted_cached_summary_is_made_again(shop: Path, parses: list[str]) -> None:
    run("check", "--jobs", "1")
    cache = shop / ".fastapi_lint_cache"
    for project_entry in cache.glob("v*-project/*.json"):
        project_entry.unlink()
    for entry in cache.glob("v*/*/*.json"):
        payload = json.loads(entry.read_text())
        if payload["summary"] is not None:
            # Sealed again: a well-formed entry whose summary text no longer decodes.
            del payload["checksum"]
            payload["summary"] = '["not", "a summary"]'
            entry.write_text(seal(json.dumps(payload, separators=(",", ":"))))
    parses.clear()
    out = run("check", "--jobs", "1", "--output-format", "concise")[1]
    assert parses == [] and "FAPI102" in out  # answered from the cache, summaries rebuilt


# -- routes ---------------------------------------------------------------------------------


def test_routes_prints_the_table_as_text_and_json(shop: Path) -> None:
    code, text, _ = run("routes", "--no-cache")
    assert code == 0
    assert "App `app` (app/main.py:4)" in text
    assert "GET     /rates/convert/{code}  convert  app/routes/rates.py:7" in text
    _, out, _ = run("routes", "--no-cache", "--output-format", "json")
    (route,) = json.loads(out)["routes"]
    assert route["path"] == "/rates/convert/{code}" and route["async"] is True
    assert route["root"] == {"kind": "app", "name": "app", "file": "app/main.py", "line": 4}


def test_routes_on_a_missing_path_exits_2(shop: Path) -> None:
    assert run("routes", "--no-cache", "nowhere")[0] == 2


# -- the fixture apps ---------------------------------------------------------------------


@pytest.mark.parametrize("app", ["project_app", "project_app_src"])
def test_fixture_app_findings_match_the_snapshot(
    app: str, snapshot: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPO)
    args = ["check", "--no-cache", "--select", PROJECT_RULES, "--output-format", "concise"]
    code, out, _ = run(*args, f"fixtures/{app}")
    assert code == 1
    snapshot.assert_match(out, f"{app}.txt")  # type: ignore[attr-defined]


@pytest.mark.parametrize("output_format", ["text", "json"])
def test_fixture_app_route_table_matches_the_snapshot(
    output_format: str, snapshot: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPO)
    args = ["routes", "--no-cache", "--output-format", output_format, "fixtures/project_app"]
    code, out, _ = run(*args)
    assert code == 0
    snapshot.assert_match(out, f"routes.{output_format}")  # type: ignore[attr-defined]


# -- the chain in machine-readable reports ---------------------------------------------------


def test_sarif_links_each_step_of_the_chain_as_a_related_location(shop: Path) -> None:
    from test_reporters import assert_valid_sarif

    code, out, _ = run("check", "--no-cache", "--select", "FAPI102", "--output-format", "sarif")
    assert code == 1
    (result,) = json.loads(out)["runs"][0]["results"]
    related = [
        (r["physicalLocation"]["artifactLocation"]["uri"], r["physicalLocation"]["region"])
        for r in result["relatedLocations"]
    ]
    assert related == [
        ("app/routes/rates.py", {"startLine": 8}),
        ("app/services/rates.py", {"startLine": 4}),
        ("app/core/http.py", {"startLine": 4}),
    ]
    assert result["relatedLocations"][2]["message"] == {"text": "calls requests.get()"}
    assert_valid_sarif(out)
