import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { rule } from "../../src/rules/observability/no-request-logging.ts";
import type { ArchitectureModel, MiddlewareRef } from "../../src/model/types.ts";
import {
  at,
  emptyModel,
  endpoint,
  evidenceLines,
  fixture,
  middleware,
  observability,
  runRule,
  securityControl,
  service,
  withUnderstanding,
} from "./model-builder.ts";

const APP = "src/app.js";
const ORDERS = "src/routes/orders.js";

function ordersModel(root: string, withPinoHttp: boolean): ArchitectureModel {
  const appLevel: MiddlewareRef[] = [
    ...(withPinoHttp ? [middleware({ name: "pinoHttp", kind: "logging", scope: "app", library: "pino-http", location: at(root, APP, "app.use(pinoHttp") })] : []),
    middleware({ name: "helmet", kind: "security-headers", scope: "app", library: "helmet", location: at(root, APP, "app.use(helmet())") }),
    middleware({ name: "cors", kind: "cors", scope: "app", library: "cors", location: at(root, APP, "app.use(cors(") }),
    middleware({ name: "express.json", kind: "body-parser", scope: "app", library: "express", location: at(root, APP, "app.use(express.json())") }),
  ];
  const route = (method: "GET" | "POST", path: string, line: string) =>
    endpoint({ serviceId: "orders-api", method, path, location: at(root, ORDERS, line), middleware: appLevel });
  return emptyModel({
    services: [service({ id: "orders-api", dependencies: ["cors", "express", "helmet"] })],
    endpoints: [route("GET", "/api/orders", 'orders.get("/"'), route("GET", "/api/orders/{id}", 'orders.get("/:id"'), route("POST", "/api/orders", 'orders.post("/"')],
    securityControls: [
      securityControl({ serviceId: "orders-api", kind: "security-headers", library: "helmet", location: at(root, APP, "app.use(helmet())") }),
      securityControl({ serviceId: "orders-api", kind: "cors", library: "cors", location: at(root, APP, "app.use(cors(") }),
    ],
    observabilityControls: withPinoHttp
      ? [
          observability({ serviceId: "orders-api", kind: "logger", library: "pino", location: at(root, APP, "const logger = pino(") }),
          observability({ serviceId: "orders-api", kind: "request-logging", library: "pino-http", location: at(root, APP, "app.use(pinoHttp") }),
        ]
      : [],
  });
}

describe("observability/no-request-logging", () => {
  test("reports a service without request logging at its app setup, with the endpoint count", () => {
    const root = fixture("no-request-logging", "bad");
    const findings = runRule(rule, ordersModel(root, false), root);
    assert.equal(findings.length, 1);
    const [finding] = findings;
    assert.equal(finding.ruleId, "observability/no-request-logging");
    assert.equal(finding.confidence, 85);
    assert.equal(finding.band, "decide");
    assert.equal(finding.severity, "medium");
    assert.match(finding.message, /Service orders-api serves 3 endpoints but registers no request-logging middleware/);
    assert.deepEqual(evidenceLines(finding), [`${APP}:8`]);
    assert.equal(finding.evidence[0].kind === "code" && finding.evidence[0].snippet, "app.use(helmet());");
    assert.deepEqual(finding.evidence[1], { kind: "measure", what: "endpoints of orders-api served without request logging", value: 3, unit: "endpoints" });
    assert.deepEqual(
      finding.remediation.options?.map((o) => o.title.split(" (")[0]),
      ["pino-http", "morgan", "Rely on the access log of the proxy or gateway in front of the service"],
    );
    assert.equal(finding.question, undefined);
    assert.ok(finding.references.some((r) => r.id === "CWE-778"));
  });

  test("true negative: pino-http registered", () => {
    const root = fixture("no-request-logging", "good");
    assert.deepEqual(runRule(rule, ordersModel(root, true), root), []);
  });

  test("a custom logging middleware on the routes counts as request logging", () => {
    const root = fixture("no-request-logging", "bad");
    const model = ordersModel(root, false);
    const custom = middleware({ name: "requestLogger", kind: "other", scope: "app", location: at(root, APP, "app.use(express.json())") });
    model.endpoints = model.endpoints.map((e) => ({ ...e, middleware: [custom, ...e.middleware] }));
    assert.deepEqual(runRule(rule, model, root), []);
  });

  test("an absence claim weakens with understanding and becomes a question", () => {
    const root = fixture("no-request-logging", "bad");
    const [finding] = runRule(rule, withUnderstanding(ordersModel(root, false), 60), root);
    assert.equal(finding.confidence, 60); // 72 × (0.6 + 0.4 × 0.6)
    assert.equal(finding.band, "ask");
    assert.match(finding.question ?? "", /logged somewhere bka cannot see/);
  });

  test("falls back to a security control, then to the first route, for the setup location", () => {
    const root = fixture("no-request-logging", "bad");
    const model = ordersModel(root, false);
    model.endpoints = model.endpoints.map((e) => ({ ...e, middleware: [] }));
    assert.deepEqual(evidenceLines(runRule(rule, model, root)[0]), [`${APP}:8`]);
    model.securityControls = [];
    assert.deepEqual(evidenceLines(runRule(rule, model, root)[0]), [`${ORDERS}:7`]);
  });

  test("Fastify services are pointed at the built-in logger; services without endpoints are skipped", () => {
    const root = fixture("no-request-logging", "bad");
    const model = ordersModel(root, false);
    model.services = [service({ id: "orders-api", frameworks: ["fastify"] }), service({ id: "worker", frameworks: [] })];
    const findings = runRule(rule, model, root);
    assert.equal(findings.length, 1);
    assert.match(findings[0].remediation.options?.[0].title ?? "", /Fastify's built-in logger/);
  });

  test("endpoints whose service is missing from the model are still covered", () => {
    const root = fixture("no-request-logging", "bad");
    const model = ordersModel(root, false);
    model.services = [];
    const [finding] = runRule(rule, model, root);
    assert.match(finding.message, /Service orders-api serves 3 endpoints/);
  });
});
