"""Where the target's task API is, with no routes file: its OpenAPI document, else probing.

`discover` is what `scenarios run`, `routes discover`, `doctor`, `demo` and the pytest plugin call
when no ``--routes`` is given. A document that names no task resource, or none at all, falls back
to probing with a valid token; when nothing fits it is one `BadInputError` naming what was tried.
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from authcheck.engine.openapi import OpenApiDoc, find_openapi
from authcheck.engine.openapi_routes import NoTaskResource, routes_from_openapi
from authcheck.engine.probing import NotFound, probe_routes
from authcheck.engine.routes import Routes
from authcheck.errors import BadInputError


@dataclass(frozen=True)
class Discovery:
    routes: Routes
    origin: str  # "/openapi.json", "probing", "--routes FILE"
    lines: tuple[str, ...]  # what was found, a few lines for humans


def discover(
    client: httpx.Client,
    target: str,
    *,
    openapi: str | None = None,
    resource: str | None = None,
    token: str | None = None,
    user_id: str | None = None,
) -> Discovery:
    """The task routes of ``target``; ``token``/``user_id`` (a valid token) enable probing."""
    found = find_openapi(client, target, openapi)
    tried: list[str] = []
    note = "no OpenAPI document"
    if isinstance(found, OpenApiDoc):
        try:
            result = routes_from_openapi(found.document, resource)
        except NoTaskResource as exc:
            if openapi is not None or "--resource" in str(exc):
                raise BadInputError(f"{found.where}: {exc}", hint="pass --routes FILE") from exc
            tried.append(f"{found.where}: {exc}")
            note = f"the OpenAPI document names no task API ({exc})"
        else:
            where = found.where.removeprefix(target.rstrip("/")) or found.where
            return Discovery(result.routes, where, result.lines)
    else:
        tried.append("; ".join(found.tried[:3]) + (", …" if len(found.tried) > 3 else ""))
    if token is None or user_id is None:
        raise BadInputError(
            "could not find the task routes: " + "; ".join(tried or ["no OpenAPI document"]),
            hint="pass --openapi URL|FILE, a token source to probe with, or --routes FILE",
        )
    try:
        routes, lines = probe_routes(client, target, token, user_id, resource)
    except NotFound as exc:
        tried.append(f"probing: {exc}")
        raise BadInputError(
            "could not find the task routes: " + "; ".join(tried),
            hint="pass --routes FILE (see `authcheck routes discover`)",
        ) from exc
    except httpx.HTTPError as exc:
        raise BadInputError(f"could not find the task routes: probing failed ({exc})") from exc
    return Discovery(routes, "probing", (note, *lines))
