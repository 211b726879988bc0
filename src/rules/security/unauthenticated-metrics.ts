// security/unauthenticated-metrics: metrics, debug or admin endpoints anyone can call.
import type { ArchitectureModel, Endpoint, ServedResource, SourceLocation } from "../../model/types.ts";
import type { Rule, RuleContext, RuleMeta } from "../types.ts";
import { byLocation, describeEndpoint, describeLocation, questionIfAsk, refs } from "../support.ts";
import { addToList } from "../../ingest/code/values.ts";

export const meta: RuleMeta = {
  id: "security/unauthenticated-metrics",
  area: "security",
  severity: "medium",
  title: "Metrics, debug or admin endpoint without authentication",
  rationale:
    "Finds endpoints that serve the metrics registry (prom-client `register.metrics()`, express-prom-bundle, " +
    "fastify-metrics) or whose path marks them as internal (`/metrics`, `/actuator`, `/debug`, `/_status`, `/admin…`) " +
    "with no authentication. Metrics name every route, reveal traffic, error rates, versions and business counters " +
    "(sign-ups, orders); debug and admin endpoints do more. Monitoring endpoints belong on an internal port or behind " +
    "authentication. Swagger and health checks are not reported.",
  examples: {
    bad: `app.get("/metrics", async (req, res) => res.end(await register.metrics()));`,
    good: `metricsApp.get("/metrics", async (req, res) => res.end(await register.metrics())); // internal port only\nmetricsApp.listen(9464, "127.0.0.1");`,
  },
  references: [
    refs.cwe(497, "Exposure of Sensitive System Information to an Unauthorized Control Sphere"),
    refs.cwe(306, "Missing Authentication for Critical Function"),
    refs.asvs("13.4.5", "Documentation and monitoring endpoints are not exposed unless explicitly intended"),
    refs.asvs("13.4.2", "Debug modes are disabled in production"),
    refs.top10(2021, 5, "Security Misconfiguration"),
  ],
};

/** The handler provably serves the metrics registry and nothing guards the route; a network rule may still hide it. */
const SERVES_METRICS = 88;
/** A metrics middleware mounted without a guard in its registration (an app-level guard may sit before it). */
const METRICS_MOUNT = 80;
/** The path names metrics or a debug surface; what the handler serves is not proven. */
const INTERNAL_PATH = 82;
/** An admin route without authentication: it may be a public page under /admin. */
const ADMIN_PATH = 72;
/** Auth could not be decided: a question. */
const UNKNOWN_AUTH = 60;

const METRICS_PATH = /^\/(.*\/)?(metrics|prometheus)(\/|$)/i;
const DEBUG_PATH = /^\/(.*\/)?(actuator|debug|_debug|__debug|heapdump|threaddump|pprof|env|_status|__status|_internal|__internal)(\/|$)/i;
const ADMIN = /^\/(.*\/)?admin(\/|$)/i;
const NOT_INTERNAL = /(swagger|api-docs|openapi|health|healthz|ready|readyz|live|livez|ping|login|signin|sign-in)/i;

interface Candidate {
  serviceId: string;
  location: SourceLocation;
  what: string;
  confidence: number;
  servedAt?: SourceLocation;
  auth: Endpoint["auth"]["state"] | "no guard in its registration";
}

