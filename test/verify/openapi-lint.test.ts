// The OpenAPI bka writes for every Conduit fixture (and the schema fixtures) is valid OpenAPI 3.1
// and has no error under Spectral's `spectral:oas` ruleset.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { validate } from "@readme/openapi-parser";
import { ingest } from "../../src/ingest/index.ts";
import { toOpenApi } from "../../src/emit/openapi.ts";
import { lintOpenApi } from "../../src/verify/openapi-lint.ts";

const FIXTURES = readdirSync("test/fixtures", { withFileTypes: true })
  .filter((d) => d.isDirectory() && (d.name.startsWith("conduit-") || d.name.startsWith("schemas-")))
  .map((d) => d.name)
  .sort();

describe("OpenAPI lint (spectral:oas)", () => {
  it("finds the Conduit fixtures", () => {
    for (const framework of ["express", "fastify", "hono", "koa", "nestjs", "nitro"]) {
      assert.ok(FIXTURES.includes(`conduit-${framework}`), `conduit-${framework} in ${FIXTURES.join(", ")}`);
    }
  });

  for (const fixture of FIXTURES) {
    it(`${fixture}: valid OpenAPI 3.1 with 0 Spectral errors`, async (t) => {
      const { model } = await ingest(`test/fixtures/${fixture}`);
      const doc = toOpenApi(model);
      const validation = await validate(structuredClone(doc) as never);
      assert.equal(validation.valid, true, JSON.stringify(validation, null, 2));
      const report = await lintOpenApi(doc);
      const errors = report.results.filter((r) => r.severity === "error");
      assert.deepEqual(errors, []);
      assert.equal(report.errors, 0);
      t.diagnostic(`${fixture}: ${report.warnings} warning(s): ${countBy(report.results.map((r) => r.code))}`);
    });
  }

  it("reports real errors: a duplicate operationId and an undeclared path parameter", async () => {
    const operation = (operationId: string) => ({ operationId, description: "x", tags: ["a"], responses: { "200": { description: "ok" } } });
    const report = await lintOpenApi({
      openapi: "3.1.0",
      info: { title: "t", version: "1", description: "d", contact: { name: "c" } },
      servers: [{ url: "https://example.test" }],
      tags: [{ name: "a", description: "a" }],
      paths: { "/a/{id}": { get: operation("same") }, "/b": { get: operation("same") } },
    });
    const codes = report.results.filter((r) => r.severity === "error").map((r) => r.code);
    assert.ok(codes.includes("operation-operationId-unique"), codes.join(", "));
    assert.ok(codes.includes("path-params"), codes.join(", "));
    assert.equal(report.errors, codes.length);
    const unique = report.results.find((r) => r.code === "operation-operationId-unique")!;
    assert.equal(unique.path[0], "paths");
  });
});

function countBy(codes: string[]): string {
  const counts = new Map<string, number>();
  for (const c of codes) counts.set(c, (counts.get(c) ?? 0) + 1);
  return [...counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([c, n]) => `${c} ${n}`).join(", ");
}
