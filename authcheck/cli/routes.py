"""`authcheck routes discover`: the task API `scenarios run` would find, as an editable file."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from authcheck.cli.common import fail_cleanly, http_url, print_json


def discover_command(
    target: Annotated[
        str, typer.Option(envvar="AUTHCHECK_TARGET", help="Base URL of the backend.")
    ],
    issuer_url: Annotated[
        str | None,
        typer.Option(
            envvar="AUTHCHECK_ISSUER_URL",
            help="Issuer with the control API: a valid token to probe with when the target has "
            "no OpenAPI document.",
        ),
    ] = None,
    better_auth_url: Annotated[
        str | None,
        typer.Option(
            envvar="AUTHCHECK_BETTER_AUTH_URL", help="Or a real Better Auth to sign in to."
        ),
    ] = None,
    user: Annotated[
        list[str] | None,
        typer.Option(help="EMAIL:PASSWORD, given twice (with --better-auth-url)."),
    ] = None,
    openapi: Annotated[
        str | None, typer.Option(help="The OpenAPI document (URL or file), if not found.")
    ] = None,
    resource: Annotated[
        str | None, typer.Option(help="The task resource's name when several fit.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON document.")] = False,
) -> None:
    """Find TARGET's task API and print it as a routes file for --routes.

    Exit 0 found, 2 not found (it says what it tried), 3 unreachable.
    """
    import httpx

    from authcheck.cli.scenarios import _source, _users
    from authcheck.engine.discovery import discover
    from authcheck.engine.runner import check_reachable

    with fail_cleanly("routes discover", as_json=as_json):
        for option, url in (
            ("--target", target),
            ("--issuer-url", issuer_url),
            ("--better-auth-url", better_auth_url),
        ):
            http_url(option, url)
        token = user_id = None
        if issuer_url is not None or better_auth_url is not None:
            source = _source(issuer_url, better_auth_url, _users(user or []), None)
            a = source.users[0]
            token, user_id = source.valid_token(a), a.id
        with httpx.Client(timeout=10.0) as client:
            check_reachable(client, target)
            found = discover(
                client, target, openapi=openapi, resource=resource, token=token, user_id=user_id
            )
    data = _routes_dict(found.routes)
    if as_json:
        print_json(
            {
                "target": target,
                "found_in": found.origin,
                "lines": [*found.lines, *found.routes.summary()],
                "routes": data,
            }
        )
        return
    import tomli_w

    header = [f"# task API of {target}, from {found.origin}"]
    header += [f"#   {line}" for line in (*found.lines, *found.routes.summary())]
    header.append("# edit as needed, then: authcheck scenarios run --routes THIS_FILE …")
    typer.echo("\n".join(header) + "\n" + tomli_w.dumps(data), nl=False)


def _routes_dict(routes: Any) -> dict[str, Any]:
    """Every field but empty ones (TOML has no null; an absent key means the default)."""
    return {k: v for k, v in routes.model_dump().items() if v is not None and v != {}}


def register(app: typer.Typer) -> None:
    """Add `authcheck routes discover`."""
    group = typer.Typer(help="The backend's task routes.", no_args_is_help=True)
    group.command("discover")(discover_command)
    app.add_typer(group, name="routes")
