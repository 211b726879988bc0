// Links every file's facts into the Architecture Model: routes through the routing graph,
// services from packages, and how much of the project was understood.
import type { ArchitectureModel, Endpoint, Framework, Handler, RequestInput, RunCoverage, Service, Skipped } from "../../model/types.ts";
import type { FileFacts } from "../js/facts.ts";
import type { Workspace } from "../workspace/types.ts";
import { RouteWalker } from "../frameworks/walk.ts";
import { linkGraphql } from "../frameworks/graphql.ts";
import { addFileRoutes } from "../frameworks/file-routes.ts";
import { ProjectIndex } from "./project-index.ts";
import { declaredVersions } from "../code/resilience-model.ts";
import { buildCodeModel, reachableFunctions, requestInputsOf, type CodeModel, type RequestParam } from "./code-model.ts";
import { paramsOfFunction, requestParamsOf } from "./request-params.ts";
import { hoistSchemas } from "../schemas/components.ts";
import { ingestData, type SchemaSources } from "../data/index.ts";
import { linkToEntities } from "../code/data-access.ts";
import { compareText } from "../../model/order.ts";

export interface BuildInput {
  skipped: Skipped[];
  warnings: string[];
  bytesParsed: number;
}

const ROUTING_PACKAGES: Partial<Record<string, Framework>> = {
  express: "express", fastify: "fastify", "@nestjs/core": "nestjs", "@nestjs/common": "nestjs", koa: "koa", "@koa/router": "koa", "koa-router": "koa",
  hono: "hono", h3: "nitro", nitropack: "nitro",
};

export function buildModel(workspace: Workspace, facts: FileFacts[], input: BuildInput, schemaSources: SchemaSources): ArchitectureModel {
  const index = new ProjectIndex(facts);
  const serviceOf = serviceLookup(workspace);
  const walker = new RouteWalker(index, serviceOf);
  walker.run();
  const graphql = linkGraphql(index, walker, workspace.root);
  addFileRoutes(index, walker.builder, serviceOf);
  // Named request/response schemas move into components.schemas; endpoints keep `$ref`s.
  const { endpoints, schemas } = hoistSchemas(uniqueIds(withoutRepeats(walker.builder.endpoints)).sort(byEndpoint));
  const requestParams = requestParamsOf(walker.builder.requestFunctions, index);
  const code = buildCodeModel(index, requestParams, serviceOf);
  const withInputs = endpoints.map((e) => (e.handlerId ? { ...e, inputs: inputsOf(index, e.handlerId, requestParams) } : e));
  const handlers = handlersOf(withInputs, index, code);
  const services = servicesOf(workspace, facts, withInputs);
  const data = ingestData(index, schemaSources);
  const coverage = coverageOf(workspace, facts, { ...input, warnings: [...input.warnings, ...graphql.warnings, ...data.warnings] }, walker, endpoints, services);
  return {
    schemaVersion: 1,
    project: workspace.name,
    services,
    endpoints: withInputs,
    handlers,
    entities: data.entities,
    dataAccesses: linkToEntities(code.dataAccesses, data.entities),
    outboundCalls: code.outboundCalls,
    securityControls: code.securityControls,
    observabilityControls: code.observabilityControls,
    secrets: code.secrets,
    schemas,
    coverage,
    ...(graphql.info ? { graphql: graphql.info } : {}),
    ...(data.migrations.length ? { migrations: data.migrations } : {}),
    ...(code.sinks.length ? { sinks: code.sinks } : {}),
    ...(code.runtimeCalls.length ? { runtimeCalls: code.runtimeCalls } : {}),
    ...nonEmpty(code.exposure),
    ...nonEmpty(code.resilience),
    ...nonEmpty(code.accessControl),
  };
}

function groupIds(items: readonly { id: string; functionId?: string }[]): Map<string, string[]> {
  const byFn = new Map<string, string[]>();
  for (const item of items) {
    if (!item.functionId) continue;
    const list = byFn.get(item.functionId) ?? [];
    list.push(item.id);
    byFn.set(item.functionId, list);
  }
  return byFn;
}

