"""Run one command as a child process and measure it: wall time, CPU time, peak memory.

CPU time is the growth of ``RUSAGE_CHILDREN`` across the run, so it includes every
descendant that was waited for (the worker processes of a multi-process linter too).
Peak memory is ``ru_maxrss`` from ``os.wait4`` on the child: on Linux that is the largest
resident set of any single process in the child's tree (not a sum over workers), in KiB.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

_ERROR_TAIL_CHARS = 2000
_KIB_PER_MIB = 1024


@dataclass(frozen=True, slots=True)
class Sample:
    """One measured run of one command."""

    wall: float
    """Seconds from start to exit."""
    cpu: float
    """User plus system seconds of the child and every descendant it waited for."""
    peak_rss_mib: float
    exit_code: int
    output_lines: int
    """Lines the command printed to standard output (about one per finding)."""
    error_tail: str
    """The end of standard error, to explain a failed run."""


@dataclass(frozen=True, slots=True)
class Summary:
    """The medians of a tool's successful runs."""

    runs: int
    wall: float
    cpu: float
    peak_rss_mib: float
    output_lines: int


def _cpu_seconds(usage: resource.struct_rusage) -> float:
    return usage.ru_utime + usage.ru_stime


def _count_lines(stream: IO[bytes]) -> int:
    stream.seek(0)
    return sum(1 for _ in stream)


def _tail(stream: IO[bytes]) -> str:
    stream.seek(0)
    return stream.read().decode("utf-8", "replace")[-_ERROR_TAIL_CHARS:]


def measure(command: Sequence[str], cwd: Path) -> Sample:
    """Run ``command`` in ``cwd`` to completion; its output goes to temporary files."""
    with tempfile.TemporaryFile() as stdout, tempfile.TemporaryFile() as stderr:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        child = subprocess.Popen(list(command), cwd=cwd, stdout=stdout, stderr=stderr)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        child.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
        return Sample(
            wall=wall,
            cpu=_cpu_seconds(after) - _cpu_seconds(before),
            peak_rss_mib=usage.ru_maxrss / _KIB_PER_MIB,
            exit_code=child.returncode,
            output_lines=_count_lines(stdout),
            error_tail=_tail(stderr),
        )


def summarize(samples: Sequence[Sample]) -> Summary:
    """Medians of each measure over ``samples`` (which must not be empty)."""
    return Summary(
        runs=len(samples),
        wall=statistics.median(sample.wall for sample in samples),
        cpu=statistics.median(sample.cpu for sample in samples),
        peak_rss_mib=statistics.median(sample.peak_rss_mib for sample in samples),
        output_lines=round(statistics.median(sample.output_lines for sample in samples)),
    )


def describe(sample: Sample) -> str:
    """One line for progress output."""
    return (
        f"{sample.wall:.2f} s wall, {sample.cpu:.2f} s CPU, "
        f"{sample.peak_rss_mib:.0f} MiB peak, exit {sample.exit_code}"
    )
