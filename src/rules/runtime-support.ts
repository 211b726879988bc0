// What the runtime-call rules (sync-io-in-request-path, db-client-per-request, redos,
// json-in-loop, process-exit-in-request-path) share: each notable runtime call that a request
// handler reaches, with the endpoints that reach it, and evidence for its request flows.
import type { ArchitectureModel, Endpoint, RuntimeCall, RuntimeCallCategory, TaintFlow } from "../model/types.ts";
import type { CodeEvidence } from "../model/finding.ts";
import type { RuleContext } from "./types.ts";
import { byLocation, describeEndpoint, describeLocation } from "./support.ts";

export interface ReachedCall {
  call: RuntimeCall;
  /** The endpoints whose handlers reach the call, in source order (at least one). */
  endpoints: Endpoint[];
}

/**
 * Runtime calls of the given categories that run while serving a request: reached from an
 * endpoint's handler, inside a function (module-level code runs once, at startup) and not
 * behind a cache that makes them run once.
 */
export function callsOnRequestPaths(model: ArchitectureModel, categories: ReadonlySet<RuntimeCallCategory>): ReachedCall[] {
  const calls = new Map((model.runtimeCalls ?? []).filter((c) => categories.has(c.category) && c.functionId && !c.memoised).map((c) => [c.id, c]));
  const endpointsByHandler = new Map<string, Endpoint[]>();
  for (const endpoint of model.endpoints) {
    if (endpoint.handlerId) endpointsByHandler.set(endpoint.handlerId, [...(endpointsByHandler.get(endpoint.handlerId) ?? []), endpoint]);
  }
  const reached = new Map<string, ReachedCall>();
  for (const handler of model.handlers) {
    const endpoints = endpointsByHandler.get(handler.id) ?? [];
    if (!endpoints.length) continue;
    for (const id of handler.runtimeCallIds ?? []) {
      const call = calls.get(id);
      if (!call) continue;
      const entry = reached.get(id) ?? { call, endpoints: [] };
      entry.endpoints.push(...endpoints);
      reached.set(id, entry);
    }
  }
  return [...reached.values()]
    .map((r) => ({ call: r.call, endpoints: distinctRoutes(r.endpoints) }))
    .sort((a, b) => byLocation(a.call.location, b.call.location));
}

/** One endpoint per method and path (a route registered twice is listed once), in source order. */
export function distinctRoutes(endpoints: readonly Endpoint[]): Endpoint[] {
  const byRoute = new Map<string, Endpoint>();
  for (const e of [...endpoints].sort((a, b) => byLocation(a.location, b.location))) if (!byRoute.has(describeEndpoint(e))) byRoute.set(describeEndpoint(e), e);
  return [...byRoute.values()];
}

/** Code evidence for the first flow: where the request value is read, and each step it takes. */
export function flowEvidence(ctx: RuleContext, flows: readonly TaintFlow[], what: string): CodeEvidence[] {
  const flow = flows[0];
  if (!flow) return [];
  const source = ctx.codeEvidence(flow.source.location, `${flow.source.path} is read from the request`);
  // In the order the value travels (source first, sink last), each line once.
  const seen = new Set([describeLocation(flow.source.location)]);
  const steps = flow.steps.filter((s) => !seen.has(describeLocation(s)) && Boolean(seen.add(describeLocation(s))));
  return [source, ...steps.map((s, i) => ctx.codeEvidence(s, i === steps.length - 1 ? what : "passed on"))];
}
