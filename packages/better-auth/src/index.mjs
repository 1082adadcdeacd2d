// authcheckControl(): the authcheck control API (docs/control-api.md in the authcheck repository)
// as a Better Auth server plugin. It mints with the jwt() plugin's own keys (signJWT where it can,
// the same private key by hand for the attack tokens), rotates and stages keys through the jwks
// table (a staged key is published but older than the current one, so Better Auth never picks
// it to sign), switches
// the app's real JWKS endpoint to 503 and counts JWKS fetches and other auth requests.
// A development and CI tool: off unless enabled, refuses NODE_ENV=production unless forced,
// loopback clients only, never logs a token.
import crypto from "node:crypto";
import { createAuthEndpoint } from "better-auth/api";
import { createJwk, resolveSigningKey, signJWT } from "better-auth/plugins/jwt";
import {
  BadRequest, KEY_PAIR_CONFIGS, checkMint, checkOutage, checkRotate, defaultHeader, forgeToken, foreignKeyPair, signJwtCanDo,
} from "./forge.mjs";
import { refusal } from "./guard.mjs";

export { isLoopback, trustSocketAddress } from "./guard.mjs";

export const PLUGIN_ID = "authcheck-control";
export const PREFIX = "/__authcheck";
const NAME = "@authcheck/better-auth";

/** Should the plugin be on? Throws when it is asked to run in production without the loud option. */
export function resolveEnabled(options = {}, env = process.env) {
  const enabled = options.enabled ?? env.AUTHCHECK_CONTROL === "1";
  if (!enabled) return false;
  if (env.NODE_ENV === "production") {
    if (options.dangerouslyAllowInProduction !== true) {
      throw new Error(
        `${NAME}: refusing to enable the authcheck control API with NODE_ENV=production: it mints tokens ` +
          "with your real keys and can take your JWKS down. It is a development and CI tool; to run it " +
          "anyway (a loopback-only CI box), pass authcheckControl({ dangerouslyAllowInProduction: true }).",
      );
    }
    console.warn(`${NAME}: WARNING: the authcheck control API is ON with NODE_ENV=production (dangerouslyAllowInProduction). Never expose this server.`);
  }
  return true;
}

const json = (status, body) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", "cache-control": "no-store" },
  });

/**
 * A control POST's body as the router wants it: an empty body is `{}` (frameworks differ in
 * whether one is there at all), any body is JSON, and text that is not JSON gets the control
 * API's 400 rather than the router's own error shape.
 */
async function normalisedBody(request) {
  if (request.method !== "POST") return undefined;
  const text = (await request.clone().text()).trim() || "{}";
  try {
    JSON.parse(text);
  } catch {
    return { response: json(400, { error: "body is not valid JSON" }) };
  }
  const headers = new Headers(request.headers);
  headers.set("content-type", "application/json");
  headers.delete("content-length");
  return { request: new Request(request.url, { method: "POST", headers, body: text }) };
}

function basePathOf(context) {
  const configured = context.options.basePath ?? "/api/auth";
  return configured === "/" ? "" : configured.replace(/\/+$/, "");
}

function jwtPluginOf(context) {
  const plugin = (context.options.plugins ?? []).find((p) => p.id === "jwt");
  if (!plugin) throw new Error(`${NAME}: add the jwt() plugin before authcheckControl(): the control API signs with its keys`);
  return plugin;
}

