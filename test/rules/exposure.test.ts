// End-to-end: the exposure fixtures go through the real ingest (extractors, link) and the four
// rules about what an app exposes and how it limits requests. Each rule has a triggering fixture
// and a safe twin; Express, Fastify and Koa are covered.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ingest } from "../../src/ingest/index.ts";
import type { ArchitectureModel } from "../../src/model/types.ts";
import type { Finding } from "../../src/model/finding.ts";
import type { Rule } from "../../src/rules/types.ts";
import { rule as directoryListing } from "../../src/rules/security/directory-listing.ts";
import { rule as unauthenticatedMetrics } from "../../src/rules/security/unauthenticated-metrics.ts";
import { rule as rateLimitTrustsForwardedFor } from "../../src/rules/security/rate-limit-trusts-forwarded-for.ts";
import { rule as noRateLimitOnAuth } from "../../src/rules/security/no-rate-limit-on-auth.ts";
import { evidenceLines, runRule } from "./model-builder.ts";

const FIXTURES = join(fileURLToPath(new URL(".", import.meta.url)), "..", "fixtures", "exposure");
const models = new Map<string, Promise<ArchitectureModel>>();

function modelOf(name: string): Promise<ArchitectureModel> {
  let model = models.get(name);
  if (!model) {
    model = ingest(join(FIXTURES, name)).then((r) => r.model);
    models.set(name, model);
  }
  return model;
}

async function findings(rule: Rule, name: string): Promise<Finding[]> {
  return runRule(rule, await modelOf(name), join(FIXTURES, name));
}

/** "confidence band file:line" per finding, sorted. */
async function summary(rule: Rule, name: string): Promise<string[]> {
  const list = await findings(rule, name);
  for (const f of list) assert.equal(f.ruleId, rule.meta.id);
  return list.map((f) => `${f.confidence} ${f.band} ${f.location?.file}:${f.location?.line}`).sort();
}

describe("exposure facts", () => {
  test("records listings, static folders, files sent by name and metrics with their paths and folders", async () => {
    const served = (await modelOf("express-exposed")).served ?? [];
    assert.deepEqual(
      served.map((s) => `${s.location.line} ${s.method} ${s.path} ${s.kind} ${s.library} ${s.folder ?? "-"}`),
      [
        "11 USE /files directory-listing serve-index public/files",
        "12 USE /logs directory-listing serve-index logs",
        "13 USE /logs/:name file-by-name project ../logs",
        "14 USE /backup static-files express.static backup",
        "15 USE / static-files express.static public",
        "17 GET /metrics metrics prom-client -",
      ],
    );
    assert.equal(served.find((s) => s.kind === "file-by-name")?.servedAt?.file, "src/logs.js");
  });

  test("records rate limiters with their keys, trust-proxy settings and credential checks", async () => {
    const model = await modelOf("express-safe");
    assert.deepEqual(
      (model.rateLimiters ?? []).map((l) => `${l.location.file}:${l.location.line} ${l.library} ${l.key.source}${l.appliesTo ? " -> " + l.appliesTo : ""}`),
      [
        "src/app.js:21 express-rate-limit default",
        "src/auth.js:6 rate-limiter-flexible default",
        "src/auth.js:19 custom other -> src/auth.js:19:1",
        "src/auth.js:21 rate-limiter-flexible ip -> src/auth.js:19:1",
        "src/limiter.js:6 custom ip -> src/limiter.js:6:1",
      ],
    );
    assert.deepEqual((model.trustProxy ?? []).map((t) => `${t.framework} ${String(t.value)} line ${t.location.line}`), ["express 1 line 9"]);
    assert.deepEqual(
      (model.credentialOperations ?? []).map((o) => `${o.functionId} ${o.kind} ${o.api}`),
      ["src/auth.js:8:1 password-check bcrypt.compare", "src/auth.js:8:1 token-issue jsonwebtoken.sign"],
    );
  });

  test("reads Koa's app.proxy assignment", async () => {
    assert.deepEqual(((await modelOf("koa-open")).trustProxy ?? []).map((t) => `${t.framework} ${String(t.value)} line ${t.location.line}`), ["koa true line 8"]);
  });
});

describe("security/directory-listing", () => {
  test("reports sensitive listings and folders in act, a plain listing in decide, one finding per mount", async () => {
    assert.deepEqual(await summary(directoryListing, "express-exposed"), ["80 decide src/app.js:11", "94 act src/app.js:14", "96 act src/app.js:12"]);
    const logs = (await findings(directoryListing, "express-exposed")).find((f) => f.location?.line === 12)!;
    // The listing and the handler that sends any log by name are one exposure of /logs.
    assert.deepEqual(evidenceLines(logs), ["src/app.js:12", "src/app.js:13", "src/logs.js:5"]);
    assert.ok(logs.references.some((r) => r.id === "CWE-548"));
    assert.ok(logs.references.some((r) => r.id === "ASVS 5.0 V13.4.3"));
  });

  test("reports a Fastify static folder with list: true", async () => {
    assert.deepEqual(await summary(directoryListing, "fastify-limits"), ["96 act src/server.js:10"]);
  });

  test("stays quiet on public folders and on a log folder behind authentication", async () => {
    assert.deepEqual(await summary(directoryListing, "express-safe"), []);
    assert.deepEqual(await summary(directoryListing, "fastify-safe"), []);
  });
});

