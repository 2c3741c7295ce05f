"""The project's context in a run: roles choose the rules, target versions switch some off.

Both sides every time: the same code linted on its own (no project context, every rule
given runs, every fix kept) and in a project whose context gates it.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from fastapi_lint import registry
from fastapi_lint.cli import cli
from fastapi_lint.context.project import Placement, ProjectContext
from fastapi_lint.context.roles import APPLICATION, FileRole, Role
from fastapi_lint.context.versions import resolve_target_versions
from fastapi_lint.rule import Rule
from fastapi_lint.runner.single_file import lint_file, lint_source

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "context"
SHOP = FIXTURES / "roles" / "shop_api"


def _rule(code: str) -> type[Rule]:
    rule = registry.rule_by_code(code)
    assert rule is not None
    return rule


def _check(project: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> dict[str, object]:
    monkeypatch.chdir(project)
    command = ["check", "--no-cache", "--exit-zero", "--output-format", "json", *args, "."]
    result = CliRunner().invoke(cli, command, catch_exceptions=False)
    document: dict[str, object] = json.loads(result.stdout)
    return document


def _found(document: dict[str, object]) -> set[tuple[str, str]]:
    diagnostics = document["diagnostics"]
    assert isinstance(diagnostics, list)
    return {(d["path"], d["code"]) for d in diagnostics}


def _write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


# -- roles ------------------------------------------------------------------------------

REVISION = "migrations/versions/postgresql/2021-06-02_f011c050b9ba.py"
STUB = "app/grpc/payments_pb2_grpc.py"
ROLES = {
    REVISION: Role.MIGRATION,
    STUB: Role.GENERATED,
    "tools/backfill_prices.py": Role.SCRIPT,
    "tests/api/test_orders.py": Role.TEST,
    "docs/snippets/dependencies.py": Role.EXAMPLE,
}


@pytest.mark.parametrize("path", sorted(ROLES))
def test_a_file_outside_application_code_is_not_reviewed_as_it(
    path: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    alone = {d.code for d in lint_file(SHOP / path, path, registry.select_rules()).diagnostics}
    in_project = {code for shown, code in _found(_check(SHOP, monkeypatch)) if shown == path}
    reviewing = {rule.code for rule in registry.all_rules() if ROLES[path] in rule.roles}
    assert alone - reviewing, "linted on its own, rules that do not review its role flag it"
    assert in_project == alone & reviewing


def test_migrations_and_generated_code_get_only_syntax_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = tmp_path / "shop"
    shutil.copytree(SHOP, project)
    (project / REVISION).write_text((project / REVISION).read_text() + "\ndef broken(:\n")
    found = _found(_check(project, monkeypatch))
    assert {code for path, code in found if path in (REVISION, STUB)} == {"FAPI000"}
    assert any(path.startswith("app/") for path, _ in found), "application code is reviewed"


def test_the_json_report_counts_the_roles(monkeypatch: pytest.MonkeyPatch) -> None:
    context = _check(SHOP, monkeypatch)["context"]
    assert isinstance(context, dict)
    roles = context["roles"]
    assert set(roles) == {"app", "test", "script", "migration", "generated", "example"}
    assert sum(roles.values()) == len(list(SHOP.rglob("*.py")))


def test_role_globs_from_the_configuration_decide(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    printing = "def export_totals() -> None:\n    print('done')\n"
    project = _write(tmp_path, {"tools/report.py": printing, "app/report.py": printing})
    before = _found(_check(project, monkeypatch))
    (project / "pyproject.toml").write_text('[tool.fastapi-lint.roles]\nscript = ["tools/**"]\n')
    after = _found(_check(project, monkeypatch))
    assert ("tools/report.py", "FAPI901") in before
    assert ("tools/report.py", "FAPI901") not in after
    assert ("app/report.py", "FAPI901") in after


def test_an_unknown_role_runs_every_rule_given() -> None:
    rules = (_rule("FAPI101"),)
    source = "import time\n\n\nasync def f() -> None:\n    time.sleep(1)\n"
    alone = lint_source(source, "scripts/job.py", rules).diagnostics
    assert [d.code for d in alone] == ["FAPI101"]


# -- target versions --------------------------------------------------------------------

V1_MODEL = """\
from pydantic import BaseModel


class Item(BaseModel):
    name: str

    class Config:
        orm_mode = True
