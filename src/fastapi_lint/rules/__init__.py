"""The rules, one package per family, one module per rule (named after the rule).

Each family package holds its rules and the helpers only that family uses (private
``_x.py`` modules); what several families use lives in ``fastapi_lint.analysis``. The
registry finds a rule by walking these packages, so adding one is adding its file.
"""
