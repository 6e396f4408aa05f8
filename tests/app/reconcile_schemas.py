"""The shapes of Reconciliation API 0.2 answers, written for these tests from the protocol's
specification (reconciliation-api.github.io/specs/0.2: manifest, reconciliation result batch,
suggest and data-extension responses). The official schema files cannot be fetched here (no
network at test time) and are not copied into the project; these state the same requirements:
required members, their types, the `{{id}}` templates and the value objects of extension."""

from __future__ import annotations

from typing import Any

TYPE = {
    "type": "object",
    "properties": {"id": {"type": "string"}, "name": {"type": "string"}},
    "required": ["id", "name"],
}
SERVICE = {
    "type": "object",
    "properties": {"service_url": {"type": "string"}, "service_path": {"type": "string"}},
}
MANIFEST: dict[str, Any] = {
    "type": "object",
    "properties": {
        "versions": {"type": "array", "items": {"type": "string"}, "contains": {"const": "0.2"}},
        "name": {"type": "string"},
        "identifierSpace": {"type": "string"},
        "schemaSpace": {"type": "string"},
        "view": {
            "type": "object",
            "properties": {"url": {"type": "string", "pattern": ".*\\{\\{id\\}\\}.*"}},
            "required": ["url"],
        },
        "defaultTypes": {"type": "array", "items": TYPE, "uniqueItems": True},
        "preview": {
            "type": "object",
            "properties": {
                "url": {"type": "string", "pattern": ".*\\{\\{id\\}\\}.*"},
                "width": {"type": "integer"},
                "height": {"type": "integer"},
            },
            "required": ["url", "width", "height"],
        },
        "suggest": {"type": "object", "properties": {"entity": SERVICE}},
        "extend": {
            "type": "object",
            "properties": {"propose_properties": SERVICE, "property_settings": {"type": "array"}},
        },
    },
    "required": ["versions", "name", "identifierSpace", "schemaSpace"],
}
RESULT_BATCH: dict[str, Any] = {
    "type": "object",
    "additionalProperties": {
        "type": "object",
        "properties": {
            "result": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "id": {"type": "string"},
                        "name": {"type": "string"},
                        "description": {"type": "string"},
                        "score": {"type": "number"},
                        "match": {"type": "boolean"},
                        "type": {"type": "array", "items": TYPE},
                    },
                    "required": ["id", "name", "score"],
                },
            }
        },
        "required": ["result"],
    },
}
SUGGEST: dict[str, Any] = {
    "type": "object",
    "properties": {
        "result": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "id": {"type": "string"},
                    "name": {"type": "string"},
                    "description": {"type": "string"},
                },
                "required": ["id", "name"],
            },
        }
    },
    "required": ["result"],
}
PROPERTIES: dict[str, Any] = {
    "type": "object",
    "properties": {
        "type": {"type": "string"},
        "properties": {"type": "array", "items": TYPE},
    },
    "required": ["properties"],
}
_VALUE = {
    "oneOf": [
        {"type": "object", "additionalProperties": False, "maxProperties": 0},
        *(
            {
                "type": "object",
                "properties": {key: {"type": kind}},
                "required": [key],
                "additionalProperties": False,
            }
            for key, kind in (("str", "string"), ("float", "number"), ("int", "integer"))
        ),
    ]
}
EXTENSION: dict[str, Any] = {
    "type": "object",
    "properties": {
        "meta": {"type": "array", "items": TYPE},
        "rows": {
            "type": "object",
            "additionalProperties": {
                "type": "object",
                "additionalProperties": {"type": "array", "items": _VALUE},
            },
        },
    },
    "required": ["rows", "meta"],
}
