// The authcheck control API (docs/control-api.md) backed by Better Auth's own keys:
// minting through auth.api.signJWT (node:crypto only for what signJWT cannot express: custom
// headers, omitted or mistyped claims, raw payloads, and the attack signers), real rotation by
// expiring the current jwks row, a JWKS outage switch and fetch counters.
import crypto from "node:crypto";
import { resolveSigningKey } from "better-auth/plugins/jwt";

export const CONTROL_PREFIX = "/__authcheck/";
const FOREIGN_JWKS = "/__authcheck/foreign/jwks";
const MINT_FIELDS = new Set(["claims", "omit", "header", "signer", "key_format", "embed", "raw_payload"]);
const SIGNERS = new Set(["issuer", "foreign", "none", "hs256-public"]);
const KEY_FORMATS = new Set(["pem", "raw", "jwk"]);
const EMBEDS = new Set(["jwk", "jku"]);
const MAX_BODY = 1 << 20;

class BadRequest extends Error {}

/** 127.0.0.0/8 and ::1, plain or IPv4-mapped. */
export function isLoopback(address) {
  if (!address) return false;
  const v4 = address.startsWith("::ffff:") ? address.slice(7) : address;
  return address === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4);
}

const b64url = (data) => Buffer.from(data).toString("base64url");
const randomKid = () => crypto.randomBytes(24).toString("base64url");

function keyPairFor(alg) {
  if (alg === "EdDSA") return crypto.generateKeyPairSync("ed25519");
  if (alg === "ES256") return crypto.generateKeyPairSync("ec", { namedCurve: "P-256" });
  return crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
}

/** The signature bytes `alg` gives over `input` with `privateKey` (JWS encodings). */
export function signBytes(alg, privateKey, input) {
  const data = Buffer.from(input);
  if (alg === "EdDSA") return crypto.sign(null, data, privateKey);
  if (alg === "ES256") return crypto.sign("sha256", data, { key: privateKey, dsaEncoding: "ieee-p1363" });
  if (alg === "RS256") return crypto.sign("sha256", data, privateKey);
  if (alg === "PS256") {
    const padding = crypto.constants.RSA_PKCS1_PSS_PADDING;
    return crypto.sign("sha256", data, { key: privateKey, padding, saltLength: 32 });
  }
  throw new Error(`cannot sign with ${alg}`);
}

/** The public key as bytes in `format`, the HMAC secret of an hs256-public forgery. */
function publicKeyBytes(publicKey, servedJwk, format) {
  if (format === "pem") return Buffer.from(publicKey.export({ type: "spki", format: "pem" }));
  if (format === "jwk") return Buffer.from(JSON.stringify(servedJwk));
  const jwk = publicKey.export({ format: "jwk" });
  if (jwk.kty === "OKP") return Buffer.from(jwk.x, "base64url");
  if (jwk.kty === "EC") {
    return Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x, "base64url"), Buffer.from(jwk.y, "base64url")]);
  }
  return publicKey.export({ type: "pkcs1", format: "der" });
}

function checkMint(body) {
  if (body === null || typeof body !== "object" || Array.isArray(body)) throw new BadRequest("body must be a JSON object");
  for (const name of Object.keys(body)) if (!MINT_FIELDS.has(name)) throw new BadRequest(`unknown field ${name}`);
  const isObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);
  const req = {
    claims: body.claims ?? {},
    omit: body.omit ?? [],
    header: body.header ?? {},
    signer: body.signer ?? "issuer",
    keyFormat: body.key_format ?? "pem",
    embed: body.embed ?? null,
    rawPayload: body.raw_payload ?? null,
  };
  if (!isObject(req.claims)) throw new BadRequest("claims must be an object");
  if (!Array.isArray(req.omit) || !req.omit.every((n) => typeof n === "string")) throw new BadRequest("omit must be a list of claim names");
  if (!isObject(req.header)) throw new BadRequest("header must be an object");
  if (!SIGNERS.has(req.signer)) throw new BadRequest(`signer must be one of ${[...SIGNERS].join(", ")}`);
  if (!KEY_FORMATS.has(req.keyFormat)) throw new BadRequest(`key_format must be one of ${[...KEY_FORMATS].join(", ")}`);
  if (req.embed !== null && !EMBEDS.has(req.embed)) throw new BadRequest("embed must be null, jwk or jku");
  if (req.rawPayload !== null && typeof req.rawPayload !== "string") throw new BadRequest("raw_payload must be a string");
  return req;
}

/** Can auth.api.signJWT produce exactly this token? (It fills in iss/aud/exp and sets the header.) */
function signJwtCanDo(req, claims, header, key) {
  if (req.signer !== "issuer" || req.embed !== null || req.rawPayload !== null) return false;
  if (Object.keys(header).some((n) => !(n === "alg" || n === "kid")) || header.alg !== key.alg || header.kid !== key.kid) return false;
  const num = (v) => Number.isSafeInteger(v) && v > 0;
  const str = (v) => typeof v === "string" && v !== "";
  const aud = claims.aud;
  return (
    num(claims.exp) && str(claims.iss) && (str(aud) || (Array.isArray(aud) && aud.every(str))) &&
    (!("iat" in claims) || num(claims.iat)) && (!("nbf" in claims) || num(claims.nbf)) &&
    (!("sub" in claims) || str(claims.sub)) && (!("jti" in claims) || str(claims.jti))
  );
}

