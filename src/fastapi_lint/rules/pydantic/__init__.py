"""The `pydantic` family (FAPI601-FAPI604): Pydantic v1 idioms in a v2 world."""
