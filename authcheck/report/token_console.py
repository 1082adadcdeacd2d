"""Human output for ``decode``, ``verify`` and ``jwks``: rich text on the given console.

Never prints a full token or a signature.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from rich.markup import escape

from authcheck.core.checks import Status
from authcheck.core.classify import Classification, TokenKind
from authcheck.core.findings import Finding, Severity
from authcheck.core.redact import redact_token
from authcheck.core.timefmt import expiry, lifetime_note, relative, utc
from authcheck.report.token_json import redact_claims
from authcheck.report.wrap import print_hanging

if TYPE_CHECKING:
    from rich.console import Console

    from authcheck.core.fetch import HttpInfo
    from authcheck.core.jwks import KeySet
    from authcheck.core.verify import VerifyResult

_KIND_TEXT = {
    TokenKind.JWS: "JWS / JWT (signed token)",
    TokenKind.JWE: "JWE (encrypted token)",
    TokenKind.SESSION_ID: "Better Auth session id",
    TokenKind.SIGNED_SESSION_COOKIE: (
        "Better Auth signed session cookie (better-auth.session_token)"
    ),
    TokenKind.COOKIE_CACHE_JWT: "Better Auth cookie-cache JWT (better-auth.session_data, HS256)",
    TokenKind.NOT_JWT: "not a JWT",
    TokenKind.MALFORMED: "damaged JWT",
    TokenKind.OVERSIZED: "oversized input",
    TokenKind.EMPTY: "empty input",
}
_SEVERITY_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
_STATUS_STYLE = {
    Status.PASS: "green",
    Status.FAIL: "bold red",
    Status.WARN: "yellow",
    Status.SKIP: "dim",
}


def _json_block(console: Console, title: str, value: Any) -> None:
    from rich.json import JSON  # light: rich.syntax would pull in pygments

    console.print(f"[bold]{title}[/bold]")
    console.print(JSON(json.dumps(value, ensure_ascii=False, default=str), indent=2))


def render_findings(console: Console, findings: tuple[Finding, ...] | list[Finding]) -> None:
    if not findings:
        return
    console.print("[bold]Findings[/bold]")
    for f in findings:
        lead = f"  {f.severity.value:7} "
        _hanging(
            console, lead, f"{f.code}  {f.message}", (2, 2 + len(f.severity.value)), f.severity
        )
        if f.hint:
            _hanging(console, " " * len(lead), f"hint: {f.hint}", (len(lead), len(lead) + 5), None)


def _hanging(
    console: Console, lead: str, body: str, span: tuple[int, int], severity: Severity | None
) -> None:
    """``lead`` + ``body`` wrapped to the console with wrapped lines under the body's start."""
    import textwrap

    from rich.text import Text

    width = max(console.width, len(lead) + 30)
    wrapped = textwrap.fill(
        body,
        width,
        initial_indent=lead,
        subsequent_indent=" " * len(lead),
        break_long_words=False,
        break_on_hyphens=False,
    )
    text = Text(wrapped)
    text.stylize(_SEVERITY_STYLE[severity] if severity is not None else "dim", *span)
    console.print(text, highlight=False, soft_wrap=True)


def render_times(console: Console, claims: dict[str, Any], now: float) -> None:
    rows: list[str] = []
    for name in ("iat", "nbf", "exp"):
        value = claims.get(name)
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            if name in claims:
                rows.append(f"  {name:4} {escape(repr(value))} [red](not a number)[/red]")
            continue
        if name == "exp":
            rel = expiry(value, now)
        elif name == "iat":
            rel = relative(value, now, future="issued in {} (future!)", past="issued {} ago")
        else:
            rel = relative(value, now, future="valid in {}", past="valid since {} ago")
        rows.append(f"  {name:4} {utc(value)}  {rel}")
    iat, exp = claims.get("iat"), claims.get("exp")
    if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (iat, exp)):
        rows.append(f"  {lifetime_note(float(iat), float(exp))}")  # type: ignore[arg-type]
    if rows:
        console.print("[bold]Times[/bold]")
        for row in rows:
            console.print(row, highlight=False)


