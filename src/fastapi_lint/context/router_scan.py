"""The project scan for app and router builders, run once before the files are linted.

Each file's text is read, and only the few whose text can define a builder are parsed
(with ``ast``, much cheaper than LibCST): a ``class X(...Router...)`` or ``(FastAPI)``
line, a ``-> APIRouter`` return annotation, a ``return APIRouter(...)``, an indented
``router = APIRouter(...)``, a module-level ``XRouter = ...``. Names found make the next
round's pattern (a subclass of ``PrefectRouter`` need not say "Router" in its own line,
nor a module re-exporting it), until a round finds nothing new. A module a definition
needs (its base class imported from elsewhere) is parsed when asked for.

Kinds are then resolved across modules, through imports and re-exports, with the
project's module names: a class whose base is ``APIRouter`` or a project router class is
a router class, at any depth; a function annotated ``-> APIRouter`` (or returning
``APIRouter(...)``, a local router, a project router class's instance) is a router
factory; one returning a router class (``-> type[APIRouter]``, ``return VersionedRouter``,
a class it defines) a router class factory; ``X = get_router_class()`` at module level
is a router class. Apps (``FastAPI``) and routes (``APIRoute``) likewise.

One piece: the rounds of finding and the resolution across modules share the table of
definitions each round fills.
"""

from __future__ import annotations

import ast
import hashlib
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from fastapi_lint import __version__
from fastapi_lint.context._scan_facts import (
    ClassFact,
    FunctionFact,
    ImportFact,
    ModuleFacts,
    Ref,
    read_facts,
)
from fastapi_lint.context.routers import Builder, RouterKinds
from fastapi_lint.decoding import DecodeProblem, decode_source
from fastapi_lint.project_model.imports import RetriedImports
from fastapi_lint.project_model.modules import ModuleNamer

FASTAPI_BUILDERS = {
    "fastapi.APIRouter": Builder.ROUTER_CLASS,
    "fastapi.routing.APIRouter": Builder.ROUTER_CLASS,
    "fastapi.FastAPI": Builder.APP_CLASS,
    "fastapi.applications.FastAPI": Builder.APP_CLASS,
    "fastapi.routing.APIRoute": Builder.ROUTE_CLASS,
}
_CLASSES = (Builder.ROUTER_CLASS, Builder.APP_CLASS, Builder.ROUTE_CLASS)
# What a function returning a call of a builder is.
_MADE_BY_CALL = {
    Builder.ROUTER_CLASS: Builder.ROUTER_FACTORY,
    Builder.APP_CLASS: Builder.APP_FACTORY,
    Builder.ROUTER_FACTORY: Builder.ROUTER_FACTORY,
    Builder.APP_FACTORY: Builder.APP_FACTORY,
    Builder.ROUTER_CLASS_FACTORY: Builder.ROUTER_CLASS_FACTORY,
}
_WORD_LIST = ("Router", "FastAPI", "APIRoute")
_WORDS = "(?:Router|FastAPI|APIRoute)"
# How far above a hint word its definition may start (``class X(\n    APIRouter,\n)``).
_LINES_BEFORE = 3


def _pattern(
    words: str, *, classes: str = "", factories: str = "", reexports: bool = False
) -> re.Pattern[str]:
    """Lines that may define a builder from ``words``: a subclass, an annotated or a
    returning function, a module-level name; in later rounds, a module-level
    ``X = <classes>`` (another name for a router class), ``X = <factories>(...)`` (a
    class factory's class) and, in an ``__init__``, a re-export."""
    alternatives = [
        rf"^[ \t]*class[ \t]+\w+[ \t]*\([^)]*{words}",
        rf"->[^:\n]*{words}",
        rf"^[ \t]+(?:return|\w+[ \t]*=)[ \t]*[\w.]*{words}",
        rf"^\w*{words}\w*[ \t]*(?::[^=\n]*)?=",
    ]
    if classes:
        alternatives.append(rf"^\w+[ \t]*=[ \t]*[\w.]*{classes}[ \t]*$")
    if factories:
        alternatives.append(rf"^\w+[ \t]*=[ \t]*[\w.]*{factories}[ \t]*\(")
    if reexports:
        alternatives.append(rf"^[ \t]*(?:from|import)[ \t][^\n]*{words}")
    return re.compile("|".join(alternatives), re.MULTILINE)


def _alternation(names: Iterable[str]) -> str:
    """A pattern matching any of ``names`` as a word; empty for none."""
    words = "|".join(rf"\b{re.escape(name)}\b" for name in sorted(names))
    return f"(?:{words})" if words else ""