function serviceLookup(workspace: Workspace): (file: string) => string {
  const roots = [...workspace.packages].sort((a, b) => b.root.length - a.root.length);
  return (file) => {
    const pkg = roots.find((p) => p.root === "." || file === p.root || file.startsWith(p.root + "/"));
    return pkg?.name ?? workspace.name;
  };
}

function servicesOf(workspace: Workspace, facts: FileFacts[], endpoints: Endpoint[]): Service[] {
  const withSources = new Set(facts.map((f) => f.packageRoot));
  return workspace.packages
    .filter((p) => withSources.has(p.root))
    .map((p) => {
      const frameworks = new Set<Framework>(endpoints.filter((e) => e.serviceId === p.name).map((e) => e.framework));
      return { id: p.name, root: p.root, frameworks: [...frameworks].sort(), dependencies: p.dependencies, ...declaredVersions(workspace.root, p.root) };
    })
    .sort((a, b) => compareText(a.root, b.root));
}

/** What a handler reads from the request, over all its request parameters. */
function inputsOf(index: ProjectIndex, fnId: string, params: ReadonlyMap<string, RequestParam>): RequestInput[] {
  const seen = new Map<string, RequestInput>();
  for (const param of paramsOfFunction(params, fnId)) {
    for (const input of requestInputsOf(index, fnId, param)) seen.set(`${input.kind} ${input.path}`, seen.get(`${input.kind} ${input.path}`) ?? input);
  }
  return [...seen.values()].sort((a, b) => (a.kind + a.path < b.kind + b.path ? -1 : a.kind + a.path > b.kind + b.path ? 1 : 0));
}

/** Each located handler with the data accesses and outbound calls it reaches through project functions. */
function handlersOf(endpoints: Endpoint[], index: ProjectIndex, code: CodeModel): Handler[] {
  const accessesByFn = groupIds(code.dataAccesses);
  const callsByFn = groupIds(code.outboundCalls);
  const runtimeByFn = groupIds(code.runtimeCalls);
  const byId = new Map<string, Handler>();
  for (const e of endpoints) {
    if (!e.handlerId || byId.has(e.handlerId)) continue;
    const fn = index.functions.get(e.handlerId);
    if (!fn) continue;
    const reached = reachableFunctions(index, fn.id);
    byId.set(fn.id, {
      id: fn.id, name: fn.name, location: fn.loc,
      dataAccessIds: reached.flatMap((id) => accessesByFn.get(id) ?? []).sort(),
      outboundCallIds: reached.flatMap((id) => callsByFn.get(id) ?? []).sort(),
      ...withIds("runtimeCallIds", reached.flatMap((id) => runtimeByFn.get(id) ?? [])),
    });
  }
  return [...byId.values()].sort((a, b) => compareText(a.id, b.id));
}

