"""The Rule base class: one code, one name, docs in the docstring, examples run as tests.

A rule is a handful of ``visit_<Node>`` / ``leave_<Node>`` methods named after LibCST
node classes. The engine walks each file once and calls, for every node, only the
methods that enabled rules registered for that node type.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, ClassVar, TypeVar, cast

import libcst as cst

from fastapi_lint.context.project import ProjectContext
from fastapi_lint.context.roles import FileRole, Role
from fastapi_lint.fastapi_model.module import ModuleModel
from fastapi_lint.fixes import PendingFix
from fastapi_lint.models import ChainStep, Fix, RuleInfo, Severity
from fastapi_lint.options import RuleOptions

if TYPE_CHECKING:
    from collections.abc import Iterator

    from fastapi_lint.project_model.project import Project

DOC_SECTIONS = (
    "What it does",
    "Why is this bad?",
    "Example",
    "Use instead",
    "Options",
    "Known limitations",
)

Scope = cst.FunctionDef | cst.Lambda | cst.ClassDef
_T = TypeVar("_T")
EVERY_ROLE = frozenset(Role)
NO_REQUIREMENTS: Mapping[str, str] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class Valid:
    """Code the rule must stay quiet on; ``path`` is the file name it is linted as."""

    code: str
    path: str = "example.py"


@dataclass(frozen=True, slots=True)
class Invalid:
    """Code the rule must flag; ``line``/``column`` (1-based) pin the first finding."""

    code: str
    line: int | None = None
    column: int | None = None
    message_contains: str | None = None
    # The file name the code is linted as, for rules about paths and file names.
    path: str = "example.py"


# A statement of a block (or of the module), the line its code starts on (its leading
# comment and blank lines included), and the indentation of the blocks around it.
InnerStatement = tuple[cst.CSTNode, int, tuple[str, ...]]


@dataclass(slots=True)
class PendingReport:
    """A finding whose position is resolved only once the file is done."""

    rule: type[Rule]
    node: cst.CSTNode
    message: str
    length: int | None
    fix: Fix | PendingFix | None
    name: str
    # The top-level statement being walked and its first line: positions are then
    # generated for that statement alone instead of the whole module up to it.
    anchor: tuple[cst.CSTNode, int] | None = None
    # A finding milder (or graver) than its rule's default; None keeps ``rule.severity``.
    severity: Severity | None = None
    # The innermost statement of a block being walked: its positions are generated
    # alone, from where it starts and with the indentation of the blocks around it.
    inner: InnerStatement | None = None


@dataclass(slots=True)
class FileContext:
    """What every rule may read about the file being linted."""

    path: str
    source: str
    module: cst.Module
    options: RuleOptions = field(default_factory=RuleOptions)
    scopes: list[Scope] = field(default_factory=list)
    reports: list[PendingReport] = field(default_factory=list)
    annotations_present: int = 0  # type coverage, counted by the typing rules
    annotations_expected: int = 0
    # The line the walk is on (1-based); kept only while a project summary is collected.
    line: int = 1
    statement: tuple[cst.CSTNode, int] | None = None
    # The statements of blocks being walked, outermost first (see ``PendingReport.inner``).
    inner_statements: list[InnerStatement] = field(default_factory=list)
    # What the run knows about the project (None when a file is linted on its own, as
    # the engine-level entry points and tests do), and the role this file plays in it.
    project: ProjectContext | None = None
    role: FileRole | None = None
    _model: ModuleModel | None = None
    _shared: dict[object, object] = field(default_factory=dict)

    @property
    def model(self) -> ModuleModel:
        """Imports, routers, routes and dependencies of this module, built on first use."""
        if self._model is None:
            self._model = ModuleModel.build(self.module, self.path, self.project)
        return self._model

    def shared(self, compute: Callable[[cst.Module], _T]) -> _T:
        """A per-file analysis computed once, however many rules ask for it."""
        if compute not in self._shared:
            self._shared[compute] = compute(self.module)
        return cast(_T, self._shared[compute])

    def enclosing_function(self) -> cst.FunctionDef | None:
        """The innermost ``def`` around the current node, unless a lambda or class is closer."""
        if not self.scopes:
            return None
        innermost = self.scopes[-1]
        return innermost if isinstance(innermost, cst.FunctionDef) else None


class Rule:
    """Base class of every rule. Subclasses set the class attributes and visit methods."""

    code: ClassVar[str]
    name: ClassVar[str]
    family: ClassVar[str]
    message: ClassVar[str]
    severity: ClassVar[Severity] = "error"
    default_enabled: ClassVar[bool] = True
    fixable: ClassVar[bool] = False
    # The file roles the rule reviews; a file of another role never runs it.
    roles: ClassVar[frozenset[Role]] = frozenset({Role.APP})
    # Target versions the rule's advice needs (``{"pydantic": ">=2"}``): when the
    # project targets a version outside them, the rule is off for that project.
    requires: ClassVar[Mapping[str, str]] = NO_REQUIREMENTS
    # What the rule's fixes need, at most: a fix needs all of it unless it names the
    # part it needs (``fixes.replace(..., requires={...})``). An unmet one drops the
    # fix; the finding stays.
    fix_requires: ClassVar[Mapping[str, str]] = NO_REQUIREMENTS
    VALID: ClassVar[tuple[Valid, ...]] = ()
    INVALID: ClassVar[tuple[Invalid, ...]] = ()

    def __init__(self, context: FileContext) -> None:
        self.context = context

    @property
    def options(self) -> RuleOptions:
        return self.context.options

    def report(
        self,
        node: cst.CSTNode,
        message: str | None = None,
        *,
        length: int | None = None,
        fix: Fix | PendingFix | None = None,
        name: str | None = None,
        severity: Severity | None = None,
        **format_args: object,
    ) -> None:
        """Record a finding at ``node`` (or its first ``length`` characters).

        ``severity`` overrides the rule's for this finding only (a milder variant of it).
        ``fix`` is usually ``fixes.replace(old_node, new_node, "message")``: nodes that the
        engine turns into text edits once positions are known (a ready ``Fix`` works too).
        """
        text = message if message is not None else self.message.format(**format_args)
        self.context.reports.append(
            PendingReport(
                type(self),
                node,
                text,
                length,
                fix,
                name or self.name,
                self.context.statement,
                severity,
                self.context.inner_statements[-1] if self.context.inner_statements else None,
            )
        )

    @classmethod
    def visitor_methods(cls) -> dict[str, tuple[str, str]]:
        """Map each ``visit_X``/``leave_X`` method name to ``(phase, X)``."""
        found = _VISITOR_METHODS.get(cls)
        if found is None:
            found = _VISITOR_METHODS[cls] = _visitor_methods(cls)
        return found

    @classmethod
    def docs(cls) -> str:
        return inspect.cleandoc(cls.__doc__ or "")

    @classmethod
    def doc_sections(cls) -> dict[str, str]:
        """The docstring split on its ``## Heading`` lines."""
        sections: dict[str, str] = {}
        parts = re.split(r"^## +(.+?)\s*$", cls.docs(), flags=re.MULTILINE)
        for heading, body in zip(parts[1::2], parts[2::2], strict=True):
            sections[heading.strip()] = body.strip()
        return sections

    @classmethod
    def summary(cls) -> str:
        """The first sentence of 'What it does'."""
        what = cls.doc_sections().get("What it does", "")
        first = re.split(r"(?<=\.)\s", " ".join(what.split()), maxsplit=1)[0]
        return first or cls.name.replace("-", " ")

    @classmethod
    def info(cls) -> RuleInfo:
        return RuleInfo(
            code=cls.code,
            name=cls.name,
            family=cls.family,
            severity=cls.severity,
            summary=cls.summary(),
            docs=cls.docs(),
            default_enabled=cls.default_enabled,
            fixable=cls.fixable,
            roles=tuple(role.value for role in Role if role in cls.roles),
            requires=tuple(sorted(cls.requires.items())),
            fix_requires=tuple(sorted(cls.fix_requires.items())),
        )

    @classmethod
    def context_notes(cls) -> list[str]:
        """What the rule reviews and the versions it needs, one Markdown line each."""
        kinds = ", ".join(role.value for role in Role if role in cls.roles)
        notes = [f"Reviews files of role: {kinds} (see `fastapi-lint context`)."]
        if cls.requires:
            notes.append(
                f"Needs {_requirements(cls.requires)}: off for a project whose target versions "
                "are older; `target-versions` in the configuration turns it on on purpose."
            )
        if cls.fix_requires:
            notes.append(
                f"Its fixes need {_requirements(cls.fix_requires)} (each fix only the part it "
                "writes): on older targets the finding comes without its fix."
            )
        return notes

    @classmethod
    def target_packages(cls) -> frozenset[str]:
        """The packages whose target version decides what the rule (or its fixes) does."""
        return frozenset((*cls.requires, *cls.fix_requires))


