"""Module-level names read as aliases of the class they stand for, for ``async`` rules.

The model binds ``SessionLocal = sessionmaker(...)`` to an instance of ``sessionmaker``
and ``SessionDep = Annotated[Session, Depends(get_session)]`` to nothing it knows, so
``db = SessionLocal()`` and ``db: SessionDep`` say nothing about ``db``. Reading those
names as aliases of the class they produce or annotate (``Session``) lets the model's
own inference (constructor calls, ``with ... as``, annotations) type ``db``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import libcst as cst

from fastapi_lint.analysis.async_scope import AsyncBodyRule

# The model's statement walker: private there, reused here rather than written again.
from fastapi_lint.fastapi_model.module import ModuleModel
from fastapi_lint.fastapi_model.names import Bindings, BoundValue
from fastapi_lint.fastapi_model.syntax import child_statements
from fastapi_lint.rule import FileContext

Resolve = Callable[[cst.BaseExpression], str | None]
# ``factory(call, resolve)``: the class whose instances a factory call's result builds.
Factory = Callable[[cst.Call, Resolve], str | None]
_ANNOTATED = frozenset({"typing.Annotated", "typing_extensions.Annotated"})


def module_statements(module: cst.Module) -> Iterator[cst.CSTNode]:
    """Statements run at import time, including those under ``if``/``try``/``with``."""
    stack: list[cst.CSTNode] = list(reversed(module.body))
    while stack:
        node = stack.pop()
        yield node
        if not isinstance(node, cst.FunctionDef | cst.ClassDef):
            stack.extend(reversed(list(child_statements(node))))


def _assigned(node: cst.CSTNode) -> tuple[list[str], cst.BaseExpression] | None:
    """``(names, value)`` of ``X = v``, ``X: T = v`` and ``type X = v``."""
    if isinstance(node, cst.Assign):
        # ``X = None`` placeholders say nothing about what ``X`` will be.
        if isinstance(node.value, cst.Name) and node.value.value == "None":
            return None
        names = [t.target.value for t in node.targets if isinstance(t.target, cst.Name)]
        return names, node.value
    if isinstance(node, cst.AnnAssign) and node.value is not None:
        target = node.target
        return ([target.value] if isinstance(target, cst.Name) else []), node.value
    if isinstance(node, cst.TypeAlias):
        return [node.name.value], node.value
    return None


class AliasedNames:
    """Module names to read as class aliases, and function bindings that see them."""

    def __init__(self, model: ModuleModel, aliases: dict[str, BoundValue]) -> None:
        self._model = model
        self._aliases = aliases
        self._bindings: dict[int, Bindings] = {}

    @classmethod
    def build(cls, module: cst.Module, model: ModuleModel, factory: Factory) -> AliasedNames:
        """Read the module's ``Annotated`` aliases and the results of ``factory`` calls."""
        found: dict[str, BoundValue | None] = {}
        for node in module_statements(module):
            assigned = _assigned(node)
            if assigned is None:
                continue
            alias = _alias_of(assigned[1], model, factory)
            for name in assigned[0]:
                # A name assigned twice, to different things, is no alias at all.
                found[name] = alias if found.get(name, alias) == alias else None
        return cls(model, {name: alias for name, alias in found.items() if alias is not None})

    @property
    def has_aliases(self) -> bool:
        """False when every name reads as the model binds it (most modules)."""
        return bool(self._aliases)

    def module_value(self, name: str) -> BoundValue | None:
        return self._aliases.get(name) or self._model.module_value(name)

    def function_bindings(self, function: cst.FunctionDef) -> Bindings:
        """Like ``ModuleModel.function_bindings``, with module names read through the aliases."""
        cached = self._bindings.get(id(function))
        if cached is not None:
            return cached
        bindings = Bindings()

        def lookup(name: str) -> BoundValue | None:
            return bindings.get(name) or self.module_value(name)

        # The model's own binders, given this lookup instead of the module's.
        self._model.bind_parameters(function.params, bindings, lookup)
        for name in self._model.bind_body(function, bindings, lookup):
            bindings.values.pop(name, None)
        self._bindings[id(function)] = bindings
        return bindings


def _alias_of(
    value: cst.BaseExpression,
    model: ModuleModel,
    factory: Factory,
) -> BoundValue | None:
    if isinstance(value, cst.Call):
        produced = factory(value, model.qualified_name)
        return BoundValue(produced, is_instance=False) if produced else None
    if isinstance(value, cst.Subscript) and model.qualified_name(value.value) in _ANNOTATED:
        annotated = model.annotation_value(value, model.module_bindings.get)
        return BoundValue(annotated.qualified, is_instance=False) if annotated.known else None
    return None


def no_factory(call: cst.Call, resolve: Resolve) -> str | None:
    """For rules with no factory to follow: only ``Annotated`` aliases are read."""
    return None


class AliasAwareRule(AsyncBodyRule):
    """An ``AsyncBodyRule`` whose lookups read module-level aliases as their class."""

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self._aliased_names: AliasedNames | None = None

    def factory_class(self, call: cst.Call, resolve: Resolve) -> str | None:
        """The class whose instances ``call`` (a module-level factory) produces, if any."""
        return no_factory(call, resolve)

    def _names(self) -> AliasedNames:
        # Built on first use: most files never reach a call the rule cares about.
        names = self._aliased_names
        if names is None:
            names = AliasedNames.build(self.context.module, self.context.model, self.factory_class)
            self._aliased_names = names
        return names

    def bindings_of(self, function: cst.FunctionDef) -> Bindings:
        return self._names().function_bindings(function)

    def module_value(self, name: str) -> BoundValue | None:
        return self._names().module_value(name)
