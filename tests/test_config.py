from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from fastapi_lint.config import (
    Config,
    ConfigError,
    check_settings_file,
    load_config,
    with_overrides,
)
from fastapi_lint.context.roles import Role, RoleGlobs
from fastapi_lint.options import RuleOptions
from waiting_helpers import outcome_within


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def config_from(tmp_path: Path, table: str) -> Config:
    write(tmp_path / "pyproject.toml", f"[tool.fastapi-lint]\n{table}\n")
    return load_config(tmp_path)


def error_from(tmp_path: Path, table: str) -> str:
    with pytest.raises(ConfigError) as caught:
        config_from(tmp_path, table)
    return str(caught.value)


# Discovery --------------------------------------------------------------------------


def test_no_pyproject_anywhere_gives_defaults_rooted_at_cwd(tmp_path):
    config = load_config(tmp_path)
    assert config == Config(root=tmp_path, path=None, select=None)
    assert config.options == RuleOptions()
    assert config.exclude is None


def test_nearest_pyproject_with_table_is_found_walking_up(tmp_path):
    pyproject = write(tmp_path / "pyproject.toml", "[tool.fastapi-lint]\nmax-nesting = 2\n")
    nested = tmp_path / "src" / "app"
    nested.mkdir(parents=True)
    config = load_config(nested)
    assert config.path == pyproject
    assert config.root == tmp_path
    assert config.options.max_nesting == 2


def test_closer_pyproject_with_table_wins_over_outer_one(tmp_path):
    write(tmp_path / "pyproject.toml", "[tool.fastapi-lint]\nmax-nesting = 2\n")
    inner = write(tmp_path / "sub" / "pyproject.toml", "[tool.fastapi-lint]\nmax-nesting = 3\n")
    config = load_config(tmp_path / "sub")
    assert config.path == inner
    assert config.options.max_nesting == 3


def test_pyproject_without_table_is_skipped_for_an_outer_one_with_table(tmp_path):
    outer = write(tmp_path / "pyproject.toml", "[tool.fastapi-lint]\nmax-nesting = 2\n")
    write(tmp_path / "sub" / "pyproject.toml", "[tool.ruff]\nline-length = 90\n")
    config = load_config(tmp_path / "sub")
    assert config.path == outer
    assert config.root == tmp_path


def test_without_any_table_root_is_the_nearest_pyproject_directory(tmp_path):
    write(tmp_path / "proj" / "pyproject.toml", "[project]\nname = 'x'\n")
    (tmp_path / "proj" / "pkg").mkdir()
    config = load_config(tmp_path / "proj" / "pkg")
    assert config == Config(root=tmp_path / "proj", path=None, select=None)


def test_invalid_toml_in_discovered_pyproject_is_an_error(tmp_path):
    write(tmp_path / "pyproject.toml", "[tool.fastapi-lint\n")
    with pytest.raises(ConfigError, match="invalid TOML"):
        load_config(tmp_path)


def test_table_that_is_not_a_table_is_an_error(tmp_path):
    write(tmp_path / "pyproject.toml", '[tool]\nfastapi-lint = "yes"\n')
    with pytest.raises(ConfigError, match=r"\[tool.fastapi-lint\] must be a table"):
        load_config(tmp_path)


# Explicit --config ------------------------------------------------------------------


def test_explicit_config_is_used_instead_of_discovery(tmp_path):
    write(tmp_path / "pyproject.toml", "[tool.fastapi-lint]\nmax-nesting = 2\n")
    explicit = write(tmp_path / "conf" / "lint.toml", "[tool.fastapi-lint]\nmax-nesting = 7\n")
    config = load_config(tmp_path, explicit)
    assert config.path == explicit
    assert config.root == tmp_path / "conf"
    assert config.options.max_nesting == 7


def test_explicit_relative_config_is_resolved_against_cwd(tmp_path):
    explicit = write(tmp_path / "lint.toml", "[tool.fastapi-lint]\nmax-nesting = 7\n")
    assert load_config(tmp_path, Path("lint.toml")).path == explicit


def test_explicit_config_without_table_gives_defaults(tmp_path):
    explicit = write(tmp_path / "other.toml", "[tool.black]\nline-length = 80\n")
    assert load_config(tmp_path, explicit) == Config(root=tmp_path, path=explicit, select=None)


def test_explicit_config_that_does_not_exist_is_an_error(tmp_path):
    with pytest.raises(ConfigError, match="not found") as caught:
        load_config(tmp_path, tmp_path / "nope.toml")
    assert "nope.toml" in str(caught.value)


def test_explicit_config_with_invalid_toml_is_an_error(tmp_path):
    explicit = write(tmp_path / "bad.toml", "select = [\n")
    with pytest.raises(ConfigError, match="invalid TOML") as caught:
        load_config(tmp_path, explicit)
    assert "bad.toml" in str(caught.value)


