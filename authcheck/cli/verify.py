"""`authcheck verify TOKEN --jwks URL|FILE`: every check, with evidence and Better Auth hints."""

from __future__ import annotations

from typing import Annotated

import typer

from authcheck.cli.decode import FLAG, TOKEN_HELP


def _from_command_line(ctx: typer.Context, name: str) -> bool:
    source = ctx.get_parameter_source(name)  # Typer vendors click: compare by name
    return source is not None and source.name == "COMMANDLINE"


def register(app: typer.Typer) -> None:
    """Add this module's command(s) to the app."""

    @app.command()
    def verify(
        ctx: typer.Context,
        token: Annotated[str, typer.Argument(metavar="TOKEN", help=TOKEN_HELP, show_default=False)],
        jwks: Annotated[
            str | None,
            typer.Option(
                "--jwks",
                metavar="URL|FILE",
                help="JWKS URL or file.",
                show_default=False,
                envvar="AUTHCHECK_JWKS",
            ),
        ] = None,
        better_auth: Annotated[
            str | None,
            typer.Option(
                "--better-auth",
                metavar="URL",
                help="Better Auth base URL: JWKS BASE/api/auth/jwks, issuer = audience = BASE "
                "(also --better-auth-url, as in the other commands).",
                show_default=False,
                envvar="AUTHCHECK_BETTER_AUTH_URL",
            ),
        ] = None,
        better_auth_url: Annotated[
            str | None, typer.Option("--better-auth-url", hidden=True, show_default=False)
        ] = None,
        issuer: Annotated[
            str | None,
            typer.Option(metavar="ISS", help="Expected iss (exact).", envvar="AUTHCHECK_ISSUER"),
        ] = None,
        audience: Annotated[
            str | None,
            typer.Option(metavar="AUD", help="Expected aud (exact).", envvar="AUTHCHECK_AUDIENCE"),
        ] = None,
        algorithms: Annotated[
            str | None,
            typer.Option(
                metavar="ALGS",
                help="Allowed algs, comma-separated (default: EdDSA, Ed25519, ES256, ES512, "
                "RS256, PS256).",
            ),
        ] = None,
        leeway: Annotated[
            float, typer.Option(min=0, max=3600, metavar="SECONDS", help="Clock leeway in seconds.")
        ] = 0,
        require: Annotated[
            str | None,
            typer.Option(
                metavar="CLAIMS", help="Required claims, comma-separated (default: exp,sub)."
            ),
        ] = None,
        as_json: Annotated[
            bool, typer.Option("--json", metavar=FLAG, help="Print one JSON document to stdout.")
        ] = False,
        insecure: Annotated[
            bool,
            typer.Option(
                "--insecure", metavar=FLAG, help="Do not verify the JWKS server's TLS cert."
            ),
        ] = False,
        timeout: Annotated[
            float, typer.Option(min=0.1, max=120, metavar="SECONDS", help="JWKS timeout (s).")
        ] = 5.0,
    ) -> None:
        """Verify TOKEN against a JWKS: every check, not only the first failure.

        Exit 0 valid, 1 invalid, 2 bad input, 3 JWKS unreachable or unusable.
        """
        from authcheck.cli.common import (
            print_json,
            report_error,
            split_list,
            stdin_bytes,
            stdout_console,
        )
        from authcheck.core.fetch import JwksFetcher
        from authcheck.core.inputs import read_token
        from authcheck.core.jwks import ALG_KEY
        from authcheck.core.verify import DEFAULT_ALGORITHMS, DEFAULT_REQUIRE, VerifyPolicy
        from authcheck.errors import AuthcheckError, BadInputError, ExitStatus

        try:
            if better_auth_url is not None:  # the alias wins over AUTHCHECK_BETTER_AUTH_URL
                if better_auth not in (None, better_auth_url) and _from_command_line(
                    ctx, "better_auth"
                ):
                    raise BadInputError("give --better-auth or --better-auth-url, not both")
                better_auth = better_auth_url
            if jwks is None and better_auth is None:
                raise BadInputError(
                    "give --jwks URL|FILE or --better-auth BASE_URL",
                    "e.g. --better-auth http://localhost:3000",
                )
            raw = read_token(token, stdin_bytes())
            if not raw.strip():
                raise BadInputError("the token is empty", "Pass a JWT, '-' for stdin, or @file.")
            algs = split_list(algorithms) or DEFAULT_ALGORITHMS
            for option, value in (("--issuer", issuer), ("--audience", audience)):
                if value is not None and not value.strip():
                    raise BadInputError(
                        f"{option} is empty (an unset shell variable?)",
                        f"give the exact string, or leave {option} out",
                    )
            if algorithms is not None and not split_list(algorithms):
                raise BadInputError(
                    "--algorithms is empty",
                    "Name at least one, e.g. --algorithms EdDSA, or leave it out for the default.",
                )
            unknown = [a for a in algs if a not in ALG_KEY]
            if unknown:
                raise BadInputError(
                    f"unknown algorithm {unknown[0]!r} in --algorithms",
                    f"names are case-sensitive; known: {', '.join(ALG_KEY)}",
                )
            if better_auth is not None and not better_auth.startswith(("http://", "https://")):
                raise BadInputError(
                    f"--better-auth wants a base URL, got {better_auth!r}",
                    "e.g. --better-auth http://localhost:3000",
                )
            base = VerifyPolicy.better_auth(better_auth) if better_auth is not None else None
            policy = VerifyPolicy(
                jwks=jwks or (base.jwks if base else ""),
                issuer=issuer if issuer is not None else (base.issuer if base else None),
                audience=audience if audience is not None else (base.audience if base else None),
                algorithms=algs,
                leeway=leeway,
                require=DEFAULT_REQUIRE if require is None else (split_list(require) or ()),
            )
            with JwksFetcher(policy.jwks, timeout=timeout, insecure=insecure) as fetcher:
                result = policy.verify(raw, fetcher=fetcher)
                last = fetcher.last
        except AuthcheckError as exc:
            raise typer.Exit(report_error("verify", exc, as_json=as_json)) from None
        http = last.http if last else None
        if as_json:
            from authcheck.report.token_json import verify_document

            jwks_info = {"source": policy.jwks, "http": http.to_dict() if http else None}
            print_json(verify_document(result, raw, jwks_info))
        else:
            from authcheck.report.token_console import render_verify

            render_verify(stdout_console(), result, http, policy.jwks)
        if result.jwks_error is not None:
            # The report above says it too; this line is the documented one on stderr (exit 3).
            failure = result.jwks_error
            report_error("verify", AuthcheckError(failure.message, failure.hint), as_json=False)
            raise typer.Exit(int(ExitStatus.UNREACHABLE))
        raise typer.Exit(int(ExitStatus.OK if result.valid else ExitStatus.FINDINGS))
