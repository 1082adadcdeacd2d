"""Exit statuses and the one exception root every operational failure derives from.

Results (a token is invalid, a scenario failed) are values. Exceptions are for things that stop
the work: bad input, an unreachable server. The CLI maps them to an exit status in one place.
"""

from __future__ import annotations

from enum import IntEnum


class ExitStatus(IntEnum):
    OK = 0
    FINDINGS = 1  # the token is invalid, a scenario failed, the input is not a JWT
    BAD_INPUT = 2  # usage error, unreadable file, malformed option
    UNREACHABLE = 3  # JWKS, target, issuer or frontend could not be reached or used
    INTERRUPTED = 130  # Ctrl-C: 128 + SIGINT, as shells report it
    TERMINATED = 143  # SIGTERM (timeout, kill, CI): 128 + SIGTERM


class AuthcheckError(Exception):
    """Root of authcheck's operational failures. ``hint`` says what to do about it."""

    exit_status: ExitStatus = ExitStatus.BAD_INPUT

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class BadInputError(AuthcheckError):
    exit_status = ExitStatus.BAD_INPUT


class UnreachableError(AuthcheckError):
    """A server we need (JWKS, target backend, issuer, frontend) could not be reached or used."""

    exit_status = ExitStatus.UNREACHABLE
