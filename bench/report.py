"""The benchmark's report, in Markdown: machine, versions, results table and targets."""

from __future__ import annotations

import os
import platform
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from measure import Summary
from tools import (
    COLD,
    COLD_ALL_CORES,
    EDITED_ALONE,
    FIXIT,
    PARSE,
    RUFF,
    WARM,
    WARM_EDITED,
    WARM_MOVED,
    WARM_TEXT,
    Setup,
    Tool,
)

_LIBCST_VERSION = "from importlib.metadata import version; print(version('libcst'))"


def cpu_model() -> str:
    try:
        lines = Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines()
    except OSError:
        lines = []
    for line in lines:
        if line.startswith("model name"):
            return line.partition(":")[2].strip()
    return platform.processor() or "unknown CPU"


def load_average() -> str:
    return ", ".join(f"{load:.2f}" for load in os.getloadavg())


def machine_line() -> str:
    return (
        f"{cpu_model()}, {os.cpu_count()} cores, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}"
    )


def _version_text(command: Sequence[str]) -> str:
    """What ``command`` prints, on one line."""
    completed = subprocess.run(list(command), capture_output=True, text=True, check=False)
    output = completed.stdout.strip() or completed.stderr.strip()
    return " ".join(output.split()) or "unknown"


def _libcst_version(python: Path) -> str:
    return _version_text([str(python), "-c", _LIBCST_VERSION])


def tool_versions(setup: Setup) -> list[str]:
    peers = setup.peers
    fastapi_lint = _version_text([str(setup.fastapi_lint), "--version"])
    fixit = _version_text([str(peers / "fixit"), "--version"])
    return [
        f"{fastapi_lint} on libcst {_libcst_version(setup.python)}",
        _version_text([str(peers / "ruff"), "--version"]),
        f"{fixit} on libcst {_libcst_version(peers / 'python')}",
        f"flake8 {_version_text([str(peers / 'flake8'), '--version'])}",
    ]


def _quotient(numerator: float | None, denominator: float | None) -> float | None:
    if numerator is None or not denominator:
        return None
    return numerator / denominator


def _difference(first: float | None, second: float | None) -> float | None:
    return None if first is None or second is None else first - second


def _ratio(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}×"


def _row(tool: Tool, summary: Summary | None, baseline: Summary | None) -> str:
    if summary is None:
        return f"| {tool.label} | failed (see the progress output) | | | | | |"
    relative = _quotient(summary.cpu, baseline.cpu if baseline else None)
    cells = (
        tool.label,
        str(summary.runs),
        f"{summary.wall:.2f}",
        f"{summary.cpu:.2f}",
        f"{summary.peak_rss_mib:.0f}",
        _ratio(relative),
        f"{summary.output_lines:,}",
    )
    return "| " + " | ".join(cells) + " |"


def results_table(tools: Sequence[Tool], summaries: Mapping[str, Summary | None]) -> str:
    header = (
        "| tool | runs | wall s | CPU s | peak RSS MiB | CPU vs fastapi-lint cold "
        "| output lines |\n|---|--:|--:|--:|--:|--:|--:|"
    )
    baseline = summaries.get(COLD)
    rows = [_row(tool, summaries.get(tool.key), baseline) for tool in tools]
    return "\n".join([header, *rows])


@dataclass(frozen=True, slots=True)
class Target:
    name: str
    value: float | None
    """None when one of the tools it needs was not measured."""
    limit: float
    at_most: bool = True
    unit: str = "×"
    digits: int = 2

    def status(self) -> str:
        if self.value is None:
            return "not measured"
        met = self.value <= self.limit if self.at_most else self.value >= self.limit
        return "met" if met else "**NOT met**"

    def row(self) -> str:
        value = "n/a" if self.value is None else f"{self.value:.{self.digits}f}{self.unit}"
        bound = f"{'≤' if self.at_most else '≥'} {self.limit:g}{self.unit}"
        return f"| {self.name} | {value} | {bound} | {self.status()} |"


def targets(summaries: Mapping[str, Summary | None]) -> list[Target]:
    def cpu(key: str) -> float | None:
        summary = summaries.get(key)
        return summary.cpu if summary else None

    def wall(key: str) -> float | None:
        summary = summaries.get(key)
        return summary.wall if summary else None

    cold = summaries.get(COLD)
    edit_cost = _difference(wall(WARM_EDITED), wall(WARM))
    moved_cost = _difference(wall(WARM_MOVED), wall(WARM))
    return [
        Target("fastapi-lint cold CPU / bare parse CPU", _quotient(cpu(COLD), cpu(PARSE)), 2.5),
        Target("Fixit CPU / fastapi-lint cold CPU", _quotient(cpu(FIXIT), cpu(COLD)), 10, False),
        Target("fastapi-lint warm wall / ruff wall", _quotient(wall(WARM), wall(RUFF)), 3),
        Target(
            "warm wall, text report − concise report",
            _difference(wall(WARM_TEXT), wall(WARM)),
            0.15,
            unit=" s",
        ),
        Target(
            "(1 file edited wall − warm wall) / that file's cold wall alone",
            _quotient(edit_cost, wall(EDITED_ALONE)),
            1.5,
        ),
        Target(
            "(1 file edited, lines moved, wall − warm wall) / that file's cold wall alone",
            _quotient(moved_cost, wall(EDITED_ALONE)),
            1.5,
        ),
        Target(
            "cold wall, 1 job / all cores",
            _quotient(wall(COLD), wall(COLD_ALL_CORES)),
            1.7,
            at_most=False,
        ),
        Target(
            "fastapi-lint cold peak RSS (1 job, this corpus)",
            cold.peak_rss_mib if cold else None,
            300,
            unit=" MiB",
            digits=0,
        ),
    ]


def targets_table(chosen: Sequence[Target]) -> str:
    header = "| measure | value | target | status |\n|---|--:|--:|---|"
    met = sum(target.status() == "met" for target in chosen)
    measured = sum(target.value is not None for target in chosen)
    summary = f"\n\n{met} of {measured} measured targets met ({len(chosen)} in all)."
    return "\n".join([header, *(target.row() for target in chosen)]) + summary


def bullet_list(items: Sequence[str]) -> str:
    return "\n".join(f"- {item}" for item in items)
