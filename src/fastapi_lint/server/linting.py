"""Lint one document's current text, project findings included. No LSP in here.

Everything runs on the server's lint thread; nothing here raises for bad input: the
engine turns a syntax error into FAPI000 and a crashing rule into an internal error
while the other rules' findings stand.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from fastapi_lint.fixer.source import FixSettings, fix_source
from fastapi_lint.models import FileResult
from fastapi_lint.project.step import project_rules
from fastapi_lint.runner.jobs import FileJob
from fastapi_lint.runner.project import ProjectRun, with_whole_project
from fastapi_lint.runner.single_file import lint_source
from fastapi_lint.server.projects import Entry, Projects
from fastapi_lint.server.setup import DocumentSetup


@dataclass(frozen=True, slots=True)
class Linted:
    """One version of a document and its findings (fixes included)."""

    uri: str
    version: int | None
    text: str
    setup: DocumentSetup
    result: FileResult
    # The other files of the project as this lint left them: their own findings and
    # the project findings just recomputed, so open ones can be shown at once.
    others: Mapping[str, FileResult] = field(default_factory=dict)
    # Project rules saw the document alone: its project's summaries were not ready.
    alone: bool = False


class DocumentLinter:
    def __init__(self, projects: Projects) -> None:
        self.projects = projects

    def lint(self, uri: str, version: int | None, text: str, setup: DocumentSetup) -> Linted:
        if setup.excluded:
            return Linted(uri, version, text, setup, FileResult(setup.display))
        result, others = self.check(setup, text, remember=True)
        alone = others is None and setup.project is not None and bool(project_rules(setup.rules))
        return Linted(uri, version, text, setup, result, others or {}, alone)

    def check(
        self, setup: DocumentSetup, text: str, *, remember: bool = False
    ) -> tuple[FileResult, dict[str, FileResult] | None]:
        """The findings in ``text``, and the other files' (None: they were not looked at).

        ``remember`` makes the text's summary the project's view of the document.
        """
        options = setup.config.options
        rules, placement = setup.placed(text)
        others = self.projects.others(setup) if project_rules(setup.rules) else None
        if others is None or setup.project is None:
            # No project (yet): the document is its own project, as a lone file is.
            return lint_source(text, setup.display, rules, options, placement=placement), None
        own = lint_source(text, setup.display, rules, options, "collect", placement=placement)
        job = setup.job_for(rules, placement)
        if remember:
            self.projects.remember(setup.project, job, own)
        return _with_project(setup, job, own, others)

    def fixed_text(self, linted: Linted) -> str:
        """The text with every safe fix applied, round after round (``check --fix``)."""
        if not any(d.fix and d.fix.applicability == "safe" for d in linted.result.diagnostics):
            return linted.text

        def relint(text: str) -> FileResult:
            return self.check(linted.setup, text)[0]

        settings = FixSettings(write=False)
        return fix_source(linted.text, linted.result, relint, settings).text

    def close(self, setup: DocumentSetup) -> None:
        if setup.project is not None and setup.file is not None:
            self.projects.forget(setup.project, setup)


def _with_project(
    setup: DocumentSetup, job: FileJob, own: FileResult, others: list[Entry]
) -> tuple[FileResult, dict[str, FileResult]]:
    assert setup.project is not None  # checked by the caller
    context = setup.context.context if setup.context is not None else None
    run = ProjectRun(setup.rules, setup.project.root, setup.config.options, context=context)
    # As ``check`` runs it: every file in path order; the project rules' own crashes are
    # reported on the document.
    jobs = [job, *(other for other, _ in others)]
    results = [own, *(result for _, result in others)]
    merged = with_whole_project(jobs, results, run)
    return merged[0], {job.display_path: r for job, r in zip(jobs[1:], merged[1:], strict=True)}
