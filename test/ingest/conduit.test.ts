// The RealWorld "Conduit" API, implemented in Express and in Fastify with routers split across
// files: bka must recover exactly its 19 operations, the auth of each, and evidence that is real.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { review } from "../../src/index.ts";
import { toOpenApi } from "../../src/emit/openapi.ts";
import { CONDUIT_OPERATIONS } from "../fixtures/conduit-expected.ts";

const expected = CONDUIT_OPERATIONS.map((op) => `${op.method} ${op.path} ${op.auth}`).sort();

for (const framework of ["express", "fastify", "hono", "nestjs", "koa", "nitro"]) {
  const root = `test/fixtures/conduit-${framework}`;
  describe(`Conduit on ${framework}`, async () => {
    const { model, findings } = await review(root);

    it("recovers exactly the 19 operations with the auth of each", () => {
      assert.deepEqual(model.endpoints.map((e) => `${e.method} ${e.path} ${e.auth.state}`).sort(), expected);
    });

    it("resolves every route and locates every handler", () => {
      assert.equal(model.coverage.routeRegistrationsResolved, 19);
      assert.equal(model.coverage.handlersLocated, 19);
      assert.deepEqual(model.coverage.unresolved, []);
      for (const e of model.endpoints) assert.ok(e.handlerId, `${e.method} ${e.path} has a handler`);
    });

    it("points auth evidence at a line that really verifies or rejects", () => {
      for (const e of model.endpoints.filter((x) => x.auth.state === "required")) {
        const at = e.auth.enforcedAt!;
        const line = readFileSync(join(root, at.file), "utf8").split("\n")[at.line - 1];
        assert.match(line, /401|jwtVerify|verify|authenticate|decode|readToken|AuthGuard\('jwt'\)|= jwt\(\{/, `${e.method} ${e.path}: ${at.file}:${at.line} ${line}`);
      }
    });

    it("emits an OpenAPI document with the 19 operations and security on the 12 that need it", () => {
      const doc = toOpenApi(model) as { paths: Record<string, Record<string, { security?: unknown[] }>> };
      const ops = Object.entries(doc.paths).flatMap(([path, item]) => Object.entries(item).filter(([m]) => m !== "parameters").map(([m, op]) => ({ key: `${m.toUpperCase()} ${path}`, op })));
      assert.deepEqual(ops.map((o) => o.key).sort(), CONDUIT_OPERATIONS.map((op) => `${op.method} ${op.path}`).sort());
      const secured = ops.filter((o) => Array.isArray(o.op.security) && o.op.security.length > 0 && !o.op.security.some((s) => Object.keys(s as object).length === 0));
      assert.equal(secured.length, 12);
    });

    it("gives every code evidence line the snippet it quotes", () => {
      for (const f of findings) {
        for (const ev of f.evidence) {
          if (ev.kind !== "code") continue;
          const line = readFileSync(join(root, ev.file), "utf8").split(/\r?\n/)[ev.line - 1] ?? "";
          assert.ok(line.trim().startsWith(ev.snippet.replace(/…$/, "")), `${f.ruleId} ${ev.file}:${ev.line}`);
        }
      }
    });
  });
}
