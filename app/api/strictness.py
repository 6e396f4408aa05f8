"""Unknown query parameters are an error, not silently ignored.

A typo such as `counci=kent` must not return unfiltered results that look like an answer. This
dependency is installed on the whole app; it reads the parameters each route declares (its own
and its dependencies') from FastAPI's dependency tree, so no route lists them twice.
"""

from __future__ import annotations

import difflib

from fastapi import Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from app.api.model_query import ModelQuery
from app.problems import ProblemError

_ALLOWED_CACHE: dict[int, frozenset[str]] = {}


def _query_names(dependant: Dependant) -> set[str]:
    names = {param.alias for param in dependant.query_params}
    for sub in dependant.dependencies:
        names |= _query_names(sub)
        if isinstance(sub.call, ModelQuery):  # parameters FastAPI does not solve itself
            names |= sub.call.names
    return names


def _allowed(route: APIRoute) -> frozenset[str]:
    key = id(route)
    if key not in _ALLOWED_CACHE:
        _ALLOWED_CACHE[key] = frozenset(_query_names(route.dependant))
    return _ALLOWED_CACHE[key]


async def reject_unknown_parameters(request: Request) -> None:
    route = request.scope.get("route")
    if not isinstance(route, APIRoute):
        return
    allowed = _allowed(route)
    unknown = sorted({name for name in request.query_params if name not in allowed})
    if not unknown:
        return
    hints = []
    for name in unknown:
        close = difflib.get_close_matches(name, allowed, n=1)
        hints.append(f"{name!r}" + (f" (did you mean {close[0]!r}?)" if close else ""))
    raise ProblemError(
        400,
        f"Unknown query parameter{'s' if len(unknown) > 1 else ''}: {', '.join(hints)}. "
        f"Accepted: {', '.join(sorted(allowed)) or 'none'}.",
        type="/problems/unknown-parameter",
        title="Unknown query parameter",
        unknown=unknown,
    )