def test_explicit_config_that_is_a_directory_is_an_error(tmp_path):
    with pytest.raises(ConfigError, match="cannot read"):
        load_config(tmp_path, tmp_path)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_named_pipe_is_refused_as_config_explicit_or_discovered(tmp_path):
    os.mkfifo(tmp_path / "pipe.toml")
    found = outcome_within(10, lambda: load_config(tmp_path, Path("pipe.toml")))
    assert isinstance(found, ConfigError)
    assert f"{tmp_path / 'pipe.toml'}: cannot read config file: it is not a regular" in str(found)
    os.mkfifo(tmp_path / "pyproject.toml")
    found = outcome_within(10, lambda: load_config(tmp_path / "sub"))
    assert isinstance(found, ConfigError) and "pyproject.toml: cannot read" in str(found)


def test_a_config_file_over_1_mb_is_refused_naming_the_limit(tmp_path):
    big = write(tmp_path / "pyproject.toml", "[tool.fastapi-lint]\n" + "# padding\n" * 110_000)
    with pytest.raises(ConfigError, match="larger than 1 MB") as caught:
        load_config(tmp_path)
    assert str(big) in str(caught.value)


def test_a_config_file_that_is_not_utf8_names_the_file_and_line(tmp_path):
    (tmp_path / "pyproject.toml").write_bytes(b"[tool.fastapi-lint]\n# caf\xe9\n")
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path)
    message = str(caught.value)
    assert message.startswith(f"{tmp_path / 'pyproject.toml'}: cannot read config file: ")
    assert "line 2 is not UTF-8 (byte 0xe9)" in message


def test_a_project_pyproject_that_is_too_big_is_a_config_error(tmp_path):
    check_settings_file(tmp_path / "pyproject.toml")  # absent: nothing to say
    write(tmp_path / "pyproject.toml", "[project]\n")
    check_settings_file(tmp_path / "pyproject.toml")
    write(tmp_path / "pyproject.toml", "#" * 1_000_001)
    with pytest.raises(ConfigError, match="pyproject.toml: cannot read config file: .*1 MB"):
        check_settings_file(tmp_path / "pyproject.toml")


# Values -----------------------------------------------------------------------------


def test_every_key_is_read_into_the_config(tmp_path):
    config = config_from(
        tmp_path,
        """
select = ["FAPI1", "ASYNC"]
ignore = ["FAPI101"]
extend-select = ["FAPI901"]
exclude = ["legacy"]
extend-exclude = ["tests/fixtures/*.py"]
max-function-lines = 30
max-complexity = 12
max-nesting = 3
extend-blocking-calls = ["mylib.slow_io", "requests"]
""",
    )
    assert config.select == ("FAPI1", "ASYNC")
    assert config.ignore == ("FAPI101",)
    assert config.extend_select == ("FAPI901",)
    assert config.exclude == ("legacy",)
    assert config.extend_exclude == ("tests/fixtures/*.py",)
    assert config.options == RuleOptions(30, 12, 3, ("mylib.slow_io", "requests"))


def test_empty_table_gives_default_options_and_unset_select(tmp_path):
    config = config_from(tmp_path, "")
    assert config.select is None
    assert config.exclude is None
    assert config.options == RuleOptions()


def test_empty_select_list_is_kept_distinct_from_unset(tmp_path):
    assert config_from(tmp_path, "select = []").select == ()


def test_per_file_ignores_are_parsed_in_file_order(tmp_path):
    config = config_from(
        tmp_path,
        """
[tool.fastapi-lint.per-file-ignores]
"tests/**" = ["FAPI101", "FAPI2"]
"migrations/*.py" = []
""",
    )
    assert config.per_file_ignores == (
        ("tests/**", ("FAPI101", "FAPI2")),
        ("migrations/*.py", ()),
    )


def test_unknown_key_is_named_with_a_suggestion(tmp_path):
    message = error_from(tmp_path, "max_complexity = 3")
    assert "unknown key 'max_complexity'" in message
    assert "did you mean 'max-complexity'?" in message
    assert "pyproject.toml" in message


def test_unknown_key_far_from_any_known_key_has_no_suggestion(tmp_path):
    message = error_from(tmp_path, "zzz = 1")
    assert "unknown key 'zzz'" in message
    assert "did you mean" not in message


