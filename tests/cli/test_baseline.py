"""``check --write-baseline FILE`` and ``check --baseline FILE``, through the console script."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

BLOCKING = "import time\n\n\nasync def handler() -> None:\n    time.sleep(1)\n"
TWO_SLEEPS = (
    "import time\n\n\nasync def first() -> None:\n    time.sleep(1)\n\n\n"
    "async def second() -> None:\n    time.sleep(1)\n"
)
PRINTS = 'def report() -> None:\n    print("total")\n'
THIRD_SLEEP = "\n\nasync def third() -> None:\n    time.sleep(1)\n"
BASELINE = "fastapi-lint-baseline.json"


def _script() -> str:
    found = shutil.which("fastapi-lint", path=str(Path(sys.executable).parent))
    if found is None:
        pytest.skip("fastapi-lint is not installed as a console script")
    return found


def lint(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``fastapi-lint check ARGS`` in ``cwd``, concise output unless ARGS pick another."""
    output = [] if "--output-format" in args else ["--output-format", "concise"]
    return subprocess.run(
        [_script(), "check", *output, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "NO_COLOR": "1"},
    )


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def entries(project: Path, name: str = BASELINE) -> list[dict[str, object]]:
    document = json.loads((project / name).read_text(encoding="utf-8"))
    findings = document["findings"]
    assert isinstance(findings, list)
    return findings


def entry_lines(project: Path) -> list[str]:
    """The entry lines of the baseline file, without the separating commas."""
    lines = (project / BASELINE).read_text(encoding="utf-8").splitlines()
    return [line.strip().rstrip(",") for line in lines if line.startswith("    {")]


def codes(done: subprocess.CompletedProcess[str]) -> list[str]:
    """``path:line:CODE`` of each finding of a concise report."""
    found = []
    for line in done.stdout.splitlines():
        location, _, rest = line.partition(": ")
        if rest[:4] == "FAPI":
            found.append(f"{location.rsplit(':', 1)[0]}:{rest.split()[0]}")
    return found


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'legacy'\n")
    write(tmp_path / "app" / "jobs.py", TWO_SLEEPS)
    write(tmp_path / "app" / "report.py", PRINTS)
    return tmp_path


def baselined(project: Path) -> None:
    done = lint(project, "--write-baseline", BASELINE, ".")
    assert done.returncode == 0, done.stdout + done.stderr


def test_write_baseline_records_every_finding_and_exits_0(project: Path) -> None:
    assert lint(project, ".").returncode == 1
    done = lint(project, "--write-baseline", BASELINE, ".")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "recorded 3 findings in fastapi-lint-baseline.json" in done.stderr
    # Everything is recorded: no "All checks passed!" right after that line.
    assert done.stdout == ""
    assert (project / BASELINE).read_text(encoding="utf-8") == (
        "{\n"
        '  "version": 1,\n'
        '  "findings": [\n'
        '    {"path": "app/jobs.py", "code": "FAPI101", "source": "time.sleep(1)", '
        '"occurrence": 0},\n'
        '    {"path": "app/jobs.py", "code": "FAPI101", "source": "time.sleep(1)", '
        '"occurrence": 1},\n'
        '    {"path": "app/report.py", "code": "FAPI901", "source": "print(\\"total\\")", '
        '"occurrence": 0}\n'
        "  ]\n"
        "}\n"
    )


def test_baseline_hides_recorded_findings_and_says_how_many(project: Path) -> None:
    baselined(project)
    done = lint(project, "--baseline", BASELINE, "--output-format", "text", ".")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "All checks passed!" in done.stdout
    assert "3 findings hidden by the baseline." in done.stdout


def test_json_output_counts_the_hidden_findings_only_with_a_baseline(project: Path) -> None:
    baselined(project)
    write(project / "app" / "new.py", BLOCKING)
    with_baseline = json.loads(
        lint(project, "--baseline", BASELINE, "--output-format", "json", ".").stdout
    )
    assert with_baseline["summary"]["baselined"] == 3
    assert with_baseline["summary"]["diagnostics"] == 1
    assert [d["path"] for d in with_baseline["diagnostics"]] == ["app/new.py"]
    without = json.loads(lint(project, "--output-format", "json", ".").stdout)
    assert "baselined" not in without["summary"]


