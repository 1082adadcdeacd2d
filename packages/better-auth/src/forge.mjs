// The mint request of docs/control-api.md: strict validation, and the signatures Better Auth's
// signJWT cannot make (custom headers, omitted or mistyped claims, raw payloads, attack signers).
import crypto from "node:crypto";

const MINT_FIELDS = new Set(["claims", "omit", "header", "signer", "key_format", "embed", "raw_payload", "kid"]);
const SIGNERS = new Set(["issuer", "foreign", "none", "hs256-public"]);
const KEY_FORMATS = new Set(["pem", "raw", "jwk"]);
const EMBEDS = new Set(["jwk", "jku"]);
/** The key types of Better Auth's jwt() plugin, as `jwks.keyPairConfig` spells them. */
export const KEY_PAIR_CONFIGS = {
  EdDSA: { alg: "EdDSA", crv: "Ed25519" },
  ES256: { alg: "ES256", crv: "P-256" },
  ES512: { alg: "ES512", crv: "P-521" },
  RS256: { alg: "RS256", modulusLength: 2048 },
  PS256: { alg: "PS256", modulusLength: 2048 },
};

/** A request the control API answers with 400 and this message. */
export class BadRequest extends Error {}

const isObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);
export const b64url = (data) => Buffer.from(data).toString("base64url");

/** Check a mint body; unknown fields are refused so a typo never mints a different token. */
export function checkMint(body) {
  if (!isObject(body)) throw new BadRequest("body must be a JSON object");
  for (const name of Object.keys(body)) if (!MINT_FIELDS.has(name)) throw new BadRequest(`unknown field ${name}`);
  const req = {
    claims: body.claims ?? {},
    omit: body.omit ?? [],
    header: body.header ?? {},
    signer: body.signer ?? "issuer",
    keyFormat: body.key_format ?? "pem",
    embed: body.embed ?? null,
    rawPayload: body.raw_payload ?? null,
    kid: body.kid ?? null,
  };
  if (!isObject(req.claims)) throw new BadRequest("claims must be an object");
  if (!Array.isArray(req.omit) || !req.omit.every((n) => typeof n === "string")) throw new BadRequest("omit must be a list of claim names");
  if (!isObject(req.header)) throw new BadRequest("header must be an object");
  if (!SIGNERS.has(req.signer)) throw new BadRequest(`signer must be one of ${[...SIGNERS].join(", ")}`);
  if (!KEY_FORMATS.has(req.keyFormat)) throw new BadRequest(`key_format must be one of ${[...KEY_FORMATS].join(", ")}`);
  if (req.embed !== null && !EMBEDS.has(req.embed)) throw new BadRequest("embed must be null, jwk or jku");
  if (req.rawPayload !== null && typeof req.rawPayload !== "string") throw new BadRequest("raw_payload must be a string");
  if (req.kid !== null && typeof req.kid !== "string") throw new BadRequest("kid must be a string");
  if (req.kid !== null && (req.signer !== "issuer" || req.embed !== null)) {
    throw new BadRequest("kid picks the issuer key that signs: use it with signer issuer");
  }
  return req;
}

/** Check a rotate body: {"stage": bool, "alg": one of KEY_PAIR_CONFIGS}, both optional. */
export function checkRotate(body) {
  if (!isObject(body)) throw new BadRequest("body must be a JSON object");
  for (const name of Object.keys(body)) if (name !== "stage" && name !== "alg") throw new BadRequest(`unknown field ${name}`);
  const stage = body.stage ?? false;
  const alg = body.alg ?? null;
  if (typeof stage !== "boolean") throw new BadRequest("stage must be true or false");
  if (alg !== null && !Object.hasOwn(KEY_PAIR_CONFIGS, alg)) {
    throw new BadRequest(`alg must be one of ${Object.keys(KEY_PAIR_CONFIGS).join(", ")}`);
  }
  return { stage, alg };
}

