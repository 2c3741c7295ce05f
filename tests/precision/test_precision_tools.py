"""The precision tooling on small synthetic data: labels, the table, samples, the corpus.

No network and no corpus: labels are written into a temporary folder, findings are made
by hand (or by linting a two-file project), archives are built in place.
"""

from __future__ import annotations

import csv
import io
import json
import sys
import tarfile
import zipfile
from pathlib import Path

import fetch_corpus
import pytest
from fetch_corpus import Source

import precision
from fastapi_lint.registry import all_rules
from precision import Finding, Label, LabelError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - the project supports 3.10 with tomli
    import tomli as tomllib

HEADER = "member,path,line,code,verdict,reason\n"


def _write(folder: Path, code: str, rows: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    file = folder / f"{code}.csv"
    file.write_text(HEADER + rows, encoding="utf-8")
    return file


def _finding(member: str, path: str, line: int, code: str = "FAPI404") -> Finding:
    return Finding(member, path, line, code, f"{code} at {line}")


def _label(member: str, path: str, line: int, verdict: str, code: str = "FAPI404") -> Label:
    return Label(member, path, line, code, verdict, "because")  # type: ignore[arg-type]


# --- labels -----------------------------------------------------------------------------


def test_label_files_are_read_one_per_rule(tmp_path: Path) -> None:
    _write(tmp_path, "FAPI404", 'app-1.0,pkg/a.py,12,FAPI404,TP,"long, and does three things"\n')
    _write(tmp_path, "FAPI101", "app-1.0,pkg/b.py,3,FAPI101,MISS,blocking open() not seen\n")
    labels = precision.read_labels(tmp_path)
    assert labels == [
        Label("app-1.0", "pkg/b.py", 3, "FAPI101", "MISS", "blocking open() not seen"),
        Label("app-1.0", "pkg/a.py", 12, "FAPI404", "TP", "long, and does three things"),
    ]


def test_no_label_folder_means_no_labels(tmp_path: Path) -> None:
    assert precision.read_labels(tmp_path / "absent") == []


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        ("app-1.0,a.py,3,FAPI404,tp,lower case\n", "verdict"),
        ("app-1.0,a.py,3,FAPI404,OK,unknown verdict\n", "verdict"),
        ("app-1.0,a.py,3,FAPI101,TP,another rule's row\n", "code FAPI101"),
        ("app-1.0,a.py,three,FAPI404,TP,not a number\n", "not a number"),
        ("app-1.0,a.py,0,FAPI404,TP,no line 0\n", "line from 1"),
        ("app-1.0,/etc/a.py,3,FAPI404,TP,absolute\n", "relative path"),
        ("app-1.0,../a.py,3,FAPI404,TP,outside the member\n", "relative path"),
        (",a.py,3,FAPI404,TP,no member\n", "member"),
        ("app-1.0,a.py,3,FAPI404,TP,once\napp-1.0,a.py,3,FAPI404,FP,twice\n", "twice"),
    ],
)
def test_a_label_that_cannot_be_trusted_is_an_error(tmp_path: Path, row: str, problem: str) -> None:
    file = _write(tmp_path, "FAPI404", row)
    with pytest.raises(LabelError, match=problem):
        precision.read_label_file(file)


def test_a_label_file_needs_the_documented_header(tmp_path: Path) -> None:
    file = tmp_path / "FAPI404.csv"
    file.write_text("member,path,line,code,verdict\napp,a.py,1,FAPI404,TP\n", encoding="utf-8")
    with pytest.raises(LabelError, match="header"):
        precision.read_label_file(file)


def test_the_committed_labels_are_well_formed_and_cover_every_default_rule() -> None:
    files = sorted(precision.LABELS.glob("*.csv"))
    named = {file.stem for file in files}
    assert named >= set(precision.default_rules()), "a default-on rule has no label file"
    # A rule judged and then made opt-in keeps its labels: they are why it is off.
    assert named <= {rule.code for rule in all_rules()}, "a label file names no rule"
    for file in files:
        precision.read_label_file(file)


# --- the table --------------------------------------------------------------------------


