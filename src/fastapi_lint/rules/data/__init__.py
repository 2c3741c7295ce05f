"""The `data` family (FAPI701-FAPI703): SQLAlchemy 2.0 sessions and queries."""
