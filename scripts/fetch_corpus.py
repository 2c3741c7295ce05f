"""Download pinned, real-world FastAPI code into ``corpus/`` (git-ignored) for rule tuning.

Each distribution lands in ``corpus/<name>-<version>/``: its ``.py`` files and, beside
them, the files a project declares its versions and migrations in (``pyproject.toml``,
``setup.cfg``, ``requirements*.txt``, lock files, ``alembic.ini``, ``script.py.mako``).
A wheel carries no ``pyproject.toml``, so one is written at the member's root from the
wheel's ``METADATA``, as is one for an sdist that has none (from its ``PKG-INFO``); the
first line of such a file says so. Every member thus has a project root of its own.

Two sets: the *parity* members (the first six) are the ones the exactness tests against
ruff and radon run on, to keep CI time bounded; the *precision* set is every member
(the labelled precision tests of tests/precision/). ``corpus/MANIFEST.json`` records
each member folder's name, version, kind (wheel or sdist) and parity flag.

A ``.complete`` marker makes reruns skip a member, so the script is idempotent; a member
extracted by an older layout of this script is extracted again. Usage::

    python scripts/fetch_corpus.py                  # into ./corpus next to this repository
    python scripts/fetch_corpus.py --dest DIR
    python scripts/fetch_corpus.py --kind parity    # only the parity members
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from email.message import Message
from email.parser import Parser
from pathlib import Path, PurePosixPath
from typing import Literal, TypedDict

ROOT = Path(__file__).resolve().parents[1]
MARKER = ".complete"
MANIFEST = "MANIFEST.json"
# Written into the marker: a member extracted by another layout is extracted again.
# 2: project metadata beside the code, a pyproject.toml at every member's root.
LAYOUT = 2
# Besides ``*.py``: the files a project declares its dependencies and migrations in.
METADATA_FILES = re.compile(
    r"(pyproject\.toml|setup\.cfg|requirements[^/]*\.txt|poetry\.lock|uv\.lock"
    r"|Pipfile|Pipfile\.lock|alembic\.ini|script\.py\.mako)"
)
PYPROJECT = "pyproject.toml"
# What a member exercises, for the manifest and the report (checked by reading the code).
Trait = Literal["pydantic-v1", "old-fastapi", "alembic", "cli", "grpc", "docs"]
Kind = Literal["parity", "precision"]
# Downloads run side by side: each is mostly waiting on the network.
_DOWNLOADS_AT_ONCE = 4


@dataclass(frozen=True, slots=True)
class Source:
    """One pinned distribution and the part of it worth linting."""

    name: str
    version: str
    sdist: bool = False
    # Keep only files under these directories of the archive (after its top folder, for
    # sdists); metadata files at the archive's root are kept too. Empty: keep everything.
    subdirs: tuple[str, ...] = ()
    # In the parity set: the exactness tests against ruff and radon run on it.
    parity: bool = False
    traits: tuple[Trait, ...] = ()

    @property
    def folder(self) -> str:
        return f"{self.name}-{self.version}"

    @property
    def kind(self) -> str:
        return "sdist" if self.sdist else "wheel"


SOURCES = (
    # --- the parity set -----------------------------------------------------------------
    # FastAPI's own documentation examples: idiomatic, and every feature of the framework.
    Source("fastapi", "0.163.2", sdist=True, subdirs=("docs_src",), parity=True, traits=("docs",)),
    # Real applications built on FastAPI.
    Source("lnbits", "1.6.2", parity=True, traits=("pydantic-v1", "cli", "grpc")),
    Source("khoj", "1.42.10", parity=True, traits=("cli",)),
    Source("opal-server", "0.9.9", parity=True, traits=("pydantic-v1", "cli")),
    Source("fastapi-users", "15.0.5", parity=True),
    Source("open-webui", "0.12.4", parity=True, traits=("alembic", "cli")),
    # --- the rest of the precision set --------------------------------------------------
    # Pydantic v1 / old FastAPI era (released before mid-2023, or pinned to Pydantic 1).
    # Prefect 2: its own ``PrefectRouter``, Alembic revisions named by date and nested per
    # dialect (``versions/postgresql/2021_01_20_122127_25f4b90a7a42_initial_migration.py``),
    # a typer CLI of async commands, ``asyncio.run`` entry points in its services; declares
    # its versions in requirements.txt.
    Source("prefect", "2.10.13", sdist=True, traits=("pydantic-v1", "alembic", "cli")),
    # The Argilla 1 server (FastAPI < 0.89 as an extra), its Alembic revisions, typer CLI.
    Source(
        "argilla", "1.10.0", sdist=True, traits=("pydantic-v1", "old-fastapi", "alembic", "cli")
    ),
    # Fides: fastapi==0.89.1 and pydantic==1.10.9 pinned in requirements.txt, Alembic, click.
    Source(
        "ethyca-fides",
        "2.15.0",
        sdist=True,
        traits=("pydantic-v1", "old-fastapi", "alembic", "cli"),
    ),
    # A Poetry project pinned to Pydantic 1.10 with a recent FastAPI; LND gRPC stubs.
    Source("lnbits", "0.12.12", sdist=True, traits=("pydantic-v1", "cli", "grpc")),
    # Older releases of two parity members: FastAPI 0.77/0.78, Pydantic 1.
    Source("opal-server", "0.3.1", traits=("pydantic-v1", "old-fastapi", "cli")),
    Source("khoj-assistant", "0.7.1", traits=("pydantic-v1", "old-fastapi")),
    # Feast's feature server: generated protobuf/gRPC stubs, click CLI, Pydantic < 2.
    Source("feast", "0.31.1", traits=("pydantic-v1", "cli", "grpc")),
    # MLRun's API server: two Alembic trees (MySQL, SQLite), click CLI, Pydantic 1.10.
    Source("mlrun", "1.4.1", traits=("pydantic-v1", "alembic", "cli")),
    # Seldon MLServer: FastAPI 0.88 (so Pydantic 1, declared by nothing else), gRPC, click.
    Source("mlserver", "1.3.5", traits=("pydantic-v1", "old-fastapi", "cli", "grpc")),
    # dstack's server: pydantic<=1.10.10, Alembic, an argparse CLI.
    Source("dstack", "0.12.4", traits=("pydantic-v1", "alembic", "cli")),
    # Pydantic v2 era.
    # Phoenix: Alembic beside a GraphQL (strawberry) and REST server; hatch pyproject.
    Source("arize-phoenix", "4.36.0", sdist=True, traits=("alembic", "cli")),
    # Skyvern: Alembic tree at the top of the project (``2024_03_01_0537-99423c1dec60_...``),
    # typer CLI, ``asyncio.run`` scripts, Poetry.
    Source("skyvern", "0.1.79", sdist=True, traits=("alembic", "cli")),
    # Langflow's server and components: Alembic, typer CLI.
    Source("langflow-base", "0.1.4", traits=("alembic", "cli")),
    # Chroma's server: FastAPI, gRPC stubs, typer CLI; works with Pydantic 1 and 2.
    Source("chromadb", "0.4.24", traits=("cli", "grpc")),
)


def members(kind: Kind = "precision") -> tuple[Source, ...]:
    """The members of one set: ``parity`` (the exactness tests) or ``precision`` (all)."""
    return SOURCES if kind == "precision" else tuple(s for s in SOURCES if s.parity)


# --- download and extraction --------------------------------------------------------------


def _download(source: Source, into: Path) -> Path:
    # pip prepares an sdist's metadata in a build environment: its build requirements may
    # come as wheels (built from source as well, they take minutes).
    binary = ["--no-binary", source.name] if source.sdist else ["--only-binary", ":all:"]
    command = [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", *binary]
    # Nothing is installed: an interpreter outside the project's range may still read it.
    command += ["--ignore-requires-python", "--disable-pip-version-check"]
    command += ["--dest", str(into), f"{source.name}=={source.version}"]
    subprocess.run(command, check=True)
    archives = sorted(into.iterdir())
    if len(archives) != 1:
        raise RuntimeError(f"expected one archive for {source.folder}, got {archives}")
    return archives[0]


def _within(path: PurePosixPath, subdirs: Sequence[str]) -> bool:
    return not subdirs or any(path.parts[:1] == (subdir,) for subdir in subdirs)


def _inside(member: str, source: Source) -> PurePosixPath | None:
    """``member``'s path inside the distribution, or None when it is unsafe or metadata
    of the archive itself (``*.dist-info``, ``*.egg-info``)."""
    path = PurePosixPath(member)
    if path.is_absolute() or ".." in path.parts:
        return None
    if source.sdist:
        path = PurePosixPath(*path.parts[1:])
    if not path.parts or any(part.endswith((".dist-info", ".egg-info")) for part in path.parts):
        return None
    return path


def _wanted(member: str, source: Source) -> PurePosixPath | None:
    """The path to write ``member`` to, or None to skip it (unwanted, unsafe, filtered)."""
    path = _inside(member, source)
    if path is None:
        return None
    if path.suffix == ".py":
        return path if _within(path, source.subdirs) else None
    if METADATA_FILES.fullmatch(path.name) is None:
        return None
    return path if len(path.parts) == 1 or _within(path, source.subdirs) else None


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


def _extract(files: Iterable[tuple[str, bytes]], source: Source, target: Path) -> int:
    """Write the wanted files under ``target``; return how many ``.py`` files it wrote."""
    count = 0
    for name, data in files:
        relative = _wanted(name, source)
        if relative is None:
            continue
        destination = target.joinpath(*relative.parts)
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_bytes(data)
        count += relative.suffix == ".py"
    return count


# --- a pyproject.toml from core metadata ----------------------------------------------------

_EXTRA = re.compile(r"""extra\s*==\s*(["'])([^"']+)\1""")
_AND = re.compile(r"\s+and\s+")


def _balanced(text: str) -> bool:
    depth = 0
    for character in text:
        depth += {"(": 1, ")": -1}.get(character, 0)
        if depth < 0:
            return False
    return depth == 0


def _only_extras(text: str) -> bool:
    """Whether ``text`` is made of ``extra == ...`` clauses alone (joined by ``or``)."""
    return re.fullmatch(r"[\s()]*(?:or[\s()]+)*", _EXTRA.sub(" ", text)) is not None


def _unwrapped(text: str) -> str:
    text = text.strip()
    while text.startswith("(") and text.endswith(")") and _balanced(text[1:-1]):
        text = text[1:-1].strip()
    return text


def _rest_beside_extras(marker: str) -> str | None:
    """The side of ``A and B`` that is not made of extras, when the other one is."""
    for cut in _AND.finditer(marker):
        left, right = marker[: cut.start()], marker[cut.end() :]
        if not (_balanced(left) and _balanced(right)):
            continue
        if _only_extras(right) and not _EXTRA.search(left):
            return _unwrapped(left)
        if _only_extras(left) and not _EXTRA.search(right):
            return _unwrapped(right)
    return None


def split_marker(marker: str) -> tuple[tuple[str, ...], str]:
    """The extras an environment marker names, and the marker without them.

    ``extra == "server"`` gives ``(("server",), "")``; ``python_version < "3.11" and
    extra == "dev"`` gives ``(("dev",), 'python_version < "3.11"')``. A marker whose
    extras cannot be taken apart so simply is kept whole, as written.
    """
    extras = tuple(match.group(2) for match in _EXTRA.finditer(marker))
    if not extras:
        return (), marker.strip()
    if _only_extras(marker):
        return extras, ""
    rest = _rest_beside_extras(marker)
    return extras, marker.strip() if rest is None else rest


def _requirement(spec: str, marker: str) -> str:
    return f"{spec} ; {marker}" if marker else spec


def dependency_tables(requires: Iterable[str]) -> tuple[list[str], dict[str, list[str]]]:
    """``Requires-Dist`` lines as ``[project]`` dependencies and optional dependencies.

    A requirement without an ``extra`` marker is a dependency, its marker kept as written;
    one with an ``extra`` marker goes to each extra it names, without the extra clause.
    """
    dependencies: list[str] = []
    optional: dict[str, list[str]] = {}
    for line in requires:
        spec, _, marker = (part.strip() for part in line.partition(";"))
        extras, rest = split_marker(marker)
        if not extras:
            dependencies.append(line.strip())
        for extra in extras:
            optional.setdefault(extra, []).append(_requirement(spec, rest))
    return dependencies, optional


def _string(value: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's, with ASCII output)."""
    return json.dumps(value)


def _array(key: str, values: Sequence[str]) -> list[str]:
    return [f"{key} = [", *(f"    {_string(value)}," for value in values), "]"]


def console_scripts(entry_points: str) -> dict[str, str]:
    """The ``[console_scripts]`` section of an ``entry_points.txt``."""
    scripts: dict[str, str] = {}
    section = ""
    for raw in entry_points.splitlines():
        line = raw.strip()
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1].strip()
        elif section == "console_scripts" and "=" in line:
            name, _, target = line.partition("=")
            scripts[name.strip()] = target.strip()
    return scripts


def _project_lines(metadata: Message) -> list[str]:
    lines = ["[project]", f"name = {_string(metadata.get('Name', ''))}"]
    lines.append(f"version = {_string(metadata.get('Version', ''))}")
    if metadata.get("Requires-Python"):
        lines.append(f"requires-python = {_string(metadata['Requires-Python'])}")
    requires = metadata.get_all("Requires-Dist") or []
    dependencies, optional = dependency_tables(requires)
    # Without Requires-Dist (an old sdist's PKG-INFO) the dependencies are declared
    # elsewhere (setup.py, requirements.txt): say so rather than claim there are none.
    lines += _array("dependencies", dependencies) if requires else ['dynamic = ["dependencies"]']
    if optional:
        lines += ["", "[project.optional-dependencies]"]
        for extra, values in sorted(optional.items()):
            lines += _array(_string(extra), values)
    return lines


def generated_pyproject(metadata_text: str, origin: str, entry_points: str = "") -> str:
    """A ``pyproject.toml`` saying what core metadata (``METADATA``, ``PKG-INFO``) says."""
    metadata = Parser().parsestr(metadata_text, headersonly=True)
    lines = [f"# Generated by scripts/fetch_corpus.py from {origin}; not a file of the project."]
    lines += _project_lines(metadata)
    scripts = console_scripts(entry_points)
    if scripts:
        lines += ["", "[project.scripts]"]
        lines += [f"{_string(name)} = {_string(target)}" for name, target in scripts.items()]
    return "\n".join(lines) + "\n"


def _core_metadata(
    files: Sequence[tuple[str, bytes]], source: Source
) -> tuple[str, str, str] | None:
    """``(metadata text, where it came from, entry_points.txt)`` of the archive, if any."""
    if source.sdist:
        pkg_info = [(name, data) for name, data in files if name.count("/") == 1]
        found = [(n, d) for n, d in pkg_info if n.endswith("/PKG-INFO")]
        if found:
            return found[0][1].decode("utf-8", "replace"), f"the sdist's {found[0][0]}", ""
        return None
    by_name = dict(files)
    metadata = [name for name in by_name if re.fullmatch(r"[^/]+\.dist-info/METADATA", name)]
    if not metadata:
        return None
    entry_points = by_name.get(metadata[0].replace("/METADATA", "/entry_points.txt"), b"")
    text = by_name[metadata[0]].decode("utf-8", "replace")
    return text, f"the wheel's {metadata[0]}", entry_points.decode("utf-8", "replace")


def _write_pyproject(files: Sequence[tuple[str, bytes]], source: Source, target: Path) -> None:
    """Give the member a root ``pyproject.toml`` when its archive has none there."""
    if (target / PYPROJECT).is_file():
        return
    found = _core_metadata(files, source)
    if found is not None:
        text, origin, entry_points = found
        (target / PYPROJECT).write_text(generated_pyproject(text, origin, entry_points))


# --- the corpus -----------------------------------------------------------------------------


def _marker_text(source: Source) -> str:
    return f"{source.name}=={source.version}\nlayout {LAYOUT}\n"


def is_complete(source: Source, dest: Path) -> bool:
    marker = dest / source.folder / MARKER
    return marker.is_file() and marker.read_text() == _marker_text(source)


def python_files(folder: Path) -> int:
    return sum(1 for _ in folder.rglob("*.py"))


def unpack(archive: Path, source: Source, target: Path) -> int:
    """Extract what the corpus keeps of ``archive``; return how many ``.py`` files."""
    files = _members(archive)
    count = _extract(files, source, target)
    _write_pyproject(files, source, target)
    return count


@dataclass(frozen=True, slots=True)
class Fetched:
    python_files: int
    downloaded: int
    """Bytes of the archive downloaded; 0 for a member that was already complete."""


def fetch(source: Source, dest: Path) -> Fetched:
    """Fetch one source unless already complete (a partial or outdated one is redone)."""
    target = dest / source.folder
    if is_complete(source, dest):
        return Fetched(python_files(target), 0)
    if target.exists():
        shutil.rmtree(target)
    with tempfile.TemporaryDirectory() as scratch:
        archive = _download(source, Path(scratch))
        fetched = Fetched(unpack(archive, source, target), archive.stat().st_size)
    (target / MARKER).write_text(_marker_text(source))
    return fetched


class ManifestEntry(TypedDict):
    name: str
    version: str
    kind: str
    parity: bool
    traits: list[str]
    python_files: int


def manifest(dest: Path) -> dict[str, ManifestEntry]:
    """Every complete member of ``dest``: folder -> name, version, kind, parity, traits."""
    return {
        source.folder: {
            "name": source.name,
            "version": source.version,
            "kind": source.kind,
            "parity": source.parity,
            "traits": list(source.traits),
            "python_files": python_files(dest / source.folder),
        }
        for source in SOURCES
        if is_complete(source, dest)
    }


def write_manifest(dest: Path) -> Path:
    path = dest / MANIFEST
    path.write_text(json.dumps(manifest(dest), indent=2) + "\n")
    return path


def _fetch_all(sources: Sequence[Source], dest: Path) -> Iterator[tuple[Source, Fetched]]:
    with ThreadPoolExecutor(max_workers=_DOWNLOADS_AT_ONCE) as pool:
        yield from zip(sources, pool.map(lambda source: fetch(source, dest), sources), strict=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Download pinned FastAPI code into corpus/.")
    parser.add_argument("--dest", type=Path, default=ROOT / "corpus")
    parser.add_argument("--kind", choices=("parity", "precision"), default="precision")
    args = parser.parse_args(argv)
    args.dest.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    kind: Kind = "parity" if args.kind == "parity" else "precision"
    downloaded = 0
    for source, fetched in _fetch_all(members(kind), args.dest):
        print(f"{source.folder}: {fetched.python_files} .py files")
        downloaded += fetched.downloaded
    took = time.perf_counter() - start
    print(f"{write_manifest(args.dest)}: {downloaded / 1e6:.1f} MB downloaded in {took:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
