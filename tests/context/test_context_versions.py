"""Target versions: read from declarations and locks, inferred, evidenced, or assumed.

Each fixture project under fixtures/context/versions/ is shaped like a real one; the
expected sources name the line of the fixture file the version was read from.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from fastapi_lint.context._declarations import DeclarationFile
from fastapi_lint.context._locks import toml_lock
from fastapi_lint.context._toml import load_toml
from fastapi_lint.context.evidence import Evidence, scan_evidence
from fastapi_lint.context.versions import (
    CONFIGURED_SOURCE,
    Origin,
    TargetVersions,
    declaration_root,
    parse_target_override,
    resolve_target_versions,
)

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "context" / "versions"


def _project_evidence(root: Path) -> list[Evidence]:
    found: list[Evidence] = []
    for folder, _, names in os.walk(root):
        for name in sorted(names):
            if name.endswith(".py"):
                path = Path(folder, name)
                found += scan_evidence(path.relative_to(root).as_posix(), path.read_text())
    return found


def _resolve(name: str, **overrides: str) -> TargetVersions:
    root = FIXTURES / name
    return resolve_target_versions(root, overrides=overrides, evidence=_project_evidence(root))


def _summary(targets: TargetVersions) -> dict[str, tuple[str, str, str]]:
    return {t.package: (t.display, t.origin.value, t.source) for t in targets.versions}


def test_poetry_project_pinned_to_pydantic_1_10() -> None:
    targets = _resolve("poetry_pydantic1")
    summary = _summary(targets)
    assert summary["pydantic"] == ("1.10", "declared", "pyproject.toml:12")
    assert summary["fastapi"] == ("0.95.2", "declared", "pyproject.toml:10")
    assert summary["python"] == ("3.8", "declared", "pyproject.toml:9")
    assert summary["sqlalchemy"] == ("1.4.46", "declared", "pyproject.toml:13")
    assert summary["starlette"][1] == "inferred"
    assert summary["starlette"][0] == "0.26.1"
    assert not targets.satisfies("pydantic", ">=2")
    assert targets.satisfies("pydantic", "<2")
    assert targets.satisfies("fastapi", ">=0.95")
    assert not targets.satisfies("python", ">=3.10")


def test_uv_lock_exact_versions_win_over_pyproject_ranges() -> None:
    summary = _summary(_resolve("uv_locked"))
    assert summary["fastapi"] == ("0.115.6", "locked", "uv.lock:30")
    assert summary["pydantic"] == ("2.10.4", "locked", "uv.lock:40")
    assert summary["starlette"] == ("0.41.3", "locked", "uv.lock:70")
    assert summary["sqlalchemy"] == ("2.0.36", "locked", "uv.lock:60")
    assert summary["python"] == ("3.11", "declared", "pyproject.toml:5")


def test_without_the_lock_fastapi_comes_from_an_optional_dependency(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_bytes((FIXTURES / "uv_locked/pyproject.toml").read_bytes())
    summary = _summary(resolve_target_versions(tmp_path))
    assert summary["fastapi"] == ("0.110", "declared", "pyproject.toml:15")
    assert summary["pydantic"] == ("2.5", "declared", "pyproject.toml:7")
    assert summary["sqlalchemy"] == ("2.0.25", "declared", "pyproject.toml:9")


def test_the_lock_text_search_agrees_with_a_full_toml_parse() -> None:
    text = (FIXTURES / "uv_locked/uv.lock").read_text()
    searched = {d.package: str(d.bound.lowest) for d in toml_lock(DeclarationFile(text, "uv.lock"))}
    parsed = {p["name"]: p["version"] for p in load_toml(text)["package"]}
    for package, version in searched.items():
        if package != "python":
            assert parsed[package] == version
    assert set(searched) == {
        "python",
        "fastapi",
        "pydantic",
        "pydantic-settings",
        "starlette",
        "sqlalchemy",
    }


def test_requirements_files_follow_includes_and_skip_urls_and_editables() -> None:
    targets = _resolve("requirements_app")
    summary = _summary(targets)
    assert summary["fastapi"] == ("0.99.1", "declared", "requirements/base.txt:2")
    assert summary["pydantic"] == ("1.10.2", "declared", "requirements/base.txt:3")
    # a line continued with a backslash and followed by --hash
    assert summary["sqlalchemy"] == ("1.4", "declared", "requirements/base.txt:4")
    # reached through "-c constraints.txt", relative to the including file
    assert summary["starlette"] == ("0.27.0", "declared", "requirements/constraints.txt:1")
    assert not targets.satisfies("pydantic", ">=2")


def test_a_pip_compiled_requirements_file_is_a_lock() -> None:
    summary = _summary(_resolve("pip_compiled"))
    assert summary["fastapi"] == ("0.109.2", "locked", "requirements.txt:11")
    assert summary["pydantic"] == ("2.6.1", "locked", "requirements.txt:13")


def test_setup_cfg_and_a_literal_setup_py_are_read_without_running_anything() -> None:
    summary = _summary(_resolve("setuptools_app"))
    assert summary["fastapi"] == ("0.89.1", "declared", "setup.cfg:9")
    assert summary["pydantic"] == ("1.x", "declared", "setup.cfg:10")
    assert summary["python"] == ("3.7", "declared", "setup.cfg:7")
    # setup.py: install_requires=REQUIRES, a module-level literal list
    assert summary["starlette"] == ("0.22.0", "declared", "setup.py:5")
    # two marker alternatives: the oldest wins
    assert summary["sqlalchemy"] == ("1.3.24", "declared", "setup.cfg:11")


def test_pipfile_lock_pins_win_over_pipfile_ranges() -> None:
    summary = _summary(_resolve("pipenv_app"))
    assert summary["fastapi"] == ("0.88.0", "locked", "Pipfile.lock:12")
    assert summary["pydantic"] == ("1.10.13", "locked", "Pipfile.lock:19")
    assert summary["python"] == ("3.9", "declared", "Pipfile:15")


def test_only_an_old_fastapi_declared_implies_pydantic_1_and_its_starlette() -> None:
    targets = _resolve("old_fastapi")
    pydantic = targets["pydantic"]
    assert pydantic.origin is Origin.INFERRED
    assert pydantic.display == "1.x"
    assert "fastapi 0.79.0 (pyproject.toml:5)" in pydantic.source
    assert "before 0.100 requires Pydantic 1.x" in pydantic.source
    assert not targets.satisfies("pydantic", ">=2")
    assert targets.satisfies("pydantic", ">=1.8")
    assert targets["starlette"].version == Version("0.19.1")
    for gate in (">=0.89", ">=0.93", ">=0.95"):
        assert not targets.satisfies("fastapi", gate)


def test_nothing_declared_code_evidence_decides() -> None:
    targets = _resolve("undeclared_v1")
    pydantic = targets["pydantic"]
    assert pydantic.origin is Origin.EVIDENCE
    assert pydantic.source == ("code evidence (app/config.py:3: from pydantic import BaseSettings)")
    assert not targets.satisfies("pydantic", ">=2")
    # Pydantic 1 rules out FastAPI 0.126+, and says nothing else about it ...
    assert targets["fastapi"].origin is Origin.INFERRED
    assert targets.satisfies("fastapi", ">=0.95")
    assert not targets.satisfies("fastapi", ">=0.126")
    # ... nor, through that ceiling, about Starlette: older FastAPIs allow older Starlettes
    assert targets["starlette"].origin is Origin.ASSUMED


def test_nothing_declared_and_no_evidence_assumes_the_latest(tmp_path: Path) -> None:
    targets = resolve_target_versions(tmp_path)
    for target in targets.versions:
        assert target.origin is Origin.ASSUMED
        assert target.display == "latest"
    assert targets.satisfies("pydantic", ">=2")
    assert targets.satisfies("fastapi", ">=0.95")
    assert targets.satisfies("python", ">=3.10")
    assert not targets.satisfies("pydantic", "<2")


def test_a_declaration_without_a_version_is_named_when_the_latest_is_assumed(
    tmp_path: Path,
) -> None:
    (tmp_path / "requirements.txt").write_text("uvicorn\nfastapi\n")
    fastapi = resolve_target_versions(tmp_path)["fastapi"]
    assert fastapi.origin is Origin.ASSUMED
    assert fastapi.source == "assumed latest (requirements.txt:2 declares no version)"


def test_pydantic_settings_implies_pydantic_2(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("fastapi>=0.110\npydantic-settings\n")
    targets = resolve_target_versions(tmp_path)
    assert targets["pydantic"].origin is Origin.INFERRED
    assert targets.satisfies("pydantic", ">=2")


@pytest.mark.parametrize(
    ("declared", "sqlalchemy_2", "pydantic_2"),
    [
        ("sqlmodel==0.0.22", True, True),  # SQLAlchemy >=2.0.14, Pydantic 1.10.13 or 2
        ("sqlmodel>=0.0.12", True, False),  # SQLAlchemy 2, still Pydantic 1
        ("sqlmodel>=0.0.10,<0.1", False, False),  # the oldest allowed pins SQLAlchemy 1.4
        ("sqlmodel~=0.0.8", False, False),
    ],
)
def test_sqlmodel_implies_its_sqlalchemy_and_pydantic(
    tmp_path: Path, declared: str, sqlalchemy_2: bool, pydantic_2: bool
) -> None:
    (tmp_path / "requirements.txt").write_text(f"fastapi\n{declared}\n")
    targets = resolve_target_versions(
        tmp_path, evidence=_no_evidence_expected, needed=("sqlalchemy",)
    )
    assert targets["sqlalchemy"].origin is Origin.INFERRED
    assert "SQLModel" in targets["sqlalchemy"].source
    assert targets.satisfies("sqlalchemy", ">=2") is sqlalchemy_2
    assert targets.satisfies("sqlalchemy", ">=1.4") is True
    assert targets.satisfies("pydantic", ">=2") is pydantic_2
    assert targets["pydantic"].origin is (Origin.INFERRED if not pydantic_2 else Origin.ASSUMED)


def test_sqlmodel_without_a_version_or_with_sqlalchemy_declared_infers_nothing(
    tmp_path: Path,
) -> None:
    (tmp_path / "requirements.txt").write_text("sqlmodel\n")
    assert resolve_target_versions(tmp_path)["sqlalchemy"].origin is Origin.ASSUMED
    (tmp_path / "requirements.txt").write_text("sqlmodel==0.0.22\nsqlalchemy==1.4.50\n")
    targets = resolve_target_versions(tmp_path)
    assert targets["sqlalchemy"].origin is Origin.DECLARED
    assert not targets.satisfies("sqlalchemy", ">=2")


def _no_evidence_expected() -> list[Evidence]:
    raise AssertionError("the evidence pass ran although every package was known")


def test_declared_pydantic_2_implies_fastapi_0_100(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("pydantic>=2.4\n")
    targets = resolve_target_versions(tmp_path)
    assert targets["fastapi"].version == Version("0.100.0")
    assert "Pydantic 2 needs FastAPI >= 0.100" in targets["fastapi"].source


def test_a_declaration_wins_over_contrary_evidence(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("pydantic>=2\n")
    evidence = scan_evidence("app/config.py", "from pydantic import BaseSettings\n")
    targets = resolve_target_versions(tmp_path, evidence=evidence)
    assert targets["pydantic"].origin is Origin.DECLARED
    assert targets.satisfies("pydantic", ">=2")


def test_configured_target_versions_win_over_everything() -> None:
    targets = _resolve("uv_locked", pydantic="1.10", python="3.9", fastapi="0.95")
    pydantic = targets["pydantic"]
    assert (pydantic.display, pydantic.origin, pydantic.source) == (
        "1.10",
        Origin.CONFIGURED,
        CONFIGURED_SOURCE,
    )
    assert not targets.satisfies("pydantic", ">=2")
    assert not targets.satisfies("python", ">=3.10")
    # the lock still decides what the configuration leaves out
    assert targets["sqlalchemy"].origin is Origin.LOCKED


def test_a_higher_configured_target_turns_the_upgrade_gates_on() -> None:
    targets = _resolve("poetry_pydantic1", pydantic="2")
    assert targets.satisfies("pydantic", ">=2")


@pytest.mark.parametrize(
    ("text", "gate", "expected"),
    [
        ("1.10", ">=2", False),
        ("2", ">=2", True),
        ("1.x", ">=1.10", True),
        ("1.x", ">=2", False),
        (">=2,<3", ">=2", True),
    ],
)
def test_override_values(text: str, gate: str, expected: bool) -> None:
    version = parse_target_override("pydantic", text).representative()
    assert SpecifierSet(gate).contains(version) is expected


@pytest.mark.parametrize(
    ("package", "text"), [("pydnatic", "2"), ("pydantic", "two"), ("fastapi", "*")]
)
def test_bad_override_values_are_refused_with_a_message(package: str, text: str) -> None:
    with pytest.raises(ValueError, match=package):
        parse_target_override(package, text)


def test_a_gate_with_a_bad_specifier_is_a_programming_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="not a version specifier"):
        resolve_target_versions(tmp_path).satisfies("pydantic", "two or more")
    with pytest.raises(KeyError):
        resolve_target_versions(tmp_path)["django"]


def test_json_form_names_every_package(tmp_path: Path) -> None:
    rows = resolve_target_versions(FIXTURES / "old_fastapi").as_json()
    assert [row["package"] for row in rows] == [
        "python",
        "fastapi",
        "pydantic",
        "starlette",
        "sqlalchemy",
    ]
    assert rows[1] == {
        "package": "fastapi",
        "version": "0.79.0",
        "origin": "declared",
        "source": "pyproject.toml:5",
    }


def test_unreadable_declaration_files_declare_nothing(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[project\ndependencies = [")
    (tmp_path / "setup.py").write_text("setup(install_requires=[")
    (tmp_path / "setup.cfg").write_text("[options\ninstall_requires")
    (tmp_path / "Pipfile.lock").write_text("{not json")
    (tmp_path / "uv.lock").write_bytes(b'\xff\xfe[[package]]\nname = "fastapi"\nversion = "x.y"\n')
    targets = resolve_target_versions(tmp_path)
    assert all(target.origin is Origin.ASSUMED for target in targets.versions)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_pipes_and_oversized_declaration_files_declare_nothing_without_blocking(
    tmp_path: Path,
) -> None:
    for name in ("pyproject.toml", "requirements.txt", "uv.lock", "Pipfile"):
        os.mkfifo(tmp_path / name)
    (tmp_path / "requirements-dev.txt").write_text("-r requirements.txt\n-r big.txt\n")
    # An include over 32 MB is skipped too; below it the same pin is read (checked last).
    pin = b"fastapi==0.95.0\n"
    (tmp_path / "big.txt").write_bytes(pin + b"#" * (32_000_001 - len(pin)))
    done: list[TargetVersions] = []
    worker = threading.Thread(target=lambda: done.append(resolve_target_versions(tmp_path)))
    worker.daemon = True
    worker.start()
    worker.join(20)
    assert done, "reading the declaration files blocked"
    assert done[0]["fastapi"].origin is Origin.ASSUMED
    (tmp_path / "big.txt").write_bytes(pin)
    assert resolve_target_versions(tmp_path)["fastapi"].display == "0.95.0"


def test_requirement_include_cycles_are_read_once(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("-r requirements-dev.txt\nfastapi==0.95.0\n")
    (tmp_path / "requirements-dev.txt").write_text(
        "-r requirements.txt\n--requirement=missing.txt\n"
    )
    assert resolve_target_versions(tmp_path)["fastapi"].display == "0.95.0"


def test_the_declaration_root_is_the_nearest_folder_with_a_declaration(tmp_path: Path) -> None:
    service = tmp_path / "services" / "billing"
    (service / "app").mkdir(parents=True)
    (service / "pyproject.toml").write_text("[project]\nname = 'billing'\n")
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'monorepo'\n")
    module = service / "app" / "main.py"
    module.write_text("")
    assert declaration_root(module, tmp_path) == service.resolve()
    assert declaration_root(tmp_path / "README.md", tmp_path) == tmp_path.resolve()
    assert declaration_root(Path("/elsewhere/x.py"), tmp_path) == tmp_path.resolve()


def test_a_fastapi_ceiling_implies_no_minimum_for_starlette(tmp_path: Path) -> None:
    # Supporting Pydantic 1 caps FastAPI below 0.126; older FastAPIs allow older Starlettes.
    (tmp_path / "requirements.txt").write_text("fastapi\npydantic>=1.0,!=2.0.*,<3\n")
    targets = resolve_target_versions(tmp_path)
    assert targets["fastapi"].display == "<0.126.0"
    assert targets["starlette"].origin is Origin.ASSUMED


def test_evidence_is_collected_only_when_a_version_is_still_unknown(tmp_path: Path) -> None:
    calls: list[str] = []

    def collect() -> list[Evidence]:
        calls.append("scanned")
        return list(scan_evidence("app/config.py", "from pydantic import BaseSettings\n"))

    everything = {"python": "3.11", "fastapi": "0.110", "pydantic": "2", "starlette": "0.36"}
    resolve_target_versions(
        tmp_path, overrides={**everything, "sqlalchemy": "2.0"}, evidence=collect
    )
    assert calls == []
    targets = resolve_target_versions(tmp_path, evidence=collect)
    assert calls == ["scanned"]
    assert targets["pydantic"].origin is Origin.EVIDENCE
