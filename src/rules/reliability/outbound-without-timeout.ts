// reliability/outbound-without-timeout: an HTTP call to another service that can wait forever.
import type { ArchitectureModel, Endpoint, OutboundCall } from "../../model/types.ts";
import type { CodeEvidence, Option, Reference } from "../../model/finding.ts";
import type { Rule, RuleContext, RuleMeta } from "../types.ts";
import { byLocation, describeEndpoint, describeLocation, groupByService, listNames, questionIfAsk, refs, unique } from "../support.ts";

export const meta: RuleMeta = {
  id: "reliability/outbound-without-timeout",
  area: "reliability",
  severity: "medium",
  title: "Outbound HTTP call without a timeout",
  rationale:
    "Finds HTTP calls to other services (fetch, axios, got, undici, node:http, superagent) made without a timeout " +
    "on the call, its client instance or an AbortSignal. axios, got and node:http wait indefinitely by default; " +
    "Node's fetch gives up only after undici's 300-second header timeout. When the other service stalls, each " +
    "waiting request holds a socket, memory and often a database connection; under load the caller runs out of " +
    "them and fails too, turning one slow dependency into an outage. A call made while serving a request, or inside " +
    "a loop, multiplies the damage. A deadline per call keeps failures fast, bounded and visible. A service where no " +
    "call has a deadline gets one finding listing them all: the fix is a default on a shared client.",
  examples: {
    bad: `const res = await fetch(\`\${WEATHER_URL}/forecast?city=\${city}\`);`,
    good: `const res = await fetch(\`\${WEATHER_URL}/forecast?city=\${city}\`, {
  signal: AbortSignal.timeout(3000),
});`,
  },
  references: [
    refs.cwe(1088, "Synchronous Access of Remote Resource without Timeout"),
    refs.asvs("13.2.6", "Connections to separate services follow documented timeouts and retry strategies"),
    refs.asvs("16.5.2", "The application keeps operating securely when external resource access fails"),
    refs.apiTop10(10),
  ],
};

/**
 * Confidence: for clients whose default is to wait (or to wait 300 s), "no timeout seen on the
 * call or its instance" is the finding (90). An unrecognised client may have a default of its own,
 * and a call whose target bka could not read may be a local sidecar: both are decisions (80).
 */
const CONFIDENCE = { knownClient: 90, uncertain: 80 } as const;

interface ClientAdvice {
  /** What happens without a timeout, in the client's own terms. */
  behaviour: string;
  fix: string;
  doc: Reference;
}

const CLIENTS: Record<string, ClientAdvice> = {
  fetch: {
    behaviour: "Node's fetch waits up to 300 s for response headers (undici's default) and has no overall deadline",
    fix: "fetch(url, { signal: AbortSignal.timeout(3000) })",
    doc: { title: "MDN: AbortSignal.timeout()", url: "https://developer.mozilla.org/en-US/docs/Web/API/AbortSignal/timeout_static" },
  },
  axios: {
    behaviour: "axios's default timeout is 0, which means it waits forever",
    fix: "axios.get(url, { timeout: 3000 }) // or once: axios.create({ baseURL, timeout: 3000 })",
    doc: { title: "axios: request config (timeout)", url: "https://axios-http.com/docs/req_config" },
  },
  got: {
    behaviour: "got sets no timeout by default",
    fix: "got(url, { timeout: { request: 3000 } }) // or once: got.extend({ timeout: { request: 3000 } })",
    doc: { title: "got: timeout options", url: "https://github.com/sindresorhus/got/blob/main/documentation/6-timeout.md" },
  },
  undici: {
    behaviour: "undici waits up to 300 s for headers and 300 s between body chunks by default",
    fix: "request(url, { headersTimeout: 3000, bodyTimeout: 3000 }) // or an Agent with both options",
    doc: { title: "undici: Dispatcher options (headersTimeout, bodyTimeout)", url: "https://github.com/nodejs/undici/blob/main/docs/docs/api/Dispatcher.md" },
  },
  "node:http": {
    behaviour: "http.request has no timeout; its `timeout` option only emits an event and does not abort",
    fix: "http.request(url, { signal: AbortSignal.timeout(3000) })",
    doc: { title: "Node.js: http.request options (signal, timeout)", url: "https://nodejs.org/api/http.html#httprequestoptions-callback" },
  },
  superagent: {
    behaviour: "superagent waits indefinitely unless .timeout() is set",
    fix: "request.get(url).timeout({ response: 3000, deadline: 10000 })",
    doc: { title: "superagent: timeouts", url: "https://github.com/ladjs/superagent/blob/master/docs/index.md#timeouts" },
  },
};
CLIENTS["node:https"] = CLIENTS["node:http"];

/** Clients that apply a timeout by default: no finding. */
const DEFAULT_TIMEOUT_CLIENTS = new Set(["ky"]);

const messages = {
  call: (client: string, where: string, target: string | undefined, behaviour: string) =>
    `The ${client} call at ${where}${target ? ` to ${target}` : ""} has no timeout: ${behaviour}.`,
  fromHandler: (route: string) => ` It runs while serving ${route}, so a slow dependency holds that request open too.`,
  inLoop: " It runs inside a loop, so the waits add up.",
  habit: (service: string, count: number, places: string) => `No outbound HTTP call of ${service} has a timeout: ${count} calls (${places}) wait as long as their client allows.`,
  habitQuestion: (service: string) =>
    `Do the services ${service} calls always answer quickly (local sidecars), or do its calls need deadlines? Set a default timeout on a shared client or mark them in the bka config.`,
  habitFromRequests: (count: number) => ` ${count} of them run while serving a request, so a slow dependency holds those requests open too.`,
  question: (where: string) =>
    `Does the call at ${where} need a deadline, or does the service it calls always answer quickly (a local sidecar)? Set a timeout or mark it in the bka config.`,
};