def _named(found: dict[str, Builder], names: set[str], kind: Builder) -> set[str]:
    return {q.rpartition(".")[2] for q, k in found.items() if k is kind} & names


_FIRST_ROUND = _pattern(_WORDS)


@dataclass(slots=True)
class _Hints:
    """The words a definition must mention to be looked at: FastAPI's, then names found.

    Only definitions that mention one are resolved (a class deriving from ``BaseModel``
    never is), so modules are parsed for the few definitions that may build something.
    """

    words: tuple[str, ...] = _WORD_LIST
    names: set[str] = field(default_factory=set)

    def matched(self, text: str, pattern: re.Pattern[str]) -> bool:
        """Whether ``pattern`` matches around a hint word of ``text``.

        Searching only the few lines before each word (a class's bases may span lines)
        costs a fraction of searching a whole module of several thousand lines.
        """
        for word in self.words:
            found = text.find(word)
            while found >= 0:
                start = found
                for _ in range(_LINES_BEFORE + 1):
                    start = text.rfind("\n", 0, start)
                    if start < 0:
                        break
                end = text.find("\n", found)
                if pattern.search(text, start + 1, end if end >= 0 else len(text)):
                    return True
                found = text.find(word, found + len(word))
        return False

    def mentioned(self, ref: Ref | None) -> bool:
        if ref is None:
            return False
        last = ref[0].rpartition(".")[2]
        return last in self.names or any(word in last for word in _WORD_LIST)


@dataclass(slots=True)
class _Module:
    """A parsed module's names: imports made absolute, definitions by name."""

    name: str
    imports: dict[str, str]
    classes: dict[str, ClassFact]
    functions: dict[str, FunctionFact]
    values: dict[str, Ref]
    annotations: dict[str, Ref]
    is_package: bool

    def defines(self, name: str) -> bool:
        return any(name in table for table in (self.classes, self.functions, self.values))


class _Absolute:
    """Absolute module names of imports, retried against the project's folders."""

    def __init__(self, names: dict[str, Path], retry: RetriedImports) -> None:
        self._known = set(names) | _packages(names)
        self._packages = {name: names[name].name == "__init__.py" for name in names}
        self._retry = retry

    def imports(self, module: str, facts: Iterable[ImportFact]) -> dict[str, str]:
        found: dict[str, str] = {}
        for fact in facts:
            base = self._base(module, fact)
            if base is not None:
                found[fact.local] = f"{base}.{fact.name}" if fact.name else base
        return found

    def _base(self, module: str, fact: ImportFact) -> str | None:
        if fact.level:
            return self._relative(module, fact)
        if not fact.module or fact.module in self._known:
            return fact.module
        return self._retry.absolute(module, fact.module) or fact.module

    def _relative(self, module: str, fact: ImportFact) -> str | None:
        package = module if self._packages.get(module) else module.rpartition(".")[0]
        parts = package.split(".") if package else []
        keep = len(parts) - (fact.level - 1)
        if keep < 0 or (keep == 0 and not fact.module):
            return None  # beyond the top of the project
        return ".".join([*parts[:keep], *([fact.module] if fact.module else [])])


@dataclass(frozen=True, slots=True)
class _Scope:
    """Where a name is looked up: a module, or a function of it (its imports and classes)."""

    module: _Module
    function: FunctionFact | None = None
    imports: dict[str, str] = field(default_factory=dict)


