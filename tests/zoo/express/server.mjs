// A task API on Express 5 that verifies Better Auth JWTs with jose, the way a Node team writes
// one: no OpenAPI document, validation errors as 400 naming the field, UUID ids, the owner as
// `userId`, PATCH to update, `PATCH /api/tasks/:id/complete` toggles. Another user's task is 403.
//
//   ISSUER_URL=http://127.0.0.1:3000 PORT=8000 node server.mjs
import { randomUUID } from "node:crypto";
import express from "express";
import { createRemoteJWKSet, decodeProtectedHeader, errors, jwtVerify } from "jose";

const ISSUER_URL = process.env.ISSUER_URL;
const PORT = Number(process.env.PORT ?? 8000);
if (!ISSUER_URL) {
  console.error("ISSUER_URL is required (Better Auth's base URL)");
  process.exit(2);
}

// Cached key set: fetched on first use, refetched for an unknown kid at most every 2 s; a
// failed refetch keeps the keys already held.
const JWKS = createRemoteJWKSet(new URL(`${ISSUER_URL}/api/auth/jwks`), {
  cooldownDuration: 2_000,
  cacheMaxAge: 300_000,
  timeoutDuration: 5_000,
});
const ALGORITHMS = ["EdDSA", "Ed25519", "ES256", "ES512", "RS256", "PS256"];
const PRIORITIES = ["low", "medium", "high"];

function unauthorized(res, message) {
  res.set("WWW-Authenticate", `Bearer error="invalid_token"`);
  return res.status(401).json({ error: message });
}

async function requireAuth(req, res, next) {
  const [scheme, token, extra] = (req.get("authorization") ?? "").split(" ");
  if (scheme?.toLowerCase() !== "bearer" || !token || extra !== undefined) {
    return unauthorized(res, "missing bearer token");
  }
  let kid;
  try {
    ({ kid } = decodeProtectedHeader(token));
  } catch {
    return unauthorized(res, "malformed token");
  }
  if (typeof kid !== "string" || !kid) return unauthorized(res, "token has no kid");
  try {
    const { payload } = await jwtVerify(token, JWKS, {
      issuer: ISSUER_URL,
      audience: ISSUER_URL,
      algorithms: ALGORITHMS,
      requiredClaims: ["exp", "iat", "sub"],
      clockTolerance: 30,
    });
    if (typeof payload.sub !== "string" || !payload.sub) {
      return unauthorized(res, "token has no sub");
    }
    req.userId = payload.sub;
    return next();
  } catch (err) {
    if (err instanceof errors.JWTExpired) return unauthorized(res, "token expired");
    return unauthorized(res, "invalid token");
  }
}

function validate(body, { partial }) {
  const problems = [];
  const has = (name) => body[name] !== undefined;
  if (!partial || has("title")) {
    if (typeof body.title !== "string" || !body.title.trim()) {
      problems.push({ field: "title", message: "title is required (a non-empty string)" });
    }
  }
  if (!partial || has("priority")) {
    if (!PRIORITIES.includes(body.priority)) {
      problems.push({ field: "priority", message: `priority must be one of ${PRIORITIES.join(", ")}` });
    }
  }
  if (has("description") && typeof body.description !== "string") {
    problems.push({ field: "description", message: "description must be a string" });
  }
  if (partial && has("completed") && typeof body.completed !== "boolean") {
    problems.push({ field: "completed", message: "completed must be a boolean" });
  }
  return problems;
}

const tasks = new Map();

function ownTask(req, res) {
  const task = tasks.get(req.params.id);
  if (!task) {
    res.status(404).json({ error: "task not found" });
    return null;
  }
  if (task.userId !== req.userId) {
    res.status(403).json({ error: "forbidden" });
    return null;
  }
  return task;
}

const app = express();
app.disable("x-powered-by");
app.use(express.json({ limit: "100kb" }));

app.get("/health", (_req, res) => res.json({ ok: true }));

const router = express.Router();
router.use(requireAuth);

router.get("/", (req, res) => {
  res.json([...tasks.values()].filter((t) => t.userId === req.userId));
});

router.post("/", (req, res) => {
  const body = req.body ?? {};
  const problems = validate(body, { partial: false });
  if (problems.length) return res.status(400).json({ error: "validation failed", details: problems });
  const now = new Date().toISOString();
  const task = {
    id: randomUUID(),
    userId: req.userId,
    title: body.title,
    description: body.description ?? "",
    priority: body.priority,
    completed: false,
    createdAt: now,
    updatedAt: now,
  };
  tasks.set(task.id, task);
  return res.status(201).json(task);
});

router.get("/:id", (req, res) => {
  const task = ownTask(req, res);
  if (task) res.json(task);
});

router.patch("/:id", (req, res) => {
  const task = ownTask(req, res);
  if (!task) return;
  const body = req.body ?? {};
  const problems = validate(body, { partial: true });
  if (problems.length) return res.status(400).json({ error: "validation failed", details: problems });
  for (const field of ["title", "description", "priority", "completed"]) {
    if (body[field] !== undefined) task[field] = body[field];
  }
  task.updatedAt = new Date().toISOString();
  return res.json(task);
});

router.patch("/:id/complete", (req, res) => {
  const task = ownTask(req, res);
  if (!task) return;
  task.completed = !task.completed;
  task.updatedAt = new Date().toISOString();
  res.json(task);
});

router.delete("/:id", (req, res) => {
  if (!ownTask(req, res)) return;
  tasks.delete(req.params.id);
  res.status(204).end();
});

app.use("/api/tasks", router);

// a body that is not JSON: 400, not Express's HTML error page
app.use((err, _req, res, _next) => {
  const status = err.status ?? err.statusCode ?? 500;
  res.status(status).json({ error: status < 500 ? "bad request" : "internal error" });
});

app.listen(PORT, "127.0.0.1", () => console.log(`tasks API on http://127.0.0.1:${PORT}`));
