// A frontend that is NOT the bundled dashboard: real Better Auth 1.7.25 (imported from
// reference_frontend/node_modules) behind its own sign-in page, sign-up page and task page,
// with switches for the ways real apps get the token contract wrong.
//
//   APP_MODE=correct       the page sends `Authorization: Bearer <JWT from /api/auth/token>`
//   APP_MODE=session-token the page sends the session id from get-session
//   APP_MODE=cookie        the page sends the signed session cookie value
//   APP_MODE=no-bearer     the page sends the JWT without the "Bearer " scheme
//   APP_MODE=server-side   the page calls its own server, which calls the backend with the JWT
//                          (auth.api.getToken, as a Next.js route handler would)
// BACKEND_URL (the backend the page or server calls; POST /__test/config {mode, backend} switches
// both at run time), PORT, BASE_URL, RATE_WINDOW (seconds;
// sign-in/sign-up allowed once per window, 0 = no rate limit), BA_MODULES (node_modules dir).
import http from "node:http";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const modules = process.env.BA_MODULES || path.join(here, "../../../reference_frontend/node_modules");
const require = createRequire(path.join(modules, "noop.js"));
const load = (name) => import(pathToFileURL(require.resolve(name)).href);
const { betterAuth } = await load("better-auth");
const { toNodeHandler } = await load("better-auth/node");
const { memoryAdapter } = await load("better-auth/adapters/memory");
const { bearer, jwt } = await load("better-auth/plugins");

const port = Number(process.env.PORT);
const baseURL = process.env.BASE_URL || `http://127.0.0.1:${port}`;
// Switchable at run time (POST /__test/config {mode, backend}) so one server serves every case.
let backendURL = (process.env.BACKEND_URL || "http://127.0.0.1:8000").replace(/\/+$/, "");
let mode = process.env.APP_MODE || "correct";
const window = Number(process.env.RATE_WINDOW || 0);

const auth = betterAuth({
  baseURL,
  secret: process.env.BETTER_AUTH_SECRET || "own-app-test-secret-0123456789abcdefghijkl",
  database: memoryAdapter({ user: [], session: [], account: [], verification: [], jwks: [] }),
  emailAndPassword: { enabled: true },
  plugins: [jwt(), bearer()],
  rateLimit: window
    ? {
        enabled: true,
        window,
        max: 100,
        customRules: { "/sign-in/email": { window, max: 1 }, "/sign-up/email": { window, max: 1 } },
      }
    : { enabled: false },
  telemetry: { enabled: false },
});
const authHandler = toNodeHandler(auth);

