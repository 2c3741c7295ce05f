"""Labelled precision of fastapi-lint's rules on the real-code corpus.

Each corpus member (``corpus/<name>-<version>/``, filled by ``scripts/fetch_corpus.py``)
is linted as its own project, with the command line a user would type in it::

    fastapi-lint check --output-format json --exit-zero --no-cache .

with the default rules and the default configuration. Its findings are then compared
with the labels of ``tests/precision/labels/<CODE>.csv`` (one row per judged finding:
member, path, line, code, verdict ``TP``/``FP``/``MISS``, reason). A label judges every
finding of its code on its line. Commands::

    python scripts/precision.py [report] [--rules FAPI101,...] [--members] [--json]
    python scripts/precision.py report --save DIR       # each member's JSON, TABLE.md
    python scripts/precision.py sample --rule FAPI404 -n 25 --seed 1 --out FAPI404.md
    python scripts/precision.py sample --all -n 25 --seed 1 --out-dir samples/

Results are cached per member under ``.precision_cache/`` (outside the corpus), keyed by
the source of the fastapi-lint that runs, so a changed rule is linted again.
tests/precision/test_precision.py uses this module too: one definition of every number.
"""

from __future__ import annotations

import argparse
import ast
import csv
import gzip
import hashlib
import io
import json
import math
import os
import random
import subprocess
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Literal

import fastapi_lint
from fastapi_lint.registry import all_rules

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
LABELS = ROOT / "tests" / "precision" / "labels"
CACHE = ROOT / ".precision_cache"
MANIFEST = "MANIFEST.json"
COLUMNS = ("member", "path", "line", "code", "verdict", "reason")
# What the checks of tests/precision ask of every default-on rule.
MIN_PRECISION = 0.9
MIN_TP_KEPT = 0.95
MIN_LABELLED = 20
# Lines of code shown around a finding in a worksheet, on each side.
CONTEXT = 7
LINT_COMMAND = ("check", "--output-format", "json", "--exit-zero", "--no-cache", ".")
# The CLI exits 2 when a rule crashed on a file: the run is complete, the crash reported.
_EXIT_INTERNAL_ERROR = 2
_INTERNAL_ERROR = "fastapi-lint: internal error"
Verdict = Literal["TP", "FP", "MISS"]
VERDICTS: tuple[Verdict, ...] = ("TP", "FP", "MISS")
# (member, path, line, code): what a label judges, and what a finding is counted under.
Key = tuple[str, str, int, str]


class LabelError(ValueError):
    """A label file that cannot be trusted: the table would count the wrong thing."""


# --- labels ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Label:
    member: str
    path: str
    line: int
    code: str
    verdict: Verdict
    reason: str

    @property
    def key(self) -> Key:
        return (self.member, self.path, self.line, self.code)


def _verdict(text: str, where: str) -> Verdict:
    for verdict in VERDICTS:
        if text == verdict:
            return verdict
    raise LabelError(f"{where}: verdict {text!r} is not one of {', '.join(VERDICTS)}")


def _label(row: Mapping[str, str], code: str, where: str) -> Label:
    if row["code"] != code:
        raise LabelError(f"{where}: code {row['code']} in the file of {code}")
    try:
        line = int(row["line"])
    except ValueError:
        raise LabelError(f"{where}: line {row['line']!r} is not a number") from None
    path = PurePosixPath(row["path"])
    if line < 1 or not row["member"] or path.is_absolute() or ".." in path.parts:
        raise LabelError(f"{where}: needs a member, a relative path and a line from 1")
    verdict = _verdict(row["verdict"], where)
    return Label(row["member"], path.as_posix(), line, code, verdict, row["reason"].strip())


def read_label_file(file: Path) -> list[Label]:
    """The rows of one ``<CODE>.csv``; a malformed or repeated row is a ``LabelError``."""
    with file.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) != COLUMNS:
            raise LabelError(f"{file}: the header must be {','.join(COLUMNS)}")
        labels = [_label(row, file.stem, f"{file}:{reader.line_num}") for row in reader]
    seen: set[Key] = set()
    for label in labels:
        if label.key in seen:
            raise LabelError(f"{file}: {label.key} is labelled twice")
        seen.add(label.key)
    return labels


