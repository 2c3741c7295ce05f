"""FAPI905: ``except Exception:`` whose body only passes or continues."""

from __future__ import annotations

from typing import ClassVar

import libcst as cst

from fastapi_lint.context.roles import Role
from fastapi_lint.rule import FileContext, Invalid, Rule, Valid
from fastapi_lint.rules.ops._shared import BUILTIN_EXCEPTIONS, qualified_name_in_scope

_Handler = cst.ExceptHandler | cst.ExceptStarHandler
# Calls that release or clean up: their failure is what `contextlib.suppress` is for.
_CLEANUP_WORDS = (
    "close", "remove", "unlink", "rmtree", "rmdir", "delete", "cancel", "disconnect",
    "shutdown", "stop", "terminate", "kill", "release", "cleanup", "clean_up", "dispose",
    "discard", "teardown", "unsubscribe", "zrem", "srem", "hdel", "rename", "flush",
)  # fmt: skip
# `future.exception()`: retrieved only so asyncio does not log it as never retrieved.
_RETRIEVALS = frozenset({"exception"})


def _silent_statement(statement: cst.BaseSmallStatement) -> str | None:
    """``pass``, ``...`` or ``continue``, spelled as in the source; None for anything else."""
    if isinstance(statement, cst.Pass):
        return "pass"
    if isinstance(statement, cst.Continue):
        return "continue"
    if isinstance(statement, cst.Expr) and isinstance(statement.value, cst.Ellipsis):
        return "..."
    return None


def _silent_body(body: cst.BaseSuite) -> str | None:
    """What the handler does instead of handling, when it only passes or continues."""
    small: list[cst.BaseSmallStatement] = []
    if isinstance(body, cst.SimpleStatementSuite):
        small.extend(body.body)
    for line in body.body if isinstance(body, cst.IndentedBlock) else ():
        if not isinstance(line, cst.SimpleStatementLine):
            return None
        small.extend(line.body)
    found = [_silent_statement(statement) for statement in small]
    if not found or None in found:
        return None
    return "continue" if "continue" in found else found[0]


def _called_name(statement: cst.BaseSmallStatement) -> str | None:
    """The function or method a statement only calls (``await x.aclose()``), else None."""
    if not isinstance(statement, cst.Expr):
        return None
    value = statement.value
    if isinstance(value, cst.Await):
        value = value.expression
    if not isinstance(value, cst.Call):
        return None
    func = value.func
    if isinstance(func, cst.Attribute):
        return func.attr.value
    return func.value if isinstance(func, cst.Name) else None


def _is_cleanup_name(name: str) -> bool:
    lowered = name.lower()
    return lowered in _RETRIEVALS or any(word in lowered for word in _CLEANUP_WORDS)


def _only_cleanup(body: cst.BaseSuite) -> bool:
    """A ``try`` body of nothing but clean-up calls (``conn.close()``, ``os.remove(p)``)."""
    lines = body.body if isinstance(body, cst.IndentedBlock) else [body]
    small: list[cst.BaseSmallStatement] = []
    for line in lines:
        if not isinstance(line, cst.SimpleStatementLine | cst.SimpleStatementSuite):
            return False
        small.extend(line.body)
    names = [_called_name(statement) for statement in small]
    return bool(names) and all(name is not None and _is_cleanup_name(name) for name in names)


def _ends_with_return(body: cst.BaseSuite) -> bool:
    """``try: return first_way() / except Exception: pass`` then another way: a fallback."""
    if not isinstance(body, cst.IndentedBlock) or not body.body:
        return False
    last = body.body[-1]
    return isinstance(last, cst.SimpleStatementLine) and isinstance(last.body[-1], cst.Return)


def _caught(handler: _Handler) -> list[cst.BaseExpression]:
    """The classes a handler names: one, or each element of a tuple."""
    if handler.type is None:
        return []
    if isinstance(handler.type, cst.Tuple):
        return [element.value for element in handler.type.elements]
    return [handler.type]


