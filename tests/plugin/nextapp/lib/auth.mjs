// Better Auth as a team would set it up in Next.js, with a custom basePath and jwks.jwksPath,
// plus the authcheck control plugin (on with AUTHCHECK_CONTROL=1, refused with NODE_ENV=production).
import { authcheckControl } from "@authcheck/better-auth";
import { betterAuth } from "better-auth";
import { memoryAdapter } from "better-auth/adapters/memory";
import { jwt } from "better-auth/plugins";

const CURVES = { EdDSA: { crv: "Ed25519" }, ES256: { crv: "P-256" }, ES512: { crv: "P-521" }, RS256: {}, PS256: {} };
const alg = process.env.JWT_ALG || "EdDSA";

export const auth = betterAuth({
  baseURL: process.env.BETTER_AUTH_URL,
  basePath: "/api/identity",
  secret: process.env.BETTER_AUTH_SECRET,
  database: memoryAdapter({ user: [], session: [], account: [], verification: [], jwks: [] }),
  emailAndPassword: { enabled: true },
  plugins: [jwt({ jwks: { jwksPath: "/keys", keyPairConfig: { alg, ...CURVES[alg] } } }), authcheckControl()],
  telemetry: { enabled: false },
});
