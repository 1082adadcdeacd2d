"""A client for the issuer control API (docs/control-api.md)."""

from __future__ import annotations

from types import TracebackType
from typing import Any

import httpx

from authcheck.core.fetch import http_error_reason
from authcheck.errors import BadInputError, UnreachableError
from authcheck.issuer.forge import MintRequest, RotateRequest

PREFIX = "/__authcheck"


class ControlClient:
    """Talks to ``{base_url}/__authcheck/``: the test issuer's origin, or a Better Auth auth base
    path (``http://host/api/auth``) where the `@authcheck/better-auth` plugin mounts it."""

    def __init__(self, base_url: str, client: httpx.Client | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self._own = client is None
        self._client = client or httpx.Client(timeout=10.0)

    def _call(self, method: str, path: str, body: Any = None) -> dict[str, Any]:
        url = f"{self.base_url}{PREFIX}{path}"
        # Better Auth refuses a POST whose Origin is missing or foreign when it carries cookies
        origin = httpx.URL(self.base_url).copy_with(path="/", query=None)
        headers = {"Origin": str(origin).rstrip("/")}
        try:
            response = self._client.request(method, url, json=body, headers=headers)
        except httpx.HTTPError as exc:
            raise UnreachableError(
                f"issuer not reachable at {self.base_url}: {http_error_reason(exc)}",
                hint="start one with `authcheck issuer serve`, add the @authcheck/better-auth "
                "plugin to your Better Auth, or check the URL",
            ) from exc
        try:
            data = response.json()
        except ValueError:
            data = None
        if response.status_code == 400 and isinstance(data, dict) and "error" in data:
            raise BadInputError(f"the issuer refused the request: {data['error']}")
        if response.status_code != 200 or not isinstance(data, dict):
            detail = data.get("error") if isinstance(data, dict) else response.text[:120]
            raise UnreachableError(
                f"{url} answered {response.status_code}: {detail}",
                hint="is this an issuer speaking the authcheck control API?",
            )
        return data

    def info(self) -> dict[str, Any]:
        return self._call("GET", "/info")

    def mint_full(self, request: MintRequest) -> dict[str, Any]:
        # no "kid" unless one is asked for: a plugin older than staged keys refuses the field
        omit = {"kid"} if request.kid is None else None
        body = request.model_dump(mode="json", exclude_none=False, exclude=omit)
        return self._call("POST", "/mint", body)

    def mint(self, request: MintRequest) -> str:
        return str(self.mint_full(request)["token"])

    def rotate(self, request: RotateRequest | None = None) -> dict[str, Any]:
        """A new current key, or (``stage``) a published key that does not sign."""
        body = (request or RotateRequest()).model_dump(mode="json", exclude_defaults=True)
        return self._call("POST", "/rotate", body or None)

    def unstage(self) -> list[str]:
        """Drops every staged key; their kids."""
        return [str(kid) for kid in self._call("POST", "/unstage")["dropped"]]

    def outage(self, on: bool) -> bool:
        return bool(self._call("POST", "/outage", {"on": on})["outage"])

    def counters(self) -> dict[str, int]:
        return {k: int(v) for k, v in self._call("GET", "/counters").items()}

    def close(self) -> None:
        if self._own:
            self._client.close()

    def __enter__(self) -> ControlClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
