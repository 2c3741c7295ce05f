"""Settings and declaration files are read only when regular, and only up to a size."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from fastapi_lint.small_files import SETTINGS_LIMIT, SmallFileError, read_small_file
from waiting_helpers import outcome_within

needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")


def test_a_regular_file_is_read(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_bytes(b"[project]\n")
    assert read_small_file(tmp_path / "pyproject.toml", SETTINGS_LIMIT) == b"[project]\n"


def test_a_file_at_the_limit_is_read_one_byte_more_is_refused(tmp_path: Path) -> None:
    file = tmp_path / "big.toml"
    file.write_bytes(b"#" * SETTINGS_LIMIT)
    assert len(read_small_file(file, SETTINGS_LIMIT)) == SETTINGS_LIMIT
    file.write_bytes(b"#" * (SETTINGS_LIMIT + 1))
    with pytest.raises(SmallFileError, match="larger than 1 MB"):
        read_small_file(file, SETTINGS_LIMIT)


@needs_fifo
def test_a_named_pipe_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    pipe = tmp_path / "pyproject.toml"
    os.mkfifo(pipe)
    found = outcome_within(10, lambda: read_small_file(pipe, SETTINGS_LIMIT))
    assert isinstance(found, SmallFileError) and "not a regular file" in str(found)


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero here")
def test_an_endless_device_is_refused() -> None:
    found = outcome_within(10, lambda: read_small_file(Path("/dev/zero"), SETTINGS_LIMIT))
    assert isinstance(found, SmallFileError) and "not a regular file" in str(found)


def test_a_folder_is_refused_and_a_missing_file_is_an_os_error(tmp_path: Path) -> None:
    with pytest.raises((SmallFileError, PermissionError)):
        read_small_file(tmp_path, SETTINGS_LIMIT)
    with pytest.raises(FileNotFoundError):
        read_small_file(tmp_path / "absent.toml", SETTINGS_LIMIT)
