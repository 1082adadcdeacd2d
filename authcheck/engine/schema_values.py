"""A value a JSON Schema accepts, chosen deterministically (for required create/update fields).

Hand-written on purpose: `hypothesis-jsonschema` draws random values through Hypothesis's engine
(slow to start, non-deterministic, and `.example()` is documented as unfit outside tests); a run
must send the same body every time and explain it. Enum members, formats, bounds, lengths,
`anyOf`/`oneOf`/`allOf`, nested objects and arrays cover what FastAPI and pydantic emit. `$ref`s
are already resolved by `jsonref` when the document is loaded; recursion stops at a depth bound.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

_MAX_DEPTH = 6
_FORMATS: dict[str, Any] = {
    "email": "authcheck@example.com",
    "idn-email": "authcheck@example.com",
    "uri": "https://example.com/authcheck",
    "url": "https://example.com/authcheck",
    "iri": "https://example.com/authcheck",
    "hostname": "example.com",
    "ipv4": "192.0.2.1",
    "ipv6": "2001:db8::1",
    "time": "12:00:00",
    "duration": "P1D",
    "password": "authcheck-Passw0rd",
}
_PATTERN_TRIES = ("authcheck", "a", "A", "1", "a1", "A1", "abc", "ABC", "123", "x-1", "#000000")


def example(schema: Any, depth: int = 0) -> Any:
    """A value that ``schema`` accepts (best effort: patterns beyond simple ones may not be met)."""
    if not isinstance(schema, dict) or depth > _MAX_DEPTH:
        return None
    if "const" in schema:
        return schema["const"]
    if schema.get("default") is not None:
        return schema["default"]
    for key in ("enum", "examples"):
        values = [value for value in schema.get(key) or () if value is not None]
        if values:
            return values[0]
    if schema.get("example") is not None:
        return schema["example"]
    for key in ("anyOf", "oneOf"):
        branches = [b for b in schema.get(key) or () if _type_of(b) != "null"]
        if branches:
            return example(branches[0], depth + 1)
    if schema.get("allOf"):
        merged: dict[str, Any] = {}
        for part in schema["allOf"]:
            if isinstance(part, dict):
                merged = _merge(merged, part)
        rest = {k: v for k, v in schema.items() if k != "allOf"}
        return example(_merge(merged, rest), depth + 1)
    kind = _type_of(schema)
    if kind == "string":
        return _string(schema)
    if kind in ("integer", "number"):
        return _number(schema, integer=kind == "integer")
    if kind == "boolean":
        return False
    if kind == "array":
        count = int(schema.get("minItems") or 0)
        return [example(schema.get("items", {}), depth + 1) for _ in range(count)]
    if kind == "object":
        return object_example(schema, depth)
    return None


def object_example(schema: dict[str, Any], depth: int = 0) -> dict[str, Any]:
    """The required properties of an object schema, each with an accepted value."""
    properties = schema.get("properties") or {}
    required = [name for name in schema.get("required") or () if isinstance(name, str)]
    return {name: example(properties.get(name, {}), depth + 1) for name in required}


def _type_of(schema: Any) -> str | None:
    if not isinstance(schema, dict):
        return None
    kind = schema.get("type")
    if isinstance(kind, list):
        kinds = [k for k in kind if k != "null"]
        return kinds[0] if kinds else "null"
    if kind is None and "properties" in schema:
        return "object"
    return kind if isinstance(kind, str) else None


def _merge(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    merged = {**a, **b}
    merged["properties"] = {**(a.get("properties") or {}), **(b.get("properties") or {})}
    merged["required"] = [*(a.get("required") or ()), *(b.get("required") or ())]
    return merged


def _string(schema: dict[str, Any]) -> str:
    fmt = schema.get("format")
    soon = datetime.now(UTC) + timedelta(days=30)
    if fmt == "date-time":
        return soon.replace(microsecond=0).isoformat().replace("+00:00", "Z")
    if fmt == "date":
        return date.isoformat(soon.date())
    if fmt == "uuid":
        return str(uuid.uuid4())
    text = str(_FORMATS.get(str(fmt), "authcheck"))
    pattern = schema.get("pattern")
    if isinstance(pattern, str):
        text = _matching(pattern, text)
    low, high = int(schema.get("minLength") or 0), schema.get("maxLength")
    if len(text) < low:
        text = text + "x" * (low - len(text))
    if isinstance(high, int) and len(text) > high:
        text = text[: max(high, low)]
    return text


def _matching(pattern: str, preferred: str) -> str:
    try:
        compiled = re.compile(pattern)
    except re.error:
        return preferred
    for candidate in (preferred, *_PATTERN_TRIES):
        if compiled.search(candidate):
            return candidate
    return preferred


def _number(schema: dict[str, Any], *, integer: bool) -> int | float:
    low = schema.get("minimum")
    if schema.get("exclusiveMinimum") is not None and not isinstance(
        schema["exclusiveMinimum"], bool
    ):
        low = schema["exclusiveMinimum"] + 1
    high = schema.get("maximum")
    if schema.get("exclusiveMaximum") is not None and not isinstance(
        schema["exclusiveMaximum"], bool
    ):
        high = schema["exclusiveMaximum"] - 1
    value: float = 1
    if isinstance(low, int | float) and value < low:
        value = low
    if isinstance(high, int | float) and value > high:
        value = high
    step = schema.get("multipleOf")
    if isinstance(step, int | float) and step > 0 and value % step:
        value = (value // step + 1) * step
    return int(value) if integer else value