def read_labels(folder: Path = LABELS) -> list[Label]:
    """Every label of ``folder`` (one ``<CODE>.csv`` per rule); none when it is missing."""
    files = sorted(folder.glob("*.csv")) if folder.is_dir() else []
    return [label for file in files for label in read_label_file(file)]


# --- linting the corpus ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Finding:
    member: str
    path: str
    line: int
    code: str
    message: str

    @property
    def key(self) -> Key:
        return (self.member, self.path, self.line, self.code)


@dataclass(frozen=True, slots=True)
class MemberRun:
    """One member linted: the CLI's JSON report and the internal errors it printed."""

    member: str
    report: dict[str, Any]
    internal_errors: tuple[str, ...]

    def findings(self) -> list[Finding]:
        return [
            Finding(
                self.member, PurePosixPath(d["path"]).as_posix(), d["line"], d["code"], d["message"]
            )
            for d in self.report["diagnostics"]
        ]


def corpus_members(corpus: Path) -> list[str]:
    """The member folders of ``corpus``: those its manifest lists, else every folder."""
    manifest = corpus / MANIFEST
    if manifest.is_file():
        names = list(json.loads(manifest.read_text()))
        return [name for name in names if (corpus / name).is_dir()]
    return (
        sorted(path.name for path in corpus.iterdir() if path.is_dir()) if corpus.is_dir() else []
    )


def linter_fingerprint() -> str:
    """A digest of the fastapi-lint source that runs: a changed rule gives another."""
    package = Path(fastapi_lint.__file__).parent
    digest = hashlib.sha256(" ".join(LINT_COMMAND).encode())
    for file in sorted(package.rglob("*.py")):
        digest.update(file.relative_to(package).as_posix().encode() + b"\0" + file.read_bytes())
    return digest.hexdigest()[:20]


def _member_identity(folder: Path) -> bytes:
    """What names a member's content: its fetch marker, else the bytes of its files."""
    marker = folder / ".complete"
    if marker.is_file():
        return marker.read_bytes()
    digest = hashlib.sha256()
    for file in sorted(path for path in folder.rglob("*") if path.is_file()):
        digest.update(file.relative_to(folder).as_posix().encode() + b"\0" + file.read_bytes())
    return digest.digest()


def lint_member(folder: Path, jobs: int | None = None) -> MemberRun:
    """Run the CLI in ``folder`` as a user would; a failed run raises ``RuntimeError``.

    ``jobs`` is passed on as ``--jobs`` (the CLI's default, one per core, when None).
    """
    extra = [] if jobs is None else ["--jobs", str(jobs)]
    command = [sys.executable, "-m", "fastapi_lint", *LINT_COMMAND[:-1], *extra, LINT_COMMAND[-1]]
    done = subprocess.run(command, cwd=folder, capture_output=True, text=True)
    if done.returncode not in (0, _EXIT_INTERNAL_ERROR):
        raise RuntimeError(f"fastapi-lint failed in {folder} ({done.returncode}): {done.stderr}")
    errors = [line for line in done.stderr.splitlines() if line.startswith(_INTERNAL_ERROR)]
    return MemberRun(folder.name, json.loads(done.stdout), tuple(errors))


def _cache_file(cache: Path, folder: Path, fingerprint: str) -> Path:
    digest = hashlib.sha256(fingerprint.encode() + b"\0" + _member_identity(folder))
    return cache / f"{folder.name}-{digest.hexdigest()[:20]}.json.gz"


def _stored(file: Path, member: str) -> MemberRun | None:
    if not file.is_file():
        return None
    stored = json.loads(gzip.decompress(file.read_bytes()))
    return MemberRun(member, stored["report"], tuple(stored["internal_errors"]))


def _store(file: Path, run: MemberRun) -> None:
    file.parent.mkdir(parents=True, exist_ok=True)
    stored = {"report": run.report, "internal_errors": list(run.internal_errors)}
    file.write_bytes(gzip.compress(json.dumps(stored).encode()))


