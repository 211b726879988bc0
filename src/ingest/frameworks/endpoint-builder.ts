// Turns a route found by any framework into a model Endpoint: full path, middleware chain with
// kinds, auth verdict, validation and schemas. Frameworks only say what they saw.
import type { AuthInfo, Endpoint, Framework, HttpMethod, JsonSchema, MiddlewareRef, RequestSchemas, SourceLocation, UnresolvedRegistration, ValidationInfo } from "../../model/types.ts";
import type { Sym } from "../js/sym.ts";
import type { ProjectIndex } from "../link/project-index.ts";
import { classifyMiddleware, handlerGuards, type Classified } from "./middleware.ts";
import { requestSchemasOf } from "../schemas/middleware-schemas.ts";
import { joinPaths, pathParams, samePath, scopeCovers, toOpenApiPath, UNRESOLVED_SEGMENT } from "./paths.ts";

/** Middleware applied before a route, with the path it is mounted at (OpenAPI form). */
export interface ChainItem {
  sym: Sym;
  scope: string;
  loc: SourceLocation;
  level: MiddlewareRef["scope"];
  /** A readable name when the symbol's own is poor (`fastify.authenticate` for a decorated hook). */
  name?: string;
  /** Runs for the path `scope` only, not below it (Hono's `app.use('/x', mw)`). */
  exact?: boolean;
}

export interface RouteFound {
  framework: Framework;
  serviceId: string;
  method: HttpMethod;
  /** Prefix already joined and in OpenAPI form. */
  prefix: string;
  /** The route's own path in framework syntax; undefined when it could not be resolved. */
  path: string | undefined;
  loc: SourceLocation;
  chain: ChainItem[];
  handler: Sym | undefined;
  request?: RequestSchemas;
  responses?: Record<string, JsonSchema>;
  /** False when a prefix on the way could not be resolved, or the context was never mounted. */
  prefixResolved: boolean;
  /** False when `request` only documents declared types (NestJS parameters) and validates nothing itself. */
  requestValidated?: boolean;
  /** The handler's own name where the framework gives one (a NestJS controller method). */
  operationName?: string;
}

export class EndpointBuilder {
  readonly endpoints: Endpoint[] = [];
  readonly unresolved: UnresolvedRegistration[] = [];
  /** Functions that receive the request: handlers and middleware (for request inputs and taint). */
  readonly requestFunctions = new Map<string, Framework>();
  private readonly classified = new Map<Sym, Classified>();

  constructor(private readonly index: ProjectIndex) {}

  add(route: RouteFound): void {
    const pathResolved = route.path !== undefined && !route.path.includes(UNRESOLVED_SEGMENT) && route.prefixResolved;
    const path = toOpenApiPath(joinPaths(route.prefix, route.path ?? UNRESOLVED_SEGMENT));
    if (!pathResolved) {
      this.unresolved.push({ location: route.loc, what: `${route.method} ${path}`, reason: route.path === undefined ? "route path is not a literal" : "a prefix on the way is not a literal, or the router is never mounted" });
    }
    const chain = route.chain.filter((item) => (item.exact ? samePath(item.scope, path) : scopeCovers(item.scope, path))).map((item) => ({ item, c: this.classify(item.sym) }));
    const handler = route.handler ? this.classify(this.unwrapHandler(route.handler)) : undefined;
    for (const { c } of chain) if (c.fnId) this.requestFunctions.set(c.fnId, route.framework);
    if (handler?.fnId) this.requestFunctions.set(handler.fnId, route.framework);

    const middleware: MiddlewareRef[] = chain.map(({ item, c }) => ({
      name: item.name ?? c.name,
      kind: c.kind,
      scope: item.level,
      location: item.loc,
      ...(c.definedAt ? { definedAt: c.definedAt } : {}),
      ...(c.library ? { library: c.library } : {}),
      ...(c.deniesAll ? { deniesAll: c.deniesAll } : {}),
    }));
    const id = `${route.serviceId} ${route.method} ${path}`;
    // Schemas handed to validation middleware (`validate(schema)`, `celebrate({...})`) describe the request too.
    const declared = requestSchemasOf(chain.filter(({ c }) => c.kind === "validation").map(({ item }) => item.sym), this.index);
    this.endpoints.push({
      id,
      serviceId: route.serviceId,
      framework: route.framework,
      method: route.method,
      path,
      pathParams: pathParams(path),
      location: route.loc,
      ...(handler?.fnId ? { handlerId: handler.fnId } : {}),
      middleware,
      auth: this.authOf(chain, handler, path, route.path, route.loc),
      validation: this.validationOf(chain.map(({ c }) => c), handler, route.requestValidated === false ? undefined : route.request, declared.libraries),
      request: { ...declared.request, ...route.request },
      responses: route.responses ?? {},
      inputs: [],
      pathResolved,
      ...(route.operationName ? { operationName: route.operationName } : {}),
      ...(isPassThroughGuard(handler) ? { passThrough: true as const } : {}),
    });
  }

