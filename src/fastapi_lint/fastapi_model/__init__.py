"""What FastAPI means in one module, read from its statements cheaply; what rules query.

``syntax`` holds the small node readings everyone needs (``dotted_name``...); ``names``
resolves what names are bound to (imports, assignments, annotations); ``dependencies``
finds what ``Depends(...)`` names; ``routers`` which names are apps and routers;
``routes`` which functions are endpoints; ``module`` builds the ``ModuleModel`` that
combines them, once per file (``FileContext.model``).
"""
