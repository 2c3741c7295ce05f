"""Build small on-disk projects and their whole-project model, for the project tests."""

from __future__ import annotations

import os
import textwrap
from collections.abc import Mapping, Sequence
from pathlib import Path

from fastapi_lint.context.project import Placement, ProjectContext
from fastapi_lint.context.router_scan import scan_router_kinds
from fastapi_lint.context.versions import resolve_target_versions
from fastapi_lint.engine import lint as engine
from fastapi_lint.project_model.project import Project, ProjectFile
from fastapi_lint.runner.single_file import lint_source


def write_tree(root: Path, files: Mapping[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"))


def project_of(root: Path, files: Mapping[str, str], source_roots: Sequence[Path] = ()) -> Project:
    """Write ``files`` under ``root``, summarise every ``*.py`` there, model the project."""
    write_tree(root, files)
    summarised = []
    for path in sorted(root.rglob("*.py")):
        label = path.relative_to(root).as_posix()
        result = lint_source(path.read_text(), label, (), project="collect")
        assert not result.internal_errors, result.internal_errors
        assert result.summary is not None, label
        summarised.append(ProjectFile(label, path, result.summary))
    return Project(summarised, root, source_roots)


def project_context(root: Path, source_roots: Sequence[Path] = ()) -> ProjectContext:
    """The context a run over the files under ``root`` has: its router builders scanned."""
    files = sorted(root.rglob("*.py"))
    kinds = scan_router_kinds(files, root, source_roots)
    targets = resolve_target_versions(root)
    return ProjectContext(root, targets, source_roots=tuple(source_roots), routers=kinds)


def project_in_context(
    root: Path, files: Mapping[str, str], source_roots: Sequence[Path] = ()
) -> Project:
    """``project_of`` as a run sees it: each file summarised with the project's context,
    from the root (where a run's paths start) so modules are named as the run names them."""
    write_tree(root, files)
    placement = Placement(project_context(root, source_roots))
    summarised = []
    here = Path.cwd()
    os.chdir(root)
    try:
        for path in sorted(root.rglob("*.py")):
            label = path.relative_to(root).as_posix()
            result = engine.lint_source(
                path.read_text(), label, (), summarise=True, placement=placement
            )
            assert not result.internal_errors, result.internal_errors
            assert result.summary is not None, label
            summarised.append(ProjectFile(label, path, result.summary))
    finally:
        os.chdir(here)
    return Project(summarised, root, source_roots)