/** Check an outage body: exactly {"on": true|false}. */
export function checkOutage(body) {
  if (!isObject(body) || typeof body.on !== "boolean") throw new BadRequest('body must be {"on": true|false}');
  for (const name of Object.keys(body)) if (name !== "on") throw new BadRequest(`unknown field ${name}`);
  return body.on;
}

/** A key pair Better Auth does not publish, for the `foreign`, `jwk` and `jku` forgeries. */
export function foreignKeyPair(alg) {
  const pair =
    alg === "EdDSA" ? crypto.generateKeyPairSync("ed25519")
    : alg === "ES256" ? crypto.generateKeyPairSync("ec", { namedCurve: "P-256" })
    : alg === "ES512" ? crypto.generateKeyPairSync("ec", { namedCurve: "P-521" })
    : crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
  const kid = crypto.randomBytes(24).toString("base64url");
  const { kty, ...rest } = pair.publicKey.export({ format: "jwk" });
  return { ...pair, kid, jwk: { alg, kty, ...rest, kid } };
}

/** The signature bytes `alg` gives over `input` with `privateKey` (JWS encodings). */
export function signBytes(alg, privateKey, input) {
  const data = Buffer.from(input);
  if (alg === "EdDSA" || alg === "Ed25519") return crypto.sign(null, data, privateKey);
  if (alg === "ES256") return crypto.sign("sha256", data, { key: privateKey, dsaEncoding: "ieee-p1363" });
  if (alg === "ES512") return crypto.sign("sha512", data, { key: privateKey, dsaEncoding: "ieee-p1363" });
  if (alg === "RS256") return crypto.sign("sha256", data, privateKey);
  if (alg === "PS256") {
    const padding = crypto.constants.RSA_PKCS1_PSS_PADDING;
    return crypto.sign("sha256", data, { key: privateKey, padding, saltLength: 32 });
  }
  throw new Error(`cannot sign with ${alg}`);
}

/** The public key as bytes in `format`: the HMAC secret of an hs256-public forgery. */
export function publicKeyBytes(publicKey, servedJwk, format) {
  if (format === "pem") return Buffer.from(publicKey.export({ type: "spki", format: "pem" }));
  if (format === "jwk") return Buffer.from(JSON.stringify(servedJwk));
  const jwk = publicKey.export({ format: "jwk" });
  if (jwk.kty === "OKP") return Buffer.from(jwk.x, "base64url");
  if (jwk.kty === "EC") {
    return Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x, "base64url"), Buffer.from(jwk.y, "base64url")]);
  }
  return publicKey.export({ type: "pkcs1", format: "der" });
}

/** Can Better Auth's signJWT produce exactly this token? (It sets the header and fills iss/aud/exp.) */
export function signJwtCanDo(req, claims, header, key) {
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

/** The header a mint request asks for, before `req.header` is merged over it. */
export function defaultHeader(req, key, foreign) {
  const embedding = req.signer === "foreign" || req.embed !== null;
  let header = { alg: key.alg, kid: key.kid };
  if (embedding) header = { alg: foreign.jwk.alg, kid: foreign.kid };
  else if (req.signer === "none") header = { alg: "none" };
  else if (req.signer === "hs256-public") header = { alg: "HS256", kid: key.kid };
  return header;
}

/** Sign `header.payloadText` by hand as the request's signer asks. */
export function forgeToken(req, header, payloadText, { key, foreign, servedJwk }) {
  const input = `${b64url(JSON.stringify(header))}.${b64url(payloadText)}`;
  const embedding = req.signer === "foreign" || req.embed !== null;
  let signature;
  if (embedding) signature = signBytes(foreign.jwk.alg, foreign.privateKey, input);
  else if (req.signer === "none") signature = Buffer.alloc(0);
  else if (req.signer === "hs256-public") {
    const secret = publicKeyBytes(key.publicKey, servedJwk, req.keyFormat);
    signature = crypto.createHmac("sha256", secret).update(input).digest();
  } else signature = signBytes(key.alg, key.privateKey, input);
  return `${input}.${b64url(signature)}`;
}
