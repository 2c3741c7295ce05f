"""The command line, through Click's runner and through the installed console script."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import libcst as cst
import pytest
from click.testing import CliRunner

import fastapi_lint.runner.jobs as runner_jobs
from fastapi_lint import registry
from fastapi_lint.cli import cli
from fastapi_lint.rule import Rule

BLOCKING = "import time\n\n\nasync def handler() -> None:\n    time.sleep(1)\n"
CLEAN = "import asyncio\n\n\nasync def handler() -> None:\n    await asyncio.sleep(1)\n"
SAMPLE_APP = Path(__file__).resolve().parents[2] / "fixtures" / "sample_app"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty project folder as the working directory."""
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'demo'\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NO_COLOR", raising=False)
    return tmp_path


def run(*args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), input=stdin, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_findings_exit_1_and_clean_code_exits_0(project: Path) -> None:
    write(project / "app" / "bad.py", BLOCKING)
    write(project / "clean" / "ok.py", CLEAN)
    assert run("check", "app")[0] == 1
    assert run("check", "clean")[0] == 0


def test_default_path_is_the_current_directory(project: Path) -> None:
    write(project / "app" / "bad.py", BLOCKING)
    code, out, _ = run("check", "--output-format", "concise")
    assert code == 1 and "app/bad.py:5:5: FAPI101" in out


def test_exit_zero_keeps_findings_but_exits_0(project: Path) -> None:
    write(project / "bad.py", BLOCKING)
    code, out, _ = run("check", "--exit-zero", "--output-format", "concise")
    assert code == 0 and "FAPI101" in out


def test_missing_explicit_path_exits_2_but_lints_the_rest(project: Path) -> None:
    write(project / "bad.py", BLOCKING)
    code, out, err = run("check", "nope.py", "bad.py", "--output-format", "concise")
    assert code == 2 and "nope.py" in err and "FAPI101" in out


_AWAIT = {"content": "await asyncio"}
_IMPORT = {"content": "import asyncio\n"}


def test_json_report_matches_the_editor_contract(project: Path) -> None:
    write(project / "bad.py", BLOCKING)
    code, out, _ = run("check", "--output-format", "json")
    report = json.loads(out)
    assert code == 1 and report["version"] == 1
    assert report["summary"]["by_code"] == {"FAPI101": 1}
    (diagnostic,) = report["diagnostics"]
    assert diagnostic == {
        "code": "FAPI101",
        "name": "blocking-call-in-async-function",
        "family": "async",
        "severity": "error",
        "message": diagnostic["message"],
        "path": "bad.py",
        "line": 5,
        "column": 5,
        "end_line": 5,
        "end_column": 18,
        "fix": {
            "applicability": "safe",
            "message": "Use `await asyncio.sleep()`",
            "edits": [
                {"line": 5, "column": 5, "end_line": 5, "end_column": 9, **_AWAIT},
                {"line": 1, "column": 1, "end_line": 1, "end_column": 1, **_IMPORT},
            ],
        },
    }


@pytest.mark.parametrize("output_format", ["text", "concise", "json", "sarif", "github"])
def test_every_output_format_reports_the_finding(project: Path, output_format: str) -> None:
    write(project / "bad.py", BLOCKING)
    code, out, _ = run("check", "--output-format", output_format)
    assert code == 1 and "FAPI101" in out


def test_output_file_receives_the_report(project: Path) -> None:
    write(project / "bad.py", BLOCKING)
    code, out, _ = run("check", "--output-format", "json", "--output-file", "out/report.json")
    assert code == 1 and out == ""
    assert json.loads((project / "out" / "report.json").read_text())["summary"]["diagnostics"] == 1


def test_select_and_ignore_choose_rules(project: Path) -> None:
    write(project / "bad.py", BLOCKING)
    assert run("check", "--ignore", "FAPI101")[0] == 0
    assert run("check", "--ignore", "async")[0] == 0
    assert run("check", "--select", "FAPI1")[0] == 1
    assert (
        run("check", "--select", "ALL", "--ignore", "FAPI1", "--extend-select", "FAPI101")[0] == 1
    )


