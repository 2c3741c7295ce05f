"""``# noqa`` comments, and the other tools' suppressions, applied to findings after the rules ran.

A finding is dropped when its line says so: ``# noqa`` (every code), ``# noqa: FAPI101``,
or, unless the ``peer-noqa`` setting is off, a peer tool's code for the same check
(``# noqa: C901``, ``# pylint: disable=too-many-branches``, ``# type: ignore`` for the
typing rules: the table is ``peers.PEER_SUPPRESSIONS``). A file can also say so for more
than a line: ``# ruff: noqa`` / ``# flake8: noqa`` (with or without codes) on a line of
their own, an own-line ``# pylint: disable=...`` (for the rest of its block), and
``# type: ignore`` above the first statement or ``# mypy: ignore-errors`` for the typing
rules. ``FileSuppressions.scan`` reads those once per file that has findings.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from fastapi_lint.models import Diagnostic
from fastapi_lint.peers import PEER_SUPPRESSIONS, PeerSuppression

_NOQA = re.compile(
    r"#\s*noqa(?P<colon>\s*:\s*(?P<codes>[A-Z]+[0-9]+(?:\s*[,\s]\s*[A-Z]+[0-9]+)*))?",
    re.IGNORECASE,
)
_CODE = re.compile(r"[A-Z]+[0-9]+", re.IGNORECASE)
# Syntax errors are never suppressible: there is no trustworthy line to read.
UNSUPPRESSIBLE = frozenset({"FAPI000"})

# ruff's file exemption: ``#ruff:`` or ``#flake8:`` (spaces allowed), then ``noqa``, on a
# line of its own; codes after a colon, else the whole file.
_FILE_NOQA = re.compile(
    r"^[ \t]*#[ \t]*(?:ruff|flake8)[ \t]*:[ \t]*(?i:noqa)(?P<rest>[^\r\n]*)$", re.MULTILINE
)
_CODES_AFTER_COLON = re.compile(
    r"\s*:\s*(?P<codes>[A-Z]+[0-9]+(?:\s*[,\s]\s*[A-Z]+[0-9]+)*)", re.IGNORECASE
)
_PYLINT = re.compile(
    r"#\s*pylint\s*:\s*(?P<verb>disable-next|disable|skip-file)\b(?:\s*=\s*(?P<names>[\w\-, ]+))?",
    re.IGNORECASE,
)
_TYPE_IGNORE = re.compile(r"#\s*type:\s*ignore(?:\[(?P<codes>[^\]]*)\])?(?![\w\[-])")
_MYPY_IGNORE_ERRORS = re.compile(r"^[ \t]*#[ \t]*mypy:[^\r\n]*\bignore-errors\b", re.MULTILINE)
# The mypy error code a missing annotation is reported under.
_UNTYPED_DEF = "no-untyped-def"
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
# Statements that open a block: the header an own-line pylint comment's block belongs to.
_BLOCK_HEADER = re.compile(
    r"(?:@|(?:async\s+)?def\b|class\b|if\b|elif\b|else\b|for\b|while\b|with\b|try\b"
    r"|except\b|finally\b|match\b|case\b)"
)


def _inverted(codes: Callable[[PeerSuppression], Iterable[str]]) -> dict[str, frozenset[str]]:
    """Peer code (upper case) -> the rules it suppresses, for one kind of comment."""
    found: dict[str, set[str]] = {}
    for rule, peer in PEER_SUPPRESSIONS.items():
        for item in codes(peer):
            found.setdefault(item.upper(), set()).add(rule)
    return {item: frozenset(rules) for item, rules in found.items()}


_BY_NOQA: Mapping[str, frozenset[str]] = _inverted(lambda peer: peer.noqa)
_BY_PYLINT: Mapping[str, frozenset[str]] = _inverted(
    lambda peer: [item for pair in peer.pylint for item in pair]
)
_NOQA_RULES = frozenset(rule for rule, peer in PEER_SUPPRESSIONS.items() if peer.noqa)
_PYLINT_RULES = frozenset(rule for rule, peer in PEER_SUPPRESSIONS.items() if peer.pylint)
TYPING_RULES = frozenset(rule for rule, peer in PEER_SUPPRESSIONS.items() if peer.mypy)


def suppressed_codes(line: str) -> frozenset[str] | None:
    """Codes a line's ``# noqa`` suppresses; ``frozenset()`` means every code; None, no noqa."""
    if "noqa" not in line.lower():
        return None
    match = _NOQA.search(line)
    if match is None:
        return None
    codes = match.group("codes")
    if codes is None:
        return frozenset()
    return frozenset(code.upper() for code in _CODE.findall(codes))


