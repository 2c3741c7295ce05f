"""``--diff-from REF``: the lines added or changed since a git revision, to report on those only.

The changes are ``git diff --unified=0 REF`` against the working tree (staged or not),
read from the hunk headers, plus every line of untracked files (those git does not
ignore): a new file is all new lines. Renames are followed (``-M``), so moving a legacy
file does not make its old findings new. Lines only deleted add nothing.

A finding counts by the line it starts on; whole-project findings (FAPI102 and the
like) by the line they are reported on, like any other. Syntax errors (FAPI000) are
always reported, as a baseline never hides them either: an unreadable file is not linted.
"""

from __future__ import annotations

import dataclasses
import os
import re
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from fastapi_lint.models import Report
from fastapi_lint.suppression import UNSUPPRESSIBLE

# Every option a user's git configuration could change is pinned: prefixes, colour,
# external diff drivers, text conversion, paths relative to a subfolder, rename detection.
_DIFF_OPTIONS = (
    "diff",
    "--unified=0",
    "--no-color",
    "--no-ext-diff",
    "--no-textconv",
    "--no-relative",
    "--find-renames",
    "--src-prefix=a/",
    "--dst-prefix=b/",
)
_HUNK = re.compile(rb"@@ -\d+(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")
_ESCAPE = re.compile(rb"\\([0-7]{3}|.)")
_ESCAPES = {b"a": b"\a", b"b": b"\b", b"t": b"\t", b"n": b"\n", b"v": b"\v", b"f": b"\f"}
_ESCAPES |= {b"r": b"\r", b'"': b'"', b"\\": b"\\"}


class GitError(Exception):
    """No git, no repository, an unknown revision, or a file git does not track."""


class GitMissingError(GitError):
    """git is not installed."""


@dataclass(frozen=True, slots=True)
class ChangedLines:
    """What changed since ``ref`` in the repository at ``root``; paths relative to it."""

    root: Path
    ref: str
    added: Mapping[str, frozenset[int]]
    untracked: frozenset[str]
    tracked: frozenset[str]

    def contains(self, path: str, line: int) -> bool:
        """Whether ``line`` of ``path`` (as the report shows it) is new since ``ref``."""
        name = self.repository_path(path)
        if name in self.untracked:
            return True
        if name not in self.tracked:
            raise GitError(
                f"{path} is ignored by git, so --diff-from cannot tell which of its lines changed"
            )
        return line in self.added.get(name, frozenset())

    def repository_path(self, path: str) -> str:
        """``path`` relative to the repository root, as git spells it."""
        absolute = Path(path).absolute()
        # git reports the root with symlinks resolved; the file itself may be a symlink.
        real = absolute.parent.resolve() / absolute.name
        try:
            relative = Path(os.path.relpath(real, self.root))
        except ValueError:  # another drive on Windows
            relative = Path("..")
        if relative.parts[:1] == ("..",):
            raise GitError(f"{path} is not in the git repository at {self.root}")
        return relative.as_posix()


def changed_lines(ref: str, cwd: Path) -> ChangedLines:
    """The changes since ``ref`` in the repository holding ``cwd``; raises GitError."""
    root = repository_root(cwd)
    commit = resolve(ref, root)
    patch = _git([*_DIFF_OPTIONS, commit, "--"], root)
    return ChangedLines(
        root=root,
        ref=ref,
        added=parse_patch(patch),
        untracked=_listed(root, "--others", "--exclude-standard"),
        tracked=_listed(root, "--cached"),
    )


def only_changed(report: Report, changed: ChangedLines) -> Report:
    """``report`` less the findings on unchanged lines, counting them in ``unchanged``."""
    kept = tuple(
        diagnostic
        for diagnostic in report.diagnostics
        if diagnostic.code in UNSUPPRESSIBLE or changed.contains(diagnostic.path, diagnostic.line)
    )
    unchanged = len(report.diagnostics) - len(kept)
    return dataclasses.replace(report, diagnostics=kept, unchanged=unchanged)


