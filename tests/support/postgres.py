"""A throw-away PostgreSQL server for tests: Debian's binaries, a temp dir, a free loopback port.

``running_postgres(base_dir)`` runs ``initdb`` and ``pg_ctl start`` (as an unprivileged user when
the tests run as root, since PostgreSQL refuses to run as root) and yields a ``postgresql://``
DSN for the ``postgres`` superuser (trust authentication, loopback only). Used by the reference
backend's tests and the frontend's. ``create_database(dsn, name)`` gives each test its own db.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

from authcheck.serve import LOOPBACK, free_port


class PostgresUnavailable(RuntimeError):
    pass


def postgres_bin_dir() -> Path:
    """The newest ``/usr/lib/postgresql/<v>/bin`` with ``initdb`` (override: ``PG_BIN_DIR``)."""
    if os.environ.get("PG_BIN_DIR"):
        return Path(os.environ["PG_BIN_DIR"])
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=_version)
    if not found:
        raise PostgresUnavailable(
            "PostgreSQL is not installed: apt-get install -y postgresql (or run scripts/setup.sh)"
        )
    return Path(found[-1]).parent


def _version(path: str) -> int:
    part = Path(path).parts[-3]
    return int(part) if part.isdigit() else 0


def _run_as() -> pwd.struct_passwd | None:
    """Who runs the server: ourselves, or (as root) the ``postgres`` user, else ``nobody``."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            return pwd.getpwnam(name)
    raise PostgresUnavailable("running as root and neither 'postgres' nor 'nobody' exists")


def _run(argv: list[str], user: pwd.struct_passwd | None, log: Path) -> None:
    with log.open("ab") as out:
        result = subprocess.run(  # noqa: S603 - argv is ours
            argv,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            user=user.pw_uid if user else None,
            group=user.pw_gid if user else None,
            extra_groups=[] if user else None,
            env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C.UTF-8"},
            timeout=120,
            check=False,
        )
    if result.returncode != 0:
        tail = log.read_text(errors="replace").strip().splitlines()[-3:]
        raise PostgresUnavailable(f"{Path(argv[0]).name} failed: {' | '.join(tail)}")


@contextlib.contextmanager
def running_postgres(base_dir: Path) -> Iterator[str]:
    """Start a fresh cluster under ``base_dir`` and yield its DSN; stop it afterwards.

    When running as root, the cluster lives in a private directory under the system temp dir
    owned by the unprivileged user (pytest's ``tmp_path`` is not reachable by that user); it is
    removed afterwards and only the server log is copied to ``base_dir``.
    """
    bin_dir = postgres_bin_dir()
    user = _run_as()
    base_dir.mkdir(parents=True, exist_ok=True)
    root = Path(tempfile.mkdtemp(prefix="authcheck-pg-")) if user else base_dir
    data, sockets, log = root / "data", root / "sockets", root / "postgres.log"
    sockets.mkdir(exist_ok=True)
    log.touch()
    if user:
        for path in (root, sockets, log):
            os.chown(path, user.pw_uid, user.pw_gid)
    port = free_port()
    pg_ctl = [str(bin_dir / "pg_ctl"), "-D", str(data)]
    try:
        _run(
            [str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust",
             "-E", "UTF8", "--no-sync"],
            user, log,
        )  # fmt: skip
        options = (
            f"-p {port} -k {sockets} -c listen_addresses={LOOPBACK} -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=100"
        )
        _run([*pg_ctl, "-l", str(log), "-o", options, "-w", "-t", "60", "start"], user, log)
        try:
            yield f"postgresql://postgres@{LOOPBACK}:{port}/postgres"
        finally:
            _run([*pg_ctl, "-m", "fast", "-w", "stop"], user, log)
    finally:
        if user:
            with contextlib.suppress(OSError):
                shutil.copy(log, base_dir / "postgres.log")
            shutil.rmtree(root, ignore_errors=True)


def create_database(dsn: str, name: str) -> str:
    """Create database ``name`` on the server of ``dsn``; return the DSN pointing at it."""
    import psycopg

    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return dsn.rsplit("/", 1)[0] + "/" + name
