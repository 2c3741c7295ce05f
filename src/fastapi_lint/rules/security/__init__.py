"""The `security` family (FAPI801-FAPI806): secrets, debug, CORS, JWT and SQL injection."""