def test_unknown_selector_is_a_usage_error(project: Path) -> None:
    code, _, err = run("check", "--select", "FAPI9999")
    assert code == 2 and "FAPI9999" in err


def test_config_file_selection_and_cli_override(project: Path) -> None:
    write(project / "bad.py", BLOCKING)
    write(project / "pyproject.toml", '[tool.fastapi-lint]\nignore = ["FAPI101"]\n')
    assert run("check")[0] == 0
    assert run("check", "--select", "FAPI101")[0] == 1


def test_unknown_config_key_exits_2_naming_the_key(project: Path) -> None:
    write(project / "pyproject.toml", "[tool.fastapi-lint]\nmax-complexty = 3\n")
    code, _, err = run("check")
    assert code == 2 and "max-complexty" in err and "Traceback" not in err


def test_bad_config_value_exits_2_naming_key_and_expectation(project: Path) -> None:
    write(project / "pyproject.toml", '[tool.fastapi-lint]\nmax-nesting = "deep"\n')
    code, _, err = run("check")
    assert code == 2 and "max-nesting" in err


def _limit_memory() -> None:
    import resource  # POSIX only, as the tests using it

    two_gigabytes = 2 * 1024**3
    resource.setrlimit(resource.RLIMIT_AS, (two_gigabytes, two_gigabytes))


def _module_run(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``python -m fastapi_lint ARGS`` in ``cwd``; a run that blocks fails after a minute,
    one that reads without end fails at 2 GB, not taking the machine's memory."""
    command = [sys.executable, "-m", "fastapi_lint", *args]
    return subprocess.run(
        command, cwd=cwd, capture_output=True, text=True, timeout=60, preexec_fn=_limit_memory
    )


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes or devices here")
def test_a_config_that_never_ends_exits_2_at_once(tmp_path: Path) -> None:
    write(tmp_path / "app.py", CLEAN)
    os.mkfifo(tmp_path / "pipe.toml")
    for config in ("/dev/zero", "pipe.toml"):
        done = _module_run(tmp_path, "check", "--config", config, ".")
        assert done.returncode == 2 and done.stdout == "", config
        assert f"{config}: cannot read config file: it is not a regular file" in done.stderr


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_project_pyproject_that_is_a_pipe_exits_2_naming_it(tmp_path: Path) -> None:
    write(tmp_path / "service" / "app.py", CLEAN)
    os.mkfifo(tmp_path / "service" / "pyproject.toml")
    done = _module_run(tmp_path, "check", "service")
    assert done.returncode == 2 and "internal error" not in done.stderr
    assert f"{tmp_path / 'service' / 'pyproject.toml'}: cannot read config file" in done.stderr


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"[tool.fastapi-lint]\n# caf\xe9\n", "line 2 is not UTF-8"),
        (
            b'[tool.fastapi-lint.per-file-ignores]\n"a.py" = ["NOPE999"]\n',
            "per-file-ignores.\"a.py\": unknown rule selector 'NOPE999'",
        ),
    ],
)
def test_a_bad_settings_file_exits_2_naming_it(project: Path, content: bytes, problem: str) -> None:
    write(project / "a.py", CLEAN)
    (project / "pyproject.toml").write_bytes(content)
    code, _, err = run("check", ".")
    assert code == 2 and "internal error" not in err
    assert err.startswith(f"fastapi-lint: error: {project / 'pyproject.toml'}: ")
    assert problem in err


def test_an_empty_selector_is_refused_as_in_the_file(project: Path) -> None:
    write(project / "a.py", BLOCKING)
    for given in ("", "FAPI101,"):
        code, out, err = run("check", "--select", given, ".")
        assert code == 2 and out == "", given
        assert "--select: expected a list of non-empty strings, got ''" in err
    write(project / "pyproject.toml", '[tool.fastapi-lint]\nselect = [""]\n')
    code, _, err = run("check", ".")
    assert code == 2 and "select: expected a list of non-empty strings, got ['']" in err


