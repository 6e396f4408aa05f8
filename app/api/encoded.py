"""JSON answers of the list endpoints, encoded straight from the handler's dict.

FastAPI validates a returned dict against `response_model` and then serialises the model: for
a faceted search page (hundreds of facet values) that was a fifth of the API's own time per
request (measured, docs/benchmarks.md) and checked nothing the handler had not already built
to the schema. `/v1/decisions` and `/v1/decisions/{reference}/similar` return this response
instead; their `response_model` still documents the answer, and the tests hold every answer
to it (tests/app/test_decisions.py checks each shape is exactly what the model would give,
schemathesis checks the schema).
"""

from __future__ import annotations

from typing import Any

import orjson
from fastapi.responses import Response


class EncodedJSON(Response):
    """`application/json` by orjson, with datetimes as pydantic writes them (UTC as Z)."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content, option=orjson.OPT_UTC_Z)
