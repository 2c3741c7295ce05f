"""Run what might block (a read of a pipe, a device) without letting it hang the suite."""

from __future__ import annotations

import threading
from collections.abc import Callable


def outcome_within(seconds: float, call: Callable[[], object]) -> object:
    """What ``call`` returned or raised; fails the test if it is still running after
    ``seconds`` (a blocked call is left behind in a daemon thread)."""
    found: list[object] = []

    def target() -> None:
        try:
            found.append(call())
        except Exception as error:  # noqa: BLE001 - handed to the test to inspect
            found.append(error)

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    assert found, f"still running after {seconds} s"
    return found[0]
