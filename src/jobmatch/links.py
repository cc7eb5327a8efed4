"""OpenAPI links: the operations that take a created resource's id from the answer (clients and stateful fuzzing follow them)."""

from __future__ import annotations

from typing import Any


def created_links(path: str, *, parameter: str, methods: dict[str, str]) -> dict[int | str, dict[str, Any]]:
    """A 201's `links`: for each name, the operation `method path` with `parameter` set to the new resource's `id`."""
    pointer = path.replace("~", "~0").replace("/", "~1")
    links = {name: {"operationRef": f"#/paths/{pointer}/{method}", "parameters": {parameter: "$response.body#/id"}}
             for name, method in methods.items()}
    return {201: {"links": links}}