@pytest.mark.parametrize(
    ("table", "key", "expected"),
    [
        ('max-complexity = "ten"', "max-complexity", "a positive integer, got 'ten'"),
        ("max-complexity = 0", "max-complexity", "a positive integer, got 0"),
        ("max-nesting = -1", "max-nesting", "a positive integer, got -1"),
        ("max-function-lines = true", "max-function-lines", "a positive integer, got True"),
        ("max-function-lines = 2.5", "max-function-lines", "a positive integer, got 2.5"),
        ('select = "FAPI101"', "select", "a list of non-empty strings, got 'FAPI101'"),
        ("ignore = [1]", "ignore", "a list of non-empty strings, got [1]"),
        ('extend-select = [""]', "extend-select", "a list of non-empty strings"),
        ('exclude = "build"', "exclude", "a list of non-empty strings"),
        ('extend-exclude = ["  "]', "extend-exclude", "a list of non-empty strings"),
        ('exclude = ["foo\\\\"]', "exclude", "gitignore-style patterns, got 'foo\\\\'"),
        ('extend-blocking-calls = "x.y"', "extend-blocking-calls", "dotted names"),
        ('extend-blocking-calls = ["my lib.io"]', "extend-blocking-calls", "got 'my lib.io'"),
        ('extend-blocking-calls = ["a..b"]', "extend-blocking-calls", "got 'a..b'"),
        ('extend-blocking-calls = ["1a.b"]', "extend-blocking-calls", "got '1a.b'"),
        ("extend-blocking-calls = [3]", "extend-blocking-calls", "got 3"),
        ('per-file-ignores = ["x"]', "per-file-ignores", "a table mapping glob patterns"),
        (
            'per-file-ignores = { "tests/*" = "FAPI1" }',
            'per-file-ignores."tests/*"',
            "a list of non-empty strings, got 'FAPI1'",
        ),
        ('per-file-ignores = { "" = ["FAPI1"] }', "per-file-ignores", "got ''"),
    ],
)
def test_bad_value_error_names_key_and_expectation(tmp_path, table, key, expected):
    message = error_from(tmp_path, table)
    assert f"[tool.fastapi-lint] {key}: expected " in message
    assert expected in message
    assert str(tmp_path / "pyproject.toml") in message


@pytest.mark.parametrize(
    ("table", "key"),
    [
        ('select = ["FAPI9999"]', "select"),
        ('ignore = ["nope"]', "ignore"),
        ('extend-select = ["FAPI1", "X1"]', "extend-select"),
        ('per-file-ignores = { "tests/*" = ["FAPI101", "NOPE999"] }', 'per-file-ignores."tests/*"'),
    ],
)
def test_an_unknown_rule_selector_names_the_file_and_the_key(tmp_path, table, key):
    message = error_from(tmp_path, table)
    assert message.startswith(f"{tmp_path / 'pyproject.toml'}: [tool.fastapi-lint] {key}: ")
    assert "unknown rule selector" in message


