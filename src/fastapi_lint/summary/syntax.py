"""Small readings of syntax nodes for the project summary: type names, dependencies, columns."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Mapping
from typing import TypeGuard

import libcst as cst

from fastapi_lint.fastapi_model.dependencies import DEPENDENCY_MARKERS
from fastapi_lint.fastapi_model.module import ModuleModel
from fastapi_lint.fastapi_model.syntax import (
    child_statements,
    dotted_name,
    keyword_arg,
    positional_args,
    string_value,
    subscript_args,
)
from fastapi_lint.summary.records import ALIAS_MARK, FACTORY_MARK, ImportBinding

_WRAPPERS = frozenset({"Optional", "Annotated", "ClassVar", "Final", "Required", "NotRequired"})
_DOTTED = re.compile(r"[A-Za-z_][\w.]*")
_STDLIB = frozenset(sys.stdlib_module_names) | {"builtins"}
_FRAMEWORKS = ("fastapi.", "starlette.", "pydantic.", "sqlalchemy.", "sqlmodel.")


def is_stdlib(qualified: str) -> bool:
    return qualified.partition(".")[0] in _STDLIB


def type_text(annotation: cst.BaseExpression | None) -> str | None:
    """``Repo`` for ``Repo``, ``Optional[Repo]``, ``Repo | None``, ``Annotated[Repo, ...]``."""
    node = annotation
    while node is not None:
        if isinstance(node, cst.Name | cst.Attribute):
            return dotted_name(node)
        text = string_value(node)  # a forward reference: "Repo"
        if text is not None:
            return text if _DOTTED.fullmatch(text) else None
        node = _inner_type(node)
    return None


def _inner_type(node: cst.BaseExpression) -> cst.BaseExpression | None:
    if isinstance(node, cst.Subscript):
        wrapper = (dotted_name(node.value) or "").rpartition(".")[2]
        args = subscript_args(node)
        return args[0] if wrapper in _WRAPPERS and args else None
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.BitOr):
        left_is_none = isinstance(node.left, cst.Name) and node.left.value == "None"
        return node.right if left_is_none else node.left
    return None


def _assigned_type(node: cst.CSTNode) -> list[tuple[str, str]]:
    """``x = Repo(...)``, ``x: Repo = ...`` and ``with Repo() as x`` give ``(x, "Repo")``."""
    if isinstance(node, cst.Assign):
        return _typed(_names(t.target for t in node.targets), _callee(node.value))
    if isinstance(node, cst.AnnAssign):
        return _typed(_names([node.target]), type_text(node.annotation.annotation))
    if isinstance(node, cst.With):
        found: list[tuple[str, str]] = []
        for item in node.items:
            names = _names([item.asname.name]) if item.asname else []
            found += _typed(names, _callee(item.item))
        return found
    return []


def _callee(node: cst.BaseExpression) -> str | None:
    return dotted_name(node.func) if isinstance(node, cst.Call) else None


def _typed(names: list[str], kind: str | None) -> list[tuple[str, str]]:
    return [(name, kind) for name in names] if kind else []


def _names(targets: Iterable[cst.BaseExpression]) -> list[str]:
    return [target.value for target in targets if isinstance(target, cst.Name)]


def local_types(function: cst.FunctionDef) -> dict[str, str]:
    """Names of a def (parameters, its own assignments) whose class the code spells out.

    The class stays as written (``Repo``, ``repos.Repo``): the project step resolves it
    in the module's scope, where local classes are known too.
    """
    found: dict[str, str] = {}
    for param in _parameters(function.params):
        annotated = type_text(param.annotation.annotation) if param.annotation else None
        if annotated:
            found[param.name.value] = annotated
    stack = list(child_statements(function))
    while stack:
        node = stack.pop()
        found.update(_assigned_type(node))
        if not isinstance(node, cst.FunctionDef | cst.ClassDef):
            stack.extend(child_statements(node))
    return found


def _parameters(params: cst.Parameters) -> list[cst.Param]:
    return [*params.posonly_params, *params.params, *params.kwonly_params]


def first_parameter(function: cst.FunctionDef) -> str | None:
    every = [*function.params.posonly_params, *function.params.params]
    return every[0].name.value if every else None


def one_line(module: cst.Module, node: cst.CSTNode) -> str:
    return " ".join(module.code_for_node(node).split())


def prefix_text(module: cst.Module, expr: cst.BaseExpression | None) -> str:
    """A path prefix: the literal, or ``<expr>`` when only known at run time."""
    if expr is None:
        return ""
    literal = string_value(expr)
    return literal if literal is not None else f"<{one_line(module, expr)}>"


def _marker_target(model: ModuleModel, node: cst.CSTNode | None) -> str | None:
    """``f`` for ``Depends(f)``; ``""`` for a bare ``Depends()``; None if no marker."""
    if not isinstance(node, cst.Call) or model.qualified_name(node.func) not in DEPENDENCY_MARKERS:
        return None
    args = positional_args(node)
    target = keyword_arg(node, "dependency") or (args[0] if args else None)
    return "" if target is None else dotted_name(target) or one_line_expr(target)


def one_line_expr(node: cst.BaseExpression) -> str:
    return " ".join(cst.Module(body=[]).code_for_node(node).split())


def listed_dependencies(model: ModuleModel, expr: cst.BaseExpression | None) -> list[str]:
    """The targets of ``dependencies=[Depends(a), Security(b)]``."""
    if not isinstance(expr, cst.List | cst.Tuple):
        return []
    targets = (_marker_target(model, element.value) for element in expr.elements)
    return [target for target in targets if target]


def parameter_dependencies(
    model: ModuleModel, function: cst.FunctionDef, aliases: Mapping[str, str]
) -> list[str]:
    """What the parameters depend on: ``Depends(f)`` defaults, ``Annotated`` markers, aliases."""
    found: list[str] = []
    for param in _parameters(function.params):
        annotation = param.annotation.annotation if param.annotation else None
        target = _marker_target(model, param.default)
        if target is None and annotation is not None:
            target = _annotated_target(model, annotation, aliases)
        if target == "":  # a bare Depends(): the annotated class is the dependency
            target = type_text(annotation)
        if target:
            found.append(target)
    return found


def _annotated_target(
    model: ModuleModel, annotation: cst.BaseExpression, aliases: Mapping[str, str]
) -> str | None:
    if not isinstance(annotation, cst.Name):
        return annotated_dependency(model, annotation)
    known = aliases.get(annotation.value)
    if known is not None:
        return known
    # Imported from another module of the project, maybe an alias there: resolved later.
    value = model.module_value(annotation.value)
    if value is None or not value.known or value.is_instance:
        return None
    library = value.qualified.startswith(_FRAMEWORKS) or is_stdlib(value.qualified)
    return None if library else ALIAS_MARK + annotation.value


def annotated_dependency(model: ModuleModel, node: cst.BaseExpression) -> str | None:
    """``f`` for ``Annotated[T, Depends(f)]``, ``""`` for ``Annotated[T, Depends()]``."""
    if not isinstance(node, cst.Subscript) or not (dotted_name(node.value) or "").endswith(
        "Annotated"
    ):
        return None
    for arg in subscript_args(node)[1:]:
        target = _marker_target(model, arg)
        if target is not None:
            return target or type_text(subscript_args(node)[0]) or ""
    return None


def callee_columns(line_text: str, callee: str, start: int) -> tuple[int, int] | None:
    """0-based ``(start, end)`` of ``callee(`` in ``line_text`` at or after ``start``."""
    position = line_text.find(callee, start)
    while position >= 0:
        before = line_text[position - 1] if position else " "
        after = line_text[position + len(callee) :].lstrip()
        if not (before.isalnum() or before in "_.") and after.startswith("("):
            return position, position + len(callee)
        position = line_text.find(callee, position + 1)
    return None


def paren_line_breaks(call: cst.Call) -> int:
    """Line breaks between a parenthesised call's ``(`` and its first token."""
    count = 0
    for paren in call.lpar:
        whitespace = paren.whitespace_after
        if isinstance(whitespace, cst.ParenthesizedWhitespace):
            count += 1 + len(whitespace.empty_lines)
    return count


def import_bindings(node: cst.Import | cst.ImportFrom) -> list[ImportBinding]:
    if isinstance(node, cst.Import):
        found = []
        for alias in node.names:
            full = dotted_name(alias.name) or ""
            local = alias.asname.name if alias.asname else None
            if isinstance(local, cst.Name):
                found.append(ImportBinding(local.value, full, None))
            else:
                root = full.partition(".")[0]
                found.append(ImportBinding(root, root, None))
        return found
    module, level = dotted_name(node.module) or "", len(node.relative)
    if isinstance(node.names, cst.ImportStar):
        return [ImportBinding("*", module, None, level)]
    return [from_binding(alias, module, level) for alias in node.names]


def from_binding(alias: cst.ImportAlias, module: str, level: int) -> ImportBinding:
    name = dotted_name(alias.name) or ""
    local = alias.asname.name if alias.asname else None
    bound = local.value if isinstance(local, cst.Name) else name
    return ImportBinding(bound, module, name, level)


def target_names(targets: list[cst.BaseExpression]) -> list[str]:
    return [target.value for target in targets if isinstance(target, cst.Name)]


def assignment(node: cst.Assign | cst.AnnAssign) -> tuple[list[str], cst.BaseExpression | None]:
    if isinstance(node, cst.Assign):
        return target_names([target.target for target in node.targets]), node.value
    return target_names([node.target]), node.value


def is_attribute_of(target: cst.BaseExpression, owner: str | None) -> TypeGuard[cst.Attribute]:
    """True for ``owner.x``."""
    return (
        isinstance(target, cst.Attribute)
        and isinstance(target.value, cst.Name)
        and target.value.value == owner
    )


def wired_router(node: cst.Call, *, mount: bool) -> tuple[str | None, cst.BaseExpression | None]:
    """The router (or app) an include_router/mount call wires in, and its path prefix."""
    args = [arg.value for arg in node.args if arg.keyword is None and not arg.star]
    if mount:  # app.mount("/sub", subapp)
        child = keyword_arg(node, "app") or nth_argument(args, 1)
        return router_text(child), keyword_arg(node, "path") or nth_argument(args, 0)
    child = keyword_arg(node, "router") or nth_argument(args, 0)
    return router_text(child), keyword_arg(node, "prefix")


def router_text(node: cst.BaseExpression | None) -> str | None:
    """``users.router``; ``make_router()`` for a router a factory function returns."""
    if isinstance(node, cst.Call):
        factory = dotted_name(node.func)
        return None if factory is None else factory + FACTORY_MARK
    return dotted_name(node)


def nth_argument(args: list[cst.BaseExpression], index: int) -> cst.BaseExpression | None:
    return args[index] if len(args) > index else None


def decorator_name(decorator: cst.Decorator) -> str:
    target = decorator.decorator
    if isinstance(target, cst.Call):
        target = target.func
    return (dotted_name(target) or "").rpartition(".")[2]


def listed_routers(expr: cst.BaseExpression | None) -> list[str]:
    """``[users.router, make_router()]``: the routers a list, tuple or set literal holds."""
    if not isinstance(expr, cst.List | cst.Tuple | cst.Set):
        return []
    found = (router_text(element.value) for element in expr.elements)
    return [text for text in found if text]


def name_arguments(call: cst.Call) -> tuple[tuple[str, str], ...]:
    """The arguments of ``call`` written as names: ``("router", "users.router")``, or the
    position as digits (``("0", "api")``) for a positional one."""
    found: list[tuple[str, str]] = []
    position = 0
    for arg in call.args:
        if arg.star:
            continue
        name = dotted_name(arg.value)
        key = arg.keyword.value if arg.keyword else str(position)
        position += arg.keyword is None
        if name is not None:
            found.append((key, name))
    return tuple(found)


def attribute_targets(node: cst.Assign | cst.AnnAssign) -> list[str]:
    """``self.app`` for ``self.app = ...``: the attribute targets of an assignment."""
    targets = [t.target for t in node.targets] if isinstance(node, cst.Assign) else [node.target]
    return [text for t in targets if isinstance(t, cst.Attribute) and (text := dotted_name(t))]


def parameter_position(function: cst.FunctionDef, name: str) -> int | None:
    """Where parameter ``name`` of ``function`` is passed positionally (-1: keyword only),
    None if it is no parameter."""
    params = function.params
    positional = [*params.posonly_params, *params.params]
    for index, param in enumerate(positional):
        if param.name.value == name:
            return index
    return -1 if any(param.name.value == name for param in params.kwonly_params) else None


def parameter_default(function: cst.FunctionDef, name: str) -> cst.BaseExpression | None:
    params = function.params
    every = [*params.posonly_params, *params.params, *params.kwonly_params]
    return next((param.default for param in every if param.name.value == name), None)


def loop_binds(loop: cst.For, name: str) -> bool:
    """``for name in ...``: the loop's target is that plain name."""
    return isinstance(loop.target, cst.Name) and loop.target.value == name


def collection_source(
    expr: cst.BaseExpression, function: cst.FunctionDef | None
) -> cst.BaseExpression:
    """What a loop over routers really goes over: ``routers.values()`` is ``routers``; a
    name the def binds to a literal or a comprehension (``{r.prefix: r for r in ROUTERS}``)
    is that literal, or what the comprehension goes over."""
    method = expr.func if isinstance(expr, cst.Call) and not expr.args else None
    if isinstance(method, cst.Attribute) and method.attr.value in ("values", "copy"):
        expr = method.value
    if isinstance(expr, cst.Name) and function is not None:
        bound = _bound_once(function, expr.value)
        if isinstance(bound, cst.ListComp | cst.SetComp | cst.DictComp | cst.GeneratorExp):
            return bound.for_in.iter
        if isinstance(bound, cst.List | cst.Tuple | cst.Set):
            return bound
    return expr


def _bound_once(function: cst.FunctionDef, name: str) -> cst.BaseExpression | None:
    """The value of ``name = ...`` in the def's own body, when it is assigned just once."""
    values: list[cst.BaseExpression] = []
    stack = list(child_statements(function))
    while stack:
        node = stack.pop()
        if isinstance(node, cst.Assign) and any(
            isinstance(t.target, cst.Name) and t.target.value == name for t in node.targets
        ):
            values.append(node.value)
        if not isinstance(node, cst.FunctionDef | cst.ClassDef):
            stack.extend(child_statements(node))
    return values[0] if len(values) == 1 else None
