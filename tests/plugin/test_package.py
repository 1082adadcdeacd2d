"""The plugin is a package npm can pack and install, and the apps here run the current source."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.plugin.nextapp import APP, PLUGIN, installed_copy_is_current

pytestmark = pytest.mark.node


def test_npm_pack_ships_the_plugin_its_types_and_readme() -> None:
    done = subprocess.run(
        ["npm", "pack", "--dry-run", "--json"],
        cwd=PLUGIN,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    packed = json.loads(done.stdout)[0]
    assert packed["name"] == "@authcheck/better-auth"
    files = {f["path"] for f in packed["files"]}
    assert {"package.json", "README.md", "index.d.ts", "src/index.mjs"} <= files
    assert {"src/forge.mjs", "src/guard.mjs"} <= files


@pytest.mark.parametrize("app", [Path(__file__).resolve().parents[2] / "reference_frontend", APP])
def test_apps_run_the_current_plugin_source(app: Path) -> None:
    assert installed_copy_is_current(app), f"stale plugin copy in {app}: run scripts/setup.sh"
