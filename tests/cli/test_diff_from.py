"""``check --diff-from REF``: findings on lines added or changed since a git revision only.

End to end through the console script on throwaway git repositories, then the patch
parser on hand-written patches for the shapes a real repository rarely produces.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from fastapi_lint.changed_lines import parse_patch

BLOCKING = "import time\n\n\nasync def handler() -> None:\n    time.sleep(1)\n"
MORE = "\n\nasync def added() -> None:\n    time.sleep(2)\n"
GIT_ENV = {
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@example.com",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@example.com",
    # Whatever the machine's git configuration says, the tests' repositories behave alike.
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def _script() -> str:
    found = shutil.which("fastapi-lint", path=str(Path(sys.executable).parent))
    if found is None:
        pytest.skip("fastapi-lint is not installed as a console script")
    return found


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", *args],
        cwd=repo,
        env={**os.environ, **GIT_ENV},
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def lint(
    cwd: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    output = [] if "--output-format" in args else ["--output-format", "concise"]
    return subprocess.run(
        [_script(), "check", *output, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        env=env or {**os.environ, **GIT_ENV, "NO_COLOR": "1"},
    )


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def found(done: subprocess.CompletedProcess[str]) -> list[str]:
    """``path:line: CODE`` of each finding of a concise report."""
    result = []
    for line in done.stdout.splitlines():
        location, _, rest = line.partition(": ")
        if rest[:4] == "FAPI":
            result.append(f"{location.rsplit(':', 1)[0]}: {rest.split()[0]}")
    return result


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository whose one commit, tagged ``base``, holds a legacy finding."""
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'legacy'\n")
    write(tmp_path / "app" / "jobs.py", BLOCKING)
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "legacy")
    git(tmp_path, "tag", "base")
    return tmp_path


def test_findings_on_committed_lines_are_not_reported(repo: Path) -> None:
    assert lint(repo, ".").returncode == 1
    done = lint(repo, "--diff-from", "base", ".")
    assert done.returncode == 0, done.stdout + done.stderr
    assert found(done) == []
    assert "1 finding on unchanged lines not shown (--diff-from)." in done.stdout


def test_added_and_edited_lines_are_reported_the_rest_of_the_file_not(repo: Path) -> None:
    jobs = repo / "app" / "jobs.py"
    write(jobs, BLOCKING + MORE)
    done = lint(repo, "--diff-from", "base", ".")
    assert done.returncode == 1
    assert found(done) == ["app/jobs.py:9: FAPI101"]
    write(jobs, BLOCKING.replace("sleep(1)", "sleep(5)"))
    assert found(lint(repo, "--diff-from", "base", ".")) == ["app/jobs.py:5: FAPI101"]


def test_moving_legacy_code_down_reports_nothing(repo: Path) -> None:
    write(repo / "app" / "jobs.py", '"""Jobs."""\n\n' + BLOCKING)
    done = lint(repo, "--diff-from", "base", ".")
    assert done.returncode == 0 and found(done) == []


def test_committed_changes_since_the_ref_count_like_uncommitted_ones(repo: Path) -> None:
    """The pull-request case: REF is the base branch, the changes are commits on top."""
    git(repo, "checkout", "-q", "-b", "feature")
    write(repo / "app" / "jobs.py", BLOCKING + MORE)
    git(repo, "commit", "-q", "-am", "more")
    staged = write(repo / "app" / "staged.py", BLOCKING)
    git(repo, "add", str(staged))
    done = lint(repo, "--diff-from", "main", ".")
    assert found(done) == ["app/jobs.py:9: FAPI101", "app/staged.py:5: FAPI101"]
    assert found(lint(repo, "--diff-from", "feature", ".")) == ["app/staged.py:5: FAPI101"]


def test_untracked_files_are_all_new_lines(repo: Path) -> None:
    write(repo / "app" / "fresh.py", BLOCKING)
    done = lint(repo, "--diff-from", "base", ".")
    assert found(done) == ["app/fresh.py:5: FAPI101"]


def test_deleting_lines_adds_nothing(repo: Path) -> None:
    write(repo / "app" / "jobs.py", BLOCKING + MORE)
    git(repo, "commit", "-q", "-am", "two")
    write(repo / "app" / "jobs.py", BLOCKING)
    assert found(lint(repo, "--diff-from", "HEAD", ".")) == []


def test_a_renamed_file_keeps_its_old_lines_unchanged(repo: Path) -> None:
    git(repo, "mv", "app/jobs.py", "app/tasks.py")
    assert found(lint(repo, "--diff-from", "base", ".")) == []
    write(repo / "app" / "tasks.py", BLOCKING + MORE)
    assert found(lint(repo, "--diff-from", "base", ".")) == ["app/tasks.py:9: FAPI101"]


