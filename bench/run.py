"""Benchmark fastapi-lint against the bare LibCST parse and peer linters, on the same files.

Usage (from the project's virtualenv, which has fastapi-lint installed)::

    python bench/run.py                # median of 3 runs; flake8 and Fixit run once
    python bench/run.py --runs 5 --slow-runs 3
    python bench/run.py --runs 1 --quick    # skip flake8 and Fixit (minutes each)
    python bench/run.py --member khoj-1.42.10   # one application of the corpus

It fetches the corpus (``scripts/fetch_corpus.py``), installs the pinned peers into
``bench/.venv``, runs every tool as a child process on a temporary copy of the corpus and
prints a Markdown report on standard output (progress goes to standard error)::

    python bench/run.py > results.md
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from measure import Sample, Summary, describe, measure, summarize
from peers import ensure_peers
from report import (
    bullet_list,
    load_average,
    machine_line,
    results_table,
    targets,
    targets_table,
    tool_versions,
)
from tools import LintFlags, Setup, Tool, choose_tools
from workspace import TARGET, TreeSize, copy_corpus, ensure_corpus, tree_size

MEASUREMENT_NOTES = (
    "CPU s is user + system time of the tool and of every descendant it waited for "
    "(worker processes included); wall s is elapsed time.",
    "Peak RSS is the largest resident set of any single process of the run: for "
    "multi-process runs (fastapi-lint with several jobs, Fixit) it is per process, not a sum.",
    "Fixit runs a process pool with one worker per core; ruff is multi-threaded. flake8 runs "
    "pycodestyle and pyflakes as well (`--select` only filters what it reports).",
    "Warm runs use the default `--jobs` and a cache in a temporary `--cache-dir`, filled by "
    "one unmeasured run first.",
    "Output lines count the lines each tool printed (about one per finding): a sanity check "
    "that every tool really linted the files.",
)


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def project_executables() -> tuple[Path, Path]:
    """This interpreter and the fastapi-lint installed beside it."""
    python = Path(sys.executable)
    fastapi_lint = python.with_name("fastapi-lint")
    if not fastapi_lint.exists():
        raise SystemExit(
            f"fastapi-lint is not installed beside {python}: run this script with the "
            "project's virtualenv Python (`. /path/to/venv/bin/activate`)."
        )
    return python, fastapi_lint


def available_cores() -> int:
    """The CPUs this process may run on (what fastapi-lint's default ``--jobs`` uses)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def make_setup(
    scratch: Path, python: Path, fastapi_lint: Path, peers: Path, member: str | None
) -> Setup:
    return Setup(
        python=python,
        fastapi_lint=fastapi_lint,
        peers=peers,
        pristine=copy_corpus(scratch / "pristine", member),
        edited=copy_corpus(scratch / "edited", member),
        cache=scratch / "cache",
        cores=available_cores(),
        flags=LintFlags.detect(fastapi_lint),
    )


def run_once(tool: Tool, attempt: str) -> Sample:
    if tool.before_each is not None:
        tool.before_each()
    sample = measure(tool.command, tool.cwd)
    progress(f"{attempt} {tool.label}: {describe(sample)}")
    if sample.exit_code not in tool.accepted_exit_codes:
        progress(f"  unexpected exit code; end of its standard error:\n{sample.error_tail}")
    return sample


def measure_all(tools: Sequence[Tool], runs: int, slow_runs: int) -> dict[str, list[Sample]]:
    """Every tool, round after round, so that a noisy moment spreads across the tools."""
    for tool in tools:
        if tool.warm_up:
            run_once(tool, "[warm-up]")
    samples: dict[str, list[Sample]] = {tool.key: [] for tool in tools}
    for round_number in range(1, runs + 1):
        for tool in tools:
            if tool.slow and round_number > slow_runs:
                continue
            samples[tool.key].append(run_once(tool, f"[run {round_number}/{runs}]"))
    return samples


def summarize_tools(
    tools: Sequence[Tool], samples: dict[str, list[Sample]]
) -> dict[str, Summary | None]:
    """Medians over each tool's successful runs; None for a tool that never succeeded."""
    summaries: dict[str, Summary | None] = {}
    for tool in tools:
        good = [s for s in samples[tool.key] if s.exit_code in tool.accepted_exit_codes]
        summaries[tool.key] = summarize(good) if good else None
    return summaries


@dataclass(frozen=True, slots=True)
class Circumstances:
    """What the report says besides the numbers."""

    size: TreeSize
    tree: str
    """What was copied: ``corpus/`` or one member of it."""
    runs: str
    load_before: str
    notes: list[str]


def render(
    setup: Setup,
    tools: Sequence[Tool],
    summaries: dict[str, Summary | None],
    circumstances: Circumstances,
) -> str:
    overview = [
        f"Machine: {machine_line()}",
        f"Load average (1, 5, 15 min): {circumstances.load_before} at start, "
        f"{load_average()} at end",
        f"Corpus: {circumstances.size} (a copy of `{circumstances.tree}`, from "
        "`scripts/fetch_corpus.py`)",
        f"Runs: {circumstances.runs}",
    ]
    sections = [
        "## fastapi-lint benchmark",
        bullet_list(overview),
        "### Versions",
        bullet_list(tool_versions(setup)),
        "### Results (medians)",
        results_table(tools, summaries),
        "### Targets",
        targets_table(targets(summaries)),
        "### Notes",
        bullet_list([*circumstances.notes, *MEASUREMENT_NOTES]),
    ]
    return "\n\n".join(sections) + "\n"


def runs_description(runs: int, slow_runs: int, quick: bool) -> str:
    text = f"median of {runs}"
    return text if quick else f"{text} (flake8 and Fixit: {min(runs, slow_runs)})"


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="measured runs per tool (3)")
    parser.add_argument(
        "--slow-runs", type=int, default=1, help="runs of flake8 and Fixit, at most --runs (1)"
    )
    parser.add_argument("--quick", action="store_true", help="skip flake8 and Fixit")
    parser.add_argument(
        "--member", help="benchmark one application of the corpus (a folder of corpus/)"
    )
    args = parser.parse_args(argv)
    if args.runs < 1 or args.slow_runs < 1:
        parser.error("--runs and --slow-runs must be at least 1")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    load_before = load_average()
    python, fastapi_lint = project_executables()
    ensure_corpus(python)
    peers = ensure_peers()
    with tempfile.TemporaryDirectory(prefix="fastapi-lint-bench-") as scratch:
        setup = make_setup(Path(scratch), python, fastapi_lint, peers, args.member)
        size = tree_size(setup.pristine / TARGET)
        progress(f"corpus: {size}")
        tools, notes = choose_tools(setup, quick=args.quick)
        samples = measure_all(tools, args.runs, args.slow_runs)
        runs = runs_description(args.runs, args.slow_runs, args.quick)
        tree = "corpus/" if args.member is None else f"corpus/{args.member}/"
        circumstances = Circumstances(size, tree, runs, load_before, notes)
        print(render(setup, tools, summarize_tools(tools, samples), circumstances))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
