"""FAPI905: ``except Exception:`` whose body only passes or continues."""

from __future__ import annotations

from typing import ClassVar

import libcst as cst

from fastapi_lint.rule import Invalid, Rule, Valid
from fastapi_lint.rules.ops._shared import BUILTIN_EXCEPTIONS, qualified_name_in_scope

_Handler = cst.ExceptHandler | cst.ExceptStarHandler


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
    None.

    ## Known limitations
    A handler that does something, however little (`return None`, a `log.debug`), is not
    flagged, nor is `contextlib.suppress(Exception)`. Every finding of ruff's S110
    (try-except-pass) and S112 (try-except-continue), with their default settings, is
    also ours; ruff's BLE001 (blind-except) flags every broad handler that neither
    re-raises nor logs, a superset of this rule.
    """

    code = "FAPI905"
    name = "swallowed-exception"
    family = "ops"
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

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        self._check(node, "except")

    def visit_ExceptStarHandler(self, node: cst.ExceptStarHandler) -> None:
        self._check(node, "except*")

    def _check(self, node: _Handler, keyword: str) -> None:
        action = _silent_body(node.body)
        if action is None:
            return
        broad = self._broad_class(node)
        if broad is None:
            return
        clause = f"{keyword} {broad}:" if broad else f"{keyword}:"
        self.report(node, clause=clause, action=action, length=len(keyword))

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
