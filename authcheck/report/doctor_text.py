"""`authcheck doctor` for people: what was checked, what the backend said, the ranked diagnosis."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.markup import escape

from authcheck.core.findings import Severity
from authcheck.core.timefmt import expiry
from authcheck.report.wrap import print_hanging

if TYPE_CHECKING:
    from rich.console import Console

    from authcheck.doctor.model import DoctorReport

_MARK = {True: "[green]✓[/]", False: "[bold red]✗[/]"}


def _status(status: int | None) -> str:
    if status is None:
        return "[red]no answer[/]"
    style = "green" if status < 300 else "yellow" if status < 500 else "bold red"
    return f"[{style}]{status}[/]"


def render_doctor(console: Console, report: DoctorReport, now: float) -> None:
    t = report.token
    console.print(f"[bold]Better Auth[/] {escape(report.better_auth_url)}")
    jwks_ok = bool(report.jwks_keys) and not any(
        f.severity is Severity.ERROR for f in report.jwks_findings
    )
    keys = ", ".join(report.jwks_keys) or "none"
    print_hanging(
        console, f"  {_MARK[jwks_ok]} ", f"JWKS {escape(report.jwks_url)}: {escape(keys)}"
    )
    for f in report.jwks_findings:
        if f.severity is not Severity.INFO:
            print_hanging(console, "      ", f"{f.severity.value} {f.code}: {escape(f.message)}")
    console.print(f"[bold]Token[/] from {escape(t.origin)}: {escape(t.redacted)}")
    console.print(f"  kind {t.kind}" + (f", alg {t.alg}, kid {t.kid}" if t.alg else ""))
    if t.kind in ("jws", "cookie_cache_jwt"):
        print_hanging(
            console, "  ", f"iss {escape(repr(t.iss))}  aud {escape(repr(t.aud))}  sub {t.sub}"
        )
    if t.exp is not None:
        console.print(f"  {expiry(t.exp, now)}")
    v = report.verification
    if v is not None:
        failed = [c for c in v.checks if c.status.value == "fail"]
        what = "verifies" if v.valid else "does not verify"
        print_hanging(
            console,
            f"  {_MARK[v.valid]} ",
            f"{what} under Better Auth's policy "
            f"(JWKS above, iss = aud = {escape(report.better_auth_url)})",
        )
        for check in failed:
            print_hanging(console, "      ", f"{check.name}: {escape(check.evidence)}")
    console.print(f"[bold]Backend[/] {escape(report.backend_url)}")
    previous = ""
    for c in report.calls:
        said = f" — {escape(c.says)}" if c.says else ""
        if c.says and c.says == previous:
            said = " — the same"
        previous = c.says
        print_hanging(
            console, "  ", f"{c.method} {escape(c.path)} → {_status(c.status)}{said}", indent=4
        )
    if report.accepted and not report.diagnoses:
        console.print("[bold green]The backend accepts the token: nothing to fix.[/]")
        return
    if report.accepted:
        console.print("[bold green]The backend accepts the token.[/] Still worth a look:")
    else:
        console.print("[bold red]Why the backend refuses it[/] (most likely first):")
    for d in report.diagnoses:
        print_hanging(
            console, f"[bold]{d.rank}.[/] ", f"[bold]{escape(d.title)}[/]  [dim]({d.code})[/]"
        )
        if d.evidence and not any(d.evidence in c.says for c in report.calls):
            print_hanging(console, "   [dim]evidence:[/] ", escape(d.evidence), indent=3)
        for side in (d.frontend, d.backend):
            if side:
                print_hanging(console, "   → ", escape(side))
