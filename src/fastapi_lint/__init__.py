"""fastapi-lint: a static code-review linter for FastAPI codebases."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("fastapi-lint")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"
