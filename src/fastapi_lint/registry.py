"""Discovers rules by walking the family packages of ``fastapi_lint.rules``; select/ignore.

A rule is a ``Rule`` subclass with a ``code``, defined in a public module of a family
package (``rules/<family>/<rule_name>.py``); private modules (``_x.py``) hold helpers.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Sequence
from functools import cache

from fastapi_lint import rules as rules_package
from fastapi_lint.rule import Rule
from fastapi_lint.rule_codes import ALL as ALL
from fastapi_lint.rule_codes import SelectionError as SelectionError
from fastapi_lint.rule_codes import families as families
from fastapi_lint.rule_codes import specificity as code_specificity
from fastapi_lint.rule_codes import validate


def _rules_in(module_name: str) -> list[type[Rule]]:
    module = importlib.import_module(module_name)
    return [
        member
        for _, member in inspect.getmembers(module, inspect.isclass)
        if issubclass(member, Rule) and member.__module__ == module_name and hasattr(member, "code")
    ]


@cache
def all_rules() -> tuple[type[Rule], ...]:
    """Every rule of every family package, sorted by code."""
    found: list[type[Rule]] = []
    prefix = rules_package.__name__ + "."
    for module_info in pkgutil.walk_packages(rules_package.__path__, prefix):
        if not module_info.ispkg and not module_info.name.rpartition(".")[2].startswith("_"):
            found.extend(_rules_in(module_info.name))
    return tuple(sorted(found, key=lambda rule: rule.code))


def rule_by_code(code: str) -> type[Rule] | None:
    wanted = code.strip().upper()
    return next((rule for rule in all_rules() if rule.code == wanted), None)


def specificity(selector: str, rule: type[Rule]) -> int | None:
    """How precisely ``selector`` names ``rule`` (higher wins), or None if it does not."""
    return code_specificity(selector, rule.code, rule.family)


def _best(selectors: Sequence[str], rule: type[Rule]) -> int | None:
    scores = [score for s in selectors if (score := specificity(s, rule)) is not None]
    return max(scores, default=None)


def _selection_score(
    rule: type[Rule], select: Sequence[str] | None, extend: Sequence[str]
) -> int | None:
    score = _best([*(select or ()), *extend], rule)
    if score is None and select is None and rule.default_enabled:
        return -1  # the default selection is the least specific choice of all
    return score


def _is_selected(
    rule: type[Rule], select: Sequence[str] | None, ignore: Sequence[str], extend: Sequence[str]
) -> bool:
    chosen = _selection_score(rule, select, extend)
    if chosen is None:
        return False
    ignored = _best(ignore, rule)
    return ignored is None or chosen > ignored


def select_rules(
    select: Sequence[str] | None = None,
    ignore: Sequence[str] = (),
    extend_select: Sequence[str] = (),
) -> tuple[type[Rule], ...]:
    """The enabled rules: the most specific matching selector decides; a tie means ignored.

    With no ``select``, the rules that are on by default start selected.
    """
    validate(select or (), setting="select")
    validate(ignore, setting="ignore")
    validate(extend_select, setting="extend-select")
    return tuple(rule for rule in all_rules() if _is_selected(rule, select, ignore, extend_select))


def rules_matching(selectors: Sequence[str], *, setting: str) -> frozenset[type[Rule]]:
    validate(selectors, setting=setting)
    return frozenset(rule for rule in all_rules() if _best(selectors, rule) is not None)