"""


def _v1_project(root: Path, extra: str = "") -> Path:
    pyproject = '[project]\nname = "x"\ndependencies = ["fastapi==0.88.0", "pydantic>=1.10,<2"]\n'
    return _write(root, {"pyproject.toml": pyproject + extra, "app/models.py": V1_MODEL})


def test_rules_a_target_version_lacks_are_off_and_said_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = _v1_project(tmp_path)
    document = _check(project, monkeypatch)
    assert ("app/models.py", "FAPI601") not in _found(document)
    context = document["context"]
    assert isinstance(context, dict)
    off = {(item["code"], item["package"], item["needs"]) for item in context["rules_off"]}
    assert ("FAPI601", "pydantic", ">=2") in off
    assert ("FAPI501", "fastapi", ">=0.95") in off
    pydantic = next(t for t in context["targets"] if t["package"] == "pydantic")
    assert pydantic == {
        "package": "pydantic",
        "version": "1.10",
        "origin": "declared",
        "source": "pyproject.toml:3",
    }
    result = CliRunner().invoke(cli, ["check", "--no-cache", "."])
    assert (
        "7 rules off for this project's target versions: FAPI501, FAPI503, FAPI509 (fastapi "
        "0.88.0 from pyproject.toml:3), FAPI601-604 (pydantic 1.10 from pyproject.toml:3); "
        "see `fastapi-lint context`."
    ) in result.stdout


def test_a_higher_target_set_on_purpose_turns_them_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = _v1_project(tmp_path, '\n[tool.fastapi-lint]\ntarget-versions = { pydantic = "2" }\n')
    document = _check(project, monkeypatch)
    assert ("app/models.py", "FAPI601") in _found(document)
    context = document["context"]
    assert isinstance(context, dict)
    assert "FAPI601" not in {item["code"] for item in context["rules_off"]}
    result = CliRunner().invoke(cli, ["check", "--no-cache", "--select", "FAPI6", "."])
    assert "rules off" not in result.stdout


def test_the_engine_alone_runs_the_rules_a_project_would_switch_off() -> None:
    found = lint_source(V1_MODEL, "app/models.py", (_rule("FAPI601"),)).diagnostics
    assert [d.code for d in found] == ["FAPI601"]
    assert found[0].fix is not None


# -- fixes ------------------------------------------------------------------------------


def _placement(tmp_path: Path, dependencies: str, python: str = ">=3.10") -> Placement:
    pyproject = (
        f'[project]\nname = "x"\nrequires-python = "{python}"\ndependencies = {dependencies}\n'
    )
    _write(tmp_path, {"pyproject.toml": pyproject})
    targets = resolve_target_versions(tmp_path)
    return Placement(ProjectContext(tmp_path, targets), APPLICATION)


def _fixes(source: str, code: str, placement: Placement) -> list[bool]:
    found = lint_source(source, "app/api.py", (_rule(code),), placement=placement).diagnostics
    return [d.fix is not None for d in found if d.code == code]


PARAMETERS = """\
from fastapi import Query
from pydantic import BaseModel, Field


class Search(BaseModel):
    term: str = Field(regex="^[a-z]+$")


async def search(q: str = Query(regex="^[a-z]+$")) -> None: ...
"""


def test_a_fix_needing_newer_fastapi_is_dropped_and_its_finding_stays(tmp_path: Path) -> None:
    # Pydantic 2 set on purpose while FastAPI stays before 0.100: ``Query(pattern=)`` is
    # not there yet, ``Field(pattern=)`` is.
    old = _placement(tmp_path / "old", '["fastapi==0.99.1", "pydantic>=2"]')
    new = _placement(tmp_path / "new", '["fastapi>=0.100", "pydantic>=2"]')
    assert _fixes(PARAMETERS, "FAPI604", old) == [True, False]
    assert _fixes(PARAMETERS, "FAPI604", new) == [True, True]
    assert _fixes(PARAMETERS, "FAPI604", Placement()) == [True, True]


DEPENDS = """\
from fastapi import Depends


def get_db() -> int:
    return 1


async def read(db: int = Depends(get_db)) -> int:
    return db
