"""A dependency's query parameters validated by one pydantic model, documented as before.

FastAPI solves a dependency's query parameters one at a time, in Python, on every request:
for each declared parameter it looks the annotation up again, copies its default and validates
it alone, present or not. For the sixteen filters of /v1/decisions that was a third of the
API's own CPU time on `/v1/decisions/{reference}/similar` (py-spy, docs/benchmarks.md), more
than the call to Meilisearch it makes.

`ModelQuery(source)` reads `source`'s signature once (the same `Annotated[..., Query(...)]`
parameters FastAPI would read) and builds one pydantic model from it. Per request it hands the
parameters the client actually sent to that model, in one validation, and calls `source` with
the result. Errors are FastAPI's own `RequestValidationError`, located `query.<name>`, so the
422 problem reads as it did.

FastAPI no longer sees these parameters, so two things that read them from its dependency tree
are told here: a router made with `route_class=ModelQueryRoute` adds them to each route's
OpenAPI operation (the parameter objects FastAPI itself makes for `source`, so the schema does
not change), and strictness.py accepts their names.
"""

from __future__ import annotations

import inspect
import json
import typing
from collections.abc import Callable, Iterator
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Depends, FastAPI, Request
from fastapi.dependencies.models import Dependant
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from pydantic import BaseModel, ConfigDict, ValidationError, create_model

T = TypeVar("T")


def _metadata(parameter: inspect.Parameter) -> tuple[Any, ...]:
    """What `Annotated[type, ...]` adds to a parameter's type (its `Query(...)`)."""
    if typing.get_origin(parameter.annotation) is Annotated:
        return typing.get_args(parameter.annotation)[1:]
    return ()


def _is_list(annotation: Any) -> bool:
    """Whether a parameter takes repeated values (`list[...]`, possibly Annotated)."""
    while typing.get_origin(annotation) is Annotated:
        annotation = typing.get_args(annotation)[0]
    return typing.get_origin(annotation) is list


class ModelQuery(Generic[T]):
    """`source`'s query parameters, validated together; call `source` with them."""

    def __init__(self, source: Callable[..., T]) -> None:
        self.source = source
        parameters = inspect.signature(source, eval_str=True).parameters
        for name, parameter in parameters.items():
            if any(
                getattr(item, "alias", None) not in (None, name) for item in _metadata(parameter)
            ):
                raise TypeError(f"{source.__name__}: parameter {name!r} has an alias")
        self.names = frozenset(parameters)
        self._lists = frozenset(n for n, p in parameters.items() if _is_list(p.annotation))
        fields: dict[str, Any] = {n: (p.annotation, p.default) for n, p in parameters.items()}
        self.model: type[BaseModel] = create_model(
            f"{source.__name__}_query", __config__=ConfigDict(extra="ignore"), **fields
        )
        self.openapi_parameters = _documented_parameters(source)

    async def __call__(self, request: Request) -> T:
        # An `async def`: a plain `def` dependency would run in a worker thread.
        sent = request.query_params
        data: dict[str, Any] = {}
        for name in sent.keys():  # noqa: SIM118 (QueryParams iterates over every pair)
            if name in self._lists:
                data[name] = sent.getlist(name)
            elif name in self.names:
                data[name] = sent[name]  # the last of repeated values, as FastAPI takes
        try:
            values = self.model.model_validate(data)
        except ValidationError as exc:
            errors = [
                {**error, "loc": ("query", *error["loc"])}
                for error in exc.errors(include_url=False)
            ]
            raise RequestValidationError(errors) from None
        return self.source(**{name: getattr(values, name) for name in self.names})


def _documented_parameters(source: Callable[..., Any]) -> list[dict[str, Any]]:
    """The OpenAPI parameter objects FastAPI makes for `source` as a dependency."""
    probe = FastAPI()

    @probe.get("/")
    async def endpoint(values=Depends(source)):  # type: ignore[no-untyped-def]
        del values  # (no annotations: this module's are strings, and `source` a local name)

    operation = probe.openapi()["paths"]["/"]["get"]
    parameters: list[dict[str, Any]] = operation["parameters"]
    if "$ref" in json.dumps(parameters):  # a schema that lives in the probe's components
        raise TypeError(f"{source.__name__}: a parameter's schema refers to a component")
    return parameters


def _model_queries(dependant: Dependant) -> Iterator[ModelQuery[Any]]:
    for sub in dependant.dependencies:
        if isinstance(sub.call, ModelQuery):
            yield sub.call
        yield from _model_queries(sub)


class ModelQueryRoute(APIRoute):
    """An APIRoute whose OpenAPI operation lists its ModelQuery parameters after its own (where
    FastAPI puts a dependency's): a router's `route_class`."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        super().__init__(path, endpoint, **kwargs)
        queries = {id(q): q for q in _model_queries(self.dependant)}.values()
        extra = [parameter for query in queries for parameter in query.openapi_parameters]
        if extra:
            openapi_extra = dict(self.openapi_extra or {})
            openapi_extra["parameters"] = [*openapi_extra.get("parameters", []), *extra]
            self.openapi_extra = openapi_extra
