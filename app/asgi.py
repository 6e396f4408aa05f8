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


# The explorer's pages and assets (app/explorer): their errors are pages too, and their security
# policy lets their own stylesheet and script load. Everything else is the API's.
PAGE_PREFIXES = ("/decisions/", "/councils/", "/static/")


def is_page(path: str) -> bool:
    """True for explorer paths (`/`, `/decisions/…`, `/councils/…`, `/static/…`)."""
    return path == "/" or path.startswith(PAGE_PREFIXES)


def wants_page(path: str, accept: str) -> bool:
    """An explorer path, or a browser (it asks for HTML) at an address that is not the API's."""
    return is_page(path) or ("text/html" in accept and not path.startswith("/v1"))
