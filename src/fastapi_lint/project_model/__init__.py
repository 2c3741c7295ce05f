"""What the whole project is, read from its files' summaries; what project rules query.

``modules`` names modules after their files; ``project`` resolves names across modules
(imports, re-exports, classes, instances); ``routes`` builds the route table (prefixes
from routers and includes); ``blocking`` follows calls to the blocking ones. It sits
beside ``fastapi_model`` (what one module means) below the rules.
"""
