"""The files of a run's project: discovered once, the files given added, none twice."""

from __future__ import annotations

from pathlib import Path

import pytest

import fastapi_lint.runner.project_files as project_files_module
from fastapi_lint.cli.common import CheckRequest
from fastapi_lint.cli.planning import _names_root
from fastapi_lint.config import Config, load_config
from fastapi_lint.runner.project_files import project_files


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text('[tool.fastapi-lint]\nexclude = ["vendor"]\n')
    for name in ("app/main.py", "app/util.py", "vendor/lib.py"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text("x = 1\n")
    return tmp_path


def _config(root: Path) -> Config:
    return load_config(root)


def test_given_files_are_added_once_even_through_a_link(project: Path) -> None:
    (project / "link.py").symlink_to(project / "app" / "main.py")
    given = [project / "app" / "main.py", project / "link.py", project / "vendor" / "lib.py"]
    files = project_files(_config(project), project, given)()
    # link.py is main.py; vendor/ is excluded, but a file named on purpose belongs.
    assert files == (project / "app" / "main.py", project / "app" / "util.py", given[2])


def test_a_complete_discovery_is_not_walked_again(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def walk(*args: object) -> None:
        raise AssertionError("discovered again")

    monkeypatch.setattr(project_files_module, "project_discovery", walk)
    given = (project / "app" / "main.py",)
    assert project_files(_config(project), project, given, complete=True)() == given
    with pytest.raises(AssertionError):
        project_files(_config(project), project, given)()


@pytest.mark.parametrize(
    ("paths", "force_exclude", "expected"),
    [
        ((".",), False, True),
        (("./",), False, True),
        (("app/..",), False, True),
        (("app",), False, False),
        ((".", "app"), False, False),
        ((".",), True, False),  # excludes apply to the named folder: discover as asked
    ],
)
def test_a_run_names_the_root_only_as_check_dot(
    project: Path,
    monkeypatch: pytest.MonkeyPatch,
    paths: tuple[str, ...],
    force_exclude: bool,
    expected: bool,
) -> None:
    monkeypatch.chdir(project)
    request = CheckRequest(paths, "json", None, False, False, True, force_exclude, None)
    assert _names_root(request, project) is expected