class _Resolver:
    """What project names build, resolved across modules; each answer memoised."""

    def __init__(self, files: dict[str, Path], absolute: _Absolute) -> None:
        self._files = files
        self._absolute = absolute
        self._parsed: dict[str, _Module | None] = {}
        self._memo: dict[str, Builder | None] = {}
        self._in_progress: set[str] = set()

    def add(self, name: str, text: str) -> None:
        if name not in self._parsed:
            self._parsed[name] = self._read(name, text)

    def modules(self) -> list[_Module]:
        return [module for module in self._parsed.values() if module is not None]

    def _module(self, name: str) -> _Module | None:
        if name not in self._parsed:
            self._parsed[name] = self._read(name, read_source(self._files[name]))
        return self._parsed[name]

    def _read(self, name: str, text: str) -> _Module | None:
        facts = parse_facts(text, self._files[name])
        if facts is None:
            return None
        return _Module(
            name,
            self._absolute.imports(name, facts.imports),
            {fact.name: fact for fact in facts.classes},
            {fact.name: fact for fact in facts.functions},
            dict(facts.values),
            dict(facts.annotations),
            self._files[name].name == "__init__.py",
        )

    def builder(self, qualified: str) -> Builder | None:
        """What the project or FastAPI name ``qualified`` builds, None for anything else."""
        if qualified in FASTAPI_BUILDERS:
            return FASTAPI_BUILDERS[qualified]
        if qualified in self._memo:
            return self._memo[qualified]
        if qualified in self._in_progress:
            return None  # a cycle of aliases or bases
        self._in_progress.add(qualified)
        found = self._lookup(qualified)
        self._in_progress.discard(qualified)
        self._memo[qualified] = found
        return found

    def _lookup(self, qualified: str) -> Builder | None:
        owner, _, name = qualified.rpartition(".")
        module = self._module(owner) if owner in self._files else None
        if module is None:
            return None
        scope = _Scope(module)
        if name in module.classes:
            return self._class(scope, module.classes[name])
        if name in module.functions:
            return self._function(module, module.functions[name])
        if name in module.annotations:
            kind = self._kind_of(scope, (module.annotations[name][0], False))
            return kind if module.annotations[name][1] and kind in _CLASSES else None
        if name in module.values:
            return self._kind_of(scope, module.values[name])
        target = module.imports.get(name)
        return self.builder(target) if target else None

    def _qualify(self, scope: _Scope, dotted: str, defining: str) -> str | None:
        """The qualified name of ``dotted`` in ``scope``; ``defining`` is the class whose
        bases are read (``class APIRouter(APIRouter)`` derives from the imported one)."""
        root, _, rest = dotted.partition(".")
        module = scope.module
        if root in scope.imports:
            base = scope.imports[root]
        elif root in module.imports and (root == defining or not module.defines(root)):
            base = module.imports[root]
        elif module.defines(root):
            base = f"{module.name}.{root}"
        else:
            return None
        return f"{base}.{rest}" if rest else base

    def _kind_of(self, scope: _Scope, ref: Ref, defining: str = "") -> Builder | None:
        """What ``ref`` is in ``scope``; a call of a router class factory is a router class."""
        dotted, called = ref
        local = (
            next((c for c in scope.function.classes if c.name == dotted), None)
            if (scope.function)
            else None
        )
        if local is not None:
            kind = self._class(scope, local)
        else:
            qualified = self._qualify(scope, dotted, defining)
            kind = self.builder(qualified) if qualified else None
        if called:
            return Builder.ROUTER_CLASS if kind is Builder.ROUTER_CLASS_FACTORY else None
        return kind

    def _class(self, scope: _Scope, fact: ClassFact) -> Builder | None:
        for base in fact.bases:
            kind = self._kind_of(scope, base, fact.name)
            if kind in _CLASSES:
                return kind
        return None

    def _function(self, module: _Module, function: FunctionFact) -> Builder | None:
        imports = self._absolute.imports(module.name, function.imports)
        scope = _Scope(module, function, imports)
        if function.annotation is not None:
            return self._annotated(scope, function.annotation)
        kinds = {self._returned(scope, value) for value in function.returned}
        kinds.discard(None)
        return kinds.pop() if len(kinds) == 1 else None

    def _annotated(self, scope: _Scope, annotation: Ref) -> Builder | None:
        """``-> APIRouter`` makes a router factory, ``-> type[APIRouter]`` a class factory."""
        name, is_type = annotation
        kind = self._kind_of(scope, (name, False)) if name else None
        if is_type:
            return Builder.ROUTER_CLASS_FACTORY if kind is Builder.ROUTER_CLASS else None
        return _MADE_BY_CALL.get(kind) if kind in _CLASSES else None

    def _returned(self, scope: _Scope, value: Ref) -> Builder | None:
        name, called = value
        kind = self._kind_of(scope, (name, False))
        if kind is None:
            return None
        if called:
            return _MADE_BY_CALL.get(kind)
        return Builder.ROUTER_CLASS_FACTORY if kind is Builder.ROUTER_CLASS else None


def parse_facts(text: str, file: Path) -> ModuleFacts | None:
    """The facts of a module's text; None when it does not parse."""
    try:
        tree = ast.parse(text, str(file))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    return read_facts(tree)


def read_source(file: Path) -> str:
    """The decoded text of ``file``; empty when it cannot be read or decoded."""
    try:
        decoded = decode_source(file.read_bytes())
    except OSError:
        return ""
    return "" if isinstance(decoded, DecodeProblem) else decoded


def _packages(names: Iterable[str]) -> set[str]:
    return {name.rsplit(".", depth)[0] for name in names for depth in range(1, name.count(".") + 1)}


