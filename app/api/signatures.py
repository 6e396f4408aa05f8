"""Declaring a set of query parameters once and serving it from a second function.

FastAPI reads an endpoint's or a dependency's parameters from its signature when the route is
registered. `same_parameters(source)` gives the decorated function `source`'s signature, so a
thin `async` wrapper (no worker-thread hop, or a different response) takes exactly the
parameters, descriptions and examples declared on `source`. Put it below `@router.get`:
decorators apply from the bottom up, and the signature must be there before the route is made.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


def same_parameters(source: Callable[..., Any]) -> Callable[[F], F]:
    def apply(target: F) -> F:
        target.__signature__ = inspect.signature(source, eval_str=True)  # type: ignore[attr-defined]
        return target

    return apply