def test_moving_and_reindenting_code_keeps_its_findings_hidden(project: Path) -> None:
    baselined(project)
    before = (project / BASELINE).read_bytes()
    jobs = project / "app" / "jobs.py"
    moved = TWO_SLEEPS.replace("import time\n", 'import time\n\nLIMIT = 3\n"""Docs."""\n\n')
    moved = moved.replace("    time.sleep(1)\n", "    if LIMIT:\n        time.sleep(1)\n")
    write(jobs, moved)
    write(project / "app" / "report.py", "\n\n\n" + PRINTS)
    done = lint(project, "--baseline", BASELINE, ".")
    assert done.returncode == 0, done.stdout
    assert "3 findings hidden by the baseline." in done.stdout
    # Rewriting after a move changes nothing: the file holds no line numbers.
    baselined(project)
    assert (project / BASELINE).read_bytes() == before


def test_a_new_identical_finding_in_another_file_is_reported(project: Path) -> None:
    baselined(project)
    write(project / "app" / "other.py", TWO_SLEEPS)
    done = lint(project, "--baseline", BASELINE, ".")
    assert done.returncode == 1
    assert codes(done) == ["app/other.py:5:FAPI101", "app/other.py:9:FAPI101"]
    assert "3 findings hidden by the baseline." in done.stdout


def test_one_more_repeat_of_a_baselined_line_is_reported_once(project: Path) -> None:
    baselined(project)
    jobs = project / "app" / "jobs.py"
    write(jobs, TWO_SLEEPS + THIRD_SLEEP)
    done = lint(project, "--baseline", BASELINE, ".")
    assert done.returncode == 1
    assert codes(done) == ["app/jobs.py:13:FAPI101"]


def test_editing_the_flagged_line_reports_its_finding_again(project: Path) -> None:
    baselined(project)
    write(project / "app" / "report.py", PRINTS.replace('"total"', '"grand total"'))
    done = lint(project, "--baseline", BASELINE, ".")
    assert done.returncode == 1 and codes(done) == ["app/report.py:2:FAPI901"]


def test_fixed_findings_drop_out_and_rewriting_shrinks_the_file(project: Path) -> None:
    baselined(project)
    write(project / "app" / "report.py", "import logging\n\nlogging.getLogger().info('total')\n")
    done = lint(project, "--baseline", BASELINE, ".")
    assert done.returncode == 0
    assert "2 findings hidden by the baseline." in done.stdout
    before = entry_lines(project)
    baselined(project)
    after = entry_lines(project)
    # A review of the rewrite shows the paid-off finding as the one line removed.
    assert [line for line in before if line not in after] == [
        '{"path": "app/report.py", "code": "FAPI901", "source": "print(\\"total\\")", '
        '"occurrence": 0}'
    ]
    assert [line for line in after if line not in before] == []


def test_entries_of_deleted_files_are_ignored(project: Path) -> None:
    baselined(project)
    (project / "app" / "jobs.py").unlink()
    done = lint(project, "--baseline", BASELINE, ".")
    assert done.returncode == 0, done.stderr
    assert "1 finding hidden by the baseline." in done.stdout
    # A new file at a deleted file's path starts with a clean slate only once rewritten;
    # until then its entries are simply not there to match anything else.
    baselined(project)
    assert [entry["path"] for entry in entries(project)] == ["app/report.py"]


def test_removing_the_first_of_two_identical_lines_hands_its_key_to_the_second(
    project: Path,
) -> None:
    """Documented: occurrences count top to bottom, so the survivor matches entry 0."""
    baselined(project)
    jobs = project / "app" / "jobs.py"
    write(jobs, TWO_SLEEPS.replace("    time.sleep(1)\n", "    pass\n", 1))
    done = lint(project, "--baseline", BASELINE, ".")
    assert done.returncode == 0 and "2 findings hidden by the baseline." in done.stdout
    baselined(project)
    occurrences = [entry["occurrence"] for entry in entries(project) if entry["code"] == "FAPI101"]
    assert occurrences == [0]


def test_the_file_is_sorted_and_the_same_whatever_the_order_of_the_paths(project: Path) -> None:
    write(project / "zeta.py", BLOCKING)
    write(project / "Alpha" / "a b.py", BLOCKING)
    assert lint(project, "--write-baseline", "one.json", "zeta.py", "app", "Alpha").returncode == 0
    assert lint(project, "--write-baseline", "two.json", "Alpha", "app", "zeta.py").returncode == 0
    one = (project / "one.json").read_bytes()
    assert one == (project / "two.json").read_bytes()
    keys = [
        (e["path"], e["code"], e["source"], e["occurrence"]) for e in entries(project, "one.json")
    ]
    assert keys == sorted(keys) and keys[0][0] == "Alpha/a b.py"
    assert one.endswith(b"}\n") and b"\r" not in one
    lines = one.decode().splitlines()
    assert len(lines) == 4 + len(keys) + 1  # braces, version, list brackets; one per entry
    assert not list(project.glob(".one.json.*"))  # the temporary file was renamed away


