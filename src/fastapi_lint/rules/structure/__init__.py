"""The `structure` family (FAPI401-FAPI405): branches, nesting, length and complexity."""
