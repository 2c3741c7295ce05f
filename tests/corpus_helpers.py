"""What the parity tests share: running ruff, linting without ``noqa``, and the corpus runs.

Each parity test compares some of our rules with a peer tool on its snippets, on the
rule fixtures and on every file of the git-ignored corpus/ (1,240 files). Linting the
corpus is the slow part, so the session does it once with every rule (``CorpusLint``,
the ``corpus_lint`` fixture of tests/conftest.py) and runs ruff once per set of flags
with every peer code the tests compare (``CorpusRuff``, the ``corpus_ruff`` fixture).
Each test then keeps only its own codes, which gives what linting with its rules alone
gives: rules do not see each other's findings, and ruff's rules do not either.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TypeVar

import pytest

from fastapi_lint.engine import lint as engine
from fastapi_lint.models import Diagnostic, FileResult
from fastapi_lint.options import RuleOptions
from fastapi_lint.registry import all_rules
from fastapi_lint.rule import Rule
from fastapi_lint.runner.cpus import available_cpus
from fastapi_lint.runner.single_file import lint_bytes, lint_file
from fastapi_lint.suppression import FileSuppressions, unsuppressed

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
# One finding of ruff's JSON output (``code``, ``filename``, ``location``, ``message``).
Item = dict[str, Any]
_NOQA = re.compile(rb"noqa", re.IGNORECASE)
_T = TypeVar("_T")
_R = TypeVar("_R")
# Below this many files, starting worker processes costs more than it saves.
_PARALLEL_FROM = 50
# Ruff takes many files per call; chunks keep the command line short on any system.
_RUFF_CHUNK = 500


@dataclass(frozen=True, slots=True)
class RuffFlags:
    """How a parity test runs ruff, besides ``--isolated --select``."""

    preview: bool = False
    ignore_noqa: bool = True
    # ``--config`` overrides (``lint.mccabe.max-complexity = 3``), one per setting.
    config: tuple[str, ...] = ()


STABLE = RuffFlags()
PREVIEW = RuffFlags(preview=True)
# FAPI201/FAPI202's default semantics in ruff's terms: `__init__` needs no `-> None` once a
# parameter is typed (mypy's rule), and parameters named only with underscores are dummies.
ANN_REVIEW = RuffFlags(
    config=(
        "lint.flake8-annotations.mypy-init-return = true",
        "lint.flake8-annotations.suppress-dummy-args = true",
        "lint.dummy-variable-rgx = '^_+$'",
    )
)
_ANN = ("ANN001", "ANN002", "ANN003", "ANN201", "ANN202", "ANN204", "ANN205", "ANN206")
_ASYNC = ("ASYNC210", "ASYNC212", "ASYNC220", "ASYNC221", "ASYNC222", "ASYNC230", "ASYNC251")
# Every peer code a parity test compares on the corpus, by the flags its test runs ruff
# with. Codes with the same flags share one ruff run: ruff's rules are independent, so
# each test's codes give what a run selecting only them gives. FAST003 and the ASYNC
# codes compare the union of stable and preview; the ASYNC test honours ``noqa``.
CORPUS_PEER_CODES: Mapping[RuffFlags, tuple[str, ...]] = {
    STABLE: (
        *_ANN,
        *("RET505", "RET506", "RET507", "RET508"),
        *("FAST001", "FAST002", "FAST003", "RUF006"),
        *("T201", "TRY002", "S110", "S112", "N999"),
    ),
    PREVIEW: ("FAST003",),
    ANN_REVIEW: _ANN,
    RuffFlags(ignore_noqa=False): _ASYNC,
    RuffFlags(preview=True, ignore_noqa=False): _ASYNC,
}
# One set of options serves every parity test: the structure test compares FAPI404 and
# FAPI405 at these low limits (more functions to compare), the ops test matches its
# module globs against the project root, and no other compared rule reads any of them.
# Peers' suppressions (a noqa with ruff's C901, a type-ignore...) are off: ruff reads its own.
CORPUS_OPTIONS = RuleOptions(
    max_complexity=3, max_function_lines=5, project_root=str(ROOT), peer_noqa=False
)
# Only our own ``noqa`` comments: the peers' codes are what ruff ignores or honours itself.
OWN_NOQA_ONLY = FileSuppressions(peers=False)


def parity_folders() -> list[Path]:
    """The corpus members the exactness and parity tests run on (``parity`` in MANIFEST.json).

    The rest of the corpus is for the precision labels (tests/precision/): linting all of it
    in every exactness test would cost minutes for no new kind of code.
    """
    manifest = CORPUS / "MANIFEST.json"
    if not manifest.is_file():
        return []
    members = json.loads(manifest.read_text(encoding="utf-8"))
    return [CORPUS / name for name, member in sorted(members.items()) if member["parity"]]


def corpus_files() -> list[Path]:
    """Every ``.py`` file of the parity members, resolved and sorted; empty when not fetched."""
    return sorted(file.resolve() for folder in parity_folders() for file in folder.rglob("*.py"))


def write_snippets(folder: Path, snippets: Mapping[str, str]) -> list[Path]:
    """Each snippet as ``folder/<name>.py``, in the mapping's order."""
    files = []
    for name, code in snippets.items():
        file = folder / f"{name}.py"
        file.write_text(code, encoding="utf-8")
        files.append(file)
    return files


