"""Download pinned, real-world FastAPI code into ``corpus/`` (git-ignored) for rule tuning.

Only ``.py`` files are extracted. Each package lands in ``corpus/<name>-<version>/`` and a
``.complete`` marker makes reruns skip it, so the script is idempotent. Usage::

    python scripts/fetch_corpus.py            # into ./corpus next to this repository
    python scripts/fetch_corpus.py --dest DIR
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

ROOT = Path(__file__).resolve().parents[1]
MARKER = ".complete"


@dataclass(frozen=True, slots=True)
class Source:
    """One pinned distribution and the part of it worth linting."""

    name: str
    version: str
    sdist: bool = False
    # Keep only files under this directory of the archive (after its top folder, for sdists).
    subdir: str = ""

    @property
    def folder(self) -> str:
        return f"{self.name}-{self.version}"


SOURCES = (
    # FastAPI's own documentation examples: idiomatic, and every feature of the framework.
    Source("fastapi", "0.163.2", sdist=True, subdir="docs_src"),
    # Real applications built on FastAPI.
    Source("lnbits", "1.6.2"),
    Source("khoj", "1.42.10"),
    Source("opal-server", "0.9.9"),
    Source("fastapi-users", "15.0.5"),
    Source("open-webui", "0.12.4"),
)


def _download(source: Source, into: Path) -> Path:
    binary = ["--no-binary", ":all:"] if source.sdist else ["--only-binary", ":all:"]
    command = [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", *binary]
    command += ["--dest", str(into), f"{source.name}=={source.version}"]
    subprocess.run(command, check=True)
    archives = sorted(into.iterdir())
    if len(archives) != 1:
        raise RuntimeError(f"expected one archive for {source.folder}, got {archives}")
    return archives[0]


def _wanted(member: str, source: Source) -> PurePosixPath | None:
    """The path to write ``member`` to, or None to skip it (not .py, unsafe, filtered)."""
    path = PurePosixPath(member)
    if path.suffix != ".py" or path.is_absolute() or ".." in path.parts:
        return None
    if source.sdist:
        path = PurePosixPath(*path.parts[1:])
    if source.subdir and path.parts[:1] != (source.subdir,):
        return None
    return path


def _members(archive: Path) -> list[tuple[str, bytes]]:
    if archive.suffix in (".whl", ".zip"):
        with zipfile.ZipFile(archive) as bundle:
            return [(name, bundle.read(name)) for name in bundle.namelist()]
    with tarfile.open(archive) as bundle:
        files = [member for member in bundle.getmembers() if member.isfile()]
        return [(member.name, _read(bundle, member)) for member in files]


def _read(bundle: tarfile.TarFile, member: tarfile.TarInfo) -> bytes:
    handle = bundle.extractfile(member)
    return handle.read() if handle is not None else b""


def _extract(archive: Path, source: Source, target: Path) -> int:
    count = 0
    for name, data in _members(archive):
        relative = _wanted(name, source)
        if relative is None:
            continue
        destination = target.joinpath(*relative.parts)
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_bytes(data)
        count += 1
    return count


def fetch(source: Source, dest: Path) -> int:
    """Fetch one source unless already complete; return how many .py files it holds."""
    target = dest / source.folder
    if (target / MARKER).is_file():
        return sum(1 for _ in target.rglob("*.py"))
    with tempfile.TemporaryDirectory() as scratch:
        archive = _download(source, Path(scratch))
        count = _extract(archive, source, target)
    (target / MARKER).write_text(f"{source.name}=={source.version}\n")
    return count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Download pinned FastAPI code into corpus/.")
    parser.add_argument("--dest", type=Path, default=ROOT / "corpus")
    args = parser.parse_args(argv)
    args.dest.mkdir(parents=True, exist_ok=True)
    for source in SOURCES:
        print(f"{source.folder}: {fetch(source, args.dest)} .py files")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