def test_non_ascii_source_stays_readable_in_the_file(project: Path) -> None:
    write(project / "app" / "report.py", 'def report() -> None:\n    print("café ✓")\n')
    baselined(project)
    text = (project / BASELINE).read_text(encoding="utf-8")
    assert '"source": "print(\\"café ✓\\")"' in text
    assert lint(project, "--baseline", BASELINE, ".").returncode == 0


def test_paths_are_relative_to_the_baseline_file_not_the_working_directory(
    project: Path,
) -> None:
    done = lint(project / "app", "--write-baseline", "../baseline.json", ".")
    assert done.returncode == 0, done.stderr
    paths = {entry["path"] for entry in entries(project, "baseline.json")}
    assert paths == {"app/jobs.py", "app/report.py"}
    from_root = lint(project, "--baseline", "baseline.json", "app")
    assert from_root.returncode == 0 and "3 findings hidden" in from_root.stdout
    elsewhere = lint(project / "app", "--write-baseline", "../ci/baseline.json", "jobs.py")
    assert elsewhere.returncode == 0, elsewhere.stderr
    assert {entry["path"] for entry in entries(project, "ci/baseline.json")} == {"../app/jobs.py"}
    assert "2 findings hidden" in lint(project, "--baseline", "ci/baseline.json", ".").stdout


def test_syntax_errors_are_never_recorded_nor_hidden(project: Path) -> None:
    write(project / "app" / "broken.py", "def broken(:\n    pass\n")
    done = lint(project, "--write-baseline", BASELINE, ".")
    assert done.returncode == 1, done.stdout + done.stderr
    assert codes(done) == ["app/broken.py:1:FAPI000"]
    assert "FAPI000" not in (project / BASELINE).read_text(encoding="utf-8")
    # Even an entry written by hand does not hide it.
    document = json.loads((project / BASELINE).read_text(encoding="utf-8"))
    hand_made = {
        "path": "app/broken.py",
        "code": "FAPI000",
        "source": "def broken(:",
        "occurrence": 0,
    }
    document["findings"].append(hand_made)
    (project / BASELINE).write_text(json.dumps(document), encoding="utf-8")
    done = lint(project, "--baseline", BASELINE, ".")
    assert done.returncode == 1 and codes(done) == ["app/broken.py:1:FAPI000"]


def test_fix_with_a_baseline_reports_what_neither_fixed_nor_recorded(project: Path) -> None:
    baselined(project)
    write(project / "app" / "new.py", PRINTS.replace("report", "summary"))
    done = lint(project, "--fix", "--baseline", BASELINE, ".")
    assert done.returncode == 1, done.stdout + done.stderr
    assert codes(done) == ["app/new.py:2:FAPI901"]
    assert "asyncio.sleep" in (project / "app" / "jobs.py").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "does not exist (create it with --write-baseline"),
        ("{not json", "is not valid JSON"),
        ('{"version": 2, "findings": []}', "is not a version 1 fastapi-lint baseline"),
        ('{"version": 1}', "has no list of findings"),
        ('{"version": 1, "findings": [{"path": "a.py"}]}', "finding 0 needs exactly"),
        ('{"version": 1, "findings": [["a.py", "FAPI101", "x", 0]]}', "finding 0 needs exactly"),
    ],
)
def test_a_bad_baseline_file_is_a_clear_error_with_exit_2(
    project: Path, content: str | None, message: str
) -> None:
    if content is not None:
        write(project / BASELINE, content)
    done = lint(project, "--baseline", BASELINE, ".")
    assert done.returncode == 2
    assert message in done.stderr and "Traceback" not in done.stderr
    assert done.stdout == ""  # refused before linting: no partial report


def test_the_baseline_is_not_written_when_the_run_is_incomplete(project: Path) -> None:
    done = lint(project, "--write-baseline", BASELINE, ".", "missing.py")
    assert done.returncode == 2
    assert "not written" in done.stderr
    assert not (project / BASELINE).exists()


def test_write_baseline_and_baseline_together_are_refused(project: Path) -> None:
    done = lint(project, "--write-baseline", BASELINE, "--baseline", BASELINE, ".")
    assert done.returncode == 2
    assert "--write-baseline cannot be combined with --baseline" in done.stderr


def test_stdin_is_matched_by_its_stdin_filename(project: Path) -> None:
    baselined(project)
    done = subprocess.run(
        [_script(), "check", "--baseline", BASELINE, "--stdin-filename", "app/report.py", "-"],
        cwd=project,
        input=PRINTS,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0 and "1 finding hidden by the baseline." in done.stdout
