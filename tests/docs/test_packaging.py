"""What pyproject.toml and requirements/dev.lock promise: a plain ``pip install authcheck`` runs
decode, verify and jwks without the server and browser extras, and the lock pins every
requirement (so `scripts/setup.sh` installs what the tests passed with).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tests.core.keys import ED_KEY, claims, mint

ROOT = Path(__file__).resolve().parents[2]
OPTIONAL = ("starlette", "uvicorn", "playwright", "fastapi", "sqlmodel", "pydantic_settings")

# Runs the console entry point in a fresh interpreter where the optional packages cannot be
# imported, as after `pip install authcheck` without extras.
_WITHOUT_EXTRAS = """
import sys
from importlib.abc import MetaPathFinder

class NotInstalled(MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in {blocked!r}:
            raise ModuleNotFoundError(f"No module named {{name!r}}", name=name)
        return None

sys.meta_path.insert(0, NotInstalled())
sys.argv = ["authcheck", *sys.argv[1:]]
from authcheck.cli.main import main
main()
"""


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    script = _WITHOUT_EXTRAS.format(blocked=set(OPTIONAL))
    return subprocess.run(
        [sys.executable, "-c", script, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def _name(requirement: str) -> str:
    return re.split(r"[\[<>=!~; ]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def test_lock_pins_every_requirement_of_pyproject() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = {_name(r) for r in project["dependencies"]} | {
        _name(r)
        for extra in project["optional-dependencies"].values()
        for r in extra
        if not r.startswith("authcheck")
    }
    lock = (ROOT / "requirements" / "dev.lock").read_text(encoding="utf-8")
    pinned = {m.lower().replace("_", "-") for m in re.findall(r"^([\w.-]+)==", lock, re.M)}
    assert wanted - pinned == set(), "run `make lock`: requirements/dev.lock lacks these"
    assert "--hash=sha256:" in lock


@pytest.mark.parametrize("command", ["decode", "verify", "jwks"])
def test_token_commands_run_without_the_server_and_browser_extras(
    command: str, tmp_path: Path
) -> None:
    token = mint(ED_KEY, claims(iss="http://localhost:3000", aud="http://localhost:3000"))
    jwks = tmp_path / "jwks.json"
    jwks.write_text(json.dumps({"keys": [ED_KEY.jwk]}), encoding="utf-8")
    args = {
        "decode": ["decode", token],
        "verify": [
            "verify",
            token,
            "--jwks",
            str(jwks),
            "--issuer",
            "http://localhost:3000",
            "--audience",
            "http://localhost:3000",
        ],
        "jwks": ["jwks", str(jwks)],
    }[command]
    done = _run(*args)
    assert done.returncode == 0, done.stderr + done.stdout


def test_a_command_needing_an_extra_says_which_in_one_line() -> None:
    listed = _run("--help")
    assert listed.returncode == 0 and "issuer" in listed.stdout
    done = _run("issuer", "serve", "--port", "0")
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0 and "Traceback" not in done.stderr
    assert "pip install 'authcheck[harness]'" in done.stderr
