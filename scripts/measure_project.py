"""Measure what whole-project analysis costs next to the per-file work, on real apps.

Usage: python scripts/measure_project.py corpus/open-webui-0.12.4 [more folders...]

For each folder, on one core, best of ``--repeat`` runs: the per-file lint with the
default rules but no project rule (no summary collected), the same with summaries
collected during the walk, and the whole-project step alone (name resolution, call
graph, route table and the three project rules) over those summaries. Also the JSON
round trip of the summaries through the cache format, and the size of the project.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from fastapi_lint import registry
from fastapi_lint.models import FileResult
from fastapi_lint.project.step import project_rules, run_project_rules
from fastapi_lint.project_model.blocking import BlockingPaths
from fastapi_lint.project_model.modules import common_root
from fastapi_lint.project_model.project import FunctionRef
from fastapi_lint.project_model.routes import route_table
from fastapi_lint.rule import Rule, is_project_rule
from fastapi_lint.runner.jobs import FileJob
from fastapi_lint.runner.project import build_project
from fastapi_lint.runner.single_file import ProjectMode, lint_source
from fastapi_lint.summary.codec import summary_from_json, summary_to_json
from fastapi_lint.summary.records import ModuleSummary


def best_of(repeat: int, action: Callable[[], object]) -> float:
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        timings.append(time.perf_counter() - start)
    return min(timings)


def lint_all(
    sources: Sequence[tuple[Path, str]], rules: Sequence[type[Rule]], collect: bool
) -> list[FileResult]:
    mode: ProjectMode = "collect" if collect else "skip"
    return [lint_source(text, str(path), rules, project=mode) for path, text in sources]


def measure(folder: Path, repeat: int) -> None:
    files = sorted(folder.rglob("*.py"))
    sources = [(path, path.read_text(encoding="utf-8", errors="replace")) for path in files]
    rules = registry.select_rules()
    per_file_rules = [rule for rule in rules if not is_project_rule(rule)]
    plain = best_of(repeat, lambda: lint_all(sources, per_file_rules, collect=False))
    collected = best_of(repeat, lambda: lint_all(sources, per_file_rules, collect=True))
    results = lint_all(sources, per_file_rules, collect=True)
    jobs = [
        FileJob(path.absolute(), str(path), tuple(rules), summarise=True) for path, _ in sources
    ]
    root = common_root([path.absolute() for path in files])
    selected = project_rules(rules)

    def project_step() -> None:
        project = build_project(jobs, results, root)
        run_project_rules(project, selected, lambda path, rule: True)

    step = best_of(repeat, project_step)
    summaries = [r.summary for r in results if r.summary is not None]
    codec = best_of(repeat, lambda: [_round_trip(summary) for summary in summaries])
    report(folder, len(files), plain, collected, step, codec, summaries, jobs, results, root)


def report(
    folder: Path,
    count: int,
    plain: float,
    collected: float,
    step: float,
    codec: float,
    summaries: list[ModuleSummary],
    jobs: list[FileJob],
    results: list[FileResult],
    root: Path,
) -> None:
    project = build_project(jobs, results, root)
    functions = sum(len(s.functions) for s in summaries)
    calls = sum(len(f.calls) for s in summaries for f in s.functions)
    paths = BlockingPaths(project)
    direct = sum(1 for _, function in project.functions() if function.blocking)
    reaching = sum(
        1 for module, f in project.functions() if paths.blocks(FunctionRef(module.name, f.name))
    )
    lines = sum(job.file.read_text(errors="replace").count("\n") for job in jobs)
    print(f"== {folder}: {count} files, {lines} lines, {functions} functions, {calls} call sites")
    print(
        f"   plain functions blocking directly: {direct}, directly or through helpers: {reaching}"
    )
    print(f"   routes: {len(route_table(project))}")
    print(f"   per-file lint, no summaries    {plain:7.2f} s")
    extra = 100 * (collected - plain) / plain
    print(f"   per-file lint, with summaries  {collected:7.2f} s  (+{extra:.1f}%)")
    print(
        f"   whole-project step             {step:7.3f} s  ({100 * step / plain:.1f}% of per-file)"
    )
    print(f"   summaries JSON round trip      {codec:7.3f} s")


def _round_trip(summary: ModuleSummary) -> ModuleSummary:
    return summary_from_json(json.loads(json.dumps(summary_to_json(summary))))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="+", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    arguments = parser.parse_args()
    for folder in arguments.folders:
        measure(folder, arguments.repeat)


if __name__ == "__main__":
    main()