const OPTIONS: Option[] = [
  {
    title: "Set a timeout on this call",
    pros: ["Explicit where it matters; the deadline can fit this call's latency budget"],
    cons: ["Every new call must remember it"],
  },
  {
    title: "Set a default on a shared client instance (axios.create, got.extend, an undici Agent) and use it everywhere",
    pros: ["Every call through the instance is bounded, including future ones"],
    cons: ["One default may be too short for slow calls (uploads, reports): override those per call"],
  },
];

export function check(model: ArchitectureModel, ctx: RuleContext): void {
  const routesByCall = routesReachingCalls(model);
  const http = model.outboundCalls.filter((call) => call.kind === "http" && !DEFAULT_TIMEOUT_CLIENTS.has(call.client));
  for (const [serviceId, calls] of groupByService(model, http)) {
    const open = calls.filter((call) => call.timeout === "none");
    // A service that never bounds a call has one cause (no deadline policy) and one fix (a shared
    // client with a default): one finding. Where some calls have a deadline, each missing one was forgotten.
    if (open.length > 1 && open.length === calls.length) reportHabit(model, ctx, serviceId, open, routesByCall);
    else for (const call of open) report(model, ctx, call, routesByCall.get(call.id) ?? []);
  }
}

function reportHabit(model: ArchitectureModel, ctx: RuleContext, serviceId: string, calls: OutboundCall[], routesByCall: Map<string, Endpoint[]>): void {
  const sorted = [...calls].sort((a, b) => byLocation(a.location, b.location));
  const confidence = Math.max(...sorted.map(confidenceOf));
  const clients = unique(sorted.map((call) => call.client));
  const places = listNames(sorted.map((call) => `${call.client} at ${describeLocation(call.location)}`), 5);
  const behaviours = clients.flatMap((client) => (CLIENTS[client] ? [CLIENTS[client].behaviour] : []));
  const fromRequests = sorted.filter((call) => (routesByCall.get(call.id) ?? []).length > 0).length;
  ctx.report({
    confidence,
    severity: fromRequests > 0 || sorted.some((call) => call.inLoop) ? "high" : meta.severity,
    message:
      messages.habit(serviceId, sorted.length, places) +
      (behaviours.length ? ` ${behaviours.join("; ")}.` : "") +
      (fromRequests ? messages.habitFromRequests(fromRequests) : ""),
    location: sorted[0].location,
    subject: `${serviceId} outbound calls without a timeout`,
    occurrences: sorted.length,
    evidence: sorted.map((call) => ctx.codeEvidence(call.location, call.inLoop ? "called in a loop without a timeout" : "called without a timeout")),
    references: [...meta.references, ...clients.flatMap((client) => (CLIENTS[client] ? [CLIENTS[client].doc] : []))],
    remediation: {
      summary: "Give every outbound call a deadline that fits its latency budget: set it once on a shared client (or a wrapper around fetch) and use that client everywhere.",
      options: [...OPTIONS].reverse(),
    },
    ...questionIfAsk(model, confidence, messages.habitQuestion(serviceId)),
  });
}

function confidenceOf(call: OutboundCall): number {
  return CLIENTS[call.client] && call.target ? CONFIDENCE.knownClient : CONFIDENCE.uncertain;
}

function report(model: ArchitectureModel, ctx: RuleContext, call: OutboundCall, routes: Endpoint[]): void {
  const advice = CLIENTS[call.client];
  const where = describeLocation(call.location);
  const confidence = confidenceOf(call);
  const route = routes[0];
  const behaviour = advice?.behaviour ?? "it waits as long as the client's default allows";
  const message =
    messages.call(call.client, where, call.target, behaviour) + (route ? messages.fromHandler(describeEndpoint(route)) : "") + (call.inLoop ? messages.inLoop : "");
  const evidence: CodeEvidence[] = [ctx.codeEvidence(call.location, call.inLoop ? "called in a loop without a timeout" : "called without a timeout")];
  if (route) evidence.push(ctx.codeEvidence(route.location, `reached from ${describeEndpoint(route)}`));
  ctx.report({
    confidence,
    severity: route || call.inLoop ? "high" : meta.severity,
    message,
    location: call.location,
    subject: call.id,
    evidence,
    references: advice ? [...meta.references, advice.doc] : meta.references,
    remediation: {
      summary: `Give the call a deadline that fits its latency budget (a few seconds for an interactive request).`,
      options: OPTIONS,
      ...(advice ? { fix: { description: `Set a timeout on the ${call.client} call.`, location: call.location, replacement: advice.fix } } : {}),
    },
    ...questionIfAsk(model, confidence, messages.question(where)),
  });
}

/** For each outbound call, the routes whose handlers reach it, in a stable order. */
function routesReachingCalls(model: ArchitectureModel): Map<string, Endpoint[]> {
  const routesByHandler = new Map<string, Endpoint[]>();
  for (const endpoint of model.endpoints) {
    if (!endpoint.handlerId) continue;
    routesByHandler.set(endpoint.handlerId, [...(routesByHandler.get(endpoint.handlerId) ?? []), endpoint]);
  }
  const routesByCall = new Map<string, Endpoint[]>();
  for (const handler of model.handlers) {
    const routes = routesByHandler.get(handler.id) ?? [];
    for (const callId of handler.outboundCallIds) routesByCall.set(callId, [...(routesByCall.get(callId) ?? []), ...routes]);
  }
  for (const routes of routesByCall.values()) routes.sort((a, b) => byLocation(a.location, b.location));
  return routesByCall;
}

export const rule: Rule = { meta, check };
