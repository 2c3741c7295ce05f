"""The per-file engine: parse once, walk once with every enabled rule, return plain results.

``lint`` is the entry (decode, parse, walk, resolve, suppress; never prints); ``parse``
turns text into a LibCST module or a FAPI000 finding; ``walk`` dispatches the rules'
visit/leave methods in one iterative traversal; ``findings`` resolves positions and
fixes into ``Diagnostic`` records. The engine knows nothing of the whole-project step.
"""
