// Better Auth configured from the environment: email and password, jwt(), bearer(), and with
// AUTHCHECK_CONTROL=1 the authcheck control API plugin (packages/better-auth).
// Memory adapter by default; PostgreSQL (via pg, with Better Auth's own migrations) when
// DATABASE_URL is set. Everything the Python side needs to know is in `settings`.
import { betterAuth } from "better-auth";
import { memoryAdapter } from "better-auth/adapters/memory";
import { bearer, jwt } from "better-auth/plugins";
import { authcheckControl } from "@authcheck/better-auth";

const CURVES = { EdDSA: { crv: "Ed25519" }, ES256: { crv: "P-256" }, RS256: {}, PS256: {} };
const UNITS = { s: 1, sec: 1, secs: 1, m: 60, min: 60, mins: 60, h: 3600, hr: 3600, d: 86400 };

/** "15m" → 900; a bare number is seconds. Throws on anything else. */
export function lifetimeSeconds(text) {
  const match = /^\s*(\d+)\s*([a-z]*)\s*$/.exec(String(text));
  if (!match || !(match[2] === "" || match[2] in UNITS)) {
    throw new Error(`JWT_EXPIRATION must look like 900, 90s, 15m, 2h or 1d, not ${JSON.stringify(text)}`);
  }
  return Number(match[1]) * (match[2] === "" ? 1 : UNITS[match[2]]);
}

/** Read and check the environment once; throw one clear Error on bad input. */
export function readSettings(env = process.env) {
  const host = env.HOST || "127.0.0.1";
  const port = Number(env.PORT || 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, not ${env.PORT}`);
  const secret = env.BETTER_AUTH_SECRET;
  if (!secret) throw new Error("BETTER_AUTH_SECRET is required (32+ random characters)");
  const alg = env.JWT_ALG || "EdDSA";
  if (!(alg in CURVES)) throw new Error(`JWT_ALG must be one of ${Object.keys(CURVES).join(", ")}, not ${alg}`);
  const baseURL = env.BETTER_AUTH_URL || `http://${host}:${port}`;
  const jwksPath = env.JWKS_PATH || "/jwks";
  if (!jwksPath.startsWith("/") || jwksPath.includes("..")) throw new Error(`JWKS_PATH must start with / (got ${jwksPath})`);
  const expiration = env.JWT_EXPIRATION || "15m";
  const control = env.AUTHCHECK_CONTROL === "1";
  // Better Auth rate-limits sign-up/sign-in in production (3 per 10 s per IP); a test harness
  // signs up many users from 127.0.0.1, so control mode turns it off unless RATE_LIMIT says.
  const rateLimit = env.RATE_LIMIT ? env.RATE_LIMIT !== "0" : !control;
  if (port === 0 && !env.BETTER_AUTH_URL) {
    // The JWT issuer and the trusted origin come from the base URL, which must be known up front.
    throw new Error("PORT=0 picks a port only once listening: set BETTER_AUTH_URL, or a fixed PORT");
  }
  return {
    host,
    port,
    secret,
    alg,
    baseURL,
    basePath: "/api/auth",
    issuer: env.JWT_ISSUER || baseURL,
    audience: env.JWT_AUDIENCE || baseURL,
    expiration,
    lifetime: lifetimeSeconds(expiration),
    jwksPath,
    backendURL: env.BACKEND_URL || "http://127.0.0.1:8000",
    databaseURL: env.DATABASE_URL || "",
    control,
    rateLimit,
    // Origins besides the base URL's that may POST to Better Auth (it checks Origin).
    trustedOrigins: (env.TRUSTED_ORIGINS || "").split(",").map((o) => o.trim()).filter(Boolean),
    // Test-only: the dashboard sends the session token instead of the JWT. Control mode only.
    dashboardBug: control && env.AUTHCHECK_DASHBOARD_BUG === "session-token" ? "session-token" : "",
  };
}

async function database(settings) {
  if (!settings.databaseURL) {
    // The memory adapter needs every table declared up front, the plugin's jwks included.
    return memoryAdapter({ user: [], session: [], account: [], verification: [], jwks: [] });
  }
  const { default: pg } = await import("pg");
  return new pg.Pool({ connectionString: settings.databaseURL });
}

/** Build the Better Auth instance; in PostgreSQL mode, run its migrations first. */
export async function createAuth(settings) {
  const jwtOptions = {
    jwks: { keyPairConfig: { alg: settings.alg, ...CURVES[settings.alg] }, jwksPath: settings.jwksPath },
    jwt: { issuer: settings.issuer, audience: settings.audience, expirationTime: settings.expiration },
  };
  const auth = betterAuth({
    baseURL: settings.baseURL,
    basePath: settings.basePath,
    secret: settings.secret,
    database: await database(settings),
    emailAndPassword: { enabled: true },
    plugins: [
      jwt(jwtOptions),
      bearer(),
      // This test frontend runs with NODE_ENV=production on purpose (Better Auth's production
      // behaviour is what is under test) and listens on loopback: the loud option is deliberate.
      authcheckControl({ enabled: settings.control, dangerouslyAllowInProduction: settings.control }),
    ],
    rateLimit: { enabled: settings.rateLimit },
    trustedOrigins: settings.trustedOrigins,
    telemetry: { enabled: false },
  });
  if (settings.databaseURL) {
    const { getMigrations } = await import("better-auth/db/migration");
    const { runMigrations } = await getMigrations(auth.options);
    await runMigrations();
  }
  return { auth, jwtOptions };
}