def _scenario() -> tuple[list[Finding], list[Label]]:
    """FAPI404 on two members: 10 TP labels (9 still reported), 2 FP (1 reported),
    2 MISS (1 now reported), 3 unlabelled places, one of them reported twice;
    plus a FAPI101 finding and label that FAPI404's row must ignore."""
    tp = [_label("a-1", "x.py", line, "TP") for line in range(1, 11)]
    fp = [_label("b-2", "y.py", 100, "FP"), _label("b-2", "y.py", 200, "FP")]
    miss = [_label("a-1", "z.py", 5, "MISS"), _label("a-1", "z.py", 6, "MISS")]
    other = [_label("a-1", "x.py", 1, "FP", code="FAPI101")]
    findings = [_finding("a-1", "x.py", line) for line in range(1, 10)]
    findings += [_finding("b-2", "y.py", 100), _finding("a-1", "z.py", 5)]
    findings += [_finding("b-2", "new.py", 7), _finding("b-2", "new.py", 7)]
    findings += [_finding("b-2", "new.py", 9), _finding("a-1", "new.py", 1)]
    findings += [_finding("a-1", "x.py", 1, code="FAPI101")]
    return findings, [*tp, *fp, *miss, *other]


def test_the_table_counts_what_the_labels_say() -> None:
    findings, labels = _scenario()
    row = precision.rule_row("FAPI404", findings, labels)
    assert (row.findings, row.places) == (15, 14)
    assert row.by_member == {"a-1": 11, "b-2": 4}
    assert (row.labelled_reported, row.tp_reported, row.tp_labels) == (10, 9, 10)
    assert row.precision == pytest.approx(0.9)
    assert row.tp_kept == pytest.approx(0.9)
    assert (row.fp_left, row.misses_found, row.miss_labels) == (1, 1, 2)
    assert row.unlabelled == 3
    assert (row.labelled_places, row.labels_needed) == (11, 14)


def test_another_rules_labels_do_not_count() -> None:
    findings, labels = _scenario()
    row = precision.rule_row("FAPI101", findings, labels)
    assert (row.findings, row.labelled_reported, row.fp_left, row.precision) == (1, 1, 1, 0.0)
    assert row.tp_kept is None  # no TP label: nothing to keep


def test_a_rule_without_findings_or_labels_has_no_ratios() -> None:
    row = precision.rule_row("FAPI999", [], [])
    assert (row.precision, row.tp_kept, row.labels_needed, row.unlabelled) == (None, None, 0, 0)


def test_progress_lists_rules_below_the_target_with_floors_rounded_down() -> None:
    findings, labels = _scenario()
    below = precision.rule_row("FAPI404", findings, labels)  # tp kept 0.9, 11 of 14 labelled
    empty = precision.rule_row("FAPI999", [], [])  # nothing to measure: at the target
    assert not precision.meets_target(below) and precision.meets_target(empty)
    written = precision.progress_csv([below, empty]).splitlines()
    assert written == ["code,precision,tp_kept,labelled", "FAPI404,0.900,0.900,11"]
    rows = {"FAPI101": precision.rule_row("FAPI101", findings, labels)}  # precision 0.0
    assert precision.progress_csv(list(rows.values())).splitlines()[1] == "FAPI101,0.000,0.950,1"


def test_unlabelled_findings_are_one_per_place_and_skip_every_verdict() -> None:
    findings, labels = _scenario()
    left = precision.unlabelled_findings("FAPI404", findings, labels)
    assert [f.key[:3] for f in left] == [
        ("a-1", "new.py", 1),
        ("b-2", "new.py", 7),
        ("b-2", "new.py", 9),
    ]


def test_the_text_table_and_the_member_table() -> None:
    findings, labels = _scenario()
    rows = precision.table(["FAPI404", "FAPI101"], findings, labels)
    text = precision.render_text(rows, per_member=True)
    assert text.splitlines()[1].split() == [
        "FAPI404",
        "15",
        "10",
        "90%",
        "90%",
        "(9/10)",
        "1",
        "1/2",
        "3",
    ]
    assert "FAPI404: a-1 11, b-2 4" in text
    runs = {
        member: precision.MemberRun(
            member, {"summary": {"files": 2}, "diagnostics": _json(findings, member)}, ()
        )
        for member in ("a-1", "b-2")
    }
    table = precision.members_table(runs, ["FAPI404", "FAPI101"])
    assert table.splitlines()[2] == "| files | 2 | 2 | 4 |"
    assert "| FAPI404 | 11 | 4 | 15 |" in table and "| total | 12 | 4 | 16 |" in table


def _json(findings: list[Finding], member: str) -> list[dict[str, object]]:
    return [
        {"path": f.path, "line": f.line, "code": f.code, "message": f.message}
        for f in findings
        if f.member == member
    ]


# --- samples and worksheets ---------------------------------------------------------------


def _many() -> list[Finding]:
    return [_finding(member, f"m{i}.py", i + 1) for member in ("a", "b", "c") for i in range(10)]


