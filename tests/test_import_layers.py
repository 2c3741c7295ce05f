"""Imports run one way, and no module imports itself back through others.

Read from every module's own ``import`` statements with ``ast``: imports inside
functions (lazy ones) and under ``TYPE_CHECKING`` count like any other. The layers, top
to bottom, are the picture in docs/architecture.md; a new module must be given a place
in ``LAYERS`` before this test passes.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

SOURCE = Path(__file__).resolve().parents[1] / "src"
PACKAGE = "fastapi_lint"

# Top to bottom. A module belongs to the layer of the longest entry naming it (itself or
# a package above it); it may import modules of its own layer or of the layers below.
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("faces", ("__main__", "launch", "cli", "server", "docs_gen")),
    (
        "orchestration",
        (
            "runner",
            "fixer",
            "selection",
            "config",
            "cache",
            "cache_entries",
            "snapshot",
            "replay",
            "baseline",
            "changed_lines",
        ),
    ),
    ("reporters", ("reporters",)),
    ("steps", ("engine", "project")),
    ("rules", ("registry", "rules", "summary.collector", "summary.syntax")),
    ("analysis", ("analysis",)),
    ("rule API", ("rule", "fixes")),
    ("models of the code", ("fastapi_model", "project_model", "context")),
    (
        "records and basics",
        (
            "",  # the package itself: its version
            "models",
            "summary",
            "fingerprints",
            "options",
            "suppression",
            "files",
            "tree",
            "positions",
            "decoding",
            "small_files",
            "nesting_guard",
            "peers",
            "docs_links",
            "review",
            "rule_codes",
            "run_inputs",
            "input_checks",
            "cache_folder",
        ),
    ),
)
# Parts of one layer that must not know each other: the per-file engine and the project
# step meet in the runner only (the project step reads summaries, never a syntax tree).
STRANGERS = (("engine", "project"), ("project", "engine"))
# What reporters read: the records (the review's too, and the fingerprints computed from
# them alone), and where the rule pages they link to are published.
REPORTER_INPUTS = ("models", "review", "fingerprints", "docs_links", "reporters")
# Third-party packages only some parts may import.
CONFINED = {"rich": ("reporters.text",), "pygls": ("server",), "click": ("cli",)}


@dataclass(frozen=True, slots=True)
class Import:
    importer: str
    imported: str
    line: int


def _module_name(path: Path) -> str:
    parts = path.relative_to(SOURCE).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def modules() -> dict[str, Path]:
    return {_module_name(path): path for path in sorted((SOURCE / PACKAGE).rglob("*.py"))}


def _absolute(module: str, node: ast.ImportFrom, is_package: bool) -> str:
    if not node.level:
        return node.module or ""
    parts = module.split(".")
    base = parts[: len(parts) - node.level + (1 if is_package else 0)]
    return ".".join([*base, *([node.module] if node.module else [])])


def _targets(node: ast.AST, module: str, is_package: bool) -> Iterator[str]:
    if isinstance(node, ast.Import):
        yield from (alias.name for alias in node.names)
    elif isinstance(node, ast.ImportFrom):
        source = _absolute(module, node, is_package)
        for alias in node.names:
            submodule = f"{source}.{alias.name}"
            yield submodule if submodule in modules() else source


@cache
def imports() -> tuple[Import, ...]:
    """Every import of every module of the package, wherever it is written."""
    found: list[Import] = []
    for module, path in modules().items():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            for target in _targets(node, module, path.name == "__init__.py"):
                found.append(Import(module, target, getattr(node, "lineno", 0)))
    return tuple(found)


def _internal() -> list[Import]:
    return [i for i in imports() if i.imported.partition(".")[0] == PACKAGE]


def _relative(module: str) -> str:
    return module.removeprefix(PACKAGE).removeprefix(".")


def _within(module: str, prefix: str) -> bool:
    name = _relative(module)
    return prefix == "" or name == prefix or name.startswith(prefix + ".")


def _layer_entry(module: str) -> tuple[int, str] | None:
    """The layer of ``module`` (its index, top first) and the entry that places it."""
    placed = [
        (len(prefix), index, prefix)
        for index, (_, prefixes) in enumerate(LAYERS)
        for prefix in prefixes
        if (prefix == "" and module == PACKAGE) or (prefix and _within(module, prefix))
    ]
    if not placed:
        return None
    _, index, prefix = max(placed)
    return index, prefix


def _where(item: Import) -> str:
    return f"{_relative(item.importer)} (line {item.line}) imports {_relative(item.imported)}"


def test_every_module_has_a_layer() -> None:
    unplaced = [name for name in modules() if _layer_entry(name) is None]
    assert not unplaced, f"give these modules a place in LAYERS: {unplaced}"


def test_the_layers_name_modules_that_exist() -> None:
    names = [_relative(name) for name in modules()]
    stale = [
        prefix
        for _, prefixes in LAYERS
        for prefix in prefixes
        if prefix and not any(name == prefix or name.startswith(prefix + ".") for name in names)
    ]
    assert not stale, f"LAYERS names modules that no longer exist: {stale}"


def test_imports_never_go_up_a_layer() -> None:
    upward = []
    for item in _internal():
        importer, imported = _layer_entry(item.importer), _layer_entry(item.imported)
        assert importer is not None and imported is not None, _where(item)
        if imported[0] < importer[0]:
            upward.append(f"{_where(item)}: {LAYERS[importer[0]][0]} -> {LAYERS[imported[0]][0]}")
    assert not upward, "imports that go up a layer:\n" + "\n".join(upward)


def test_the_engine_and_the_project_step_do_not_import_each_other() -> None:
    crossing = [
        _where(item)
        for item in _internal()
        for importer, imported in STRANGERS
        if _within(item.importer, importer) and _within(item.imported, imported)
    ]
    assert not crossing, "\n".join(crossing)


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of ``graph`` (its modules in order), or None when it has none."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for successor in sorted(graph.get(node, ())):
            if state.get(successor) == 1:
                return [*path[path.index(successor) :], successor]
            if successor not in state and (found := visit(successor)) is not None:
                return found
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)) is not None:
            return found
    return None


def test_there_is_no_import_cycle() -> None:
    graph: dict[str, set[str]] = {}
    for item in _internal():
        if item.imported != item.importer:
            graph.setdefault(item.importer, set()).add(item.imported)
    cycle = _cycle(graph)
    assert cycle is None, "import cycle: " + " -> ".join(_relative(m) for m in cycle or ())


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": set()}) is None


def test_reporters_read_records_only() -> None:
    outside = [
        _where(item)
        for item in _internal()
        if _within(item.importer, "reporters")
        and not any(_within(item.imported, allowed) for allowed in REPORTER_INPUTS)
    ]
    assert not outside, "\n".join(outside)


@pytest.mark.parametrize("package", sorted(CONFINED))
def test_third_party_packages_stay_in_their_part(package: str) -> None:
    allowed = CONFINED[package]
    strays = [
        _where(item)
        for item in imports()
        if item.imported.partition(".")[0] == package
        and not any(_within(item.importer, part) for part in allowed)
    ]
    assert not strays, "\n".join(strays)


def _family(module: str) -> str | None:
    parts = _relative(module).split(".")
    return parts[1] if len(parts) > 2 and parts[0] == "rules" else None


def test_rule_families_keep_to_themselves() -> None:
    """A family package imports no other family's modules: shared helpers are in analysis."""
    crossing = [
        _where(item)
        for item in _internal()
        if _family(item.importer)
        and _family(item.imported)
        and _family(item.importer) != _family(item.imported)
    ]
    assert not crossing, "\n".join(crossing)


def _writes_to_terminal(node: ast.AST) -> bool:
    """``print(...)``, or ``sys.stdout``/``sys.stderr``."""
    if isinstance(node, ast.Call):
        return isinstance(node.func, ast.Name) and node.func.id == "print"
    return (
        isinstance(node, ast.Attribute)
        and node.attr in ("stdout", "stderr")
        and isinstance(node.value, ast.Name)
        and node.value.id == "sys"
    )


def _prints(tree: ast.AST) -> Iterator[int]:
    for node in ast.walk(tree):
        if _writes_to_terminal(node):
            yield getattr(node, "lineno", 0)


def test_the_engine_never_prints() -> None:
    engine = {name: path for name, path in modules().items() if _within(name, "engine")}
    assert engine
    printing = [
        f"{_relative(name)}:{line}"
        for name, path in engine.items()
        for line in _prints(ast.parse(path.read_text(encoding="utf-8")))
    ]
    assert not printing, f"the engine writes to the terminal at {printing}"
