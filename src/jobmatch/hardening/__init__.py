"""Request limits and response headers that every route gets."""
