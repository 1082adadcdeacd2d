"""`authcheck mint`: ask an issuer's control API for a token and print it."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from pydantic import ValidationError

from authcheck.cli.common import fail_cleanly, http_url
from authcheck.errors import BadInputError


def _claim(text: str) -> tuple[str, Any]:
    name, sep, value = text.partition("=")
    if not sep or not name:
        raise BadInputError(f"--claim {text!r} is not NAME=VALUE")
    try:
        return name, json.loads(value)
    except json.JSONDecodeError:
        return name, value


def mint(
    issuer_url: Annotated[str, typer.Option(help="Base URL of an issuer with the control API.")],
    sub: Annotated[str | None, typer.Option(help="sub claim.")] = None,
    exp: Annotated[str | None, typer.Option(help="exp relative to now, e.g. -2m or +1h.")] = None,
    iat: Annotated[str | None, typer.Option(help="iat relative to now.")] = None,
    nbf: Annotated[str | None, typer.Option(help="nbf relative to now.")] = None,
    aud: Annotated[str | None, typer.Option(help="aud claim (default: the issuer's).")] = None,
    iss: Annotated[str | None, typer.Option(help="iss claim (default: the issuer's).")] = None,
    claim: Annotated[
        list[str] | None, typer.Option(help="Extra claim NAME=VALUE (VALUE as JSON if it parses).")
    ] = None,
    omit: Annotated[list[str] | None, typer.Option(help="Claim to leave out.")] = None,
    signer: Annotated[str, typer.Option(help="issuer, foreign, none or hs256-public.")] = "issuer",
    alg: Annotated[str | None, typer.Option(help="Header alg to send.")] = None,
    kid: Annotated[str | None, typer.Option(help="Header kid to send.")] = None,
    key_format: Annotated[str, typer.Option(help="For hs256-public: pem, raw or jwk.")] = "pem",
    embed: Annotated[str | None, typer.Option(help="jwk or jku.")] = None,
) -> None:
    """Print a token minted by the issuer (the full token: this command exists to make one)."""
    from authcheck.engine.control import ControlClient
    from authcheck.issuer.forge import MintRequest
    from authcheck.issuer.timespec import at_offset

    with fail_cleanly("mint"):
        http_url("--issuer-url", issuer_url)
        claims: dict[str, Any] = dict(_claim(item) for item in claim or [])
        named = {"sub": sub, "aud": aud, "iss": iss}
        claims.update({name: value for name, value in named.items() if value is not None})
        for name, offset in (("exp", exp), ("iat", iat), ("nbf", nbf)):
            if offset is not None:
                claims[name] = at_offset(offset)
        header = {name: value for name, value in (("alg", alg), ("kid", kid)) if value}
        try:
            request = MintRequest.model_validate(
                {
                    "claims": claims,
                    "omit": omit or [],
                    "header": header,
                    "signer": signer,
                    "key_format": key_format,
                    "embed": embed,
                }
            )
        except ValidationError as exc:
            first = exc.errors()[0]
            where = "--" + "-".join(str(part) for part in first["loc"]).replace("_", "-")
            raise BadInputError(f"{where}: {first['msg']}") from exc
        with ControlClient(issuer_url) as control:
            typer.echo(control.mint(request))


def register(app: typer.Typer) -> None:
    """Add `authcheck mint`."""
    app.command("mint")(mint)
