// End-to-end: small Express 4/5, Fastify and NestJS services go through the real ingest
// (extractors, link, model) and the reliability rules; each triggering fixture has a safe twin.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { ingest } from "../../src/ingest/index.ts";
import type { ArchitectureModel } from "../../src/model/types.ts";
import type { Finding } from "../../src/model/finding.ts";
import type { Rule } from "../../src/rules/types.ts";
import { rule as asyncHandlerWithoutCatch } from "../../src/rules/reliability/async-handler-without-catch.ts";
import { rule as noCircuitBreaker } from "../../src/rules/reliability/no-circuit-breaker.ts";
import { rule as noGracefulShutdown } from "../../src/rules/reliability/no-graceful-shutdown.ts";
import { rule as noHealthEndpoint } from "../../src/rules/reliability/no-health-endpoint.ts";
import { rule as retryWithoutBackoff } from "../../src/rules/reliability/retry-without-backoff.ts";
import { rule as unboundedCache } from "../../src/rules/reliability/unbounded-cache.ts";
import { evidenceLines, runRule } from "./model-builder.ts";

const root = (name: string) => fileURLToPath(new URL(`../fixtures/reliability/${name}/`, import.meta.url));
const models = new Map<string, Promise<ArchitectureModel>>();

/** Each fixture is ingested once for all the rules that read it. */
function modelOf(name: string): Promise<ArchitectureModel> {
  let model = models.get(name);
  if (!model) models.set(name, (model = ingest(root(name)).then((r) => r.model)));
  return model;
}

async function run(rule: Rule, name: string): Promise<Finding[]> {
  return runRule(rule, await modelOf(name), root(name));
}

/** "confidence band severity: evidence lines" per finding. */
function summary(findings: Finding[]): string[] {
  return findings.map((f) => `${f.confidence} ${f.band} ${f.severity}: ${evidenceLines(f).join(" ")}`).sort();
}

function assertReferences(findings: Finding[], cwe: string, asvs: string): void {
  for (const f of findings) {
    assert.ok(f.references.some((r) => r.id === cwe), `${f.ruleId} cites ${cwe}`);
    assert.ok(f.references.some((r) => r.id === asvs), `${f.ruleId} cites ${asvs}`);
    assert.equal(f.question !== undefined, f.band === "ask");
  }
}

describe("reliability/async-handler-without-catch", () => {
  test("reports Express 4 async handlers whose await can reject outside a try, one per handler", async () => {
    const findings = await run(asyncHandlerWithoutCatch, "express4-bad");
    assert.deepEqual(summary(findings), ["85 decide high: src/app.js:17 src/app.js:16", "85 decide high: src/app.js:23 src/app.js:22"]);
    assert.match(findings[0].message, /The async handler at src\/app.js:16 \(GET \/api\/orders\/\{id\}\) can reject outside any try\/catch, and Express 4 \(declared in package.json\)/);
    assertReferences(findings, "CWE-248", "ASVS 5.0 V16.5.4");
  });

  test("a project asyncHandler(fn) that calls .catch(next) protects the handler; a try/catch that calls next(err) does too", async () => {
    assert.deepEqual(await run(asyncHandlerWithoutCatch, "express4-good"), []);
  });

  test("Express 5 forwards rejections itself: nothing to report", async () => {
    const model = await modelOf("express5");
    assert.equal(model.asyncRequestFunctions?.length, 1, "the unguarded await is a recorded fact");
    assert.equal(model.services[0].dependencyVersions?.express, "^5.0.1");
    assert.deepEqual(await run(asyncHandlerWithoutCatch, "express5"), []);
  });

  test("Fastify awaits async handlers: nothing to report", async () => {
    assert.deepEqual(await run(asyncHandlerWithoutCatch, "fastify-bad"), []);
  });

  test("a throw makes it a fact (act); an undeclared Express version makes it a question", async () => {
    const model = structuredClone(await modelOf("express4-bad"));
    const first = model.asyncRequestFunctions![0];
    first.unguarded = { kind: "throw", location: { file: "src/app.js", line: 18, column: 27 } };
    const asThrow = runRule(asyncHandlerWithoutCatch, model, root("express4-bad"));
    assert.deepEqual(asThrow.map((f) => `${f.confidence} ${f.band} ${f.location?.line}`), ["90 act 18", "85 decide 23"]);
    delete model.services[0].dependencyVersions;
    const unknown = runRule(asyncHandlerWithoutCatch, model, root("express4-bad"));
    assert.deepEqual(unknown.map((f) => `${f.confidence} ${f.band}`), ["65 ask", "65 ask"]);
    assert.match(unknown[0].question ?? "", /express-async-errors loaded elsewhere/);
  });
});

