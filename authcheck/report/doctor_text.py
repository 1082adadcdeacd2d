"""`authcheck doctor` for people: what was checked, what the backend said, the ranked diagnosis."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.markup import escape

from authcheck.core.findings import Severity
from authcheck.core.timefmt import expiry
from authcheck.doctor.model import Expect, Kind
from authcheck.report.wrap import print_hanging

if TYPE_CHECKING:
    from rich.console import Console

    from authcheck.doctor.model import DoctorReport

_MARK = {True: "[green]✓[/]", False: "[bold red]✗[/]"}
_KIND = {Kind.HOLE: "bold red", Kind.CAUSE: "red", Kind.NOTE: "dim"}


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
    console.print(f"[bold]Token[/] {escape(t.redacted)}, {escape(t.origin)}")
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
    for line in report.routes:
        print_hanging(console, "  ", escape(line), indent=4)
    b = report.baseline
    said = f" — {escape(b.says)}" if b.says else ""
    print_hanging(
        console,
        "  ",
        f"valid token: {b.method} {escape(b.path)} → {_status(b.status)}{said}",
        indent=4,
    )
    _experiments(console, report)
    if report.ok and not report.diagnoses:
        console.print("[bold green]The backend accepts the token and refuses the wrong ones.[/]")
        return
    if report.ok:
        console.print("[bold green]The backend accepts the token.[/] Notes:")
    elif report.accepted:
        console.print("[bold red]The backend accepts the token, but:[/]")
    else:
        console.print("[bold red]Why the backend refuses it[/] (most likely first):")
    for d in report.diagnoses:
        tag = "" if d.kind is Kind.CAUSE else f"[{_KIND[d.kind]}]{d.kind.value}[/] "
        print_hanging(
            console,
            f"[bold]{d.rank}.[/] ",
            f"{tag}[bold]{escape(d.title)}[/]  [dim]({d.code})[/]",
        )
        if d.evidence:
            print_hanging(console, "   [dim]evidence:[/] ", escape(d.evidence), indent=3)
        for side in (d.frontend, d.backend):
            if side:
                print_hanging(console, "   → ", escape(side))
    console.print(
        f"[dim]  {len(report.experiments)} experiments in {report.seconds:.1f} s (--json: each)[/]"
    )


def _experiments(console: Console, report: DoctorReport) -> None:
    """Per variable: how many variations the backend accepted; wrongly accepted ones in red."""
    groups: dict[str, list[bool]] = {}
    holes = []
    for o in report.experiments:
        groups.setdefault(o.variable, []).append(o.call.accepted)
        if o.expect is Expect.REFUSE and o.call.accepted:
            holes.append(o.change)
    if not groups:
        return
    tried = ", ".join(f"{name} {sum(marks)}/{len(marks)}" for name, marks in groups.items())
    print_hanging(console, "  experiments (accepted/tried): ", tried, indent=4)
    for change in holes:
        print_hanging(console, "    [bold red]accepted a wrong token:[/] ", escape(change))
