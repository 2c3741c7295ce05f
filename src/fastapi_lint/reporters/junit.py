"""JUnit XML, for the test report views of Jenkins, GitLab, Azure Pipelines and others.

The shape ruff and pylint-junit use, which Jenkins users expect: ``<testsuites>`` holds
one ``<testsuite>`` per file with findings, and each finding is a ``<testcase>`` with a
``<failure>`` (``message`` is the finding's message, ``type`` its code). A rule that
crashed on a file is an ``<error>`` testcase of that file, so it counts as an error, not
as a finding. A clean run is one passing testcase, so the report is never empty (some
consumers reject a report without tests).

The document is ASCII: other characters are written as character references, so it
stays valid whatever encoding the output ends up in. Characters XML 1.0 cannot hold at
all (form feeds, NUL) are written as Python escapes (``\\x0c``); the bytes of a file name that
is not UTF-8 as every format shows them (``caf\\xe9.py``, see ``reporters``).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping

from fastapi_lint.models import Diagnostic, InternalError, Report
from fastapi_lint.reporters import shown_text

TOOL = "fastapi-lint"
DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def render(report: Report, *, color: bool = False, quiet: bool = False) -> str:
    """Render ``report``; ``color`` and ``quiet`` never change machine-readable output."""
    root = to_element(report)
    ET.indent(root)
    # "us-ascii" makes ElementTree write every other character as a character reference.
    body = ET.tostring(root, encoding="us-ascii").decode("ascii")
    return f"{DECLARATION}{body}\n"


def to_element(report: Report) -> ET.Element:
    """The ``<testsuites>`` element of ``report``."""
    cases = _cases_by_path(report.diagnostics, report.internal_errors)
    suites = [_suite(path, cases[path]) for path in sorted(cases)] or [_clean_suite()]
    root = ET.Element("testsuites", {"name": TOOL})
    _count(root, suites)
    root.extend(suites)
    return root


def xml_text(text: str) -> str:
    """``text`` with the characters XML 1.0 forbids replaced by their Python escapes."""
    return _NOT_XML.sub(lambda match: ascii(match.group())[1:-1], shown_text(text))


def classname(path: str) -> str:
    """``app/routers/items.py`` -> ``app.routers.items``: Jenkins shows dots as packages."""
    module = path.replace("\\", "/").removesuffix(".py").strip("/")
    return module.replace("/", ".") or path


def _cases_by_path(
    diagnostics: Iterable[Diagnostic], errors: Iterable[InternalError]
) -> Mapping[str, list[ET.Element]]:
    cases: dict[str, list[ET.Element]] = {}
    for diagnostic in diagnostics:
        cases.setdefault(diagnostic.path, []).append(_failure_case(diagnostic))
    for error in errors:
        cases.setdefault(error.path, []).append(_error_case(error))
    return cases


def _failure_case(diagnostic: Diagnostic) -> ET.Element:
    name = f"{diagnostic.code} {diagnostic.name} ({diagnostic.line}:{diagnostic.column})"
    case = _case(name, diagnostic.path, diagnostic.line)
    failure = ET.SubElement(
        case, "failure", {"message": xml_text(diagnostic.message), "type": diagnostic.code}
    )
    failure.text = xml_text(_details(diagnostic))
    return case


def _details(diagnostic: Diagnostic) -> str:
    location = f"{diagnostic.path}:{diagnostic.line}:{diagnostic.column}"
    lines = [f"{location}: {diagnostic.code} {diagnostic.message}"]
    source = diagnostic.source_line.rstrip("\r\n")
    if source.strip():
        lines.append(f"{diagnostic.line} | {source}")
    if diagnostic.fix is not None:
        unsafe = " --unsafe-fixes" if diagnostic.fix.applicability == "unsafe" else ""
        lines.append(f"Fixable with `fastapi-lint check --fix{unsafe}`.")
    return "\n".join(lines)


def _error_case(error: InternalError) -> ET.Element:
    case = _case(f"internal error in {error.rule}", error.path, None)
    message = f"{TOOL} crashed in rule {error.rule}: {error.message}"
    attributes = {"message": xml_text(message), "type": "internal-error"}
    ET.SubElement(case, "error", attributes).text = xml_text(message)
    return case


def _case(name: str, path: str, line: int | None) -> ET.Element:
    attributes = {"name": xml_text(name), "classname": xml_text(classname(path))}
    attributes["file"] = xml_text(path)
    if line is not None:
        attributes["line"] = str(line)
    return ET.Element("testcase", attributes)


def _suite(path: str, cases: list[ET.Element]) -> ET.Element:
    suite = ET.Element("testsuite", {"name": xml_text(path)})
    _count(suite, cases)
    suite.extend(cases)
    return suite


def _clean_suite() -> ET.Element:
    passed = ET.Element("testcase", {"name": "no problems found", "classname": TOOL})
    return _suite(TOOL, [passed])


def _count(parent: ET.Element, children: list[ET.Element]) -> None:
    """Set ``tests``/``failures``/``errors`` on ``parent`` from the cases below it."""
    cases = [case for child in children for case in child.iter("testcase")]
    parent.set("tests", str(len(cases)))
    parent.set("failures", str(sum(1 for case in cases if case.find("failure") is not None)))
    parent.set("errors", str(sum(1 for case in cases if case.find("error") is not None)))
