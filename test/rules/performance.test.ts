// End-to-end: three small apps (Express, Fastify, Koa) and their safe twins go through the real
// ingest (runtime-call extractor, taint, handler linking, controls) and each runtime-call rule.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { ingest } from "../../src/ingest/index.ts";
import type { ArchitectureModel } from "../../src/model/types.ts";
import type { Finding } from "../../src/model/finding.ts";
import type { Rule } from "../../src/rules/types.ts";
import { catastrophicPart } from "../../src/ingest/code/runtime-calls.ts";
import { rule as syncIo } from "../../src/rules/performance/sync-io-in-request-path.ts";
import { rule as dbClientPerRequest } from "../../src/rules/performance/db-client-per-request.ts";
import { rule as unboundedBodySize, byteSize } from "../../src/rules/performance/unbounded-body-size.ts";
import { rule as redos } from "../../src/rules/performance/redos.ts";
import { rule as jsonInLoop } from "../../src/rules/performance/json-in-loop.ts";
import { rule as cacheCandidate } from "../../src/rules/performance/cache-candidate.ts";
import { rule as processExit } from "../../src/rules/reliability/process-exit-in-request-path.ts";
import { evidenceLines, runRule } from "./model-builder.ts";

type App = "express" | "fastify" | "koa";
const APPS: App[] = ["express", "fastify", "koa"];

function root(app: App, variant: "bad" | "good"): string {
  return fileURLToPath(new URL(`../fixtures/performance/${app}-${variant}/`, import.meta.url));
}

const models = new Map<string, Promise<ArchitectureModel>>();
function modelOf(app: App, variant: "bad" | "good"): Promise<ArchitectureModel> {
  const key = `${app}-${variant}`;
  if (!models.has(key)) models.set(key, ingest(root(app, variant)).then((r) => r.model));
  return models.get(key)!;
}

async function findings(rule: Rule, app: App, variant: "bad" | "good"): Promise<Finding[]> {
  return runRule(rule, await modelOf(app, variant), root(app, variant));
}

/** "confidence band file:line: evidence lines" per finding, sorted. */
function summary(list: Finding[]): string[] {
  return list.map((f) => `${f.confidence} ${f.band} ${f.location?.file}:${f.location?.line}: ${evidenceLines(f).join(" ")}`).sort();
}

const CASES: { rule: Rule; cwe: string; asvs: string; bad: Record<App, string[]> }[] = [
  {
    rule: syncIo, cwe: "CWE-400", asvs: "ASVS 5.0 V15.2.2",
    bad: {
      express: ["75 decide src/templates.js:4: src/templates.js:4 src/app.js:20", "90 act src/app.js:16: src/app.js:16 src/app.js:14"],
      fastify: ["80 decide src/server.js:10: src/server.js:10 src/server.js:9", "90 act src/server.js:15: src/server.js:15 src/server.js:14"],
      koa: ["90 act src/app.js:30: src/app.js:30 src/app.js:29"],
    },
  },
  {
    rule: dbClientPerRequest, cwe: "CWE-772", asvs: "ASVS 5.0 V13.2.6",
    bad: {
      express: ["90 act src/app.js:25: src/app.js:25 src/app.js:24"],
      fastify: ["80 decide src/server.js:24: src/server.js:24 src/server.js:23", "90 act src/server.js:19: src/server.js:19 src/server.js:18"],
      koa: ["90 act src/app.js:35: src/app.js:35 src/app.js:34"],
    },
  },
  {
    rule: unboundedBodySize, cwe: "CWE-770", asvs: "ASVS 5.0 V5.2.1",
    bad: {
      express: ["80 decide src/app.js:10: src/app.js:10 src/app.js:11"],
      fastify: ["70 decide src/server.js:7: src/server.js:7"],
      koa: ["70 decide src/app.js:9: src/app.js:9"],
    },
  },
  {
    rule: redos, cwe: "CWE-1333", asvs: "ASVS 5.0 V1.3.12",
    bad: {
      express: ["90 act src/app.js:12: src/app.js:12 src/app.js:36 src/app.js:35", "90 act src/app.js:31: src/app.js:31 src/app.js:30"],
      fastify: [],
      koa: ["75 decide src/app.js:17: src/app.js:25 src/app.js:21 src/app.js:17 src/app.js:24", "90 act src/app.js:13: src/app.js:13 src/app.js:11"],
    },
  },
  {
    rule: jsonInLoop, cwe: "CWE-1050", asvs: "ASVS 5.0 V15.2.2",
    bad: { express: ["60 ask src/app.js:49: src/app.js:49 src/app.js:49"], fastify: [], koa: [] },
  },
  {
    rule: cacheCandidate, cwe: "CWE-400", asvs: "ASVS 5.0 V15.2.2",
    bad: { express: ["55 ask src/app.js:40: src/app.js:40"], fastify: [], koa: [] },
  },
  {
    rule: processExit, cwe: "CWE-382", asvs: "ASVS 5.0 V16.5.4",
    bad: {
      express: ["90 act src/app.js:55: src/app.js:55 src/app.js:53"],
      fastify: ["90 act src/server.js:35: src/server.js:35 src/server.js:34"],
      koa: [],
    },
  },
];

