"""``fastapi-lint context``: what the run knows about the project, and why, as text and JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from fastapi_lint import registry
from fastapi_lint.cli import cli

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "context"
SHOP = FIXTURES / "roles" / "shop_api"
PINNED = FIXTURES / "pinned_v1"


def _context(project: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> str:
    monkeypatch.chdir(project)
    result = CliRunner().invoke(cli, ["context", *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def _json(project: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> dict[str, object]:
    document: dict[str, object] = json.loads(
        _context(project, monkeypatch, "--output-format", "json", *args)
    )
    return document


def test_the_text_names_root_targets_roles_and_rules_off(monkeypatch: pytest.MonkeyPatch) -> None:
    text = _context(PINNED, monkeypatch)
    assert f"Project root: {PINNED} (the folder of pyproject.toml)" in text
    assert "  fastapi     0.88.0    declared        pyproject.toml:6" in text
    assert "  pydantic    1.10      declared        pyproject.toml:7" in text
    assert "  app            3" in text
    assert "      app/main.py: application code (no other role's signal)" in text
    assert (
        "by target version: FAPI601-604 need pydantic>=2; the project targets pydantic 1.10 "
        "(pyproject.toml:7)"
    ) in text


def test_roles_come_with_counts_examples_and_reasons(monkeypatch: pytest.MonkeyPatch) -> None:
    document = _json(SHOP, monkeypatch)
    roles = document["roles"]
    assert isinstance(roles, dict)
    assert sum(group["files"] for group in roles.values()) == len(list(SHOP.rglob("*.py")))
    migration = roles["migration"]
    assert migration["files"] == 8
    assert all(example["reason"] for example in migration["examples"])
    assert len(migration["examples"]) == 3
    by_role = document["rules_off"]["role"]  # type: ignore[index]
    assert "FAPI000" not in by_role["migration"]
    assert set(by_role["migration"]) == {
        rule.code for rule in registry.select_rules() if rule.code != "FAPI000"
    }
    text = _context(SHOP, monkeypatch)
    assert "    migration: FAPI000\n" in text
    assert "Alembic revision header (revision/down_revision)" in text


def test_targets_carry_their_sources(monkeypatch: pytest.MonkeyPatch) -> None:
    targets = {t["package"]: t for t in _json(PINNED, monkeypatch)["targets"]}  # type: ignore[union-attr]
    assert targets["pydantic"] == {
        "package": "pydantic",
        "version": "1.10",
        "origin": "declared",
        "source": "pyproject.toml:7",
    }
    assert targets["starlette"]["origin"] == "inferred"
    assert targets["sqlalchemy"]["origin"] == "assumed latest"


def test_rules_off_by_version_in_json(monkeypatch: pytest.MonkeyPatch) -> None:
    off = _json(PINNED, monkeypatch)["rules_off"]["version"]  # type: ignore[index]
    assert {"code": "FAPI601", "package": "pydantic", "needs": ">=2"} in off
    assert {"code": "FAPI509", "package": "fastapi", "needs": ">=0.93"} in off


def test_a_configured_target_is_shown_as_configured(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.fastapi-lint]\ntarget-versions = { pydantic = "2" }\n'
    )
    (tmp_path / "app.py").write_text("x = 1\n")
    targets = {t["package"]: t for t in _json(tmp_path, monkeypatch)["targets"]}  # type: ignore[union-attr]
    assert targets["pydantic"]["origin"] == "configured"
    assert targets["pydantic"]["source"] == "configuration (target-versions)"


def test_code_evidence_is_named_when_nothing_is_declared(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n')
    (tmp_path / "settings.py").write_text("from pydantic import BaseSettings\n")
    text = _context(tmp_path, monkeypatch)
    assert "code evidence (settings.py:1: from pydantic import BaseSettings)" in text


@pytest.mark.parametrize(
    "other",
    ["fixtures/old_app/settings.py", "docs_src/settings_v1.py", "app/client/models_pb2.py"],
)
def test_test_data_examples_and_generated_code_are_not_version_evidence(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, other: str
) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n')
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "settings.py").write_text("from pydantic_settings import BaseSettings\n")
    (tmp_path / other).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / other).write_text("from pydantic import BaseSettings\n")
    text = _context(tmp_path, monkeypatch)
    assert "pydantic    2 " in text
    assert "code evidence (app/settings.py:1: from pydantic_settings import" in text
    assert other not in text.split("File roles")[0]


def test_router_classes_the_project_defines_are_listed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n')
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text("")
    (tmp_path / "app" / "routing.py").write_text(
        "from fastapi import APIRouter\n\n\nclass VersionedRouter(APIRouter):\n    pass\n"
    )
    document = _json(tmp_path, monkeypatch)
    assert document["routers"] == {"router class": ["app.routing.VersionedRouter"]}
    assert "router class: app.routing.VersionedRouter" in _context(tmp_path, monkeypatch)
    (tmp_path / "app" / "routing.py").write_text("x = 1\n")
    assert "none (FastAPI's own" in _context(tmp_path, monkeypatch)


# -- one file ----------------------------------------------------------------------------


def test_why_a_test_file_is_not_reviewed(monkeypatch: pytest.MonkeyPatch) -> None:
    text = _context(SHOP, monkeypatch, "--file", "tests/api/test_orders.py")
    assert text.startswith("tests/api/test_orders.py\n")
    assert "  role: test (test file name (test_*.py, *_test.py))" in text
    assert "  rules that run: FAPI000, FAPI806, FAPI907-908" in text
    assert "FAPI101-104" in text and ": does not review test files" in text


def test_why_a_rule_does_not_run_on_one_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\ndependencies = ["pydantic<2"]\n\n'
        '[tool.fastapi-lint.per-file-ignores]\n"app/*.py" = ["FAPI901"]\n'
    )
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "main.py").write_text("print('x')\n")
    document = _json(tmp_path, monkeypatch, "--file", "app/main.py")
    file = document["file"]
    assert isinstance(file, dict)
    assert (file["path"], file["role"]) == ("app/main.py", "app")
    skipped = {item["code"]: item["why"] for item in file["skipped"]}
    assert skipped["FAPI901"] == "turned off for this file by per-file-ignores"
    assert skipped["FAPI601"] == "off for the project's target versions (needs pydantic>=2)"
    assert "FAPI902" in file["runs"] and "FAPI901" not in file["runs"]


def test_a_missing_file_is_a_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["context", "--file", "nope.py"])
    assert result.exit_code == 2
