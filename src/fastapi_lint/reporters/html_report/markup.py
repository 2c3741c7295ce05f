"""Escaping and the small Markdown the rule pages are written in, turned into HTML.

Everything that comes from the project under review (file text, messages, paths, names)
or from a rule's docstring goes through :func:`esc` before it is written into the page;
the only raw HTML is the page's own tags. The Markdown is the rule docstrings' subset:
``##`` headings, paragraphs, ``- `` lists, fenced code, inline code, ``**bold**``,
``*emphasis*`` and ``[text](url)`` links (shown as text, so the page links nowhere).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Iterator

_INLINE = re.compile(
    r"`(?P<code>[^`]+)`|\*\*(?P<strong>[^*]+)\*\*|\*(?P<em>[^*\s][^*]*)\*"
    r"|\[(?P<label>[^\]]+)\]\((?P<url>[^)\s]+)\)"
)
_FENCE = re.compile(r"^```(\w*)\s*$")


def esc(text: object) -> str:
    """``text`` safe inside an element or a quoted attribute."""
    return html.escape(str(text), quote=True)


def attributes(**values: object) -> str:
    """`` name="value"`` pairs, escaped; ``data_x`` becomes ``data-x``, None is left out."""
    return "".join(
        f' {name.rstrip("_").replace("_", "-")}="{esc(value)}"'
        for name, value in values.items()
        if value is not None
    )


def tag(name: str, content: str = "", **values: object) -> str:
    """An element around ``content``, which must already be HTML."""
    return f"<{name}{attributes(**values)}>{content}</{name}>"


def join(parts: Iterable[str]) -> str:
    return "".join(parts)


def code_spans(text: str) -> str:
    """A message as HTML: escaped, its `quoted code` set in code type, nothing else read."""
    pieces = text.split("`")
    if len(pieces) % 2 == 0:  # an unpaired backtick: no code spans at all
        return esc(text)
    return "".join(
        tag("code", esc(piece)) if index % 2 else esc(piece) for index, piece in enumerate(pieces)
    )


def inline(text: str) -> str:
    """One line of Markdown prose as HTML: escaped, with code, emphasis and links."""
    out: list[str] = []
    position = 0
    for match in _INLINE.finditer(text):
        out.append(esc(text[position : match.start()]))
        out.append(_inline_piece(match))
        position = match.end()
    out.append(esc(text[position:]))
    return "".join(out)


def _inline_piece(match: re.Match[str]) -> str:
    if match.group("code") is not None:
        return tag("code", esc(match.group("code")))
    if match.group("strong") is not None:
        return tag("strong", esc(match.group("strong")))
    if match.group("em") is not None:
        return tag("em", esc(match.group("em")))
    return f"{esc(match.group('label'))} ({tag('span', esc(match.group('url')), class_='url')})"


def markdown(text: str) -> str:
    """A rule page (its docstring) as HTML."""
    return join(_blocks(text.splitlines()))


def _blocks(lines: list[str]) -> Iterator[str]:
    index = 0
    while index < len(lines):
        line = lines[index]
        fence = _FENCE.match(line.strip())
        if fence is not None:
            end = _closing_fence(lines, index + 1)
            yield _code_block(lines[index + 1 : end], fence.group(1))
            index = end + 1
        elif line.startswith("#"):
            yield tag("h4", inline(line.lstrip("#").strip()))
            index += 1
        elif line.strip():
            end = _paragraph_end(lines, index)
            yield _prose(lines[index:end])
            index = end
        else:
            index += 1


def _closing_fence(lines: list[str], start: int) -> int:
    return next((i for i in range(start, len(lines)) if lines[i].strip() == "```"), len(lines))


def _paragraph_end(lines: list[str], start: int) -> int:
    for index in range(start + 1, len(lines)):
        line = lines[index]
        if not line.strip() or line.startswith("#") or _FENCE.match(line.strip()):
            return index
    return len(lines)


def _code_block(lines: list[str], language: str) -> str:
    code = tag("code", esc("\n".join(lines)), class_=f"language-{language}" if language else None)
    return tag("pre", code)


def _prose(lines: list[str]) -> str:
    """A paragraph, or a paragraph's lead-in followed by a ``- `` list."""
    items: list[list[str]] = [[]]
    for line in lines:
        if line.lstrip().startswith("- "):
            items.append([line.lstrip()[2:]])
        else:
            items[-1].append(line.strip())
    lead = " ".join(items[0])
    html_lead = tag("p", inline(lead)) if lead else ""
    listed = [tag("li", inline(" ".join(item))) for item in items[1:]]
    return html_lead + (tag("ul", join(listed)) if listed else "")
