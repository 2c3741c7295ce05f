"""The negation of an ``if`` test, written as a person would write it (FAPI402's fix).

``not x`` loses its ``not``; a single ``is``/``is not``, ``in``/``not in``, ``==``/``!=``
comparison flips its operator, each the exact negation of the other for any operands
whose ``!=`` is the inverse of ``==`` (Python's default); anything else becomes
``not (...)``. Ordering comparisons are never flipped: ``not a < b`` is not ``a >= b``
for NaN or for sets.
"""

from __future__ import annotations

import libcst as cst

# Expressions that bind more loosely than ``not`` reads naturally: wrapped in parentheses.
_LOOSE = (
    cst.BooleanOperation,
    cst.Comparison,
    cst.IfExp,
    cst.Lambda,
    cst.NamedExpr,
    cst.BinaryOperation,
)


def _flipped(operator: cst.BaseCompOp) -> cst.BaseCompOp | None:
    before = getattr(operator, "whitespace_before", cst.SimpleWhitespace(" "))
    after = getattr(operator, "whitespace_after", cst.SimpleWhitespace(" "))
    if isinstance(operator, cst.Is):
        return cst.IsNot(whitespace_before=before, whitespace_after=after)
    if isinstance(operator, cst.IsNot):
        return cst.Is(whitespace_before=before, whitespace_after=after)
    if isinstance(operator, cst.In):
        return cst.NotIn(whitespace_before=before, whitespace_after=after)
    if isinstance(operator, cst.NotIn):
        return cst.In(whitespace_before=before, whitespace_after=after)
    if isinstance(operator, cst.Equal):
        return cst.NotEqual(whitespace_before=before, whitespace_after=after)
    if isinstance(operator, cst.NotEqual):
        return cst.Equal(whitespace_before=before, whitespace_after=after)
    return None


def _unwrapped(expression: cst.BaseExpression) -> cst.BaseExpression:
    """``(a and b)`` -> ``a and b`` when one pair of parentheses holds it on one line."""
    if len(expression.lpar) != 1 or isinstance(expression, cst.Yield):
        return expression
    # Parentheses may hold line breaks and comments; without them, neither may stay.
    code = cst.Module(body=[]).code_for_node(expression)
    if "\n" in code or "\r" in code or "#" in code:
        return expression
    return expression.with_changes(lpar=[], rpar=[])


def negated(test: cst.BaseExpression) -> cst.BaseExpression:
    """The expression true exactly when ``test`` is false."""
    if (
        isinstance(test, cst.UnaryOperation)
        and isinstance(test.operator, cst.Not)
        and not test.lpar
    ):
        return _unwrapped(test.expression)
    if isinstance(test, cst.Comparison) and not test.lpar and len(test.comparisons) == 1:
        target = test.comparisons[0]
        operator = _flipped(target.operator)
        if operator is not None:
            return test.with_changes(comparisons=[target.with_changes(operator=operator)])
    if isinstance(test, _LOOSE) and not test.lpar:
        test = test.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
    return cst.UnaryOperation(operator=cst.Not(), expression=test)
