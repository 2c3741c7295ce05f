"""``rules`` and ``rule``: the rule list, and one rule's full page, for the terminal."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence

import click

from fastapi_lint import registry
from fastapi_lint.cli.common import fail
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


@click.command(name="rules")
@click.option("--output-format", type=click.Choice(["text", "json"]), default="text")
def list_rules(output_format: str) -> None:
    """List every rule: code, name, family, default state, fixable."""
    infos = [rule.info() for rule in registry.all_rules()]
    text = rules_as_json(infos) if output_format == "json" else rules_as_text(infos)
    click.echo(text, nl=False)


@click.command(name="rule")
@click.argument("code")
def show_rule(code: str) -> None:
    """Show the full documentation of one rule."""
    rule = registry.rule_by_code(code)
    if rule is None:
        raise fail(f"unknown rule code {code!r} (see `fastapi-lint rules`)")
    # Imported here: rich (and its markdown parser) only for this command.
    from fastapi_lint.reporters.text import render_markdown

    click.echo(render_markdown(rule_markdown(rule), color=sys.stdout.isatty()), nl=False)