def repository_root(cwd: Path) -> Path:
    try:
        output = _git(["rev-parse", "--show-toplevel"], cwd)
    except GitMissingError:
        raise  # its message says it all
    except GitError as error:
        if "not a git repository" in str(error):
            error = GitError(f"--diff-from needs a git repository, and {cwd} is not in one")
        else:
            error = GitError(f"--diff-from: git cannot read the repository of {cwd}: {error}")
        raise error from None
    return Path(os.fsdecode(output.rstrip(b"\r\n")))


def resolve(ref: str, root: Path) -> str:
    """The commit ``ref`` names; a leading ``-`` is refused so it cannot pass as an option."""
    if ref.startswith("-"):
        raise GitError(f"--diff-from: {ref!r} is not a git revision")
    try:
        output = _git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], root)
    except GitError:
        raise GitError(f"--diff-from: unknown git revision {ref!r}") from None
    return output.decode("ascii").strip()


def parse_patch(patch: bytes) -> dict[str, frozenset[int]]:
    """The added line numbers of each file of a ``--unified=0`` patch, by its new path."""
    added: dict[str, set[int]] = {}
    lines = patch.split(b"\n")
    target: str | None = None
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        if line.startswith(b"diff --git "):
            target = None  # binary files and pure renames have no ``+++`` line
        elif line.startswith(b"+++ ") and index >= 2 and lines[index - 2].startswith(b"--- "):
            target = _target(line[4:])
        elif (hunk := _HUNK.match(line)) is not None and target is not None:
            new_lines, body = _hunk(hunk)
            added.setdefault(target, set()).update(new_lines)
            # Skipped by count: an added line reading "++ x" shows as "+++ x", no header.
            index = _past_body(lines, index, body)
    return {path: frozenset(numbers) for path, numbers in added.items()}


def _hunk(match: re.Match[bytes]) -> tuple[range, int]:
    """The new file's lines a hunk adds, and how many ``-``/``+`` lines its body has."""
    old_count, start, new_count = match.groups()
    removed = 1 if old_count is None else int(old_count)
    count = 1 if new_count is None else int(new_count)
    return range(int(start), int(start) + count), removed + count


def _past_body(lines: Sequence[bytes], index: int, body: int) -> int:
    # "\ No newline at end of file" lines are not counted in the hunk header.
    while index < len(lines) and (body > 0 or lines[index].startswith(b"\\")):
        if not lines[index].startswith(b"\\"):
            body -= 1
        index += 1
    return index


def _target(name: bytes) -> str | None:
    """The path of a ``+++`` line: None for ``/dev/null`` (a deleted file)."""
    if name.endswith(b"\t"):  # git adds a tab after names holding a space
        name = name[:-1]
    if name.startswith(b'"') and name.endswith(b'"') and len(name) >= 2:
        name = _ESCAPE.sub(_unescape, name[1:-1])
    if not name.startswith(b"b/"):
        return None
    return os.fsdecode(name[2:])


def _unescape(match: re.Match[bytes]) -> bytes:
    """One C escape of a quoted git path: octal bytes (UTF-8 names) or a letter."""
    code = match.group(1)
    if len(code) == 3:
        return bytes([int(code, 8) & 0xFF])
    return _ESCAPES.get(code, code)


def _listed(root: Path, *options: str) -> frozenset[str]:
    output = _git(["ls-files", "-z", "--full-name", *options], root)
    return frozenset(os.fsdecode(name) for name in output.split(b"\0") if name)


def _git(args: Sequence[str], cwd: Path) -> bytes:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False)
    except FileNotFoundError:
        raise GitMissingError(
            "--diff-from needs git, which is not installed (not on PATH)"
        ) from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().removeprefix("fatal: ")
        raise GitError(message or f"git {args[0]} failed with status {done.returncode}")
    return done.stdout