  /**
   * `asyncHandler(async (req, res) => …)`, `catchAsync(fn)`: the handler is the function given
   * to the wrapper, not the wrapper's shared inner function.
   */
  private unwrapHandler(sym: Sym): Sym {
    const call = sym.k === "call" ? sym : undefined;
    if (!call) return sym;
    const wrapped = call.args.find((arg) => this.index.resolve(arg).k === "fn");
    return wrapped ?? sym;
  }

  private classify(sym: Sym): Classified {
    let c = this.classified.get(sym);
    if (!c) {
      c = this.classifyWrapped(classifyMiddleware(sym, this.index), sym);
      this.classified.set(sym, c);
    }
    return c;
  }

  /**
   * `asyncHandler(authenticate)`: when a wrapper says nothing, the function it wraps may —
   * judge that one, under the wrapper's name.
   */
  private classifyWrapped(outer: Classified, sym: Sym): Classified {
    if (outer.kind !== "other" || outer.authLike || sym.k !== "call") return outer;
    for (const arg of sym.args) {
      if (this.index.resolve(arg).k !== "fn") continue;
      const inner = classifyMiddleware(arg, this.index);
      if (inner.kind !== "other" || inner.authLike) return { ...inner, name: outer.name === "(anonymous)" ? inner.name : outer.name };
    }
    return outer;
  }

