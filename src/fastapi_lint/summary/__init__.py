"""A file's summary: what the whole-project step needs to know about it.

``records`` are the frozen records (no syntax tree: they pickle and go to the cache);
``codec`` writes them as JSON for the cache and reads them back; ``collector`` builds a
summary during the engine's one walk, dispatched like a rule, with ``syntax`` for the
small readings of nodes it needs. The records sit with the other records at the bottom;
the collector sits beside the rules, using the same shared analysis.
"""
