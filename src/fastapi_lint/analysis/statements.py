"""The statements of a block, as Python's ``ast`` counts them (structure and typing rules)."""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

Statement = cst.BaseStatement | cst.BaseSmallStatement


def statements(suite: cst.BaseSuite) -> Sequence[Statement]:
    """The statements of a block as Python's `ast` sees them: `a; b` is two statements."""
    if isinstance(suite, cst.SimpleStatementSuite):
        return suite.body
    flat: list[Statement] = []
    for statement in suite.body:
        if isinstance(statement, cst.SimpleStatementLine):
            flat.extend(statement.body)
        else:
            flat.append(statement)
    return flat
