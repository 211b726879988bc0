// observability/no-request-logging: a service answers HTTP requests and keeps no record of them.
import type { ArchitectureModel, Endpoint, Framework, Service, SourceLocation } from "../../model/types.ts";
import type { Option } from "../../model/finding.ts";
import type { Rule, RuleContext, RuleMeta } from "../types.ts";
import { byLocation, questionIfAsk, refs } from "../support.ts";

export const meta: RuleMeta = {
  id: "observability/no-request-logging",
  area: "observability",
  severity: "medium",
  title: "No request logging",
  rationale:
    "Finds services that serve HTTP endpoints without any request-logging middleware or framework logger " +
    "(morgan, pino-http, Fastify's logger, hono/logger, a custom logging middleware). Without one line per request " +
    "— method, path, status, duration, request id — an incident cannot be reconstructed: nobody can tell which " +
    "requests failed, which were slow, or what an attacker tried. This is an absence claim: bka says it only as " +
    "strongly as its understanding of the project allows, and logs written by a proxy or gateway in front of the " +
    "service are out of its sight.",
  examples: {
    bad: `const app = express();
app.use(express.json());
app.use("/api/orders", orders);`,
    good: `const app = express();
app.use(pinoHttp({ logger }));
app.use(express.json());
app.use("/api/orders", orders);`,
  },
  references: [
    refs.cwe(778, "Insufficient Logging"),
    refs.asvs("16.2.1", "Each log entry includes the metadata needed to investigate an event (when, where, who, what)"),
    refs.top10(2021, 9, "Security Logging and Monitoring Failures"),
    refs.top10(2025, 9, "Security Logging and Alerting Failures"),
    refs.cheatSheet("Logging"),
  ],
};

/**
 * Confidence falls with understanding faster than the engine's general scaling, because a
 * middleware in a file bka could not parse is enough to make the claim wrong.
 */
const CONFIDENCE = { wellUnderstood: 85, partlyUnderstood: 72, poorlyUnderstood: 60 } as const;
const UNDERSTANDING = { well: 80, partly: 50 } as const;

const LOGGING_NAME = /log/i;

const messages = {
  missing: (service: string, endpoints: number) =>
    `Service ${service} serves ${endpoints} endpoint${endpoints === 1 ? "" : "s"} but registers no request-logging middleware or framework logger: requests leave no trace.`,
  question: (service: string) =>
    `Are the requests of ${service} logged somewhere bka cannot see (a proxy, an API gateway, a middleware in an unparsed file)? If so, note it in the bka config.`,
};

const PROXY_OPTION: Option = {
  title: "Rely on the access log of the proxy or gateway in front of the service",
  pros: ["No code change"],
  cons: ["No user id, handler timing or application error context", "Lost when the service is called directly (internal traffic, jobs)"],
};

const LOGGER_OPTIONS: Record<"fastify" | "hono" | "default", Option[]> = {
  fastify: [
    {
      title: "Turn on Fastify's built-in logger (Fastify({ logger: true }))",
      pros: ["pino under the hood: structured JSON, request ids, response times", "No extra dependency"],
      cons: ["Configure redaction of authorization headers and cookies"],
    },
  ],
  hono: [
    {
      title: "Add hono/logger (app.use(logger()))",
      pros: ["Built into Hono; one line"],
      cons: ["Plain text, no request id: use a structured logger middleware for production"],
    },
  ],
  default: [
    {
      title: "pino-http (structured JSON logs)",
      pros: ["Fast; request id, status and response time per line", "Pairs with a pino logger used elsewhere in the service"],
      cons: ["JSON logs need a viewer (pino-pretty) in development", "Configure redaction of authorization headers and cookies"],
    },
    {
      title: "morgan (Apache-style access log)",
      pros: ["One line to add; familiar format"],
      cons: ["Text lines are hard to query", "No request id or correlation with application logs"],
    },
  ],
};

export function check(model: ArchitectureModel, ctx: RuleContext): void {
  for (const service of servicesServingHttp(model)) {
    const endpoints = model.endpoints.filter((e) => e.serviceId === service.id).sort((a, b) => byLocation(a.location, b.location));
    if (logsRequests(model, service, endpoints)) continue;
    report(model, ctx, service, endpoints);
  }
}

/** Services with endpoints, sorted; an endpoint whose service is missing from the model still counts. */
function servicesServingHttp(model: ArchitectureModel): Service[] {
  const ids = [...new Set(model.endpoints.map((e) => e.serviceId))].sort();
  return ids.map(
    (id) =>
      model.services.find((s) => s.id === id) ?? {
        id,
        root: ".",
        frameworks: [...new Set(model.endpoints.filter((e) => e.serviceId === id).map((e) => e.framework))].sort(),
        dependencies: [],
      },
  );
}

function report(model: ArchitectureModel, ctx: RuleContext, service: Service, endpoints: Endpoint[]): void {
  const confidence = confidenceFor(model.coverage.understanding);
  const setup = appSetupLocation(model, service, endpoints);
  ctx.report({
    confidence,
    message: messages.missing(service.id, endpoints.length),
    location: setup.location,
    subject: `service ${service.id}`,
    evidence: [
      ctx.codeEvidence(setup.location, setup.label),
      { kind: "measure", what: `endpoints of ${service.id} served without request logging`, value: endpoints.length, unit: "endpoints" },
    ],
    remediation: {
      summary: `Register a request logger first in ${service.id}'s middleware chain, so every request, including rejected ones, is logged with status and duration.`,
      options: [...LOGGER_OPTIONS[loggerFlavour(service.frameworks)], PROXY_OPTION],
    },
    ...questionIfAsk(model, confidence, messages.question(service.id)),
  });
}

/** A request-logging control, or any logging middleware on the service's routes. */
function logsRequests(model: ArchitectureModel, service: Service, endpoints: Endpoint[]): boolean {
  if (model.observabilityControls.some((c) => c.serviceId === service.id && c.kind === "request-logging")) return true;
  return endpoints.some((e) => e.middleware.some((m) => m.kind === "logging" || (m.kind === "other" && LOGGING_NAME.test(m.name))));
}

function confidenceFor(understanding: number): number {
  if (understanding >= UNDERSTANDING.well) return CONFIDENCE.wellUnderstood;
  if (understanding >= UNDERSTANDING.partly) return CONFIDENCE.partlyUnderstood;
  return CONFIDENCE.poorlyUnderstood;
}

/**
 * Where the app is set up, as near as the model tells: the first app-level middleware, else the
 * first security control the service configures (helmet, cors), else the first route.
 */
function appSetupLocation(model: ArchitectureModel, service: Service, endpoints: Endpoint[]): { location: SourceLocation; label: string } {
  const appMiddleware = endpoints.flatMap((e) => e.middleware.filter((m) => m.scope === "app").map((m) => m.location)).sort(byLocation);
  if (appMiddleware.length > 0) return { location: appMiddleware[0], label: "app middleware chain starts here, without a request logger" };
  const controls = model.securityControls.filter((c) => c.serviceId === service.id).map((c) => c.location).sort(byLocation);
  if (controls.length > 0) return { location: controls[0], label: "app configured here, without a request logger" };
  return { location: endpoints[0].location, label: "first route registered here, without a request logger" };
}

function loggerFlavour(frameworks: Framework[]): keyof typeof LOGGER_OPTIONS {
  if (frameworks.includes("fastify")) return "fastify";
  if (frameworks.includes("hono")) return "hono";
  return "default";
}

export const rule: Rule = { meta, check };
