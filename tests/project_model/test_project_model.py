"""Whole-project names: module naming, imports across files, re-exports, methods, cycles."""

from __future__ import annotations

from pathlib import Path

import pytest

from fastapi_lint.project_model.modules import common_root, module_name, module_names
from fastapi_lint.project_model.project import (
    ClassRef,
    ConstantRef,
    ExternalRef,
    FunctionRef,
    InstanceRef,
    ModuleRef,
    Project,
    RouterRef,
)
from fastapi_lint.rules.asynchronous.blocking_call_via_helper import BlockingCallViaHelper
from project_helpers import project_of, write_tree

# -- module names ------------------------------------------------------------------------


def test_files_in_packages_are_named_by_their_packages_whatever_the_root(tmp_path: Path) -> None:
    project_of(tmp_path, {"backend/app/__init__.py": "", "backend/app/api/__init__.py": ""})
    file = tmp_path / "backend/app/api/users.py"
    file.write_text("")
    assert module_name(file, tmp_path) == "app.api.users"
    assert module_name(tmp_path / "backend/app/api/__init__.py", tmp_path) == "app.api"


def test_src_layouts_and_loose_files_are_named_from_the_root(tmp_path: Path) -> None:
    assert module_name(tmp_path / "src/shop/main.py", tmp_path) == "shop.main"
    assert module_name(tmp_path / "scripts/seed.py", tmp_path) == "scripts.seed"
    assert module_name(tmp_path / "main.py", tmp_path) == "main"


def test_a_folder_without_init_inside_a_package_is_a_namespace_portion(tmp_path: Path) -> None:
    project_of(
        tmp_path,
        {"open_app/__init__.py": "", "open_app/routers/audio/__init__.py": "", "x.py": ""},
    )
    assert module_name(tmp_path / "open_app/routers/chats.py", tmp_path) == "open_app.routers.chats"
    audio = tmp_path / "open_app/routers/audio/__init__.py"
    assert module_name(audio, tmp_path) == "open_app.routers.audio"


def test_two_files_with_one_name_are_both_kept(tmp_path: Path) -> None:
    names = module_names([None, None], ["a/main.py", "b/main.py"], tmp_path)
    assert names == ["main", "main#2"]


def test_the_common_root_of_files_is_their_deepest_shared_folder(tmp_path: Path) -> None:
    files = [tmp_path / "app/api/a.py", tmp_path / "app/core/b.py"]
    assert common_root(files) == tmp_path / "app"


# -- imports across files ----------------------------------------------------------------

APP = {
    "app/__init__.py": "",
    "app/core/__init__.py": "",
    "app/core/http.py": """
        import requests

        def fetch_json(url):
            return requests.get(url).json()
    """,
    "app/services/__init__.py": """
        from .rates import fetch_rate
        from app.services.users import *
    """,
    "app/services/rates.py": """
        from ..core import http
        from ..core.http import fetch_json as fj
        from ... import beyond_the_top

        def fetch_rate(code):
            return http.fetch_json(code)
    """,
    "app/services/users.py": """
        def get_user(user_id):
            return user_id
    """,
}


def _function(project: Project, module: str, dotted: str) -> object:
    return project.resolve(module, dotted)


def test_absolute_relative_and_aliased_imports_resolve(tmp_path: Path) -> None:
    project = project_of(tmp_path, APP)
    assert project.resolve("app.services.rates", "http") == ModuleRef("app.core.http")
    fetch_json = FunctionRef("app.core.http", "fetch_json")
    assert project.resolve("app.services.rates", "http.fetch_json") == fetch_json
    assert project.resolve("app.services.rates", "fj") == fetch_json
    assert project.resolve("app.services.rates", "beyond_the_top") is None


def test_reexports_in_init_and_star_imports_resolve(tmp_path: Path) -> None:
    project = project_of(tmp_path, {**APP, "app/main.py": "from app import services\n"})
    rate = FunctionRef("app.services.rates", "fetch_rate")
    assert project.resolve("app.main", "services.fetch_rate") == rate
    assert project.resolve("app.main", "services.get_user") == FunctionRef(
        "app.services.users", "get_user"
    )
    assert project.resolve("app.main", "services.rates.fetch_rate") == rate


