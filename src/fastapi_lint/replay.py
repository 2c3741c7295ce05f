"""An identical ``check`` answered before its command line is even parsed: a replay.

A run answered from its snapshot (``snapshot``) imports no rule, but it still pays for
Click, the configuration (TOML, the role and version detectors), discovery (pathspec)
and the digests: a quarter of a second, several times ruff's whole run on a small
project. A replay keeps, for one exact command (its arguments, working folder, the
environment variables it reads and whether it printed to a terminal), what it printed
and its exit code, with everything that output was computed from:

- the digest of every Python file the run linted or summarised;
- every settings file it read and folder it listed (``run_inputs``), its own and those
  of the run that made its snapshot;
- discovery's scans of the folders it walked (a new file, or one that became a folder);
- the listings of the working folder, the paths given and every folder above them (a
  ``pyproject.toml``, ``.gitignore`` or ``.git`` that appears there changes the
  configuration, the project or the files found).

The next identical command that finds all of these unchanged prints the kept output and
exits with the kept code, having imported only this module and a little of the standard
library. Anything missing, changed or corrupted is a miss: the command runs as usual.

A replay lies in the cache folder its run used: ``--cache-dir``, else
``$FASTAPI_LINT_CACHE_DIR``, else ``.fastapi_lint_cache`` in the working folder or the
nearest folder above that holds one (the configuration's folder, which cannot be known
without reading the configuration). Where it lies does not make it right: its inputs do.

Only a run whose output a snapshot keeps is replayed (``cli.whole_run``: not standard
input, fixes, the review page, narrowing flags or SARIF), and only when it wrote to
standard output alone: no ``--output-file``, no warning, no error.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import sys
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import TypeGuard

from fastapi_lint import __version__
from fastapi_lint.cache_folder import (
    CACHE_DIR_ENV,
    CACHE_DIR_NAME,
    prepare_folder,
    sealed_entry,
    sealed_payload,
    write_atomically,
)
from fastapi_lint.input_checks import files_digest, listing_of, recorded_inputs, unchanged
from fastapi_lint.run_inputs import InputLog

# What the output depends on besides the arguments: color, where the cache is (it holds
# the snapshot the output came from), the address of the rule pages.
_ENVIRONMENT = ("NO_COLOR", CACHE_DIR_ENV, "FASTAPI_LINT_DOCS_URL")
_CACHE_DIR_OPTION = "--cache-dir"
_INPUTS = ("reads", "listings", "scans")
# Click's ``echo`` strips these when it prints without color; a replay keeps what it printed.
_ANSI = re.compile(r"\033\[[;?0-9]*[a-zA-Z]")


class Command:
    """One command line, as a replay is looked up by."""

    __slots__ = ("arguments", "key")

    def __init__(self, arguments: Sequence[str]) -> None:
        self.arguments = tuple(arguments)
        self.key = _key(self.arguments)

    @property
    def replayable(self) -> bool:
        # After "--" every word is a path, which the cache folder lookup cannot tell.
        return self.arguments[:1] == ("check",) and "--" not in self.arguments

    def places(self) -> Iterator[Path]:
        """The files a replay of this command may lie in, nearest first."""
        name = Path(f"v{__version__}-runs", f"replay-{self.key}.json")
        named = _option_value(self.arguments, _CACHE_DIR_OPTION) or os.environ.get(CACHE_DIR_ENV)
        if named:
            yield Path(named) / name
            return
        here = Path(os.path.abspath("."))
        for folder in (here, *here.parents):
            yield folder / CACHE_DIR_NAME / name


def _key(arguments: Sequence[str]) -> str:
    digest = hashlib.sha256(__version__.encode())
    terminal = str(sys.stdout.isatty()) if sys.stdout is not None else "none"
    environment = (os.environ.get(name, "\0unset") for name in _ENVIRONMENT)
    for part in (os.path.abspath("."), terminal, *environment, *arguments):
        digest.update(b"\0" + part.encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


def _option_value(arguments: Sequence[str], option: str) -> str | None:
    """The last value given to ``option`` (``--opt value`` or ``--opt=value``), as Click
    reads it."""
    value: str | None = None
    for index, argument in enumerate(arguments):
        if argument == option and index + 1 < len(arguments):
            value = arguments[index + 1]
        elif argument.startswith(option + "="):
            value = argument[len(option) + 1 :]
    return value


def replayed(command: Command) -> int | None:
    """Print the output an identical earlier command printed and return its exit code;
    None when there is none to replay (the command must run)."""
    if not command.replayable:
        return None
    for place in command.places():
        replay = _load(place, command.key)
        if replay is not None and _still_right(replay):
            return _print(replay)
    return None


def _load(place: Path, key: str) -> Mapping[str, object] | None:
    try:
        return sealed_payload(place.read_text(encoding="utf-8"), key)
    except (OSError, ValueError, TypeError, RecursionError):
        return None  # missing or corrupted: a miss


def _still_right(replay: Mapping[str, object]) -> bool:
    files, digest = replay.get("files"), replay.get("digest")
    if not _strings(files) or not isinstance(digest, str):
        return False
    try:
        inputs = recorded_inputs(*(replay.get(part) for part in _INPUTS))
        return files_digest(files) == digest and unchanged(inputs)
    except (TypeError, ValueError):  # not objects of strings, or a read's key that is not one
        return False


def _strings(value: object) -> TypeGuard[list[str]]:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def _print(replay: Mapping[str, object]) -> int | None:
    output, code = replay.get("output"), replay.get("exit")
    if not isinstance(output, str) or type(code) is not int:
        return None
    try:
        sys.stdout.write(output)
        sys.stdout.flush()
    except OSError as error:
        if error.errno != errno.EPIPE:
            raise
        _silence_stdout()  # as Click does when the reader went away (``| head``)
        return 1
    return code


def _silence_stdout() -> None:
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


class Recorder:
    """What one command observed, for the replay it leaves when it prints its output."""

    __slots__ = ("command", "observed")

    def __init__(self, command: Command, observed: InputLog) -> None:
        self.command = command
        self.observed = observed

    def keep(self, printed: Printed, cache_dir: Path) -> None:
        """Keep the replay of the command in ``cache_dir``."""
        inputs = InputLog()
        inputs.update(printed.inputs)
        inputs.update(self.observed)
        inputs.listings.update(_listings_above(printed.paths))
        replay = {
            "output": printed.output if printed.color else _ANSI.sub("", printed.output),
            "exit": printed.exit_code,
            "files": list(printed.files),
            "digest": printed.files_digest,
            "reads": inputs.reads,
            "listings": inputs.listings,
            "scans": inputs.scans,
        }
        target = cache_dir / f"v{__version__}-runs" / f"replay-{self.command.key}.json"
        _write(target, sealed_entry(self.command.key, replay))


class Printed:
    """What a command printed, and what it was computed from: the ``paths`` it was given,
    the Python ``files`` it linted or summarised (their ``files_digest``) and the
    ``inputs`` of the run that made its snapshot."""

    __slots__ = ("color", "exit_code", "files", "files_digest", "inputs", "output", "paths")

    def __init__(
        self,
        output: str,
        *,
        color: bool,
        exit_code: int,
        paths: Sequence[str],
        files: Sequence[str],
        files_digest: str,
        inputs: InputLog,
    ) -> None:
        self.output, self.color, self.exit_code = output, color, exit_code
        self.paths = paths
        self.files, self.files_digest = files, files_digest
        self.inputs = inputs


def _listings_above(paths: Sequence[str]) -> dict[str, str]:
    """The working folder, the paths given and every folder above them, listed."""
    listings: dict[str, str] = {}
    for start in (".", *paths):
        here = Path(os.path.abspath(start))
        for folder in (here, *here.parents):
            key = str(folder)
            if key not in listings:
                listings[key] = listing_of(key)
    return listings


def _write(target: Path, text: str) -> None:
    try:
        prepare_folder(target.parent.parent, target.parent)
        write_atomically(target, text)
    except OSError:
        return  # a read-only or full disk only costs the speed-up
