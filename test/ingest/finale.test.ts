import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { ingest } from "../../src/ingest/index.ts";
import { review } from "../../src/index.ts";

const BAD = "test/fixtures/access-control/finale-shop";
const SAFE = "test/fixtures/access-control/finale-shop-safe";

describe("finale-rest resources", () => {
  test("a resource made in a loop over an array literal gets five routes per item, with the model it exposes", async () => {
    const { model } = await ingest(BAD);
    const generated = model.endpoints.filter((e) => e.generated).map((e) => `${e.method} ${e.path} ${e.generated!.action} ${e.generated!.entity}`);
    assert.deepEqual(generated, [
      "GET /api/Items list Item",
      "POST /api/Items create Item",
      "GET /api/Items/{id} read Item",
      "PUT /api/Items/{id} update Item",
      "DELETE /api/Items/{id} delete Item",
      "GET /api/Notes list Note",
      "POST /api/Notes create Note",
      "GET /api/Notes/{id} read Note",
      "PUT /api/Notes/{id} update Note",
      "DELETE /api/Notes/{id} delete Note",
    ]);
    assert.ok(model.endpoints.filter((e) => e.generated).every((e) => e.location.file === "server.js" && e.location.line === 26));
  });

  test("routes registered earlier on the same method and path guard the generated route; others stay open", async () => {
    const { model } = await ingest(BAD);
    const auth = (method: string, path: string) => model.endpoints.find((e) => e.generated && e.method === method && e.path === path)?.auth.state;
    assert.equal(auth("POST", "/api/Items"), "required");
    assert.equal(auth("DELETE", "/api/Items/{id}"), "required");
    assert.equal(auth("PUT", "/api/Items/{id}"), "none");
    assert.equal(auth("PUT", "/api/Notes/{id}"), "required");
    assert.equal(auth("GET", "/api/Items/{id}"), "none");
  });

  test("the open PUT beside a guarded POST and DELETE is reported at the sibling guard", async () => {
    const { findings } = await review(BAD, { verify: false });
    const found = findings.filter((f) => f.ruleId === "api/write-without-auth");
    assert.deepEqual(found.map((f) => `${f.location?.file}:${f.location?.line}`), ["server.js:11"]);
    assert.match(found[0].message, /^POST and DELETE on \/api\/Items are guarded, PUT is not: PUT \/api\/Items\/\{id\}/);
  });

  test("a deny-all guard closes a route: closed siblings alone do not make an open PUT a finding", async () => {
    const closed = "test/fixtures/access-control/finale-closed";
    const { model, findings } = await review(closed, { verify: false });
    const post = model.endpoints.find((e) => e.generated && e.method === "POST" && e.path === "/api/Items")!;
    assert.equal(post.auth.state, "required");
    assert.equal(post.auth.closed, true);
    assert.equal(model.endpoints.find((e) => e.generated && e.method === "POST" && e.path === "/api/Notes")!.auth.closed, undefined);
    const found = findings.filter((f) => f.ruleId === "api/write-without-auth");
    assert.deepEqual(found.map((f) => `${f.location?.file}:${f.location?.line} ${f.band}`), ["server.js:17 act", "server.js:23 act"]);
    assert.match(found[0].message, /^POST on \/api\/Notes is guarded, PUT is not: PUT \/api\/Notes\/\{id\}/);
    // The Items PUT is only contrasted with the service's other guarded routes: its own siblings are closed, not guarded.
    assert.match(found[1].message, /^PUT \/api\/Items\/\{id\} changes data, but no authentication runs before its handler, while POST \/api\/Notes in the same service requires it\.$/);
  });

  test("safe twin: with the PUT guarded too, nothing is reported", async () => {
    const { findings } = await review(SAFE, { verify: false });
    assert.deepEqual(findings.filter((f) => f.ruleId === "api/write-without-auth"), []);
  });
});
