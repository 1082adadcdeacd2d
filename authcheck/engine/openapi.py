"""The target's OpenAPI document: where it is, read with a size cap, `$ref`s resolved.

Looked for at ``/openapi.json`` (FastAPI's default), at the URL the ``/docs`` page names, and at a
few common prefixed places; ``--openapi URL|FILE`` names it outright. A missing or unusable
document is a value with the reason (`OpenApiMiss`), so discovery can fall back to probing.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import jsonref  # type: ignore[import-untyped]

from authcheck.core.fetch import http_error_reason
from authcheck.errors import BadInputError

MAX_OPENAPI_BYTES = 5 * 1024 * 1024
_CANDIDATES = ("/openapi.json", "/api/openapi.json", "/api/v1/openapi.json", "/v1/openapi.json")
_DOCS_PAGES = ("/docs", "/api/docs", "/redoc")
# swagger-ui's `url: '/openapi.json'` and redoc's `spec-url="/openapi.json"`
_DOCS_URL = re.compile(r"""(?:\burl\s*:\s*|spec-url\s*=\s*)['"]([^'"]+\.json)['"]""")


@dataclass(frozen=True)
class OpenApiDoc:
    where: str  # the URL or file it came from
    document: dict[str, Any]  # `$ref`s resolved lazily (jsonref proxies)


@dataclass(frozen=True)
class OpenApiMiss:
    tried: tuple[str, ...]  # one line per place tried, with what it answered


class _Unusable(Exception):
    """This place has no usable OpenAPI document (the message says why)."""


def find_openapi(
    client: httpx.Client, target: str, given: str | None = None
) -> OpenApiDoc | OpenApiMiss:
    """The document at ``given`` (a URL or a file: bad ones are `BadInputError`), else the first
    usable one of the usual places."""
    base = target.rstrip("/")
    if given is not None:
        try:
            if given.startswith(("http://", "https://")):
                return OpenApiDoc(given, _fetch(client, given))
            return OpenApiDoc(given, _read_file(Path(given)))
        except _Unusable as exc:
            raise BadInputError(f"--openapi {given}: {exc}") from exc
    tried: list[str] = []
    seen: set[str] = set()
    places = [base + path for path in _CANDIDATES]
    for page in _DOCS_PAGES:
        named = _named_by_docs(client, base + page)
        if named:
            places.append(named if named.startswith("http") else base + "/" + named.lstrip("/"))
    for url in places:
        if url in seen:
            continue
        seen.add(url)
        try:
            return OpenApiDoc(url, _fetch(client, url))
        except _Unusable as exc:
            tried.append(f"{url.removeprefix(base) or url}: {exc}")
    return OpenApiMiss(tuple(tried))


def _named_by_docs(client: httpx.Client, url: str) -> str | None:
    try:
        response = client.get(url)
    except httpx.HTTPError:
        return None
    if response.status_code != 200 or "html" not in response.headers.get("content-type", ""):
        return None
    match = _DOCS_URL.search(response.text[:200_000])
    return match.group(1) if match else None


def _fetch(client: httpx.Client, url: str) -> dict[str, Any]:
    try:
        with client.stream("GET", url) as response:
            if response.status_code != 200:
                raise _Unusable(f"answered {response.status_code}")
            body = bytearray()
            for chunk in response.iter_bytes():
                body.extend(chunk)
                if len(body) > MAX_OPENAPI_BYTES:
                    raise _Unusable(f"larger than {MAX_OPENAPI_BYTES // (1024 * 1024)} MB")
    except httpx.HTTPError as exc:
        raise _Unusable(f"no answer ({http_error_reason(exc)})") from exc
    return _parse(bytes(body))


def _read_file(path: Path) -> dict[str, Any]:
    try:
        if path.stat().st_size > MAX_OPENAPI_BYTES:
            raise _Unusable(f"larger than {MAX_OPENAPI_BYTES // (1024 * 1024)} MB")
        return _parse(path.read_bytes())
    except OSError as exc:
        raise _Unusable(f"cannot read ({exc.strerror or exc})") from exc


def _parse(raw: bytes) -> dict[str, Any]:
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError) as exc:
        raise _Unusable("not JSON") from exc
    if not isinstance(data, dict) or not isinstance(data.get("paths"), dict):
        raise _Unusable("not an OpenAPI document (no paths)")
    if not data["paths"]:
        raise _Unusable("an OpenAPI document with no paths")
    # Lazy proxies: a `$ref` loop is only followed as deep as discovery reads (it stops at a bound).
    resolved = jsonref.replace_refs(data, lazy_load=True, proxies=True, merge_props=True)
    return resolved if isinstance(resolved, dict) else data
