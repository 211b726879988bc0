// reliability/no-circuit-breaker: request paths call other services with nothing to stop calling a dead one.
import type { ArchitectureModel, Endpoint, OutboundCall } from "../../model/types.ts";
import type { CodeEvidence, Option } from "../../model/finding.ts";
import type { Rule, RuleContext, RuleMeta } from "../types.ts";
import { byLocation, describeEndpoint, questionIfAsk, refs } from "../support.ts";
import { absenceConfidence, dependsOnAny, servicesServingHttp } from "../service-support.ts";
import { compareText } from "../../model/order.ts";

export const meta: RuleMeta = {
  id: "reliability/no-circuit-breaker",
  area: "reliability",
  severity: "medium",
  title: "Remote dependency called without a circuit breaker",
  rationale:
    "Finds services whose request handlers call other HTTP services (fixed hosts, not URLs the client supplies) without " +
    "a circuit breaker (opossum, cockatiel, brakes, mollitia) around the calls. When a dependency is down or slow, every " +
    "incoming request still waits for it — up to the timeout, times the retries — so threads, sockets and connection " +
    "pools fill with doomed calls and the failure spreads to the caller's own users. A breaker counts failures, stops " +
    "calling the dependency for a while once it is clearly failing, answers at once with a fallback or an error, and " +
    "probes again later. One finding per service lists its dependencies.",
  examples: {
    bad: `app.post("/orders", async (req, res) => {
  const charge = await payments.post("/charges", req.body); // every request waits on a dead payments service
  res.json(charge.data);
});`,
    good: `const charge = new CircuitBreaker((body) => payments.post("/charges", body), { timeout: 3000, errorThresholdPercentage: 50, resetTimeout: 10_000 });
charge.fallback(() => ({ status: "queued" }));`,
  },
  references: [
    refs.cwe(400, "Uncontrolled Resource Consumption"),
    refs.asvs("16.5.2", "The application keeps operating securely when external resource access fails (circuit breakers, graceful degradation)"),
    { title: "Martin Fowler: CircuitBreaker", url: "https://martinfowler.com/bliki/CircuitBreaker.html" },
    { title: "opossum: Node.js circuit breaker", url: "https://nodeshift.dev/opossum/" },
  ],
};

/**
 * Confidence: whether a dependency needs a breaker is a design decision (72, decide). When the
 * service already depends on a breaker library bka may not see how it is wired (60, ask).
 */
const CONFIDENCE = { decide: 72, breakerLibraryPresent: 60 } as const;

const BREAKER_PACKAGES = ["opossum", "cockatiel", "brakes", "mollitia", "circuit-breaker-js"];
const LOCAL_HOST = /^(localhost|127\.|0\.0\.0\.0|\[::1\])/;
const FIXED_HOST = /^[a-z][a-z0-9+.-]*:\/\/[^/$]+(\/|$)/i;

interface Dependency {
  host: string;
  calls: OutboundCall[];
  routes: Endpoint[];
}

const messages = {
  finding: (service: string, deps: Dependency[]) =>
    `Service ${service} calls ${deps.length} remote dependenc${deps.length === 1 ? "y" : "ies"} while serving requests without a circuit breaker: ` +
    deps.map((d) => `${d.host} (from ${d.routes.slice(0, 2).map(describeEndpoint).join(", ")}${d.routes.length > 2 ? ", …" : ""})`).join("; ") +
    ". When one of them fails, every request keeps waiting on it.",
  question: (service: string) => `Are the remote calls of ${service} protected in a way bka does not see (a breaker in a shared client, a service mesh)? If so, note it in the bka config.`,
};

const OPTIONS: Option[] = [
  {
    title: "Wrap each dependency's client in a circuit breaker (opossum, cockatiel) with a fallback",
    pros: ["Fails fast while the dependency is down; recovers on its own", "A fallback keeps part of the feature working"],
    cons: ["Thresholds need tuning and monitoring (breaker open/close events)"],
  },
  {
    title: "Leave it to the platform (service mesh outlier detection, API gateway)",
    pros: ["No code change; one policy for every service"],
    cons: ["The app cannot choose a fallback; needs the mesh in every environment"],
  },
];