def _rules_of(codes: Iterable[str], table: Mapping[str, frozenset[str]]) -> frozenset[str]:
    return frozenset(rule for code in codes for rule in table.get(code.upper(), ()))


def _pylint_names(names: str | None) -> list[str]:
    return [name.strip() for name in (names or "").split(",") if name.strip()]


def _pylint_rules(names: Iterable[str]) -> frozenset[str]:
    listed = list(names)
    if any(name.lower() == "all" for name in listed):
        return _PYLINT_RULES
    return _rules_of(listed, _BY_PYLINT)


def peer_rules(line: str) -> frozenset[str]:
    """The rules a line's comments for other tools suppress (``# noqa: C901`` -> FAPI405)."""
    rules: set[str] = set()
    codes = suppressed_codes(line)
    if codes:
        rules |= _rules_of(codes, _BY_NOQA)
    if "pylint" in line:
        for match in _PYLINT.finditer(line):
            if match.group("verb").lower() == "disable":
                rules |= _pylint_rules(_pylint_names(match.group("names")))
    if "type:" in line and _ignores_untyped_defs(line):
        rules |= TYPING_RULES
    return frozenset(rules)


def _ignores_untyped_defs(line: str) -> bool:
    """A ``# type: ignore`` that covers mypy's missing-annotation error on this line."""
    found = _TYPE_IGNORE.search(line)
    if found is None:
        return False
    listed = found.group("codes")
    return listed is None or _UNTYPED_DEF in listed


def line_suppresses(line: str, code: str, *, peers: bool = True) -> bool:
    """Whether the comments on ``line`` suppress ``code`` (its own ``# noqa`` or a peer's).

    For a rule that reports on one line but knows the project may have written the
    suppression on another it owns (the line that builds a query, say).
    """
    if code in UNSUPPRESSIBLE:
        return False
    codes = suppressed_codes(line)
    if codes is not None and (not codes or code in codes):
        return True
    return peers and code in peer_rules(line)


@dataclass(frozen=True, slots=True)
class FileSuppressions:
    """What a file's comments suppress beyond a single line, and whether peers count at all."""

    # Rules suppressed on every line of the file.
    everywhere: frozenset[str] = frozenset()
    # (first line, last line, rules), 1-based and inclusive: own-line pylint comments.
    blocks: tuple[tuple[int, int, frozenset[str]], ...] = ()
    peers: bool = True

    @classmethod
    def scan(cls, source: str, *, peers: bool = True) -> FileSuppressions:
        """The file-wide and block-wide directives of ``source`` (none when ``peers`` is off)."""
        if not peers:
            return cls(peers=False)
        everywhere = _file_noqa(source) | _typing_opt_out(source)
        blocks: tuple[tuple[int, int, frozenset[str]], ...] = ()
        if "pylint" in source:
            pylint_everywhere, blocks = _pylint_blocks(_LINE_BREAK.split(source))
            everywhere |= pylint_everywhere
        return cls(everywhere, blocks)

    def suppresses(self, diagnostic: Diagnostic) -> bool:
        code = diagnostic.code
        if line_suppresses(diagnostic.source_line, code, peers=self.peers):
            return True
        if not self.peers or code in UNSUPPRESSIBLE:
            return False
        if code in self.everywhere:
            return True
        line = diagnostic.line
        return any(first <= line <= last and code in rules for first, last, rules in self.blocks)


LINE_ONLY = FileSuppressions()


def is_suppressed(diagnostic: Diagnostic, suppressions: FileSuppressions = LINE_ONLY) -> bool:
    return suppressions.suppresses(diagnostic)


def unsuppressed(
    diagnostics: Iterable[Diagnostic], suppressions: FileSuppressions = LINE_ONLY
) -> list[Diagnostic]:
    return [diagnostic for diagnostic in diagnostics if not suppressions.suppresses(diagnostic)]


def _file_noqa(source: str) -> frozenset[str]:
    """Rules a ``# ruff: noqa`` / ``# flake8: noqa`` line suppresses in the whole file.

    A bare one exempts the file from every peer check, so every rule that has a peer
    code goes quiet; the rules no peer tool has stay on.
    """
    if "noqa" not in source.lower():
        return frozenset()
    rules: set[str] = set()
    for match in _FILE_NOQA.finditer(source):
        rest = match.group("rest")
        codes = _CODES_AFTER_COLON.match(rest)
        if codes is not None:
            rules |= _rules_of(_CODE.findall(codes.group("codes")), _BY_NOQA)
        elif not rest.strip().startswith(":"):  # a colon without codes is a typo: ignored
            rules |= _NOQA_RULES
    return frozenset(rules)