def lint_corpus(
    corpus: Path, cache: Path | None = CACHE, *, progress: bool = False
) -> dict[str, MemberRun]:
    """Every member of ``corpus`` linted as its own project, by member folder name.

    With a ``cache`` folder, a member already linted by the same fastapi-lint source is
    read back from it instead.
    """
    fingerprint = linter_fingerprint()
    files = {
        member: None if cache is None else _cache_file(cache, corpus / member, fingerprint)
        for member in corpus_members(corpus)
    }
    runs = {member: _stored(file, member) if file else None for member, file in files.items()}
    missing = [member for member, run in runs.items() if run is None]

    def lint(member: str) -> MemberRun:
        if progress:
            print(f"linting {member}", file=sys.stderr, flush=True)
        # Members run side by side, one core each: a member's own run is partly serial
        # (the project scan and step), so this keeps every core busy.
        run = lint_member(corpus / member, jobs=1)
        file = files[member]
        if file is not None:
            _store(file, run)
        return run

    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        runs.update(zip(missing, pool.map(lint, missing), strict=True))
    return {member: run for member, run in runs.items() if run is not None}


def all_findings(runs: Mapping[str, MemberRun]) -> list[Finding]:
    return [finding for run in runs.values() for finding in run.findings()]


# --- the table -------------------------------------------------------------------------------


def default_rules() -> list[str]:
    """Codes of the rules on by default, FAPI000 (syntax errors) aside."""
    return [rule.code for rule in all_rules() if rule.default_enabled and rule.code != "FAPI000"]


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass(frozen=True, slots=True)
class RuleRow:
    """One rule's findings on the corpus next to its labels."""

    code: str
    findings: int
    """Every finding of the rule on the corpus (several may share a line)."""
    places: int
    """Distinct (member, path, line) it reports: what labels judge."""
    by_member: dict[str, int]
    labelled_reported: int
    """TP and FP labels whose place is still reported."""
    tp_reported: int
    tp_labels: int
    fp_left: int
    misses_found: int
    miss_labels: int
    unlabelled: int
    """Places reported that no label judges: the next ones to read."""
    precision: float | None
    """TP still reported / labelled still reported (None: nothing labelled is reported)."""
    tp_kept: float | None
    """TP still reported / all TP labels (None: no TP label)."""

    @property
    def labelled_places(self) -> int:
        """Places reported that a label (of any verdict) judges."""
        return self.places - self.unlabelled

    @property
    def labels_needed(self) -> int:
        return min(MIN_LABELLED, self.places)


def _verdicts(labels: Iterable[Label], code: str) -> dict[Verdict, set[Key]]:
    found: dict[Verdict, set[Key]] = {verdict: set() for verdict in VERDICTS}
    for label in labels:
        if label.code == code:
            found[label.verdict].add(label.key)
    return found


def rule_row(code: str, findings: Sequence[Finding], labels: Sequence[Label]) -> RuleRow:
    """The row of ``code``: its findings (any rule's may be given) against its labels."""
    own = [finding for finding in findings if finding.code == code]
    reported = {finding.key for finding in own}
    judged = _verdicts(labels, code)
    tp, fp, miss = (judged[verdict] for verdict in VERDICTS)
    tp_reported, labelled_reported = len(tp & reported), len((tp | fp) & reported)
    return RuleRow(
        code=code,
        findings=len(own),
        places=len(reported),
        by_member=dict(sorted(Counter(finding.member for finding in own).items())),
        labelled_reported=labelled_reported,
        tp_reported=tp_reported,
        tp_labels=len(tp),
        fp_left=len(fp & reported),
        misses_found=len(miss & reported),
        miss_labels=len(miss),
        unlabelled=len(reported - tp - fp - miss),
        precision=_ratio(tp_reported, labelled_reported),
        tp_kept=_ratio(tp_reported, len(tp)),
    )


def table(
    codes: Sequence[str], findings: Sequence[Finding], labels: Sequence[Label]
) -> list[RuleRow]:
    return [rule_row(code, findings, labels) for code in codes]


def unlabelled_findings(
    code: str, findings: Sequence[Finding], labels: Sequence[Label]
) -> list[Finding]:
    """The findings of ``code`` that no label judges, one per place, in a stable order."""
    judged = {label.key for label in labels if label.code == code}
    first: dict[Key, Finding] = {}
    for finding in findings:
        if finding.code == code and finding.key not in judged:
            first.setdefault(finding.key, finding)
    return [first[key] for key in sorted(first)]


# --- rendering the table ---------------------------------------------------------------------


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


def _fraction(part: int, whole: int) -> str:
    return f"{part}/{whole}" if whole else "-"


