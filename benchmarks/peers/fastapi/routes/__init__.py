"""The peer's routers."""
