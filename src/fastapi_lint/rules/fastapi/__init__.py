"""The `fastapi` family (FAPI501-FAPI511): routes, paths, bodies, responses, dependencies."""