def render_decode(console: Console, shape: Classification, now: float) -> None:
    console.print(f"[bold]Kind:[/bold] {_KIND_TEXT[shape.kind]}", highlight=False)
    if shape.token:
        console.print(f"[bold]Token:[/bold] {escape(redact_token(shape.token))}", highlight=False)
    decoded = shape.decoded
    if decoded is not None:
        _json_block(console, "Header", decoded.header)
        _json_block(console, "Payload", redact_claims(decoded.claims))
        render_times(console, decoded.claims or {}, now)
        console.print(
            f"[bold]Signature:[/bold] {decoded.signature_len} bytes "
            "[dim](not verified: use authcheck verify)[/dim]",
            highlight=False,
        )
    render_findings(console, shape.findings)


def render_http(console: Console, http: HttpInfo | None, source: str) -> None:
    if http is None:
        where = "" if source.startswith(("http://", "https://")) else "file "
        console.print(f"[bold]JWKS:[/bold] {where}{escape(source)}", highlight=False)
        return
    skew = "" if http.clock_skew is None else f", clock skew {http.clock_skew:+.1f} s"
    print_hanging(
        console,
        "[bold]JWKS:[/bold] ",
        f"{escape(http.url)} → HTTP {http.status}, "
        f"{escape(http.content_type or 'no type')}, "
        f"{http.latency_ms:.0f} ms",
    )
    print_hanging(
        console,
        " " * 6,
        escape(
            f"cache-control: {http.cache_control or '(none)'}"
            f"{', etag ' + http.etag if http.etag else ''}; Date: {http.date or '(none)'}{skew}"
        ),
    )


def render_keys(console: Console, key_set: KeySet) -> None:
    from rich.table import Table

    table = Table(title=None, show_edge=False, pad_edge=False)
    for column in ("kid", "kty", "crv/alg", "size", "use/key_ops", "status"):
        table.add_column(column)
    for k in key_set.keys:
        use = k.use or (",".join(k.key_ops) if k.key_ops is not None else "")
        status = "[green]ok[/green]" if k.usable else "[red]unusable[/red]"
        table.add_row(
            escape(str(k.kid)),
            escape(str(k.kty)),
            escape(f"{k.crv or '-'} / {k.alg or '-'}"),
            f"{k.size_bits} bits" if k.size_bits else "?",
            use,
            status,
        )
    console.print(table)


def render_verify(
    console: Console, result: VerifyResult, http: HttpInfo | None, source: str | None
) -> None:
    from rich.table import Table

    if source is not None:
        render_http(console, http, source)
    table = Table(show_edge=False, pad_edge=False)
    table.add_column("check")
    table.add_column("status")
    table.add_column("evidence", overflow="fold")
    for check in result.checks:
        style = _STATUS_STYLE[check.status]
        table.add_row(
            check.name.value, f"[{style}]{check.status.value}[/{style}]", escape(check.evidence)
        )
    console.print(table)
    render_findings(console, result.findings)
    if result.valid:
        console.print("[bold green]VALID[/bold green]: every check passed")
    elif result.jwks_error is not None:
        console.print("[bold red]JWKS UNUSABLE[/bold red]: the key set could not be used")
    else:
        failed = [c.name.value for c in result.checks if c.status is Status.FAIL]
        console.print(f"[bold red]INVALID[/bold red]: failed {', '.join(failed)}", highlight=False)


def render_jwks(
    console: Console,
    source: str,
    http: HttpInfo | None,
    key_set: KeySet,
    findings: tuple[Finding, ...],
) -> None:
    render_http(console, http, source)
    render_keys(console, key_set)
    render_findings(console, findings)
    errors = sum(f.severity is Severity.ERROR for f in findings)
    if errors:
        console.print(f"[bold red]{errors} error(s)[/bold red] in the key set")
    else:
        console.print("[bold green]OK[/bold green]: the key set is usable")