_HEADER = (
    "rule",
    "findings",
    "labelled",
    "precision",
    "TP kept",
    "FP left",
    "misses found",
    "to judge",
)


def _cells(row: RuleRow) -> tuple[str, ...]:
    return (
        row.code,
        str(row.findings),
        str(row.labelled_reported),
        _percent(row.precision),
        f"{_percent(row.tp_kept)} ({_fraction(row.tp_reported, row.tp_labels)})",
        str(row.fp_left),
        _fraction(row.misses_found, row.miss_labels),
        str(row.unlabelled),
    )


def _aligned(table_rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [max(map(len, column)) for column in zip(*table_rows, strict=True)]
    return ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in table_rows]


def _by_member(row: RuleRow) -> str:
    return ", ".join(f"{member} {count}" for member, count in row.by_member.items()) or "-"


def render_text(rows: Sequence[RuleRow], *, per_member: bool = False) -> str:
    out = _aligned([_HEADER, *map(_cells, rows)])
    if per_member:
        out += [f"{row.code}: {_by_member(row)}" for row in rows]
    return "\n".join(line.rstrip() for line in out) + "\n"


def markdown_table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def _files(run: MemberRun) -> int:
    return int(run.report.get("summary", {}).get("files", 0))


def members_table(runs: Mapping[str, MemberRun], codes: Sequence[str]) -> str:
    """Findings per rule (rows) per member (columns), in Markdown, with totals."""
    counts = [Counter(finding.code for finding in run.findings()) for run in runs.values()]
    rows: list[tuple[str, list[int]]] = [("files", [_files(run) for run in runs.values()])]
    rows += [(code, [count[code] for count in counts]) for code in codes]
    rows.append(("total", [sum(count[code] for code in codes) for count in counts]))
    body = [[name, *cells, sum(cells)] for name, cells in rows]
    return markdown_table(["rule", *runs, "total"], body)


# --- samples and worksheets ------------------------------------------------------------------


def draw(findings: Sequence[Finding], count: int, seed: int) -> list[Finding]:
    """``count`` findings at random, spread across members.

    Members are visited round-robin, in a random order; within a member the findings
    come in a random order. The same findings and seed give the same sample.
    """
    rng = random.Random(seed)
    by_member: dict[str, list[Finding]] = defaultdict(list)
    for finding in sorted(findings, key=lambda f: f.key):
        by_member[finding.member].append(finding)
    queues = [by_member[member] for member in sorted(by_member)]
    rng.shuffle(queues)
    for queue in queues:
        rng.shuffle(queue)
    return list(_round_robin(queues))[:count]


def _round_robin(queues: Sequence[Sequence[Finding]]) -> Iterator[Finding]:
    for depth in range(max(map(len, queues), default=0)):
        yield from (queue[depth] for queue in queues if depth < len(queue))


