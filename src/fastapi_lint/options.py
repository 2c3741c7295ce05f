"""Rule options: the values rules read, validated by ``config`` before a run."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RuleOptions:
    max_function_lines: int = 20
    max_complexity: int = 10
    max_nesting: int = 4
    extend_blocking_calls: tuple[str, ...] = ()