describe("reliability/unbounded-cache", () => {
  test("reports a Map keyed by request input and an array appended per request, with nothing removing entries", async () => {
    const findings = await run(unboundedCache, "express4-bad");
    assert.deepEqual(summary(findings), ["80 decide medium: src/app.js:11 src/app.js:24", "85 decide medium: src/app.js:10 src/app.js:31"]);
    const map = findings.find((f) => f.confidence === 85)!;
    assert.match(map.message, /module-level Map `quoteCache` \(src\/app.js:10\) grows while serving requests \(src\/app.js:31\) with keys taken from the request/);
    assert.equal(map.remediation.fix?.replacement, "new LRUCache({ max: 1000, ttl: 60_000 })");
    assertReferences(findings, "CWE-770", "ASVS 5.0 V15.2.2");
  });

  test("true negative: an LRU cache, and an array capped with shift()", async () => {
    const model = await modelOf("express4-good");
    assert.deepEqual(model.moduleCollections?.map((c) => `${c.name} removes=${c.removes.length}`), ["recentOrders removes=1"]);
    assert.deepEqual(await run(unboundedCache, "express4-good"), []);
  });
});

describe("reliability/retry-without-backoff", () => {
  test("reports axios-retry without retryDelay (act: its default is no delay) and a hand-written loop that retries at once", async () => {
    const findings = await run(retryWithoutBackoff, "express4-bad");
    assert.deepEqual(summary(findings), ["85 decide medium: src/app.js:40 src/app.js:42", "90 act medium: src/app.js:8"]);
    const library = findings.find((f) => f.band === "act")!;
    assert.ok(library.message.startsWith("axios-retry at src/app.js:8 retries up to 5 times without any delay between attempts."), library.message);
    assert.match(library.remediation.fix?.replacement ?? "", /retryDelay: axiosRetry\.exponentialDelay/);
    assertReferences(findings, "CWE-400", "ASVS 5.0 V13.2.6");
  });

  test("true negative: exponentialDelay, and a loop that sleeps 2 ** attempt", async () => {
    const model = await modelOf("express4-good");
    assert.deepEqual(model.retries?.map((r) => `${r.location.file} ${r.library} ${r.backoff} ${r.attempts}`), [
      "src/app.js axios-retry growing 3",
      "src/app.js loop growing unknown",
      "src/clients.js axios-retry unknown 3",
    ]);
    assert.deepEqual(await run(retryWithoutBackoff, "express4-good"), []);
  });

  test("a while (true) loop that retries from its catch is unbounded (high); one that throws after five attempts and sleeps 2 ** n is fine", async () => {
    const findings = await run(retryWithoutBackoff, "fastify-bad");
    assert.deepEqual(summary(findings), ["85 decide high: src/poller.js:3 src/poller.js:5"]);
    assert.match(findings[0].message, /The loop at src\/poller.js:3 retries a call to another service until it succeeds, with no attempt limit/);
    const good = await modelOf("fastify-good");
    assert.deepEqual(good.retries?.map((r) => `${r.library} ${r.backoff} ${r.attempts} ${r.outboundCallIds.join(",")}`), ["loop growing unknown src/poller.js:7:30"]);
    assert.deepEqual(await run(retryWithoutBackoff, "fastify-good"), []);
  });

  test("an unbounded retry is high severity", async () => {
    const model = structuredClone(await modelOf("express4-bad"));
    model.retries![1].attempts = "unbounded";
    const findings = runRule(retryWithoutBackoff, model, root("express4-bad"));
    const loop = findings.find((f) => f.location?.line === 40)!;
    assert.equal(loop.severity, "high");
    assert.match(loop.message, /retries a call to another service until it succeeds, with no attempt limit/);
  });
});

