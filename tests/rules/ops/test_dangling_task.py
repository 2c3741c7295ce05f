"""FAPI908 dangling-task: edge cases beyond its VALID/INVALID examples and fixture.

Parity with ruff's RUF006 is tested in ``test_ruf006_parity.py``; this file pins our
own decisions, including where we go beyond ruff.
"""

from __future__ import annotations

import ast
import textwrap

import pytest

from fastapi_lint.models import Diagnostic
from fastapi_lint.rules.ops._task_bindings import task_assignments, unread_task_assignments
from fastapi_lint.rules.ops.dangling_task import DanglingTask
from fastapi_lint.runner.single_file import lint_source


def findings(source: str) -> list[Diagnostic]:
    result = lint_source(textwrap.dedent(source), "app.py", (DanglingTask,))
    assert not result.internal_errors, result.internal_errors
    return [d for d in result.diagnostics if d.code == DanglingTask.code]


def spots(source: str) -> list[tuple[int, int]]:
    return [(d.line, d.column) for d in findings(source)]


def in_async(body: str, setup: str = "import asyncio") -> str:
    return f"{setup}\n\n\nasync def handler(x):\n" + textwrap.indent(textwrap.dedent(body), "    ")


@pytest.mark.parametrize(
    "body",
    [
        "asyncio.create_task(work())\n",
        "asyncio.ensure_future(work())\n",
        "(asyncio.create_task(work()))\n",
        "asyncio.create_task(work()).add_done_callback(print)\n",
        "asyncio.get_running_loop().create_task(work())\n",
        "asyncio.get_event_loop().create_task(work())\n",
        "loop = asyncio.get_running_loop()\nloop.create_task(work())\n",
        "loop = asyncio.new_event_loop()\nloop.create_task(work())\n",
        "if x:\n    asyncio.create_task(work())\n",
        "for i in x:\n    asyncio.create_task(work(i))\n",
        "task = asyncio.create_task(work())\n",
        "task: asyncio.Task = asyncio.create_task(work())\n",
    ],
)
def test_dropped_tasks_are_flagged(body: str) -> None:
    assert len(findings(in_async(body))) == 1


@pytest.mark.parametrize(
    ("setup", "body"),
    [
        ("from asyncio import create_task", "create_task(work())\n"),
        ("from asyncio.tasks import create_task", "create_task(work())\n"),
        ("import asyncio as aio", "aio.ensure_future(work())\n"),
        ("import asyncio\nloop = asyncio.new_event_loop()", "loop.create_task(work())\n"),
    ],
)
def test_task_factories_are_resolved_through_imports(setup: str, body: str) -> None:
    assert len(findings(in_async(body, setup))) == 1


@pytest.mark.parametrize(
    "body",
    [
        "await asyncio.create_task(work())\n",
        "tasks.add(asyncio.create_task(work()))\n",
        "x.task = asyncio.create_task(work())\n",
        "a = b = asyncio.create_task(work())\n",
        "t, n = asyncio.create_task(work()), 1\n",
        "t = asyncio.create_task(work())\nawait t\n",
        "t = asyncio.create_task(work())\nreturn t\n",
        "t = asyncio.create_task(work())\ndef cancel():\n    t.cancel()\n",
        "pending = [asyncio.create_task(work(i)) for i in x]\nawait asyncio.wait(pending)\n",
        "async with asyncio.TaskGroup() as tg:\n    tg.create_task(work())\n",
        "x.loop.create_task(work())\n",
        "self.loop.create_task(work())\n",
        "create_task(work())\n",  # not imported: the project's own function
        "loop.create_task(work())\n",  # an untyped loop of unknown origin
        "asyncio.run_coroutine_threadsafe(work(), x)\n",
    ],
)
def test_kept_tasks_and_other_calls_stay_quiet(body: str) -> None:
    assert findings(in_async(body)) == []


def test_annotated_event_loop_parameter() -> None:
    source = (
        "import asyncio\n\n\n"
        "def schedule(loop: asyncio.AbstractEventLoop, other: object) -> None:\n"
        "    loop.create_task(work())\n"
        "    other.create_task(work())\n"
    )
    assert spots(source) == [(5, 5)]


