"""Times for humans: NumericDate as UTC, durations as "12m 03s", relative to now."""

from __future__ import annotations

import datetime as dt

BETTER_AUTH_DEFAULT_LIFETIME = 15 * 60  # jwt.expirationTime default: "15m"


def utc(timestamp: float) -> str:
    """``1300819380`` → ``2011-03-22 18:43:00 UTC`` (out-of-range values are said so)."""
    try:
        moment = dt.datetime.fromtimestamp(timestamp, tz=dt.UTC)
    except (OverflowError, OSError, ValueError):
        return f"{timestamp!r} (out of range)"
    return moment.strftime("%Y-%m-%d %H:%M:%S UTC")


def duration(seconds: float) -> str:
    """``723`` → ``12m 03s``; ``90061`` → ``1d 1h 01m 01s``; ``5`` → ``5s``."""
    total = int(abs(seconds))
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days}d {hours}h {minutes:02d}m {secs:02d}s"
    if hours:
        return f"{hours}h {minutes:02d}m {secs:02d}s"
    if minutes:
        return f"{minutes}m {secs:02d}s"
    return f"{secs}s"


def relative(timestamp: float, now: float, *, future: str, past: str) -> str:
    """``relative(exp, now, future="expires in {}", past="expired {} ago")``."""
    delta = timestamp - now
    return (future if delta > 0 else past).format(duration(delta))


def expiry(exp: float, now: float) -> str:
    return relative(exp, now, future="expires in {}", past="expired {} ago")


def lifetime_note(iat: float, exp: float) -> str:
    life = exp - iat
    default = BETTER_AUTH_DEFAULT_LIFETIME
    if life < 0:
        return f"exp is {duration(-life)} before iat: the token was never valid"
    if life == 0:
        return "exp equals iat: the token was never valid"
    if life == default:
        return f"lifetime {duration(life)} (Better Auth's default)"
    cmp = "longer" if life > default else "shorter"
    return f"lifetime {duration(life)}, {cmp} than Better Auth's 15m default (jwt.expirationTime)"