@pytest.mark.skipif(sys.platform == "win32", reason="Windows keeps a working folder in use")
def test_a_deleted_working_directory_exits_2_naming_it(tmp_path: Path) -> None:
    (tmp_path / "gone").mkdir()
    script = 'cd gone && rmdir ../gone && exec "$0" -m fastapi_lint check .'
    done = subprocess.run(
        ["sh", "-c", script, sys.executable],
        cwd=tmp_path, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 2 and "internal error" not in done.stderr
    assert f"the working directory {tmp_path / 'gone'} no longer exists" in done.stderr


def test_per_file_ignores_silence_codes_for_matching_files(project: Path) -> None:
    write(project / "scripts" / "seed.py", BLOCKING)
    write(project / "app" / "bad.py", BLOCKING)
    write(
        project / "pyproject.toml",
        '[tool.fastapi-lint.per-file-ignores]\n"scripts/*" = ["FAPI101"]\n',
    )
    code, out, _ = run("check", "--output-format", "concise")
    assert code == 1 and "app/bad.py" in out and "scripts/seed.py" not in out


def test_extend_blocking_calls_option_reaches_the_rule(project: Path) -> None:
    write(project / "app.py", "import mylib\n\n\nasync def f() -> None:\n    mylib.slow_io()\n")
    assert run("check")[0] == 0
    write(
        project / "pyproject.toml",
        '[tool.fastapi-lint]\nextend-blocking-calls = ["mylib.slow_io"]\n',
    )
    assert run("check")[0] == 1


def test_excluded_file_named_explicitly_is_still_linted_unless_force_exclude(project: Path) -> None:
    write(project / "build" / "gen.py", BLOCKING)
    assert run("check")[0] == 0
    assert run("check", "build/gen.py")[0] == 1
    assert run("check", "--force-exclude", "build/gen.py")[0] == 0


def test_gitignored_files_are_skipped(project: Path) -> None:
    write(project / ".gitignore", "generated/\n")
    write(project / "generated" / "x.py", BLOCKING)
    assert run("check")[0] == 0


def test_stdin_is_linted_as_the_named_file(project: Path) -> None:
    code, out, _ = run(
        "check",
        "--stdin-filename",
        "app/routes.py",
        "--output-format",
        "concise",
        "-",
        stdin=BLOCKING,
    )
    assert code == 1 and out.startswith("app/routes.py:5:5: FAPI101")


def test_stdin_filename_honours_per_file_ignores(project: Path) -> None:
    write(
        project / "pyproject.toml", '[tool.fastapi-lint.per-file-ignores]\n"scripts/*" = ["ALL"]\n'
    )
    code, _, _ = run("check", "--stdin-filename", "scripts/seed.py", "-", stdin=BLOCKING)
    assert code == 0


def test_syntax_error_file_is_reported_and_others_still_linted(project: Path) -> None:
    write(project / "broken.py", "def broken(:\n")
    write(project / "bad.py", BLOCKING)
    code, out, _ = run("check", "--output-format", "concise")
    assert code == 1 and "broken.py:1:12: FAPI000" in out and "bad.py:5:5: FAPI101" in out


def test_directory_named_like_a_python_file_is_walked_not_read(project: Path) -> None:
    write(project / "pkg.py" / "inner.py", BLOCKING)
    code, out, _ = run("check", "pkg.py", "--output-format", "concise")
    assert code == 1 and "pkg.py/inner.py" in out


def test_symlink_loop_terminates(project: Path) -> None:
    write(project / "app" / "bad.py", BLOCKING)
    (project / "app" / "loop").symlink_to(project / "app", target_is_directory=True)
    code, out, _ = run("check", "--output-format", "concise")
    assert code == 1 and out.count("FAPI101") == 1


class _Exploding(Rule):
    """Test rule that always raises."""

    code = "FAPI993"
    name = "test-exploding"
    family = "test"
    message = "never"

    def visit_Module(self, node: cst.Module) -> None:
        raise RuntimeError("kaboom")


def test_internal_rule_error_exits_2_names_file_and_rule_and_others_run(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(project / "bad.py", BLOCKING)
    rules = (*registry.all_rules(), _Exploding)
    monkeypatch.setattr(registry, "select_rules", lambda *args: rules)
    code, out, err = run("check", "--output-format", "concise")
    assert code == 2 and "FAPI101" in out
    assert "FAPI993" in err and "bad.py" in err and "kaboom" in err and "Traceback" not in err


@pytest.mark.skipif(sys.platform == "win32", reason="workers are forked to inherit the patch")
@pytest.mark.parametrize("output_format", ["text", "concise"])
def test_crashed_workers_never_pass_and_exit_2(
    project: Path, monkeypatch: pytest.MonkeyPatch, output_format: str
) -> None:
    for index in range(8):  # enough files for two worker processes
        write(project / f"clean_{index}.py", CLEAN)
    parent = os.getpid()
    real = runner_jobs.lint_bytes

    def dies_in_a_worker(*args: object, **kwargs: object) -> object:
        if os.getpid() != parent:
            os._exit(1)  # as a segfault would, with no Python exception to catch
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(runner_jobs, "lint_bytes", dies_in_a_worker)
    code, out, err = run("check", "--no-cache", "--jobs", "2", "--output-format", output_format)
    assert code == 2 and "a worker process crashed" in err
    assert "All checks passed" not in out and out.startswith("Not all checks ran!")
    assert "8 files not checked: a worker process crashed" in out


def test_no_color_flag_and_env_give_plain_text(project: Path) -> None:
    write(project / "bad.py", BLOCKING)
    assert "\x1b[" not in run("check", "--no-color")[1]


def test_quiet_prints_findings_without_summary(project: Path) -> None:
    write(project / "bad.py", BLOCKING)
    _, out, _ = run("check", "--quiet", "--output-format", "concise")
    assert out.strip().splitlines() == [out.strip().splitlines()[0]] and "Found" not in out


def test_rules_lists_every_rule_with_state(project: Path) -> None:
    code, out, _ = run("rules", "--output-format", "json")
    rows = json.loads(out)
    assert code == 0 and {row["code"] for row in rows} == {r.code for r in registry.all_rules()}
    assert {"code", "name", "family", "default", "fixable"} <= set(rows[0])
    assert "blocking-call-in-async-function" in run("rules")[1]


def test_rule_shows_full_docs(project: Path) -> None:
    code, out, _ = run("rule", "fapi101")
    assert code == 0 and "Why is this bad?" in out and "Known limitations" in out


def test_unknown_rule_code_exits_2(project: Path) -> None:
    assert run("rule", "FAPI777")[0] == 2


def test_version_flag() -> None:
    code, out, _ = run("--version")
    assert code == 0 and "fastapi-lint" in out


def _console_script() -> str:
    found = shutil.which("fastapi-lint", path=str(Path(sys.executable).parent))
    if found is None:
        pytest.skip("fastapi-lint is not installed as a console script")
    return found


def test_console_script_lints_the_sample_app() -> None:
    done = subprocess.run(
        [_console_script(), "check", "--output-format", "json", str(SAMPLE_APP)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    codes = {d["code"] for d in json.loads(done.stdout)["diagnostics"]}
    assert "FAPI101" in codes


def test_python_dash_m_runs_the_cli(tmp_path: Path) -> None:
    write(tmp_path / "bad.py", BLOCKING)
    done = subprocess.run(
        [sys.executable, "-m", "fastapi_lint", "check", "--output-format", "concise", "bad.py"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "NO_COLOR": "1"},
        check=False,
    )
    assert done.returncode == 1 and "bad.py:5:5: FAPI101" in done.stdout
