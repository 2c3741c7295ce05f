"""File roles on the real projects of the git-ignored corpus/ (scripts/fetch_corpus.py fills it).

Each expectation was read by hand: the Alembic revisions of open-webui (hash-named, under
a script directory recognised by its env.py, since the corpus keeps only .py files), the
Django migrations of khoj beside its own config-migration helpers (which the app calls,
so they stay app), lnbits' gRPC stubs and click commands, and the FastAPI modules whose
main guard starts the server they define.
"""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

import pytest

from fastapi_lint.context.roles import Role, RoleDetector

CORPUS = Path(__file__).resolve().parents[2] / "corpus"

EXPECTED = {
    "open-webui-0.12.4": {
        "open_webui/migrations/env.py": Role.MIGRATION,
        "open_webui/migrations/util.py": Role.MIGRATION,
        "open_webui/migrations/versions/018012973d35_add_indexes.py": Role.MIGRATION,
        "open_webui/__init__.py": Role.SCRIPT,  # the typer command line of the package
        "open_webui/main.py": Role.APP,
        "open_webui/env.py": Role.APP,  # settings, not Alembic's env.py
        "open_webui/retrieval/web/yandex.py": Role.APP,  # a debugging main guard
        "open_webui/retrieval/web/bing.py": Role.APP,  # argparse for manual testing
        "open_webui/utils/telemetry/setup.py": Role.APP,  # not a packaging script
    },
    "khoj-1.42.10": {
        "khoj/database/migrations/0001_khojuser.py": Role.MIGRATION,
        "khoj/database/migrations/__init__.py": Role.MIGRATION,
        "khoj/migrations/migrate_version.py": Role.APP,  # called by the app at start-up
        "khoj/main.py": Role.APP,  # builds the FastAPI app; its main guard runs it
        "khoj/manage.py": Role.SCRIPT,
        "khoj/utils/cli.py": Role.SCRIPT,
        "khoj/database/management/commands/change_default_model.py": Role.SCRIPT,
        "khoj/processor/conversation/offline/chat_model.py": Role.APP,  # asyncio.run in a thread
    },
    "lnbits-1.6.2": {
        "lnbits/wallets/lnd_grpc_files/lightning_pb2.py": Role.GENERATED,
        "lnbits/wallets/lnd_grpc_files/lightning_pb2_grpc.py": Role.GENERATED,
        "lnbits/__main__.py": Role.APP,  # app = create_app(), served as lnbits.__main__:app
        "lnbits/commands.py": Role.SCRIPT,
        "lnbits/server.py": Role.SCRIPT,
        # Numbered migration functions run by lnbits' own runner: reviewed as migrations.
        "lnbits/core/migrations.py": Role.MIGRATION,
    },
    "opal-server-0.9.9": {
        "opal_server/cli.py": Role.SCRIPT,
        "opal_server/scopes/task.py": Role.APP,
    },
}


def _projects() -> list[Path]:
    if not CORPUS.is_dir():
        pytest.skip("corpus/ is empty; fill it with scripts/fetch_corpus.py")
    return sorted(path for path in CORPUS.iterdir() if path.is_dir())


def _role(project: Path, relative: str) -> Role:
    path = project / relative
    if not path.is_file():
        pytest.skip(f"{relative} is not in this corpus")
    return RoleDetector(project).classify(path, path.read_text(encoding="utf-8")).role


@pytest.mark.parametrize(
    ("project", "relative", "role"),
    [(project, path, role) for project, files in EXPECTED.items() for path, role in files.items()],
)
def test_corpus_files_get_the_role_read_by_hand(project: str, relative: str, role: Role) -> None:
    projects = {path.name: path for path in _projects()}
    if project not in projects:
        pytest.skip(f"{project} is not in this corpus")
    assert _role(projects[project], relative) is role


def test_every_alembic_revision_of_open_webui_is_a_migration() -> None:
    projects = {path.name: path for path in _projects()}
    project = projects.get("open-webui-0.12.4")
    if project is None:
        pytest.skip("open-webui is not in this corpus")
    versions = project / "open_webui" / "migrations" / "versions"
    detector = RoleDetector(project)
    roles = Counter(
        detector.classify(path, path.read_text(encoding="utf-8")).role
        for path in versions.glob("*.py")
    )
    assert set(roles) == {Role.MIGRATION}
    assert roles[Role.MIGRATION] >= 60


def test_fastapis_documentation_examples_are_examples_and_fastapi_users_is_all_app() -> None:
    projects = {path.name: path for path in _projects()}
    for name, role in (("fastapi-0.163.2", Role.EXAMPLE), ("fastapi-users-15.0.5", Role.APP)):
        project = projects.get(name)
        if project is None:
            continue
        detector = RoleDetector(project)
        for folder, _, names in os.walk(project):
            for file in (Path(folder, n) for n in names if n.endswith(".py")):
                assert detector.classify(file, file.read_text(encoding="utf-8")).role is role, file
