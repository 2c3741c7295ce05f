"""What is measured: the exact command line of every tool, all pointed at the same files."""

from __future__ import annotations

import itertools
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from workspace import TARGET, append_comment, largest_file, line_count, prepend_comment

# Keys of the tools, used by the report to compute ratios.
PARSE, COLD, COLD_ALL_CORES, WARM, WARM_EDITED = "parse", "cold", "cold-all", "warm", "edited"
WARM_TEXT, EDITED_ALONE, WARM_MOVED = "warm-text", "edited-alone", "edited-moved"
RUFF, FLAKE8, FIXIT = "ruff", "flake8", "fixit"

RUFF_RULES = "ASYNC,ANN,C90,RET,FAST"
FLAKE8_RULES = "ASYNC,ANN,C90"
MAX_COMPLEXITY = "10"

# The floor: read and parse every file once, in the interpreter fastapi-lint runs on.
_PARSE_SCRIPT = """
import sys
from pathlib import Path

import libcst

failures = 0
for file in sorted(Path(sys.argv[1]).rglob("*.py")):
    try:
        libcst.parse_module(file.read_bytes())
    except libcst.ParserSyntaxError:
        failures += 1
print(f"{failures} files failed to parse")
"""


@dataclass(frozen=True, slots=True)
class Tool:
    key: str
    label: str
    command: tuple[str, ...]
    cwd: Path
    accepted_exit_codes: frozenset[int] = frozenset({0})
    slow: bool = False
    """Run ``--slow-runs`` times instead of ``--runs`` times."""
    warm_up: bool = False
    """Run once, unmeasured, before the measured runs (to fill a cache)."""
    before_each: Callable[[], None] | None = field(default=None, compare=False)
    """Called before each measured run (to edit a file)."""


@dataclass(frozen=True, slots=True)
class LintFlags:
    """The ``check`` options this fastapi-lint has; the benchmark falls back without them."""

    jobs: bool
    no_cache: bool
    cache_dir: bool

    @classmethod
    def detect(cls, fastapi_lint: Path) -> LintFlags:
        command = [str(fastapi_lint), "check", "--help"]
        help_text = subprocess.run(command, check=True, capture_output=True, text=True).stdout
        return cls("--jobs" in help_text, "--no-cache" in help_text, "--cache-dir" in help_text)

    def notes(self) -> list[str]:
        notes = []
        if not self.no_cache:
            notes.append("`check --no-cache` is not available yet: cold runs go without it.")
        if not self.jobs:
            notes.append(
                "`check --jobs` is not available yet: cold runs use the default, and the "
                "all-cores run is skipped."
            )
        if not self.cache_dir:
            notes.append("`check --cache-dir` is not available yet: the warm runs are skipped.")
        return notes


@dataclass(frozen=True, slots=True)
class Setup:
    """Where everything is: interpreters, executables and the copies of the corpus."""

    python: Path
    """The project's interpreter (fastapi-lint's, which also runs the bare parse)."""
    fastapi_lint: Path
    peers: Path
    """The ``bin`` directory of the peers' virtualenv."""
    pristine: Path
    """Holds an untouched ``corpus/`` copy."""
    edited: Path
    """Holds the ``corpus/`` copy that the warm runs use and edit."""
    cache: Path
    cores: int
    flags: LintFlags


def lint_command(
    fastapi_lint: Path, *options: str, target: str = TARGET, output: str = "concise"
) -> tuple[str, ...]:
    common = ("--exit-zero", "--output-format", output, target)
    return (str(fastapi_lint), "check", *options, *common)


def cold_options(flags: LintFlags, jobs: int) -> list[str]:
    """No cache and ``jobs`` processes, as far as this fastapi-lint supports them."""
    options = ["--no-cache"] if flags.no_cache else []
    return [*options, "--jobs", str(jobs)] if flags.jobs else options


def bare_parse(setup: Setup) -> Tool:
    command = (str(setup.python), "-c", _PARSE_SCRIPT, TARGET)
    return Tool(PARSE, "bare `libcst.parse_module` (floor)", command, setup.pristine)


def fastapi_lint_cold(setup: Setup) -> Tool:
    command = lint_command(setup.fastapi_lint, *cold_options(setup.flags, jobs=1))
    return Tool(COLD, "fastapi-lint cold, 1 job", command, setup.pristine)


def fastapi_lint_cold_all_cores(setup: Setup) -> Tool:
    command = lint_command(setup.fastapi_lint, *cold_options(setup.flags, setup.cores))
    label = f"fastapi-lint cold, {setup.cores} jobs"
    return Tool(COLD_ALL_CORES, label, command, setup.pristine)


def fastapi_lint_warm(setup: Setup) -> Tool:
    command = lint_command(setup.fastapi_lint, "--cache-dir", str(setup.cache))
    # On the tree no row edits: the run repeats a command whose inputs are all unchanged.
    return Tool(WARM, "fastapi-lint warm", command, setup.pristine, warm_up=True)