def test_message_names_the_call_and_the_variable() -> None:
    dropped = findings(in_async("loop = asyncio.get_running_loop()\nloop.create_task(w())\n"))
    assert "The task `loop.create_task(w())` returns is dropped" in dropped[0].message
    held = findings(in_async("job = asyncio.ensure_future(w())\n"))
    assert "`job` holds the task `asyncio.ensure_future(w())` returns but is never read" in (
        held[0].message
    )


def test_a_long_call_is_named_by_its_function_never_with_elided_arguments() -> None:
    long_call = "asyncio.create_task(send_confirmation_email(order.customer_email, order.id))\n"
    (finding,) = findings(in_async(long_call))
    assert "The task `asyncio.create_task` returns is dropped" in finding.message
    assert "..." not in finding.message


def test_ensure_future_of_a_held_task_with_a_callback_is_not_dropped() -> None:
    # ensure_future returns the task it is given: the name `task` still holds it.
    source = (
        "task = loop.create_task(work())\n"
        "refs.add(task)\n"
        "asyncio.ensure_future(task).add_done_callback(lambda _: refs.remove(task))\n"
        "asyncio.ensure_future(work()).add_done_callback(print)\n"
    )
    assert [line for line, _ in spots(in_async(source))] == [8]


def test_unread_assignments_are_matched_to_their_statements_in_order() -> None:
    # Candidates the rule does not resolve (tg.create_task) still count in the ordering.
    source = """\
        import asyncio

        async def handler(tg):
            a = tg.create_task(work())
            b = asyncio.create_task(work()); c = asyncio.create_task(work())
            await b
            class Inner:
                d = asyncio.ensure_future(work())
        """
    assert spots(source) == [(5, 42), (8, 13)]


def test_reads_from_nested_scopes_keep_the_task() -> None:
    source = """\
        import asyncio

        async def handler():
            a = asyncio.create_task(work())
            b = asyncio.create_task(work())
            c = asyncio.create_task(work())

            def later():
                return a

            class Holder:
                keep = b

            return later, Holder, [c for _ in range(1)]
        """
    assert spots(source) == []


def test_class_scope_is_invisible_from_its_methods() -> None:
    source = """\
        import asyncio

        class Service:
            task = asyncio.create_task(work())

            def cancel(self):
                task.cancel()  # the global ``task``, not the class attribute
        """
    assert spots(source) == [(4, 12)]


def test_rebinding_inherits_reads_like_ruff() -> None:
    source = """\
        import asyncio

        async def poll(items):
            current = None
            for item in items:
                if current:
                    await current
                current = asyncio.create_task(work(item))
        """
    assert spots(source) == []


def test_module_level_unread_task_follows_ruff() -> None:
    assert spots("import asyncio\n\nstarted = asyncio.create_task(work())\n") == [(3, 11)]
    used = (
        "import asyncio\n\nstarted = asyncio.create_task(work())\n\n"
        "def f():\n    started.cancel()\n"
    )
    assert spots(used) == []


def test_global_and_nonlocal_declarations() -> None:
    source = """\
        import asyncio

        def outer():
            t = asyncio.create_task(work())
            def inner():
                nonlocal t
            return inner

        def setter():
            global g
            g = asyncio.create_task(work())
        """
    assert spots(source) == []


def test_source_that_ast_cannot_parse_reports_no_assignment() -> None:
    # LibCST accepts this; ast rejects it (a Python 2 print statement).
    from fastapi_lint.rules.ops.dangling_task import _unread_flags

    assert _unread_flags("print 'x'\n") == []


def test_candidates_are_listed_in_source_order() -> None:
    tree = ast.parse(
        "def f():\n    b = asyncio.create_task(w())\na = create_task(w()); c = ensure_future(w())\n"
    )
    names = [node.targets[0].id for node in task_assignments(tree)]  # type: ignore[attr-defined]
    assert names == ["b", "a", "c"]
    assert len(unread_task_assignments(tree)) == 3
