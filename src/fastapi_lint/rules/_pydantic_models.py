"""Which receivers of Pydantic v1 methods are Pydantic models (FAPI603).

A receiver's class is read from the code: a parameter or variable annotation, a
constructor call (``User(...)``, ``User.model_validate(...)``), ``self``/``cls`` in a
method, or the class itself (``User.parse_obj``). The file decides when that class is
one it defines (inheriting, through its own classes, from ``pydantic.BaseModel`` or its
kin) or pydantic's own; when the class comes from an import that is not pydantic's, the
call is left to the project step (``ModelMethodCall`` in the summary), which follows
the import across the project's modules. One call is never decided by both.

Names are bound per scope as Python binds them: a name bound twice to different things,
or by a loop, a comprehension or an ``except`` clause, has no known class, so a
``response.json()`` or a ``data.copy()`` is never taken for a model's.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Literal

import libcst as cst
from libcst.metadata import CodeRange

from fastapi_lint.fastapi_model import assigned_names, dotted_name, string_value, subscript_args
from fastapi_lint.fixes import PendingFix, replace
from fastapi_lint.positions import node_ranges, statement_ranges
from fastapi_lint.rule import FileContext
from fastapi_lint.summary import ModelMethodCall
from fastapi_lint.tree import children

MODEL_BASES = frozenset(
    {
        "pydantic.BaseModel",
        "pydantic.main.BaseModel",
        "pydantic.RootModel",
        "pydantic.root_model.RootModel",
        "pydantic.BaseSettings",
        "pydantic_settings.BaseSettings",
        "pydantic_settings.main.BaseSettings",
        "sqlmodel.SQLModel",
        "sqlmodel.main.SQLModel",
    }
)
# Modules that never hold the project's models (``pydantic.v1`` models are v1 on purpose).
_OUTSIDE = frozenset(sys.stdlib_module_names) | {
    "pydantic",
    "pydantic_settings",
    "sqlmodel",
    "fastapi",
    "starlette",
    "sqlalchemy",
    "httpx",
    "requests",
    "aiohttp",
    "typing_extensions",
}
_DUMP_KEYWORDS = frozenset(
    {"include", "exclude", "by_alias", "exclude_unset", "exclude_defaults", "exclude_none"}
)


@dataclass(frozen=True, slots=True)
class V1Name:
    """A v1 method or attribute: what replaces it, and when the fix is a plain rename.

    The rename keeps the meaning when Pydantic v2's deprecated method is itself a call of
    the new one with the same arguments: ``keywords`` are the arguments both accept
    (None: any, ``**kwargs`` included) and ``positional`` how many positional ones.
    """

    advice: str
    rename: str | None = None
    keywords: frozenset[str] | None = frozenset()
    positional: int = 0
    class_only: bool = False  # the rename is right on the class only (``model_fields``)
    # An argument the v2 method needs to mean the same, added after the positional one
    # (which must then be given): ``from_orm(x)`` is ``model_validate(x, from_attributes=True)``.
    appended: str = ""


V1_NAMES: dict[str, V1Name] = {
    "dict": V1Name("`.model_dump()`", "model_dump", _DUMP_KEYWORDS),
    "json": V1Name("`.model_dump_json()`", "model_dump_json", _DUMP_KEYWORDS),
    "copy": V1Name("`.model_copy()`", "model_copy", frozenset({"update", "deep"})),
    "parse_obj": V1Name("`.model_validate()`", "model_validate", positional=1),
    "parse_raw": V1Name("`.model_validate_json()`", "model_validate_json", positional=1),
    "parse_file": V1Name("`.model_validate_json()` on the file's text"),
    "from_orm": V1Name(
        "`.model_validate(..., from_attributes=True)`",
        "model_validate",
        positional=1,
        appended="from_attributes=True",
    ),
    "construct": V1Name("`.model_construct()`", "model_construct", None, 1),
    "schema": V1Name(
        "`.model_json_schema()`", "model_json_schema", frozenset({"by_alias", "ref_template"})
    ),
    "schema_json": V1Name("`json.dumps(Model.model_json_schema())`"),
    "update_forward_refs": V1Name("`.model_rebuild()`"),
    "validate": V1Name("`.model_validate()`", "model_validate", positional=1),
    "__fields__": V1Name("`model_fields` (read on the class)", "model_fields", class_only=True),
    "__fields_set__": V1Name("`model_fields_set`", "model_fields_set"),
}
ATTRIBUTES = frozenset({"__fields__", "__fields_set__"})
METHODS = frozenset(V1_NAMES) - ATTRIBUTES
# Class methods whose result is an instance of the class they are called on.
_CONSTRUCTORS = frozenset(
    {
        "parse_obj",
        "parse_raw",
        "parse_file",
        "from_orm",
        "construct",
        "validate",
        "model_validate",
        "model_validate_json",
        "model_validate_strings",
        "model_construct",
    }
)
_COPIES = frozenset({"copy", "model_copy"})
_MAX_COPIES = 8
_VALIDATOR_DECORATORS = frozenset(
    {"classmethod", "validator", "root_validator", "field_validator", "model_validator"}
)
_CLASS_PARAMETER_METHODS = frozenset({"__new__", "__init_subclass__", "__class_getitem__"})
_UNWRAPPED = frozenset({"Optional", "Annotated", "ClassVar", "Final", "Required", "type", "Type"})

# -- what names are bound to ---------------------------------------------------------------

BindingKind = Literal["type", "class_of", "copy_of", "class", "import", "self", "cls", "other"]


@dataclass(frozen=True, slots=True)
class Binding:
    """What a name of one scope is: ``type`` an instance of the class ``text`` spells,
    ``class_of`` that class itself (``type[User]``), ``class`` a class the module defines,
    ``import`` what an import binds (``text`` its absolute name, "" when relative),
    ``self``/``cls`` the first parameter of a method of class ``text``, ``copy_of`` a copy
    of the value ``text`` names (``user.model_copy()``)."""

    kind: BindingKind
    text: str = ""


OTHER = Binding("other")
Scope = cst.Module | cst.FunctionDef | cst.Lambda | cst.ClassDef
Table = dict[str, Binding]


def _annotation_binding(annotation: cst.BaseExpression) -> Binding:
    """``User``, ``Optional[User]``, ``User | None``, ``"User"``, ``type[User]``."""
    node: cst.BaseExpression | None = annotation
    kind: BindingKind = "type"
    while node is not None:
        text = dotted_name(node) or _forward_reference(node)
        if text:
            return Binding(kind, text)
        if isinstance(node, cst.Subscript) and _last(dotted_name(node.value)) in ("type", "Type"):
            kind = "class_of"
        node = _inner_type(node)
    return OTHER


def _forward_reference(node: cst.BaseExpression) -> str | None:
    text = string_value(node)
    return text if text and all(part.isidentifier() for part in text.split(".")) else None


def _inner_type(node: cst.BaseExpression) -> cst.BaseExpression | None:
    if isinstance(node, cst.Subscript):
        wrapper = _last(dotted_name(node.value))
        args = subscript_args(node)
        return args[0] if args and wrapper in _UNWRAPPED else None
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.BitOr):
        # ``User | None``; ``User | Admin`` has no one class
        if _is_none(node.left):
            return node.right
        return node.left if _is_none(node.right) else None
    return None


def _last(dotted: str | None) -> str:
    return (dotted or "").rpartition(".")[2]


def value_binding(value: cst.BaseExpression) -> Binding:
    """``User(...)``, ``User.model_validate(...)``: an instance of the class called."""
    if isinstance(value, cst.NamedExpr):
        return value_binding(value.value)
    if not isinstance(value, cst.Call):
        return OTHER
    callee = dotted_name(value.func)
    if callee is None:
        return OTHER
    owner, _, method = callee.rpartition(".")
    if owner and method in _CONSTRUCTORS:
        return Binding("type", owner)
    if owner and method in _COPIES:
        return Binding("copy_of", owner)
    return Binding("type", callee)


def _is_none(node: cst.BaseExpression | None) -> bool:
    return isinstance(node, cst.Name) and node.value == "None"


def _names_of(target: cst.BaseExpression, value: Binding) -> Iterator[tuple[str, Binding]]:
    if isinstance(target, cst.Name):
        yield target.value, value
        return
    for name in assigned_names(target):  # unpacking: the class of each part is unknown
        yield name, OTHER


def _assign(node: cst.CSTNode) -> Iterator[tuple[str, Binding]]:
    assert isinstance(node, cst.Assign)
    if _is_none(node.value):  # ``x = None`` placeholders say nothing of the class
        return
    value = value_binding(node.value)
    for target in node.targets:
        yield from _names_of(target.target, value)


def _ann_assign(node: cst.CSTNode) -> Iterator[tuple[str, Binding]]:
    assert isinstance(node, cst.AnnAssign)
    value = _annotation_binding(node.annotation.annotation)
    if value is OTHER and node.value is not None and not _is_none(node.value):
        value = value_binding(node.value)
    yield from _names_of(node.target, value)


def _unknown_targets(node: cst.CSTNode) -> Iterator[tuple[str, Binding]]:
    """Loop and augmented-assignment targets, comprehension variables."""
    target = getattr(node, "target", None)
    if isinstance(target, cst.BaseExpression):
        yield from ((name, OTHER) for name in assigned_names(target))


def _with(node: cst.CSTNode) -> Iterator[tuple[str, Binding]]:
    assert isinstance(node, cst.With)
    for item in node.items:
        if item.asname is not None:
            yield from _names_of(item.asname.name, value_binding(item.item))


def _named_expr(node: cst.CSTNode) -> Iterator[tuple[str, Binding]]:
    assert isinstance(node, cst.NamedExpr)
    yield from _names_of(node.target, value_binding(node.value))


def _import(node: cst.CSTNode) -> Iterator[tuple[str, Binding]]:
    assert isinstance(node, cst.Import)
    for alias in node.names:
        full = dotted_name(alias.name) or ""
        if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
            yield alias.asname.name.value, Binding("import", full)
        else:
            root = full.partition(".")[0]
            yield root, Binding("import", root)


def _import_from(node: cst.CSTNode) -> Iterator[tuple[str, Binding]]:
    assert isinstance(node, cst.ImportFrom)
    if isinstance(node.names, cst.ImportStar):
        return
    module = dotted_name(node.module) or ""
    for alias in node.names:
        name = dotted_name(alias.name) or ""
        local = alias.asname.name if alias.asname else alias.name
        if isinstance(local, cst.Name):
            # A relative import names a module of the project: only the project step knows it.
            full = "" if node.relative else f"{module}.{name}"
            yield local.value, Binding("import", full)


def _named(node: cst.CSTNode) -> Iterator[tuple[str, Binding]]:
    """A name bound to something without a class the rule tracks (a def, an except...)."""
    name = getattr(node, "name", None)
    if isinstance(name, cst.AsName):
        name = name.name
    if isinstance(name, cst.Name):
        yield name.value, OTHER
    for item in getattr(node, "names", ()):  # ``global``/``nonlocal``
        if isinstance(item, cst.NameItem):
            yield item.name.value, OTHER


_Binder = Callable[[cst.CSTNode], Iterator[tuple[str, Binding]]]
_BINDERS: dict[type[cst.CSTNode], _Binder] = {
    cst.Assign: _assign,
    cst.AnnAssign: _ann_assign,
    cst.AugAssign: _unknown_targets,
    cst.For: _unknown_targets,
    cst.CompFor: _unknown_targets,
    cst.With: _with,
    cst.NamedExpr: _named_expr,
    cst.Import: _import,
    cst.ImportFrom: _import_from,
    cst.FunctionDef: _named,
    cst.ClassDef: _named,
    cst.ExceptHandler: _named,
    cst.ExceptStarHandler: _named,
    cst.Global: _named,
    cst.Nonlocal: _named,
    cst.MatchAs: _named,
    cst.MatchStar: _named,
    cst.TypeAlias: _named,
}
_NEW_SCOPES = (cst.FunctionDef, cst.ClassDef, cst.Lambda)


def _bind(table: Table, name: str, value: Binding) -> None:
    previous = table.get(name)
    table[name] = value if previous is None or previous == value else OTHER


def _scope_bindings(roots: Sequence[cst.CSTNode], classes: dict[str, cst.ClassDef] | None) -> Table:
    """Every name the code of one scope binds; nested defs, classes and lambdas are theirs.

    ``classes`` is given for the module: its classes are bound as such, and kept there.
    """
    table: Table = {}
    stack = list(roots)
    while stack:
        node = stack.pop()
        if classes is not None and isinstance(node, cst.ClassDef):
            classes[node.name.value] = node
            _bind(table, node.name.value, Binding("class", node.name.value))
        else:
            binder = _BINDERS.get(type(node))
            for name, value in binder(node) if binder is not None else ():
                _bind(table, name, value)
        if not isinstance(node, _NEW_SCOPES):
            stack.extend(children(node))
    return table


def _decorator_names(function: cst.FunctionDef) -> set[str]:
    found = set()
    for decorator in function.decorators:
        target = decorator.decorator
        found.add(_last(dotted_name(target.func if isinstance(target, cst.Call) else target)))
    return found


def _first_parameter_binding(function: cst.FunctionDef, owner: str) -> Binding:
    """``self`` (or ``cls``) of a method of the module-level class ``owner``."""
    decorators = _decorator_names(function)
    if "staticmethod" in decorators:
        return OTHER
    if decorators & _VALIDATOR_DECORATORS or function.name.value in _CLASS_PARAMETER_METHODS:
        return Binding("cls", owner)
    return Binding("self", owner)


def _parameter_bindings(function: cst.FunctionDef, owner: str | None) -> Table:
    table: Table = {}
    params = function.params
    positional = [*params.posonly_params, *params.params]
    for index, param in enumerate([*positional, *params.kwonly_params]):
        value = OTHER
        if param.annotation is not None:
            value = _annotation_binding(param.annotation.annotation)
        elif index == 0 and owner is not None and positional:
            value = _first_parameter_binding(function, owner)
        _bind(table, param.name.value, value)
    for extra in (params.star_arg, params.star_kwarg):
        if isinstance(extra, cst.Param):
            _bind(table, extra.name.value, OTHER)
    return table


def _lambda_table(function: cst.Lambda) -> Table:
    params = function.params
    every = [*params.posonly_params, *params.params, *params.kwonly_params]
    every += [p for p in (params.star_arg, params.star_kwarg) if isinstance(p, cst.Param)]
    return {param.name.value: OTHER for param in every}


# -- receivers and the file's decision -----------------------------------------------------

Status = Literal["model", "not", "unknown"]
# A scope of the lookup chain, and the module-level class it is a method of (or None).
Link = tuple[Scope, str | None]


@dataclass(frozen=True, slots=True)
class Receiver:
    """A receiver's class as the code spells it: ``target``, looked up from ``chain``.

    ``is_type``: ``target`` spells the receiver's class (it must be a class); otherwise
    ``target`` names the receiver itself (a class or an instance). ``attributes`` are read
    on it next (``user.address``). ``is_class``: the receiver is the class itself.
    """

    target: str
    is_type: bool
    attributes: tuple[str, ...]
    is_class: bool
    chain: tuple[Link, ...]


@dataclass(frozen=True, slots=True)
class InFile:
    """Decided in the file: the receiver is a model of class ``model``."""

    model: str
    is_class: bool


@dataclass(frozen=True, slots=True)
class Deferred:
    """Left to the project step: the class comes from an import the file cannot judge."""

    receiver: Receiver


class FileModels:
    """One file's binding tables and classes, built on first use and shared per file."""

    def __init__(self, module: cst.Module) -> None:
        self.module = module
        self.classes: dict[str, cst.ClassDef] = {}
        self._tables: dict[int, Table] = {}
        self._chains: dict[str, tuple[Status, frozenset[str]]] = {}

    def table(self, scope: Scope, owner: str | None) -> Table:
        """Names bound in ``scope``; ``owner`` is the module-level class of a method."""
        found = self._tables.get(id(scope))
        if found is None:
            found = self._build_table(scope, owner)
            self._tables[id(scope)] = found
        return found

    def _build_table(self, scope: Scope, owner: str | None) -> Table:
        if isinstance(scope, cst.Module):
            return _scope_bindings(scope.body, self.classes)
        if isinstance(scope, cst.Lambda):
            return _lambda_table(scope)
        if isinstance(scope, cst.ClassDef):
            return _scope_bindings([scope.body], None)
        table = _parameter_bindings(scope, owner)
        for name, value in _scope_bindings([scope.body], None).items():
            _bind(table, name, value)
        return table

    def lookup(self, name: str, chain: Sequence[Link]) -> tuple[Binding, int] | None:
        """The binding of ``name`` seen from ``chain[0]``, and the index of its scope."""
        for index, (scope, owner) in enumerate(chain):
            found = self.table(scope, owner).get(name)
            if found is not None:
                return found, index
        return None

    def module_class(self, name: str) -> cst.ClassDef | None:
        """The module-level class ``name``, when the module binds that name to it alone."""
        if self.table(self.module, None).get(name) != Binding("class", name):
            return None
        return self.classes.get(name)

    def chain_of(self, node: cst.ClassDef) -> tuple[Status, frozenset[str]]:
        """Whether a class of the module is a model, and the names its classes define.

        ``unknown`` when a base comes from an import the file cannot judge: the project
        step will (and will see what those bases define).
        """
        name = node.name.value
        known = self._chains.get(name)
        if known is None:
            self._chains[name] = ("not", frozenset())  # a class deriving from itself
            known = self._chain(node)
            self._chains[name] = known
        return known

    def _chain(self, node: cst.ClassDef) -> tuple[Status, frozenset[str]]:
        statuses: set[Status] = set()
        names = set(_class_names(node))
        for base in node.bases:
            if base.keyword is None:
                status, inherited = self._base_status(base.value)
                statuses.add(status)
                names |= inherited
        if "unknown" in statuses:
            return "unknown", frozenset(names)
        return ("model" if "model" in statuses else "not"), frozenset(names)

    def _base_status(self, base: cst.BaseExpression) -> tuple[Status, frozenset[str]]:
        if isinstance(base, cst.Subscript):  # ``Page[Item]``, ``RootModel[list[int]]``
            base = base.value
        dotted = dotted_name(base)
        if dotted is None:
            return "unknown", frozenset()
        binding = self.table(self.module, None).get(dotted.partition(".")[0])
        if binding is None:
            return "not", frozenset()  # a builtin (``dict``, ``object``)
        local = self.module_class(dotted) if binding.kind == "class" else None
        if local is not None:
            return self.chain_of(local)
        if binding.kind == "import":
            return _import_status(binding, dotted), frozenset()
        return "not", frozenset()


