"""Everything the run knows about the project before it lints a file.

Built once per run (by the runner, from the configuration and the files to lint) and
read by the engine and the rules through ``FileContext``: which role a file plays,
which library versions the project targets, which names build its apps and routers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from fastapi_lint.context.roles import FileRole
from fastapi_lint.context.routers import RouterKinds
from fastapi_lint.context.versions import TargetVersions


@dataclass(frozen=True, slots=True)
class ProjectContext:
    """The project's root, source roots, target versions and app/router builders."""

    root: Path
    targets: TargetVersions
    # Folders imports are resolved from (``src/`` layouts, ``src = [...]``), root first.
    source_roots: tuple[Path, ...] = ()
    routers: RouterKinds = field(default_factory=RouterKinds)


@dataclass(frozen=True, slots=True)
class Placement:
    """Where one file stands: its project's context and the role it plays there.

    Empty when a file is linted on its own (tests, the engine-level entry points): then
    every rule given runs and no fix is gated by target versions.
    """

    project: ProjectContext | None = None
    role: FileRole | None = None


ALONE = Placement()