export function check(model: ArchitectureModel, ctx: RuleContext): void {
  const routesByCall = routesReachingCalls(model);
  const callsById = new Map(model.outboundCalls.map((c) => [c.id, c]));
  for (const { service } of servicesServingHttp(model)) {
    const deps = dependencies(service.id, routesByCall, callsById);
    if (deps.length === 0) continue;
    const library = dependsOnAny(service, BREAKER_PACKAGES);
    const confidence = absenceConfidence(model, library ? CONFIDENCE.breakerLibraryPresent : CONFIDENCE.decide);
    const evidence: CodeEvidence[] = deps.slice(0, 4).map((d) => ctx.codeEvidence(d.calls[0].location, `calls ${d.host} with no circuit breaker`));
    ctx.report({
      confidence,
      message: messages.finding(service.id, deps),
      location: deps[0].calls[0].location,
      subject: `service ${service.id}`,
      evidence: [...evidence, { kind: "measure", what: `remote dependencies of ${service.id} called from requests without a breaker`, value: deps.length, unit: "dependencies" }],
      remediation: { summary: "Put a circuit breaker with a fallback around each remote dependency called while serving requests.", options: OPTIONS },
      ...questionIfAsk(model, confidence, messages.question(service.id)),
    });
  }
}

/** Remote hosts the service's routes call without a breaker, by host; client-supplied URLs are left out. */
function dependencies(serviceId: string, routesByCall: Map<string, Endpoint[]>, callsById: Map<string, OutboundCall>): Dependency[] {
  const byHost = new Map<string, Dependency>();
  for (const [callId, routes] of routesByCall) {
    const call = callsById.get(callId);
    const own = routes.filter((r) => r.serviceId === serviceId);
    if (!call || own.length === 0 || call.kind !== "http" || call.circuitBreaker) continue;
    const host = hostOf(call.target);
    // Request input in the path of a fixed host is still that host; a URL the client chooses is not a dependency.
    if (!host || LOCAL_HOST.test(host) || (call.urlFlows.length > 0 && !FIXED_HOST.test(call.target ?? ""))) continue;
    const dep = byHost.get(host) ?? { host, calls: [], routes: [] };
    dep.calls.push(call);
    dep.routes.push(...own.filter((r) => !dep.routes.includes(r)));
    byHost.set(host, dep);
  }
  return [...byHost.values()]
    .map((d) => ({ ...d, calls: d.calls.sort((a, b) => byLocation(a.location, b.location)), routes: d.routes.sort((a, b) => byLocation(a.location, b.location)) }))
    .sort((a, b) => compareText(a.host, b.host));
}

/**
 * The host of an absolute target ("https://payments.example.com/charges" → "payments.example.com"),
 * or the configured base it starts from ("${PAYMENTS_URL}/charges" → "${PAYMENTS_URL}"); undefined when unreadable.
 */
function hostOf(target: string | undefined): string | undefined {
  const absolute = target?.match(/^[a-z][a-z0-9+.-]*:\/\/([^/?#]+)/i);
  if (absolute) return absolute[1].includes("${") ? undefined : absolute[1].toLowerCase();
  const base = target?.match(/^(\$\{[^}]+\})/);
  return base && base[1] !== "${…}" ? base[1] : undefined;
}

function routesReachingCalls(model: ArchitectureModel): Map<string, Endpoint[]> {
  const routesByHandler = new Map<string, Endpoint[]>();
  for (const e of model.endpoints) if (e.handlerId) routesByHandler.set(e.handlerId, [...(routesByHandler.get(e.handlerId) ?? []), e]);
  const byCall = new Map<string, Endpoint[]>();
  for (const handler of model.handlers) {
    for (const id of handler.outboundCallIds) byCall.set(id, [...(byCall.get(id) ?? []), ...(routesByHandler.get(handler.id) ?? [])]);
  }
  return byCall;
}

export const rule: Rule = { meta, check };
