"""Check that a change left the linter's behaviour alone: same report, byte for byte.

Usage: python scripts/same_report.py BEFORE.json [--paths corpus/] [--keep AFTER.json]

Runs ``fastapi-lint check --select ALL --output-format json --no-cache --exit-zero`` on
the paths (the corpus by default) with the fastapi-lint next to this interpreter, and
compares its output with ``BEFORE.json`` (recorded the same way before the change). On a
difference it prints the first diagnostic that differs and exits 1.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

COMMAND = ("check", "--select", "ALL", "--output-format", "json", "--no-cache", "--exit-zero")


def current_report(paths: list[str]) -> bytes:
    executable = Path(sys.executable).with_name("fastapi-lint")
    done = subprocess.run([str(executable), *COMMAND, *paths], capture_output=True, check=False)
    if done.returncode != 0:
        sys.stderr.write(done.stderr.decode(errors="replace"))
        raise SystemExit(f"fastapi-lint exited with {done.returncode}")
    return done.stdout


def _diagnostics(data: bytes) -> list[object]:
    document = json.loads(data)
    found = document.get("diagnostics") if isinstance(document, dict) else document
    return found if isinstance(found, list) else [document]


def first_difference(before: bytes, after: bytes) -> str:
    """The first diagnostic (or, failing that, the first byte) where the reports part."""
    old, new = _diagnostics(before), _diagnostics(after)
    for index, (was, now) in enumerate(zip(old, new, strict=False)):
        if was != now:
            return f"diagnostic #{index}:\n  before: {was}\n  after:  {now}"
    if len(old) != len(new):
        return f"{len(old)} diagnostics before, {len(new)} after"
    offset = next(i for i, (a, b) in enumerate(zip(before, after, strict=False)) if a != b)
    return f"same diagnostics; the documents differ at byte {offset}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", type=Path, help="the report recorded before the change")
    parser.add_argument("--paths", nargs="+", default=["corpus/"], help="what to lint")
    parser.add_argument("--keep", type=Path, help="also write the new report here")
    arguments = parser.parse_args()
    before = arguments.before.read_bytes()
    after = current_report(arguments.paths)
    if arguments.keep is not None:
        arguments.keep.write_bytes(after)
    if before == after:
        print(f"same report: {len(after):,} bytes, {len(_diagnostics(after)):,} diagnostics")
        return 0
    print(f"the reports differ: {first_difference(before, after)}")
    return 1


if __name__ == "__main__":
    sys.exit(main())