def test_paths_with_spaces_quotes_and_non_ascii_letters(repo: Path) -> None:
    names = ["app/with space.py", "app/naïve ünïcode.py", 'app/quote"d.py']
    for name in names:
        write(repo / name, BLOCKING)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "odd names")
    for name in names:
        write(repo / name, BLOCKING + MORE)
    done = lint(repo, "--diff-from", "HEAD", ".")
    assert sorted(found(done)) == sorted(f"{name}:9: FAPI101" for name in names)


def test_a_last_line_without_newline_is_changed_when_one_is_appended(repo: Path) -> None:
    write(repo / "app" / "jobs.py", BLOCKING.rstrip("\n"))
    git(repo, "commit", "-q", "-am", "no newline")
    write(repo / "app" / "jobs.py", BLOCKING.rstrip("\n") + "\n" + MORE.lstrip("\n"))
    done = lint(repo, "--diff-from", "HEAD", ".")
    # git shows the old last line as changed (it gained its newline), and the new lines.
    assert found(done) == ["app/jobs.py:5: FAPI101", "app/jobs.py:7: FAPI101"]


def test_an_added_line_that_looks_like_a_file_header_is_a_line(repo: Path) -> None:
    """``-- 1`` edited to ``++ 1`` shows as ``--- 1`` / ``+++ 1`` in the patch body."""
    source = "import time\n-- 1\n\n\nasync def handler() -> None:\n    time.sleep(1)\n"
    write(repo / "app" / "jobs.py", source)
    git(repo, "commit", "-q", "-am", "double negation")
    write(repo / "app" / "jobs.py", source.replace("-- 1", "++ 1") + MORE)
    done = lint(repo, "--diff-from", "HEAD", "--select", "FAPI101", ".")
    assert found(done) == ["app/jobs.py:10: FAPI101"]


def test_project_wide_findings_count_by_their_own_line(repo: Path) -> None:
    write(repo / "app" / "helpers.py", "import time\n\n\ndef fetch() -> None:\n    time.sleep(1)\n")
    routes = "from app.helpers import fetch\n\n\nasync def handler() -> None:\n    fetch()\n"
    write(repo / "app" / "__init__.py", "")
    write(repo / "app" / "routes.py", routes)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "routes")
    assert "FAPI102" in lint(repo, ".").stdout
    # A change in the helper does not move the finding, which is on the route's call.
    helper = "import time\n\n\ndef fetch() -> None:\n    time.sleep(1)\n    time.sleep(2)\n"
    write(repo / "app" / "helpers.py", helper)
    assert "FAPI102" not in lint(repo, "--diff-from", "HEAD", ".").stdout
    write(repo / "app" / "routes.py", routes + "\n\nasync def other() -> None:\n    fetch()\n")
    done = lint(repo, "--diff-from", "HEAD", "--select", "FAPI102", ".")
    assert found(done) == ["app/routes.py:9: FAPI102"]


def test_runs_from_a_subfolder_with_paths_as_shown(repo: Path) -> None:
    write(repo / "app" / "jobs.py", BLOCKING + MORE)
    done = lint(repo / "app", "--diff-from", "base", ".")
    assert found(done) == ["jobs.py:9: FAPI101"]