def test_nothing_is_read_at_import_time(tmp_path):
    write(tmp_path / "pyproject.toml", "[tool.fastapi-lint]\nbogus = 1\n")
    # A fresh interpreter, so the import really happens in a directory with a bad config.
    result = subprocess.run(
        [sys.executable, "-c", "import fastapi_lint.config"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


# Command-line overrides -------------------------------------------------------------


BASE = Config(
    root=Path("/proj"),
    path=None,
    select=("FAPI1",),
    ignore=("FAPI101",),
    extend_select=("FAPI9",),
    exclude=("legacy",),
    extend_exclude=("gen",),
)


def test_overrides_not_given_leave_the_config_unchanged():
    assert with_overrides(BASE) == BASE
    assert with_overrides(BASE, select=None, ignore=None, extend_exclude=()) == BASE


def test_cli_select_replaces_the_files_whole_rule_selection():
    config = with_overrides(BASE, select=["FAPI2"])
    assert config.select == ("FAPI2",)
    assert config.ignore == ()
    assert config.extend_select == ()


def test_cli_select_keeps_the_cli_ignore_and_extend_select():
    config = with_overrides(BASE, select=["FAPI1"], ignore=["FAPI102"], extend_select=["FAPI8"])
    assert (config.select, config.ignore, config.extend_select) == (
        ("FAPI1",),
        ("FAPI102",),
        ("FAPI8",),
    )


def test_cli_exclude_replaces_the_files_exclude_but_keeps_its_extend_exclude():
    config = with_overrides(BASE, exclude=["old"])
    assert config.exclude == ("old",)
    assert config.extend_exclude == ("gen",)
    assert config.select == BASE.select


def test_cli_empty_exclude_replaces_defaults_with_nothing():
    assert with_overrides(BASE, exclude=[]).exclude == ()


def test_cli_ignore_extend_select_and_extend_exclude_add_to_the_files_values():
    config = with_overrides(
        BASE, ignore=["FAPI102", "FAPI101"], extend_select=["FAPI8"], extend_exclude=["tmp"]
    )
    assert config.ignore == ("FAPI101", "FAPI102")
    assert config.extend_select == ("FAPI9", "FAPI8")
    assert config.extend_exclude == ("gen", "tmp")
    assert config.select == ("FAPI1",)


@pytest.mark.parametrize(
    "option", ["select", "ignore", "extend_select", "exclude", "extend_exclude"]
)
def test_an_empty_cli_value_is_an_error_worded_as_in_the_file(tmp_path, option):
    flag = "--" + option.replace("_", "-")
    with pytest.raises(ConfigError) as caught:
        with_overrides(BASE, **{option: ["FAPI101", " "] if "select" in option else [""]})
    cli_message = str(caught.value)
    assert cli_message.startswith(f"{flag}: expected a list of non-empty strings, got ")
    in_file = error_from(tmp_path, f'{flag[2:]} = [""]')
    assert f"{flag[2:]}: expected a list of non-empty strings, got" in in_file


def test_an_unknown_cli_selector_names_the_flag():
    with pytest.raises(ConfigError, match="^--ignore: unknown rule selector 'FAPI9999'"):
        with_overrides(BASE, ignore=["FAPI9999"])


def test_cli_exclude_pattern_that_cannot_compile_is_a_config_error():
    with pytest.raises(ConfigError, match=r"--extend-exclude: .*'bad\\\\'"):
        with_overrides(BASE, extend_exclude=["bad\\"])


def test_peer_noqa_is_on_by_default_and_can_be_switched_off(tmp_path):
    assert config_from(tmp_path, "").options.peer_noqa is True
    assert config_from(tmp_path, "peer-noqa = false").options.peer_noqa is False
    message = error_from(tmp_path, 'peer-noqa = "no"')
    assert "[tool.fastapi-lint] peer-noqa: expected true or false, got 'no'" in message


# The project's context: target-versions, roles, src ---------------------------------


def test_context_keys_are_read_into_the_config(tmp_path):
    config = config_from(
        tmp_path,
        """
target-versions = { pydantic = "1.10", fastapi = "0.95.2", python = "3.x" }
src = ["src", "backend"]

[tool.fastapi-lint.roles]
script = ["tools/**"]
test = { replace = ["qa/**"], extend = ["checks/*.py"] }
""",
    )
    assert config.target_versions == (
        ("fastapi", "0.95.2"),
        ("pydantic", "1.10"),
        ("python", "3.x"),
    )
    assert config.src == ("src", "backend")
    assert config.roles == RoleGlobs(
        extend={Role.SCRIPT: ("tools/**",), Role.TEST: ("checks/*.py",)},
        replace={Role.TEST: ("qa/**",)},
    )


def test_context_keys_default_to_nothing_set(tmp_path):
    config = config_from(tmp_path, "")
    assert (config.target_versions, config.src, config.roles) == ((), None, RoleGlobs())


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        ('target-versions = "2"', "target-versions: expected a table of versions"),
        ("target-versions = { pydantic = 2 }", "target-versions.pydantic: expected a version"),
        ('target-versions = { django = "4" }', "unknown package 'django'"),
        ('target-versions = { pydantic = "two" }', "expected a version like '1.10'"),
        ('roles = ["tools/**"]', "roles: expected a table of role names"),
        ('roles = { worker = ["jobs/**"] }', "roles.worker: unknown role"),
        ('roles = { script = "tools/**" }', "roles.script: expected a list of globs"),
        ('roles = { script = { only = ["x"] } }', "roles.script: expected a list of globs"),
        ('roles = { test = { replace = [""] } }', "roles.test.replace: expected a list of"),
        ('src = "src"', "src: expected a list of non-empty strings"),
    ],
)
def test_bad_context_value_names_the_key(tmp_path, table, expected):
    message = error_from(tmp_path, table)
    assert "[tool.fastapi-lint]" in message
    assert expected in message


def test_rule_semantics_options_are_read(tmp_path):
    config = config_from(
        tmp_path,
        'strict = ["fapi401", "FAPI405"]\ncount-physical-lines = true\nnesting-counts-with = true',
    )
    options = config.options
    assert options.strict == ("FAPI401", "FAPI405")
    assert options.is_strict("FAPI401") and not options.is_strict("FAPI201")
    assert options.count_physical_lines and options.nesting_counts_with
    defaults = config_from(tmp_path / "other", "").options
    assert (defaults.strict, defaults.count_physical_lines, defaults.nesting_counts_with) == (
        (),
        False,
        False,
    )


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        ('strict = ["FAPI999"]', "a list of rule codes among FAPI101, FAPI201, FAPI202, FAPI303"),
        ('strict = "FAPI401"', "a list of non-empty strings"),
        ("count-physical-lines = 1", "true or false, got 1"),
        ('nesting-counts-with = "yes"', "true or false, got 'yes'"),
    ],
)
def test_rule_semantics_options_are_validated(tmp_path, table, expected):
    assert expected in error_from(tmp_path, table)