def _import_status(binding: Binding, dotted: str) -> Status:
    if not binding.text:
        return "unknown"
    full = binding.text + dotted[len(dotted.partition(".")[0]) :]
    if full in MODEL_BASES:
        return "model"
    return "not" if full.partition(".")[0] in _OUTSIDE else "unknown"


def _class_names(node: cst.ClassDef) -> Iterator[str]:
    """Names a class body defines: methods, fields, attributes (they hide v1 methods)."""
    body = node.body.body if isinstance(node.body, cst.IndentedBlock) else ()
    for statement in body:
        if isinstance(statement, cst.FunctionDef | cst.ClassDef):
            yield statement.name.value
        elif isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                yield from _statement_targets(small)


def _statement_targets(small: cst.BaseSmallStatement) -> Iterator[str]:
    if isinstance(small, cst.Assign):
        for target in small.targets:
            yield from assigned_names(target.target)
    elif isinstance(small, cst.AnnAssign):
        yield from assigned_names(small.target)


class Classifier:
    """Decides, for the node being walked, whether a receiver is a model (see the module)."""

    def __init__(self, context: FileContext) -> None:
        self.context = context

    @property
    def models(self) -> FileModels:
        return self.context.shared(FileModels)

    def chain(self) -> tuple[Link, ...]:
        """The scopes a name is looked up in from the walk's position, innermost first."""
        scopes = self.context.scopes
        first = scopes[0] if scopes else None
        owner = first.name.value if isinstance(first, cst.ClassDef) else None
        links: list[Link] = []
        for index in range(len(scopes) - 1, -1, -1):
            scope = scopes[index]
            if isinstance(scope, cst.ClassDef) and index != len(scopes) - 1:
                continue  # a class body's names are not seen from its methods
            links.append((scope, owner if index == 1 else None))
        links.append((self.context.module, None))
        return tuple(links)

    def classify(self, receiver: cst.BaseExpression, name: str) -> InFile | Deferred | None:
        """``InFile`` when the file knows the receiver is a model, ``Deferred`` when only
        the project can tell, None when it is not a model or nothing says what it is."""
        found = self.receiver(receiver, self.chain())
        return None if found is None else self.decide(found, name)

    def receiver(self, node: cst.BaseExpression, chain: tuple[Link, ...]) -> Receiver | None:
        if isinstance(node, cst.Name):
            return self._named(node.value, chain)
        if isinstance(node, cst.Attribute):
            dotted = dotted_name(node)
            return None if dotted is None else self._dotted(dotted, chain)
        if isinstance(node, cst.Call):
            return self._made_by(node, chain)
        return None

    def _named(self, name: str, chain: tuple[Link, ...], depth: int = 0) -> Receiver | None:
        found = self.models.lookup(name, chain)
        if found is None:
            return None
        binding, index = found
        here, kind = chain[index:], binding.kind
        if kind in ("type", "class_of"):
            return Receiver(binding.text, True, (), kind == "class_of", here)
        if kind in ("self", "cls"):
            return Receiver(binding.text, True, (), kind == "cls", chain[-1:])
        if kind in ("class", "import"):
            return Receiver(name, False, (), kind == "class", here)
        if kind == "copy_of" and depth < _MAX_COPIES:  # ``x = x.copy()`` must end
            return self._copied(binding.text, here, depth + 1)
        return None

    def _dotted(self, dotted: str, chain: tuple[Link, ...], depth: int = 0) -> Receiver | None:
        root, _, rest = dotted.partition(".")
        base = self._named(root, chain, depth)
        if not rest or base is None:
            return base
        if base.is_class:  # attributes of a class: not an instance's
            return None
        if base.target == root and not base.is_type:  # ``schemas.User``, ``config.settings``
            return Receiver(dotted, False, (), False, base.chain)
        attributes = base.attributes + tuple(rest.split("."))
        return Receiver(base.target, base.is_type, attributes, False, base.chain)

    def _copied(self, source: str, chain: tuple[Link, ...], depth: int) -> Receiver | None:
        """A copy, or a ``User.parse_obj(...)`` result: an instance of the source's class."""
        made = self._dotted(source, chain, depth)
        if made is None or made.attributes:
            return None
        return Receiver(made.target, made.is_type, (), False, made.chain)

    def _made_by(self, call: cst.Call, chain: tuple[Link, ...]) -> Receiver | None:
        """``User(...)``, ``User.model_validate(...)``, ``user.model_copy()``: a model made."""
        callee = dotted_name(call.func)
        if callee is None:
            return None
        owner, _, method = callee.rpartition(".")
        if owner and (method in _CONSTRUCTORS or method in _COPIES):
            return self._copied(owner, chain, 0)
        found = self._named(callee.partition(".")[0], chain)
        if found is None or found.is_type:  # ``client.get()``: a method, not a class
            return None
        return Receiver(callee, True, (), False, found.chain)

    def decide(self, receiver: Receiver, name: str) -> InFile | Deferred | None:
        root, _, rest = receiver.target.partition(".")
        found = self.models.lookup(root, receiver.chain)
        if found is None:
            return None
        binding = found[0]
        local = self.models.module_class(root) if binding.kind == "class" and not rest else None
        if local is not None:
            return self._local(local, receiver, name)
        if binding.kind != "import":
            return None
        status = _import_status(binding, receiver.target)
        if status == "model" and not receiver.attributes:
            return InFile(_last(binding.text), receiver.is_class)
        return Deferred(receiver) if status == "unknown" else None

    def _local(self, node: cst.ClassDef, receiver: Receiver, name: str) -> InFile | Deferred | None:
        if receiver.attributes:
            return Deferred(receiver)
        status, names = self.models.chain_of(node)
        if name in names:  # the class (or a base the file defines) has its own ``dict``...
            return None
        if status == "model":
            return InFile(node.name.value, receiver.is_class)
        return Deferred(receiver) if status == "unknown" else None


