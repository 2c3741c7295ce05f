"""The `models` family (FAPI301-FAPI303): untyped dicts where an API wants a Pydantic model."""
