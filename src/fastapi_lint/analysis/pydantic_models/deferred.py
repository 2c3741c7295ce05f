"""The calls whose receiver only the project can judge, for the file's summary (FAPI603)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import libcst as cst
from libcst.metadata import CodeRange

from fastapi_lint.analysis.pydantic_models.calls import Checked, function_name
from fastapi_lint.analysis.pydantic_models.fixes import appended_argument
from fastapi_lint.analysis.pydantic_models.receivers import Classifier, Deferred, Receiver
from fastapi_lint.positions import node_ranges, statement_ranges
from fastapi_lint.rule import FileContext
from fastapi_lint.summary.records import ModelMethodCall

Anchor = tuple[cst.CSTNode, int] | None


def node_positions(
    module: cst.Module, wanted: Sequence[tuple[cst.CSTNode, Anchor]]
) -> dict[int, CodeRange]:
    """Ranges of nodes, by id: one code generation per top-level statement holding some."""
    groups: dict[int, tuple[Anchor, list[cst.CSTNode]]] = {}
    for node, anchor in wanted:
        key = id(anchor[0]) if anchor is not None else 0
        groups.setdefault(key, (anchor, []))[1].append(node)
    found: dict[int, CodeRange] = {}
    for anchor, nodes in groups.values():
        if anchor is None:
            got = node_ranges(module, nodes)
        else:
            got = statement_ranges(module, anchor[0], anchor[1], nodes)
        found.update((id(node), where) for node, where in got.items())
    return found


@dataclass(frozen=True, slots=True)
class _Site:
    node: cst.Name
    anchor: Anchor
    receiver: Receiver
    scope: str
    fixable: bool
    appended: cst.BaseExpression | None  # the argument ``from_orm``'s fix adds one after


class DeferredCalls:
    """The summary's share of FAPI603: the calls whose receiver only the project can judge.

    Driven by the summary collector during the walk; positions are generated at the end,
    for the statements holding such calls only.
    """

    def __init__(self, context: FileContext) -> None:
        self.context = context
        self._classifier = Classifier(context)
        self._found: list[_Site] = []

    def visit(self, checked: Checked | None) -> None:
        if checked is None:
            return
        decided = self._classifier.classify(checked.receiver, checked.name.value)
        if isinstance(decided, Deferred):
            scope = function_name(self.context.scopes)
            argument = appended_argument(checked) if checked.fixable else None
            appended = argument.value if argument is not None else None
            anchor = self.context.statement
            site = _Site(checked.name, anchor, decided.receiver, scope, checked.fixable, appended)
            self._found.append(site)

    def sites(self) -> tuple[ModelMethodCall, ...]:
        if not self._found:
            return ()
        wanted: list[tuple[cst.CSTNode, Anchor]] = [(s.node, s.anchor) for s in self._found]
        wanted += [(s.appended, s.anchor) for s in self._found if s.appended is not None]
        where = node_positions(self.context.module, wanted)
        return tuple(_summary_site(site, where) for site in self._found)


def _summary_site(site: _Site, where: dict[int, CodeRange]) -> ModelMethodCall:
    receiver, name = site.receiver, where[id(site.node)]
    appended = where[id(site.appended)].end if site.appended is not None else None
    return ModelMethodCall(
        method=site.node.value,
        target=receiver.target,
        is_type=receiver.is_type,
        attributes=".".join(receiver.attributes),
        is_class=receiver.is_class,
        scope=site.scope,
        line=name.start.line,
        column=name.start.column + 1,
        end_column=name.end.column + 1,
        fixable=site.fixable,
        appended_line=appended.line if appended is not None else 0,
        appended_column=appended.column + 1 if appended is not None else 0,
    )
