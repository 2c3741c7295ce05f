"""fastapi-lint: a static code-review linter for FastAPI codebases."""

# The single source of the version: pyproject.toml reads it from here. A literal, not an
# importlib.metadata lookup, which would cost every run (cached ones too) ~20 ms.
__version__ = "0.1.0"
