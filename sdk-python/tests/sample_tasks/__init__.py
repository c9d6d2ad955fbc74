"""Tasks used by the SDK tests."""
