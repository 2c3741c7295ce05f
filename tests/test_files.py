from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from fastapi_lint import files
from fastapi_lint.files import (
    DEFAULT_EXCLUDES,
    Discovery,
    discover,
    exclude_patterns,
    invalid_pattern,
    is_excluded,
)


def touch(root: Path, *relatives: str) -> None:
    for relative in relatives:
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x = 1\n", encoding="utf-8")


def run(
    root: Path,
    paths: Sequence[str] = (".",),
    *,
    exclude: Sequence[str] | None = None,
    extend_exclude: Sequence[str] = (),
    force_exclude: bool = False,
    respect_gitignore: bool = True,
) -> Discovery:
    return discover(
        [str(root / p) for p in paths],
        root=root,
        exclude=exclude,
        extend_exclude=extend_exclude,
        force_exclude=force_exclude,
        respect_gitignore=respect_gitignore,
    )


def found(root: Path, paths: Sequence[str] = (".",), **options: Any) -> list[str]:
    discovery = run(root, paths, **options)
    return [path.relative_to(root).as_posix() for path in discovery.files]


# Walking ----------------------------------------------------------------------------


def test_walk_finds_only_py_files_sorted_and_absolute(tmp_path):
    touch(tmp_path, "b.py", "a/z.py", "a/m.py", "stub.pyi", "notes.txt", "a/data.json")
    discovery = run(tmp_path)
    assert all(path.is_absolute() for path in discovery.files)
    assert found(tmp_path) == ["a/m.py", "a/z.py", "b.py"]
    assert discovery.missing == ()


def test_relative_paths_are_made_absolute_against_cwd(tmp_path, monkeypatch):
    touch(tmp_path, "pkg/a.py")
    monkeypatch.chdir(tmp_path)
    discovery = discover(["pkg"], root=Path("."), exclude=None, extend_exclude=())
    assert discovery.files == (tmp_path / "pkg" / "a.py",)


def test_directory_named_like_a_python_file_is_walked_not_linted(tmp_path):
    touch(tmp_path, "weird.py/inner.py")
    assert found(tmp_path) == ["weird.py/inner.py"]


def test_file_named_twice_or_inside_named_directory_is_listed_once(tmp_path):
    touch(tmp_path, "pkg/a.py")
    assert found(tmp_path, ["pkg/a.py", "pkg", "pkg/a.py", "."]) == ["pkg/a.py"]


def test_missing_explicit_paths_are_reported_as_given(tmp_path):
    touch(tmp_path, "a.py")
    discovery = discover(
        [str(tmp_path / "a.py"), "nope.py", "gone/"], root=tmp_path, exclude=None, extend_exclude=()
    )
    assert discovery.files == (tmp_path / "a.py",)
    assert discovery.missing == ("nope.py", "gone/")


def test_explicit_non_python_file_is_linted_because_it_was_asked_for(tmp_path):
    touch(tmp_path, "script")
    assert found(tmp_path, ["script"]) == ["script"]


# Excludes ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "excluded",
    [".venv/lib/x.py", "venv/x.py", "a/__pycache__/x.py", "node_modules/x.py", "pkg.egg-info/x.py"],
)
def test_default_excludes_prune_well_known_directories(tmp_path, excluded):
    touch(tmp_path, "keep.py", excluded)
    assert found(tmp_path) == ["keep.py"]


def test_default_exclude_matches_a_directory_name_at_any_depth(tmp_path):
    touch(tmp_path, "src/build/gen.py", "src/app.py")
    assert found(tmp_path) == ["src/app.py"]


def test_exclude_replaces_the_defaults(tmp_path):
    touch(tmp_path, "build/a.py", "legacy/b.py", "c.py")
    assert found(tmp_path, exclude=["legacy"]) == ["build/a.py", "c.py"]


def test_extend_exclude_adds_to_the_defaults(tmp_path):
    touch(tmp_path, "build/a.py", "legacy/b.py", "c.py")
    assert found(tmp_path, extend_exclude=["legacy"]) == ["c.py"]


