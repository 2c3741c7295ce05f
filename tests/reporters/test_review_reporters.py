"""The review and CI formats: markdown, gitlab, junit; statistics; shared fingerprints.

Each machine format is checked against what its consumer documents (GitLab's Code
Quality fields, the JUnit XSD's required attributes), the Markdown is parsed with a
real CommonMark + GFM-tables parser, and every format is run end to end through the
installed console script.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import jsonschema
import pytest

from fastapi_lint import reporters
from fastapi_lint.fingerprints import finding_keys, fingerprints, normalise_source
from fastapi_lint.models import (
    Diagnostic,
    Edit,
    Fix,
    InternalError,
    Report,
    RuleInfo,
    TypeCoverage,
)
from fastapi_lint.reporters import gitlab, junit, markdown
from fastapi_lint.reporters.statistics import (
    render_statistics,
    render_statistics_json,
    statistics,
)

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_APP = ROOT / "fixtures" / "sample_app"
CHECKLIST = ROOT.parent / "shared" / "design" / "checklist.md"

SAFE_FIX = Fix("safe", "Replace with `await asyncio.sleep()`", (Edit(7, 5, 7, 15, "x"),))
UNSAFE_FIX = Fix("unsafe", "Drop the else", (Edit(9, 1, 9, 6, ""),))

SLEEP = Diagnostic(
    code="FAPI101",
    name="blocking-call-in-async-function",
    family="async",
    severity="error",
    message="Blocking call `time.sleep()` in async function `read_items`",
    path="app/main.py",
    line=7,
    column=5,
    end_line=7,
    end_column=18,
    source_line="    time.sleep(1)\n",
    fix=SAFE_FIX,
)
NO_RETURN = Diagnostic(
    code="FAPI202",
    name="missing-return-annotation",
    family="typing",
    severity="warning",
    message="Missing return type annotation for `read_items`",
    path="app/main.py",
    line=5,
    column=11,
    end_line=5,
    end_column=21,
    source_line="async def read_items():\n",
)
ELSE = Diagnostic(
    code="FAPI401",
    name="superfluous-else",
    family="structure",
    severity="error",
    message="Unnecessary `else` after `raise` statement",
    path="app/users.py",
    line=9,
    column=1,
    end_line=9,
    end_column=6,
    source_line="else:\n",
    fix=UNSAFE_FIX,
)


def rule_info(code: str, family: str, use_instead: str | None = None) -> RuleInfo:
    docs = f"## What it does\nFlags {code}.\n\n## Why is this bad?\nIt is."
    if use_instead is not None:
        docs += f"\n\n## Use instead\n{use_instead}\n\n## Options\nNone."
    return RuleInfo(code, code.lower(), family, "error", f"Flags {code}.", docs, True, False)


RULES = (
    rule_info("FAPI101", "async", "```python\nawait asyncio.sleep(1)\n```"),
    rule_info("FAPI202", "typing", "```python\nasync def read_items() -> list[Item]: ...\n```"),
    rule_info("FAPI401", "structure"),
    rule_info("FAPI801", "security", "Restrict origins."),
)


def make_report(*diagnostics: Diagnostic, **overrides: object) -> Report:
    fields: dict[str, object] = {
        "tool_version": "0.1.0",
        "files": 4,
        "diagnostics": tuple(sorted(diagnostics, key=Diagnostic.sort_key)),
        "rules": RULES,
        "type_coverage": TypeCoverage(annotated=7, total=8),
    }
    fields.update(overrides)
    return Report(**fields)  # type: ignore[arg-type]


SAMPLE = make_report(SLEEP, NO_RETURN, ELSE)
CLEAN = make_report()


def many(diagnostic: Diagnostic, count: int) -> list[Diagnostic]:
    """``count`` copies of ``diagnostic`` on consecutive lines with distinct sources."""
    return [
        replace(diagnostic, line=diagnostic.line + i, source_line=f"call_{i}()\n")
        for i in range(count)
    ]


# --- the console script -------------------------------------------------------

BLOCKING_APP = """\
import time