def _requirements(requirements: Mapping[str, str]) -> str:
    """``{"pydantic": ">=2"}`` -> ``pydantic >=2``; several joined with "and"."""
    return " and ".join(f"`{package}{spec}`" for package, spec in sorted(requirements.items()))


@dataclass(frozen=True, slots=True)
class ProjectFinding:
    """A finding of a project rule, placed by the positions the file summaries hold."""

    path: str
    line: int
    column: int
    end_column: int
    message: str
    chain: tuple[ChainStep, ...] = ()
    fix: Fix | None = None


class ProjectRule(Rule):
    """Base of rules about the whole project (no ``code``: not a rule itself).

    They read the file summaries once every file is summarised, never a syntax tree,
    so they see across modules; the engine runs them on a single file the same way.
    """

    @classmethod
    def check_project(cls, project: Project) -> Iterator[ProjectFinding]:
        raise NotImplementedError


def is_project_rule(rule: type[Rule]) -> bool:
    return issubclass(rule, ProjectRule)


# Per rule class, found once: the engine asks for every rule of every file (``dir`` is slow).
_VISITOR_METHODS: dict[type[Rule], dict[str, tuple[str, str]]] = {}


def _visitor_methods(rule_class: type[Rule]) -> dict[str, tuple[str, str]]:
    found: dict[str, tuple[str, str]] = {}
    for attr in dir(rule_class):
        phase, _, node_type = attr.partition("_")
        if phase in ("visit", "leave") and node_type and hasattr(cst, node_type):
            found[attr] = (phase, node_type)
    return found
