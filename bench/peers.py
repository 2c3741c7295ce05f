"""The peer linters, pinned, in their own virtualenv ``bench/.venv`` (git-ignored).

Kept apart from the project's environment so that installing Fixit or flake8 plugins can
never change what fastapi-lint runs with. Creating and filling it is idempotent: nothing is
installed when every pin is already met.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

VENV = Path(__file__).resolve().parent / ".venv"
BIN = VENV / "bin"
PYTHON = BIN / "python"
PINS = {
    "ruff": "0.17.6",
    "fixit": "2.2.1",
    # Fixit's parser, pinned to the version fastapi-lint was measured with.
    "libcst": "1.9.0",
    "flake8": "7.5.0",
    "flake8-async": "26.8.1",
    "flake8-annotations": "3.3.0",
    "mccabe": "0.7.0",
}
_VERSIONS_SCRIPT = """
import json, sys
from importlib import metadata
found = {}
for name in sys.argv[1:]:
    try:
        found[name] = metadata.version(name)
    except metadata.PackageNotFoundError:
        found[name] = None
print(json.dumps(found))
"""


def installed_versions() -> dict[str, str | None]:
    """The version of each pinned package in the peers' virtualenv (None: missing)."""
    command = [str(PYTHON), "-c", _VERSIONS_SCRIPT, *PINS]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    versions: dict[str, str | None] = json.loads(output)
    return versions


def _create_venv() -> None:
    print(f"creating {VENV}", file=sys.stderr)
    subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)


def _install_pins() -> None:
    requirements = [f"{name}=={version}" for name, version in PINS.items()]
    print(f"installing {' '.join(requirements)}", file=sys.stderr)
    command = [str(PYTHON), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    subprocess.run([*command, *requirements], check=True, stdout=sys.stderr)


def ensure_peers() -> Path:
    """Make sure every pinned peer is installed; return the virtualenv's ``bin`` directory."""
    if not PYTHON.exists():
        _create_venv()
    if installed_versions() != PINS:
        _install_pins()
    versions = installed_versions()
    if versions != PINS:
        raise RuntimeError(f"peer versions {versions} do not match the pins {PINS}")
    return BIN