def test_a_sample_is_spread_across_members_and_repeatable() -> None:
    drawn = precision.draw(_many(), 6, seed=3)
    assert sorted(f.member for f in drawn) == ["a", "a", "b", "b", "c", "c"]
    assert precision.draw(list(reversed(_many())), 6, seed=3) == drawn
    assert precision.draw(_many(), 6, seed=4) != drawn


def test_a_sample_larger_than_the_findings_takes_them_all() -> None:
    few = _many()[:4]
    assert sorted(precision.draw(few, 25, seed=0), key=lambda f: f.key) == few


def test_a_sample_leaves_labelled_findings_out() -> None:
    findings, labels = _scenario()
    drawn = precision.take_sample("FAPI404", findings, labels, 25, seed=1)
    assert {f.path for f in drawn.findings} == {"new.py"} and drawn.unlabelled == 3
    assert drawn.messages[("b-2", "new.py", 7, "FAPI404")] == ["FAPI404 at 7"] * 2


_SOURCE = "\n".join(
    [
        "import time",
        "",
        "async def handler(",
        "    request,",
        "):",
        *[f"    step_{i}()" for i in range(20)],
        "    time.sleep(1)",
        "    return None",
        "",
    ]
)


def test_an_excerpt_marks_the_line_and_shows_a_distant_def_header() -> None:
    text = precision.excerpt(_SOURCE, 26)
    lines = text.splitlines()
    assert lines[:4] == [
        "    3 | async def handler(",
        "    4 |     request,",
        "    5 | ):",
        "   ...",
    ]
    assert ">> 26 |     time.sleep(1)" in lines
    assert len(lines) == 4 + 7 + 1 + 1  # the header, 7 lines above, the line, 1 below


def test_an_excerpt_near_the_def_does_not_repeat_its_header() -> None:
    text = precision.excerpt(_SOURCE, 6)
    assert "..." not in text and text.count("async def handler(") == 1


def test_a_worksheet_shows_each_finding_and_its_rows_to_fill_in(tmp_path: Path) -> None:
    (tmp_path / "app-1" / "pkg").mkdir(parents=True)
    (tmp_path / "app-1" / "pkg" / "api.py").write_text(_SOURCE, encoding="utf-8")
    finding = Finding("app-1", "pkg/api.py", 26, "FAPI101", "Blocking call `time.sleep()`")
    drawn = precision.Sample("FAPI101", 7, [finding], {finding.key: [finding.message]}, 1)
    text = precision.worksheet(drawn, tmp_path)
    assert "### 1. `app-1` `pkg/api.py:26` FAPI101" in text and "seed 7" in text
    assert "- Blocking call `time.sleep()`" in text and ">> 26 |     time.sleep(1)" in text
    skeleton = text.split("```csv\n")[1].split("```")[0]
    filled = skeleton.replace("FAPI101,,", "FAPI101,TP,blocks the event loop")
    labels = precision.read_label_file(_write(tmp_path, "FAPI101", filled.split("\n", 1)[1]))
    assert [label.key for label in labels] == [finding.key]


def test_the_csv_skeleton_quotes_what_needs_quoting() -> None:
    odd = Finding("app-1", "pkg/a, b.py", 3, "FAPI404", "x")
    rows = list(csv.reader(io.StringIO(precision.csv_skeleton([odd]))))
    assert rows == [list(precision.COLUMNS), ["app-1", "pkg/a, b.py", "3", "FAPI404", "", ""]]


# --- linting a member ---------------------------------------------------------------------

_BLOCKING = "import time\n\n\nasync def handler() -> None:\n    time.sleep(1)\n"


def _project(corpus: Path) -> Path:
    member = corpus / "app-1.0"
    (member / "app").mkdir(parents=True)
    (member / "pyproject.toml").write_text('[project]\nname = "app"\nversion = "1.0"\n')
    (member / "app" / "__init__.py").write_text("")
    (member / "app" / "api.py").write_text(_BLOCKING)
    return member


def test_a_member_is_linted_as_its_own_project(tmp_path: Path) -> None:
    run = precision.lint_member(_project(tmp_path))
    keys = {f.key for f in run.findings()}
    assert ("app-1.0", "app/api.py", 5, "FAPI101") in keys
    assert run.internal_errors == ()


