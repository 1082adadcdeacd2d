"""`authcheck decode` wall time against the floor: `python -c` running PyJWT's unverified decode
(target ≤ 1.5×), and against Debian's `jwt` (golang-jwt) CLI when it is installed."""

from __future__ import annotations

import shutil
import statistics
import sys
from pathlib import Path

from bench.common import better_auth_token, summary, wall_times

RUNS = 15
ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    token, _, _ = better_auth_token()
    python = sys.executable
    authcheck = str(Path(python).parent / "authcheck")
    floor_code = "import sys, jwt; jwt.decode(sys.argv[1], options={'verify_signature': False})"
    rows = {
        "python -c PyJWT unverified decode (floor)": wall_times(
            [python, "-c", floor_code, token], RUNS
        ),
        "authcheck decode TOKEN": wall_times([authcheck, "decode", token], RUNS),
        "authcheck decode TOKEN --json": wall_times([authcheck, "decode", token, "--json"], RUNS),
        # The typer-free path main() can dispatch to (docs/core.md, "Fast decode").
        "decode fast path (python -m authcheck.cli.decode)": wall_times(
            [python, "-m", "authcheck.cli.decode", token], RUNS
        ),
        "decode fast path --json": wall_times(
            [python, "-m", "authcheck.cli.decode", token, "--json"], RUNS
        ),
    }
    golang = shutil.which("jwt")
    if golang:
        rows["jwt -show - (golang-jwt, Debian)"] = wall_times(
            [golang, "-show", "-"], RUNS, stdin=token.encode()
        )
    for name, samples in rows.items():
        print(f"{name:52} {summary(samples)}")
    floor = statistics.median(rows["python -c PyJWT unverified decode (floor)"])
    ours = statistics.median(rows["authcheck decode TOKEN"])
    fast = statistics.median(rows["decode fast path (python -m authcheck.cli.decode)"])
    print(f"ratio authcheck decode / PyJWT floor (median): {ours / floor:.2f}x (target <= 1.5x)")
    print(f"ratio decode fast path / PyJWT floor (median): {fast / floor:.2f}x (target <= 1.5x)")
    if golang:
        go = statistics.median(rows["jwt -show - (golang-jwt, Debian)"])
        print(f"ratio authcheck decode / golang-jwt (median):   {ours / go:.2f}x")
    else:
        print("golang-jwt CLI not installed (Debian package 'jwt'): comparison skipped")


if __name__ == "__main__":
    main()
