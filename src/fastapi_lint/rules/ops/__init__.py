"""The `ops` family (FAPI901-FAPI908): prints, exceptions, settings, names and tasks."""