describe("security/unauthenticated-metrics", () => {
  test("reports the prom-client registry served without auth and a debug route", async () => {
    assert.deepEqual(await summary(unauthenticatedMetrics, "express-exposed"), ["82 decide src/app.js:21", "88 decide src/app.js:17"]);
    const metrics = (await findings(unauthenticatedMetrics, "express-exposed")).find((f) => f.location?.line === 17)!;
    assert.deepEqual(evidenceLines(metrics), ["src/app.js:17", "src/app.js:19"]);
    assert.ok(metrics.references.some((r) => r.id === "ASVS 5.0 V13.4.5"));
    assert.ok(metrics.remediation.options?.length);
  });

  test("reports a registry registered twice once, at its least protected registration", async () => {
    assert.deepEqual(await summary(unauthenticatedMetrics, "express-proxied"), ["88 decide src/app.js:17"]);
    const [metrics] = await findings(unauthenticatedMetrics, "express-proxied");
    assert.match(metrics.message, /\(also registered at src\/app\.js:14, where it runs optional authentication\)/);
    assert.deepEqual(evidenceLines(metrics).sort(), ["src/app.js:14", "src/app.js:17", "src/app.js:18"]);
  });

  test("stays quiet on metrics behind auth, health checks and API docs", async () => {
    assert.deepEqual(await summary(unauthenticatedMetrics, "express-safe"), []);
  });
});

describe("security/rate-limit-trusts-forwarded-for", () => {
  test("reports a key read from X-Forwarded-For in act, with trust proxy and the address-keyed limiter it exposes as one cause", async () => {
    assert.deepEqual(await summary(rateLimitTrustsForwardedFor, "express-exposed"), ["95 act src/app.js:23"]);
    const [bypass] = await findings(rateLimitTrustsForwardedFor, "express-exposed");
    assert.deepEqual(evidenceLines(bypass), ["src/app.js:23", "src/app.js:9", "src/app.js:24"]);
    assert.match(bypass.message, /`trust proxy` set to true at src\/app\.js:9 makes the client address the left-most X-Forwarded-For entry too, so the limiter\(s\) at src\/app\.js:24/);
    assert.match(bypass.remediation.summary, /Both changes are needed/);
  });

  test("reports trust proxy true with only address-keyed limiters in decide", async () => {
    assert.deepEqual(await summary(rateLimitTrustsForwardedFor, "express-proxied"), ["78 decide src/app.js:7"]);
    const [trust] = await findings(rateLimitTrustsForwardedFor, "express-proxied");
    assert.deepEqual(evidenceLines(trust), ["src/app.js:7", "src/app.js:9"]);
    assert.equal(trust.remediation.fix?.replacement, `app.set("trust proxy", 1)`);
  });

  test("reports a Fastify keyGenerator reading the header", async () => {
    assert.deepEqual(await summary(rateLimitTrustsForwardedFor, "fastify-limits"), ["95 act src/server.js:11"]);
  });

  test("stays quiet with a hop count and default keys", async () => {
    assert.deepEqual(await summary(rateLimitTrustsForwardedFor, "express-safe"), []);
    assert.deepEqual(await summary(rateLimitTrustsForwardedFor, "fastify-safe"), []);
    // Koa trusts every hop, but nothing there counts requests by address.
    assert.deepEqual(await summary(rateLimitTrustsForwardedFor, "koa-open"), []);
  });
});

describe("security/no-rate-limit-on-auth", () => {
  test("reports a login by path and a password check by behaviour when other routes are limited", async () => {
    assert.deepEqual(await summary(noRateLimitOnAuth, "express-exposed"), ["74 decide src/app.js:29", "85 decide src/app.js:26"]);
    const login = (await findings(noRateLimitOnAuth, "express-exposed")).find((f) => f.location?.line === 26)!;
    assert.deepEqual(evidenceLines(login), ["src/app.js:26", "src/auth.js:7"]);
    assert.ok(login.references.some((r) => r.id === "CWE-307"));
    assert.ok(login.references.some((r) => r.id === "ASVS 5.0 V6.3.1"));
  });

  test("reports a Fastify login when the limiter is not global", async () => {
    assert.deepEqual(await summary(noRateLimitOnAuth, "fastify-limits"), ["85 decide src/server.js:13"]);
  });

  test("gives a service with no limiter at all one finding", async () => {
    const list = await findings(noRateLimitOnAuth, "koa-open");
    assert.deepEqual(list.map((f) => `${f.confidence} ${f.band} ${f.location?.line}`), ["75 decide 11"]);
    assert.deepEqual(evidenceLines(list[0]), ["src/app.js:11", "src/app.js:17"]);
  });

  test("recognises a custom 429 limiter, a consume() in the handler and a global Fastify limiter", async () => {
    assert.deepEqual(await summary(noRateLimitOnAuth, "express-safe"), []);
    assert.deepEqual(await summary(noRateLimitOnAuth, "fastify-safe"), []);
  });
});
