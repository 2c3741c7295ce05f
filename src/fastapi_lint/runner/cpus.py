"""How many processes a run may use: the CPUs this process may run on."""

from __future__ import annotations

import os


def available_cpus() -> int:
    try:
        return max(len(os.sched_getaffinity(0)), 1)
    except AttributeError:  # not on Linux
        return max(os.cpu_count() or 1, 1)