# -- fixes and positions -------------------------------------------------------------------


def call_fixable(call: cst.Call, name: str) -> bool:
    """Whether the call's arguments mean the same to the v2 method (a plain rename)."""
    v1 = V1_NAMES[name]
    if v1.rename is None:
        return False
    if v1.keywords is None:
        return True
    positional = 0
    for arg in call.args:
        if arg.star:
            return False
        if arg.keyword is None:
            positional += 1
        elif arg.keyword.value not in v1.keywords:
            return False
    if v1.appended:  # the added argument goes after the one positional argument
        return positional == v1.positional
    return positional <= v1.positional


def rename_fix(checked: Checked) -> PendingFix:
    """The v2 name instead of the v1 one, and the argument it needs, if any.

    With an argument to add, the whole call is what changes (one edit, from the name to
    the argument): ``Item.from_orm(row)`` -> ``Item.model_validate(row, from_attributes=True)``.
    """
    v1 = V1_NAMES[checked.name.value]
    assert v1.rename is not None
    message = f"Use `{v1.rename}`"
    appended = appended_argument(checked)
    if appended is None or checked.call is None:
        return replace(checked.name, cst.Name(v1.rename), message)
    func = checked.call.func
    assert isinstance(func, cst.Attribute)
    renamed = func.with_changes(attr=cst.Name(v1.rename))
    new = checked.call.with_changes(func=renamed, args=_with_argument(appended, v1))
    return replace(checked.call, new, message)


