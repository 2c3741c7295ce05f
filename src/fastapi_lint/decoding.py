"""Turn a file's bytes into text the way Python would: BOM, coding cookie, else UTF-8."""

from __future__ import annotations

import codecs
import io
import tokenize
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class DecodeProblem:
    message: str
    line: int


def decode_source(data: bytes) -> str | DecodeProblem:
    """Decode source bytes; a problem names the encoding and the line it failed on."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as error:
        return DecodeProblem(f"cannot decode file: {error.msg}", error.lineno or 1)
    try:
        codecs.lookup(encoding)
        return data.decode(encoding)
    except LookupError:
        return DecodeProblem(f"cannot decode file: unknown encoding {encoding!r}", 1)
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        return DecodeProblem(f"cannot decode file as {encoding}: {error.reason}", line)


def source_encoding(data: bytes) -> str:
    """The encoding Python reads ``data`` with (``utf-8-sig`` when it starts with a BOM).

    Only for data that ``decode_source`` accepted: writing a fixed file back with it
    keeps the BOM and the coding cookie's encoding.
    """
    encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    return encoding