def enclosing_header(source: str, line: int) -> tuple[int, int] | None:
    """First and last line of the header of the innermost ``def`` around ``line``."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    best: tuple[int, int] | None = None
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            end = node.end_lineno or node.lineno
            if node.lineno <= line <= end and (best is None or node.lineno > best[0]):
                best = (node.lineno, max(node.lineno, node.body[0].lineno - 1))
    return best


def _numbered(lines: Sequence[str], first: int, last: int, marked: int, width: int) -> list[str]:
    return [
        f"{'>>' if number == marked else '  '} {number:>{width}} | {lines[number - 1]}"
        for number in range(first, last + 1)
    ]


def excerpt(source: str, line: int) -> str:
    """About 15 lines around ``line`` (marked ``>>``), after the enclosing def's header
    when that header lies above them."""
    lines = source.splitlines() or [""]
    first, last = max(1, line - CONTEXT), min(len(lines), line + CONTEXT)
    width = len(str(last))
    shown: list[str] = []
    header = enclosing_header(source, line)
    if header is not None and header[0] < first:
        shown += _numbered(lines, header[0], min(header[1], first - 1), line, width)
        shown.append("   ...")
    return "\n".join(shown + _numbered(lines, first, last, line, width))


def _entry(number: int, key: Key, messages: Sequence[str], corpus: Path) -> str:
    member, path, line, code = key
    source = (corpus / member / path).read_text(encoding="utf-8", errors="replace")
    said = "\n".join(f"- {message}" for message in messages)
    code_block = f"```python\n{excerpt(source, line)}\n```"
    return f"### {number}. `{member}` `{path}:{line}` {code}\n\n{said}\n\n{code_block}\n"


def csv_skeleton(sample: Sequence[Finding]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows([f.member, f.path, f.line, f.code, "", ""] for f in sample)
    return out.getvalue()


@dataclass(frozen=True, slots=True)
class Sample:
    code: str
    seed: int
    findings: list[Finding]
    """One per place, in drawing order."""
    messages: dict[Key, list[str]] = field(default_factory=dict)
    unlabelled: int = 0


def take_sample(
    code: str, findings: Sequence[Finding], labels: Sequence[Label], count: int, seed: int
) -> Sample:
    candidates = unlabelled_findings(code, findings, labels)
    messages: dict[Key, list[str]] = defaultdict(list)
    for finding in findings:
        if finding.code == code:
            messages[finding.key].append(finding.message)
    return Sample(code, seed, draw(candidates, count, seed), dict(messages), len(candidates))


def worksheet(sample: Sample, corpus: Path) -> str:
    """A Markdown worksheet: each drawn finding with its code, then the rows to fill in."""
    lines = [
        f"# {sample.code}: {len(sample.findings)} findings to judge",
        "",
        f"Drawn at random (seed {sample.seed}) from {sample.unlabelled} unlabelled places of the "
        "rule on the corpus, spread across members. For each one: would a senior FastAPI "
        "reviewer leave this comment on this line? Read the code around it, then fill in the "
        f"rows at the end and add them to tests/precision/labels/{sample.code}.csv.",
        "",
    ]
    for number, finding in enumerate(sample.findings, 1):
        lines.append(
            _entry(number, finding.key, sample.messages.get(finding.key, [finding.message]), corpus)
        )
    lines += ["## Rows to fill in", "", "```csv", csv_skeleton(sample.findings).rstrip(), "```", ""]
    return "\n".join(lines)


# --- command line ----------------------------------------------------------------------------


def _codes(option: str | None) -> list[str]:
    defaults = default_rules()
    if not option:
        return defaults
    wanted = [code.strip().upper() for code in option.split(",") if code.strip()]
    unknown = sorted(set(wanted) - {rule.code for rule in all_rules()})
    if unknown:
        raise SystemExit(f"unknown rule codes: {', '.join(unknown)}")
    return wanted


def _runs(args: argparse.Namespace) -> dict[str, MemberRun]:
    if not corpus_members(args.corpus):
        raise SystemExit(f"no corpus in {args.corpus}: run scripts/fetch_corpus.py")
    return lint_corpus(args.corpus, None if args.no_cache else args.cache_dir, progress=True)


def internal_errors(runs: Mapping[str, MemberRun]) -> list[str]:
    return [f"{member}: {error}" for member, run in runs.items() for error in run.internal_errors]


def _save(runs: Mapping[str, MemberRun], codes: Sequence[str], folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for member, run in runs.items():
        (folder / f"{member}.json").write_text(json.dumps(run.report) + "\n")
    errors = internal_errors(runs)
    notes = "\n".join(f"- {error}" for error in errors) or "none"
    counts = members_table(runs, ["FAPI000", *codes])
    text = f"# Findings per rule per member\n\n{counts}\nInternal errors: {notes}\n"
    (folder / "TABLE.md").write_text(text)


def meets_target(row: RuleRow) -> bool:
    """The rule is at the target: precise, keeping its true positives, labelled enough."""
    return (
        (row.precision is None or row.precision >= MIN_PRECISION)
        and (row.tp_kept is None or row.tp_kept >= MIN_TP_KEPT)
        and row.labelled_places >= row.labels_needed
    )


def _floor(value: float | None, default: float) -> str:
    """A measured ratio rounded down to three places (the target itself when unmeasured)."""
    return f"{math.floor((default if value is None else value) * 1000) / 1000:.3f}"


def progress_csv(rows: Sequence[RuleRow]) -> str:
    """tests/precision/progress.csv: the measured state of every rule below the target."""
    lines = ["code,precision,tp_kept,labelled"]
    for row in rows:
        if not meets_target(row):
            precision = _floor(row.precision, MIN_PRECISION)
            tp_kept = _floor(row.tp_kept, MIN_TP_KEPT)
            lines.append(f"{row.code},{precision},{tp_kept},{row.labelled_places}")
    return "\n".join(lines) + "\n"


def report(args: argparse.Namespace) -> int:
    codes = _codes(args.rules)
    runs = _runs(args)
    rows = table(codes, all_findings(runs), read_labels(args.labels))
    errors = internal_errors(runs)
    if args.save:
        _save(runs, codes, args.save)
    if args.progress:
        args.progress.write_text(progress_csv(rows))
    if args.json:
        print(
            json.dumps(
                {"rules": [asdict(row) for row in rows], "internal_errors": errors}, indent=2
            )
        )
        return 0
    print(render_text(rows, per_member=args.members), end="")
    for error in errors:
        print(error)
    return 0


def _index(samples: Sequence[Sample], rows: Mapping[str, RuleRow], args: argparse.Namespace) -> str:
    body = [
        [
            s.code,
            rows[s.code].findings,
            rows[s.code].places,
            len(s.findings),
            _by_member(rows[s.code]),
        ]
        for s in samples
    ]
    header = ["rule", "findings", "places", "sample", "findings per member"]
    drawn = (
        f"Drawn by `python scripts/precision.py sample --all -n {args.n} --seed {args.seed}` "
        f"on {len(corpus_members(args.corpus))} corpus members (fastapi-lint source "
        f"{linter_fingerprint()}), unlabelled places only. A place is a (member, path, line) "
        "the rule reports; findings count each finding, several may share a place."
    )
    return f"# Samples to judge\n\n{drawn}\n\n{markdown_table(header, body)}"


def _targets(args: argparse.Namespace) -> list[str]:
    """The rules ``sample`` draws from, once its options are known to make sense."""
    if not (args.rule or args.all) or not (args.out or args.out_dir):
        raise SystemExit("sample needs --rule CODE --out FILE, or --all --out-dir DIR")
    codes = default_rules() if args.all else _codes(args.rule)
    if len(codes) != 1 and not args.all:
        raise SystemExit("--rule takes one code")
    return codes


def _write_worksheet(drawn: Sample, args: argparse.Namespace) -> None:
    target = args.out if args.out and not args.all else args.out_dir / f"{drawn.code}.md"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(worksheet(drawn, args.corpus))
    print(csv_skeleton(drawn.findings), end="")


def sample(args: argparse.Namespace) -> int:
    codes = _targets(args)
    runs = _runs(args)
    findings, labels = all_findings(runs), read_labels(args.labels)
    samples = [take_sample(code, findings, labels, args.n, args.seed) for code in codes]
    for drawn in samples:
        _write_worksheet(drawn, args)
    if args.out_dir:
        rows = {row.code: row for row in table(codes, findings, labels)}
        (args.out_dir / "INDEX.md").write_text(_index(samples, rows, args))
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--corpus", type=Path, default=CORPUS)
    common.add_argument("--labels", type=Path, default=LABELS)
    common.add_argument("--cache-dir", type=Path, default=CACHE)
    common.add_argument("--no-cache", action="store_true")
    commands = parser.add_subparsers(dest="command")
    shown = commands.add_parser("report", parents=[common], help="the table (default)")
    shown.add_argument("--rules", help="comma-separated codes (default: every default-on rule)")
    shown.add_argument("--members", action="store_true", help="findings per member too")
    shown.add_argument("--json", action="store_true")
    shown.add_argument("--save", type=Path, help="write each member's report and TABLE.md here")
    shown.add_argument(
        "--progress", type=Path, help="write the rows of the rules below the target here"
    )
    drawn = commands.add_parser("sample", parents=[common], help="draw findings to judge")
    drawn.add_argument("--rule", help="the rule to sample")
    drawn.add_argument("--all", action="store_true", help="every default-on rule")
    drawn.add_argument("-n", type=int, default=25)
    drawn.add_argument("--seed", type=int, default=0)
    drawn.add_argument("--out", type=Path, help="the worksheet to write (with --rule)")
    drawn.add_argument("--out-dir", type=Path, help="a worksheet per rule and INDEX.md here")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    if not arguments or arguments[0] not in ("report", "sample", "-h", "--help"):
        arguments.insert(0, "report")
    args = _parser().parse_args(arguments)
    return sample(args) if args.command == "sample" else report(args)


if __name__ == "__main__":
    raise SystemExit(main())
