"""Load ``[tool.fastapi-lint]`` from ``pyproject.toml`` and merge command-line overrides.

Like ruff, the nearest ``pyproject.toml`` that *has* our table wins, so a project nested
inside another project (or a monorepo) can carry its own settings. Every value is
validated here, once, so rules can trust ``RuleOptions`` and the walker can trust the
exclude patterns.
"""

from __future__ import annotations

import dataclasses
import datetime
import difflib
import os
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeAlias, TypeGuard

from fastapi_lint import rule_codes
from fastapi_lint.context._constraints import PACKAGES, parse_target_override
from fastapi_lint.context.roles import RoleGlobs, parse_role_globs
from fastapi_lint.files import invalid_pattern
from fastapi_lint.options import STRICT_RULES, RuleOptions
from fastapi_lint.small_files import (
    SETTINGS_LIMIT,
    SmallFileError,
    read_small_file,
    refuse_unless_small,
)

# What tomllib produces (dates and times included), so no `Any` leaks into validation.
TomlValue: TypeAlias = (
    "str | int | float | bool | datetime.datetime | datetime.date | datetime.time"
    " | list[TomlValue] | dict[str, TomlValue]"
)
TomlTable: TypeAlias = "Mapping[str, TomlValue]"

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    # tomli may be absent where type-checking runs on a newer Python.
    import tomli as tomllib  # type: ignore[import-not-found, unused-ignore]

PYPROJECT = "pyproject.toml"
TABLE = "[tool.fastapi-lint]"
_TOOL_NAME = "fastapi-lint"
_DOTTED_NAME = re.compile(r"[^\W\d]\w*(?:\.[^\W\d]\w*)*")
_STRINGS = "a list of non-empty strings"
_PATTERNS = "a list of gitignore-style patterns"
_POSITIVE = "a positive integer"
_DOTTED = "a list of dotted names like 'mylib.slow_io'"
_PER_FILE = "a table mapping glob patterns to lists of rule selectors"
_WORDS = "a list of lowercase words like 'is'"
_TARGETS = f'a table of versions like {{pydantic = "1.10"}} for {", ".join(PACKAGES)}'
_WORD = re.compile(r"[a-z][a-z0-9]*")
_CLI_OPTIONS = ("--select", "--ignore", "--extend-select", "--exclude", "--extend-exclude")


class ConfigError(Exception):
    """A configuration problem the user must fix; the message says where and how."""


@dataclass(frozen=True, slots=True)
class Config:
    root: Path
    path: Path | None
    select: tuple[str, ...] | None
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    exclude: tuple[str, ...] | None = None
    extend_exclude: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    options: RuleOptions = field(default_factory=RuleOptions)
    # The project's context: target versions set by hand (package, version text), the
    # role globs, and the source roots (None: the defaults, the root and its ``src/``).
    target_versions: tuple[tuple[str, str], ...] = ()
    roles: RoleGlobs = field(default_factory=RoleGlobs)
    src: tuple[str, ...] | None = None


KNOWN_KEYS = (
    "select",
    "ignore",
    "extend-select",
    "exclude",
    "extend-exclude",
    "per-file-ignores",
    "max-function-lines",
    "max-complexity",
    "max-nesting",
    "extend-blocking-calls",
    "script-modules",
    "settings-modules",
    "service-modules",
    "boolean-prefixes",
    "peer-noqa",
    "strict",
    "count-physical-lines",
    "nesting-counts-with",
    "target-versions",
    "roles",
    "src",
)


def load_config(cwd: Path, explicit: Path | None = None) -> Config:
    """The explicit file when given, else the nearest pyproject.toml with our table."""
    cwd = Path(os.path.abspath(cwd))
    if explicit is not None:
        path = Path(os.path.abspath(cwd / explicit))
        return _build(path, _table(path, _read_toml(path)))
    nearest: Path | None = None
    for directory in (cwd, *cwd.parents):
        candidate = directory / PYPROJECT
        # A pipe or a folder by that name is an error (below), not a file to skip.
        if not candidate.exists():
            continue
        nearest = nearest or candidate
        table = _table(candidate, _read_toml(candidate))
        if table is not None:
            return _build(candidate, table)
    # No table anywhere: globs are still relative to the project the user is in.
    root = nearest.parent if nearest else cwd
    return Config(root=root, path=None, select=None, options=RuleOptions(project_root=str(root)))


def with_overrides(
    config: Config,
    *,
    select: Sequence[str] | None = None,
    ignore: Sequence[str] | None = None,
    extend_select: Sequence[str] | None = None,
    exclude: Sequence[str] | None = None,
    extend_exclude: Sequence[str] | None = None,
) -> Config:
    """Command-line values: select/exclude replace the file's, the others add to them.

    As in ruff, ``--select`` replaces the file's whole rule selection (its select,
    ignore and extend-select), so ``--select FAPI101`` runs FAPI101 even when the file
    ignores it; without ``--select`` the command line's ignore/extend-select add to the
    file's. ``None`` (or an empty sequence for the additive ones) means "not given".
    """
    _check_cli_values(select, ignore, extend_select, exclude, extend_exclude)
    if select is not None:
        config = dataclasses.replace(config, select=tuple(select), ignore=(), extend_select=())
    return dataclasses.replace(
        config,
        ignore=_merge(config.ignore, ignore),
        extend_select=_merge(config.extend_select, extend_select),
        exclude=config.exclude if exclude is None else tuple(exclude),
        extend_exclude=_merge(config.extend_exclude, extend_exclude),
    )


