"""``rules`` and ``rule``: the rule list, and one rule's full page, for the terminal."""

from __future__ import annotations

import json
import re
import sys
import textwrap
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


# `rules` fits an 80-100 column terminal: a line per rule, its summary wrapped below it.
_WIDTH = 88
_INDENT = " " * 9


def _header(rule: type[Rule]) -> str:
    default = "on" if rule.default_enabled else "off"
    fixable = "fix" if rule.fixable else ""
    return f"{rule.code:<8} {rule.name:<38} {rule.family:<10} {default:<8} {fixable}".rstrip()


def listing_summary(rule: type[Rule]) -> list[str]:
    """The first paragraph of 'What it does', its list kept; else its first sentence only."""
    what = rule.doc_sections().get("What it does", "").split("\n\n")[0]
    items: list[str] = []
    for line in what.splitlines():
        if line.lstrip().startswith("- ") or not items:
            items.append(line.strip())
        else:
            items[-1] += " " + line.strip()
    if len(items) == 1:  # no list: the sentence that says what it flags
        return [re.split(r"(?<=\.)\s", items[0], maxsplit=1)[0]] if items[0] else []
    return items


def _wrapped(item: str) -> list[str]:
    hanging = _INDENT + "  " if item.startswith("- ") else _INDENT
    return textwrap.wrap(
        item, _WIDTH, initial_indent=_INDENT, subsequent_indent=hanging, break_on_hyphens=False
    )


def rules_as_text(rules: Sequence[type[Rule]]) -> str:
    header = f"{'CODE':<8} {'NAME':<38} {'FAMILY':<10} {'DEFAULT':<8} FIX"
    lines = [header, ""]
    for rule in rules:
        lines.append(_header(rule))
        lines.extend(wrapped for item in listing_summary(rule) for wrapped in _wrapped(item))
    lines += ["", f"{len(rules)} rules. `fastapi-lint rule CODE` shows one rule's full page."]
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
    rules = registry.all_rules()
    if output_format == "json":
        text = rules_as_json([rule.info() for rule in rules])
    else:
        text = rules_as_text(rules)
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