export function createControl({ auth, jwtOptions, settings }) {
  const state = { outage: false, jwksFetches: 0, foreignFetches: 0 };
  const jwksPath = settings.basePath + settings.jwksPath;
  const foreignPair = keyPairFor(settings.alg);
  const foreignKid = randomKid();
  const foreignJwk = (() => {
    const { kty, ...rest } = foreignPair.publicKey.export({ format: "jwk" });
    return { alg: settings.alg, kty, ...rest, kid: foreignKid };
  })();

  async function currentKey() {
    const ctx = { context: await auth.$context };
    const { alg, kid, privateKey } = await resolveSigningKey(ctx, jwtOptions);
    const keyObject = crypto.KeyObject.from(privateKey);
    return { alg, kid, privateKey: keyObject, publicKey: crypto.createPublicKey(keyObject) };
  }
  async function servedKeys() {
    return (await auth.api.getJwks()).keys;
  }

  async function info() {
    const key = await currentKey();
    const origin = settings.baseURL.replace(/\/+$/, "");
    return {
      kind: "better-auth",
      issuer: settings.issuer,
      audience: settings.audience,
      jwks_url: origin + jwksPath,
      alg: key.alg,
      kid: key.kid,
      kids: (await servedKeys()).map((k) => k.kid),
      foreign_jwks_url: origin + FOREIGN_JWKS,
      token_lifetime: settings.lifetime,
    };
  }

  async function mint(body) {
    const req = checkMint(body);
    const key = await currentKey();
    const now = Math.floor(Date.now() / 1000);
    const claims = { iat: now, exp: now + settings.lifetime, iss: settings.issuer, aud: settings.audience, ...req.claims };
    for (const name of req.omit) delete claims[name];
    const foreign = req.signer === "foreign" || req.embed !== null;
    // Same defaults as the Python issuer (authcheck/issuer/forge.py): `none` carries no kid.
    let header = { alg: key.alg, kid: key.kid };
    if (foreign) header = { alg: settings.alg, kid: foreignKid };
    else if (req.signer === "none") header = { alg: "none" };
    else if (req.signer === "hs256-public") header = { alg: "HS256", kid: key.kid };
    if (req.embed === "jwk") header.jwk = foreignJwk;
    if (req.embed === "jku") header.jku = settings.baseURL.replace(/\/+$/, "") + FOREIGN_JWKS;
    Object.assign(header, req.header);

    if (signJwtCanDo(req, claims, header, key)) {
      const { token } = await auth.api.signJWT({ body: { payload: claims } });
      const payload = JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString());
      return { token, kid: key.kid, claims: payload };
    }
    const payloadText = req.rawPayload ?? JSON.stringify(claims);
    const input = `${b64url(JSON.stringify(header))}.${b64url(payloadText)}`;
    let signature;
    if (req.signer === "none" && !foreign) signature = Buffer.alloc(0);
    else if (req.signer === "hs256-public" && !foreign) {
      const served = (await servedKeys()).find((k) => k.kid === key.kid);
      const secret = publicKeyBytes(key.publicKey, served, req.keyFormat);
      signature = crypto.createHmac("sha256", secret).update(input).digest();
    } else if (foreign) signature = signBytes(settings.alg, foreignPair.privateKey, input);
    else signature = signBytes(key.alg, key.privateKey, input);
    const kid = typeof header.kid === "string" ? header.kid : null;
    return { token: `${input}.${b64url(signature)}`, kid, claims };
  }

  async function rotate() {
    const ctx = await auth.$context;
    const { kid } = await currentKey();
    await ctx.adapter.update({
      model: "jwks",
      where: [{ field: "id", value: kid }],
      update: { expiresAt: new Date(Date.now() - 1000) },
    });
    const next = await currentKey(); // Better Auth mints the new key on the next signing
    return { kid: next.kid, kids: (await servedKeys()).map((k) => k.kid) };
  }

  const routes = {
    "GET info": () => info(),
    "POST mint": (body) => mint(body),
    "POST rotate": () => rotate(),
    "POST outage": (body) => {
      if (body === null || typeof body !== "object" || typeof body.on !== "boolean") throw new BadRequest('body must be {"on": true|false}');
      for (const name of Object.keys(body)) if (name !== "on") throw new BadRequest(`unknown field ${name}`);
      state.outage = body.on;
      return { outage: state.outage };
    },
    "GET counters": () => ({ jwks_fetches: state.jwksFetches, foreign_jwks_fetches: state.foreignFetches }),
    "POST counters/reset": () => {
      state.jwksFetches = 0;
      state.foreignFetches = 0;
      return { jwks_fetches: 0, foreign_jwks_fetches: 0 };
    },
    "GET foreign/jwks": () => {
      state.foreignFetches += 1;
      return { keys: [foreignJwk] };
    },
  };

  /** Called for every request to the JWKS path first: counts it, answers 503 during an outage. */
  function beforeJwks(res) {
    state.jwksFetches += 1;
    if (!state.outage) return false;
    send(res, 503, { error: "JWKS outage (authcheck control API)" });
    return true;
  }

  async function handle(req, res, pathname) {
    if (!isLoopback(req.socket.remoteAddress)) return send(res, 403, { error: "loopback only" });
    const route = routes[`${req.method} ${pathname.slice(CONTROL_PREFIX.length)}`];
    if (!route) return send(res, 404, { error: `no such control endpoint: ${req.method} ${pathname}` });
    try {
      const body = req.method === "POST" ? await readJson(req) : null;
      return send(res, 200, await route(body));
    } catch (error) {
      if (error instanceof BadRequest) return send(res, 400, { error: error.message });
      console.error(`control API ${pathname}: ${error?.message ?? error}`);
      return send(res, 500, { error: String(error?.message ?? error) });
    }
  }

  return { handle, beforeJwks, jwksPath, state };
}

async function readJson(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > MAX_BODY) throw new BadRequest("body too large");
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString("utf8").trim();
  if (text === "") return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new BadRequest("body is not valid JSON");
  }
}

export function send(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}
