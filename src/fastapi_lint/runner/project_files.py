"""The files of a run's project: what ``check .`` at its root would lint, and the files given."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from pathlib import Path

from fastapi_lint.config import PYPROJECT, Config
from fastapi_lint.files import discover

ProjectFiles = Callable[[], Sequence[Path]]


def project_files(
    config: Config, root: Path, given: Sequence[Path] = (), *, complete: bool = False
) -> Callable[[], tuple[Path, ...]]:
    """The files of the project at ``root``, found once when first asked for.

    A project is a folder holding ``pyproject.toml``: its files are discovered as ``check
    .`` there would (the configuration's excludes, ``.gitignore``), plus the files the run
    was given (named on purpose, they belong to it even inside an excluded folder).
    Elsewhere the files given are the project, as they always were. ``complete`` says
    that ``given`` is already that discovery (the run was given the project's root).
    """

    @functools.cache
    def files() -> tuple[Path, ...]:
        found = None if complete else project_discovery(config, root)
        if found is None:
            return tuple(given)
        return (*found, *_outside(found, given))

    return files


def project_discovery(config: Config, root: Path) -> tuple[Path, ...] | None:
    """The files ``check .`` at ``root`` would lint; None when ``root`` is no project
    (it holds no ``pyproject.toml``)."""
    if not (root / PYPROJECT).is_file():
        return None
    found = discover(
        [str(root)], root=config.root, exclude=config.exclude, extend_exclude=config.extend_exclude
    )
    return found.files


def _outside(found: Sequence[Path], given: Sequence[Path]) -> list[Path]:
    """The files of ``given`` that ``found`` lacks, symbolic links resolved.

    Both usually come from the same discovery, so most given files are found as written;
    only the others are resolved (resolving costs a system call per path component).
    """
    written = set(found)
    rest = [file for file in given if file not in written]
    if not rest:
        return []
    seen = {file.resolve() for file in found}
    return [file for file in rest if file.resolve() not in seen]