def test_the_lint_cache_is_keyed_by_the_linter_and_the_member(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    member, cache = _project(tmp_path / "corpus"), tmp_path / "cache"
    first = precision.lint_corpus(tmp_path / "corpus", cache)
    real_lint = precision.lint_member

    def not_again(folder: Path, jobs: int | None = None) -> precision.MemberRun:
        raise AssertionError(f"{folder} linted again")

    monkeypatch.setattr(precision, "lint_member", not_again)
    assert precision.lint_corpus(tmp_path / "corpus", cache) == first
    monkeypatch.setattr(precision, "lint_member", real_lint)
    (member / "app" / "api.py").write_text(_BLOCKING.replace("time.sleep(1)", "pass"))
    changed = precision.lint_corpus(tmp_path / "corpus", cache)
    assert "FAPI101" not in {f.code for f in changed["app-1.0"].findings()}
    monkeypatch.setattr(precision, "linter_fingerprint", lambda: "another fastapi-lint")
    calls: list[Path] = []
    monkeypatch.setattr(
        precision,
        "lint_member",
        lambda folder, jobs=None: calls.append(folder) or real_lint(folder, jobs),
    )
    precision.lint_corpus(tmp_path / "corpus", cache)
    assert calls == [member] and len(list(cache.iterdir())) == 3


def test_corpus_members_follow_the_manifest(tmp_path: Path) -> None:
    for name in ("b-1", "a-1", "stale-0"):
        (tmp_path / name).mkdir()
    assert precision.corpus_members(tmp_path) == ["a-1", "b-1", "stale-0"]
    (tmp_path / "MANIFEST.json").write_text(json.dumps({"b-1": {}, "a-1": {}, "gone-1": {}}))
    assert precision.corpus_members(tmp_path) == ["b-1", "a-1"]


# --- the corpus itself ----------------------------------------------------------------------


def test_the_parity_set_is_the_original_six() -> None:
    assert [s.folder for s in fetch_corpus.members("parity")] == [
        "fastapi-0.163.2",
        "lnbits-1.6.2",
        "khoj-1.42.10",
        "opal-server-0.9.9",
        "fastapi-users-15.0.5",
        "open-webui-0.12.4",
    ]
    every = fetch_corpus.members("precision")
    assert len({s.folder for s in every}) == len(every) >= 15


@pytest.mark.parametrize(
    ("marker", "expected"),
    [
        ("", ((), "")),
        ('python_version < "3.11"', ((), 'python_version < "3.11"')),
        ("extra == 'server'", (("server",), "")),
        ('extra == "dev" or extra == "all"', (("dev", "all"), "")),
        ('python_version < "3.11" and extra == "dev"', (("dev",), 'python_version < "3.11"')),
        (
            '(sys_platform != "win32" and python_version >= "3.8")'
            ' and (extra == "a" or extra == "b")',
            (("a", "b"), 'sys_platform != "win32" and python_version >= "3.8"'),
        ),
        (
            'extra == "x" and python_version < "3.9" or extra == "y"',
            (("x", "y"), 'extra == "x" and python_version < "3.9" or extra == "y"'),
        ),
    ],
)
def test_extras_are_taken_out_of_markers(marker: str, expected: object) -> None:
    assert fetch_corpus.split_marker(marker) == expected


_METADATA = """\
Metadata-Version: 2.1
Name: demo-app
Version: 1.2.3
Requires-Python: >=3.8
Requires-Dist: fastapi (<0.89,>=0.75)
Requires-Dist: pydantic<2,>=1.10
Requires-Dist: tomli>=2 ; python_version < "3.11"
Requires-Dist: alembic ; extra == 'server'
Requires-Dist: pytest ; python_version >= "3.8" and extra == "dev"

A "description" that is not metadata.
"""
_ENTRY_POINTS = "[console_scripts]\ndemo = demo.cli:app\n\n[other]\nx = y:z\n"


def test_a_generated_pyproject_says_what_the_metadata_says() -> None:
    text = fetch_corpus.generated_pyproject(_METADATA, "the wheel's METADATA", _ENTRY_POINTS)
    assert text.startswith("# Generated by scripts/fetch_corpus.py from the wheel's METADATA")
    project = tomllib.loads(text)["project"]
    assert (project["name"], project["version"], project["requires-python"]) == (
        "demo-app",
        "1.2.3",
        ">=3.8",
    )
    assert project["dependencies"] == [
        "fastapi (<0.89,>=0.75)",
        "pydantic<2,>=1.10",
        'tomli>=2 ; python_version < "3.11"',
    ]
    assert project["optional-dependencies"] == {
        "server": ["alembic"],
        "dev": ['pytest ; python_version >= "3.8"'],
    }
    assert project["scripts"] == {"demo": "demo.cli:app"}


def test_metadata_without_requirements_leaves_dependencies_dynamic() -> None:
    text = fetch_corpus.generated_pyproject("Name: old\nVersion: 0.1\n", "PKG-INFO")
    assert tomllib.loads(text)["project"] == {
        "name": "old",
        "version": "0.1",
        "dynamic": ["dependencies"],
    }


def _wheel(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as bundle:
        bundle.writestr("demo/__init__.py", "")
        bundle.writestr("demo/db/alembic.ini", "[alembic]\n")
        bundle.writestr("demo/db/versions/2021-06-02_f011c050b9ba.py", "revision = 'f011'\n")
        bundle.writestr("demo/static/app.js", "")
        bundle.writestr("demo-1.2.3.dist-info/METADATA", _METADATA)
        bundle.writestr("demo-1.2.3.dist-info/entry_points.txt", _ENTRY_POINTS)
        bundle.writestr("../evil.py", "")
    return path


def test_a_wheel_keeps_its_code_and_migrations_and_gets_a_pyproject(tmp_path: Path) -> None:
    target = tmp_path / "demo-1.2.3"
    source = Source("demo", "1.2.3")
    assert fetch_corpus.unpack(_wheel(tmp_path / "demo.whl"), source, target) == 2
    kept = sorted(p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file())
    assert kept == [
        "demo/__init__.py",
        "demo/db/alembic.ini",
        "demo/db/versions/2021-06-02_f011c050b9ba.py",
        "pyproject.toml",
    ]
    assert tomllib.loads((target / "pyproject.toml").read_text())["project"]["name"] == "demo-app"


def _sdist(path: Path, files: dict[str, str]) -> Path:
    with tarfile.open(path, "w:gz") as bundle:
        for name, text in files.items():
            data = text.encode()
            info = tarfile.TarInfo(f"demo-1.0/{name}")
            info.size = len(data)
            bundle.addfile(info, io.BytesIO(data))
    return path


def test_an_sdist_filtered_to_subdirs_keeps_its_root_metadata(tmp_path: Path) -> None:
    files = {
        "pyproject.toml": '[project]\nname = "demo"\n',
        "requirements.txt": "fastapi==0.89.1\n",
        "docs_src/a.py": "",
        "docs_src/requirements.txt": "",
        "demo/core.py": "",
        "demo/requirements.txt": "",
        "PKG-INFO": "Name: demo\nVersion: 1.0\n",
    }
    target = tmp_path / "demo-1.0"
    source = Source("demo", "1.0", sdist=True, subdirs=("docs_src",))
    assert fetch_corpus.unpack(_sdist(tmp_path / "demo.tar.gz", files), source, target) == 1
    kept = sorted(p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file())
    assert kept == [
        "docs_src/a.py",
        "docs_src/requirements.txt",
        "pyproject.toml",
        "requirements.txt",
    ]
    assert (target / "pyproject.toml").read_text() == files["pyproject.toml"]  # its own, kept


def test_an_sdist_without_a_pyproject_gets_one_from_its_pkg_info(tmp_path: Path) -> None:
    files = {"setup.py": "", "src/demo/api.py": "", "PKG-INFO": "Name: demo\nVersion: 1.0\n"}
    target = tmp_path / "demo-1.0"
    fetch_corpus.unpack(
        _sdist(tmp_path / "d.tar.gz", files), Source("demo", "1.0", sdist=True), target
    )
    text = (target / "pyproject.toml").read_text()
    assert "from the sdist's demo-1.0/PKG-INFO" in text.splitlines()[0]
    assert tomllib.loads(text)["project"]["name"] == "demo"


def test_the_manifest_lists_complete_members_only(tmp_path: Path) -> None:
    done, partial = fetch_corpus.SOURCES[0], fetch_corpus.SOURCES[1]
    for source in (done, partial):
        (tmp_path / source.folder).mkdir()
        (tmp_path / source.folder / "a.py").write_text("")
    (tmp_path / done.folder / fetch_corpus.MARKER).write_text(fetch_corpus._marker_text(done))
    (tmp_path / partial.folder / fetch_corpus.MARKER).write_text(
        f"{partial.name}=={partial.version}\n"
    )
    written = json.loads(fetch_corpus.write_manifest(tmp_path).read_text())
    assert written == {
        done.folder: {
            "name": done.name,
            "version": done.version,
            "kind": done.kind,
            "parity": True,
            "traits": list(done.traits),
            "python_files": 1,
        }
    }
