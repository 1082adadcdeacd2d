"""The plugin's safety rules, as plain functions run by Node: who counts as loopback, which
requests are refused, and when the plugin refuses to be enabled at all."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.plugin.nextapp import PLUGIN

pytestmark = pytest.mark.node

SCRIPT = """
import { isLoopback, refusal } from "./src/guard.mjs";
const loopback = ["127.0.0.1", "127.9.8.7", "::1", "::ffff:127.0.0.1", "[::1]", "10.0.0.1",
  "::ffff:192.168.1.2", "fe80::1", "", undefined, "localhost"].map(isLoopback);
const headers = (h) => new Headers(h);
const refusals = [
  {}, {"x-forwarded-for": "127.0.0.1"}, {"x-forwarded-for": "127.0.0.1:5123"},
  {"x-forwarded-for": "8.8.8.8"}, {"x-forwarded-for": "127.0.0.1, 8.8.8.8"},
  {"x-real-ip": "::1"}, {"x-forwarded-for": "127.0.0.1", "x-real-ip": "10.1.1.1"},
  {"forwarded": "for=127.0.0.1;proto=http"}, {"forwarded": 'for="[2001:db8::1]:80"'},
  {"cf-connecting-ip": "1.2.3.4", "x-forwarded-for": "127.0.0.1"},
].map((h) => refusal(headers(h), ["cf-connecting-ip"]));
const { resolveEnabled } = await import("./src/index.mjs");
const enabled = (options, env) => {
  try { return resolveEnabled(options, env); } catch (e) { return e.message; }
};
const on = { AUTHCHECK_CONTROL: "1" };
const prod = { NODE_ENV: "production" };
const modes = [
  enabled({}, {}), enabled({}, on), enabled({ enabled: false }, on),
  enabled({ enabled: true }, prod), enabled({}, { ...on, ...prod }),
  enabled({ enabled: true, dangerouslyAllowInProduction: true }, prod),
  enabled({}, prod),
];
console.log(JSON.stringify({ loopback, refusals, modes }));
"""


def run_node(directory: Path) -> dict[str, Any]:
    done = subprocess.run(
        ["node", "--input-type=module", "-e", SCRIPT],
        cwd=directory,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    result: dict[str, Any] = json.loads(done.stdout.splitlines()[-1])
    return result


@pytest.fixture(scope="module")
def outcome() -> dict[str, Any]:
    # index.mjs imports better-auth: run from the bundled frontend's installed copy of the plugin.
    copy = (
        Path(__file__).resolve().parents[2]
        / "reference_frontend/node_modules/@authcheck/better-auth"
    )
    return run_node(copy if copy.is_dir() else PLUGIN)


def test_only_loopback_addresses_are_loopback(outcome: dict[str, Any]) -> None:
    assert outcome["loopback"] == [True, True, True, True, True] + [False] * 6


def test_a_request_is_refused_unless_every_address_it_claims_is_loopback(
    outcome: dict[str, Any],
) -> None:
    nothing, *rest = outcome["refusals"]
    assert nothing.startswith("loopback only: cannot see the client address")
    assert rest == [
        None,
        None,
        "loopback only",
        "loopback only",
        None,
        "loopback only",
        None,
        "loopback only",
        "loopback only",
    ]


def test_off_unless_enabled_and_refused_in_production_unless_forced(
    outcome: dict[str, Any],
) -> None:
    off, on, off_by_option, prod, prod_env, forced, prod_off = outcome["modes"]
    assert (off, on, off_by_option, forced, prod_off) == (False, True, False, True, False)
    for refused in (prod, prod_env):
        assert "refusing to enable" in refused and "dangerouslyAllowInProduction" in refused
