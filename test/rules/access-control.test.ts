// End-to-end: the access-control fixtures go through the real ingest (extractors, link) and the
// rules about object-level authorization (IDOR) and mass assignment. Each rule has triggering
// fixtures and safe twins: Express + Sequelize, Prisma behind a service module, a Mongo-style
// collection, and finale-rest generated resources.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ingest } from "../../src/ingest/index.ts";
import type { ArchitectureModel } from "../../src/model/types.ts";
import type { Rule } from "../../src/rules/types.ts";
import { rule as missingAuthorization } from "../../src/rules/security/missing-authorization.ts";
import { rule as massAssignment } from "../../src/rules/security/mass-assignment.ts";
import { rule as unvalidatedBody } from "../../src/rules/api/unvalidated-body.ts";
import { evidenceLines, runRule } from "./model-builder.ts";

const FIXTURES = join(fileURLToPath(new URL(".", import.meta.url)), "..", "fixtures", "access-control");
const models = new Map<string, Promise<ArchitectureModel>>();

function modelOf(name: string): Promise<ArchitectureModel> {
  let model = models.get(name);
  if (!model) {
    model = ingest(join(FIXTURES, name)).then((r) => r.model);
    models.set(name, model);
  }
  return model;
}

/** "confidence band file:line" per finding, sorted. */
async function summary(rule: Rule, name: string): Promise<string[]> {
  const list = runRule(rule, await modelOf(name), join(FIXTURES, name));
  for (const f of list) assert.equal(f.ruleId, rule.meta.id);
  return list.map((f) => `${f.confidence} ${f.band} ${f.location?.file}:${f.location?.line}`).sort();
}

async function findingAt(rule: Rule, name: string, line: number) {
  const found = runRule(rule, await modelOf(name), join(FIXTURES, name)).find((f) => f.location?.line === line);
  assert.ok(found, `no ${rule.meta.id} finding at line ${line} of ${name}`);
  return found;
}

describe("access-control facts", () => {
  test("record accesses: what picks the record, what scopes it to the caller, and the write that follows a load", async () => {
    const records = (await modelOf("express-sequelize")).recordAccesses ?? [];
    assert.deepEqual(
      records.map((r) => [
        `${r.location.line} ${r.api} ${r.operation}`,
        r.selectors.map((s) => `${s.column}<-${s.flows.map((f) => f.source.path).join("|") || s.origin}`).join(","),
        r.ownerColumns.map((o) => `${o.column}${o.callerIdentity ? " (caller)" : ""}`).join(","),
        r.writtenAt?.line ?? "-",
      ].join(" / ")),
      [
        "9 Product.findByPk select / id<-params.id /  / -",
        "13 Order.findByPk select / id<-params.id /  / -",
        "18 Order.update update / id<-params.id /  / -",
        "23 Order.findByPk delete / id<-params.id /  / 24",
        "29 Order.destroy delete / id<-params.id /  / -",
        "45 Order.findByPk select / id<-params.id /  / -",
      ],
    );
    // `User.findByPk(req.auth.sub)` picks the caller's own row: no selector, so no record access.
    assert.equal(records.some((r) => r.location.line === 39), false);
    const safe = (await modelOf("express-sequelize-safe")).recordAccesses ?? [];
    assert.deepEqual(safe.find((r) => r.location.line === 13)?.ownerColumns, [{ column: "userId", callerIdentity: true }]);
    assert.equal(safe.find((r) => r.location.line === 23)?.ownershipCheckAt?.line, 24);
  });

  test("role guards and the caller's identity read through a helper", async () => {
    const model = await modelOf("express-sequelize");
    assert.deepEqual(model.roleGuards, ["auth.js:5:1"]);
    const mongo = await modelOf("mongo-reviews");
    const [patch, like] = (mongo.recordAccesses ?? []).filter((r) => r.operation === "update");
    assert.equal(patch.api, "reviews.update");
    assert.equal(patch.callerIdentityAt?.line, 13);
    assert.equal(patch.writesCallerIdentityAt, undefined);
    assert.equal(like.writesCallerIdentityAt?.line, 21);
  });

  test("body writes: the whole body to a create, a spread to an instance update, Prisma data", async () => {
    const writes = (await modelOf("express-sequelize")).bodyWrites ?? [];
    assert.deepEqual(
      writes.map((w) => `${w.location.line} ${w.api} ${w.operation} ${w.flow.source.path}@${w.flow.source.location.line} pinned=${w.pinnedKeys.join(",")}`),
      ["34 User.create insert body@34 pinned=", "40 User.update update body@40 pinned="],
    );
    assert.deepEqual((await modelOf("express-sequelize-safe")).bodyWrites ?? [], []);
    const prisma = (await modelOf("prisma-invoices")).bodyWrites ?? [];
    assert.deepEqual(prisma.map((w) => `${w.location.file}:${w.location.line} ${w.api}`), ["src/app.js:19 account.create"]);
  });
});