def _definitions(module: _Module) -> Iterator[tuple[str, Ref | None]]:
    """Each module-level name with the reference it must mention to be looked at."""
    for cls in module.classes.values():
        yield cls.name, next(iter(cls.bases), None) if len(cls.bases) < 2 else ("Router", False)
    for function in module.functions.values():
        yield function.name, _function_hint(function)
    yield from module.values.items()
    yield from module.annotations.items()
    if not module.is_package:
        return  # an import elsewhere is a use, not a name other modules import it by
    for name, target in module.imports.items():
        if target not in FASTAPI_BUILDERS and not module.defines(name):
            # A re-export: ``from .routing import VersionedRouter`` in an ``__init__``.
            yield name, (target, False)


def _function_hint(function: FunctionFact) -> Ref | None:
    if function.classes:
        return ("Router", False)  # a class made inside: read its bases to know
    if function.annotation is not None:
        return function.annotation
    return next(iter(function.returned), None) if len(function.returned) == 1 else ("Router", False)


class _Scan:
    """Parse the files that may define a builder, round after round of new names."""

    def __init__(self, resolver: _Resolver) -> None:
        self._resolver = resolver
        self._hints = _Hints()

    def run(self, texts: dict[str, str], packages: set[str]) -> dict[str, Builder]:
        """``texts`` by module name; ``packages`` the ``__init__`` modules among them."""
        pattern = package_pattern = _FIRST_ROUND
        while True:
            matched = [
                name
                for name, text in texts.items()
                if self._hints.matched(text, package_pattern if name in packages else pattern)
            ]
            for name in matched:
                self._resolver.add(name, texts.pop(name))
            found = self.found()
            new = {qualified.rpartition(".")[2] for qualified in found} - self._hints.names
            if not new or not texts:
                return found
            self._hints.names |= new
            self._hints.words = tuple(sorted(new))
            words = _alternation(new)
            classes = _alternation(_named(found, new, Builder.ROUTER_CLASS))
            factories = _alternation(_named(found, new, Builder.ROUTER_CLASS_FACTORY))
            pattern = _pattern(words, classes=classes, factories=factories)
            package_pattern = _pattern(words, classes=classes, factories=factories, reexports=True)

    def found(self) -> dict[str, Builder]:
        """Every name the parsed modules bind to a builder, their re-exports included."""
        found: dict[str, Builder] = {}
        for module in self._resolver.modules():
            for name, hint in _definitions(module):
                if not self._hints.mentioned(hint):
                    continue
                qualified = f"{module.name}.{name}"
                kind = self._resolver.builder(qualified)
                if kind is not None:
                    found[qualified] = kind
        return found


def scan_router_kinds(
    files: Sequence[Path], root: Path, source_roots: Sequence[Path] = ()
) -> RouterKinds:
    """The project's own app, router and route builders, found in ``files``.

    ``files`` are the project's Python files (those linted, or more: a builder may live
    in a module the run does not lint); ``root`` and ``source_roots`` name them as
    modules the way the project step does. Unreadable and unparsable files are skipped.
    """
    namer = ModuleNamer(root, source_roots)
    names: dict[str, Path] = {}
    for file in files:
        names.setdefault(namer.name(file.absolute()), file)
    regular = (name for name, file in names.items() if file.name == "__init__.py")
    retry = RetriedImports(set(names), _packages(names), regular, (root, *source_roots))
    resolver = _Resolver(names, _Absolute(names, retry))
    texts = {name: read_source(file) for name, file in names.items()}
    packages = {name for name, file in names.items() if file.name == "__init__.py"}
    found = _Scan(resolver).run(texts, packages)
    grouped: dict[Builder, set[str]] = {}
    for qualified, kind in found.items():
        grouped.setdefault(kind, set()).add(qualified)
    return RouterKinds.of(grouped)


def layout_key(files: Sequence[Path], root: Path, source_roots: Sequence[Path] = ()) -> str:
    """A key for caching ``scan_router_kinds``: the files' paths, sizes and modification
    times (a stat each, no read), the roots, the version. Equal keys, equal scans."""
    digest = hashlib.sha256(f"{__version__}|{root}|{sorted(map(str, source_roots))}".encode())
    for file in sorted(files):
        try:
            found = os.stat(file)
            state = f"{found.st_size}|{found.st_mtime_ns}"
        except OSError:
            state = "missing"
        digest.update(f"\0{file}|{state}".encode("utf-8", "surrogateescape"))
    return digest.hexdigest()
