// The dashboard: the real Better Auth client (createAuthClient + jwtClient), and task calls to the
// backend with `Authorization: Bearer <JWT>` from authClient.token(), refreshed before it expires.
import { createAuthClient } from "better-auth/client";
import { jwtClient } from "better-auth/client/plugins";

const $ = (id) => document.getElementById(id);
const config = await (await fetch("/config.json")).json();
const authClient = createAuthClient({ baseURL: location.origin + config.basePath, plugins: [jwtClient()] });

// What the capture reads (scenario us2.token-format): the last token authClient.token() returned.
const exposed = { lastToken: null, userId: null, tokenFetches: 0 };
window.__authcheck = exposed;

let jwt = null;
let jwtClaims = null;

function claimsOf(token) {
  try {
    const part = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    return JSON.parse(atob(part));
  } catch {
    return null;
  }
}

/** A JWT with some life left: reuse it, or ask Better Auth for a fresh one before it expires. */
async function freshJwt() {
  const now = Date.now() / 1000;
  if (jwt && jwtClaims?.exp) {
    const lifetime = jwtClaims.exp - (jwtClaims.iat ?? now);
    const margin = Math.max(5, Math.min(60, lifetime / 4));
    if (jwtClaims.exp - now > margin) return jwt;
  }
  const { data, error } = await authClient.token();
  if (error || !data?.token) throw new Error(`could not get a JWT from Better Auth (${error?.status ?? "no token"})`);
  jwt = data.token;
  jwtClaims = claimsOf(jwt);
  exposed.lastToken = jwt;
  exposed.tokenFetches += 1;
  return jwt;
}

async function bearer() {
  const token = await freshJwt();
  if (config.dashboardBug !== "session-token") return token;
  // Test-only bug (AUTHCHECK_DASHBOARD_BUG=session-token): send the session token instead.
  const { data } = await authClient.getSession();
  return data?.session?.token ?? token;
}

async function api(method, path, body) {
  const headers = { Authorization: `Bearer ${await bearer()}` };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(config.backendURL + path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) {
    let detail = response.statusText;
    try {
      detail = (await response.json()).detail ?? detail;
    } catch {}
    throw new Error(`${method} ${path}: ${response.status} ${typeof detail === "string" ? detail : JSON.stringify(detail)}`);
  }
  return response.status === 204 ? null : response.json();
}

function say(text, isError = false) {
  $("message").textContent = text;
  $("message").className = isError ? "error" : "";
}

/** A rejected sign-in or sign-up, in #auth-error (not hidden only while there is one). */
function sayAuthError(text) {
  $("auth-error").textContent = text;
  $("auth-error").hidden = !text;
}

const tasksPath = (suffix = "") => `/api/${encodeURIComponent(exposed.userId)}/tasks${suffix}`;

function renderTasks(tasks) {
  const list = $("task-list");
  list.replaceChildren(
    ...tasks.map((task) => {
      const item = document.createElement("li");
      item.dataset.testid = "task";
      item.dataset.taskId = task.id;
      item.dataset.completed = String(Boolean(task.completed));
      const title = document.createElement("span");
      title.className = "title";
      title.dataset.testid = "task-title-text";
      title.textContent = task.title;
      const done = document.createElement("button");
      done.type = "button";
      done.className = "quiet";
      done.dataset.testid = "task-complete";
      done.textContent = task.completed ? "Undo" : "Done";
      done.addEventListener("click", () => act(() => api("PATCH", tasksPath(`/${task.id}/complete`))));
      const remove = document.createElement("button");
      remove.type = "button";
      remove.className = "quiet";
      remove.dataset.testid = "task-delete";
      remove.textContent = "Delete";
      remove.addEventListener("click", () => act(() => api("DELETE", tasksPath(`/${task.id}`))));
      item.append(title, done, remove);
      return item;
    }),
  );
  list.dataset.loaded = "true";
}

async function loadTasks() {
  renderTasks(await api("GET", tasksPath()));
}

/** Run a task change, then reload the list; any failure is shown, never thrown away. */
async function act(change) {
  try {
    await change();
    await loadTasks();
    say("");
  } catch (error) {
    say(error.message, true);
  }
}

async function showSession() {
  const { data } = await authClient.getSession();
  if (!data?.user) {
    exposed.userId = null;
    jwt = null;
    document.body.dataset.state = "signed-out";
    return;
  }
  exposed.userId = data.user.id;
  $("user-email").textContent = data.user.email;
  document.body.dataset.state = "signed-in";
  $("task-list").dataset.loaded = "false";
  await act(async () => {});
}

function onSubmit(form, handler) {
  $(form).addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      await handler();
    } catch (error) {
      say(error.message, true);
    }
  });
}

onSubmit("signin-form", async () => {
  sayAuthError("");
  const { error } = await authClient.signIn.email({ email: $("signin-email").value, password: $("signin-password").value });
  if (error) return sayAuthError(`Sign in failed: ${error.message ?? error.status}`);
  say("");
  await showSession();
});

onSubmit("signup-form", async () => {
  sayAuthError("");
  const { error } = await authClient.signUp.email({
    name: $("signup-name").value,
    email: $("signup-email").value,
    password: $("signup-password").value,
  });
  if (error) return sayAuthError(`Sign up failed: ${error.message ?? error.status}`);
  say("");
  await showSession();
});

onSubmit("task-form", async () => {
  const title = $("task-title").value.trim();
  if (!title) return;
  await act(() => api("POST", tasksPath(), { title }));
  $("task-title").value = "";
});

$("signout").addEventListener("click", async () => {
  await authClient.signOut();
  jwt = null;
  exposed.lastToken = null;
  say("Signed out.");
  await showSession();
});

$("backend-url").textContent = config.backendURL;
await showSession();
