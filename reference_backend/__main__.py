"""``python -m reference_backend --host 127.0.0.1 --port 8000``"""

from __future__ import annotations

import argparse
import sys

import uvicorn
from sqlalchemy.exc import SQLAlchemyError

from reference_backend.core.config import ConfigError, load_settings
from reference_backend.core.db import init_db, make_engine
from reference_backend.main import create_app


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m reference_backend", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--log-level", default="info", choices=["debug", "info", "warning"])
    args = parser.parse_args(argv)
    try:
        settings = load_settings()
        engine = make_engine(settings.DATABASE_URL)
        init_db(engine)  # fail here, in one line, rather than in a traceback at start-up
        engine.dispose()
    except ConfigError as exc:
        sys.stderr.write(f"reference_backend: {exc}\n")
        return 2
    except (SQLAlchemyError, ImportError) as exc:
        reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        sys.stderr.write(f"reference_backend: DATABASE_URL: cannot use the database: {reason}\n")
        return 2
    uvicorn.run(create_app(settings), host=args.host, port=args.port, log_level=args.log_level)
    return 0


if __name__ == "__main__":
    sys.exit(main())
