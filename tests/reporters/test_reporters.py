"""Reporters: snapshot every format and pin down the contracts other tools depend on."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import unquote_to_bytes

import jsonschema
import pytest

from fastapi_lint import reporters
from fastapi_lint.models import (
    WORKER_CRASHED,
    Diagnostic,
    Edit,
    Fix,
    InternalError,
    Report,
    RuleInfo,
    TypeCoverage,
)
from fastapi_lint.reporters import github, sarif, text

SRC_DIR = Path(__file__).resolve().parents[2] / "src"

BLOCKING_CALL = Diagnostic(
    code="FAPI101",
    name="blocking-call-in-async-function",
    family="async",
    severity="error",
    message="Blocking call `time.sleep()` inside `async def read_items`",
    path="app/main.py",
    line=7,
    column=5,
    end_line=7,
    end_column=18,
    source_line="    time.sleep(1)\n",
    fix=Fix(
        applicability="safe",
        message="Replace with `await asyncio.sleep()`",
        edits=(Edit(line=7, column=5, end_line=7, end_column=15, content="await asyncio.sleep"),),
    ),
)
# A multi-line warning whose message holds markup-like brackets, "%", ":" and ",".
MISSING_RESPONSE_MODEL = Diagnostic(
    code="FAPI201",
    name="missing-response-model",
    family="openapi",
    severity="warning",
    message="Route `POST /items` returns a dict: declare response_model=[Item], 100% typed",
    path="app/main.py",
    line=12,
    column=1,
    end_line=15,
    end_column=20,
    source_line='@app.post("/items")\n',
)
# The engine's pseudo rule for a file it could not read: no RuleInfo, no source line.
UNREADABLE = Diagnostic(
    code="FAPI000",
    name="unreadable-file",
    family="engine",
    severity="error",
    message="Cannot read file: 'utf-8' codec can't decode byte 0xff in position 0",
    path="app/legacy.py",
    line=1,
    column=1,
    end_line=1,
    end_column=1,
)
RULES = (
    RuleInfo(
        code="FAPI101",
        name="blocking-call-in-async-function",
        family="async",
        severity="error",
        summary="Blocking call inside an async function",
        docs="Blocking calls stall the event loop; use an async equivalent.",
        default_enabled=True,
        fixable=True,
    ),
    RuleInfo(
        code="FAPI201",
        name="missing-response-model",
        family="openapi",
        severity="warning",
        summary="Route without a response model",
        docs="Declare `response_model` so the OpenAPI schema documents the response.",
        default_enabled=True,
        fixable=False,
    ),
)


def make_report(*diagnostics: Diagnostic) -> Report:
    return Report(
        tool_version="0.1.0",
        files=12,
        diagnostics=tuple(sorted(diagnostics, key=Diagnostic.sort_key)),
        rules=RULES,
        internal_errors=(InternalError(path="app/main.py", rule="FAPI301", message="boom"),),
        type_coverage=TypeCoverage(annotated=35, total=40),
    )


SAMPLE = make_report(BLOCKING_CALL, MISSING_RESPONSE_MODEL, UNREADABLE)
EMPTY = Report(tool_version="0.1.0", files=3, diagnostics=(), rules=RULES)


def sarif_schema_path() -> Path:
    override = os.environ.get("SARIF_SCHEMA")
    if override:
        return Path(override)
    return Path(__file__).resolve().parents[3] / "shared/data/sarif-schema-2.1.0.json"


def assert_valid_sarif(output: str) -> None:
    path = sarif_schema_path()
    if not path.is_file():
        pytest.skip(f"official SARIF 2.1.0 schema not found at {path} (set SARIF_SCHEMA)")
    schema = log_object_schema(json.loads(path.read_text(encoding="utf-8")))
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class(schema, format_checker=jsonschema.FormatChecker()).validate(json.loads(output))


def log_object_schema(schema: dict) -> dict:
    """The schema for the top-level log object.

    Some copies of the SARIF schema keep the log object under ``definitions.Root`` and
    leave the top level without constraints; validating against that would accept
    anything, so point at ``Root`` explicitly.
    """
    if "properties" in schema or "$ref" in schema:
        return schema
    assert "Root" in schema.get("definitions", {}), "SARIF schema has no log object schema"
    return {**schema, "$ref": "#/definitions/Root"}


@pytest.mark.parametrize("output_format", reporters.FORMATS)
def test_each_format_matches_snapshot(snapshot, output_format: str) -> None:
    snapshot.assert_match(reporters.render(SAMPLE, output_format), f"{output_format}.txt")


@pytest.mark.parametrize("output_format", ["text", "concise"])
def test_quiet_keeps_findings_and_drops_summary(snapshot, output_format: str) -> None:
    output = reporters.render(SAMPLE, output_format, quiet=True)
    snapshot.assert_match(output, f"{output_format}.txt")
    assert "Found" not in output
    assert "Type coverage" not in output


@pytest.mark.parametrize("output_format", reporters.FORMATS)
def test_empty_report_matches_snapshot(snapshot, output_format: str) -> None:
    snapshot.assert_match(reporters.render(EMPTY, output_format), f"{output_format}.txt")


@pytest.mark.parametrize("output_format", reporters.FORMATS)
def test_output_is_deterministic(output_format: str) -> None:
    rebuilt = make_report(UNREADABLE, MISSING_RESPONSE_MODEL, BLOCKING_CALL)
    first = reporters.render(SAMPLE, output_format)
    assert reporters.render(SAMPLE, output_format) == first
    assert reporters.render(rebuilt, output_format) == first


@pytest.mark.parametrize("output_format", reporters.FORMATS)
@pytest.mark.parametrize("quiet", [False, True])
def test_non_empty_output_ends_with_exactly_one_newline(output_format: str, quiet: bool) -> None:
    output = reporters.render(SAMPLE, output_format, quiet=quiet)
    assert output.endswith("\n")
    assert not output.endswith("\n\n")


def test_empty_report_prints_nothing_in_github_and_quiet_concise() -> None:
    assert reporters.render(EMPTY, "github") == ""
    assert reporters.render(EMPTY, "concise", quiet=True) == ""
    assert reporters.render(EMPTY, "text", quiet=True) == ""
    assert reporters.render(EMPTY, "concise") == "All checks passed!\n"


def test_unknown_format_is_rejected_with_the_choices() -> None:
    with pytest.raises(ValueError, match="text, concise, json, sarif, github"):
        reporters.render(SAMPLE, "xml")


def test_importing_and_rendering_machine_formats_does_not_import_rich() -> None:
    script = (
        "import sys\n"
        "from fastapi_lint import reporters\n"
        "from fastapi_lint.models import Report\n"
        "report = Report(tool_version='0', files=0, diagnostics=(), rules=())\n"
        "for name in ('concise', 'json', 'sarif', 'github'):\n"
        "    reporters.render(report, name)\n"
        "assert 'rich' not in sys.modules, sorted(m for m in sys.modules if 'rich' in m)\n"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(SRC_DIR), *sys.path])}
    subprocess.run([sys.executable, "-c", script], check=True, env=env)


# --- text -------------------------------------------------------------------


def test_text_without_color_has_no_ansi_codes_even_when_env_forces_color(monkeypatch) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("TTY_COMPATIBLE", "1")
    assert "\x1b" not in reporters.render(SAMPLE, "text", color=False)


def test_text_with_color_has_ansi_codes_even_when_env_says_no_color(monkeypatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("TERM", "dumb")
    output = reporters.render(SAMPLE, "text", color=True)
    assert "\x1b[" in output
    assert "\x1b[1;31mFAPI101" in output  # bold red code for an error


def test_text_draws_carets_under_the_reported_columns() -> None:
    lines = reporters.render(SAMPLE, "text").splitlines()
    # The gutter is as wide as line 12's number, so "|" lines up across the file.
    excerpt = lines.index("   7 |     time.sleep(1)")
    assert lines[excerpt + 1] == "     |     ^^^^^^^^^^^^^"


def test_text_carets_run_to_end_of_line_for_multi_line_findings() -> None:
    lines = reporters.render(SAMPLE, "text").splitlines()
    excerpt = lines.index('  12 | @app.post("/items")')
    assert lines[excerpt + 1] == "     | " + "^" * len('@app.post("/items")')


def test_text_has_no_excerpt_when_source_line_is_empty() -> None:
    lines = reporters.render(make_report(UNREADABLE), "text", quiet=True).splitlines()
    assert lines == [
        "app/legacy.py",
        "app/legacy.py:1:1: FAPI000 Cannot read file: 'utf-8' codec can't decode byte 0xff "
        "in position 0",
    ]


def test_text_prints_user_text_literally_not_as_rich_markup() -> None:
    message = "[bold]not bold[/bold] :smile: [link=x]y[/link] trailing \\"
    diagnostic = Diagnostic(**{**_fields(UNREADABLE), "message": message})
    output = reporters.render(make_report(diagnostic), "text", color=True)
    assert message in output


def test_text_marks_fixable_findings_and_flags_unsafe_fixes() -> None:
    unsafe_fix = Fix(applicability="unsafe", message="m", edits=())
    unsafe = Diagnostic(**{**_fields(BLOCKING_CALL), "fix": unsafe_fix})
    assert "time.sleep()` inside `async def read_items` [*] fixable\n" in (
        reporters.render(SAMPLE, "text")
    )
    assert "[*] fixable (unsafe)" in reporters.render(make_report(unsafe), "text")


def test_text_summary_counts_problems_files_families_and_coverage() -> None:
    output = reporters.render(SAMPLE, "text")
    assert "Found 3 problems in 2 files (12 files checked)\n" in output
    assert "By family: async 1, engine 1, openapi 1\n" in output
    assert "1 internal error (details on stderr)\n" in output
    assert output.endswith("Type coverage: 87.5% (35/40 annotations)\n")


def test_text_summary_for_a_clean_run_omits_coverage_when_nothing_was_counted() -> None:
    assert reporters.render(EMPTY, "text") == "All checks passed! (3 files checked)\n"


def test_text_caret_keeps_tabs_and_counts_wide_characters_as_two_cells() -> None:
    diagnostic = Diagnostic(**{**_fields(BLOCKING_CALL), "column": 4, "end_column": 6})
    padding, width = text.caret_span(diagnostic, "\t界 xy")
    assert (padding, width) == ("\t   ", 2)


def test_text_caret_lines_up_under_tabs_and_wide_characters_when_rendered() -> None:
    source = "\t界 time.sleep(1)\n"
    fields = {**_fields(BLOCKING_CALL), "source_line": source, "column": 4, "end_column": 17}
    lines = reporters.render(make_report(Diagnostic(**fields)), "text", quiet=True).splitlines()
    assert lines[-2:] == ["  7 |   界 time.sleep(1)", "    |      ^^^^^^^^^^^^^"]


def test_text_caret_is_at_least_one_wide_for_empty_ranges() -> None:
    assert text.caret_span(UNREADABLE, "x = 1") == ("", 1)


# --- concise ----------------------------------------------------------------


def test_concise_puts_fix_marker_before_message() -> None:
    output = reporters.render(make_report(BLOCKING_CALL), "concise", quiet=True)
    assert output == (
        "app/main.py:7:5: FAPI101 [*] Blocking call `time.sleep()` inside `async def read_items`\n"
    )


def test_concise_summary_is_singular_for_one_problem() -> None:
    output = reporters.render(make_report(UNREADABLE), "concise")
    assert output.endswith("\nFound 1 problem.\n1 internal error (details on stderr)\n")


WORKER_CRASH = InternalError(path="app/main.py", rule="engine", message=WORKER_CRASHED)


@pytest.mark.parametrize("output_format", ["text", "concise"])
@pytest.mark.parametrize("errors", [(WORKER_CRASH,), (InternalError("a.py", "FAPI301", "boom"),)])
def test_a_run_with_internal_errors_never_says_all_checks_passed(
    output_format: str, errors: tuple[InternalError, ...]
) -> None:
    report = Report(
        tool_version="0.1.0", files=3, diagnostics=(), rules=RULES, internal_errors=errors
    )
    output = reporters.render(report, output_format)
    assert "All checks passed" not in output and output.startswith("Not all checks ran!")
    if errors == (WORKER_CRASH,):
        assert "1 file not checked: a worker process crashed (details on stderr)" in output
    else:
        assert "1 internal error (details on stderr)" in output


# --- json -------------------------------------------------------------------


def test_json_round_trips_with_exactly_the_contract_keys_in_order() -> None:
    document = json.loads(reporters.render(SAMPLE, "json"))
    assert list(document) == ["version", "tool", "summary", "diagnostics"]
    assert document["version"] == 1
    assert document["tool"] == {"name": "fastapi-lint", "version": "0.1.0"}
    assert list(document["summary"]) == ["files", "diagnostics", "by_code", "type_coverage"]
    assert document["summary"]["by_code"] == {"FAPI000": 1, "FAPI101": 1, "FAPI201": 1}
    coverage = {"annotated": 35, "total": 40, "percent": 87.5}
    assert document["summary"]["type_coverage"] == coverage
    diagnostic_keys = ["code", "name", "family", "severity", "message", "path"]
    diagnostic_keys += ["line", "column", "end_line", "end_column", "fix"]
    assert all(list(item) == diagnostic_keys for item in document["diagnostics"])


def test_json_serialises_fix_edits_and_null_fix() -> None:
    by_code = {
        item["code"]: item for item in json.loads(reporters.render(SAMPLE, "json"))["diagnostics"]
    }
    assert by_code["FAPI201"]["fix"] is None
    assert by_code["FAPI101"]["fix"] == {
        "applicability": "safe",
        "message": "Replace with `await asyncio.sleep()`",
        "edits": [
            {
                "line": 7,
                "column": 5,
                "end_line": 7,
                "end_column": 15,
                "content": "await asyncio.sleep",
            }
        ],
    }


def test_json_ignores_quiet_and_color_and_uses_two_space_indent() -> None:
    output = reporters.render(SAMPLE, "json")
    assert reporters.render(SAMPLE, "json", quiet=True, color=True) == output
    assert output.startswith('{\n  "version": 1,\n  "tool": {\n    "name"')


# --- sarif ------------------------------------------------------------------


@pytest.mark.parametrize("report", [SAMPLE, EMPTY], ids=["sample", "empty"])
def test_sarif_validates_against_the_official_schema(report: Report) -> None:
    assert_valid_sarif(reporters.render(report, "sarif"))


def test_sarif_schema_location_can_be_overridden_by_env(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("SARIF_SCHEMA", str(tmp_path / "schema.json"))
    assert sarif_schema_path() == tmp_path / "schema.json"


def test_sarif_schema_check_rejects_a_broken_document() -> None:
    document = sarif.to_dict(SAMPLE)
    document["runs"][0]["results"][0]["level"] = "fatal"  # type: ignore[index]
    with pytest.raises(jsonschema.ValidationError):
        assert_valid_sarif(json.dumps(document))


def test_sarif_with_awkward_paths_and_empty_ranges_still_validates() -> None:
    odd = Diagnostic(**{**_fields(BLOCKING_CALL), "path": "app\\my routes\\ünï.py", "column": 0})
    output = reporters.render(make_report(odd), "sarif")
    assert_valid_sarif(output)
    location = json.loads(output)["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "app/my%20routes/%C3%BCn%C3%AF.py"
    assert location["region"]["startColumn"] == 1


def test_sarif_results_index_rules_and_omit_index_for_unlisted_codes() -> None:
    run = json.loads(reporters.render(SAMPLE, "sarif"))["runs"][0]
    rule_ids = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    assert rule_ids == ["FAPI101", "FAPI201"]
    results = {result["ruleId"]: result for result in run["results"]}
    assert "ruleIndex" not in results["FAPI000"]
    for code in ("FAPI101", "FAPI201"):
        assert rule_ids[results[code]["ruleIndex"]] == code
    assert results["FAPI201"]["level"] == "warning"


def test_sarif_fix_becomes_an_artifact_change_with_a_replacement() -> None:
    run = json.loads(reporters.render(SAMPLE, "sarif"))["runs"][0]
    (fixed,) = [result for result in run["results"] if "fixes" in result]
    change = fixed["fixes"][0]["artifactChanges"][0]
    assert change["artifactLocation"] == {"uri": "app/main.py", "uriBaseId": "%SRCROOT%"}
    assert change["replacements"] == [
        {
            "deletedRegion": {"startLine": 7, "startColumn": 5, "endLine": 7, "endColumn": 15},
            "insertedContent": {"text": "await asyncio.sleep"},
        }
    ]


def test_sarif_module_exposes_to_dict_matching_render() -> None:
    assert json.loads(reporters.render(SAMPLE, "sarif")) == sarif.to_dict(SAMPLE)


# --- github -----------------------------------------------------------------


def test_github_escapes_message_data() -> None:
    assert github.escape_data("100%\r\nok: a, b") == "100%25%0D%0Aok: a, b"


def test_github_escapes_property_values_including_colon_and_comma() -> None:
    assert github.escape_property("C:\\a,b%\n") == "C%3A\\a%2Cb%25%0A"


def test_github_command_for_single_line_error_has_columns() -> None:
    assert reporters.render(make_report(BLOCKING_CALL), "github") == (
        "::error file=app/main.py,line=7,col=5,endLine=7,endColumn=18,title=FAPI101"
        "::Blocking call `time.sleep()` inside `async def read_items`\n"
    )


def test_github_command_for_multi_line_warning_omits_columns_the_runner_would_reject() -> None:
    assert reporters.render(make_report(MISSING_RESPONSE_MODEL), "github") == (
        "::warning file=app/main.py,line=12,endLine=15,title=FAPI201"
        "::Route `POST /items` returns a dict: declare response_model=[Item], 100%25 typed\n"
    )


def test_github_escapes_awkward_paths_and_never_sends_end_column_before_column() -> None:
    fields = {**_fields(UNREADABLE), "path": "a,b:c%.py", "message": "line1\nline2"}
    fields.update(column=9, end_column=3)
    output = reporters.render(make_report(Diagnostic(**fields)), "github")
    assert output == (
        "::error file=a%2Cb%3Ac%25.py,line=1,col=9,endLine=1,endColumn=9,title=FAPI000"
        "::line1%0Aline2\n"
    )


def _fields(diagnostic: Diagnostic) -> dict[str, object]:
    return {name: getattr(diagnostic, name) for name in Diagnostic.__dataclass_fields__}


# --- file names that are not UTF-8 ------------------------------------------

# ``café.py`` in Latin-1 on Linux: Python keeps the byte 0xE9 as the lone surrogate U+DCE9.
LATIN1_NAME = os.fsdecode(b"caf\xe9.py") if os.name != "nt" else "caf\udce9.py"
SHOWN_NAME = "caf\\xe9.py"  # how every format shows it


def _parsed_paths(output_format: str, output: str) -> list[str]:
    """The file names a report in ``output_format`` names, read as its consumers read it."""
    if output_format == "json":
        return [found["path"] for found in json.loads(output)["diagnostics"]]
    if output_format == "gitlab":
        return [issue["location"]["path"] for issue in json.loads(output)]
    if output_format == "sarif":
        results = json.loads(output)["runs"][0]["results"]
        uris = [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results]
        return [os.fsdecode(unquote_to_bytes(uri)) for uri in uris]
    if output_format == "junit":
        return [suite.get("name", "") for suite in ET.fromstring(output).iter("testsuite")]
    return [SHOWN_NAME] if SHOWN_NAME in output else []


@pytest.mark.parametrize("output_format", reporters.FORMATS)
def test_a_file_name_that_is_not_utf8_is_shown_alike_in_every_format(output_format: str) -> None:
    named = Diagnostic(**{**_fields(BLOCKING_CALL), "path": LATIN1_NAME})
    message = f"Module name `{LATIN1_NAME[:-3]}` is not snake_case"
    module = Diagnostic(
        **{**_fields(MISSING_RESPONSE_MODEL), "path": LATIN1_NAME, "message": message}
    )
    output = reporters.render(make_report(named, module), output_format)
    output.encode("utf-8")  # no lone surrogate left: any output can be written
    assert "\\udce9" not in output and "\\\\udce9" not in output
    expected = LATIN1_NAME if output_format == "sarif" else SHOWN_NAME
    assert expected in _parsed_paths(output_format, output)
    if output_format == "sarif":
        assert_valid_sarif(output)
        assert '"uri": "caf%E9.py"' in output and "Module name `caf\\\\xe9`" in output


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="file names must be UTF-8 here")
@pytest.mark.parametrize("output_format", reporters.FORMATS)
def test_check_reports_a_latin1_named_file_in_every_format(
    tmp_path: Path, output_format: str
) -> None:
    (tmp_path / LATIN1_NAME).write_text(
        "import time\n\n\nasync def f() -> None:\n    time.sleep(1)\n"
    )
    done = subprocess.run(
        [sys.executable, "-m", "fastapi_lint", "check", "--no-cache", "--output-format",
         output_format, "."],
        cwd=tmp_path, capture_output=True, check=False,
        env={**os.environ, "LC_ALL": "C.UTF-8", "PYTHONUTF8": "0"},
    )  # fmt: skip
    assert done.returncode == 1, done.stderr.decode("utf-8", "replace")
    output = done.stdout.decode("utf-8")  # strict: the report is UTF-8
    assert "FAPI101" in output
    expected = LATIN1_NAME if output_format == "sarif" else SHOWN_NAME
    assert expected in _parsed_paths(output_format, output)