def test_anchored_glob_matches_relative_to_root_only(tmp_path):
    touch(tmp_path, "tests/fixtures/a.py", "tests/fixtures/sub/b.py", "x/tests/fixtures/c.py")
    result = found(tmp_path, extend_exclude=["tests/fixtures/*.py"])
    assert result == ["tests/fixtures/sub/b.py", "x/tests/fixtures/c.py"]


def test_directory_only_pattern_does_not_exclude_a_file_of_that_name(tmp_path):
    touch(tmp_path, "gen/a.py", "gen.py")
    assert found(tmp_path, exclude=["gen/", "*.pyc"]) == ["gen.py"]


def test_excludes_are_relative_to_root_even_when_walking_a_subdirectory(tmp_path):
    touch(tmp_path, "app/generated/a.py", "app/b.py")
    assert found(tmp_path, ["app"], exclude=["app/generated"]) == ["app/b.py"]


def test_excluded_directory_is_pruned_not_walked(tmp_path, monkeypatch):
    touch(tmp_path, "build/deep/a.py", "b.py")
    scanned: list[str] = []
    real_scandir = os.scandir

    def recording_scandir(path):
        scanned.append(Path(path).name)
        return real_scandir(path)

    monkeypatch.setattr(files.os, "scandir", recording_scandir)
    assert found(tmp_path) == ["b.py"]
    assert "build" not in scanned
    assert "deep" not in scanned


def test_explicit_file_bypasses_exclusion(tmp_path):
    touch(tmp_path, "build/gen.py")
    assert found(tmp_path, ["build/gen.py"]) == ["build/gen.py"]


def test_explicit_file_is_excluded_with_force_exclude(tmp_path):
    touch(tmp_path, "build/gen.py", "legacy.py")
    paths = ["build/gen.py", "legacy.py"]
    assert found(tmp_path, paths, extend_exclude=["legacy.py"], force_exclude=True) == []


def test_explicit_excluded_directory_is_walked_unless_force_exclude(tmp_path):
    touch(tmp_path, "build/gen.py", "build/sub/more.py", "build/__pycache__/x.py")
    assert found(tmp_path, ["build"]) == ["build/gen.py", "build/sub/more.py"]
    assert found(tmp_path, ["build"], force_exclude=True) == []


def test_is_excluded_checks_the_path_and_its_directories_under_root(tmp_path):
    patterns = exclude_patterns(None, ["tests/fixtures/*.py"])
    assert is_excluded(tmp_path / "build" / "x.py", root=tmp_path, patterns=patterns)
    assert is_excluded(tmp_path / "tests/fixtures/a.py", root=tmp_path, patterns=patterns)
    assert not is_excluded(tmp_path / "app" / "x.py", root=tmp_path, patterns=patterns)
    assert not is_excluded(tmp_path, root=tmp_path, patterns=patterns)


def test_is_excluded_matches_only_the_name_outside_root(tmp_path):
    root = tmp_path / "proj"
    patterns = ["build", "skip.py"]
    assert is_excluded(tmp_path / "elsewhere" / "skip.py", root=root, patterns=patterns)
    assert not is_excluded(tmp_path / "build" / "x.py", root=root, patterns=["x/build"])


def test_is_excluded_can_honour_gitignore(tmp_path):
    (tmp_path / ".gitignore").write_text("secret.py\n")
    path = tmp_path / "secret.py"
    assert not is_excluded(path, root=tmp_path, patterns=())
    assert is_excluded(path, root=tmp_path, patterns=(), respect_gitignore=True)


def test_exclude_patterns_replace_or_extend_the_defaults():
    assert exclude_patterns(None, ["x"]) == (*DEFAULT_EXCLUDES, "x")
    assert exclude_patterns(["y"], ["x"]) == ("y", "x")
    assert exclude_patterns([], []) == ()


def test_invalid_pattern_reports_the_first_one_pathspec_rejects():
    assert invalid_pattern(["build", "*.py", "!keep.py"]) is None
    assert invalid_pattern(["ok", "bad\\", "[z-a]"]) == "bad\\"


# .gitignore -------------------------------------------------------------------------


def test_root_gitignore_is_honoured(tmp_path):
    touch(tmp_path, "gen/a.py", "b.py", "scratch.py")
    (tmp_path / ".gitignore").write_text("gen/\nscratch.py\n")
    assert found(tmp_path) == ["b.py"]