def parallel_map(function: Callable[[_T], _R], items: Sequence[_T]) -> list[_R]:
    """``function`` over ``items``, in one worker process per core when there are many."""
    workers = available_cpus()
    if len(items) < _PARALLEL_FROM or workers == 1:
        return [function(item) for item in items]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(function, items, chunksize=16))


# --- ruff ---------------------------------------------------------------------------------


def ruff_command() -> list[str]:
    """The ruff of this environment, else the one on PATH; skips the test without one."""
    if shutil.which("ruff", path=str(Path(sys.executable).parent)) is not None:
        return [sys.executable, "-m", "ruff"]
    if shutil.which("ruff") is None:
        pytest.skip("ruff is not installed")
    return ["ruff"]


def run_ruff(files: Sequence[Path], codes: Iterable[str], flags: RuffFlags = STABLE) -> list[Item]:
    """Ruff's JSON findings (a syntax error comes with another code, or none) on ``files``."""
    command = [*ruff_command(), "check", "--isolated", "--no-respect-gitignore", "--no-cache"]
    command += ["--exit-zero", "--output-format", "json", "--select", ",".join(codes)]
    command += ["--preview"] * flags.preview + ["--ignore-noqa"] * flags.ignore_noqa
    command += [argument for setting in flags.config for argument in ("--config", setting)]
    items: list[Item] = []
    for start in range(0, len(files), _RUFF_CHUNK):
        chunk = map(str, files[start : start + _RUFF_CHUNK])
        done = subprocess.run([*command, *chunk], capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        items += json.loads(done.stdout)
    return items


def ruff_by_file(
    files: Iterable[Path], items: Iterable[Item], codes: Collection[str]
) -> tuple[dict[Path, list[Item]], set[Path]]:
    """Ruff's findings of ``codes`` for each of ``files``, and the files it could not parse.

    A syntax error comes with another code (``invalid-syntax``) or, in older ruffs, none.
    """
    found: dict[Path, list[Item]] = {file: [] for file in files}
    broken: set[Path] = set()
    for item in items:
        path = Path(item["filename"]).resolve()
        if item.get("code") in codes:
            found[path].append(item)
        else:
            broken.add(path)
    return found, broken


def position(item: Item) -> tuple[int, int]:
    """Where ruff reports: 1-based line and column."""
    return item["location"]["row"], item["location"]["column"]


def ruff_positions(
    files: Iterable[Path], items: Iterable[Item], code: str
) -> dict[Path, set[tuple[int, int]]]:
    """Where ruff reports ``code`` in each file; files it could not parse are left out."""
    found, broken = ruff_by_file(files, items, [code])
    return {
        file: set(map(position, reported)) for file, reported in found.items() if file not in broken
    }


@dataclass(frozen=True, slots=True)
class CorpusRuff:
    """Ruff's findings on the corpus: one run per entry of ``CORPUS_PEER_CODES``."""

    runs: Mapping[RuffFlags, list[Item]]

    @classmethod
    def run(cls, files: Sequence[Path]) -> CorpusRuff:
        return cls(
            {flags: run_ruff(files, codes, flags) for flags, codes in CORPUS_PEER_CODES.items()}
        )

    def items(self, codes: Collection[str], flags: RuffFlags = STABLE) -> list[Item]:
        """What ruff run with ``flags`` and only ``codes`` selected reports on the corpus."""
        selected = CORPUS_PEER_CODES[flags]
        assert set(codes) <= set(selected), f"add {set(codes) - set(selected)} to the run"
        # Other tests' codes go; syntax errors stay, as in a run of ``codes`` alone.
        return [
            item
            for item in self.runs[flags]
            if item.get("code") not in selected or item.get("code") in codes
        ]


# --- our side -----------------------------------------------------------------------------


def without_noqa(file: Path) -> bytes:
    """The content of ``file`` with every ``noqa`` made ``n0qa``: no comment hides a finding."""
    return _NOQA.sub(b"n0qa", file.read_bytes())


def lint_ignoring_noqa(
    file: Path, rules: Sequence[type[Rule]], options: RuleOptions | None = None
) -> FileResult:
    """Lint ``file`` with its ``noqa`` comments neutralised, as ruff's ``--ignore-noqa``.

    The peers' suppressions (``# type: ignore``, ``# pylint: disable``) are off too.
    """
    quiet = replace(options or RuleOptions(), peer_noqa=False)
    return lint_bytes(without_noqa(file), str(file), rules, quiet)


def parsed(result: FileResult) -> bool:
    return not any(diagnostic.code == "FAPI000" for diagnostic in result.diagnostics)


def our_findings(result: FileResult, key: Callable[[Diagnostic], _T]) -> set[_T] | None:
    """``key`` of every finding (no rule may have crashed), or None if the file does not parse."""
    assert not result.internal_errors, result.internal_errors
    if not parsed(result):
        return None
    return {key(diagnostic) for diagnostic in result.diagnostics}


def peer_twin(rule: type[Rule], code: str, **overrides: object) -> type[Rule]:
    """``rule`` with its peer semantics, under another code, to run beside the default one.

    The corpus is parsed once for every parity test: a rule's strict (or physical) mode
    runs as a second rule in that same walk, its findings told apart by ``code``.
    """

    def options(self: Rule) -> RuleOptions:
        chosen = replace(self.context.options, **overrides)  # type: ignore[arg-type]
        strict = (*chosen.strict, code) if rule.code in chosen.strict else chosen.strict
        return replace(chosen, strict=strict)

    name = f"{rule.__name__}PeerTwin"
    twin = type(name, (rule,), {"code": code, "options": property(options)})
    twin.__module__ = __name__
    globals()[name] = twin  # workers unpickle nothing of it, but keep it importable
    return twin


def keep_all(diagnostics: Iterable[Diagnostic], *_: object) -> list[Diagnostic]:
    """``suppression.unsuppressed`` made to hide nothing (monkeypatched into the engine)."""
    return list(diagnostics)


def _twins() -> dict[str, type[Rule]]:
    from fastapi_lint.rules.fastapi.path_parameter_mismatch import PathParameterMismatch
    from fastapi_lint.rules.structure.function_too_long import FunctionTooLong
    from fastapi_lint.rules.structure.superfluous_else import SuperfluousElse
    from fastapi_lint.rules.structure.too_complex import TooComplex
    from fastapi_lint.rules.type_hints.missing_parameter_annotation import (
        MissingParameterAnnotation,
    )
    from fastapi_lint.rules.type_hints.missing_return_annotation import MissingReturnAnnotation

    return {
        "FAPI201": peer_twin(MissingParameterAnnotation, "STRICT201", strict=("FAPI201",)),
        "FAPI202": peer_twin(MissingReturnAnnotation, "STRICT202", strict=("FAPI202",)),
        "FAPI401": peer_twin(SuperfluousElse, "STRICT401", strict=("FAPI401",)),
        "FAPI405": peer_twin(TooComplex, "STRICT405", strict=("FAPI405",)),
        "FAPI502": peer_twin(PathParameterMismatch, "STRICT502", strict=("FAPI502",)),
        "FAPI404": peer_twin(FunctionTooLong, "PHYSICAL404", count_physical_lines=True),
    }


# The peer semantics of the rules that have them, as twins in the shared corpus run: each
# rule's default is what a reviewer wants, its twin what the parity tests compare.
PEER_TWINS: Mapping[str, type[Rule]] = _twins()


def _lint_everything(file: Path) -> FileResult:
    """Every rule on ``file`` with no finding hidden by a ``noqa`` comment."""
    with pytest.MonkeyPatch.context() as patch:
        # ``CorpusLint.result`` applies the comments afterwards for the tests that honour
        # them: the one run then serves those that ignore them too.
        patch.setattr(engine, "unsuppressed", keep_all)
        rules = [*all_rules(), *PEER_TWINS.values()]
        return lint_file(file, str(file), rules, CORPUS_OPTIONS, project="skip")


@dataclass(frozen=True, slots=True)
class CorpusLint:
    """Every rule's findings on every corpus file, made with ``CORPUS_OPTIONS``."""

    files: list[Path]
    results: Mapping[Path, FileResult]

    @classmethod
    def run(cls, files: Sequence[Path]) -> CorpusLint:
        return cls(
            list(files), dict(zip(files, parallel_map(_lint_everything, files), strict=True))
        )

    def result(
        self, file: Path, rules: Iterable[type[Rule]], *, honour_noqa: bool = False
    ) -> FileResult:
        """What linting ``file`` with only ``rules`` gives: their findings and crashes.

        Syntax errors (FAPI000) and crashes of the engine itself concern every rule.
        """
        codes = {rule.code for rule in rules} | {"FAPI000"}
        full = self.results[file]
        diagnostics = [d for d in full.diagnostics if d.code in codes]
        errors = [e for e in full.internal_errors if e.rule in codes or e.rule == "engine"]
        if honour_noqa:
            diagnostics = unsuppressed(diagnostics, OWN_NOQA_ONLY)
        return replace(full, diagnostics=tuple(diagnostics), internal_errors=tuple(errors))

    def results_for(
        self, rules: Iterable[type[Rule]], *, honour_noqa: bool = False
    ) -> list[FileResult]:
        """``result`` of every file, in the order of ``files``."""
        kept = tuple(rules)
        return [self.result(file, kept, honour_noqa=honour_noqa) for file in self.files]
