"""The program: an identical ``check`` replayed at once (``replay``), else the command line.

This module is what the ``fastapi-lint`` script runs. It imports the command line (Click,
the configuration, every command) only when the command is not answered by a replay.
"""

from __future__ import annotations

import sys


def main() -> None:
    from fastapi_lint.replay import Command, replayed

    command: Command | None = None
    try:
        command = Command(sys.argv[1:])
        code = replayed(command)
    except KeyboardInterrupt:  # a user's Ctrl-C is not an internal error
        sys.exit(130)
    except Exception:  # noqa: BLE001 - a replay that fails is a miss: the command runs
        # (and says what is wrong: a deleted working folder, say).
        command, code = None, None
    if code is not None:
        sys.exit(code)
    from fastapi_lint.cli import main as command_line

    command_line(command)
