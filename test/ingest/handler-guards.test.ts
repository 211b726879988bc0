// A handler that looks the caller up by their credential and refuses the request when nobody is
// found guards its route (OWASP Juice Shop's upload handlers do this); a token that is only
// present, or a record looked up by a client-chosen id, guards nothing.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { review } from "../../src/index.ts";
import { row } from "./endpoints.ts";

const FIXTURE = "test/fixtures/express-handler-guards";

describe("guards inside handlers", async () => {
  const { model, findings } = await review(FIXTURE, { verify: false });

  it("counts a lookup by the credential that refuses unknown callers, and nothing weaker", () => {
    assert.deepEqual(model.endpoints.map(row), [
      "POST /api/notes required",
      "POST /orders/{id}/cancel none",
      "POST /profile/bio none",
      "POST /profile/image/file required",
      "POST /profile/image/url required",
    ]);
    const url = model.endpoints.find((e) => e.path === "/profile/image/url")!;
    assert.deepEqual(url.auth.enforcedAt, { file: "routes/profile.ts", line: 7, column: 5 });
    assert.equal(url.auth.reason, "the handler looks the caller up by their credential and refuses the request when nobody is found");
    assert.deepEqual(model.endpoints.find((e) => e.path === "/profile/image/file")!.auth.enforcedAt, { file: "routes/profile.ts", line: 19, column: 5 });
  });

  it("leaves write-without-auth to the routes that really lack a guard", () => {
    const open = findings.filter((f) => f.ruleId === "api/write-without-auth").map((f) => `${f.band} ${f.location?.file}:${f.location?.line}`);
    assert.deepEqual(open, ["act server.ts:10", "act server.ts:11"]);
  });
});
