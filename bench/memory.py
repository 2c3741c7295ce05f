"""Is fastapi-lint's peak memory flat as the tree grows?

Builds trees of about 150k, 300k and 600k lines from copies of the corpus in a temporary
directory, lints each cold with one process and no cache, and prints the peak resident
set per size as Markdown. Targets: under 300 MiB on 600k lines, and flat (the largest
tree's peak at most 1.25 times the smallest tree's).

The files go in largest first, copy after copy (``copy0/``, ``copy1/``, ...), so every
tree holds the corpus's largest files: the memory that one file's syntax tree needs is
then the same at every size, and any growth is what accumulates across files.

Usage (from the project's virtualenv)::

    python bench/memory.py
    python bench/memory.py --sizes 100000,200000
"""

from __future__ import annotations

import argparse
import itertools
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

from measure import Sample, describe, measure
from report import bullet_list, load_average, machine_line
from run import progress, project_executables
from tools import LintFlags, cold_options, lint_command
from workspace import CORPUS, TreeSize, ensure_corpus, line_count, python_files

DEFAULT_SIZES = (150_000, 300_000, 600_000)
PEAK_LIMIT_MIB = 300
FLATNESS_LIMIT = 1.25
TREE = "tree"


def corpus_by_size() -> list[tuple[Path, int]]:
    """Every corpus file with its line count, largest first."""
    counted = [(file, line_count(file)) for file in python_files(CORPUS)]
    return sorted(counted, key=lambda pair: -pair[1])


def endless_copies(files: Sequence[tuple[Path, int]]) -> Iterator[tuple[Path, Path, int]]:
    """(relative destination, source, lines) for every file, again and again."""
    for copy_number in itertools.count():
        for file, lines in files:
            yield Path(f"copy{copy_number}") / file.relative_to(CORPUS), file, lines


def build_tree(files: Sequence[tuple[Path, int]], target_lines: int, into: Path) -> TreeSize:
    """Copy corpus files into ``into`` until it holds at least ``target_lines`` lines."""
    copied_files = copied_lines = 0
    for relative, source, lines in endless_copies(files):
        if copied_lines >= target_lines:
            break
        destination = into / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, destination)
        copied_files, copied_lines = copied_files + 1, copied_lines + lines
    return TreeSize(copied_files, copied_lines)


def lint_tree(fastapi_lint: Path, flags: LintFlags, workdir: Path) -> Sample:
    command = lint_command(fastapi_lint, *cold_options(flags, jobs=1), target=TREE)
    return measure(command, workdir)


def results_table(rows: Sequence[tuple[TreeSize, Sample]]) -> str:
    header = "| files | lines | wall s | CPU s | peak RSS MiB |\n|--:|--:|--:|--:|--:|"
    lines = [
        f"| {size.files:,} | {size.lines:,} | {sample.wall:.2f} | {sample.cpu:.2f} "
        f"| {sample.peak_rss_mib:.0f} |"
        for size, sample in rows
    ]
    return "\n".join([header, *lines])


def verdicts(rows: Sequence[tuple[TreeSize, Sample]]) -> list[str]:
    (small_size, small), (large_size, large) = rows[0], rows[-1]
    growth = large.peak_rss_mib / small.peak_rss_mib
    added_lines = large_size.lines - small_size.lines
    slope = (large.peak_rss_mib - small.peak_rss_mib) / added_lines * 100_000 if added_lines else 0
    peak_met = "met" if large.peak_rss_mib < PEAK_LIMIT_MIB else "**NOT met**"
    flat_met = "met" if growth <= FLATNESS_LIMIT else "**NOT met**"
    return [
        f"Peak on {large_size.lines:,} lines: {large.peak_rss_mib:.0f} MiB "
        f"(target < {PEAK_LIMIT_MIB} MiB): {peak_met}",
        f"Largest / smallest tree peak: {growth:.2f}× (target ≤ {FLATNESS_LIMIT}×): {flat_met}",
        f"Growth: {slope:.1f} MiB per 100k more lines",
    ]


def parse_sizes(text: str) -> list[int]:
    sizes = sorted(int(part.replace("_", "")) for part in text.split(",") if part.strip())
    if not sizes or sizes[0] < 1:
        raise argparse.ArgumentTypeError("sizes are positive line counts, e.g. 150000,300000")
    return sizes


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = ",".join(str(size) for size in DEFAULT_SIZES)
    parser.add_argument(
        "--sizes", type=parse_sizes, default=list(DEFAULT_SIZES), help=f"lines ({default})"
    )
    return parser.parse_args(argv)


def measure_sizes(sizes: Sequence[int], fastapi_lint: Path) -> list[tuple[TreeSize, Sample]]:
    flags = LintFlags.detect(fastapi_lint)
    files = corpus_by_size()
    rows = []
    for target_lines in sizes:
        with tempfile.TemporaryDirectory(prefix="fastapi-lint-memory-") as scratch:
            size = build_tree(files, target_lines, Path(scratch) / TREE)
            sample = lint_tree(fastapi_lint, flags, Path(scratch))
        progress(f"{size}: {describe(sample)}")
        if sample.exit_code != 0:
            raise SystemExit(f"fastapi-lint failed:\n{sample.error_tail}")
        rows.append((size, sample))
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    load_before = load_average()
    python, fastapi_lint = project_executables()
    ensure_corpus(python)
    rows = measure_sizes(args.sizes, fastapi_lint)
    print("## fastapi-lint peak memory by tree size (cold, 1 job, no cache)\n")
    load = f"Load average (1, 5, 15 min): {load_before} at start, {load_average()} at end"
    print(bullet_list([f"Machine: {machine_line()}", load]))
    print(f"\n{results_table(rows)}\n\n{bullet_list(verdicts(rows))}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