describe("reliability/no-circuit-breaker", () => {
  test("one finding for the service, listing each remote host called from a route", async () => {
    const findings = await run(noCircuitBreaker, "express4-bad");
    assert.deepEqual(summary(findings), ["72 decide medium: src/app.js:23 src/app.js:42"]);
    assert.match(findings[0].message, /calls 2 remote dependencies while serving requests without a circuit breaker: payments\.internal\.example\.com \(from POST \/api\/orders\); pricing\.example\.com \(from GET \/api\/quotes\/\{sku\}\)/);
    assertReferences(findings, "CWE-400", "ASVS 5.0 V16.5.2");
  });

  test("a dependency wrapped in opossum is not listed; the other one still is, at ask with a breaker library present", async () => {
    const findings = await run(noCircuitBreaker, "express4-good");
    assert.deepEqual(summary(findings), ["60 ask medium: src/app.js:51"]);
    assert.match(findings[0].message, /calls 1 remote dependency .*: pricing\.example\.com/);
  });

  test("true negative: no remote calls", async () => {
    assert.deepEqual(await run(noCircuitBreaker, "fastify-good"), []);
  });
});

describe("reliability/no-graceful-shutdown", () => {
  test("no SIGTERM handler at all: one finding for the service", async () => {
    const findings = await run(noGracefulShutdown, "express4-bad");
    assert.deepEqual(summary(findings), ["80 decide medium: src/app.js:14"]);
    assert.match(findings[0].message, /Service orders-api \(3 endpoints\) has no SIGTERM handler and no shutdown library/);
    assertReferences(findings, "CWE-404", "ASVS 5.0 V16.5.3");
  });

  test("a SIGTERM handler that only exits (Fastify)", async () => {
    const findings = await run(noGracefulShutdown, "fastify-bad");
    assert.deepEqual(summary(findings), ["85 decide medium: src/server.js:12"]);
    assert.match(findings[0].message, /handles SIGTERM \(src\/server.js:12\) without closing its HTTP server or connection pools/);
  });

  test("exiting right after server.close() without waiting is reported at the exit", async () => {
    const model = structuredClone(await modelOf("express4-good"));
    const handler = model.processHandlers![0];
    handler.exitsBeforeClosed = { close: handler.closes[0].location, exit: { file: "src/app.js", line: 66, column: 30 } };
    const findings = runRule(noGracefulShutdown, model, root("express4-good"));
    assert.deepEqual(summary(findings), ["85 decide medium: src/app.js:66 src/app.js:64 src/app.js:63"]);
    assert.match(findings[0].message, /calls process.exit at src\/app.js:66 right after starting server.close, without waiting for it/);
  });

  test("a serverless adapter owns the process lifecycle: nothing to report", async () => {
    const model = structuredClone(await modelOf("express4-bad"));
    model.services[0].dependencies.push("serverless-http");
    assert.deepEqual(runRule(noGracefulShutdown, model, root("express4-bad")), []);
  });

  test("NestJS without enableShutdownHooks is reported", async () => {
    assert.deepEqual(summary(await run(noGracefulShutdown, "nest-bad")), ["80 decide medium: src/invoices.controller.ts:5"]);
  });

  for (const name of ["express4-good", "fastify-good", "nest-good", "express5"]) {
    const expected = name === "express5" ? 1 : 0;
    test(`${name}: ${expected ? "no handler is reported" : "true negative (server.close with a callback, await app.close() in a loop over signals, enableShutdownHooks)"}`, async () => {
      assert.equal((await run(noGracefulShutdown, name)).length, expected);
    });
  }

  test("the handler facts say what is closed", async () => {
    const model = await modelOf("fastify-good");
    assert.deepEqual(model.processHandlers?.map((h) => `${h.event} ${h.closes.map((c) => c.call).join(",")} exits=${h.exits.length} early=${Boolean(h.exitsBeforeClosed)}`), [
      "SIGTERM app.close,pool.end exits=1 early=false",
      "SIGINT app.close,pool.end exits=1 early=false",
    ]);
  });
});

describe("reliability/no-health-endpoint", () => {
  test("one finding per service without a health route or library", async () => {
    const findings = await run(noHealthEndpoint, "express4-bad");
    assert.deepEqual(summary(findings), ["75 decide low: src/app.js:14"]);
    assert.deepEqual(findings[0].evidence[1], { kind: "measure", what: "endpoints of orders-api, none a health check", value: 3, unit: "endpoints" });
    assertReferences(findings, "CWE-754", "ASVS 5.0 V16.5.2");
    assert.equal((await run(noHealthEndpoint, "nest-bad")).length, 1);
    assert.equal((await run(noHealthEndpoint, "fastify-bad")).length, 1);
  });

  test("true negatives: /healthz (Express), /health (Fastify), @nestjs/terminus", async () => {
    for (const name of ["express4-good", "fastify-good", "nest-good"]) assert.deepEqual(await run(noHealthEndpoint, name), [], name);
  });
});