def _merge(base: tuple[str, ...], extra: Sequence[str] | None) -> tuple[str, ...]:
    """Concatenate without repeats, keeping first-seen order for stable output."""
    return tuple(dict.fromkeys((*base, *(extra or ()))))


def check_selectors(setting: str, selectors: Sequence[str]) -> None:
    """Raise ConfigError, naming ``setting``, when a selector names no rule."""
    try:
        rule_codes.validate(selectors, setting=setting)
    except rule_codes.SelectionError as error:
        raise ConfigError(str(error)) from None


def _check_cli_values(*values: Sequence[str] | None) -> None:
    """The command line's lists, in the order of ``_CLI_OPTIONS``; empty values are errors
    there as in the file (``--select ''`` as ``select = [""]``)."""
    for option, given in zip(_CLI_OPTIONS, values, strict=True):
        empty = next((value for value in given or () if not value.strip()), None)
        if empty is not None:
            raise ConfigError(f"{option}: expected {_STRINGS}, got {empty!r}")
        if option.endswith("exclude"):
            _check_cli_patterns(option, given or ())
        else:
            check_selectors(option, given or ())


def _check_cli_patterns(option: str, patterns: Iterable[str]) -> None:
    bad = invalid_pattern(patterns)
    if bad is not None:
        raise ConfigError(f"{option}: expected gitignore-style patterns, got {bad!r}")


def _read_toml(path: Path) -> dict[str, TomlValue]:
    text = _read_text(path)
    try:
        data: dict[str, TomlValue] = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: invalid TOML: {error}") from None
    return data


def _read_text(path: Path) -> str:
    """The file's text: a regular file of at most 1 MB, in UTF-8 as TOML requires."""
    try:
        data = read_small_file(path, SETTINGS_LIMIT)
    except FileNotFoundError:
        raise ConfigError(f"{path}: config file not found") from None
    except (OSError, SmallFileError) as error:
        reason = error.strerror if isinstance(error, OSError) else str(error)
        raise ConfigError(f"{path}: cannot read config file: {reason}") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        byte = data[error.start : error.start + 1].hex()
        raise ConfigError(
            f"{path}: cannot read config file: line {line} is not UTF-8 (byte 0x{byte}); "
            "TOML files must be UTF-8"
        ) from None


def check_settings_file(path: Path) -> None:
    """Raise ConfigError when ``path`` exists but is no regular file of at most 1 MB.

    For a project's ``pyproject.toml`` the configuration did not come from: the project
    context reads its target versions, and skips such a file rather than hang on it.
    """
    try:
        refuse_unless_small(os.stat(path), SETTINGS_LIMIT)
    except OSError:
        return  # absent, or unreadable: the context reads nothing from it either
    except SmallFileError as error:
        raise ConfigError(f"{path}: cannot read config file: {error}") from None


def _table(path: Path, data: TomlTable) -> TomlTable | None:
    """Our table, or None when the file has none (a pyproject.toml for other tools)."""
    tool = data.get("tool")
    if not isinstance(tool, dict):
        return None
    table = tool.get(_TOOL_NAME)
    if table is None or isinstance(table, dict):
        return table
    raise ConfigError(f"{path}: {TABLE} must be a table, got {table!r}")


def _build(path: Path, table: TomlTable | None) -> Config:
    values = _Reader(path, table or {})
    values.reject_unknown_keys()
    return Config(
        root=path.parent,
        path=path,
        select=values.selectors("select"),
        ignore=values.selectors("ignore") or (),
        extend_select=values.selectors("extend-select") or (),
        exclude=values.patterns("exclude"),
        extend_exclude=values.patterns("extend-exclude") or (),
        per_file_ignores=values.per_file_ignores("per-file-ignores"),
        options=_rule_options(values, path.parent),
        target_versions=values.target_versions("target-versions"),
        roles=values.role_globs("roles"),
        src=values.strings("src"),
    )


def _rule_options(values: _Reader, root: Path) -> RuleOptions:
    defaults = RuleOptions()
    return RuleOptions(
        max_function_lines=values.positive("max-function-lines", defaults.max_function_lines),
        max_complexity=values.positive("max-complexity", defaults.max_complexity),
        max_nesting=values.positive("max-nesting", defaults.max_nesting),
        extend_blocking_calls=values.dotted_names("extend-blocking-calls"),
        script_modules=_or(values.patterns("script-modules"), defaults.script_modules),
        settings_modules=_or(values.patterns("settings-modules"), defaults.settings_modules),
        service_modules=_or(values.patterns("service-modules"), defaults.service_modules),
        boolean_prefixes=_or(values.words("boolean-prefixes"), defaults.boolean_prefixes),
        peer_noqa=values.boolean("peer-noqa", defaults.peer_noqa),
        strict=values.strict_rules("strict"),
        count_physical_lines=values.boolean("count-physical-lines", defaults.count_physical_lines),
        nesting_counts_with=values.boolean("nesting-counts-with", defaults.nesting_counts_with),
        project_root=str(root),
    )