def _typing_opt_out(source: str) -> frozenset[str]:
    """The typing rules, when the file opted out of type checking as a whole.

    PEP 484: a ``# type: ignore`` comment on a line of its own before any statement
    (docstrings and imports included) silences the whole file; so does mypy's inline
    ``# mypy: ignore-errors``.
    """
    if "type:" not in source and "mypy:" not in source:
        return frozenset()
    if _MYPY_IGNORE_ERRORS.search(source):
        return TYPING_RULES
    for line in _LINE_BREAK.split(source):
        text = line.strip()
        if not text:
            continue
        if not text.startswith("#"):
            return frozenset()
        if _TYPE_IGNORE.match(text):
            return TYPING_RULES
    return frozenset()


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" \t"))


def _is_code(line: str) -> bool:
    text = line.strip()
    return bool(text) and not text.startswith("#")


def _pylint_blocks(
    lines: list[str],
) -> tuple[frozenset[str], tuple[tuple[int, int, frozenset[str]], ...]]:
    """Own-line pylint comments: rules off for the whole file, and per block.

    As pylint reads them: ``disable`` on a line of its own holds from there to the end of
    its block (of the file at the top level), and, for a message about a function as a
    whole, from the block's header on; ``disable-next`` holds for the next line;
    ``skip-file`` for the file. Blocks are found by indentation.
    """
    everywhere: set[str] = set()
    blocks: list[tuple[int, int, frozenset[str]]] = []
    for index, line in enumerate(lines):
        if "pylint" not in line or _is_code(line):
            continue
        for match in _PYLINT.finditer(line):
            verb = match.group("verb").lower()
            rules = _pylint_rules(_pylint_names(match.group("names")))
            if verb == "skip-file":
                everywhere |= _PYLINT_RULES
            elif rules:
                first, last = _pylint_lines(lines, index, verb == "disable-next")
                blocks.append((first + 1, last + 1, rules))
    return frozenset(everywhere), tuple(blocks)


def _pylint_lines(lines: list[str], index: int, next_only: bool) -> tuple[int, int]:
    """The 0-based lines an own-line pylint comment at ``index`` holds for."""
    if next_only:
        return index + 1, index + 1
    if _indent(lines[index]) == 0:
        return index, len(lines) - 1
    return _enclosing_block(lines, index)


def _enclosing_block(lines: list[str], index: int) -> tuple[int, int]:
    """The 0-based lines of the block an indented comment line sits in, header included."""
    indent = _indent(lines[index])
    last = index
    for later in range(index + 1, len(lines)):
        if _is_code(lines[later]) and _indent(lines[later]) < indent:
            break
        last = later
    header = next(
        (j for j in range(index - 1, -1, -1) if _is_code(lines[j]) and _indent(lines[j]) < indent),
        None,
    )
    if header is None:
        return index, last
    return _statement_start(lines, header), last


def _statement_start(lines: list[str], header: int) -> int:
    """The line a block's header statement starts on (``def f(`` for a wrapped signature)."""
    if _BLOCK_HEADER.match(lines[header].lstrip()):
        return header
    indent = _indent(lines[header])
    for earlier in range(header - 1, -1, -1):
        line = lines[earlier]
        if not _is_code(line) or _indent(line) > indent:
            continue
        if _indent(line) == indent and _BLOCK_HEADER.match(line.lstrip()):
            return earlier
        break
    return header


def with_noqa(line: str, code: str) -> str | None:
    """``line`` with ``code`` added to its ``# noqa`` list (or a new one); None if suppressed.

    Codes go after the last one already listed, so ``# noqa: E501`` becomes
    ``# noqa: E501, FAPI101`` and the other tools' codes keep working.
    """
    codes = suppressed_codes(line)
    if codes is not None and (not codes or code.upper() in codes):
        return None  # a bare ``# noqa`` or one naming the code already covers it
    match = _NOQA.search(line) if codes is not None else None
    if match is not None:
        end = match.end("codes")
        return f"{line[:end]}, {code}{line[end:]}"
    return f"{line.rstrip()}  # noqa: {code}"
