import type { IncomingMessage, ServerResponse } from "node:http";
import type { BetterAuthPlugin } from "better-auth";

export interface AuthcheckControlOptions {
  /** Serve the control API. Default: `process.env.AUTHCHECK_CONTROL === "1"`. Off otherwise. */
  enabled?: boolean;
  /**
   * With `NODE_ENV=production` the plugin refuses to start (it throws) unless this is `true`.
   * Only for a loopback-only CI machine that must run a production build; never on a server
   * anyone else can reach.
   */
  dangerouslyAllowInProduction?: boolean;
}

/** The control API's JSON answers (docs/control-api.md of authcheck). */
export interface AuthcheckInfo {
  kind: "better-auth";
  issuer: string;
  audience: string | string[];
  jwks_url: string;
  alg: string;
  kid: string;
  kids: string[];
  foreign_jwks_url: string;
  token_lifetime: number;
  plugin: "authcheck-control";
}

export declare const PLUGIN_ID: "authcheck-control";
export declare const PREFIX: "/__authcheck";

/**
 * `plugins: [jwt(), authcheckControl()]`: the authcheck control API under the auth base path
 * (`/api/auth/__authcheck/info`, `/mint`, `/rotate`, `/outage`, `/counters`, `/counters/reset`,
 * `/foreign/jwks`). Inert unless enabled; loopback clients only.
 */
export declare function authcheckControl(options?: AuthcheckControlOptions): BetterAuthPlugin;

/** Whether the plugin would be on for these options and environment; throws in production. */
export declare function resolveEnabled(
  options?: AuthcheckControlOptions,
  env?: Record<string, string | undefined>,
): boolean;

/** 127.0.0.0/8 or ::1 (plain, IPv4-mapped or bracketed). */
export declare function isLoopback(address: string | null | undefined): boolean;

/**
 * For a bare `node:http` server with no proxy in front: `trustSocketAddress(toNodeHandler(auth))`
 * sets X-Forwarded-For from the socket (dropping client-sent address headers) so the plugin's
 * loopback guard sees the real peer.
 */
export declare function trustSocketAddress<
  H extends (req: IncomingMessage, res: ServerResponse) => unknown,
>(handler: H): H;