class SwallowedException(Rule):
    """
    ## What it does
    Flags `except Exception:`, `except BaseException:` and bare `except:` handlers (also
    when the class is one of a tuple) whose body is only `pass`, `...` or `continue`.

    Not flagged when it catches `Exception` (not `BaseException` nor everything), as
    deliberate as `contextlib.suppress(Exception)`: clean-up that may
    fail (a `try` body of only `close()`, `aclose()`, `os.remove()`, `cancel()`,
    `shutdown()`... calls, a `try` inside a `finally:` block or inside a function named
    for clean-up, such as `safe_close` or `delete_file`), a step of an error path (a
    `try` inside an `except` handler that reads the error's body before raising its own
    error), a fallback chain (`try: return first_way()` then another way below), and a
    `try` with an `else:` branch, where the code says what happens when it works.

    ## Why is this bad?
    The handler throws away every error the `try` body can raise, bugs included
    (`TypeError`, `KeyError`, a database connection lost), without a trace in the logs.
    The request then goes on with missing data or answers success for work that was not
    done, and nobody can tell why. A bare `except:` or `except BaseException:` also
    swallows `KeyboardInterrupt`, `SystemExit` and the cancellation of an `asyncio` task,
    breaking shutdown and timeouts.

    ## Example
    ```python
    async def notify(user: User) -> None:
        try:
            await mailer.send(user.email, "Welcome")
        except Exception:
            pass
    ```

    ## Use instead
    ```python
    import logging

    logger = logging.getLogger(__name__)


    async def notify(user: User) -> None:
        try:
            await mailer.send(user.email, "Welcome")
        except MailerError:
            logger.warning("welcome mail to user %s failed", user.id, exc_info=True)
    ```

    ## Options
    `strict = ["FAPI905"]`: every such handler, whatever the `try` does, as ruff's S110
    (try-except-pass) and S112 (try-except-continue) with their default settings (every
    finding of theirs is one of ours).

    ## Known limitations
    A handler that does something, however little (`return None`, a `log.debug`), is not
    flagged, nor is `contextlib.suppress(Exception)`. A best-effort step whose docstring
    says failures are ignored is flagged unless it takes one of the shapes above. Ruff's
    BLE001 (blind-except) flags every broad handler that neither
    re-raises nor logs, a superset of this rule.
    """

    code = "FAPI905"
    name = "swallowed-exception"
    family = "ops"
    roles = frozenset({Role.APP, Role.SCRIPT})
    severity = "warning"
    message = (
        "`{clause}` swallows every error with `{action}`; catch the exceptions you expect, "
        "or log the error"
    )
    VALID: ClassVar[tuple[Valid, ...]] = (
        Valid("try:\n    import ujson as json\nexcept ImportError:\n    import json\n"),
        Valid(
            "import logging\n\nlogger = logging.getLogger(__name__)\n\n"
            "try:\n    pass\nexcept Exception:\n    logger.exception('sync failed')\n"
        ),
        Valid("try:\n    pass\nexcept Exception:\n    raise\n"),
        Valid("try:\n    pass\nexcept (KeyError, IndexError):\n    pass\n"),
    )
    INVALID: ClassVar[tuple[Invalid, ...]] = (
        Invalid(
            "try:\n    int('x')\nexcept Exception:\n    pass\n",
            line=3,
            column=1,
            message_contains="`except Exception:` swallows every error with `pass`",
        ),
        Invalid(
            "for item in ['1', 'x']:\n    try:\n        int(item)\n    except:\n        continue\n",
            line=4,
            column=5,
            message_contains="`except:`",
        ),
        Invalid("try:\n    pass\nexcept (ValueError, BaseException) as e:\n    ...\n", line=3),
    )

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self._tries: list[cst.Try | cst.TryStar] = []
        # Depth of `finally:` blocks and of handlers around the node being visited.
        self._finally = 0
        self._handlers = 0

    def visit_Try(self, node: cst.Try) -> None:
        self._tries.append(node)

    def leave_Try(self, original_node: cst.Try) -> None:
        self._tries.pop()

    def visit_TryStar(self, node: cst.TryStar) -> None:
        self._tries.append(node)

    def leave_TryStar(self, original_node: cst.TryStar) -> None:
        self._tries.pop()

    def visit_Finally(self, node: cst.Finally) -> None:
        self._finally += 1

    def leave_Finally(self, original_node: cst.Finally) -> None:
        self._finally -= 1

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        self._check(node, "except")
        self._handlers += 1

    def leave_ExceptHandler(self, original_node: cst.ExceptHandler) -> None:
        self._handlers -= 1

    def visit_ExceptStarHandler(self, node: cst.ExceptStarHandler) -> None:
        self._check(node, "except*")
        self._handlers += 1

    def leave_ExceptStarHandler(self, original_node: cst.ExceptStarHandler) -> None:
        self._handlers -= 1

    def _check(self, node: _Handler, keyword: str) -> None:
        action = _silent_body(node.body)
        if action is None:
            return
        broad = self._broad_class(node)
        if broad is None:
            return
        # `except Exception:` only: a bare or `BaseException` handler also swallows the
        # task's cancellation and Ctrl-C, which no clean-up should.
        if broad == "Exception" and not self.options.is_strict(self.code) and self._deliberate():
            return
        clause = f"{keyword} {broad}:" if broad else f"{keyword}:"
        self.report(node, clause=clause, action=action, length=len(keyword))

    def _deliberate(self) -> bool:
        """Swallowing the reviewer accepts: clean-up as `contextlib.suppress` does it, an
        error path's own extra step, a fallback chain, an explicit `else:` branch."""
        if self._finally or self._handlers or not self._tries:
            return True  # clean-up in `finally:`; enriching an error already being handled
        statement = self._tries[-1]
        if _only_cleanup(statement.body) or _ends_with_return(statement.body):
            return True
        if isinstance(statement, cst.Try) and statement.orelse is not None:
            return True
        function = self.context.enclosing_function()
        return function is not None and _is_cleanup_name(function.name.value)

    def _broad_class(self, node: _Handler) -> str | None:
        """``""`` for a bare ``except:``, the broad class caught, or None when narrower."""
        if node.type is None:
            return ""
        for caught in _caught(node):
            # Only handlers that merely pass get here: resolving every name costs little.
            qualified = qualified_name_in_scope(self.context, caught)
            if qualified is not None and qualified in BUILTIN_EXCEPTIONS:
                return qualified.rpartition(".")[2]
        return None
