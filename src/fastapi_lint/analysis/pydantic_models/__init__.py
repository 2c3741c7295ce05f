"""Which receivers of Pydantic v1 methods are Pydantic models (FAPI603).

A receiver's class is read from the code: a parameter or variable annotation, a
constructor call (``User(...)``, ``User.model_validate(...)``), ``self``/``cls`` in a
method, or the class itself (``User.parse_obj``). The file decides when that class is
one it defines (inheriting, through its own classes, from ``pydantic.BaseModel`` or its
kin) or pydantic's own; when the class comes from an import that is not pydantic's, the
call is left to the project step (``ModelMethodCall`` in the summary), which follows
the import across the project's modules. One call is never decided by both.

Names are bound per scope as Python binds them: a name bound twice to different things,
or by a loop, a comprehension or an ``except`` clause, has no known class, so a
``response.json()`` or a ``data.copy()`` is never taken for a model's.

``v1_names`` lists what v2 renamed; ``bindings`` reads what each name is bound to;
``classes`` tells which of the file's classes are models; ``receivers`` decides a
receiver; ``calls`` and ``fixes`` are what the walk meets and how it is fixed;
``deferred`` keeps the calls left to the project step.
"""
