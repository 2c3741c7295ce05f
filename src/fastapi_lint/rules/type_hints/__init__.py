"""The `typing` family (FAPI201-FAPI202): annotations missing where a reviewer expects them."""
