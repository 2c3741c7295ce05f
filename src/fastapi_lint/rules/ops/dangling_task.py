"""FAPI908: an ``asyncio`` task whose only reference is dropped right away."""

from __future__ import annotations

import ast
from typing import ClassVar

import libcst as cst

from fastapi_lint.context.roles import Role
from fastapi_lint.fastapi_model.names import BoundValue
from fastapi_lint.rule import FileContext, Invalid, Rule, Valid
from fastapi_lint.rules.ops._task_bindings import (
    TASK_FACTORIES,
    task_assignments,
    unread_task_assignments,
)

_ASYNCIO_FACTORIES = frozenset(
    f"{module}.{name}" for module in ("asyncio", "asyncio.tasks") for name in TASK_FACTORIES
)
_LOOP_FACTORIES = frozenset(
    f"{module}.{name}"
    for module in ("asyncio", "asyncio.events")
    for name in ("get_event_loop", "get_running_loop", "new_event_loop")
)
_LOOP_CLASSES = frozenset(
    {
        "asyncio.AbstractEventLoop",
        "asyncio.events.AbstractEventLoop",
        "asyncio.BaseEventLoop",
        "asyncio.base_events.BaseEventLoop",
        "uvloop.Loop",
    }
)
_ADVICE = (
    "the event loop keeps only a weak reference, so the task may be garbage-collected "
    "before it finishes; keep it (e.g. in a set, with `add_done_callback(tasks.discard)`) "
    "or use a `TaskGroup`"
)


# Longer calls are named by their function alone, so the message stays one line.
_SHOWN_CALL_LENGTH = 60


def _wraps_existing(call: cst.Call) -> bool:
    """``asyncio.ensure_future(task)``: given a task or future it returns that same object,
    which the name already holds; a new task comes only from a coroutine call."""
    func = call.func
    name = func.attr.value if isinstance(func, cst.Attribute) else getattr(func, "value", "")
    args = call.args
    return (
        name == "ensure_future"
        and len(args) >= 1
        and isinstance(args[0].value, cst.Name | cst.Attribute)
    )


def _candidate_value(node: cst.Assign | cst.AnnAssign) -> cst.Call | None:
    """The call of ``name = <...>.create_task(...)``, as ``_task_bindings`` picks them."""
    if isinstance(node, cst.Assign):
        if len(node.targets) != 1:
            return None
        target: cst.BaseExpression = node.targets[0].target
    else:
        target = node.target
    value = node.value
    if not isinstance(target, cst.Name) or not isinstance(value, cst.Call):
        return None
    func = value.func
    name = func.attr if isinstance(func, cst.Attribute) else func
    return value if isinstance(name, cst.Name) and name.value in TASK_FACTORIES else None


