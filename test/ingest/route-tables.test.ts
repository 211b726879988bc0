// Routes registered from a table of route objects walked with a computed method
// (`routes.forEach((r) => router[r.method](r.path, ...r.guards, r.handler))`, or for…of).
import { test } from "node:test";
import assert from "node:assert/strict";
import { ingest } from "../../src/ingest/index.ts";
import { chain, row } from "./endpoints.ts";

test("each HTTP route of a table becomes an endpoint, with its own guards; other computed calls are not routes", async () => {
  const { model } = await ingest("test/fixtures/route-tables/express");
  assert.deepEqual(model.endpoints.map(row).sort(), [
    "DELETE /api/users/{id} required",
    "GET /api/users none",
    "GET /healthz none",
    "POST /api/users required",
  ]);
  const create = model.endpoints.find((e) => e.method === "POST")!;
  assert.deepEqual(chain(create), ["requireAuth:auth@route"]);
  assert.match(create.handlerId ?? "", /^src\/users.js:2:/);
  assert.deepEqual(model.endpoints.map((e) => e.location.line).sort((a, b) => a - b), [6, 6, 6, 11]);
});
