"""Every key algorithm Better Auth offers, through the plugin in process (`auth.handler`, no
server): the default token, a hand-signed one (custom header) and a foreign forgery, checked
with jose against the app's own JWKS."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.node

FRONTEND = Path(__file__).resolve().parents[2] / "reference_frontend"
ALGORITHMS = {"EdDSA": "Ed25519", "ES256": "P-256", "ES512": "P-521", "RS256": "", "PS256": ""}

SCRIPT = """
import { betterAuth } from "better-auth";
import { memoryAdapter } from "better-auth/adapters/memory";
import { jwt } from "better-auth/plugins";
import { authcheckControl } from "@authcheck/better-auth";
import { createLocalJWKSet, jwtVerify } from "jose";
const results = {};
for (const [alg, crv] of Object.entries(ALGORITHMS)) {
  const base = "http://127.0.0.1:9";
  const auth = betterAuth({
    baseURL: base, secret: "authcheck-test-secret-of-forty-two-chars!!",
    database: memoryAdapter({ user: [], session: [], account: [], verification: [], jwks: [] }),
    plugins: [jwt({ jwks: { keyPairConfig: crv ? { alg, crv } : { alg } } }),
              authcheckControl({ enabled: true })],
    telemetry: { enabled: false },
  });
  const headers = { "x-forwarded-for": "127.0.0.1", "content-type": "application/json" };
  const mint = async (body) => (await (await auth.handler(new Request(
    `${base}/api/auth/__authcheck/mint`, { method: "POST", headers, body: JSON.stringify(body) },
  ))).json()).token;
  const served = await (await auth.handler(new Request(`${base}/api/auth/jwks`))).json();
  const keys = createLocalJWKSet(served);
  const verdict = async (token) => {
    try {
      const verified = await jwtVerify(token, keys, { issuer: base, audience: base });
      return verified.protectedHeader.alg;
    } catch (e) { return e.code; }
  };
  results[alg] = [
    await verdict(await mint({ claims: { sub: "u" } })),
    await verdict(await mint({ claims: { sub: "u" }, header: { typ: "JWT" } })),
    await verdict(await mint({ claims: { sub: "u" }, signer: "foreign" })),
  ];
}
console.log(JSON.stringify(results));
"""


def test_every_algorithm_mints_real_hand_signed_and_foreign_tokens() -> None:
    script = f"const ALGORITHMS = {json.dumps(ALGORITHMS)};\n{SCRIPT}"
    done = subprocess.run(
        ["node", "--input-type=module", "-e", script],
        cwd=FRONTEND,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    results = json.loads(done.stdout.splitlines()[-1])
    for alg in ALGORITHMS:
        assert results[alg] == [alg, alg, "ERR_JWKS_NO_MATCHING_KEY"], (alg, results[alg])
