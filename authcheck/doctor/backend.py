"""Calling the backend with the token and reading its answer (status, WWW-Authenticate, body)."""

from __future__ import annotations

import re
import time

import httpx

from authcheck.core.redact import redact_text
from authcheck.doctor.model import BackendCall
from authcheck.errors import UnreachableError

_DESCRIPTION = re.compile(r'error_description="((?:[^"\\]|\\.)*)"')
_EXCERPT = 300


def error_description(header: str | None) -> str | None:
    """The RFC 6750 ``error_description`` of a ``WWW-Authenticate`` challenge, if any."""
    if not header:
        return None
    match = _DESCRIPTION.search(header)
    return redact_text(match.group(1).replace('\\"', '"')) if match else None


def _detail(response: httpx.Response) -> str | None:
    try:
        data = response.json()
    except ValueError:
        text = response.text.strip()
        return redact_text(text[:_EXCERPT]) if text else None
    if isinstance(data, dict) and isinstance(data.get("detail"), str):
        return redact_text(data["detail"])
    return redact_text(str(data)[:_EXCERPT])


def call(client: httpx.Client, url: str, authorization: str | None) -> BackendCall:
    """``GET url`` with ``authorization`` (None: no header); no answer is exit status 3."""
    started = time.perf_counter()
    headers = {} if authorization is None else {"Authorization": authorization}
    try:
        try:
            response = client.get(url, headers=headers)
        except (httpx.ReadError, httpx.RemoteProtocolError):
            # A server that crashed on the last request may close the kept-alive connection.
            response = client.get(url, headers=headers)
    except httpx.TimeoutException as exc:
        raise UnreachableError(
            f"the backend at {url} did not answer within {client.timeout.read or 0:g} s "
            f"({exc.__class__.__name__})",
            hint="is it stuck (a blocking JWKS fetch?), or give it a longer --timeout",
        ) from exc
    except httpx.HTTPError as exc:
        raise UnreachableError(
            f"the backend did not answer at {url}: {exc.__class__.__name__}",
            hint="start the backend or check --backend-url",
        ) from exc
    elapsed = round((time.perf_counter() - started) * 1000, 1)
    return BackendCall(
        method="GET",
        path=httpx.URL(url).raw_path.decode(),
        status=response.status_code,
        elapsed_ms=elapsed,
        error_description=error_description(response.headers.get("www-authenticate")),
        detail=None if response.is_success else _detail(response),
    )


def call_again(client: httpx.Client, url: str, authorization: str | None) -> BackendCall:
    """A later call: the backend answered before, so no answer now is a finding, not exit 3."""
    try:
        return call(client, url, authorization)
    except UnreachableError as exc:
        path = httpx.URL(url).raw_path.decode()
        return BackendCall("GET", path, None, 0.0, detail=f"no answer: {exc.message}")