@pytest.mark.parametrize(
    ("source", "name", "expected"),
    [
        (
            "import app.core.http",
            "app.core.http.fetch_json",
            FunctionRef("app.core.http", "fetch_json"),
        ),
        ("import app.core.http as h", "h.fetch_json", FunctionRef("app.core.http", "fetch_json")),
        (
            "from app.core import http as h",
            "h.fetch_json",
            FunctionRef("app.core.http", "fetch_json"),
        ),
        ("import requests", "requests.get", ExternalRef("requests.get")),
        ("from fastapi import APIRouter", "APIRouter", ExternalRef("fastapi.APIRouter")),
        ("", "print", None),
    ],
)
def test_import_forms(tmp_path: Path, source: str, name: str, expected: object) -> None:
    project = project_of(tmp_path, {**APP, "app/main.py": source + "\n"})
    assert project.resolve("app.main", name) == expected


def test_a_scripts_sibling_module_is_found_like_python_finds_it(tmp_path: Path) -> None:
    files = {"tools/main.py": "from helpers import slow\n", "tools/helpers.py": "def slow(): ...\n"}
    project = project_of(tmp_path, files)
    assert project.resolve("tools.main", "slow") == FunctionRef("tools.helpers", "slow")


def test_import_cycles_and_self_aliases_terminate(tmp_path: Path) -> None:
    files = {
        "a.py": "from b import thing\nloop = loop_too\nloop_too = loop\n",
        "b.py": "from a import thing\n",
    }
    project = project_of(tmp_path, files)
    assert project.resolve("a", "thing") is None
    assert project.resolve("a", "loop") is None


# -- classes, instances, methods -----------------------------------------------------------

CLASSES = {
    "repo.py": """
        class Base:
            def load(self):
                ...

        class Repo(Base):
            prefix = "/repos"

            def __init__(self, client: Client):
                self.client = client

            def save(self):
                ...

        class Client:
            def get(self):
                ...

        repos = Repo(Client())
    """,
    "service.py": """
        from repo import Repo, repos

        class Service:
            repo: Repo

            def run(self):
                self.repo.save()
    """,
}


def test_methods_of_classes_instances_and_bases_resolve(tmp_path: Path) -> None:
    project = project_of(tmp_path, CLASSES)
    assert project.resolve("service", "Repo.save") == FunctionRef("repo", "Repo.save")
    assert project.resolve("service", "repos.load") == FunctionRef("repo", "Base.load")
    assert project.resolve("service", "repos") == InstanceRef(ClassRef("repo", "Repo"))
    assert project.resolve("service", "Service.repo.save") == FunctionRef("repo", "Repo.save")
    assert project.resolve("repo", "Repo.client.get") == FunctionRef("repo", "Client.get")
    assert project.resolve("repo", "Repo.prefix") == ConstantRef("/repos")


def test_calling_a_class_runs_its_init_and_self_calls_are_methods(tmp_path: Path) -> None:
    project = project_of(tmp_path, CLASSES)
    run = project.function(FunctionRef("service", "Service.run"))
    assert run is not None
    assert [call.callee for call in run.calls] == ["Service.repo.save"]
    assert project.callee("service", "Repo", run) == FunctionRef("repo", "Repo.__init__")
    assert project.callee("service", "Service.repo.save", run) == FunctionRef("repo", "Repo.save")


def test_a_class_deriving_from_itself_terminates(tmp_path: Path) -> None:
    project = project_of(tmp_path, {"m.py": "class A(B):\n    ...\nclass B(A):\n    ...\n"})
    assert project.resolve("m", "A.missing") is None


def test_function_level_imports_are_seen_by_that_function_only(tmp_path: Path) -> None:
    files = {
        **APP,
        "app/main.py": """
            def handler():
                from app.core.http import fetch_json
                return fetch_json("x")

            def other():
                return fetch_json("x")
        """,
    }
    project = project_of(tmp_path, files)
    handler = project.function(FunctionRef("app.main", "handler"))
    other = project.function(FunctionRef("app.main", "other"))
    assert handler is not None and other is not None
    fetch_json = FunctionRef("app.core.http", "fetch_json")
    assert project.callee("app.main", "fetch_json", handler) == fetch_json
    assert project.callee("app.main", "fetch_json", other) is None


def test_routers_resolve_across_modules(tmp_path: Path) -> None:
    files = {
        "app/__init__.py": "",
        "app/users.py": "from fastapi import APIRouter\nrouter = APIRouter()\n",
        "app/main.py": "from app import users\nfrom app.users import router as users_router\n",
    }
    project = project_of(tmp_path, files)
    expected = RouterRef("app.users", "", "router")
    assert project.resolve("app.main", "users.router") == expected
    assert project.resolve("app.main", "users_router") == expected