/** The authcheck control API as a Better Auth plugin: `plugins: [jwt(), authcheckControl()]`. */
export function authcheckControl(options = {}) {
  if (!resolveEnabled(options)) return { id: PLUGIN_ID };
  const state = { outage: false, jwksFetches: 0, foreignFetches: 0, otherRequests: 0, staged: [] };
  const foreignByAlg = new Map();
  const foreignFor = (alg) => {
    if (!foreignByAlg.has(alg)) foreignByAlg.set(alg, foreignKeyPair(alg));
    return foreignByAlg.get(alg);
  };
  const counters = () => ({
    jwks_fetches: state.jwksFetches,
    foreign_jwks_fetches: state.foreignFetches,
    other_requests: state.otherRequests,
  });

  const jwtOptionsOf = (ctx) => jwtPluginOf(ctx.context).options ?? {};
  const jwksPathOf = (context) => jwtPluginOf(context).options?.jwks?.jwksPath ?? "/jwks";

  /** The key Better Auth's own signing picks (no overrides: what /token and signJWT use). */
  async function currentKey(ctx) {
    return keyOf(await resolveSigningKey(ctx, jwtOptionsOf(ctx)));
  }

  function keyOf(resolved) {
    if (!resolved) throw new Error("jwt.sign delegates signing elsewhere: the control API needs the jwt plugin's own keys");
    const privateKey = crypto.KeyObject.from(resolved.privateKey);
    return { alg: resolved.alg, kid: resolved.kid, privateKey, publicKey: crypto.createPublicKey(privateKey), resolved };
  }

  /** The key a mint signs with: the current one, or a staged one named by kid. */
  async function signingKey(ctx, kid) {
    const current = await currentKey(ctx);
    if (kid === null || kid === current.kid) return current;
    if (!state.staged.includes(kid)) throw new BadRequest(`kid: ${JSON.stringify(kid)} is neither the current key nor a staged one`);
    return keyOf(await resolveSigningKey(ctx, jwtOptionsOf(ctx), { signingKeyId: kid }));
  }

  const primaryAlgOf = (ctx) => jwtOptionsOf(ctx).jwks?.keyPairConfig?.alg ?? "EdDSA";
  const byId = (id) => [{ field: "id", value: id }];
  const update = (ctx, id, fields) => ctx.context.adapter.update({ model: "jwks", where: byId(id), update: fields });

  /** A new row in the jwks table, made by Better Auth's own createJwk for `alg`. */
  async function createKey(ctx, alg) {
    const options = jwtOptionsOf(ctx);
    const keyPairConfig = KEY_PAIR_CONFIGS[alg];
    return createJwk(ctx, { ...options, jwks: { ...options.jwks, keyPairConfig } });
  }

  /** Fail loudly if Better Auth would now sign with another key than `kid`. */
  async function expectSigning(ctx, kid, what) {
    const now = await currentKey(ctx);
    if (now.kid !== kid) throw new Error(`${what}: Better Auth now signs with ${now.kid}, not ${kid}`);
    return now;
  }

  /**
   * Publish a key without signing with it: Better Auth signs with the newest live key of its
   * configured alg (else the newest live key), so the staged row is dated just before the
   * current one.
   */
  async function stage(ctx, alg) {
    const current = await currentKey(ctx);
    const primary = primaryAlgOf(ctx);
    if (alg === primary && current.alg !== primary) {
      throw new BadRequest(`alg: Better Auth would sign with a staged ${alg} key while the current key is ${current.alg}: rotate back to ${alg} first`);
    }
    const row = await ctx.context.adapter.findOne({ model: "jwks", where: byId(current.kid) });
    const created = await createKey(ctx, alg);
    await update(ctx, created.id, { createdAt: new Date(new Date(row.createdAt).getTime() - 1000) });
    state.staged.push(created.id);
    await expectSigning(ctx, current.kid, "staging");
    return { kid: created.id, alg, staged: true, kids: (await servedKeys(ctx)).map((k) => k.kid) };
  }

  async function dropStaged(ctx, kids) {
    for (const kid of kids) await ctx.context.adapter.delete({ model: "jwks", where: byId(kid) });
    state.staged = state.staged.filter((kid) => !kids.includes(kid));
  }

  /** The key set the app's JWKS endpoint serves, asked from that endpoint itself. */
  async function servedKeys(ctx) {
    const { getJwks } = jwtPluginOf(ctx.context).endpoints;
    const result = await getJwks({ ...ctx, method: "GET", body: undefined, query: undefined, asResponse: false, returnHeaders: false });
    return (result?.response ?? result).keys;
  }

  /**
   * iss, aud and lifetime as Better Auth's signJWT fills them in: sign a probe once and read it
   * (they come from the configuration, which does not change while the app runs).
   */
  let known = null;
  async function defaults(ctx, key) {
    if (known) return known;
    const iat = Math.floor(Date.now() / 1000);
    const probe = await signJWT(ctx, { options: jwtOptionsOf(ctx), payload: { iat }, resolvedKey: key.resolved });
    const claims = JSON.parse(Buffer.from(probe.split(".")[1], "base64url").toString());
    if (claims.iss && claims.aud) known = { issuer: claims.iss, audience: claims.aud, lifetime: claims.exp - iat };
    return known ?? { issuer: claims.iss, audience: claims.aud, lifetime: claims.exp - iat };
  }

  async function info(ctx) {
    const key = await currentKey(ctx);
    const facts = await defaults(ctx, key);
    const base = ctx.context.baseURL.replace(/\/+$/, "");
    return {
      kind: "better-auth",
      issuer: facts.issuer,
      audience: facts.audience,
      jwks_url: base + jwksPathOf(ctx.context),
      alg: key.alg,
      kid: key.kid,
      kids: (await servedKeys(ctx)).map((k) => k.kid),
      staged: [...state.staged],
      foreign_jwks_url: `${base}${PREFIX}/foreign/jwks`,
      token_lifetime: facts.lifetime,
      plugin: PLUGIN_ID,
    };
  }

  async function mint(ctx, body) {
    const req = checkMint(body);
    const key = await signingKey(ctx, req.kid);
    const facts = await defaults(ctx, await currentKey(ctx));
    const now = Math.floor(Date.now() / 1000);
    const claims = { iat: now, exp: now + facts.lifetime, iss: facts.issuer, aud: facts.audience, ...req.claims };
    for (const name of req.omit) delete claims[name];
    const foreign = foreignFor(key.alg);
    const header = defaultHeader(req, key, foreign);
    if (req.embed === "jwk") header.jwk = foreign.jwk;
    if (req.embed === "jku") header.jku = `${ctx.context.baseURL.replace(/\/+$/, "")}${PREFIX}/foreign/jwks`;
    Object.assign(header, req.header);

    if (signJwtCanDo(req, claims, header, key)) {
      const token = await signJWT(ctx, { options: jwtOptionsOf(ctx), payload: claims, resolvedKey: key.resolved });
      const payload = JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString());
      return { token, kid: key.kid, claims: payload };
    }
    const servedJwk = req.signer === "hs256-public" ? (await servedKeys(ctx)).find((k) => k.kid === key.kid) : null;
    const token = forgeToken(req, header, req.rawPayload ?? JSON.stringify(claims), { key, foreign, servedJwk });
    return { token, kid: typeof header.kid === "string" ? header.kid : null, claims };
  }

  /**
   * A new current key: the staged one (of `alg`, else the newest) when keys are staged, the
   * others dropped; else a new row of `alg` (default: the current key's). The old key expires
   * and stays in the JWKS for Better Auth's grace period.
   */
  async function rotate(ctx, body) {
    const req = checkRotate(body);
    const current = await currentKey(ctx);
    const alg = req.alg ?? current.alg;
    if (req.stage) return stage(ctx, alg);
    let kid;
    if (state.staged.length > 0) {
      const fits = [];
      for (const staged of state.staged) {
        if (req.alg === null || (await signingKey(ctx, staged)).alg === req.alg) fits.push(staged);
      }
      if (fits.length === 0) throw new BadRequest(`alg: no ${req.alg} key is staged: POST /unstage first`);
      kid = fits[fits.length - 1];
      await dropStaged(ctx, state.staged.filter((k) => k !== kid));
      state.staged = [];
      await update(ctx, kid, { createdAt: new Date() });
    } else {
      kid = (await createKey(ctx, alg)).id;
    }
    await update(ctx, current.kid, { expiresAt: new Date(Date.now() - 1000) });
    const next = await expectSigning(ctx, kid, "rotation");
    return { kid: next.kid, alg: next.alg, staged: false, kids: (await servedKeys(ctx)).map((k) => k.kid) };
  }

  async function unstage(ctx) {
    const dropped = [...state.staged];
    await dropStaged(ctx, dropped);
    return { dropped, kids: (await servedKeys(ctx)).map((k) => k.kid) };
  }

  /** One control endpoint: JSON in, JSON out, 400 with the reason for a bad request. */
  const endpoint = (path, method, handler) =>
    createAuthEndpoint(`${PREFIX}${path}`, { method, metadata: { isAction: false } }, async (ctx) => {
      try {
        return json(200, await handler(ctx, ctx.body ?? {}));
      } catch (error) {
        if (error instanceof BadRequest) return json(400, { error: error.message });
        console.error(`${NAME}: ${method} ${PREFIX}${path}: ${error?.message ?? error}`);
        return json(500, { error: String(error?.message ?? error) });
      }
    });

  return {
    id: PLUGIN_ID,
    init(context) {
      jwtPluginOf(context); // fail at start-up, not on the first call
    },
    endpoints: {
      authcheckInfo: endpoint("/info", "GET", (ctx) => info(ctx)),
      authcheckMint: endpoint("/mint", "POST", (ctx, body) => mint(ctx, body)),
      authcheckRotate: endpoint("/rotate", "POST", (ctx, body) => rotate(ctx, body)),
      authcheckUnstage: endpoint("/unstage", "POST", (ctx) => unstage(ctx)),
      authcheckOutage: endpoint("/outage", "POST", (_ctx, body) => {
        state.outage = checkOutage(body);
        return { outage: state.outage };
      }),
      authcheckCounters: endpoint("/counters", "GET", () => counters()),
      authcheckCountersReset: endpoint("/counters/reset", "POST", () => {
        Object.assign(state, { jwksFetches: 0, foreignFetches: 0, otherRequests: 0 });
        return counters();
      }),
      authcheckForeignJwks: endpoint("/foreign/jwks", "GET", async (ctx) => {
        state.foreignFetches += 1;
        return { keys: [foreignFor((await currentKey(ctx)).alg).jwk] };
      }),
    },
    /** Every request to the auth handler: guard the control API, count and switch the JWKS. */
    async onRequest(request, context) {
      const path = new URL(request.url).pathname;
      const base = basePathOf(context);
      if (path.startsWith(`${base}${PREFIX}/`)) {
        const extra = context.options.advanced?.ipAddress?.ipAddressHeaders ?? [];
        const why = refusal(request.headers, extra);
        if (why) return { response: json(403, { error: why }) };
        return normalisedBody(request);
      }
      if (path === base + jwksPathOf(context)) {
        state.jwksFetches += 1;
        if (state.outage) return { response: json(503, { error: "JWKS outage (authcheck control API)" }) };
        return undefined;
      }
      state.otherRequests += 1;
      return undefined;
    },
    // The scenario engine calls mint hundreds of times a run: never rate-limit the control API.
    rateLimit: [{ window: 10, max: 1_000_000, pathMatcher: (path) => path.startsWith(`${PREFIX}/`) }],
    options,
  };
}
