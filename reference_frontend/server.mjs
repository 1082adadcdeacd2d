// Real Better Auth on a plain node:http server: /api/auth/* goes to toNodeHandler(auth) untouched
// (no body parsing before it), the built dashboard is served from dist/, and with
// AUTHCHECK_CONTROL=1 the control API of docs/control-api.md is the @authcheck/better-auth plugin
// under /api/auth/__authcheck/ (also reachable at /__authcheck/, its address before the plugin).
import { readFile } from "node:fs/promises";
import http from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { trustSocketAddress } from "@authcheck/better-auth";
import { toNodeHandler } from "better-auth/node";
import { createAuth, readSettings } from "./src/auth.mjs";

const CONTROL_PREFIX = "/__authcheck/";

const DIST = path.join(path.dirname(fileURLToPath(import.meta.url)), "dist");
const STATIC = {
  "/": ["index.html", "text/html; charset=utf-8"],
  "/index.html": ["index.html", "text/html; charset=utf-8"],
  "/app.js": ["app.js", "text/javascript; charset=utf-8"],
  "/styles.css": ["styles.css", "text/css; charset=utf-8"],
};

/** Bad input stops the server with one line on stderr and exit status 2, never a stack trace. */
function stop(message) {
  console.error(`reference_frontend: ${message}`);
  process.exit(2);
}

let settings;
try {
  settings = readSettings();
} catch (error) {
  stop(error.message);
}

let auth;
try {
  ({ auth } = await createAuth(settings));
} catch (error) {
  // With DATABASE_URL set, this is where an unreachable or refusing database shows up.
  const what = settings.databaseURL ? "DATABASE_URL: cannot use the database" : "cannot start Better Auth";
  stop(`${what}: ${error?.message || error?.code || error}`);
}
// No proxy in front of this server: the socket's address is the client's (the plugin's guard).
const authHandler = trustSocketAddress(toNodeHandler(auth));
const dashboardConfig = {
  basePath: settings.basePath,
  backendURL: settings.backendURL.replace(/\/+$/, ""),
  dashboardBug: settings.dashboardBug,
};

function send(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

async function serveStatic(res, pathname) {
  if (pathname === "/config.json") return send(res, 200, dashboardConfig);
  if (pathname === "/favicon.ico") return res.writeHead(204).end();
  const entry = STATIC[pathname];
  if (!entry) return send(res, 404, { error: "not found" });
  try {
    const body = await readFile(path.join(DIST, entry[0]));
    res.writeHead(200, { "content-type": entry[1], "cache-control": "no-store" });
    return res.end(body);
  } catch {
    return send(res, 503, { error: "dashboard not built: run `npm run build` in reference_frontend" });
  }
}

const server = http.createServer((req, res) => {
  const pathname = new URL(req.url ?? "/", "http://localhost").pathname;
  const work = (async () => {
    if (pathname.startsWith(settings.basePath + "/")) return authHandler(req, res);
    if (pathname.startsWith(CONTROL_PREFIX)) {
      if (!settings.control) return send(res, 404, { error: "control API disabled (set AUTHCHECK_CONTROL=1)" });
      req.url = settings.basePath + req.url; // the plugin's own address
      return authHandler(req, res);
    }
    if (req.method === "GET" || req.method === "HEAD") return serveStatic(res, pathname);
    return send(res, 405, { error: "method not allowed" });
  })();
  work.catch((error) => {
    console.error(`${req.method} ${pathname}: ${error?.message ?? error}`);
    if (!res.headersSent) send(res, 500, { error: "internal error" });
  });
});

for (const signal of ["SIGTERM", "SIGINT"]) {
  process.on(signal, () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
}
server.on("error", (error) => stop(`cannot listen on ${settings.host}:${settings.port}: ${error.message}`));
server.listen(settings.port, settings.host, () => {
  const { port } = server.address();
  const mode = settings.databaseURL ? "postgres" : "memory";
  console.log(`reference_frontend listening on http://${settings.host}:${port} (base URL ${settings.baseURL}, ${settings.alg}, ${mode}${settings.control ? ", control API on" : ""})`);
});