const page = (title, body, script) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${title} · Acme Notes</title></head>
<body><nav><a href="/">Acme Notes</a></nav><main>${body}</main>
<script type="module">${script}</script></body></html>`;

const SIGN_IN = page(
  "Welcome back",
  `<h1>Welcome back</h1>
  <div class="panel">
    <div class="row"><label for="who">Work e-mail</label><input id="who" type="text" autocomplete="username"></div>
    <div class="row"><label for="phrase">Passphrase</label><input id="phrase" type="password"></div>
    <div class="problem" role="alert"></div>
    <a class="cta" role="button" id="go" href="#">Continue</a>
  </div>
  <p>New here? <a href="/join">Create an account</a></p>`,
  `document.getElementById("go").addEventListener("click", async (event) => {
    event.preventDefault();
    const body = { email: document.getElementById("who").value, password: document.getElementById("phrase").value };
    const r = await fetch("/api/auth/sign-in/email", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    if (r.ok) { location.href = "/notes"; return; }
    const said = await r.json().catch(() => ({}));
    document.querySelector("[role=alert]").textContent = "Could not sign in: " + (said.message || r.status);
  });`,
);

const SIGN_UP = page(
  "Join",
  `<h1>Join Acme Notes</h1>
  <form id="join">
    <label>Your name <input name="display" autocomplete="name"></label>
    <label>E-mail address <input name="mail" type="email"></label>
    <label>Choose a passphrase <input name="secret" type="password" autocomplete="new-password"></label>
    <p class="problem" role="alert"></p>
    <button>Join now</button>
  </form>`,
  `document.getElementById("join").addEventListener("submit", async (event) => {
    event.preventDefault();
    const f = event.target;
    const body = { name: f.display.value, email: f.mail.value, password: f.secret.value };
    const r = await fetch("/api/auth/sign-up/email", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    if (r.ok) { location.href = "/notes"; return; }
    const said = await r.json().catch(() => ({}));
    document.querySelector("[role=alert]").textContent = "Could not join: " + (said.message || r.status);
  });`,
);

const NOTES = () => page(
  "Notes",
  `<h1>My notes</h1><form id="add"><input name="what" aria-label="New note"><button>Save</button></form>
  <ul id="list"></ul><p id="status"></p>`,
  `const MODE = ${JSON.stringify(mode)}, BACKEND = ${JSON.stringify(backendURL)};
  const session = await (await fetch("/api/auth/get-session")).json();
  const userId = session.user.id;
  async function credential() {
    if (MODE === "session-token") return "Bearer " + session.session.token;
    if (MODE === "cookie") return "Bearer " + (await (await fetch("/app/cookie")).json()).value;
    const { token } = await (await fetch("/api/auth/token")).json();
    window.__lastJwt = token;
    return MODE === "no-bearer" ? token : "Bearer " + token;
  }
  async function call(method, body) {
    if (MODE === "server-side") {
      return fetch("/app/tasks", { method, headers: { "content-type": "application/json" }, body: body && JSON.stringify(body) });
    }
    const headers = { Authorization: await credential() };
    if (body) headers["content-type"] = "application/json";
    return fetch(BACKEND + "/api/" + userId + "/tasks", { method, headers, body: body && JSON.stringify(body) });
  }
  async function refresh() {
    try {
      const r = await call("GET");
      const tasks = r.ok ? await r.json() : [];
      const items = Array.isArray(tasks) ? tasks : tasks.data || [];
      document.getElementById("list").replaceChildren(...items.map((t) => Object.assign(document.createElement("li"), { textContent: t.title })));
      document.getElementById("status").textContent = r.ok ? "" : "backend said " + r.status;
    } catch (e) { document.getElementById("status").textContent = String(e); }
  }
  document.getElementById("add").addEventListener("submit", async (event) => {
    event.preventDefault();
    try { await call("POST", { title: event.target.what.value }); } catch (e) { console.error(String(e)); }
    await refresh();
  });
  await refresh();`,
);

async function serverSideTasks(req, res) {
  // What a Next.js route handler does: read the session from the cookies, get the JWT in-process.
  const headers = new Headers({ cookie: req.headers.cookie || "" });
  const session = await auth.api.getSession({ headers });
  if (!session) return send(res, 401, { detail: "not signed in" });
  const { token } = await auth.api.getToken({ headers });
  let body;
  if (req.method === "POST") body = await new Promise((ok) => { let d = ""; req.on("data", (c) => (d += c)); req.on("end", () => ok(d)); });
  const answer = await fetch(`${backendURL}/api/${session.user.id}/tasks`, {
    method: req.method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body,
  });
  res.writeHead(answer.status, { "content-type": "application/json" });
  res.end(await answer.text());
}

function send(res, status, body) {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

function cookieValue(req) {
  const pair = (req.headers.cookie || "").split(/;\s*/).find((c) => c.startsWith("better-auth.session_token="));
  return pair ? decodeURIComponent(pair.split("=").slice(1).join("=")) : "";
}

const PAGES = { "/": () => SIGN_IN, "/join": () => SIGN_UP, "/notes": NOTES };

async function configure(req, res) {
  const body = await new Promise((ok) => { let d = ""; req.on("data", (c) => (d += c)); req.on("end", () => ok(d)); });
  const wanted = JSON.parse(body || "{}");
  if (wanted.mode) mode = wanted.mode;
  if (wanted.backend) backendURL = wanted.backend.replace(/\/+$/, "");
  return send(res, 200, { mode, backend: backendURL });
}
http
  .createServer(async (req, res) => {
    const { pathname } = new URL(req.url, baseURL);
    try {
      if (pathname.startsWith("/api/auth/")) return authHandler(req, res);
      if (pathname === "/app/tasks") return await serverSideTasks(req, res);
      if (pathname === "/app/cookie") return send(res, 200, { value: cookieValue(req) });
      if (pathname === "/health") return send(res, 200, { ok: true });
      if (pathname === "/__test/config" && req.method === "POST") return await configure(req, res);
      if (pathname in PAGES) {
        res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
        return res.end(PAGES[pathname]());
      }
      return send(res, 404, { error: "not found" });
    } catch (error) {
      console.error(error);
      return send(res, 500, { error: String(error) });
    }
  })
  .listen(port, "127.0.0.1", () => console.log(`own app at ${baseURL} (${mode})`));