function check(model: ArchitectureModel, ctx: RuleContext): void {
  const byRegistration = new Map<string, Candidate>();
  const add = (c: Candidate) => {
    const key = `${c.location.file}:${c.location.line}:${c.location.column}`;
    const existing = byRegistration.get(key);
    if (!existing || existing.confidence < c.confidence) byRegistration.set(key, c);
  };
  const metrics = (model.served ?? []).filter((s) => s.kind === "metrics");
  for (const served of metrics) {
    const candidate = fromServed(served, model.endpoints);
    if (candidate) add(candidate);
  }
  for (const endpoint of model.endpoints) {
    const candidate = fromPath(endpoint);
    if (candidate) add(candidate);
  }
  for (const [c, ...again] of sameResource([...byRegistration.values()])) {
    const alsoAt = again.length ? ` (also registered at ${again.map((a) => describeLocation(a.location)).join(", ")}, where it runs ${again.map((a) => a.auth).join(", ")} authentication)` : "";
    ctx.report({
      confidence: c.confidence,
      message: `${c.what} at ${describeLocation(c.location)} has no authentication (${c.auth})${alsoAt}: anyone who can reach the service can read it.`,
      location: c.location,
      subject: `${c.location.file}:${c.location.line} ${c.what}`,
      evidence: [
        ctx.codeEvidence(c.location, "registered here"),
        ...(c.servedAt ? [ctx.codeEvidence(c.servedAt, "metrics registry served here")] : []),
        ...again.map((a) => ctx.codeEvidence(a.location, "registered again here")),
      ],
      references: meta.references,
      remediation: {
        summary: "Serve it on an internal port or network only, or require authentication (a scrape token, basic auth, an admin guard).",
        options: [
          { title: "Separate internal listener", pros: ["Nothing public can reach it", "No credential to manage for the scraper"], cons: ["One more port to configure in the deployment"] },
          { title: "Authentication on the route", pros: ["Works with a single listener"], cons: ["The scraper needs a credential"] },
        ],
      },
      ...questionIfAsk(model, c.confidence, `Is ${c.what} meant to be public? If it sits behind a gateway that blocks it, say so in the configuration.`),
    });
  }
}

const AUTH_ORDER: Candidate["auth"][] = ["none", "no guard in its registration", "optional", "unknown"];

/**
 * The same resource registered more than once in a service (`app.get('/metrics', …)` twice) is
 * one exposure: it is reported once, at its least protected registration, with the others as evidence.
 */
function sameResource(candidates: Candidate[]): Candidate[][] {
  const groups = new Map<string, Candidate[]>();
  for (const c of candidates) {
    const key = `${c.serviceId} ${c.what}`;
    addToList(groups, key, c);
  }
  return [...groups.values()]
    .map((group) => group.sort((a, b) => AUTH_ORDER.indexOf(a.auth) - AUTH_ORDER.indexOf(b.auth) || byLocation(a.location, b.location)))
    .sort((a, b) => byLocation(a[0].location, b[0].location));
}

function fromServed(served: ServedResource, endpoints: Endpoint[]): Candidate | undefined {
  const routes = endpoints.filter((e) => e.location.file === served.location.file && e.location.line === served.location.line);
  const what = `${served.method === "USE" ? "" : served.method + " "}${served.path} (${served.library} metrics)`.trim();
  const base = { serviceId: served.serviceId, location: served.location, what, ...(served.servedAt ? { servedAt: served.servedAt } : {}) };
  if (!routes.length) return served.guards.length ? undefined : { ...base, confidence: METRICS_MOUNT, auth: "no guard in its registration" };
  const state = weakestAuth(routes);
  if (state === "required") return undefined;
  return { ...base, confidence: state === "unknown" ? UNKNOWN_AUTH : SERVES_METRICS, auth: state };
}

function fromPath(endpoint: Endpoint): Candidate | undefined {
  const state = endpoint.auth.state;
  if (state === "required" || NOT_INTERNAL.test(endpoint.path)) return undefined;
  // An admin route that reads an optional identity decides per caller; only one with no auth at all is reported.
  const admin = ADMIN.test(endpoint.path) && state === "none";
  const kind = METRICS_PATH.test(endpoint.path) || DEBUG_PATH.test(endpoint.path) ? INTERNAL_PATH : admin ? ADMIN_PATH : undefined;
  if (!kind) return undefined;
  return { serviceId: endpoint.serviceId, location: endpoint.location, what: describeEndpoint(endpoint), confidence: state === "unknown" ? UNKNOWN_AUTH : kind, auth: state };
}

/** The same registration reached twice keeps its weakest verdict. */
function weakestAuth(routes: Endpoint[]): Endpoint["auth"]["state"] {
  const order: Endpoint["auth"]["state"][] = ["none", "optional", "unknown", "required"];
  return order.find((s) => routes.some((r) => r.auth.state === s)) ?? "unknown";
}

export const rule: Rule = { meta, check };
