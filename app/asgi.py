"""What the pure ASGI middlewares (caching, rate limits) share."""

from __future__ import annotations

from starlette.types import Scope


def app_path(scope: Scope) -> str:
    """The path inside the application, whether or not it is mounted under a root path."""
    path: str = scope["path"]
    root: str = scope.get("root_path", "")
    if root and path.startswith(root):
        path = path[len(root) :] or "/"
    return path
