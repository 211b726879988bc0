// A guard-like name bka cannot judge makes the endpoint's auth a question ("unknown"), and the
// reason says which kind of question: a function it read that shows no check it recognises, or a
// value it could not resolve at all.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ingest } from "../../src/ingest/index.ts";

const root = mkdtempSync(join(tmpdir(), "bka-auth-unknown-"));
after(() => rmSync(root, { recursive: true, force: true }));

test("the reason tells a guard read but not understood from one not found", async () => {
  mkdirSync(join(root, "src"));
  writeFileSync(join(root, "package.json"), '{ "name": "auth-unknown", "dependencies": { "express": "^4.21.2" } }\n');
  writeFileSync(
    join(root, "src/app.js"),
    [
      'const express = require("express");',
      'const { requireAuth } = require("./missing");',
      "function authenticate(req, res, next) {",
      "  req.startedAt = Date.now();",
      "  next();",
      "}",
      "const app = express();",
      'app.post("/read", authenticate, (req, res) => res.json({}));',
      'app.post("/gone", requireAuth, (req, res) => res.json({}));',
      "app.listen(3000);",
      "",
    ].join("\n"),
  );
  const { model } = await ingest(root);
  const reasons = Object.fromEntries(model.endpoints.map((e) => [e.path, `${e.auth.state}: ${e.auth.reason}`]));
  assert.deepEqual(reasons, {
    "/read": "unknown: authenticate (src/app.js:3) shows no check bka recognises; its name suggests it may guard the route",
    "/gone": "unknown: import(./missing).requireAuth could not be resolved; its name suggests it may guard the route",
  });
});