describe("security/missing-authorization", () => {
  test("Express + Sequelize: writes by a client-chosen id act, a read decides; public and admin-only routes are silent", async () => {
    assert.deepEqual(await summary(missingAuthorization, "express-sequelize"), [
      "80 decide server.js:13",
      "93 act server.js:18",
      "93 act server.js:23",
    ]);
    const del = await findingAt(missingAuthorization, "express-sequelize", 23);
    assert.match(del.message, /^DELETE \/orders\/\{id\} deletes an Order chosen by req\.params\.id/);
    assert.deepEqual(evidenceLines(del), ["server.js:23", "server.js:23", "server.js:24"]);
    assert.ok(del.remediation.summary.includes("server.js:23"));
    // Two unscoped reads of Order are one decision about the table: one finding, both places.
    const read = await findingAt(missingAuthorization, "express-sequelize", 13);
    assert.match(read.message, /^GET \/orders\/\{id\} and GET \/orders\/\{id\}\/receipt load an Order chosen by req\.params\.id without checking/);
    assert.equal(read.occurrences, 2);
    assert.deepEqual(evidenceLines(read), ["server.js:13", "server.js:13", "server.js:45", "server.js:45"]);
  });

  test("Express + Sequelize safe twin: an owner column in the query and an owner check before the write", async () => {
    assert.deepEqual(await summary(missingAuthorization, "express-sequelize-safe"), []);
  });

  test("Prisma: the id crosses into a service module; Number() does not make it the caller's", async () => {
    assert.deepEqual(await summary(missingAuthorization, "prisma-invoices"), ["93 act src/app.js:14", "93 act src/invoices.js:4"]);
    const patch = await findingAt(missingAuthorization, "prisma-invoices", 4);
    assert.deepEqual(evidenceLines(patch), ["src/app.js:10", "src/app.js:10", "src/invoices.js:4"]);
    assert.deepEqual(await summary(missingAuthorization, "prisma-invoices-safe"), []);
  });

  test("Mongo-style collection: an update by body id acts when the handler knows the caller; a like that records the caller does not", async () => {
    assert.deepEqual(await summary(missingAuthorization, "mongo-reviews"), ["92 act server.js:14"]);
    const finding = await findingAt(missingAuthorization, "mongo-reviews", 14);
    assert.match(finding.message, /^PATCH \/reviews updates a record in reviews chosen by req\.body\.id/);
    assert.ok(finding.evidence.some((e) => e.kind === "code" && e.line === 13 && /identity/.test(e.label ?? "")));
    assert.deepEqual(await summary(missingAuthorization, "mongo-reviews-safe"), []);
  });
});

describe("security/mass-assignment", () => {
  test("Express + Sequelize: create and instance update with the whole body on a table with a role column", async () => {
    assert.deepEqual(await summary(massAssignment, "express-sequelize"), ["92 act server.js:34", "92 act server.js:40"]);
    const create = await findingAt(massAssignment, "express-sequelize", 34);
    assert.match(create.message, /^POST \/users writes the whole request body to Users, which has `role`/);
    assert.ok(create.evidence.some((e) => e.kind === "code" && e.file === "models.js" && e.line === 5 && /role/.test(e.label ?? "")));
    assert.deepEqual(await summary(massAssignment, "express-sequelize-safe"), []);
  });

  test("Prisma: `data: req.body` on an account with a role", async () => {
    assert.deepEqual(await summary(massAssignment, "prisma-invoices"), ["92 act src/app.js:19"]);
    assert.deepEqual(await summary(massAssignment, "prisma-invoices-safe"), []);
  });

  test("finale-rest: a generated create/update of a model with a role column, unless the column is read-only", async () => {
    assert.deepEqual(await summary(massAssignment, "finale-users"), ["92 act server.js:10"]);
    const finding = await findingAt(massAssignment, "finale-users", 10);
    assert.match(finding.message, /^POST \/api\/users and PUT \/api\/users\/\{id\} \(generated by finale-rest\)/);
    assert.equal(finding.remediation.fix?.replacement, 'readOnlyAttributes: ["role"],');
    assert.deepEqual(await summary(massAssignment, "finale-users-safe"), []);
    // Models without privilege columns are not mass assignment.
    assert.deepEqual(await summary(massAssignment, "finale-shop"), []);
  });
});

describe("api/unvalidated-body next to mass assignment", () => {
  test("a whole body that mass-assignment reports is not reported again as an unvalidated body", async () => {
    assert.deepEqual(await summary(unvalidatedBody, "express-sequelize"), ["80 decide server.js:17"]);
    const finding = await findingAt(unvalidatedBody, "express-sequelize", 17);
    assert.match(finding.message, /^PUT \/orders\/\{id\} reads `body\.status`/);
    // Where nothing is mass-assigned, every unvalidated endpoint is still counted.
    assert.deepEqual(await summary(unvalidatedBody, "express-sequelize-safe"), ["80 decide server.js:17"]);
    assert.match((await findingAt(unvalidatedBody, "express-sequelize-safe", 17)).message, /3 endpoints/);
  });
});