def appended_argument(checked: Checked) -> cst.Arg | None:
    """The argument after which the v2 method needs one more (``from_orm(x)``), if any."""
    if checked.call is None or not V1_NAMES[checked.name.value].appended:
        return None
    return checked.call.args[0]


def _with_argument(arg: cst.Arg, v1: V1Name) -> tuple[cst.Arg, cst.Arg]:
    """``x`` -> ``x, from_attributes=True``: the new argument takes over what followed ``x``."""
    keyword, _, value = v1.appended.partition("=")
    added = cst.Arg(
        keyword=cst.Name(keyword),
        value=cst.parse_expression(value),
        equal=cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace("")),
        comma=arg.comma,
        whitespace_after_arg=arg.whitespace_after_arg,
    )
    first = arg.with_changes(
        comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")),
        whitespace_after_arg=cst.SimpleWhitespace(""),
    )
    return first, added


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


# -- what the walk meets -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Checked:
    """A v1 method or attribute met by the walk, and whether the rename fixes it."""

    receiver: cst.BaseExpression
    name: cst.Name
    fixable: bool
    call: cst.Call | None = None  # the method's call, for ``from_orm``'s added argument


def v1_call(node: cst.Call) -> Checked | None:
    """``receiver.dict(...)``: the receiver, the method's name, and whether a rename fixes it."""
    func = node.func
    if not isinstance(func, cst.Attribute) or func.attr.value not in METHODS:
        return None
    return Checked(func.value, func.attr, call_fixable(node, func.attr.value), node)


def v1_attribute(node: cst.Attribute) -> Checked | None:
    """``receiver.__fields__``: renamed unless read on a call's result (kept simple)."""
    if node.attr.value not in ATTRIBUTES:
        return None
    return Checked(node.value, node.attr, not isinstance(node.value, cst.Call))


def function_name(scopes: Sequence[cst.CSTNode]) -> str:
    """The module-level def or method the walk is in, as the summary names it; "" if none."""
    first = scopes[0] if scopes else None
    if isinstance(first, cst.FunctionDef):
        return first.name.value
    second = scopes[1] if len(scopes) > 1 else None
    if isinstance(first, cst.ClassDef) and isinstance(second, cst.FunctionDef):
        return f"{first.name.value}.{second.name.value}"
    return ""


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
