"""Build small on-disk projects and their whole-project model, for the project tests."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from pathlib import Path

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