"""
DEPENDS_WITH_TYPING_EXTENSIONS = "from typing_extensions import Annotated\n" + DEPENDS


def test_the_annotated_fix_needs_python_3_9_only_to_import_it_from_typing(
    tmp_path: Path,
) -> None:
    py38 = _placement(tmp_path / "py38", '["fastapi>=0.95"]', python=">=3.8")
    py39 = _placement(tmp_path / "py39", '["fastapi>=0.95"]', python=">=3.9")
    assert _fixes(DEPENDS, "FAPI501", py38) == [False]
    assert _fixes(DEPENDS, "FAPI501", py39) == [True]
    assert _fixes(DEPENDS_WITH_TYPING_EXTENSIONS, "FAPI501", py38) == [True]


def test_a_project_rules_fix_is_gated_like_any_other(tmp_path: Path) -> None:
    source = V1_MODEL + "\n\ndef dump(item: Item) -> dict:\n    return item.dict()\n"
    v2 = _placement(tmp_path / "v2", '["pydantic>=2"]')
    assert _fixes(source, "FAPI603", v2) == [True]


# -- the cache --------------------------------------------------------------------------


def test_the_cache_follows_target_versions_and_roles(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = _v1_project(tmp_path / "project")
    _write(project, {"tools/job.py": "def export_totals() -> None:\n    print('x')\n"})
    cache = ["--cache-dir", str(tmp_path / "cache")]

    def found() -> set[tuple[str, str]]:
        monkeypatch.chdir(project)
        command = ["check", "--exit-zero", "--output-format", "json", *cache, "."]
        return _found(json.loads(CliRunner().invoke(cli, command).stdout))

    assert ("app/models.py", "FAPI601") not in found()
    assert ("tools/job.py", "FAPI901") in found()
    pyproject = project / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace("<2", "<3").replace(">=1.10", ">=2"))
    roles = '[tool.fastapi-lint.roles]\nscript = ["tools/**"]\n'
    pyproject.write_text(pyproject.read_text() + roles)
    assert ("app/models.py", "FAPI601") in found()
    assert ("tools/job.py", "FAPI901") not in found()


# -- rule pages -------------------------------------------------------------------------


def test_rule_pages_and_the_rule_list_show_roles_and_requirements() -> None:
    page = CliRunner().invoke(cli, ["rule", "FAPI604"]).stdout
    assert "Reviews files of role: app, script" in page
    assert "Needs pydantic>=2" in page
    assert "Its fixes need fastapi>=0.100" in page
    rows = json.loads(CliRunner().invoke(cli, ["rules", "--output-format", "json"]).stdout)
    by_code = {row["code"]: row for row in rows}
    assert by_code["FAPI604"]["requires"] == {"pydantic": ">=2"}
    assert by_code["FAPI604"]["fix_requires"] == {"fastapi": ">=0.100"}
    assert by_code["FAPI000"]["roles"] == [role.value for role in Role]
    assert by_code["FAPI101"]["roles"] == ["app", "example"]


def test_every_rule_declares_the_roles_it_reviews() -> None:
    undeclared = [rule.code for rule in registry.all_rules() if "roles" not in vars(rule)]
    assert not undeclared
    assert all(Role.APP in rule.roles for rule in registry.all_rules())


def test_placement_role_reaches_the_rules(tmp_path: Path) -> None:
    seen: list[FileRole | None] = []

    class Spy(Rule):
        code = "FAPI997"
        name = "spy"
        family = "test"
        message = "m"

        def visit_Module(self, node: object) -> None:
            seen.append(self.context.role)

    role = FileRole(Role.SCRIPT, "in a scripts/ folder")
    placement = Placement(ProjectContext(tmp_path, resolve_target_versions(tmp_path)), role)
    lint_source("x = 1\n", "scripts/x.py", (Spy,), placement=placement)
    lint_source("x = 1\n", "scripts/x.py", (Spy,))
    assert seen == [role, None]


def test_files_outside_the_working_folders_project_take_their_own_targets(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    uses_v1_api = V1_MODEL + "\n\ndef dump(item: Item) -> str:\n    return item.json()\n"
    pinned = '[project]\nname = "{}"\ndependencies = ["pydantic{}"]\n'
    here = _write(tmp_path / "here", {"pyproject.toml": pinned.format("here", "<2")})
    there = _write(tmp_path / "there", {"app/models.py": uses_v1_api})
    (there / "pyproject.toml").write_text(pinned.format("there", ">=2"))
    monkeypatch.chdir(here)
    command = ["check", "--no-cache", "--exit-zero", "--output-format", "json", str(there)]
    checked = json.loads(CliRunner().invoke(cli, command, catch_exceptions=False).stdout)
    assert "FAPI603" in {d["code"] for d in checked["diagnostics"]}
    (there / "pyproject.toml").write_text(pinned.format("there", "<2"))
    checked = json.loads(CliRunner().invoke(cli, command, catch_exceptions=False).stdout)
    assert "FAPI603" not in {d["code"] for d in checked["diagnostics"]}


def test_a_setup_answers_each_role_with_its_own_rules_and_key(tmp_path: Path) -> None:
    from fastapi_lint.config import load_config
    from fastapi_lint.runner.context import for_role, project_setup
    from fastapi_lint.runner.project_files import project_files

    config = load_config(tmp_path)
    rules = tuple(registry.all_rules())
    setup = project_setup(config, tmp_path, rules, project_files(config, tmp_path))
    app, test = FileRole(Role.APP, "app"), FileRole(Role.TEST, "tests/")
    for _ in range(2):  # the second time from what the setup remembered
        assert setup.rules_for_role(rules, app) == for_role(rules, app)
        assert setup.rules_for_role(rules, test) == for_role(rules, test)
    assert setup.rules_for_role(rules, app) != setup.rules_for_role(rules, test)
    app_rules, test_rules = for_role(rules, app), for_role(rules, test)
    assert setup.cache_key(app, app_rules) == setup.cache_key(app, app_rules)
    assert setup.cache_key(app, app_rules) != setup.cache_key(test, test_rules)