from fastapi import FastAPI

app = FastAPI()


@app.get("/items")
async def read_items() -> list[int]:
    time.sleep(1)
    return [1]
"""
CLEAN_APP = """\
from fastapi import FastAPI

app = FastAPI()


@app.get("/items")
async def read_items() -> list[int]:
    return [1]
"""


def console_script() -> str:
    found = shutil.which("fastapi-lint", path=str(Path(sys.executable).parent))
    if found is None:
        pytest.skip("fastapi-lint is not installed as a console script")
    return found


def check(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1"}
    return subprocess.run(
        [console_script(), "check", "--no-cache", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=cwd,
        env=env,
        check=False,
    )


def project(tmp_path: Path, source: str) -> Path:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "main.py").write_text(source, encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("output_format", ["markdown", "gitlab", "junit"])
def test_console_script_offers_the_new_formats(output_format: str) -> None:
    done = subprocess.run([console_script(), "check", "--help"], capture_output=True, text=True)
    assert output_format in done.stdout


def test_console_script_markdown_review_of_a_project_with_findings(tmp_path: Path) -> None:
    done = check(project(tmp_path, BLOCKING_APP), "--output-format", "markdown", "app")
    assert done.returncode == 1, done.stderr
    review = done.stdout
    assert review.startswith("## fastapi-lint review\n\n**1 finding** in 1 file (1 file checked).")
    assert "| async: nothing blocks the event loop | 1 | 1 | `FAPI101` ×1 |" in review
    assert "**`app/main.py:10`** `FAPI101` Blocking call `time.sleep()`" in review
    assert "```python\ntime.sleep(1)\n```" in review
    assert review.count("<summary>Use instead</summary>") == 1
    assert "Type coverage: **100.0%**" in review


def test_console_script_markdown_review_of_a_clean_project(tmp_path: Path) -> None:
    done = check(project(tmp_path, CLEAN_APP), "--output-format", "markdown", "app")
    assert done.returncode == 0, done.stderr
    assert done.stdout == (
        "## fastapi-lint review\n\n"
        "No findings in 1 file checked.\n\n"
        "Type coverage: **100.0%** (1/1 parameters and returns annotated; the target is 100%).\n"
    )


def test_console_script_markdown_of_the_sample_app_matches_the_snapshot(snapshot) -> None:
    done = check(ROOT, "--output-format", "markdown", "fixtures/sample_app")
    assert done.returncode == 1, done.stderr
    snapshot.assert_match(done.stdout, "sample_app.md")


def test_console_script_gitlab_report_validates_and_survives_moved_code(tmp_path: Path) -> None:
    root = project(tmp_path, BLOCKING_APP)
    before = json.loads(check(root, "--output-format", "gitlab", "app").stdout)
    assert_valid_gitlab(before)
    assert [issue["location"]["lines"]["begin"] for issue in before] == [10]
    # Code moving down keeps the finding's fingerprint; a new finding gets a new one.
    moved = (
        '"""Items."""\n\n\n' + BLOCKING_APP + "\n\nasync def again() -> None:\n    time.sleep(2)\n"
    )
    (root / "app" / "main.py").write_text(moved, encoding="utf-8")
    after = json.loads(check(root, "--output-format", "gitlab", "app").stdout)
    assert_valid_gitlab(after)
    assert [issue["location"]["lines"]["begin"] for issue in after] == [13, 18]
    assert after[0]["fingerprint"] == before[0]["fingerprint"]
    assert after[1]["fingerprint"] != before[0]["fingerprint"]


def test_console_script_gitlab_report_of_a_clean_project_is_an_empty_array(tmp_path: Path) -> None:
    done = check(project(tmp_path, CLEAN_APP), "--output-format", "gitlab", "app")
    assert done.returncode == 0 and json.loads(done.stdout) == []


def test_console_script_junit_report_to_a_file(tmp_path: Path) -> None:
    root = project(tmp_path, BLOCKING_APP)
    done = check(root, "--output-format", "junit", "-o", "reports/junit.xml", "app")
    assert done.returncode == 1, done.stderr
    suites = assert_valid_junit((root / "reports" / "junit.xml").read_text(encoding="utf-8"))
    assert (suites.get("tests"), suites.get("failures")) == ("1", "1")
    case = suites.find("testsuite/testcase")
    assert case is not None
    assert case.get("classname") == "app.main" and case.get("line") == "10"


def test_console_script_junit_report_of_a_clean_project_has_a_passing_test(tmp_path: Path) -> None:
    done = check(project(tmp_path, CLEAN_APP), "--output-format", "junit", "app")
    assert done.returncode == 0, done.stderr
    suites = assert_valid_junit(done.stdout)
    assert (suites.get("tests"), suites.get("failures"), suites.get("errors")) == ("1", "0", "0")


# --- fingerprints -------------------------------------------------------------


def test_fingerprint_ignores_line_numbers_and_reindentation() -> None:
    moved = replace(SLEEP, line=70, end_line=70, column=9)
    reindented = replace(SLEEP, source_line="\t\ttime.sleep(1)  \r\n")
    assert fingerprints([moved]) == fingerprints([reindented]) == fingerprints([SLEEP])
    # Runs of whitespace collapse to one space; they do not vanish.
    spaced = replace(SLEEP, source_line="time.sleep( 1 )")
    assert fingerprints([spaced]) == fingerprints([replace(SLEEP, source_line="time.sleep(\t1  )")])
    assert fingerprints([spaced]) != fingerprints([SLEEP])


def test_fingerprint_changes_with_path_code_and_source_text() -> None:
    base = fingerprints([SLEEP])[0]
    assert fingerprints([replace(SLEEP, path="app/other.py")])[0] != base
    assert fingerprints([replace(SLEEP, code="FAPI104")])[0] != base
    assert fingerprints([replace(SLEEP, source_line="    time.sleep(2)\n")])[0] != base


def test_fingerprint_is_the_same_for_windows_and_posix_paths() -> None:
    windows = replace(SLEEP, path="app\\main.py")
    dotted = replace(SLEEP, path="./app/main.py")
    assert fingerprints([windows]) == fingerprints([dotted]) == fingerprints([SLEEP])


def test_repeated_identical_lines_get_occurrence_indexes_top_to_bottom() -> None:
    second = replace(SLEEP, line=20, end_line=20)
    keys = finding_keys([SLEEP, second, replace(SLEEP, code="FAPI104")])
    assert [key.occurrence for key in keys] == [0, 1, 0]
    assert len(set(fingerprints([SLEEP, second]))) == 2


def test_fingerprint_value_is_pinned_because_baselines_store_it() -> None:
    expected = hashlib.sha256(b"app/main.py\0FAPI101\0time.sleep(1)\x000").hexdigest()[:32]
    assert fingerprints([SLEEP]) == [expected]
    assert normalise_source("  a \t b\n") == "a b"


def test_fingerprint_accepts_undecodable_path_characters() -> None:
    odd = replace(SLEEP, path="app/\udcff.py")
    assert re.fullmatch(r"[0-9a-f]{32}", fingerprints([odd])[0])


# --- gitlab -------------------------------------------------------------------

# GitLab's documented Code Quality report format (docs.gitlab.com, "Code Quality report
# format" in ci/testing/code_quality): a JSON array of objects, each with `description`,
# `check_name`, `fingerprint`, `severity` (info, minor, major, critical or blocker),
# `location.path` (relative, no leading "./") and the line as `location.lines.begin` or
# `location.positions.begin.line`, an integer (GitLab drops findings whose line is not).
_LINE = {"type": "integer", "minimum": 1}
GITLAB_CODE_QUALITY_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "array",
    "items": {
        "type": "object",
        "required": ["description", "check_name", "fingerprint", "severity", "location"],
        "properties": {
            "description": {"type": "string", "minLength": 1},
            "check_name": {"type": "string", "minLength": 1},
            "fingerprint": {"type": "string", "minLength": 1},
            "severity": {"enum": ["info", "minor", "major", "critical", "blocker"]},
            "location": {
                "type": "object",
                "required": ["path"],
                "properties": {
                    "path": {"type": "string", "minLength": 1, "not": {"pattern": r"^\./|\\"}},
                    "lines": {
                        "type": "object",
                        "required": ["begin"],
                        "properties": {"begin": _LINE, "end": _LINE},
                    },
                    "positions": {
                        "type": "object",
                        "required": ["begin"],
                        "properties": {
                            "begin": {
                                "type": "object",
                                "required": ["line"],
                                "properties": {"line": _LINE},
                            }
                        },
                    },
                },
                "anyOf": [{"required": ["lines"]}, {"required": ["positions"]}],
            },
        },
    },
}


def assert_valid_gitlab(document: object) -> None:
    jsonschema.Draft202012Validator(GITLAB_CODE_QUALITY_SCHEMA).validate(document)
    assert isinstance(document, list)
    # GitLab shows only the first of several findings that share a fingerprint.
    prints = [issue["fingerprint"] for issue in document]
    assert len(prints) == len(set(prints)), "duplicate fingerprints"


@pytest.mark.parametrize("report", [SAMPLE, CLEAN], ids=["sample", "clean"])
def test_gitlab_report_matches_gitlabs_documented_fields(report: Report) -> None:
    assert_valid_gitlab(json.loads(reporters.render(report, "gitlab")))


@pytest.mark.parametrize(
    "breakage",
    [
        lambda issue: issue.pop("fingerprint"),
        lambda issue: issue.pop("check_name"),
        lambda issue: issue.update(severity="error"),
        lambda issue: issue["location"]["lines"].update(begin="7"),
        lambda issue: issue["location"]["lines"].update(begin=0),
        lambda issue: issue["location"].pop("lines"),
        lambda issue: issue["location"].update(path="./app/main.py"),
    ],
    ids=["fingerprint", "check_name", "severity", "line-type", "line-0", "no-line", "dot-path"],
)
def test_gitlab_schema_rejects_what_gitlab_would_drop(breakage) -> None:
    document = gitlab.to_list(SAMPLE)
    breakage(document[0])
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(GITLAB_CODE_QUALITY_SCHEMA).validate(document)


def test_gitlab_issue_fields_and_severity_mapping() -> None:
    issues = {issue["check_name"]: issue for issue in gitlab.to_list(SAMPLE)}
    assert issues["FAPI101"] == {
        "description": "FAPI101 Blocking call `time.sleep()` in async function `read_items`",
        "check_name": "FAPI101",
        "fingerprint": fingerprints([SLEEP])[0],
        "severity": "major",
        "location": {"path": "app/main.py", "lines": {"begin": 7, "end": 7}},
    }
    assert issues["FAPI202"]["severity"] == "minor"


def test_gitlab_repeated_findings_on_identical_lines_stay_distinct() -> None:
    twice = make_report(SLEEP, replace(SLEEP, line=12, end_line=12))
    assert_valid_gitlab(json.loads(reporters.render(twice, "gitlab")))


def test_gitlab_normalises_paths_and_clamps_lines() -> None:
    odd = replace(SLEEP, path=".\\app\\main.py", line=0, end_line=0)
    (issue,) = gitlab.to_list(make_report(odd))
    assert issue["location"] == {"path": "app/main.py", "lines": {"begin": 1, "end": 1}}


def test_gitlab_ignores_quiet_and_color_and_is_ascii() -> None:
    unicode = replace(SLEEP, message="Blocking call in `lire_données` 界")
    output = reporters.render(make_report(unicode), "gitlab")
    assert output == reporters.render(make_report(unicode), "gitlab", quiet=True, color=True)
    assert output.isascii()
    assert json.loads(output)[0]["description"].endswith("`lire_données` 界")


# --- junit --------------------------------------------------------------------


def assert_valid_junit(output: str) -> ET.Element:
    """Well-formed, and the attributes the common JUnit XSDs (Jenkins' junit-10.xsd, the
    Ant schema) require, with counts that add up."""
    assert output.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    root = ET.fromstring(output.encode("utf-8"))
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    assert suites, "a JUnit report needs at least one testsuite"
    for suite in suites:
        assert_junit_counts(suite, suite.findall("testcase"))
        for case in suite.findall("testcase"):
            assert case.get("name") and case.get("classname")
            for outcome in [*case.findall("failure"), *case.findall("error")]:
                assert outcome.get("message") is not None and outcome.get("type")
    assert_junit_counts(root, root.findall("testsuite/testcase"))
    return root


def assert_junit_counts(element: ET.Element, cases: list[ET.Element]) -> None:
    assert element.get("name"), element.attrib
    failures = sum(1 for case in cases if case.find("failure") is not None)
    errors = sum(1 for case in cases if case.find("error") is not None)
    assert element.get("tests") == str(len(cases))
    assert element.get("failures") == str(failures)
    assert element.get("errors") == str(errors)


def test_junit_one_suite_per_file_and_one_failing_case_per_finding() -> None:
    root = assert_valid_junit(reporters.render(SAMPLE, "junit"))
    assert [suite.get("name") for suite in root] == ["app/main.py", "app/users.py"]
    names = [case.get("name") for case in root.iter("testcase")]
    assert names == [
        "FAPI202 missing-return-annotation (5:11)",
        "FAPI101 blocking-call-in-async-function (7:5)",
        "FAPI401 superfluous-else (9:1)",
    ]
    failure = root.find("testsuite/testcase[@line='7']/failure")
    assert failure is not None and failure.get("type") == "FAPI101"
    assert failure.get("message") == SLEEP.message
    assert failure.text == (
        "app/main.py:7:5: FAPI101 Blocking call `time.sleep()` in async function `read_items`\n"
        "7 |     time.sleep(1)\n"
        "Fixable with `fastapi-lint check --fix`."
    )


def test_junit_clean_run_is_one_passing_testcase() -> None:
    root = assert_valid_junit(reporters.render(CLEAN, "junit"))
    (case,) = root.iter("testcase")
    assert list(case) == [] and case.get("name") == "no problems found"


def test_junit_internal_errors_are_errors_not_failures() -> None:
    crash = InternalError(path="app/users.py", rule="FAPI401", message="boom <&>")
    root = assert_valid_junit(
        reporters.render(make_report(ELSE, internal_errors=(crash,)), "junit")
    )
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("2", "1", "1")
    error = root.find("testsuite/testcase/error")
    assert error is not None and error.get("type") == "internal-error"
    assert error.get("message") == "fastapi-lint crashed in rule FAPI401: boom <&>"


def test_junit_escapes_markup_quotes_non_ascii_and_characters_xml_cannot_hold() -> None:
    message = "Use `a < b && c > \"d\"` and 'e' in `lire_données` 界 \x0c\x00 \udcff ]]>"
    path = 'app/ünï <&> "q".py'
    odd = replace(SLEEP, message=message, path=path, source_line="x = '界'\x0c\n")
    output = reporters.render(make_report(odd), "junit")
    assert output.isascii()
    assert "&#30028;" in output  # 界 as a character reference
    root = assert_valid_junit(output)
    failure = root.find("testsuite/testcase/failure")
    assert failure is not None
    expected = message.replace("\x0c", "\\x0c").replace("\x00", "\\x00")
    # A byte of a file name that is not UTF-8 is shown as every format shows it.
    assert failure.get("message") == expected.replace("\udcff", "\\xff")
    assert root.find("testsuite").get("name") == path  # type: ignore[union-attr]
    assert "x = '界'\\x0c" in (failure.text or "")


def test_junit_multi_line_message_round_trips_in_the_attribute() -> None:
    odd = replace(SLEEP, message="line one\nline two\ttabbed\r")
    failure = ET.fromstring(reporters.render(make_report(odd), "junit")).find(".//failure")
    assert failure is not None and failure.get("message") == "line one\nline two\ttabbed\r"


def test_junit_classname_is_a_dotted_module_path() -> None:
    assert junit.classname("app/routers/items.py") == "app.routers.items"
    assert junit.classname("app\\routers\\items.py") == "app.routers.items"
    assert junit.classname("-") == "-"


# --- markdown -----------------------------------------------------------------


def parse_markdown(text: str) -> list:
    markdown_it = pytest.importorskip("markdown_it")
    return markdown_it.MarkdownIt("commonmark").enable("table").parse(text)


def test_markdown_matches_snapshot(snapshot) -> None:
    snapshot.assert_match(reporters.render(SAMPLE, "markdown"), "sample.md")


def test_markdown_structure_parses_as_the_checklist_review() -> None:
    tokens = parse_markdown(reporters.render(SAMPLE, "markdown"))
    headings = [
        tokens[i + 1].content for i, token in enumerate(tokens) if token.type == "heading_open"
    ]
    assert headings == [
        "fastapi-lint review",
        "async: nothing blocks the event loop",
        "`FAPI101` blocking-call-in-async-function (1 finding)",
        "typing: type hints everywhere",
        "`FAPI202` missing-return-annotation (1 finding)",
        "structure: guard clauses, early returns, happy path last",
        "`FAPI401` superfluous-else (1 finding)",
    ]
    rows = [token for token in tokens if token.type == "tr_open"]
    assert len(rows) == 1 + 4  # header + async, typing, structure, security (selected, clean)
    fences = [token for token in tokens if token.type == "fence"]
    assert [fence.content for fence in fences if fence.info == "python"] == [
        "time.sleep(1)\n",
        "await asyncio.sleep(1)\n",
        "async def read_items():\n",
        "async def read_items() -> list[Item]: ...\n",
        "else:\n",
    ]


def test_markdown_summary_table_counts_findings_and_fixes_per_family() -> None:
    review = reporters.render(SAMPLE, "markdown")
    assert "| Checklist | Findings | Fixable | Rules |" in review
    assert "| async: nothing blocks the event loop | 1 | 1 | `FAPI101` ×1 |" in review
    assert "| structure: guard clauses, early returns, happy path last | 1 | 1 |" in review
    assert "| security | 0 | 0 | - |" in review


def test_markdown_headline_counts_fixes_and_coverage() -> None:
    review = reporters.render(SAMPLE, "markdown")
    assert "**3 findings** in 2 files (4 files checked). 1 fixable with " in review
    assert "`fastapi-lint check --fix` (1 more with `--unsafe-fixes`)." in review
    assert "Type coverage: **87.5%** (7/8 parameters and returns annotated" in review


def test_markdown_marks_safe_and_unsafe_fixes_per_finding() -> None:
    review = reporters.render(SAMPLE, "markdown")
    assert "`read_items` *(fixable with `--fix`)*" in review
    assert "`raise` statement *(fixable with `--fix --unsafe-fixes`)*" in review
    assert "annotation for `read_items`\n" in review  # no mark on a finding without a fix


def test_markdown_clean_report_is_short_with_coverage() -> None:
    assert reporters.render(CLEAN, "markdown") == (
        "## fastapi-lint review\n\n"
        "No findings in 4 files checked.\n\n"
        "Type coverage: **87.5%** (7/8 parameters and returns annotated; the target is 100%).\n"
    )


def test_markdown_says_when_coverage_was_not_measured() -> None:
    review = reporters.render(make_report(type_coverage=TypeCoverage()), "markdown")
    assert "Type coverage: not measured" in review


def test_markdown_mentions_internal_errors() -> None:
    crash = InternalError(path="app/main.py", rule="FAPI101", message="boom")
    review = reporters.render(make_report(internal_errors=(crash, crash)), "markdown")
    assert "**2 internal errors**: a rule crashed" in review


def test_markdown_use_instead_appears_once_per_rule_not_per_finding() -> None:
    review = reporters.render(make_report(*many(SLEEP, 3), NO_RETURN), "markdown")
    assert review.count("<summary>Use instead</summary>") == 2
    assert review.count("await asyncio.sleep(1)") == 1
    # FAPI401 has no "Use instead" section: no empty <details> for it.
    assert "<details>" not in reporters.render(make_report(ELSE), "markdown")


def test_markdown_caps_findings_per_rule_and_says_how_many_it_left_out() -> None:
    review = reporters.render(make_report(*many(SLEEP, 25)), "markdown")
    assert review.count("**`app/main.py:") == markdown.PER_RULE == 10
    assert "**`app/main.py:16`**" in review and "**`app/main.py:17`**" not in review
    assert "*…and 15 more: this review lists at most 10 findings per rule." in review
    assert "(25 findings)" in review and "| 25 | 25 |" in review


def test_markdown_with_hundreds_of_findings_fits_one_github_comment() -> None:
    long_message = "Blocking call `requests.get()` " + "in a rather long message " * 8
    findings = [
        finding
        for index in range(40)
        for finding in many(
            replace(
                SLEEP, code=f"FAPI{900 + index}", path=f"app/m{index}.py", message=long_message
            ),
            30,
        )
    ]
    rules = tuple(
        rule_info(f"FAPI{900 + i}", "async", "```python\n" + "x = 1\n" * 20 + "```")
        for i in range(40)
    )
    report = make_report(*findings, rules=rules)
    review = reporters.render(report, "markdown")
    assert len(findings) == 1200
    assert len(markdown.render_review(report)) > markdown.GITHUB_COMMENT_LIMIT  # had to shrink
    assert len(review) <= markdown.GITHUB_COMMENT_LIMIT
    assert "findings per rule" in review or "not listed" in review
    # Every rule still gets its heading and count, whatever was cut.
    assert review.count("(30 findings)") == 40


def test_markdown_escapes_markup_in_messages_but_keeps_code_spans() -> None:
    message = "Use <script>alert(1)</script> *not* [this](http://x) | `a|b <c> *d*` ~x~ & _y_"
    # No fix: its "*(fixable ...)*" mark is emphasis on purpose.
    review = reporters.render(make_report(replace(SLEEP, message=message, fix=None)), "markdown")
    tokens = parse_markdown(review)
    inline = [child for token in tokens if token.children for child in token.children]
    assert not [child for child in inline if child.type in ("html_inline", "link_open", "em_open")]
    assert "`a|b <c> *d*`" in review
    texts = "".join(child.content for child in inline if child.type in ("text", "code_inline"))
    assert "Use <script>alert(1)</script> *not* [this](http://x) | a|b <c> *d* ~x~ & _y_" in texts


def test_markdown_table_cells_escape_pipes() -> None:
    odd = replace(SLEEP, family="weird|family")
    review = reporters.render(make_report(odd), "markdown")
    (row,) = [line for line in review.splitlines() if line.startswith("| weird")]
    assert len(re.findall(r"(?<!\\)\|", row)) == 5
    tokens = parse_markdown(review)
    cells = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "td_open"]
    start = cells.index("weird|family")
    assert cells[start : start + 4] == ["weird|family", "1", "1", "`FAPI101` ×1"]


def test_markdown_snippet_and_path_with_backticks_keep_their_fences() -> None:
    odd = replace(SLEEP, path="app/`odd`.py", source_line='    doc = """```python```"""\n')
    review = reporters.render(make_report(odd), "markdown")
    assert '````python\ndoc = """```python```"""\n````' in review
    tokens = parse_markdown(review)
    assert [t.content for t in tokens if t.type == "fence"][0] == 'doc = """```python```"""\n'
    assert "``app/`odd`.py:7``" in review


def test_markdown_finding_without_source_has_no_snippet() -> None:
    unreadable = replace(
        NO_RETURN, source_line="", code="FAPI000", family="syntax", name="syntax-error"
    )
    review = reporters.render(make_report(unreadable), "markdown")
    assert "### syntax: files that could not be analysed" in review
    assert "```python\n\n```" not in review and "```python" not in review


def test_markdown_unknown_family_keeps_its_own_name_after_the_checklist() -> None:
    odd = replace(SLEEP, family="zzz")
    review = reporters.render(make_report(odd, NO_RETURN), "markdown")
    assert review.index("### typing:") < review.index("### zzz")


def test_markdown_family_titles_are_the_checklist_headings() -> None:
    if not CHECKLIST.is_file():
        pytest.skip(f"checklist not found at {CHECKLIST}")
    headings = re.findall(r"^## (.+?)\s*$", CHECKLIST.read_text(encoding="utf-8"), re.MULTILINE)
    assert headings
    for heading in headings:
        family = heading.split(":")[0]
        assert markdown.FAMILY_TITLES[family] == heading


def test_markdown_every_registered_family_has_a_title() -> None:
    from fastapi_lint import registry

    assert set(registry.families()) <= set(markdown.FAMILY_TITLES)


def test_markdown_doc_section_reads_rule_docstrings() -> None:
    docs = "## What it does\nX.\n\n## Use instead\n```python\ny = 1\n```\n\n## Options\nNone."
    assert markdown.doc_section(docs, "Use instead") == "```python\ny = 1\n```"
    assert markdown.doc_section(docs, "Known limitations") is None


def test_markdown_code_span_handles_backticks() -> None:
    assert markdown.code_span("a") == "`a`"
    assert markdown.code_span("a`b") == "``a`b``"
    assert markdown.code_span("`a") == "`` `a ``"


@pytest.mark.parametrize("output_format", ["markdown", "gitlab", "junit"])
def test_new_formats_do_not_import_rich(output_format: str) -> None:
    script = (
        "import sys\n"
        "from fastapi_lint import reporters\n"
        "from fastapi_lint.models import Report\n"
        "report = Report(tool_version='0', files=0, diagnostics=(), rules=())\n"
        f"reporters.render(report, {output_format!r})\n"
        "assert 'rich' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", script], check=True)


# --- statistics ---------------------------------------------------------------


def test_statistics_sorted_by_count_then_code_with_fixable_counts() -> None:
    findings = [*many(SLEEP, 2), replace(SLEEP, line=40, fix=None), NO_RETURN, ELSE]
    entries = statistics(make_report(*findings))
    assert [(e.code, e.count, e.fixable) for e in entries] == [
        ("FAPI101", 3, 2),
        ("FAPI202", 1, 0),
        ("FAPI401", 1, 1),
    ]
    assert entries[0].name == "blocking-call-in-async-function"


def test_statistics_text_is_aligned_like_ruff_with_the_fix_hint() -> None:
    findings = [*many(SLEEP, 11), replace(SLEEP, line=40, fix=None), NO_RETURN, ELSE]
    assert render_statistics(make_report(*findings)) == textwrap.dedent(
        """\
        12  FAPI101  [*] blocking-call-in-async-function (11 of 12 fixable)
         1  FAPI202  [ ] missing-return-annotation
         1  FAPI401  [*] superfluous-else
        [*] 11 fixable with `--fix` (1 more with `--fix --unsafe-fixes`).
        """
    )


def test_statistics_json_lists_the_same_entries() -> None:
    document = json.loads(render_statistics_json(SAMPLE))
    assert document == [
        {"code": "FAPI101", "name": "blocking-call-in-async-function", "count": 1, "fixable": 1},
        {"code": "FAPI202", "name": "missing-return-annotation", "count": 1, "fixable": 0},
        {"code": "FAPI401", "name": "superfluous-else", "count": 1, "fixable": 1},
    ]


def test_statistics_of_a_clean_report_are_empty() -> None:
    assert render_statistics(CLEAN) == ""
    assert json.loads(render_statistics_json(CLEAN)) == []


def test_markdown_escape_leaves_code_spans_and_escapes_stray_backticks() -> None:
    assert markdown.escape_markdown("a_b `c_d` ``e`f`` g`h") == "a\\_b `c_d` ``e`f`` g\\`h"
    assert markdown.escape_markdown("one\ntwo") == "one two"
