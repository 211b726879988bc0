// Which parameters of which functions carry the request, per framework: where taint starts and
// what a handler reads. Express/Fastify/Koa/Hono pass the request (or context) first; NestJS
// passes request parts to decorated parameters (`@Body() dto`, `@Param('id') id`, `@Req() req`).
import type { Framework, RequestInput } from "../../model/types.ts";
import { requestParamKey, type RequestParam, type RequestStyle } from "../code/request-reads.ts";
import type { ClassFact } from "../js/facts.ts";
import { litString } from "../js/sym.ts";
import type { ProjectIndex } from "./project-index.ts";

const STYLE: Partial<Record<Framework, RequestStyle>> = { express: "express", fastify: "fastify", koa: "koa", hono: "hono", graphql: "express" };
const NEST_SOURCES: Record<string, RequestInput["kind"] | "request"> = { Body: "body", Query: "query", Param: "params", Headers: "headers", Req: "request", Request: "request" };

/** Every request parameter of the given request functions, keyed by `requestParamKey`. */
export function requestParamsOf(requestFunctions: ReadonlyMap<string, Framework>, index: ProjectIndex): Map<string, RequestParam> {
  const params = new Map<string, RequestParam>();
  const methodsOf = nestMethodIndex(index);
  for (const [fnId, framework] of [...requestFunctions].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (framework === "nestjs") {
      for (const param of nestParams(methodsOf.get(fnId))) params.set(requestParamKey(fnId, param.index), param);
      continue;
    }
    const style = STYLE[framework];
    if (style) params.set(requestParamKey(fnId, 0), { index: 0, style });
  }
  return params;
}

/** All request parameters of one function (a Nest method can have several). */
export function paramsOfFunction(params: ReadonlyMap<string, RequestParam>, fnId: string): RequestParam[] {
  const found: RequestParam[] = [];
  for (let i = 0; i < 16; i++) {
    const p = params.get(requestParamKey(fnId, i));
    if (p) found.push(p);
  }
  return found;
}

function nestMethodIndex(index: ProjectIndex): Map<string, { cls: ClassFact; method: string }> {
  const byFn = new Map<string, { cls: ClassFact; method: string }>();
  for (const cls of index.classes.values()) {
    for (const [method, fnId] of Object.entries(cls.methods)) byFn.set(fnId, { cls, method });
  }
  return byFn;
}

function nestParams(owner: { cls: ClassFact; method: string } | undefined): RequestParam[] {
  if (!owner) return [];
  const decorated = Object.hasOwn(owner.cls.paramDecorators, owner.method) ? owner.cls.paramDecorators[owner.method] : [];
  const params: RequestParam[] = [];
  decorated.forEach((decorators, i) => {
    for (const d of decorators) {
      const name = d.callee.k === "ext" ? d.callee.path[d.callee.path.length - 1] : undefined;
      const source = name && Object.hasOwn(NEST_SOURCES, name) ? NEST_SOURCES[name] : undefined;
      if (!source) continue;
      const key = litString(d.args[0]);
      // `@Req() req` is the Express request itself.
      params.push(source === "request" ? { index: i, style: "express" } : { index: i, style: "nest", source, ...(key ? { key } : {}) });
    }
  });
  return params;
}