# -- source roots, namespace packages, a root above the source root ---------------------------


def test_each_pyproject_folder_of_a_monorepo_and_its_src_are_source_roots(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "pyproject.toml": "",
            "services/api/pyproject.toml": "",
            "services/worker/pyproject.toml": "",
            "services/worker/src/worker/jobs.py": "",
            "libs/shared/util.py": "",
        },
    )
    assert module_name(tmp_path / "services/api/app/main.py", tmp_path) == "app.main"
    assert module_name(tmp_path / "services/worker/src/worker/jobs.py", tmp_path) == "worker.jobs"
    # No pyproject.toml there: named from the project root.
    assert module_name(tmp_path / "libs/shared/util.py", tmp_path) == "libs.shared.util"


def test_configured_source_roots_name_loose_modules_but_not_packages(tmp_path: Path) -> None:
    write_tree(tmp_path, {"backend/app/main.py": "", "backend/pkg/__init__.py": ""})
    roots = [tmp_path / "backend"]
    assert module_name(tmp_path / "backend/app/main.py", tmp_path, roots) == "app.main"
    assert module_name(tmp_path / "backend/app/main.py", tmp_path) == "backend.app.main"
    # A regular package is named by its packages, whatever the roots.
    assert module_name(tmp_path / "backend/pkg/views.py", tmp_path, roots) == "pkg.views"


NAMESPACE_BACKEND = {
    "backend/app/main.py": """
        from app.core.config import get_settings
        from app.services import rates

        async def read_rates():
            return rates.fetch_rate(get_settings())
    """,
    "backend/app/core/config.py": """
        import json

        def get_settings():
            with open("settings.json") as handle:
                return json.load(handle)
    """,
    "backend/app/services/rates.py": """
        import requests

        def fetch_rate(settings):
            return requests.get(settings["url"]).json()
    """,
    "backend/json.py": "def load(handle): ...\n",
}


def test_an_import_from_a_source_root_below_the_project_root_resolves(tmp_path: Path) -> None:
    project = project_of(tmp_path, NAMESPACE_BACKEND)
    main = "backend.app.main"
    assert main in project.modules  # named from the root: no __init__.py, no pyproject
    expected = FunctionRef("backend.app.core.config", "get_settings")
    assert project.resolve(main, "get_settings") == expected
    assert project.resolve(main, "rates.fetch_rate") == FunctionRef(
        "backend.app.services.rates", "fetch_rate"
    )
    # A standard-library module is never a project module, whatever lies around.
    assert project.resolve("backend.app.core.config", "json.load") == ExternalRef("json.load")


def test_a_blocking_chain_crosses_modules_below_a_root_above_the_source_root(
    tmp_path: Path,
) -> None:
    project = project_of(tmp_path, NAMESPACE_BACKEND)
    findings = list(BlockingCallViaHelper.check_project(project))
    assert {(f.path, f.line) for f in findings} == {
        ("backend/app/main.py", 5),  # rates.fetch_rate -> requests.get
        ("backend/app/main.py", 5),  # get_settings -> open
    }
    assert len(findings) == 2


def test_a_namespace_package_linted_from_its_own_folder_imports_itself_by_name(
    tmp_path: Path,
) -> None:
    files = {
        "main.py": "from myapp.core import helpers\n\nasync def go():\n    helpers.slow()\n",
        "core/helpers.py": "import time\n\ndef slow():\n    time.sleep(1)\n",
    }
    root = tmp_path / "myapp"
    project = project_of(root, files)
    assert project.resolve("main", "helpers.slow") == FunctionRef("core.helpers", "slow")


def test_an_ambiguous_import_below_two_folders_is_not_guessed(tmp_path: Path) -> None:
    files = {
        "one/app/util.py": "def helper(): ...\n",
        "two/app/util.py": "def helper(): ...\n",
        "scripts/run.py": "from app.util import helper\n",
        "one/app/main.py": "from app.util import helper\n",
    }
    project = project_of(tmp_path, files)
    assert project.resolve("scripts.run", "helper") == ExternalRef("app.util.helper")
    # The importer's own folder settles it.
    assert project.resolve("one.app.main", "helper") == FunctionRef("one.app.util", "helper")


def test_configured_source_roots_name_modules_for_resolution(tmp_path: Path) -> None:
    project = project_of(tmp_path, NAMESPACE_BACKEND, [tmp_path / "backend"])
    assert "app.main" in project.modules
    assert project.resolve("app.main", "get_settings") == FunctionRef(
        "app.core.config", "get_settings"
    )
