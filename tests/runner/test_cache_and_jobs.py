"""The result cache and worker processes: same answers, less work, never an error."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

import fastapi_lint.cache as cache_module
import fastapi_lint.runner.jobs as runner
from fastapi_lint.cache_folder import ENTRY_FORMAT
from fastapi_lint.cli import cli
from fastapi_lint.models import ChainStep, Diagnostic, Edit, FileResult, Fix, TypeCoverage
from fastapi_lint.options import RuleOptions
from fastapi_lint.registry import all_rules, rule_by_code
from fastapi_lint.runner.jobs import FileJob, lint_job, run_jobs

BLOCKING = "import time\n\n\nasync def handler() -> None:\n    time.sleep(1)\n"
CLEAN = "import asyncio\n\n\nasync def handler() -> None:\n    await asyncio.sleep(1)\n"


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Records every file that actually got linted (not answered from the cache)."""
    seen: list[str] = []
    real = runner.lint_bytes

    def counting(data: bytes, path: str, *args: object, **kwargs: object) -> object:
        seen.append(path)
        return real(data, path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(runner, "lint_bytes", counting)
    return seen


def job(file: Path, codes: tuple[str, ...] = ("FAPI101",)) -> FileJob:
    rules = tuple(rule for code in codes if (rule := rule_by_code(code)) is not None)
    return FileJob(file, file.name, rules)


def test_unchanged_file_is_answered_from_the_cache(tmp_path: Path, parses: list[str]) -> None:
    source = tmp_path / "app.py"
    source.write_text(BLOCKING)
    first = lint_job(job(source), RuleOptions(), tmp_path / "cache")
    second = lint_job(job(source), RuleOptions(), tmp_path / "cache")
    assert parses == ["app.py"]
    assert first == second and [d.code for d in second.diagnostics] == ["FAPI101"]


def test_changed_content_is_linted_again(tmp_path: Path, parses: list[str]) -> None:
    source = tmp_path / "app.py"
    source.write_text(BLOCKING)
    lint_job(job(source), RuleOptions(), tmp_path / "cache")
    source.write_text(CLEAN)
    result = lint_job(job(source), RuleOptions(), tmp_path / "cache")
    assert parses == ["app.py", "app.py"] and result.diagnostics == ()


def test_changed_options_invalidate(tmp_path: Path, parses: list[str]) -> None:
    source = tmp_path / "app.py"
    source.write_text(BLOCKING)
    lint_job(job(source), RuleOptions(), tmp_path / "cache")
    lint_job(job(source), RuleOptions(max_complexity=3), tmp_path / "cache")
    assert len(parses) == 2


def test_changed_rule_selection_invalidates(tmp_path: Path, parses: list[str]) -> None:
    source = tmp_path / "app.py"
    source.write_text(BLOCKING)
    lint_job(job(source, ("FAPI101",)), RuleOptions(), tmp_path / "cache")
    result = lint_job(job(source, ("FAPI202",)), RuleOptions(), tmp_path / "cache")
    assert len(parses) == 2 and "FAPI101" not in {d.code for d in result.diagnostics}


def test_new_version_invalidates(
    tmp_path: Path, parses: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "app.py"
    source.write_text(BLOCKING)
    lint_job(job(source), RuleOptions(), tmp_path / "cache")
    monkeypatch.setattr(cache_module, "__version__", "99.0.0")
    lint_job(job(source), RuleOptions(), tmp_path / "cache")
    assert len(parses) == 2


def _entries(cache_dir: Path) -> list[Path]:
    return sorted(cache_dir.glob("v*/*/*.json"))


@pytest.mark.parametrize("garbage", ["{not json", '{"format": 1, "key": "someone-else"}', ""])
def test_corrupted_or_foreign_entry_is_ignored_and_rewritten(
    tmp_path: Path, parses: list[str], garbage: str
) -> None:
    source = tmp_path / "app.py"
    source.write_text(BLOCKING)
    lint_job(job(source), RuleOptions(), tmp_path / "cache")
    (entry,) = _entries(tmp_path / "cache")
    entry.write_text(garbage)
    result = lint_job(job(source), RuleOptions(), tmp_path / "cache")
    assert [d.code for d in result.diagnostics] == ["FAPI101"] and len(parses) == 2
    assert json.loads(entry.read_text())["format"] == ENTRY_FORMAT


FIXABLE = BLOCKING + "\n\ndef untyped(x):\n    return x\n"


def reseal(payload: dict[str, object]) -> str:
    """An entry as the cache seals it (cache.py's docstring): a well-typed edit passes."""
    payload.pop("checksum", None)
    content = json.dumps(payload, separators=(",", ":"))
    digest = hashlib.sha256(content.encode()).hexdigest()
    return content[:-1] + f',"checksum":"{digest}"}}'


def _edited(field: str, value: object) -> Callable[[str], str]:
    def edit(text: str) -> str:
        payload = json.loads(text)
        if field == "annotated":
            payload["type_coverage"]["annotated"] = value
        elif field == "summary":
            payload["summary"] = value
        else:
            payload["diagnostics"][0][field] = value
        return reseal(payload) if value != "by hand" else text.replace('"line":5', '"line":6')

    return edit


GARBLES: dict[str, Callable[[str], str]] = {
    "type coverage as text": _edited("annotated", "1"),
    "a line as text": _edited("line", "5"),
    "a column as true": _edited("column", True),
    "an unknown severity": _edited("severity", "fatal"),
    "a fix without its edits": _edited("fix", {"applicability": "safe", "message": "m"}),
    "a chain of strings": _edited("chain", ["helper"]),
    "an extra field": _edited("extra", 1),
    "a summary as a number": _edited("summary", 3),
    "a line edited by hand": _edited("line", "by hand"),
    "truncated": lambda text: text[: len(text) // 2],
    "an array": lambda text: "[]",
    "a string": lambda text: '"entry"',
}


@pytest.mark.parametrize("garble", GARBLES.values(), ids=GARBLES.keys())
def test_a_garbled_or_edited_entry_is_a_miss_and_is_rewritten(
    tmp_path: Path, parses: list[str], garble: Callable[[str], str]
) -> None:
    source = tmp_path / "app.py"
    source.write_text(FIXABLE)
    fresh = lint_job(job(source, ("FAPI101", "FAPI202")), RuleOptions(), tmp_path / "cache")
    assert any(d.fix for d in fresh.diagnostics) and fresh.type_coverage.total
    (entry,) = _entries(tmp_path / "cache")
    entry.write_text(garble(entry.read_text()))
    for _ in range(2):  # linted again, then answered from the rewritten entry
        again = lint_job(job(source, ("FAPI101", "FAPI202")), RuleOptions(), tmp_path / "cache")
        assert again == fresh
    assert parses == ["app.py", "app.py"]


def test_a_sealed_entry_gives_back_every_field(tmp_path: Path) -> None:
    fix = Fix("safe", "add it", (Edit(1, 2, 3, 4, "x"),))
    chain = (ChainStep("helper", "app.py", 13), ChainStep("time.sleep", "app.py", 16))
    finding = Diagnostic(
        "FAPI102", "n", "async", "warning", "m", "app.py", 1, 2, 3, 4, "src", fix, chain
    )
    result = FileResult("app.py", (finding,), (), TypeCoverage(3, 4), summary_json="[]")
    store = cache_module.ResultCache(tmp_path / "cache")
    store.store("ab" * 32, result)
    assert store.load("ab" * 32, "app.py") == dataclasses.replace(result, cache_key="ab" * 32)
    store.store_project("cd" * 32, {"app.py": [finding]})
    assert store.load_project("cd" * 32) == {"app.py": (finding,)}
    (project_entry,) = (tmp_path / "cache").glob("v*-project/*.json")
    payload = json.loads(project_entry.read_text())
    payload["findings"]["app.py"][0]["chain"][0]["line"] = "13"
    project_entry.write_text(reseal(payload))
    assert store.load_project("cd" * 32) is None


def test_a_garbled_entry_leaves_every_later_run_as_without_a_cache(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(FIXABLE)
    without = _cli(tmp_path, "--no-cache")
    assert _cli(tmp_path) == without
    for entry in (tmp_path / ".fastapi_lint_cache").rglob("*.json"):
        payload = json.loads(entry.read_text())
        if "type_coverage" in payload:
            payload["type_coverage"]["annotated"] = "1"  # the entry of issue 19
        else:
            payload["findings"] = []
        entry.write_text(reseal(payload))
    assert _cli(tmp_path) == without
    assert _cli(tmp_path) == without


def test_unwritable_cache_only_costs_speed(tmp_path: Path) -> None:
    source = tmp_path / "app.py"
    source.write_text(BLOCKING)
    blocker = tmp_path / "cache"
    blocker.write_text("a file where the cache folder should be")
    result = lint_job(job(source), RuleOptions(), blocker)
    assert [d.code for d in result.diagnostics] == ["FAPI101"]


def test_cache_folder_ignores_itself_for_git(tmp_path: Path) -> None:
    source = tmp_path / "app.py"
    source.write_text(BLOCKING)
    lint_job(job(source), RuleOptions(), tmp_path / "cache")
    assert (tmp_path / "cache" / ".gitignore").read_text().splitlines()[-1] == "*"


def test_results_with_internal_errors_are_not_cached(tmp_path: Path) -> None:
    from fastapi_lint.models import FileResult, InternalError

    store = cache_module.ResultCache(tmp_path / "cache")
    store.store("ab" * 32, FileResult("x.py", internal_errors=(InternalError("x.py", "r", "m"),)))
    assert _entries(tmp_path / "cache") == []


def _write_project(root: Path, count: int) -> None:
    for index in range(count):
        body = BLOCKING if index % 3 == 0 else CLEAN
        (root / f"module_{index:03}.py").write_text(body)
    (root / "broken.py").write_text("def broken(:\n")


def test_worker_processes_give_the_same_results_in_the_same_order(tmp_path: Path) -> None:
    _write_project(tmp_path, 40)
    jobs = [FileJob(file, file.name, all_rules()) for file in sorted(tmp_path.glob("*.py"))]
    serial = run_jobs(jobs, RuleOptions(), workers=1, cache_dir=None)
    parallel = run_jobs(jobs, RuleOptions(), workers=2, cache_dir=None)
    assert parallel == serial


def _cli(root: Path, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "fastapi_lint", "check", "--output-format", "json", *args, "."],
        cwd=root, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode in (0, 1), done.stderr
    return done.stdout


def test_cli_output_is_identical_cold_warm_and_with_any_jobs(tmp_path: Path) -> None:
    _write_project(tmp_path, 30)
    cold = _cli(tmp_path, "--no-cache", "--jobs", "1")
    assert _cli(tmp_path, "--no-cache", "--jobs", "2") == cold
    assert _cli(tmp_path) == cold  # fills .fastapi_lint_cache/
    assert (tmp_path / ".fastapi_lint_cache").is_dir()
    assert _cli(tmp_path) == cold  # answered from it


def test_two_runs_at_once_share_the_cache_safely(tmp_path: Path) -> None:
    _write_project(tmp_path, 60)
    command = [sys.executable, "-m", "fastapi_lint", "check", "-q", "--output-format", "concise",
               "--jobs", "1", "."]  # fmt: skip
    runs = [subprocess.Popen(command, cwd=tmp_path, stdout=subprocess.PIPE, text=True)
            for _ in range(2)]  # fmt: skip
    outputs = [run.communicate()[0] for run in runs]
    assert outputs[0] == outputs[1] and outputs[0].count("FAPI101") == 20
    assert _cli(tmp_path).count('"FAPI101"') == 21  # 20 findings + the summary's by_code key
    assert not list((tmp_path / ".fastapi_lint_cache").rglob(".tmp-*"))


def test_no_cache_and_cache_dir_and_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "app.py").write_text(BLOCKING)
    monkeypatch.chdir(tmp_path)
    CliRunner().invoke(cli, ["check", "--no-cache", "."])
    assert not (tmp_path / ".fastapi_lint_cache").exists()
    CliRunner().invoke(cli, ["check", "--cache-dir", "elsewhere", "."])
    assert list((tmp_path / "elsewhere").glob("v*"))
    monkeypatch.setenv("FASTAPI_LINT_CACHE_DIR", str(tmp_path / "from-env"))
    CliRunner().invoke(cli, ["check", "."])
    assert list((tmp_path / "from-env").glob("v*"))


def test_entries_encode_records_as_asdict_does() -> None:
    """``encoded`` (no deep copies) writes the JSON ``dataclasses.asdict`` would."""
    from fastapi_lint.cache_entries import encoded
    from fastapi_lint.models import InternalError, Report
    from fastapi_lint.runner.single_file import lint_source

    fixtures = Path(__file__).resolve().parents[2] / "fixtures"
    diagnostics = tuple(
        diagnostic
        for file in sorted((fixtures / "sample_app").rglob("*.py"))
        for diagnostic in lint_source(file.read_text(), file.name, all_rules()).diagnostics
    )
    chained = dataclasses.replace(diagnostics[0], chain=(ChainStep("helper", "a.py", 3),))
    assert any(diagnostic.fix is not None for diagnostic in diagnostics)
    report = Report(
        tool_version="0.1.0",
        files=3,
        diagnostics=(chained, *diagnostics),
        rules=tuple(rule.info() for rule in all_rules()),
        internal_errors=(InternalError("a.py", "FAPI101", "boom"),),
        type_coverage=TypeCoverage(annotated=1, total=2),
        baselined=4,
    )
    assert json.dumps(encoded(report)) == json.dumps(dataclasses.asdict(report))


def test_batches_send_heavy_jobs_alone_and_first_and_every_job_once() -> None:
    from fastapi_lint.runner.jobs import _batches

    weights = [5, 900, 3, 3, 40, 1000, 2, 2, 2, 2, 7, 0]
    batches = _batches(weights, workers=2)
    assert sorted(index for batch in batches for index in batch) == list(range(len(weights)))
    assert batches[0] == [5] and batches[1] == [1]  # the two long files, alone, first
    assert len(batches) < len(weights)  # the small ones travel together


def test_batches_shrink_as_the_work_left_does() -> None:
    from fastapi_lint.runner.jobs import _batches

    weights = [100] * 400
    loads = [100 * len(batch) for batch in _batches(weights, workers=2)]
    assert sum(loads) == 40_000
    assert loads == sorted(loads, reverse=True)
    assert loads[0] >= 4_000 and loads[-1] <= 40_000 // 50  # an eighth, then small
    assert len(loads) < 60


def _square(number: int) -> int:
    return number * number


@pytest.mark.skipif(sys.platform == "win32", reason="workers are forked")
def test_weighted_jobs_come_back_in_job_order() -> None:
    from fastapi_lint.runner.jobs import map_jobs

    jobs = list(range(40))
    squares = map_jobs(_square, jobs, 2, lambda job: -1, weight=lambda job: (job * 7) % 13)
    assert squares == [job * job for job in jobs]


def test_settings_fingerprints_follow_every_setting_they_are_remembered_by() -> None:
    from fastapi_lint.cache import settings_fingerprint

    rules = all_rules()[:5]
    first = settings_fingerprint(RuleOptions(project_root="/a"), rules)
    # project_root is left out of the options' equality, not out of the fingerprint.
    assert settings_fingerprint(RuleOptions(project_root="/b"), rules) != first
    assert settings_fingerprint(RuleOptions(project_root="/a"), rules) == first
    assert settings_fingerprint(RuleOptions(project_root="/a"), rules[:4]) != first
    assert settings_fingerprint(RuleOptions(project_root="/a"), rules, summarise=True) != first
    assert settings_fingerprint(RuleOptions(project_root="/a"), rules, context="x") != first


def test_a_stored_summary_is_encoded_once_and_read_back_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "app.py"
    source.write_text(
        "import requests\n\n\ndef fetch(url: str) -> bytes:\n    return requests.get(url).content\n"
    )
    encoded: list[object] = []
    real = cache_module.summary_text

    def counting(summary: object) -> str:
        encoded.append(summary)
        return real(summary)  # type: ignore[arg-type]

    monkeypatch.setattr(cache_module, "summary_text", counting)
    monkeypatch.setattr(runner, "summary_text", counting)
    summarised = dataclasses.replace(job(source), summarise=True)
    fresh = lint_job(summarised, RuleOptions(), tmp_path / "cache")
    assert len(encoded) == 1 and fresh.summary is not None and fresh.summary_json is not None
    cached = lint_job(summarised, RuleOptions(), tmp_path / "cache")
    assert cached.summary is None and cached.summary_json == fresh.summary_json
    assert cache_module.decode_summary(fresh.summary_json) == fresh.summary
