"""Rule options: the values rules read, validated by ``config`` before a run."""

from __future__ import annotations

from dataclasses import dataclass, field

# Files that are not application code: tests, scripts, command lines and migrations, where
# printing and reading the environment directly are normal (FAPI901, FAPI902). Patterns
# are gitignore-style, matched against the path relative to the project root.
DEFAULT_SCRIPT_MODULES = (
    "**/tests/**",
    "**/test/**",
    "**/test_*.py",
    "**/*_test.py",
    "**/conftest.py",
    "**/scripts/**",
    "**/cli.py",
    "**/cli/**",
    "**/management/commands/**",
    "**/__main__.py",
    "**/manage.py",
    "**/setup.py",
    "**/noxfile.py",
    "**/migrations/**",
    "**/alembic/**",
)
# Where configuration is read from the environment (FAPI902).
DEFAULT_SETTINGS_MODULES = (
    "**/*config.py",
    "**/*settings.py",
    "**/*conf.py",
    "**/env.py",
    "**/config/**",
    "**/settings/**",
    "**/logging/**",
)
# The domain layer, where `HTTPException` does not belong (FAPI904).
DEFAULT_SERVICE_MODULES = (
    "**/services/**",
    "**/repositories/**",
    "**/crud/**",
    "**/service.py",
    "**/services.py",
    "**/repository.py",
    "**/repositories.py",
    "**/crud.py",
)
# Words that make a boolean name read as a question (FAPI906): first (`is_active`), or
# after the subject (`user_is_active`, `document_exists`).
DEFAULT_BOOLEAN_PREFIXES = (
    *("is", "are", "was", "were", "has", "have", "had", "do", "does", "did"),
    *("can", "could", "should", "would", "will", "must", "may"),
    *("allow", "allows", "enable", "enables", "use", "uses", "include", "includes"),
    *("need", "needs", "require", "requires", "support", "supports", "accepts", "expects"),
    *("exist", "exists", "contain", "contains", "match", "matches", "equals", "exceeds"),
    "covers",
)


# The rules with a `strict` mode, and the peer whose semantics that mode keeps exactly.
STRICT_RULES = {
    "FAPI101": "every call of the blocking catalogue, one stat or mkdir included",
    "FAPI201": "ruff ANN001-003 with its defaults",
    "FAPI202": "ruff ANN201-206 with its defaults",
    "FAPI303": "every untyped mapping in a signature, whatever the body does with it",
    "FAPI401": "ruff RET505-508",
    "FAPI405": "radon cc",
    "FAPI502": "ruff FAST003",
    "FAPI804": "ruff S608 at the sinks it reaches",
    "FAPI901": "ruff T201 outside the script-modules globs",
    "FAPI903": "ruff TRY002",
    "FAPI905": "ruff S110 and S112",
}


@dataclass(frozen=True, slots=True)
class RuleOptions:
    max_function_lines: int = 20
    max_complexity: int = 10
    max_nesting: int = 4
    extend_blocking_calls: tuple[str, ...] = ()
    script_modules: tuple[str, ...] = DEFAULT_SCRIPT_MODULES
    settings_modules: tuple[str, ...] = DEFAULT_SETTINGS_MODULES
    service_modules: tuple[str, ...] = DEFAULT_SERVICE_MODULES
    boolean_prefixes: tuple[str, ...] = DEFAULT_BOOLEAN_PREFIXES
    # Honour the suppressions written for other tools (a noqa with ruff's C901, pylint's
    # disable comments, mypy's type-ignore...) as suppressions of the same check (peers.py).
    peer_noqa: bool = True
    # Rules that keep their peer tool's semantics exactly instead of the reviewer's
    # default (STRICT_RULES says which have such a mode, and which peer it follows).
    strict: tuple[str, ...] = ()
    # FAPI404 counts physical lines of code (every line of a wrapped statement, nested
    # functions included) instead of logical lines.
    count_physical_lines: bool = False
    # FAPI403 counts a `with` block as a level of nesting, as control flow is.
    nesting_counts_with: bool = False
    # Where the module patterns above are relative to (the folder of the configuration
    # file, as for per-file-ignores); None means the working directory. Not an option a
    # user sets, so two option sets differing only here still compare equal.
    project_root: str | None = field(default=None, compare=False)

    def is_strict(self, code: str) -> bool:
        return code in self.strict
