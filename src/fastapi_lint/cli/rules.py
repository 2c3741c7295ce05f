"""``rules`` and ``rule``: the rule list, and one rule's full page, for the terminal."""

from __future__ import annotations

import json
import re
import sys
import textwrap
from collections.abc import Sequence
from pathlib import Path

import click

from fastapi_lint import registry
from fastapi_lint.cli.common import fail
from fastapi_lint.cli.planning import setup_here
from fastapi_lint.config import ConfigError, load_config
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
            "roles": list(info.roles),
            "requires": dict(info.requires),
            "fix_requires": dict(info.fix_requires),
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
    notes = "".join(f"{note}\n\n" for note in rule.context_notes())
    header = (
        f"# {rule.code} {rule.name}\n\n"
        f"Family: `{rule.family}` · severity: {rule.severity} · {default} · {fixable}\n\n"
        f"{notes}"
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

    page = rule_markdown(rule)
    here = in_this_project(rule)
    if here is not None:
        page += f"\n## In this project\n\n{here}\n"
    click.echo(render_markdown(page, color=sys.stdout.isatty()), nl=False)


def in_this_project(rule: type[Rule]) -> str | None:
    """Whether ``rule`` is on for the project of the working folder, and why not; None when
    the configuration cannot be read (the page is still shown)."""
    try:
        config = load_config(Path.cwd())
        selected = rule in registry.select_rules(config.select, config.ignore, config.extend_select)
    except (ConfigError, registry.SelectionError, OSError):  # OSError: a deleted folder
        return None
    setup = setup_here(config, [rule])
    where = f"`{setup.context.root}`"
    for gate in setup.off:
        target = setup.context.targets[gate.package]
        return (
            f"Off in {where}: it needs `{gate.needs}` and the project targets {gate.package} "
            f"{target.display} ({target.source})."
        )
    if not selected:
        return f"Not selected by the configuration of {where} (`select`, `ignore`)."
    return f"On in {where} for the files of role: {', '.join(rule.info().roles)}."
