"""Rule documentation for the terminal: the rule list and one rule's full page."""

from __future__ import annotations

import io
import json
from collections.abc import Sequence

from fastapi_lint.models import RuleInfo
from fastapi_lint.rule import Rule


def rules_as_json(infos: Sequence[RuleInfo]) -> str:
    rows = [
        {
            "code": info.code,
            "name": info.name,
            "family": info.family,
            "severity": info.severity,
            "default": info.default_enabled,
            "fixable": info.fixable,
            "summary": info.summary,
        }
        for info in infos
    ]
    return json.dumps(rows, indent=2) + "\n"


def rules_as_text(infos: Sequence[RuleInfo]) -> str:
    header = f"{'code':<8} {'name':<38} {'family':<10} {'default':<8} {'fixable':<8} summary"
    lines = [header, "-" * len(header)]
    for info in infos:
        default = "on" if info.default_enabled else "off"
        fixable = "yes" if info.fixable else "no"
        lines.append(
            f"{info.code:<8} {info.name:<38} {info.family:<10} {default:<8} {fixable:<8} "
            f"{info.summary}"
        )
    return "\n".join(lines) + "\n"


def _examples(title: str, snippets: Sequence[str]) -> str:
    if not snippets:
        return ""
    blocks = "\n".join(f"```python\n{snippet.strip()}\n```\n" for snippet in snippets)
    return f"\n## {title}\n{blocks}"


def rule_markdown(rule: type[Rule]) -> str:
    """The rule's page: header, docstring sections, then its tested examples."""
    default = "on by default" if rule.default_enabled else "off by default (opt-in)"
    fixable = "fixable" if rule.fixable else "not fixable"
    header = (
        f"# {rule.code} {rule.name}\n\n"
        f"Family: `{rule.family}` · severity: {rule.severity} · {default} · {fixable}\n\n"
    )
    flagged = _examples("Flagged (tested)", [example.code for example in rule.INVALID])
    quiet = _examples("Not flagged (tested)", [example.code for example in rule.VALID])
    return header + rule.docs() + "\n" + flagged + quiet


def render_rule_docs(rule: type[Rule], *, color: bool) -> str:
    from rich.console import Console
    from rich.markdown import Markdown

    buffer = io.StringIO()
    console = Console(
        file=buffer, force_terminal=color, color_system="standard" if color else None, width=100
    )
    console.print(Markdown(rule_markdown(rule)))
    return buffer.getvalue()
