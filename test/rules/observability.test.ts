// End-to-end: small Express, Fastify and NestJS services go through the real ingest and the
// observability rules (project-level ones give one finding per service); each has a safe twin.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { ingest } from "../../src/ingest/index.ts";
import type { ArchitectureModel } from "../../src/model/types.ts";
import type { Finding } from "../../src/model/finding.ts";
import type { Rule } from "../../src/rules/types.ts";
import { rule as consoleOnlyLogging } from "../../src/rules/observability/console-only-logging.ts";
import { rule as noCorrelationId } from "../../src/rules/observability/no-correlation-id.ts";
import { rule as noMetrics } from "../../src/rules/observability/no-metrics.ts";
import { rule as noTracing } from "../../src/rules/observability/no-tracing.ts";
import { rule as swallowedError } from "../../src/rules/observability/swallowed-error.ts";
import { evidenceLines, runRule } from "./model-builder.ts";

const FIXTURES: Record<string, string> = {
  "express-bad": "observability/express-bad",
  "express-good": "observability/express-good",
  "nest-logger": "observability/nest-logger",
  "fastify-good": "reliability/fastify-good",
  "company-logger": "observability/company-logger",
};
const root = (name: string) => fileURLToPath(new URL(`../fixtures/${FIXTURES[name]}/`, import.meta.url));
const models = new Map<string, Promise<ArchitectureModel>>();

function modelOf(name: string): Promise<ArchitectureModel> {
  let model = models.get(name);
  if (!model) models.set(name, (model = ingest(root(name)).then((r) => r.model)));
  return model;
}

async function run(rule: Rule, name: string): Promise<Finding[]> {
  return runRule(rule, await modelOf(name), root(name));
}

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

describe("observability/console-only-logging", () => {
  test("reports a service that logs only through console.*, once, at its first console call", async () => {
    const findings = await run(consoleOnlyLogging, "express-bad");
    assert.deepEqual(summary(findings), ["75 decide low: src/app.js:40"]);
    assert.match(findings[0].message, /Service notes-api logs only through console\.\* \(2 calls in its server code\)/);
    assert.deepEqual(findings[0].evidence[1], { kind: "measure", what: "console.* calls in notes-api's server code", value: 2, unit: "calls" });
    assertReferences(findings, "CWE-778", "ASVS 5.0 V16.2.4");
  });

  test("true negatives: pino, Fastify's logger, NestJS's Logger (even with a console.log in main.ts)", async () => {
    for (const name of ["express-good", "fastify-good", "nest-logger"]) assert.deepEqual(await run(consoleOnlyLogging, name), [], name);
    const nest = await modelOf("nest-logger");
    assert.equal(nest.serviceSignals?.[0].consoleCalls, 1);
    assert.ok(nest.observabilityControls.some((c) => c.kind === "logger" && c.library === "@nestjs/common"));
  });

  test("true negative: a logger from a library bka does not know, seen through its logger.info / logging.error calls", async () => {
    const model = await modelOf("company-logger");
    assert.deepEqual(model.serviceSignals?.map((x) => `${x.serviceId} console=${x.consoleCalls} logger=${x.loggerCalls}`), ["ledger-api console=1 logger=3"]);
    assert.deepEqual(await run(consoleOnlyLogging, "company-logger"), []);
  });
});

describe("observability/no-correlation-id", () => {
  test("asks once per service with no request id anywhere", async () => {
    const findings = await run(noCorrelationId, "express-bad");
    assert.deepEqual(summary(findings), ["65 ask low: src/app.js:19"]);
    assert.match(findings[0].question ?? "", /proxy or gateway in front of notes-api/);
    assertReferences(findings, "CWE-778", "ASVS 5.0 V16.2.1");
  });

  test("true negatives: pino-http with genReqId reading x-request-id; Fastify's built-in request ids", async () => {
    const good = await modelOf("express-good");
    assert.deepEqual(good.serviceSignals?.[0].requestIds.map((r) => `${r.what} ${r.location.line}`), ["genReqId option 13", '"x-request-id" header 13']);
    for (const name of ["express-good", "fastify-good"]) assert.deepEqual(await run(noCorrelationId, name), [], name);
  });
});

describe("observability/no-metrics", () => {
  test("one finding per service without a metrics client", async () => {
    const findings = await run(noMetrics, "express-bad");
    assert.deepEqual(summary(findings), ["72 decide low: src/app.js:19"]);
    assertReferences(findings, "CWE-778", "ASVS 5.0 V16.4.3");
    assert.equal((await run(noMetrics, "nest-logger")).length, 1);
  });

  test("true negative: prom-client", async () => {
    assert.deepEqual(await run(noMetrics, "express-good"), []);
  });
});

describe("observability/no-tracing", () => {
  test("a question per service without a tracing SDK or agent", async () => {
    const findings = await run(noTracing, "express-bad");
    assert.deepEqual(summary(findings), ["60 ask info: src/app.js:19"]);
    assert.match(findings[0].question ?? "", /Add OpenTelemetry, or note the decision/);
    assertReferences(findings, "CWE-778", "ASVS 5.0 V16.2.4");
  });

  test("true negative: the OpenTelemetry SDK", async () => {
    assert.deepEqual(await run(noTracing, "express-good"), []);
  });
});

describe("observability/swallowed-error", () => {
  test("asks about an empty .catch() in a request path and an empty catch in startup code, one per function", async () => {
    const findings = await run(swallowedError, "express-bad");
    assert.deepEqual(summary(findings), ["65 ask low: src/app.js:10", "65 ask medium: src/app.js:26"]);
    const inRequest = findings.find((f) => f.severity === "medium")!;
    assert.match(inRequest.message, /drops the error in an empty \.catch\(\) handler \(line 26\) while serving requests/);
    assert.match(inRequest.question ?? "", /Is dropping the error at src\/app.js:26 intended/);
    assertReferences(findings, "CWE-390", "ASVS 5.0 V16.3.4");
  });

  test("not reported: a parse used as validation, p.catch(() => {}) on a stored promise, a catch inside error handling, a fallback return, unreached code, test files", async () => {
    const model = await modelOf("express-bad");
    assert.deepEqual(
      model.catchBlocks?.map((c) => `${c.location.file}:${c.location.line} ${c.kind} ${c.handling} ${c.reach}${c.detail ? ` (${c.detail})` : ""}${c.parseFallback ? " parse" : ""}${c.context ? ` ${c.context}` : ""}`),
      [
        "src/app.js:10 try empty startup",
        "src/app.js:15 try empty startup parse",
        "src/app.js:26 promise empty request",
        "src/app.js:29 promise handles request",
        "src/app.js:36 promise handles request",
        "src/app.js:48 promise handles request",
        "src/archive.js:5 promise empty request stored-promise",
        "src/archive.js:8 try rethrows request",
        "src/archive.js:11 try empty request error-handler",
        "src/notify.js:16 try ignores startup (only returns)",
        "src/notify.js:25 try empty other parse",
      ],
    );
  });

  test("true negative: catches that log, and an empty catch whose comment says why", async () => {
    const model = await modelOf("express-good");
    assert.ok(model.catchBlocks?.some((c) => c.handling === "empty" && c.commented));
    assert.deepEqual(await run(swallowedError, "express-good"), []);
  });
});
