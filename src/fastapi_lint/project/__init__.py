"""Whole-project analysis: per-file summaries, names resolved across modules, route table.

``collector`` builds a file's summary during the engine's walk; ``model`` names modules and
resolves names across them; ``blocking`` and ``routes`` are the analyses the project rules
(FAPI102, FAPI504, FAPI510) share; ``analysis`` runs those rules once every file is
summarised and puts their findings back into the per-file results.
"""