class DanglingTask(Rule):
    """
    ## What it does
    Flags `asyncio.create_task(...)`, `asyncio.ensure_future(...)` and
    `loop.create_task(...)` whose task is dropped: the call is a statement of its own
    (possibly with `.add_done_callback(...)` chained on it), or its result is assigned to
    a name that nothing reads.

    ## Why is this bad?
    The event loop keeps only a weak reference to the tasks it runs. A task nobody else
    references can be garbage-collected while it waits, and the work it was meant to do
    (sending the e-mail, writing the audit log) silently never finishes; its exception,
    if it fails, is never retrieved either. FastAPI handlers often fire such tasks to
    answer quickly.

    ## Example
    ```python
    import asyncio

    from fastapi import FastAPI

    app = FastAPI()


    @app.post("/orders")
    async def create_order(order: Order) -> Order:
        asyncio.create_task(send_confirmation(order))
        return order
    ```

    ## Use instead
    ```python
    background_tasks: set[asyncio.Task[None]] = set()


    @app.post("/orders")
    async def create_order(order: Order) -> Order:
        task = asyncio.create_task(send_confirmation(order))
        background_tasks.add(task)
        task.add_done_callback(background_tasks.discard)
        return order
    ```
    or FastAPI's `BackgroundTasks`, or an `asyncio.TaskGroup` when the work must finish
    before the response.

    ## Options
    None.

    ## Known limitations
    Every finding of ruff's RUF006 (`asyncio-dangling-task`) is also one of this rule,
    including its unread assignments, decided as ruff does (a scope's assignments of a
    name are reported when its last assignment is unread, even at module or class level).
    Beyond RUF006: chained `asyncio.get_running_loop().create_task(coro())`, loops
    annotated `asyncio.AbstractEventLoop`, and `create_task(coro()).add_done_callback(cb)`
    statements; `asyncio.ensure_future(task).add_done_callback(cb)` on a name is not
    flagged, since `ensure_future` returns the task or future the name already holds.
    `loop.create_task` is recognised only when `loop` is a name bound to
    `asyncio.get_event_loop()`/`get_running_loop()`/`new_event_loop()` or annotated as an
    event loop; `self.loop.create_task(...)` is not. `TaskGroup.create_task` is never
    flagged: the group holds its tasks.
    """

    code = "FAPI908"
    name = "dangling-task"
    family = "ops"
    roles = frozenset({Role.APP, Role.SCRIPT, Role.TEST})
    severity = "warning"
    message = "The task `{call}` returns is dropped: " + _ADVICE
    VALID: ClassVar[tuple[Valid, ...]] = (
        Valid(
            "import asyncio\n\n"
            "background: set = set()\n\n\n"
            "async def notify(user_id: int) -> None:\n"
            "    task = asyncio.create_task(send(user_id))\n"
            "    background.add(task)\n"
            "    task.add_done_callback(background.discard)\n"
        ),
        Valid(
            "import asyncio\n\n\n"
            "async def main() -> None:\n"
            "    async with asyncio.TaskGroup() as tg:\n"
            "        tg.create_task(work())\n"
        ),
        Valid(
            "import asyncio\n\n\n"
            "async def main() -> None:\n"
            "    await asyncio.create_task(work())\n"
            "    result = asyncio.ensure_future(work())\n"
            "    print(await result)\n"
        ),
    )
    INVALID: ClassVar[tuple[Invalid, ...]] = (
        Invalid(
            "import asyncio\n\n\n"
            "async def notify(user_id: int) -> None:\n"
            "    asyncio.create_task(send(user_id))\n",
            line=5,
            column=5,
            message_contains="The task `asyncio.create_task(send(user_id))` returns is dropped",
        ),
        Invalid(
            "import asyncio\n\n\n"
            "async def notify(user_id: int) -> None:\n"
            "    loop = asyncio.get_running_loop()\n"
            "    loop.create_task(send(user_id))\n",
            line=6,
            column=5,
            message_contains="`loop.create_task(send(user_id))`",
        ),
        Invalid(
            "import asyncio\n\n\n"
            "async def notify(user_id: int) -> None:\n"
            "    task = asyncio.ensure_future(send(user_id))\n",
            line=5,
            column=12,
            message_contains="`task` holds the task `asyncio.ensure_future(send(user_id))` returns",
        ),
    )

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self._unread: list[bool] | None = None
        self._seen = 0

    def visit_Expr(self, node: cst.Expr) -> None:
        call = node.value
        if not isinstance(call, cst.Call):
            return
        func = call.func
        # ``create_task(coro()).add_done_callback(...)``: the callback holds no reference.
        if (
            isinstance(func, cst.Attribute)
            and func.attr.value == "add_done_callback"
            and isinstance(func.value, cst.Call)
        ):
            call = func.value
            if _wraps_existing(call):
                return
        described = self._task_call(call)
        if described is not None:
            self.report(call, call=self._shown(call, described))

    def _shown(self, call: cst.Call, described: str) -> str:
        """The call as written when it fits on one short line, else the function called."""
        code = " ".join(self.context.module.code_for_node(call).split())
        return code if len(code) <= _SHOWN_CALL_LENGTH else described

    def visit_Assign(self, node: cst.Assign) -> None:
        self._check_assignment(node)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._check_assignment(node)

    def _check_assignment(self, node: cst.Assign | cst.AnnAssign) -> None:
        call = _candidate_value(node)
        if call is None:
            return
        index, self._seen = self._seen, self._seen + 1
        if not self._unread_at(index):
            return
        described = self._task_call(call)
        if described is not None:
            target = node.targets[0].target if isinstance(node, cst.Assign) else node.target
            assert isinstance(target, cst.Name)
            held = (
                f"`{target.value}` holds the task `{self._shown(call, described)}` returns "
                "but is never read"
            )
            self.report(call, f"{held}: {_ADVICE}")

    def _unread_at(self, index: int) -> bool:
        """Whether the ``index``-th candidate assignment of the file is never read."""
        if self._unread is None:
            self._unread = _unread_flags(self.context.source)
        return index < len(self._unread) and self._unread[index]

    def _task_call(self, call: cst.Call) -> str | None:
        """``asyncio.create_task`` or ``loop.create_task`` when ``call`` creates a task."""
        model = self.context.model
        qualified = model.qualified_name(call.func)
        if qualified in _ASYNCIO_FACTORIES:
            return "asyncio." + qualified.rpartition(".")[2]
        func = call.func
        if not isinstance(func, cst.Attribute) or func.attr.value != "create_task":
            return None
        receiver = func.value
        if isinstance(receiver, cst.Call) and (
            model.qualified_name(receiver.func) in _LOOP_FACTORIES
        ):
            return " ".join(self.context.module.code_for_node(func).split())
        if isinstance(receiver, cst.Name) and self._is_loop(self._lookup(receiver.value)):
            return f"{receiver.value}.create_task"
        return None

    @staticmethod
    def _is_loop(value: BoundValue | None) -> bool:
        types = value.instance_types() if value is not None else ()
        return any(name in _LOOP_FACTORIES or name in _LOOP_CLASSES for name in types)

    def _lookup(self, name: str) -> BoundValue | None:
        model = self.context.model
        for scope in reversed(self.context.scopes):
            if isinstance(scope, cst.FunctionDef):
                value = model.function_bindings(scope).get(name)
                if value is not None:
                    return value
        return model.module_value(name)


def _unread_flags(source: str) -> list[bool]:
    """For each candidate assignment, in source order: is its task never read?"""
    try:
        tree = ast.parse(source)
        unread = unread_task_assignments(tree)
    except (SyntaxError, ValueError, RecursionError):
        return []  # LibCST parsed what ast cannot (or too deep): report no assignment
    return [id(statement) in unread for statement in task_assignments(tree)]