function coverageOf(workspace: Workspace, facts: FileFacts[], input: BuildInput, walker: RouteWalker, endpoints: Endpoint[], services: Service[]): RunCoverage {
  const unusable = input.skipped.filter((s) => s.reason === "syntax-error" || s.reason === "unreadable" || s.reason === "analysis-error").length;
  const parseRatio = facts.length / Math.max(1, facts.length + unusable);
  const resolvedRoutes = endpoints.filter((e) => e.pathResolved).length;
  const routeRatio = endpoints.length ? resolvedRoutes / endpoints.length : 1;
  // A generated route's handler is the library's own code, a guard-only route has none: nothing to locate.
  const located = endpoints.filter((e) => e.handlerId || e.generated || e.passThrough).length;
  const handlerRatio = endpoints.length ? located / endpoints.length : 1;
  const warnings = [...input.warnings];
  let understanding = 100 * parseRatio * (0.4 + 0.6 * routeRatio) * (0.7 + 0.3 * handlerRatio);
  const routingDeps = services.flatMap((s) => s.dependencies.filter((d) => ROUTING_PACKAGES[d]));
  if (endpoints.length === 0) {
    warnings.unshift(routingDeps.length
      ? `no route registrations were found although the project depends on ${[...new Set(routingDeps)].sort().join(", ")}: routes may be registered in a way bka does not follow yet`
      : "no HTTP routes were found: bka reads Express, Fastify, NestJS, Koa and Hono route registrations, and Nitro and Next.js file routes");
    understanding = Math.min(understanding, 40);
  }
  if (unusable) warnings.push(`${unusable} file(s) could not be parsed or read and were skipped`);
  if (endpoints.length && resolvedRoutes < endpoints.length) warnings.push(`${endpoints.length - resolvedRoutes} of ${endpoints.length} route(s) have a path bka could not fully resolve`);
  if (endpoints.length && located < endpoints.length) warnings.push(`the handler of ${endpoints.length - located} of ${endpoints.length} route(s) could not be located`);
  return {
    filesFound: workspace.filesFound,
    filesParsed: facts.length,
    bytesParsed: input.bytesParsed,
    linesParsed: facts.reduce((n, f) => n + f.lines, 0),
    skipped: [...input.skipped].sort((a, b) => compareText(a.path, b.path) || compareText(a.reason, b.reason)),
    routeRegistrations: endpoints.length,
    routeRegistrationsResolved: resolvedRoutes,
    unresolved: [...walker.builder.unresolved].sort((a, b) => compareText(a.location.file, b.location.file) || a.location.line - b.location.line),
    handlersLocated: located,
    handlersTotal: endpoints.length,
    understanding: Math.round(understanding),
    warnings,
  };
}

const METHOD_ORDER = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "ALL"];

function byEndpoint(a: Endpoint, b: Endpoint): number {
  return compareText(a.serviceId, b.serviceId) || compareText(a.path, b.path) || METHOD_ORDER.indexOf(a.method) - METHOD_ORDER.indexOf(b.method) || compareText(a.location.file, b.location.file) || a.location.line - b.location.line;
}

/**
 * One endpoint per registration and path: a setup function called twice on the same app reaches
 * the same registration twice. A guard-only registration is dropped when a later route on the
 * same method and path answers the request and carries its guard (see `Endpoint.passThrough`).
 */
function withoutRepeats(endpoints: Endpoint[]): Endpoint[] {
  const seen = new Set<string>();
  const once = endpoints.filter((e) => {
    const key = `${e.serviceId} ${e.method} ${e.path} ${e.location.file}:${e.location.line}:${e.location.column}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const answered = new Set(once.filter((e) => !e.passThrough && (e.handlerId || e.generated) && e.auth.state === "required").map((e) => `${e.serviceId} ${e.method} ${e.path}`));
  return once.filter((e) => !(e.passThrough && answered.has(`${e.serviceId} ${e.method} ${e.path}`)));
}

/** The same route registered twice (or reached through two mounts) keeps distinct ids. */
function uniqueIds(endpoints: Endpoint[]): Endpoint[] {
  const seen = new Map<string, number>();
  return [...endpoints].sort(byEndpoint).map((e) => {
    const n = (seen.get(e.id) ?? 0) + 1;
    seen.set(e.id, n);
    return n === 1 ? e : { ...e, id: `${e.id} #${n}` };
  });
}

/** Only the lists that have entries, so a project without them keeps a small model. */
function nonEmpty<T extends Record<string, unknown[]>>(lists: T): Partial<T> {
  return Object.fromEntries(Object.entries(lists).filter(([, list]) => list.length)) as Partial<T>;
}

/** An optional id list on a handler, present only when it has entries. */
function withIds<K extends string>(key: K, ids: string[]): Partial<Record<K, string[]>> {
  return ids.length ? ({ [key]: [...ids].sort() } as Record<K, string[]>) : {};
}