for (const { rule, cwe, asvs, bad } of CASES) {
  describe(rule.meta.id, () => {
    for (const app of APPS) {
      test(`${app}: reports the triggering app with exact lines and bands`, async () => {
        const list = await findings(rule, app, "bad");
        assert.deepEqual(summary(list), bad[app]);
        for (const finding of list) {
          assert.equal(finding.ruleId, rule.meta.id);
          assert.ok(finding.references.some((r) => r.id === cwe), `${rule.meta.id} cites ${cwe}`);
          assert.ok(finding.references.some((r) => r.id === asvs), `${rule.meta.id} cites ${asvs}`);
          assert.equal(finding.question !== undefined, finding.band === "ask");
        }
      });

      test(`${app}: stays quiet on the safe twin`, async () => {
        assert.deepEqual(summary(await findings(rule, app, "good")), []);
      });
    }
  });
}

describe("runtime-call facts", () => {
  test("records the request flow into a compiled regex and into a catastrophic pattern's subject", async () => {
    const calls = (await modelOf("express", "bad")).runtimeCalls ?? [];
    const compiled = calls.find((c) => c.api === "new RegExp");
    assert.deepEqual(compiled?.flows.map((f) => f.source.path), ["query.q"]);
    const literal = calls.find((c) => c.api === "RegExp.prototype.test");
    assert.equal(literal?.regex?.source, "^([a-z0-9]+[-_]?)+$");
    assert.equal(literal?.regex?.catastrophic, "([a-z0-9]+[-_]?)+");
    assert.deepEqual(literal?.regex?.sourceLocation && [literal.regex.sourceLocation.file, literal.regex.sourceLocation.line], ["src/app.js", 12]);
    assert.equal(literal?.location.line, 36, "used in the handler, declared above");
    assert.deepEqual(literal?.regex?.subjectFlows.map((f) => f.source.path), ["body.username"]);
  });

  test("marks cached work and stored clients, and keeps module-level calls off request paths", async () => {
    const model = await modelOf("express", "good");
    const byLine = (file: string, line: number) => model.runtimeCalls?.find((c) => c.location.file === file && c.location.line === line);
    assert.equal(byLine("src/templates.js", 7)?.memoised, true, "if (cache[name]) return cache[name] guards the read");
    assert.equal(byLine("src/app.js", 16)?.stored, true, "reportsPool ??= new Pool() keeps the pool");
    assert.equal(model.runtimeCalls?.find((c) => c.api === "new RegExp"), undefined, "a piece matched by /#[a-z]+/ is not a free pattern");
    assert.equal(byLine("src/app.js", 12)?.functionId, undefined, "the banner is read at module level");
    const linked = new Set(model.handlers.flatMap((h) => h.runtimeCallIds ?? []));
    assert.ok(!linked.has(byLine("src/app.js", 12)!.id));
    const fastify = await modelOf("fastify", "good");
    const logo = fastify.runtimeCalls?.find((c) => c.api === "fs.readFileSync");
    assert.equal(logo?.memoised, true, "if (logo !== undefined) return logo guards the read");
    assert.ok(fastify.handlers.some((h) => h.runtimeCallIds?.includes(logo!.id)), "the read is reached from GET /logo");
  });

  test("tells a pool from a single connection, and a method of an existing client from a new one", async () => {
    const calls = (await modelOf("fastify", "bad")).runtimeCalls ?? [];
    assert.deepEqual(calls.filter((c) => c.category === "db-client").map((c) => `${c.api} ${c.pooled}`), ["new @prisma/client.PrismaClient true", "new pg.Client false"]);
    const koa = (await modelOf("koa", "good")).runtimeCalls ?? [];
    assert.deepEqual(koa.filter((c) => c.category === "db-client").map((c) => `${c.api} ${c.location.line}`), ["mongoose.createConnection 13", "redis.createClient 14"], "counters.connect() is not a new client");
  });

  test("links handlers to the runtime calls they reach through helpers", async () => {
    const model = await modelOf("express", "bad");
    const invoice = model.endpoints.find((e) => e.path === "/invoices/{id}");
    const handler = model.handlers.find((h) => h.id === invoice?.handlerId);
    assert.deepEqual(handler?.runtimeCallIds, ["src/templates.js:4:10"]);
  });
});

describe("catastrophic-pattern test", () => {
  test("finds nested or ambiguous repetition followed by something that can fail", () => {
    assert.equal(catastrophicPart("(a+)+$"), "(a+)+");
    assert.equal(catastrophicPart("^(\\w+\\s?)*$"), "(\\w+\\s?)*");
    assert.equal(catastrophicPart("(a|a)*b"), "(a|a)*");
    assert.equal(catastrophicPart("^(([a-z])+.)+[A-Z]([a-z])+$"), "(([a-z])+.)+");
    assert.equal(catastrophicPart("^([a-zA-Z0-9])(([\\-.]|[_]+)?([a-zA-Z0-9]+))*(@){1}[a-z0-9]+$"), "(([\\-.]|[_]+)?([a-zA-Z0-9]+))*");
  });

  test("leaves linear, polynomial, bounded and unanchored-tail patterns alone", () => {
    for (const safe of ["(a+)+", "(\\d+\\.)+$", "(\\w+-)+$", "(.*a){10}", "(.)*solve(.)*", "^[a-z0-9]+([-_][a-z0-9]+)*$", "^(\\s*,\\s*)+$", "(unclosed"]) {
      assert.equal(catastrophicPart(safe), undefined, safe);
    }
  });

  test("reads body-parser sizes as the bytes package does", () => {
    assert.equal(byteSize("500mb"), 500 * 1024 * 1024);
    assert.equal(byteSize("100kb"), 102400);
    assert.equal(byteSize(1048576), 1048576);
    assert.equal(byteSize("(dynamic)"), undefined);
  });
});