def fastapi_lint_warm_text(setup: Setup) -> Tool:
    """The warm run with the default text report (colourless: the output is a pipe), in
    the same state as the concise one: the same command done before, nothing changed."""
    command = lint_command(setup.fastapi_lint, "--cache-dir", str(setup.cache), output="text")
    label = "fastapi-lint warm, text report"
    return Tool(WARM_TEXT, label, command, setup.pristine, warm_up=True)


def _edit_largest_file(
    tree: Path, edit: Callable[[Path, int], None] = append_comment
) -> tuple[Callable[[], None], str]:
    """A callback that edits the corpus's largest file anew each call, and its description."""
    file = largest_file(tree)
    serials = itertools.count(1)
    description = f"{file.relative_to(tree.parent).as_posix()} ({line_count(file):,} lines)"
    return lambda: edit(file, next(serials)), description


def fastapi_lint_warm_edited(setup: Setup) -> tuple[Tool, str]:
    """The warm run after an edit of one file; also returns which file is edited."""
    edit, description = _edit_largest_file(setup.edited / TARGET)
    command = lint_command(setup.fastapi_lint, "--cache-dir", str(setup.cache))
    label = "fastapi-lint warm, 1 file edited"
    tool = Tool(WARM_EDITED, label, command, setup.edited, before_each=edit, warm_up=True)
    return tool, description


def fastapi_lint_warm_lines_moved(setup: Setup) -> Tool:
    """The warm run after a line is added atop the same file: its summary changes, so
    the project step runs again (a comment at the end leaves the summary as it was)."""
    edit, _ = _edit_largest_file(setup.edited / TARGET, prepend_comment)
    command = lint_command(setup.fastapi_lint, "--cache-dir", str(setup.cache))
    label = "fastapi-lint warm, 1 file edited, lines moved"
    return Tool(WARM_MOVED, label, command, setup.edited, before_each=edit, warm_up=True)


def edited_file_alone(setup: Setup) -> Tool:
    """The edited file's own cold cost: a copy of it, alone in a folder, linted cold."""
    alone = setup.pristine.parent / "alone"
    alone.mkdir(exist_ok=True)
    shutil.copy(largest_file(setup.pristine / TARGET), alone / "largest.py")
    command = lint_command(setup.fastapi_lint, *cold_options(setup.flags, 1), target="largest.py")
    return Tool(EDITED_ALONE, "the edited file alone, cold, 1 job", command, alone)


def ruff(setup: Setup) -> Tool:
    options: tuple[str, ...] = ("--isolated", "--no-cache", "--no-respect-gitignore")
    options += ("--exit-zero", "--select", RUFF_RULES, "--output-format", "concise")
    command = (str(setup.peers / "ruff"), "check", *options, TARGET)
    return Tool(RUFF, f"ruff `--select {RUFF_RULES}`", command, setup.pristine)


def flake8(setup: Setup) -> Tool:
    options = ("--isolated", "-j", "1", "--max-complexity", MAX_COMPLEXITY, "--exit-zero")
    command = (str(setup.peers / "flake8"), *options, "--select", FLAKE8_RULES, TARGET)
    label = "flake8 + flake8-async + flake8-annotations + mccabe, 1 job"
    return Tool(FLAKE8, label, command, setup.pristine, slow=True)


def fixit(setup: Setup) -> Tool:
    command = (str(setup.peers / "fixit"), "lint", TARGET)
    # Fixit exits 1 when it has findings; 2 would mean a file it could not lint.
    accepted = frozenset({0, 1})
    return Tool(FIXIT, "Fixit 2, default rules", command, setup.pristine, accepted, slow=True)


def choose_tools(setup: Setup, *, quick: bool) -> tuple[list[Tool], list[str]]:
    """The tools to run, in table order, and notes on what was left out or changed."""
    notes = setup.flags.notes()
    tools = [bare_parse(setup), fastapi_lint_cold(setup)]
    if setup.flags.jobs:
        tools.append(fastapi_lint_cold_all_cores(setup))
    if setup.flags.cache_dir:
        edited, description = fastapi_lint_warm_edited(setup)
        tools += [fastapi_lint_warm(setup), fastapi_lint_warm_text(setup), edited]
        tools += [fastapi_lint_warm_lines_moved(setup), edited_file_alone(setup)]
        notes.append(
            f"The edited file is {description}: a comment appended at its end before each "
            "run of the edited row, a line added at its top before each run of the "
            "lines-moved row."
        )
    tools.append(ruff(setup))
    if quick:
        notes.append("`--quick`: flake8 and Fixit were skipped.")
    else:
        tools += [flake8(setup), fixit(setup)]
    return tools, notes
