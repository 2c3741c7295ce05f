"""Dropping one argument from a call, as fixes do (FAPI501, FAPI503).

The argument goes with its comma and the space it took: ``f(a, b=1, c)`` becomes
``f(a, c)``. Without the last argument, the one before it takes over the trailing comma
(or the lack of one), so ``f(a, b,)`` becomes ``f(a,)`` and ``f(a, b)`` becomes ``f(a)``.
In a call laid out one argument per line, the dropped argument's line goes; a comment
that ended that line stays, on a line of its own where the argument was, because a
fix never deletes a comment. Callers compare ``comments`` before and after to refuse
the rare layouts where one would still be lost (a comment inside the argument itself).
"""

from __future__ import annotations

from collections import Counter

import libcst as cst

from fastapi_lint.tree import children

Gap = cst.BaseParenthesizableWhitespace


def comments(node: cst.CSTNode) -> Counter[str]:
    """The comments inside ``node``, to check that a rewrite keeps every one."""
    # A plain walk: importing libcst.matchers for this alone costs every run ~0.1 s.
    found: Counter[str] = Counter()
    pending = [node]
    while pending:
        current = pending.pop()
        if isinstance(current, cst.Comment):
            found[current.value] += 1
        pending.extend(children(current))
    return found


def _gap_after(arg: cst.Arg) -> Gap:
    """What separates ``arg`` from the next argument (or from ``)``)."""
    if isinstance(arg.comma, cst.Comma):
        return arg.comma.whitespace_after
    return arg.whitespace_after_arg


def _comment_line(before: cst.ParenthesizedWhitespace, comment: cst.Comment) -> cst.EmptyLine:
    """``comment`` alone on a line, where the text after ``before`` started."""
    return cst.EmptyLine(indent=before.indent, whitespace=before.last_line, comment=comment)


def _joined(first: Gap, second: Gap) -> Gap:
    """One gap for two, when what stood between them goes; comment lines are kept.

    Spaces on one line give way to line breaks, and two line breaks become one, the
    comment that ended the second one moving to a line of its own.
    """
    if not isinstance(second, cst.ParenthesizedWhitespace):
        return first
    if not isinstance(first, cst.ParenthesizedWhitespace):
        return second
    comment = second.first_line.comment
    middle = [_comment_line(first, comment)] if comment is not None else []
    return first.with_changes(
        empty_lines=[*first.empty_lines, *middle, *second.empty_lines],
        indent=second.indent,
        last_line=second.last_line,
    )


def _without_last(call: cst.Call, args: list[cst.Arg]) -> cst.Call:
    """``call`` without its last argument (of several): the one before ends the list."""
    removed, previous = args[-1], args[-2]
    gap = _gap_after(removed)
    if isinstance(gap, cst.ParenthesizedWhitespace):
        gap = _joined(_gap_after(previous), gap)
    if isinstance(removed.comma, cst.Comma):
        comma: cst.Comma | cst.MaybeSentinel = removed.comma.with_changes(whitespace_after=gap)
        after = removed.whitespace_after_arg
    else:
        comma, after = cst.MaybeSentinel.DEFAULT, gap
    ended = previous.with_changes(comma=comma, whitespace_after_arg=after)
    return call.with_changes(args=[*args[:-2], ended])


def without_argument(call: cst.Call, arg: cst.Arg) -> cst.Call:
    """``call`` without ``arg`` (one of its arguments), laid out as if never written."""
    args = list(call.args)
    index = next(i for i, each in enumerate(args) if each is arg)
    if len(args) == 1:
        return call.with_changes(args=[], whitespace_before_args=cst.SimpleWhitespace(""))
    if index == len(args) - 1:
        return _without_last(call, args)
    rest = args[:index] + args[index + 1 :]
    if index == 0:
        gap = _joined(call.whitespace_before_args, _gap_after(arg))
        return call.with_changes(args=rest, whitespace_before_args=gap)
    previous = args[index - 1]
    assert isinstance(previous.comma, cst.Comma)  # not the last argument: a comma follows
    gap = _joined(previous.comma.whitespace_after, _gap_after(arg))
    rest[index - 1] = previous.with_changes(comma=previous.comma.with_changes(whitespace_after=gap))
    return call.with_changes(args=rest)
