"""The `async` family (FAPI101-FAPI104): what blocks the event loop in an ``async def``."""
