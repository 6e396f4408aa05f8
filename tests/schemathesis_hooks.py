"""Schemathesis hooks for the schema conformance run (SCHEMATHESIS_HOOKS=tests.schemathesis_hooks).

One hook, against one known class of false alarms of the `negative_data_rejection` check
(schemathesis issue #2900 and its kin): a "negative" case that swaps a text parameter's value
for another JSON type — `council=false`, `q=null`, `category=4.3e+16` — reaches the server as
text, and as text it is valid ("false" is a fine council name to look for). The server is right
to serve it; the check would fail it. So a negative case is kept only when at least one of its
query parameters is still invalid in the form it is sent in. Every other case, and every case
of every other mode and phase, runs as Schemathesis made it.
"""

from __future__ import annotations

from typing import Any

import schemathesis
from schemathesis import GenerationMode

WIRE = {True: "true", False: "false", None: ""}


def _text_schema(schema: dict[str, Any]) -> str | None:
    """ "string" or "array" (of strings) when the parameter takes text, else None."""
    options = [s for s in schema.get("anyOf", [schema]) if s.get("type") != "null"]
    if len(options) != 1:
        return None
    kind = options[0].get("type")
    if kind == "string":
        return "string"
    if kind == "array" and options[0].get("items", {}).get("type") == "string":
        return "array"
    return None


def _wire(value: Any) -> str | None:
    """A scalar as the query string carries it; None for what is not one (objects)."""
    if isinstance(value, bool) or value is None:
        return WIRE[value]
    if isinstance(value, int | float | str):
        return str(value)
    return None


def _as_sent(value: Any, kind: str) -> Any:
    values = value if isinstance(value, list) else [value]
    wired = [_wire(v) for v in values]
    if any(w is None for w in wired):
        return None  # an object: sent as other parameter names, which the API refuses
    if kind == "array":
        return wired
    return wired[-1] if wired else None  # one value: the server reads the last one given


@schemathesis.hook
def filter_case(ctx: Any, case: Any) -> bool:
    meta = case.meta
    if meta is None or meta.generation.mode is not GenerationMode.NEGATIVE or not case.query:
        return True
    if any(
        c.mode is GenerationMode.NEGATIVE
        for loc, c in meta.components.items()
        if loc.value != "query"
    ):
        return True
    for parameter in case.operation.query:
        if parameter.name not in case.query:
            if parameter.is_required:
                return True
            continue
        value = case.query[parameter.name]
        kind = _text_schema(parameter.definition.get("schema", {}))
        sent = value if kind is None else _as_sent(value, kind)
        if sent is None or not parameter.is_valid(sent):
            return True  # really invalid as sent: a fair negative case
    return False