def _or(value: tuple[str, ...] | None, default: tuple[str, ...]) -> tuple[str, ...]:
    """The configured list (an empty one included), else the default."""
    return default if value is None else value


def _is_strings(value: object) -> TypeGuard[list[str]]:
    return isinstance(value, list) and all(isinstance(item, str) and item.strip() for item in value)


class _Reader:
    """Typed, validated access to the raw table; each failure names key and expectation."""

    def __init__(self, path: Path, table: TomlTable) -> None:
        self._path = path
        self._table = table

    def fail(self, key: str, expected: str, value: object) -> ConfigError:
        return ConfigError(f"{self._path}: {TABLE} {key}: expected {expected}, got {value!r}")

    def reject_unknown_keys(self) -> None:
        for key in self._table:
            if key in KNOWN_KEYS:
                continue
            close = difflib.get_close_matches(key, KNOWN_KEYS, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise ConfigError(f"{self._path}: {TABLE} unknown key {key!r}{hint}")

    def strings(self, key: str) -> tuple[str, ...] | None:
        value = self._table.get(key)
        if value is None:
            return None
        if not _is_strings(value):
            raise self.fail(key, _STRINGS, value)
        return tuple(value)

    def selectors(self, key: str) -> tuple[str, ...] | None:
        """Rule selectors, each naming a rule, a code prefix, a family or ALL."""
        value = self.strings(key)
        check_selectors(f"{self._path}: {TABLE} {key}", value or ())
        return value

    def patterns(self, key: str) -> tuple[str, ...] | None:
        value = self.strings(key)
        bad = invalid_pattern(value or ())
        if bad is not None:
            raise self.fail(key, _PATTERNS, bad)
        return value

    def words(self, key: str) -> tuple[str, ...] | None:
        value = self._table.get(key)
        if value is None:
            return None
        if not isinstance(value, list):
            raise self.fail(key, _WORDS, value)
        for item in value:
            if not isinstance(item, str) or not _WORD.fullmatch(item):
                raise self.fail(key, _WORDS, item)
        return tuple(item for item in value if isinstance(item, str))

    def positive(self, key: str, default: int) -> int:
        value = self._table.get(key, default)
        # bool is an int subclass, and `true` is never a sensible limit.
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise self.fail(key, _POSITIVE, value)
        return value

    def boolean(self, key: str, default: bool) -> bool:
        value = self._table.get(key, default)
        if not isinstance(value, bool):
            raise self.fail(key, "true or false", value)
        return value

    def strict_rules(self, key: str) -> tuple[str, ...]:
        value = self.strings(key) or ()
        expected = f"a list of rule codes among {', '.join(STRICT_RULES)}"
        for code in value:
            if code.upper() not in STRICT_RULES:
                raise self.fail(key, expected, code)
        return tuple(sorted({code.upper() for code in value}))

    def dotted_names(self, key: str) -> tuple[str, ...]:
        value = self._table.get(key, [])
        if not isinstance(value, list):
            raise self.fail(key, _DOTTED, value)
        for item in value:
            if not isinstance(item, str) or not _DOTTED_NAME.fullmatch(item):
                raise self.fail(key, _DOTTED, item)
        return tuple(item for item in value if isinstance(item, str))

    def target_versions(self, key: str) -> tuple[tuple[str, str], ...]:
        value = self._table.get(key, {})
        if not isinstance(value, dict):
            raise self.fail(key, _TARGETS, value)
        for package, version in value.items():
            if not isinstance(version, str):
                raise self.fail(f"{key}.{package}", "a version string like '1.10'", version)
            try:
                parse_target_override(package, version)
            except ValueError as error:
                raise ConfigError(f"{self._path}: {TABLE} {key}: {error}") from None
        return tuple((package, str(version)) for package, version in sorted(value.items()))

    def role_globs(self, key: str) -> RoleGlobs:
        value = self._table.get(key, {})
        if not isinstance(value, dict):
            raise self.fail(key, "a table of role names (app, test, script...)", value)
        try:
            return parse_role_globs(value)
        except ValueError as error:
            raise ConfigError(f"{self._path}: {TABLE} {error}") from None

    def per_file_ignores(self, key: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
        value = self._table.get(key, {})
        if not isinstance(value, dict):
            raise self.fail(key, _PER_FILE, value)
        entries: list[tuple[str, tuple[str, ...]]] = []
        for glob, codes in value.items():
            if not glob.strip() or invalid_pattern([glob]) is not None:
                raise self.fail(key, _PER_FILE, glob)
            setting = f'{key}."{glob}"'
            if not _is_strings(codes):
                raise self.fail(setting, _STRINGS, codes)
            check_selectors(f"{self._path}: {TABLE} {setting}", codes)
            entries.append((glob, tuple(codes)))
        return tuple(entries)