def test_syntax_errors_are_always_reported(repo: Path) -> None:
    write(repo / "app" / "broken.py", "def broken(:\n    pass\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "broken")
    done = lint(repo, "--diff-from", "HEAD", ".")
    assert done.returncode == 1 and found(done) == ["app/broken.py:1: FAPI000"]


def test_json_output_counts_the_unchanged_findings(repo: Path) -> None:
    write(repo / "app" / "jobs.py", BLOCKING + MORE)
    report = json.loads(lint(repo, "--diff-from", "base", "--output-format", "json", ".").stdout)
    assert report["summary"]["unchanged"] == 1 and report["summary"]["diagnostics"] == 1
    assert (
        "unchanged" not in json.loads(lint(repo, "--output-format", "json", ".").stdout)["summary"]
    )


def test_with_a_baseline_the_baseline_applies_first(repo: Path) -> None:
    write(repo / "app" / "jobs.py", BLOCKING + MORE)
    assert lint(repo, "--write-baseline", "baseline.json", ".").returncode == 0
    write(repo / "app" / "jobs.py", BLOCKING + MORE + MORE.replace("added", "again"))
    done = lint(repo, "--diff-from", "base", "--baseline", "baseline.json", ".")
    assert found(done) == ["app/jobs.py:13: FAPI101"]
    assert "2 findings hidden by the baseline." in done.stdout
    assert "on unchanged lines" in done.stdout


# -- errors ------------------------------------------------------------------------------


def test_no_git_repository_is_a_clear_error(tmp_path: Path) -> None:
    write(tmp_path / "app.py", BLOCKING)
    done = lint(tmp_path, "--diff-from", "main", ".")
    assert done.returncode == 2 and done.stdout == ""
    # Said once, naming the folder: neither its own prefix nor git's "fatal:" repeated.
    expected = f"--diff-from needs a git repository, and {tmp_path} is not in one"
    assert done.stderr == f"fastapi-lint: error: {expected}\n"


def test_an_unknown_revision_is_a_clear_error(repo: Path) -> None:
    for ref in ("no-such-branch", "--output=x"):
        done = lint(repo, f"--diff-from={ref}", ".")
        assert done.returncode == 2 and done.stdout == "", ref
        assert "git revision" in done.stderr and ref in done.stderr
    assert not (repo / "x").exists()


def test_a_file_outside_the_repository_is_a_clear_error(
    repo: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    outside = write(tmp_path_factory.mktemp("elsewhere") / "other.py", BLOCKING)
    done = lint(repo, "--diff-from", "base", str(outside))
    assert done.returncode == 2
    assert "is not in the git repository" in done.stderr


def test_an_ignored_file_is_a_clear_error(repo: Path) -> None:
    write(repo / ".gitignore", "generated.py\n")
    write(repo / "generated.py", BLOCKING)
    done = lint(repo, "--diff-from", "base", "generated.py")
    assert done.returncode == 2
    assert "generated.py is ignored by git" in done.stderr


def test_git_missing_from_path_is_a_clear_error(repo: Path) -> None:
    bin_only = {**os.environ, "PATH": str(Path(_script()).parent)}
    if shutil.which("git", path=bin_only["PATH"]):
        pytest.skip("git lives beside the console script")
    done = lint(repo, "--diff-from", "base", ".", env=bin_only)
    assert done.returncode == 2 and done.stderr.count("--diff-from") == 1
    assert "needs git, which is not installed" in done.stderr


def test_standard_input_is_refused(repo: Path) -> None:
    done = lint(repo, "--diff-from", "base", "-")
    assert done.returncode == 2 and "standard input" in done.stderr


def test_diff_from_and_the_fix_diff_are_different_flags(repo: Path) -> None:
    done = lint(repo, "--diff", "--diff-from", "base", ".")
    assert done.returncode == 2 and "--diff cannot be combined with --diff-from" in done.stderr


# -- the patch parser --------------------------------------------------------------------


def test_parse_patch_reads_every_shape_of_header() -> None:
    patch = (
        b"diff --git a/gone.py b/gone.py\n"
        b"deleted file mode 100644\n"
        b"--- a/gone.py\n"
        b"+++ /dev/null\n"
        b"@@ -1,2 +0,0 @@\n"
        b"-a\n"
        b"-b\n"
        b"diff --git a/old.py b/new.py\n"
        b"similarity index 100%\n"
        b"rename from old.py\n"
        b"rename to new.py\n"
        b"diff --git a/img.png b/img.png\n"
        b"Binary files a/img.png and b/img.png differ\n"
        b"diff --git a/sp ace.py b/sp ace.py\n"
        b"--- a/sp ace.py\t\n"
        b"+++ b/sp ace.py\t\n"
        b"@@ -3 +3,2 @@ def f():\n"
        b"-x\n"
        b"\\ No newline at end of file\n"
        b"+y\n"
        b"+z\n"
        b"\\ No newline at end of file\n"
        b'diff --git "a/\\303\\274n\\tq\\"d.py" "b/\\303\\274n\\tq\\"d.py"\n'
        b'--- "a/\\303\\274n\\tq\\"d.py"\n'
        b'+++ "b/\\303\\274n\\tq\\"d.py"\n'
        b"@@ -0,0 +1 @@\n"
        b"+new\n"
        b"@@ -5,2 +6,0 @@\n"
        b"-gone\n"
        b"-gone too\n"
        b"@@ -9 +9 @@\n"
        b"--- 1\n"
        b"+++ 1\n"
        b"@@ -20 +20 @@\n"
        b"-p\n"
        b"+q\n"
    )
    assert parse_patch(patch) == {
        "sp ace.py": frozenset({3, 4}),
        'ün\tq"d.py': frozenset({1, 9, 20}),
    }


def test_parse_patch_of_nothing_is_empty() -> None:
    assert parse_patch(b"") == {}