def test_nested_gitignore_applies_to_its_subtree_only(tmp_path):
    touch(tmp_path, "pkg/local.py", "pkg/sub/local.py", "local.py", "other/local.py")
    (tmp_path / "pkg" / ".gitignore").write_text("local.py\n")
    assert found(tmp_path) == ["local.py", "other/local.py"]


def test_nested_gitignore_negation_overrides_the_outer_one(tmp_path):
    touch(tmp_path, "a/keep.py", "a/drop.py", "b/keep.py")
    (tmp_path / ".gitignore").write_text("keep.py\ndrop.py\n")
    (tmp_path / "a" / ".gitignore").write_text("!keep.py\n")
    assert found(tmp_path) == ["a/keep.py"]


def test_anchored_gitignore_line_is_relative_to_its_own_directory(tmp_path):
    touch(tmp_path, "pkg/gen.py", "pkg/sub/gen.py", "gen.py")
    (tmp_path / "pkg" / ".gitignore").write_text("/gen.py\n")
    assert found(tmp_path) == ["gen.py", "pkg/sub/gen.py"]


def test_ancestor_gitignore_up_to_repo_top_applies_when_walking_a_subdirectory(tmp_path):
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (tmp_path / ".gitignore").write_text("*.py\n")  # above the repository: not ours
    (repo / ".gitignore").write_text("gen_*.py\n")
    touch(repo, "app/gen_a.py", "app/b.py")
    result = discover([str(repo / "app")], root=repo / "app", exclude=None, extend_exclude=())
    assert result.files == (repo / "app" / "b.py",)


def test_ancestor_gitignore_up_to_root_applies_without_a_repository(tmp_path):
    (tmp_path / ".gitignore").write_text("gen_*.py\n")
    touch(tmp_path, "app/gen_a.py", "app/b.py")
    assert found(tmp_path, ["app"]) == ["app/b.py"]


def test_nested_repository_does_not_inherit_the_outer_gitignore(tmp_path):
    (tmp_path / ".gitignore").write_text("lib.py\n")
    (tmp_path / "vendor" / ".git").mkdir(parents=True)
    touch(tmp_path, "lib.py", "vendor/lib.py")
    assert found(tmp_path) == ["vendor/lib.py"]


def test_gitignore_can_be_switched_off(tmp_path):
    touch(tmp_path, "gen/a.py")
    (tmp_path / ".gitignore").write_text("gen/\n")
    assert found(tmp_path, respect_gitignore=False) == ["gen/a.py"]


def test_explicit_gitignored_file_is_linted_unless_force_exclude(tmp_path):
    touch(tmp_path, "gen/a.py")
    (tmp_path / ".gitignore").write_text("gen/\n")
    assert found(tmp_path, ["gen/a.py"]) == ["gen/a.py"]
    assert found(tmp_path, ["gen/a.py"], force_exclude=True) == []


def test_gitignore_with_an_unparsable_line_keeps_its_other_lines(tmp_path):
    touch(tmp_path, "gen.py", "b.py")
    (tmp_path / ".gitignore").write_text("bad\\\ngen.py\n")
    assert found(tmp_path) == ["b.py"]


def test_each_gitignore_is_read_once(tmp_path, monkeypatch):
    (tmp_path / ".gitignore").write_text("x.py\n")
    touch(tmp_path, "a/b/c.py", "a/d.py")
    reads: list[Path] = []
    real_read = files._read_gitignore

    def counting_read(file):
        reads.append(file)
        return real_read(file)

    monkeypatch.setattr(files, "_read_gitignore", counting_read)
    run(tmp_path, [".", "a", "a/b"])
    assert len(reads) == len(set(reads))


# Symlinks and unreadable directories ------------------------------------------------


def symlink_or_skip(link: Path, target: Path) -> None:
    try:
        link.symlink_to(target, target_is_directory=target.is_dir())
    except (OSError, NotImplementedError):
        pytest.skip("symlinks are not available here")


def test_symlink_loop_to_parent_directory_terminates(tmp_path):
    touch(tmp_path, "pkg/a.py")
    symlink_or_skip(tmp_path / "pkg" / "loop", tmp_path / "pkg")
    assert found(tmp_path) == ["pkg/a.py"]


