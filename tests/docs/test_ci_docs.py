"""docs/ci.md: every YAML block parses, its commands run, its pre-commit config works.

A flag or output format the page names that ``fastapi-lint check`` does not accept is a
typo (or a feature removed without updating the page) and fails.
"""

from __future__ import annotations

import json
import re
import shlex
import string
import subprocess
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import click
import pytest
import yaml

from fastapi_lint.cli.check import check
from precommit_helpers import BLOCKING, CLEAN, PROJECT, HookRepo, git, run_pre_commit

DOC = PROJECT / "docs" / "ci.md"
# Exit 0 despite the findings of the sample project: nothing fails, all is baselined, or
# (in a repository where it is committed) the finding is on no changed line.
_EXIT_ZERO_FLAGS = {"--exit-zero", "--write-baseline", "--baseline", "--diff-from"}
# What GitHub sets on pull_request events, for the variables the commands use.
_CI_VARIABLES = {"GITHUB_BASE_REF": "main"}
MORE_BLOCKING = "\n\nasync def more() -> None:\n    time.sleep(2)\n"


@dataclass(frozen=True)
class Block:
    section: str
    language: str
    text: str

    @property
    def file_name(self) -> str:
        """The file the block is meant for, from its first line (``# .gitlab-ci.yml``)."""
        return self.text.splitlines()[0].removeprefix("#").strip()


def _blocks() -> list[Block]:
    blocks: list[Block] = []
    section = ""
    fences = re.split(r"^```(\w*)\n(.*?)^```\n", DOC.read_text(encoding="utf-8"), flags=re.M | re.S)
    for index in range(0, len(fences) - 1, 3):
        headings = re.findall(r"^## (.+)$", fences[index], re.M)
        section = headings[-1] if headings else section
        blocks.append(Block(section, fences[index + 1], fences[index + 2]))
    return blocks


BLOCKS = _blocks()
YAML_BLOCKS = [block for block in BLOCKS if block.language == "yaml"]
PRE_COMMIT_BLOCKS = [block for block in YAML_BLOCKS if block.file_name == ".pre-commit-config.yaml"]


def _shell_texts(block: Block) -> list[str]:
    """The shell a block runs: an ``sh`` block, workflow ``run`` steps, GitLab ``script``s."""
    if block.language == "sh":
        return [block.text]
    document = yaml.safe_load(block.text)
    if block.file_name == ".gitlab-ci.yml":
        return [line for job in document.values() for line in job["script"]]
    jobs = document.get("jobs", {}).values()
    return [step["run"] for job in jobs for step in job["steps"] if "run" in step]


def _hook_commands(config: object) -> Iterator[list[str]]:
    """What pre-commit runs for each fastapi-lint hook: the hook's entry plus its args."""
    assert isinstance(config, dict)
    for repo in config["repos"]:
        for hook in repo["hooks"]:
            # A local hook says what it runs; a remote one runs .pre-commit-hooks.yaml's entry.
            entry = shlex.split(hook.get("entry", "fastapi-lint check"))
            yield [*entry, *hook.get("args", [])]


def _commands(block: Block) -> list[list[str]]:
    """The ``fastapi-lint`` command lines of a block, split as the shell would."""
    texts = _shell_texts(block)
    lines = [line.strip() for text in texts for line in text.replace("\\\n", " ").splitlines()]
    found = [shlex.split(line) for line in lines if line.startswith("fastapi-lint ")]
    if block in PRE_COMMIT_BLOCKS:
        found += _hook_commands(yaml.safe_load(block.text))
    return found


def _options() -> dict[str, click.Option]:
    params = [param for param in check.params if isinstance(param, click.Option)]
    return {name: param for param in params for name in (*param.opts, *param.secondary_opts)}


def _missing_at(args: Sequence[str], index: int, options: dict[str, click.Option]) -> str | None:
    """What ``fastapi-lint check`` lacks of the option at ``args[index]``, if anything."""
    name, _, inline_value = args[index].partition("=")
    option = options.get(name)
    if option is None:
        return name
    if not isinstance(option.type, click.Choice):
        return None
    value = inline_value or (args[index + 1] if index + 1 < len(args) else "")
    return None if value in option.type.choices else f"{name} {value}"


def _missing(args: Sequence[str]) -> list[str]:
    """The options, or option values, in ``args`` that ``fastapi-lint check`` lacks today."""
    options = _options()
    flags = [index for index, arg in enumerate(args) if arg.startswith("-") and arg != "-"]
    return [item for index in flags if (item := _missing_at(args, index, options))]


def _section_commands() -> dict[str, list[list[str]]]:
    by_section: dict[str, list[list[str]]] = {}
    for block in BLOCKS:
        if block not in PRE_COMMIT_BLOCKS:
            by_section.setdefault(block.section, []).extend(_commands(block))
    return {section: commands for section, commands in by_section.items() if commands}


def _assert_all_exist(commands: Sequence[Sequence[str]]) -> None:
    missing = sorted({item for command in commands for item in _missing(command)})
    assert not missing, f"docs/ci.md uses what `fastapi-lint check` does not accept: {missing}"


