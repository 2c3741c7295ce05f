"""What code does, as several rule families and the project summary need to know it.

Helpers used by one family stay in that family's package; the ones here are shared: names
followed through aliases, what runs in an ``async def``, the catalogue of blocking and
CPU-bound calls, session calls, mapping annotations, Pydantic model receivers, and a
block's statements. They read the FastAPI model and the rule API, never a rule.
"""