def test_symlinked_directory_outside_the_tree_is_not_followed(tmp_path):
    # `--fix` must never write outside the trees it was given (ruff and git agree).
    touch(tmp_path, "outside/lib.py", "proj/app.py")
    symlink_or_skip(tmp_path / "proj" / "linked", tmp_path / "outside")
    symlink_or_skip(tmp_path / "proj" / "up", tmp_path)
    assert found(tmp_path / "proj") == ["app.py"]


def test_explicitly_named_symlinked_directory_is_walked(tmp_path):
    touch(tmp_path, "outside/lib.py")
    symlink_or_skip(tmp_path / "linked", tmp_path / "outside")
    assert found(tmp_path, ["linked"]) == ["linked/lib.py"]


def test_file_reachable_through_a_symlink_is_reported_at_its_real_location(tmp_path):
    touch(tmp_path, "real/a.py")
    symlink_or_skip(tmp_path / "alias", tmp_path / "real")
    assert found(tmp_path) == ["real/a.py"]


def test_symlinked_file_inside_the_tree_is_linted_once_at_its_real_location(tmp_path):
    touch(tmp_path, "pkg/real.py", "target.txt")
    symlink_or_skip(tmp_path / "alias.py", tmp_path / "pkg" / "real.py")
    symlink_or_skip(tmp_path / "linked.py", tmp_path / "target.txt")
    assert found(tmp_path) == ["pkg/real.py", "target.txt"]


def test_symlinked_file_pointing_outside_the_tree_is_skipped_unless_named(tmp_path):
    touch(tmp_path, "outside/lib.py", "proj/app.py")
    symlink_or_skip(tmp_path / "proj" / "lib.py", tmp_path / "outside" / "lib.py")
    assert found(tmp_path / "proj") == ["app.py"]
    named = run(tmp_path / "proj", ["lib.py"]).files
    assert named == (tmp_path / "outside" / "lib.py",)


def test_file_named_twice_through_a_symlink_is_linted_once(tmp_path):
    touch(tmp_path, "a.py")
    symlink_or_skip(tmp_path / "b.py", tmp_path / "a.py")
    assert found(tmp_path, ["a.py", "b.py"]) == ["a.py"]


def test_broken_symlink_is_skipped_silently_during_a_walk(tmp_path):
    touch(tmp_path, "a.py")
    symlink_or_skip(tmp_path / "dangling.py", tmp_path / "nowhere.py")
    symlink_or_skip(tmp_path / "dangling_dir", tmp_path / "no_dir")
    assert found(tmp_path) == ["a.py"]


def test_explicit_broken_symlink_is_reported_missing(tmp_path):
    symlink_or_skip(tmp_path / "dangling.py", tmp_path / "nowhere.py")
    assert run(tmp_path, ["dangling.py"]).missing == (str(tmp_path / "dangling.py"),)


def test_explicit_symlink_loop_is_reported_as_a_loop(tmp_path):
    symlink_or_skip(tmp_path / "loop", tmp_path / "loop")
    (problem,) = run(tmp_path, ["loop"]).problems
    assert "symlink loop" in problem.reason


def test_named_pipe_is_reported_never_opened(tmp_path):
    # Opening a FIFO for reading blocks until a writer comes: it must not be read.
    fifo = tmp_path / "pipe.py"
    os.mkfifo(fifo)
    touch(tmp_path, "a.py")
    discovery = run(tmp_path, ["pipe.py", "."])
    assert [p.name for p in discovery.files] == ["a.py"]
    (problem,) = discovery.problems
    assert "not a regular file" in problem.reason


def test_permission_denied_directory_is_reported_and_skipped(tmp_path, monkeypatch):
    # chmod 000 does not stop root, so deny access by making scandir fail for one dir.
    touch(tmp_path, "open/a.py", "locked/b.py", "c.py")
    real_scandir = os.scandir
    locked = tmp_path / "locked"

    def denying_scandir(path):
        if Path(path) == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(files.os, "scandir", denying_scandir)
    assert found(tmp_path) == ["c.py", "open/a.py"]
    (problem,) = run(tmp_path).problems
    assert problem.path == str(locked) and "permission denied" in problem.reason
