"""The project's context for one run: its target versions, each file's role, its rules.

Built once per run, before any file is linted: the target versions are resolved (code
evidence read only when a version some selected rule depends on is still unknown), the
rules the targets do not satisfy are switched off for the whole run, and each file is
given its role, which chooses the rules that review it. The cache key of a file names
everything here its result depends on.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from fastapi_lint.config import Config
from fastapi_lint.context.evidence import Evidence, scan_evidence
from fastapi_lint.context.project import Placement, ProjectContext
from fastapi_lint.context.roles import FileRole, Role, RoleDetector
from fastapi_lint.context.router_scan import scan_router_kinds
from fastapi_lint.context.routers import RouterKinds
from fastapi_lint.context.versions import PACKAGES, TargetVersions, resolve_target_versions
from fastapi_lint.decoding import decode_source
from fastapi_lint.runner.project_files import ProjectFiles

if TYPE_CHECKING:  # rule classes reach here built; importing them costs LibCST
    from fastapi_lint.rule import Rule


@dataclass(frozen=True, slots=True)
class VersionGate:
    """A rule switched off because a target version is outside what its advice needs."""

    rule: type[Rule]
    package: str
    specifier: str

    @property
    def needs(self) -> str:
        return f"{self.package}{self.specifier}"


# A role (None when unknown) and the rules chosen for a file.
_RoleRules = tuple["Role | None", tuple["type[Rule]", ...]]


@dataclass(frozen=True, slots=True)
class ProjectSetup:
    """One run's project context, the role detector, and the rules the targets allow."""

    context: ProjectContext
    detector: RoleDetector
    rules: tuple[type[Rule], ...]
    """The selection without the rules switched off by version."""
    off: tuple[VersionGate, ...] = ()
    # What ``rules_for_role`` and ``cache_key`` said per role and rules: most files share
    # both, and working them out costs a pass over every rule per file.
    _rules: dict[_RoleRules, tuple[type[Rule], ...]] = field(default_factory=dict, compare=False)
    _keys: dict[_RoleRules, str] = field(default_factory=dict, compare=False)

    def role_of(self, file: Path) -> FileRole:
        """The role of a file on disk (an unreadable one is judged by its path alone)."""
        return self.detector.classify(file, read_text(file))

    def role_of_text(self, path: Path | str, text: str) -> FileRole:
        return self.detector.classify(path, text)

    def placement(self, role: FileRole | None) -> Placement:
        return Placement(self.context, role)

    def rules_for_role(
        self, rules: tuple[type[Rule], ...], role: FileRole | None
    ) -> tuple[type[Rule], ...]:
        """``for_role``, worked out once per role and rules."""
        key = (role.role if role is not None else None, rules)
        known = self._rules.get(key)
        if known is None:
            known = self._rules[key] = for_role(rules, role)
        return known

    def cache_key(self, role: FileRole | None, rules: tuple[type[Rule], ...]) -> str:
        """What a file's result depends on here: its role, the targets its rules read, the
        project's router builders."""
        key = (role.role if role is not None else None, rules)
        known = self._keys.get(key)
        if known is None:
            known = self._keys[key] = self._cache_key(role, rules)
        return known

    def _cache_key(self, role: FileRole | None, rules: tuple[type[Rule], ...]) -> str:
        packages = {package for rule in rules for package in rule.target_packages()}
        targets = self.context.targets.fingerprint(packages) if packages else ""
        kind = role.role.value if role is not None else "-"
        return f"role={kind}|{targets}|routers={self.context.routers.fingerprint()}"


def read_text(file: Path) -> str:
    """The decoded text of ``file``; empty when it cannot be read or decoded."""
    try:
        decoded = decode_source(file.read_bytes())
    except OSError:
        return ""
    return decoded if isinstance(decoded, str) else ""


def for_role(rules: Iterable[type[Rule]], role: FileRole | None) -> tuple[type[Rule], ...]:
    """The rules that review a file of ``role`` (all of them when the role is unknown)."""
    if role is None:
        return tuple(rules)
    return tuple(rule for rule in rules if role.role in rule.roles)


def version_gates(
    rules: Iterable[type[Rule]], targets: TargetVersions
) -> tuple[tuple[type[Rule], ...], tuple[VersionGate, ...]]:
    """The rules whose requirements the targets meet, and why each other one is off."""
    on: list[type[Rule]] = []
    off: list[VersionGate] = []
    for rule in rules:
        unmet = targets.unmet(rule.requires)
        if unmet:
            off.extend(VersionGate(rule, package, specifier) for package, specifier in unmet)
        else:
            on.append(rule)
    return tuple(on), tuple(off)


def source_roots(config: Config, root: Path) -> tuple[Path, ...]:
    """``src = [...]`` from the configuration (relative to it), else the root and its
    ``src/`` folder when there is one, as ruff has them."""
    if config.src is not None:
        return tuple((config.root / folder).resolve() for folder in config.src)
    src = root / "src"
    return (root, src) if src.is_dir() else (root,)


def project_evidence(
    root: Path, files: ProjectFiles, roles: RoleDetector
) -> Callable[[], list[Evidence]]:
    """The evidence pass over the project's files, as a function run only if needed."""

    def scan() -> list[Evidence]:
        found: list[Evidence] = []
        resolved_root = root.resolve()
        for file in files():
            text = read_text(file)
            if roles.is_version_evidence(file, text):
                hits = scan_evidence("", text)
                found += _placed(hits, _shown(file, resolved_root)) if hits else ()
        return found

    return scan


def _placed(evidence: Sequence[Evidence], path: str) -> list[Evidence]:
    return [dataclasses.replace(item, path=path) for item in evidence]


def _shown(file: Path, resolved_root: Path) -> str:
    try:
        return file.resolve().relative_to(resolved_root).as_posix()
    except ValueError:
        return file.as_posix()


def router_kinds(root: Path, files: ProjectFiles, roots: Sequence[Path]) -> RouterKinds:
    """The project's own app, router and route builders, found across its files."""
    return scan_router_kinds(files(), root, roots)


def project_setup(
    config: Config,
    root: Path,
    selection: Sequence[type[Rule]],
    files: ProjectFiles,
    *,
    all_targets: bool = False,
) -> ProjectSetup:
    """The setup of a run over the project at ``root`` whose files ``files`` lists.

    ``all_targets`` resolves every package (the ``context`` command); otherwise only the
    packages the selected rules depend on may cost an evidence pass.
    """
    needed = {package for rule in selection for package in rule.target_packages()}
    roles = RoleDetector(root, config.roles)
    targets = resolve_target_versions(
        root,
        overrides=dict(config.target_versions),
        evidence=project_evidence(root, files, roles),
        needed=PACKAGES if all_targets else tuple(needed),
    )
    roots = source_roots(config, root)
    context = ProjectContext(root, targets, roots, router_kinds(root, files, roots))
    rules, off = version_gates(selection, targets)
    return ProjectSetup(context, roles, rules, off)
