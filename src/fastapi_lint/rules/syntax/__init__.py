"""The `syntax` family (FAPI000): a file that cannot be read or parsed."""
