"""The files to benchmark on: the pinned corpus, and throw-away copies of it.

The tools never run on ``corpus/`` itself: each run happens in a temporary directory that
holds a copy named ``corpus/``, outside this repository, so no ``.gitignore``,
``pyproject.toml`` or other configuration of the project can change what a tool checks,
and the runs that edit a file never touch the real corpus.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[1]
CORPUS = REPOSITORY / "corpus"
FETCH_SCRIPT = REPOSITORY / "scripts" / "fetch_corpus.py"
TARGET = "corpus"
"""The directory name every tool is pointed at, relative to its working directory."""


@dataclass(frozen=True, slots=True)
class TreeSize:
    files: int
    lines: int

    def __str__(self) -> str:
        return f"{self.files:,} files, {self.lines:,} lines"


def ensure_corpus(python: Path) -> None:
    """Download the corpus unless it is already there (the fetch script is idempotent)."""
    subprocess.run([str(python), str(FETCH_SCRIPT)], check=True, stdout=sys.stderr)


def python_files(tree: Path) -> list[Path]:
    return sorted(tree.rglob("*.py"))


def line_count(file: Path) -> int:
    return len(file.read_bytes().splitlines())


def tree_size(tree: Path) -> TreeSize:
    files = python_files(tree)
    return TreeSize(len(files), sum(line_count(file) for file in files))


def copy_corpus(into: Path, member: str | None = None) -> Path:
    """Copy the corpus (or one ``member`` of it) to ``into/corpus``; return ``into``, the
    directory to run tools in."""
    source = CORPUS if member is None else CORPUS / member
    if not source.is_dir():
        raise SystemExit(f"no corpus member {member!r} in {CORPUS}")
    shutil.copytree(source, into / TARGET)
    return into


def largest_file(tree: Path) -> Path:
    return max(python_files(tree), key=line_count)


def prepend_comment(file: Path, serial: int) -> None:
    """Change ``file`` by a line at its top: every line below moves, so its project
    summary (which holds line numbers) changes too, as most edits of code change it."""
    text = file.read_text(encoding="utf-8")
    file.write_text(f"# edited by the fastapi-lint benchmark ({serial})\n{text}", encoding="utf-8")


def append_comment(file: Path, serial: int) -> None:
    """Change ``file`` (content and modification time) so a cache must lint it again."""
    with file.open("a", encoding="utf-8") as stream:
        stream.write(f"\n# edited by the fastapi-lint benchmark ({serial})\n")
