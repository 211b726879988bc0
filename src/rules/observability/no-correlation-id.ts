// observability/no-correlation-id: log lines of one request cannot be tied together.
import type { ArchitectureModel } from "../../model/types.ts";
import type { Option } from "../../model/finding.ts";
import type { Rule, RuleContext, RuleMeta } from "../types.ts";
import { refs } from "../support.ts";
import { absenceConfidence, dependsOnAny, hasControl, serverServices, reportAbsence } from "../service-support.ts";

export const meta: RuleMeta = {
  id: "observability/no-correlation-id",
  area: "observability",
  severity: "low",
  title: "No request or correlation id",
  rationale:
    "Finds HTTP services that give requests no id: no pino-http (which assigns one), no Fastify (whose requests carry " +
    "one), no express-request-id / cls-rtracer / express-http-context / nestjs-cls, no `genReqId` or `requestIdHeader` " +
    "option, no AsyncLocalStorage, no tracing, and no `x-request-id` or `traceparent` header read or forwarded anywhere. " +
    "Without an id, the log lines of one failing request cannot be picked out of the lines of every other request, and a " +
    "call cannot be followed into the services it calls. One finding per service, phrased as a question: an id may be " +
    "added by a proxy in front of the service.",
  examples: {
    bad: `app.use(morgan("combined"));
app.use("/api", routes);`,
    good: `app.use(pinoHttp({
  genReqId: (req, res) => req.headers["x-request-id"] ?? randomUUID(),
}));`,
  },
  references: [
    refs.cwe(778, "Insufficient Logging"),
    refs.asvs("16.2.1", "Each log entry includes the metadata needed to investigate an event (when, where, who, what)"),
    refs.asvs("16.2.4", "Logs can be read and correlated by the log processor"),
    { title: "W3C Trace Context (traceparent header)", url: "https://www.w3.org/TR/trace-context/" },
  ],
};

/** Often solved outside the code (an ingress adds x-request-id): ask. */
const CONFIDENCE = 65;

const REQUEST_ID_PACKAGES = [
  "express-request-id", "cls-rtracer", "express-http-context", "correlation-id", "express-correlation-id", "nestjs-cls", "cls-hooked",
  "@fastify/request-context", "koa-requestid", "request-id", "pino-http", "express-pino-logger", "nestjs-pino", "@opentelemetry/", "dd-trace", "elastic-apm-node", "newrelic",
];

const messages = {
  finding: (service: string) =>
    `Service ${service} gives its requests no id: nothing generates, reads or forwards a request id (x-request-id, traceparent), so the log lines of one request cannot be tied together or followed into the services it calls.`,
  question: (service: string) => `Does a proxy or gateway in front of ${service} add a request id that its logs include? If so, note it in the bka config.`,
};

const OPTIONS: Option[] = [
  {
    title: "pino-http with genReqId reading x-request-id (or a new UUID), echoed in the response",
    pros: ["Every request log line carries the id", "Reuses the id an upstream proxy set"],
    cons: ["Application logs outside the request logger need the child logger (req.log)"],
  },
  {
    title: "AsyncLocalStorage (cls-rtracer, nestjs-cls) holding the id for every log call, forwarded on outbound calls",
    pros: ["The id is available anywhere in the request's call chain"],
    cons: ["Every outbound client must forward the header"],
  },
];

export function check(model: ArchitectureModel, ctx: RuleContext): void {
  const signals = new Map((model.serviceSignals ?? []).map((s) => [s.serviceId, s]));
  for (const served of serverServices(model)) {
    const { service } = served;
    if (service.frameworks.includes("fastify") || (signals.get(service.id)?.requestIds.length ?? 0) > 0) continue;
    if (hasControl(model, service.id, ["tracing"]) || hasControl(model, service.id, ["request-logging"], (l) => l === "pino-http" || l === "fastify-logger" || l === "express-pino-logger")) continue;
    if (dependsOnAny(service, REQUEST_ID_PACKAGES)) continue;
    const confidence = absenceConfidence(model, CONFIDENCE);
    reportAbsence(model, ctx, served, {
      confidence,
      message: messages.finding(service.id),
      missing: "no request-id middleware",
      summary: `Give every request of ${service.id} an id (reuse an incoming x-request-id), log it on every line and forward it on outbound calls.`,
      options: OPTIONS,
      question: messages.question(service.id),
    });
  }
}

export const rule: Rule = { meta, check };