def test_the_page_has_the_configurations_issue_8_asks_for() -> None:
    names = [block.file_name for block in YAML_BLOCKS]
    assert names.count(".github/workflows/fastapi-lint-code-scanning.yml") == 1
    assert ".gitlab-ci.yml" in names and ".pre-commit-config.yaml" in names
    sections = {block.section for block in BLOCKS}
    assert {"GitHub Actions", "GitLab CI", "pre-commit", "Adopting with a baseline"} <= sections


def _is_workflow(block: Block) -> bool:
    document = yaml.safe_load(block.text)
    # YAML 1.1 reads the key `on` as True; GitHub reads it as "on".
    jobs = document.get("jobs")
    assert True in document and isinstance(jobs, dict) and jobs, document
    steps = [step for job in jobs.values() for step in job["steps"]]
    return all(("uses" in step) != ("run" in step) for step in steps)


def _is_gitlab_pipeline(block: Block) -> bool:
    jobs = yaml.safe_load(block.text).values()
    return all(isinstance(job, dict) and job["script"] for job in jobs)


def _is_pre_commit_config(block: Block) -> bool:
    document = yaml.safe_load(block.text)
    hooks = yaml.safe_load((PROJECT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    known = {hook["id"] for hook in hooks}
    repos = document["repos"]
    assert isinstance(repos, list) and repos, document
    return all(hook["id"] in known for repo in repos for hook in repo["hooks"])


_SHAPES = {
    ".github/workflows/": _is_workflow,
    ".gitlab-ci.yml": _is_gitlab_pipeline,
    ".pre-commit-config.yaml": _is_pre_commit_config,
}


@pytest.mark.parametrize("block", YAML_BLOCKS, ids=lambda block: block.file_name)
def test_every_yaml_block_parses_into_the_shape_its_tool_reads(block: Block) -> None:
    document = yaml.safe_load(block.text)
    assert isinstance(document, dict), block.text
    shapes = [
        is_shape for prefix, is_shape in _SHAPES.items() if block.file_name.startswith(prefix)
    ]
    assert len(shapes) == 1, f"no known tool reads {block.file_name}"
    assert shapes[0](block), block.text


def test_every_flag_on_the_page_exists() -> None:
    """An unknown flag is a typo."""
    commands = [command for block in BLOCKS for command in _commands(block)]
    assert len(commands) >= 8
    missing = {item for command in commands for item in _missing(command)}
    assert not missing, missing


def _output_file(command: Sequence[str]) -> str | None:
    for index, arg in enumerate(command[:-1]):
        if arg in ("--output-file", "-o"):
            return command[index + 1]
    return None


def test_the_reports_ci_uploads_are_the_files_the_commands_write() -> None:
    for block in YAML_BLOCKS:
        written = {_output_file(command) for command in _commands(block)}
        document = yaml.safe_load(block.text)
        uploads = [
            step["with"]["sarif_file"]
            for job in document.get("jobs", {}).values()
            for step in job["steps"]
            if step.get("uses", "").startswith("github/codeql-action/upload-sarif@")
        ]
        if block.file_name == ".gitlab-ci.yml":
            uploads = [job["artifacts"]["reports"]["codequality"] for job in document.values()]
        assert set(uploads) <= written, block.text


def _run(command: Sequence[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    assert command[0] == "fastapi-lint", command
    expanded = [string.Template(arg).substitute(_CI_VARIABLES) for arg in command[1:]]
    return subprocess.run(
        [sys.executable, "-m", "fastapi_lint", *expanded],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )


def _check_output(
    command: Sequence[str], done: subprocess.CompletedProcess[str], cwd: Path
) -> None:
    output = _output_file(command)
    if output is not None:
        text = (cwd / output).read_text(encoding="utf-8")
        # Both SARIF and GitLab's Code Climate report are JSON, listing the finding.
        assert "FAPI101" in text and json.loads(text), text
    if "github" in command and output is None and done.returncode == 1:
        assert "::error file=app.py" in done.stdout, done.stdout
    if "--baseline" in command and "--output-format" not in command:
        assert "1 finding hidden by the baseline." in done.stdout, done.stdout


def _diff_from_refs(commands: Sequence[Sequence[str]]) -> list[str]:
    """The revisions the commands pass to ``--diff-from``, their variables expanded."""
    return [
        string.Template(command[index + 1]).substitute(_CI_VARIABLES)
        for command in commands
        for index, arg in enumerate(command[:-1])
        if arg == "--diff-from"
    ]


def _commit(project: Path, refs: Sequence[str]) -> None:
    """Commit the project, and point each ref (``origin/main``: a remote branch) at it."""
    git(project, "init", "-q")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "legacy")
    for ref in refs:
        full = f"refs/remotes/{ref}" if "/" in ref else f"refs/heads/{ref}"
        git(project, "update-ref", full, "HEAD")


@pytest.mark.parametrize("section", sorted(_section_commands()))
def test_each_sections_commands_run_on_a_project_with_a_finding(
    section: str, tmp_path: Path
) -> None:
    """The commands of a section, in page order, on one project (a baseline needs its file)."""
    commands = _section_commands()[section]
    _assert_all_exist(commands)
    (tmp_path / "app.py").write_text(BLOCKING)
    refs = _diff_from_refs(commands)
    if refs:
        _commit(tmp_path, refs)
    for command in commands:
        done = _run(command, tmp_path)
        expected = 0 if _EXIT_ZERO_FLAGS & set(command) else 1
        assert done.returncode == expected, (command, done.stdout, done.stderr)
        _check_output(command, done, tmp_path)


DIFF_FROM_COMMANDS = [
    command
    for commands in _section_commands().values()
    for command in commands
    if "--diff-from" in command
]


@pytest.mark.parametrize("command", DIFF_FROM_COMMANDS, ids=" ".join)
def test_diff_from_commands_fail_on_a_new_line_only(command: list[str], tmp_path: Path) -> None:
    """The legacy finding is committed; a function added since is the one reported."""
    (tmp_path / "app.py").write_text(BLOCKING)
    _commit(tmp_path, _diff_from_refs([command]))
    assert _run(command, tmp_path).returncode == 0
    (tmp_path / "app.py").write_text(BLOCKING + MORE_BLOCKING)
    done = _run(command, tmp_path)
    assert done.returncode == 1, (done.stdout, done.stderr)
    assert "app.py" in done.stdout and "line=9" in done.stdout and "line=5" not in done.stdout


def _baseline_files(block: Block) -> list[str]:
    """The baseline files a block's hooks read (``--baseline FILE``)."""
    return [
        command[index + 1]
        for command in _hook_commands(yaml.safe_load(block.text))
        for index, arg in enumerate(command[:-1])
        if arg == "--baseline"
    ]


def _record_baseline(block: Block, repo: Path, code: str) -> None:
    """Write the block's baseline files as recorded on a project holding ``code``."""
    (repo / "app.py").write_text(code)
    for name in _baseline_files(block):
        done = _run(["fastapi-lint", "check", "--write-baseline", name, "app.py"], repo)
        assert done.returncode == 0, done.stdout + done.stderr


def _pointed_at(block: Block, hook: HookRepo) -> str:
    """The block's configuration: as pasted when its hook is local (it runs the fastapi-lint
    on PATH, this project's), else installing the hook from this working tree."""
    config = yaml.safe_load(block.text)
    for repo in config["repos"]:
        if repo["repo"] == "local":
            continue
        assert repo["repo"].endswith("/fastapi-lint"), repo
        repo.update(repo=hook.source.as_posix(), rev=hook.rev)
    return yaml.safe_dump(config, sort_keys=False)


def test_the_pre_commit_configurations_work_as_pasted() -> None:
    """No placeholder to fill in and no release to wait for: the hook is the local one."""
    for block in PRE_COMMIT_BLOCKS:
        repos = yaml.safe_load(block.text)["repos"]
        assert [repo["repo"] for repo in repos] == ["local"], block.text
        (hook,) = repos[0]["hooks"]
        assert hook["language"] == "system" and hook["types"] == ["python"]
        assert shlex.split(hook["entry"]) == ["fastapi-lint", "check", "--force-exclude"]


@pytest.mark.parametrize("block", PRE_COMMIT_BLOCKS, ids=lambda block: block.section)
def test_pre_commit_configuration_runs_through_pre_commit(
    block: Block, hook_repo: HookRepo, tmp_path_factory: pytest.TempPathFactory
) -> None:
    _assert_all_exist(_commands(block))
    config = _pointed_at(block, hook_repo)
    # A baseline the hook reads is recorded on clean code: it hides nothing.
    bad, good = tmp_path_factory.mktemp("bad"), tmp_path_factory.mktemp("good")
    _record_baseline(block, bad, CLEAN)
    _record_baseline(block, good, CLEAN)
    failing = run_pre_commit(hook_repo, bad, config, BLOCKING)
    assert failing.returncode == 1, failing.stdout + failing.stderr
    assert "FAPI101" in failing.stdout
    passing = run_pre_commit(hook_repo, good, config, CLEAN)
    assert passing.returncode == 0, passing.stdout + passing.stderr
    if _baseline_files(block):
        # Recorded on the blocking code, the baseline lets the same commit pass.
        legacy = tmp_path_factory.mktemp("legacy")
        _record_baseline(block, legacy, BLOCKING)
        hidden = run_pre_commit(hook_repo, legacy, config, BLOCKING)
        assert hidden.returncode == 0, hidden.stdout + hidden.stderr


def test_the_readme_pre_commit_snippet_is_the_one_tested_here() -> None:
    readme = (PROJECT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## pre-commit\n") :]
    block = re.search(r"```yaml\n(.*?)```", section, re.S)
    assert block is not None
    assert yaml.safe_load(block.group(1)) == yaml.safe_load(PRE_COMMIT_BLOCKS[0].text)
