"""Functions the application runs at start-up or shutdown, as one file registers them.

A lifespan (``FastAPI(lifespan=lifespan)``, also Starlette's and a router's), a startup
or shutdown handler (``@app.on_event("startup")``, ``app.add_event_handler("shutdown",
close)``, ``FastAPI(on_startup=[connect])``): the server runs these before it accepts
requests or after it has stopped, so a blocking call there delays start-up or shutdown,
not a request. Read from the syntax alone, like FAPI509 reads the same registrations.
"""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst

from fastapi_lint.fastapi_model.syntax import keyword_arg, positional_args, string_value
from fastapi_lint.tree import children

EVENTS = frozenset({"startup", "shutdown"})
_LIFESPAN = "lifespan"
HANDLER_LISTS = frozenset({"on_startup", "on_shutdown"})
_ON_EVENT = "on_event"
_ADD_EVENT_HANDLER = "add_event_handler"
_REGISTRARS = frozenset({_ON_EVENT, _ADD_EVENT_HANDLER})


def registered_event(call: cst.Call) -> str | None:
    """``"startup"`` for ``app.on_event("startup")`` or ``app.add_event_handler("startup",
    f)`` (the event by position or as ``event_type=``), ``"shutdown"`` likewise; else None."""
    func = call.func
    if not isinstance(func, cst.Attribute) or func.attr.value not in _REGISTRARS:
        return None
    args = positional_args(call)
    event = string_value(args[0] if args else keyword_arg(call, "event_type"))
    return event if event in EVENTS else None


def registered_hooks(call: cst.Call) -> Iterator[cst.BaseExpression]:
    """The expressions naming the hooks ``call`` registers (none for most calls)."""
    func = call.func
    if isinstance(func, cst.Attribute) and func.attr.value == _ADD_EVENT_HANDLER:
        yield from _added_handler(call)
        return
    for arg in call.args:
        keyword = arg.keyword.value if arg.keyword is not None else None
        if keyword == _LIFESPAN:
            yield arg.value
        elif keyword in HANDLER_LISTS and isinstance(arg.value, cst.List | cst.Tuple):
            yield from (element.value for element in arg.value.elements)


def _added_handler(call: cst.Call) -> Iterator[cst.BaseExpression]:
    """``app.add_event_handler("startup", connect)``, by position or by keyword."""
    args = positional_args(call)
    handler = args[1] if len(args) > 1 else keyword_arg(call, "func")
    if registered_event(call) is not None and handler is not None:
        yield handler


def is_hook_decorator(decorator: cst.Decorator) -> bool:
    """``@app.on_event("startup")`` or ``@router.on_event("shutdown")``."""
    call = decorator.decorator
    if not isinstance(call, cst.Call) or not isinstance(call.func, cst.Attribute):
        return False
    return call.func.attr.value == _ON_EVENT and registered_event(call) is not None


def is_decorated_hook(function: cst.FunctionDef) -> bool:
    return any(is_hook_decorator(decorator) for decorator in function.decorators)


def hook_names(module: cst.Module) -> frozenset[str]:
    """Names of the functions ``module`` registers as start-up or shutdown hooks itself.

    A walk of the whole module (with ``tree.children``: libcst's own ``visit`` rebuilds
    every node and costs ten times more); ask only when there is something to decide."""
    names: set[str] = set()
    stack: list[cst.CSTNode] = [module]
    while stack:
        node = stack.pop()
        if isinstance(node, cst.FunctionDef) and is_decorated_hook(node):
            names.add(node.name.value)
        elif isinstance(node, cst.Call):
            names.update(
                hook.value for hook in registered_hooks(node) if isinstance(hook, cst.Name)
            )
        stack.extend(children(node))
    return frozenset(names)