  private authOf(chain: { item: ChainItem; c: Classified }[], handler: Classified | undefined, path: string, rawPath: string | undefined, rawLoc: SourceLocation): AuthInfo {
    const guards = chain.filter(({ c }) => c.kind === "auth" && !isExempt(c, path, rawPath));
    if (guards.length) {
      const first = guards[0];
      return {
        state: "required",
        mechanisms: unique(guards.map(({ c }) => c.mechanism ?? c.library ?? "custom")),
        enforcedAt: locationOnly(first.c.evidence ?? first.c.definedAt ?? first.item.loc),
        reason: `${first.c.name} (${first.item.level}-level) ${first.c.library ? `from ${first.c.library}` : "verifies a credential and rejects the request"}`,
        ...(guards.every(({ c }) => c.deniesAll) ? { closed: true as const } : {}),
      };
    }
    // `app.put('/api/x/:id', requireAuth())`: a guard registered as the route itself, passing on
    // to the routes registered after it.
    if (handler && isPassThroughGuard(handler)) {
      return { state: "required", mechanisms: [handler.mechanism ?? handler.library ?? "custom"], enforcedAt: locationOnly(handler.evidence ?? handler.definedAt ?? rawLoc), reason: `${handler.name} is the route's handler: a guard that passes on to later routes`, ...(handler.deniesAll ? { closed: true as const } : {}) };
    }
    const signals = handler?.fnId ? this.index.signalsOf(handler.fnId) : undefined;
    if (signals && handlerGuards(signals)) {
      const enforcedAt = signals.rejects ?? signals.verifies ?? signals.refusesUnknownCaller!;
      const reason = signals.rejects || signals.verifies ? "the handler checks the caller's identity and rejects with 401" : "the handler looks the caller up by their credential and refuses the request when nobody is found";
      return { state: "required", mechanisms: [signals.verifies?.how ?? "inline"], enforcedAt: locationOnly(enforcedAt), reason };
    }
    const optional = chain.find(({ c }) => c.kind === "optional-auth");
    if (optional) {
      return { state: "optional", mechanisms: [optional.c.mechanism ?? "custom"], enforcedAt: locationOnly(optional.c.evidence ?? optional.item.loc), reason: `${optional.c.name} identifies the caller when a credential is sent but never rejects` };
    }
    // File-routed handlers (Nitro, Next) identify the caller themselves: verify, but never reject.
    if (handler?.kind === "optional-auth") {
      return { state: "optional", mechanisms: [handler.mechanism ?? "custom"], enforcedAt: locationOnly(handler.evidence ?? handler.definedAt), reason: "the handler identifies the caller when a credential is sent but never rejects" };
    }
    const suspicious = chain.find(({ c }) => c.authLike);
    if (suspicious) {
      const { name, definedAt } = suspicious.c;
      const read = definedAt ? `${name} (${definedAt.file}:${definedAt.line}) shows no check bka recognises` : `${name} could not be resolved`;
      return { state: "unknown", mechanisms: [], enforcedAt: suspicious.item.loc, reason: `${read}; its name suggests it may guard the route` };
    }
    return { state: "none", mechanisms: [], reason: chain.length ? "no middleware on the chain verifies a credential" : "no middleware on the chain" };
  }

  private validationOf(chain: Classified[], handler: Classified | undefined, request: RequestSchemas | undefined, schemaLibraries: string[]): ValidationInfo {
    const libraries: string[] = [...schemaLibraries];
    let location: SourceLocation | undefined;
    for (const c of chain) {
      if (c.kind !== "validation") continue;
      libraries.push(c.library ?? "custom");
      location ??= locationOnly(c.evidence ?? c.definedAt);
    }
    if (request && (request.body || request.query || request.params)) libraries.push("json-schema");
    const validates = handler?.fnId ? this.index.signalsOf(handler.fnId).validates : undefined;
    if (validates) {
      libraries.push(`inline:${validates.how}`);
      location ??= locationOnly(validates);
    }
    return { validated: libraries.length > 0, libraries: unique(libraries), ...(location ? { location } : {}) };
  }
}

/** Signals carry extra fields (status, how); the model keeps the location alone. */
function locationOnly<T extends SourceLocation | undefined>(loc: T): T {
  return (loc ? { file: loc.file, line: loc.line, column: loc.column } : undefined) as T;
}

function isExempt(c: Classified, path: string, rawPath: string | undefined): boolean {
  if (c.exemptPatterns?.some((pattern) => matchesPattern(pattern, path))) return true;
  if (!c.exempt?.length) return false;
  return c.exempt.some((p) => toOpenApiPath(p) === path || p === rawPath);
}

/** `/^\/public/i` (source text) against a path; a pattern that does not compile exempts nothing. */
function matchesPattern(pattern: string, path: string): boolean {
  const parts = /^\/(.+)\/([a-z]*)$/.exec(pattern);
  if (!parts) return false;
  try {
    return new RegExp(parts[1], parts[2].replace(/[gy]/g, "")).test(path);
  } catch {
    return false;
  }
}

function unique(items: string[]): string[] {
  return [...new Set(items)].sort();
}

export function normaliseMethod(method: string): HttpMethod | undefined {
  const m = method.toUpperCase();
  if (m === "DEL") return "DELETE";
  return (["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "ALL"] as const).find((x) => x === m);
}

/** `app.put('/api/x/:id', requireAuth())`: a library guard is the route's only handler. */
function isPassThroughGuard(handler: Classified | undefined): boolean {
  return handler?.kind === "auth" && !handler.fnId;
}
