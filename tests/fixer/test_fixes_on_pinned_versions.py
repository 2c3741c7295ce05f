"""A safe fix never writes an API the project's target versions lack: proved by running it.

The fixture (fixtures/context/pinned_v1/) is an app pinned to FastAPI 0.88 and Pydantic
1.10. It is fixed with ``check --fix --unsafe-fixes``, then imported and served by those
very releases, installed in a throwaway virtual environment (once per test session; the
tests are skipped, saying why, when the package index cannot be reached). The same app
with ``target-versions = { pydantic = "2" }`` gets the Pydantic 2 advice as an upgrade
checklist; its fixes are the ones that break on the pinned releases, which is what the
version gates keep out of the first run.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import venv
from pathlib import Path

import pytest
from click.testing import CliRunner

from fastapi_lint.cli import cli

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "context" / "pinned_v1"
PINNED = ("fastapi==0.88.0", "pydantic>=1.10,<2", "httpx<0.28")
V2_RULES = {"FAPI601", "FAPI602", "FAPI603", "FAPI604"}
# Served by the pinned releases: the routes answer, validation and the response model hold.
SERVE = """\
import json
from fastapi.testclient import TestClient
from app.main import app
from app.models import Item, dump

client = TestClient(app)
with client:
    item = client.get("/items/apple")
    missing = client.get("/items/pear")
    good, bad = client.get("/search?q=abc"), client.get("/search?q=ABC")
schema = app.openapi()["paths"]["/items/{name}"]["get"]["responses"]["200"]["content"]
print(json.dumps({
    "item": [item.status_code, item.json()],
    "missing": missing.status_code,
    "search": [good.status_code, bad.status_code],
    "response_schema": schema["application/json"]["schema"],
    "dump": dump(Item(name="kiwi")),
}))
"""
EXPECTED = {
    "item": [200, {"name": "apple", "tags": ["fruit"]}],
    "missing": 404,
    "search": [200, 422],
    "response_schema": {"$ref": "#/components/schemas/Item"},
    "dump": {"name": "kiwi", "tags": []},
}


@pytest.fixture(scope="session")
def pinned_python(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A Python with the app's pinned releases installed; the tests skip if PyPI is out of reach."""
    folder = tmp_path_factory.mktemp("pinned-venv")
    venv.EnvBuilder(with_pip=True, clear=True).create(folder)
    python = folder / "bin" / "python"
    install = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    try:
        subprocess.run([*install, *PINNED], check=True, capture_output=True, timeout=300)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as error:
        output = getattr(error, "stderr", b"") or b""
        pytest.skip(f"cannot install {', '.join(PINNED)} from the package index: {output[-300:]!r}")
    return python


def _copy(tmp_path: Path, pyproject_extra: str = "") -> Path:
    project = tmp_path / "inventory"
    shutil.copytree(FIXTURE, project)
    if pyproject_extra:
        pyproject = project / "pyproject.toml"
        pyproject.write_text(pyproject.read_text() + pyproject_extra)
    return project


def _lint(project: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> dict[str, object]:
    monkeypatch.chdir(project)
    command = ["check", "--no-cache", "--exit-zero", "--output-format", "json", *args, "."]
    result = CliRunner().invoke(cli, command, catch_exceptions=False)
    document: dict[str, object] = json.loads(result.stdout)
    return document


def _codes(document: dict[str, object]) -> set[str]:
    diagnostics = document["diagnostics"]
    assert isinstance(diagnostics, list)
    return {diagnostic["code"] for diagnostic in diagnostics}


def _serve(python: Path, project: Path) -> dict[str, object]:
    done = subprocess.run(
        [str(python), "-c", SERVE], cwd=project, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    served: dict[str, object] = json.loads(done.stdout)
    return served


def test_the_unfixed_app_runs_on_its_pinned_releases(pinned_python: Path, tmp_path: Path) -> None:
    assert _serve(pinned_python, _copy(tmp_path)) == EXPECTED


def test_fixes_keep_the_app_working_on_its_pinned_releases(
    pinned_python: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = _copy(tmp_path)
    before = (project / "app" / "main.py").read_text()
    fixed = _lint(project, monkeypatch, "--fix", "--unsafe-fixes")
    assert (project / "app" / "main.py").read_text() != before  # something was fixed
    assert not _codes(fixed) & {*V2_RULES, "FAPI101", "FAPI401", "FAPI501", "FAPI503"}
    assert _serve(pinned_python, project) == EXPECTED


def test_a_pydantic_2_target_gives_the_upgrade_checklist(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pinned = _lint(_copy(tmp_path / "pinned"), monkeypatch)
    upgrading = _lint(_copy(tmp_path / "upgrading", _PYDANTIC_2), monkeypatch)
    assert not _codes(pinned) & V2_RULES
    assert _codes(upgrading) >= V2_RULES
    context = upgrading["context"]
    assert isinstance(context, dict)
    assert {off["code"] for off in context["rules_off"]} == {"FAPI501", "FAPI503", "FAPI509"}


def test_the_checklist_fixes_break_the_pinned_app(
    pinned_python: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the gates keep out: the v2 fixes, applied to the v1 app, fail where it runs."""
    project = _copy(tmp_path, _PYDANTIC_2)
    _lint(project, monkeypatch, "--fix")
    done = subprocess.run(
        [str(pinned_python), "-c", SERVE], cwd=project, capture_output=True, text=True, timeout=120
    )
    # Pydantic 1.10 reads ``max_length`` (the v2 name of ``max_items``) as the length of
    # each string of the list: the app no longer starts. The v2 methods fail later still.
    assert done.returncode != 0
    assert "at most 3 characters" in done.stderr


_PYDANTIC_2 = '\n[tool.fastapi-lint]\ntarget-versions = { pydantic = "2" }\n'
