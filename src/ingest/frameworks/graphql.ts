// GraphQL: Apollo Server (4 and the apollo-server 2/3 packages), GraphQL Yoga, Mercurius,
// type-graphql and @nestjs/graphql. Each Query/Mutation/Subscription field becomes an Endpoint
// (framework "graphql", POST on the server's path, operationName "Query.articles") whose handler
// is its resolver and whose auth comes from the HTTP chain in front of the server, the context
// function, the resolver body, `@auth`-style directives, `@Authorized()` and `@UseGuards`.
// The model's `graphql` section records what the GraphQL rules need: depth and complexity
// limits, whether introspection is served in production, and field resolvers on list parents.
//
// Apollo and Yoga servers are contexts of the routing graph, so an Express mount
// (`app.use("/graphql", cors(), expressMiddleware(server))`) gives them their path and chain
// through the Express walker; Mercurius and NestJS are found from their registration calls.
import type { AuthInfo, GraphqlFieldResolver, GraphqlInfo, GraphqlLimit, GraphqlServer, SourceLocation } from "../../model/types.ts";
import { APOLLO_PACKAGES, GRAPHQL_OPTIONS, GRAPHQL_SERVERS, type GraphqlOptionFact, type GraphqlServerFact } from "../code/graphql.ts";
import { extPath, extRoot, locKey } from "../code/values.ts";
import type { CallFact, ClassFact } from "../js/facts.ts";
import { describe, own, type Sym } from "../js/sym.ts";
import type { ProjectIndex } from "../link/project-index.ts";
import type { ChainItem } from "./endpoint-builder.ts";
import { classEntries, perCallAccesses, resolverMapEntries, ROOT_KINDS, type ResolverEntry, type RootKind } from "./graphql-resolvers.ts";
import { codeFirstFields, objectTypeNames, resolverClasses, SdlReader, type FieldDef, type Schema } from "./graphql-schema.ts";
import { joinPaths, pathText, toOpenApiPath } from "./paths.ts";
import type { ContextRecogniser, RoutingContext } from "./routing.ts";
import type { Frame, RouteWalker } from "./walk.ts";
import { compareText } from "../../model/order.ts";

type ObjSym = Extract<Sym, { k: "obj" }>;
type ServerKind = "apollo" | "yoga" | "mercurius" | "nestjs" | "code-first";

interface ServerFound {
  kind: ServerKind;
  library: string;
  loc: SourceLocation;
  options?: ObjSym;
  /** Mercurius: the Fastify context it is registered on. */
  registeredOn?: RoutingContext;
}

/** Where the HTTP side serves a server: the prefix, and the middleware in front of it. */
interface Mount {
  prefix: string;
  prefixResolved: boolean;
  chain: ChainItem[];
}

interface Operation {
  name: string; // "Query.articles"
  field?: FieldDef;
  entry?: ResolverEntry;
}

const YOGA_PACKAGES = new Set(["graphql-yoga", "@graphql-yoga/node"]);
const AUTH_DIRECTIVE = /^(auth|authenticated|isAuthenticated|requiresAuth|requireAuth|requireAuthentication|hasRole|hasScope|hasPermission|requiresScopes|policy|authorized|authorize|protected|private|loggedIn|login)$/i;
const SDL_CALLS = new Set(["gql", "graphql", "mergeTypeDefs", "print", "readFileSync", "readFile", "loadFilesSync", "loadFiles", "loadTypedefsSync", "loadSchemaSync", "importSchema"]);
const SDL_PACKAGES = new Set(["graphql-tag", "@graphql-tools/merge", "@graphql-tools/load-files", "@graphql-tools/load", "graphql-import"]);
const PRODUCTION_CHECK = /NODE_ENV|isProd|isDev|production|development/i;

/** Limit and introspection libraries, by package: what each configures. */
const EXTENSIONS: Record<string, { depth?: boolean; complexity?: boolean; introspectionOff?: boolean }> = {
  "graphql-depth-limit": { depth: true },
  "@envelop/depth-limit": { depth: true },
  "@escape.tech/graphql-armor-max-depth": { depth: true },
  "@escape.tech/graphql-armor": { depth: true, complexity: true },
  "graphql-query-complexity": { complexity: true },
  "graphql-validation-complexity": { complexity: true },
  "graphql-cost-analysis": { complexity: true },
  "@escape.tech/graphql-armor-cost-limit": { complexity: true },
  "@graphql-yoga/plugin-disable-introspection": { introspectionOff: true },
  "@envelop/disable-introspection": { introspectionOff: true },
  "graphql-disable-introspection": { introspectionOff: true },
};

// ---- the routing-graph side ---------------------------------------------------------------------

export const graphqlRecogniser: ContextRecogniser = {
  framework: "graphql",
  creates(sym) {
    if (sym.k !== "ext") return undefined;
    const name = sym.path.filter((p) => p !== "default").at(-1);
    if (APOLLO_PACKAGES.has(sym.pkg) && name === "ApolloServer") return "app";
    if (YOGA_PACKAGES.has(sym.pkg) && (name === "createYoga" || name === "createServer")) return "app";
    return undefined;
  },
};

const MOUNTS = new WeakMap<RouteWalker, Map<string, Mount[]>>();

/** A server reached by the walk: remember where it is mounted; its operations are listed later. */
export function walkGraphql(ctx: RoutingContext, frame: Frame, walker: RouteWalker): void {
  const mounts = MOUNTS.get(walker) ?? new Map<string, Mount[]>();
  MOUNTS.set(walker, mounts);
  const key = (ctx.template ?? ctx).key;
  mounts.set(key, [...(mounts.get(key) ?? []), { prefix: frame.prefix, prefixResolved: frame.prefixResolved, chain: frame.chain }]);
}

// ---- linking --------------------------------------------------------------------------------------

export interface GraphqlLink {
  info?: GraphqlInfo;
  warnings: string[];
}

/** Adds every GraphQL operation to the walker's endpoints and returns the model's `graphql` section. */
export function linkGraphql(index: ProjectIndex, walker: RouteWalker, root: string): GraphqlLink {
  const linker = new GraphqlLinker(index, walker, root);
  return linker.run();
}

class GraphqlLinker {
  private readonly sdl: SdlReader;
  private readonly typeNames: Map<string, string>;
  private readonly objectFields: FieldDef[];
  private readonly optionFacts: GraphqlOptionFact[];
  private readonly warnings: string[] = [];
  private readonly fieldResolvers = new Map<string, GraphqlFieldResolver>();

  constructor(private readonly index: ProjectIndex, private readonly walker: RouteWalker, root: string) {
    this.sdl = new SdlReader(index, root);
    this.typeNames = objectTypeNames(index);
    this.objectFields = codeFirstFields(index, this.typeNames);
    this.optionFacts = [...index.files.values()].flatMap((f) => (f.extra[GRAPHQL_OPTIONS] ?? []) as GraphqlOptionFact[]);
  }

  run(): GraphqlLink {
    const servers: GraphqlServer[] = [];
    const claimed = new Set<string>();
    for (const server of this.discover()) {
      const parts = this.schemaParts(server);
      parts.classes.forEach((c) => claimed.add(c.id));
      const operations = this.serve(server, parts);
      servers.push(this.describeServer(server, operations));
    }
    // Resolver classes no server was found for still declare operations: listed, path unknown.
    const orphans = resolverClasses(this.index).filter((c) => !claimed.has(c.id));
    if (orphans.length) this.serve({ kind: "code-first", library: "code-first", loc: orphans[0].loc }, { typeDefs: [], maps: [], classes: orphans });
    const fieldResolvers = [...this.fieldResolvers.values()].sort((a, b) => compareText(locKey(a.location), locKey(b.location)) || compareText(a.field, b.field));
    const info = servers.length || fieldResolvers.length ? { servers: servers.sort((a, b) => compareText(locKey(a.location), locKey(b.location))), fieldResolvers } : undefined;
    return { ...(info ? { info } : {}), warnings: [...new Set([...this.sdl.warnings, ...this.warnings])] };
  }

  // ---- servers ----

  private discover(): ServerFound[] {
    const found: ServerFound[] = [];
    for (const facts of this.index.files.values()) {
      for (const fact of (facts.extra[GRAPHQL_SERVERS] ?? []) as GraphqlServerFact[]) {
        found.push({ kind: "apollo", library: fact.pkg, loc: fact.loc, ...this.optionsOf(fact.options) });
      }
    }
    const calls = this.index.allCalls();
    const callees = this.index.resolvedCallees();
    for (let i = 0; i < calls.length; i++) {
      const server = this.serverCall(calls[i], callees[i]);
      if (server) found.push(server);
    }
    return found.sort((a, b) => compareText(locKey(a.loc), locKey(b.loc)));
  }

  /** @param callee what `call.callee` resolves to */
  private serverCall(call: CallFact, callee: Sym): ServerFound | undefined {
    // Every call with a package callee comes here: read its name only for the servers' packages.
    if (callee.k === "ext" && (YOGA_PACKAGES.has(callee.pkg) || callee.pkg === "@nestjs/graphql")) {
      const name = callee.path.filter((p) => p !== "default").at(-1);
      if (YOGA_PACKAGES.has(callee.pkg) && (name === "createYoga" || name === "createServer")) return { kind: "yoga", library: callee.pkg, loc: call.loc, ...this.optionsOf(call.args[0]) };
      if (callee.pkg === "@nestjs/graphql" && callee.path.includes("GraphQLModule") && (name === "forRoot" || name === "forRootAsync")) {
        return { kind: "nestjs", library: "@nestjs/graphql", loc: call.loc, ...this.optionsOf(name === "forRoot" ? call.args[0] : this.factoryResult(call.args[0])) };
      }
    }
    if (call.callee.k === "member" && call.callee.prop === "register" && call.args[0]) {
      const plugin = this.index.resolve(call.args[0]);
      if (plugin.k === "ext" && plugin.pkg === "mercurius" && plugin.path.every((p) => p === "default")) {
        const registeredOn = this.walker.graph.contextOfValue(call.callee.obj);
        return { kind: "mercurius", library: "mercurius", loc: call.loc, ...this.optionsOf(call.args[1]), ...(registeredOn ? { registeredOn } : {}) };
      }
    }
    return undefined;
  }

  /** `forRootAsync({ useFactory: () => ({ … }) })`: the options the factory returns. */
  private factoryResult(sym: Sym | undefined): Sym | undefined {
    const options = sym && this.index.resolve(sym);
    const factory = options?.k === "obj" ? own(options.props, "useFactory") : undefined;
    const fn = factory && this.index.resolve(factory);
    return fn?.k === "fn" ? this.index.functions.get(fn.id)?.returns[0] : undefined;
  }

  private optionsOf(sym: Sym | undefined): { options?: ObjSym } {
    const value = sym && this.index.resolve(sym);
    return value?.k === "obj" ? { options: value } : {};
  }

  private option(server: ServerFound, key: string): Sym | undefined {
    const value = own(server.options?.props, key);
    return value && this.index.resolve(value);
  }

  // ---- schema ----

  private schemaParts(server: ServerFound): { typeDefs: Sym[]; maps: Sym[]; classes: ClassFact[] } {
    const parts = { typeDefs: [] as Sym[], maps: [] as Sym[], classes: [] as ClassFact[] };
    if (server.options) this.collectSchema(server.options, parts, 0);
    if (server.kind === "nestjs") {
      parts.classes.push(...resolverClasses(this.index, new Set(["@nestjs/graphql"])));
      const typePaths = this.option(server, "typePaths");
      for (const item of typePaths?.k === "arr" ? typePaths.items : []) {
        const pattern = pathText(this.index.resolve(item));
        if (pattern) parts.typeDefs.push(...this.sdl.documentsAt(pattern, server.loc.file));
      }
    }
    return parts;
  }

  /** typeDefs / resolvers / schema, through makeExecutableSchema, createSchema, buildSubgraphSchema, type-graphql's buildSchema... */
  private collectSchema(sym: Sym, parts: { typeDefs: Sym[]; maps: Sym[]; classes: ClassFact[] }, depth: number): void {
    if (depth > 8) return;
    const value = this.index.resolve(sym);
    if (value.k === "lit" || value.k === "concat") {
      parts.typeDefs.push(value);
    } else if (value.k === "arr") {
      value.items.forEach((item) => this.collectSchema(item, parts, depth + 1));
    } else if (value.k === "obj") {
      const typeDefs = own(value.props, "typeDefs");
      const resolvers = own(value.props, "resolvers");
      const schema = own(value.props, "schema");
      if (typeDefs) parts.typeDefs.push(typeDefs);
      if (resolvers) parts.maps.push(resolvers);
      if (schema) this.collectSchema(schema, parts, depth + 1);
      for (const spread of value.spreads) this.collectSchema(spread, parts, depth + 1);
    } else if (value.k === "call") {
      const root = extRoot(value.callee);
      const { pkg, path } = root ? extPath(root) : { pkg: "", path: [] as string[] };
      const name = path.at(-1) ?? "";
      if (pkg === "type-graphql" && (name === "buildSchema" || name === "buildSchemaSync")) {
        parts.classes.push(...this.typeGraphqlResolvers(value.args[0]));
      } else if (pkg === "graphql" && (name === "buildSchema" || name === "buildASTSchema")) {
        if (value.args[0]) parts.typeDefs.push(value.args[0]);
      } else if (SDL_PACKAGES.has(pkg) || SDL_CALLS.has(name)) {
        parts.typeDefs.push(value);
      } else {
        value.args.forEach((arg) => this.collectSchema(arg, parts, depth + 1));
      }
    }
  }

  /** `buildSchema({ resolvers: [A, B] })`; glob strings mean every type-graphql resolver class. */
  private typeGraphqlResolvers(options: Sym | undefined): ClassFact[] {
    const value = options && this.index.resolve(options);
    const list = value?.k === "obj" ? own(value.props, "resolvers") : undefined;
    const items = list ? this.index.resolve(list) : undefined;
    const classes = (items?.k === "arr" ? items.items : []).map((i) => this.index.resolve(i)).flatMap((c) => (c.k === "class" ? [this.index.classes.get(c.id)!] : []));
    const complete = items?.k === "arr" && classes.length === items.items.length;
    return complete ? classes : resolverClasses(this.index, new Set(["type-graphql"]));
  }

  // ---- operations ----

  private serve(server: ServerFound, parts: { typeDefs: Sym[]; maps: Sym[]; classes: ClassFact[] }): Operation[] {
    const schema = this.sdl.schemaOf(parts.typeDefs);
    const entries = [...resolverMapEntries(parts.maps, this.index), ...classEntries(parts.classes, this.index, this.typeNames)];
    const operations = this.operationsOf(schema, entries);
    if (!operations.length && server.kind !== "code-first") this.warnings.push(`${server.loc.file}:${server.loc.line}: no operation of this GraphQL server could be read (its schema is built in a way bka does not follow)`);
    const mounts = this.mountsOf(server);
    const context = this.contextItems(server);
    for (const op of operations) {
      for (const mount of mounts) this.addEndpoint(server, op, mount, context);
    }
    this.recordFieldResolvers(schema, entries);
    return operations;
  }

  private operationsOf(schema: Schema, entries: ResolverEntry[]): Operation[] {
    const rootKind = new Map<string, RootKind>(ROOT_KINDS.map((kind) => [schema.roots[kind.toLowerCase() as "query" | "mutation" | "subscription"], kind]));
    const byName = new Map<string, Operation>();
    const entryOf = new Map(entries.map((e) => [`${rootKind.get(e.owner) ?? e.owner}.${e.field}`, e]));
    for (const field of schema.fields) {
      const kind = rootKind.get(field.owner);
      if (!kind) continue;
      const name = `${kind}.${field.name}`;
      if (!byName.has(name)) byName.set(name, { name, field, ...(entryOf.has(name) ? { entry: entryOf.get(name) } : {}) });
    }
    // Code-first fields are their own declarations; resolver-map roots count when no SDL was read.
    for (const entry of entries) {
      const kind = rootKind.get(entry.owner);
      const name = `${kind}.${entry.field}`;
      if (kind && !byName.has(name) && (entry.declaredAt || schema.documents === 0)) byName.set(name, { name, entry });
    }
    return [...byName.values()].sort((a, b) => compareText(a.name, b.name));
  }

  private addEndpoint(server: ServerFound, op: Operation, mount: Mount & { path: string }, context: ChainItem[]): void {
    const builder = this.walker.builder;
    const loc = op.field?.location ?? op.entry?.declaredAt ?? (op.entry?.fnId ? this.index.functions.get(op.entry.fnId)?.loc : undefined) ?? server.loc;
    builder.add({
      framework: "graphql",
      serviceId: this.walker.serviceOf(server.loc.file),
      method: "POST",
      prefix: mount.prefix,
      path: mount.path,
      loc,
      chain: [...mount.chain, ...context, ...(op.entry?.guards ?? [])],
      handler: op.entry?.fnId ? { k: "fn", id: op.entry.fnId } : undefined,
      prefixResolved: mount.prefixResolved,
    });
    const endpoint = builder.endpoints[builder.endpoints.length - 1];
    endpoint.id = `${endpoint.id} ${op.name}`;
    endpoint.operationName = op.name;
    if (endpoint.auth.state !== "required") endpoint.auth = this.declaredAuth(op) ?? endpoint.auth;
  }

  /** Auth the schema declares: an `@auth`-style directive, or type-graphql's `@Authorized()`. */
  private declaredAuth(op: Operation): AuthInfo | undefined {
    const directive = op.field?.directives.find((d) => AUTH_DIRECTIVE.test(d.name));
    if (directive) {
      return { state: "required", mechanisms: [`directive:@${directive.name}`], ...(directive.location ? { enforcedAt: directive.location } : {}), reason: `the @${directive.name} directive guards ${op.name}` };
    }
    return op.entry?.declaredAuth;
  }

  /** Where each server is served: its HTTP mounts, or the library's own default. */
  private mountsOf(server: ServerFound): (Mount & { path: string })[] {
    const root = { prefix: "/", prefixResolved: true, chain: [] as ChainItem[] };
    const configured = (key: string, fallback: string) => pathText(this.option(server, key)) ?? fallback;
    switch (server.kind) {
      case "yoga":
        return this.httpMounts(server).map((m) => ({ ...m, prefix: "/", prefixResolved: true, path: configured("graphqlEndpoint", "/graphql") }));
      case "mercurius": {
        const onApp = server.registeredOn?.kind === "app";
        return [{ ...root, prefix: onApp ? "/" : "/{?}", prefixResolved: onApp, path: configured("path", "/graphql") }];
      }
      case "nestjs":
        return [{ ...root, path: configured("path", "/graphql") }];
      case "code-first":
        return [{ ...root, prefixResolved: false, path: "/graphql" }];
      case "apollo":
        return this.apolloMounts(server);
    }
  }

  /** Express (or other) mounts the walk found for a server; one unmounted default otherwise. */
  private httpMounts(server: ServerFound): Mount[] {
    const mounts = MOUNTS.get(this.walker)?.get(`ctx:${locKey(server.loc)}`) ?? [];
    const resolved = mounts.filter((m) => m.prefixResolved);
    return resolved.length ? resolved : [{ prefix: "/", prefixResolved: mounts.length === 0 || this.servedStandalone(server), chain: mounts[0]?.chain ?? [] }];
  }

  /**
   * Apollo 4 serves where Express mounts `expressMiddleware(server)` (or at every path with
   * `startStandaloneServer`); apollo-server-express 2/3 serves at `applyMiddleware({ app, path })`,
   * "/graphql" by default.
   */
  private apolloMounts(server: ServerFound): (Mount & { path: string })[] {
    const applied = this.callsOnServer(server).find((c) => c.callee.k === "member" && (c.callee.prop === "applyMiddleware" || c.callee.prop === "getMiddleware"));
    if (applied) {
      const options = applied.args[0] && this.index.resolve(applied.args[0]);
      const path = options?.k === "obj" ? pathText(own(options.props, "path") && this.index.resolve(own(options.props, "path")!)) : undefined;
      return [{ prefix: "/", prefixResolved: true, chain: [], path: toOpenApiPath(path ?? "/graphql") }];
    }
    return this.httpMounts(server).map((m) => ({ ...m, path: "/" }));
  }

  private servedStandalone(server: ServerFound): boolean {
    return this.callsWithServer(server).some((c) => /startStandaloneServer|startServerAndCreate\w*Handler|createServer/.test(describe(c.callee))) ||
      this.callsOnServer(server).some((c) => c.callee.k === "member" && c.callee.prop === "listen");
  }

  /** The context function runs before every resolver: a chain item (it may verify a token). */
  private contextItems(server: ServerFound): ChainItem[] {
    const own_ = this.option(server, "context");
    const fromCall = this.callsWithServer(server).map((c) => c.args.map((a) => this.index.resolve(a)).find((a): a is ObjSym => a.k === "obj" && own(a.props, "context") !== undefined)).find(Boolean);
    const sym = own_ ?? (fromCall ? own(fromCall.props, "context") : undefined);
    if (!sym) return [];
    const loc = fromCall ? this.callsWithServer(server).find((c) => c.args.some((a) => this.index.resolve(a) === fromCall))?.loc ?? server.loc : server.loc;
    return [{ sym, scope: "/", loc, level: "app", name: "context" }];
  }

  /** `expressMiddleware(server, …)`, `startStandaloneServer(server, …)`: library calls given the server. */
  private callsWithServer(server: ServerFound): CallFact[] {
    return this.index.allCalls().filter((c) => c.args.length > 0 && extRoot(this.index.resolve(c.callee)) !== undefined && c.args.some((a) => this.isServer(a, server)));
  }

  private callsOnServer(server: ServerFound): CallFact[] {
    return this.index.allCalls().filter((c) => c.callee.k === "member" && this.isServer(c.callee.obj, server));
  }

  private isServer(sym: Sym, server: ServerFound): boolean {
    const value = this.index.resolve(sym);
    return (value.k === "new" || value.k === "call") && locKey(value.loc) === locKey(server.loc);
  }

  // ---- configuration ----

  private describeServer(server: ServerFound, operations: Operation[]): GraphqlServer {
    const extensions = this.extensionsOf(server);
    const mount = this.mountsOf(server)[0];
    const depthLimit = extensions.depth ?? this.mercuriusDepth(server);
    return {
      serviceId: this.walker.serviceOf(server.loc.file),
      library: server.library,
      path: joinPaths(mount.prefix, mount.path),
      location: server.loc,
      operations: operations.map((o) => o.name),
      ...(depthLimit ? { depthLimit } : {}),
      ...(extensions.complexity ? { complexityLimit: extensions.complexity } : {}),
      introspection: this.introspectionOf(server, extensions.introspectionOff),
    };
  }

  /** Validation rules, plugins and spread presets (`...armor.protect()`) that limit queries. */
  private extensionsOf(server: ServerFound): { depth?: GraphqlLimit; complexity?: GraphqlLimit; introspectionOff?: SourceLocation } {
    const result: { depth?: GraphqlLimit; complexity?: GraphqlLimit; introspectionOff?: SourceLocation } = {};
    const items = [this.option(server, "validationRules"), this.option(server, "plugins"), ...(server.options?.spreads ?? []).map((s) => this.index.resolve(s))]
      .flatMap((v) => (v?.k === "arr" ? v.items.map((i) => this.index.resolve(i)) : v ? [v] : []));
    for (const item of items) {
      for (const use of this.libraryUses(item, server.loc)) {
        const kinds = EXTENSIONS[use.pkg] ?? {};
        const limit = { library: use.pkg, location: use.loc, ...(use.max !== undefined ? { max: use.max } : {}) };
        if (kinds.depth) result.depth ??= limit;
        if (kinds.complexity) result.complexity ??= limit;
        if (kinds.introspectionOff || (use.pkg === "graphql" && use.name === "NoSchemaIntrospectionCustomRule")) result.introspectionOff ??= use.loc;
      }
    }
    return result;
  }

  /** Library calls an extension is, or makes (a project plugin calling `getComplexity`). */
  private libraryUses(item: Sym, fallback: SourceLocation, depth = 0): { pkg: string; name: string; loc: SourceLocation; max?: number }[] {
    if (depth > 3) return [];
    if (item.k === "call" || item.k === "new" || item.k === "ext") {
      const root = extRoot(item);
      if (root) {
        const { pkg, path } = extPath(root);
        // A bare package value in a list (`[NoSchemaIntrospectionCustomRule]`) has no location of its own.
        return [{ pkg, name: path.at(-1) ?? "", loc: item.k === "ext" ? fallback : item.loc, ...maxOf(item, this.index) }];
      }
    }
    const functions = item.k === "fn" ? [item.id] : item.k === "obj" ? Object.values(item.props).map((v) => this.index.resolve(v)).flatMap((v) => (v.k === "fn" ? [v.id] : [])) : [];
    return functions.flatMap((id) => [
      ...(this.index.callsIn.get(id) ?? []).flatMap((c) => this.libraryUses({ k: "call", callee: this.index.resolve(c.callee), args: c.args, loc: c.loc }, fallback, depth + 1)),
      ...(this.index.functions.get(id)?.returns ?? []).flatMap((r) => this.libraryUses(this.index.resolve(r), fallback, depth + 1)),
    ]);
  }

  private mercuriusDepth(server: ServerFound): GraphqlLimit | undefined {
    if (server.kind !== "mercurius") return undefined;
    const depth = this.option(server, "queryDepth");
    if (depth?.k !== "lit" || typeof depth.value !== "number") return undefined;
    return { library: "mercurius", location: this.optionLocation("queryDepth", server.loc) ?? server.loc, max: depth.value };
  }

  private introspectionOf(server: ServerFound, off: SourceLocation | undefined): GraphqlServer["introspection"] {
    if (off) return { state: "never", reason: "a validation rule or plugin blocks introspection queries", location: off };
    const at = (key: string) => this.optionLocation(key, server.loc) ?? server.loc;
    if (server.kind === "yoga") {
      return { state: "always", reason: "GraphQL Yoga answers introspection queries in every environment unless a plugin such as useDisableIntrospection blocks them", location: server.loc };
    }
    if (server.kind === "mercurius") {
      const graphiql = this.option(server, "graphiql");
      const ide = graphiql?.k === "lit" && graphiql.value !== false;
      return { state: "always", reason: `Mercurius answers introspection queries unless a validation rule blocks them${ide ? ", and graphiql serves the GraphiQL IDE" : ""}`, location: ide ? at("graphiql") : server.loc };
    }
    const value = this.option(server, "introspection");
    if (!value) return { state: "not-in-production", reason: "Apollo Server's default: introspection is enabled unless NODE_ENV is \"production\"", location: server.loc };
    if (value.k === "lit") {
      return value.value === true
        ? { state: "always", reason: "`introspection: true` enables introspection in every environment, production included", location: at("introspection") }
        : { state: "never", reason: "`introspection: false`", location: at("introspection") };
    }
    const text = describe(value);
    if (PRODUCTION_CHECK.test(text)) return { state: "not-in-production", reason: `introspection is set from \`${text}\``, location: at("introspection") };
    return { state: "unknown", reason: `introspection is set from \`${text}\`, which bka cannot evaluate`, location: at("introspection") };
  }

  /** Where an option like `introspection: true` is written: in the server's file, nearest after it. */
  private optionLocation(key: string, near: SourceLocation): SourceLocation | undefined {
    const candidates = this.optionFacts.filter((f) => f.key === key);
    const sameFile = candidates.filter((f) => f.loc.file === near.file);
    const after = sameFile.filter((f) => f.loc.line >= near.line).sort((a, b) => a.loc.line - b.loc.line);
    return (after[0] ?? sameFile[0] ?? candidates[0])?.loc;
  }

  // ---- field resolvers (for the N+1 rule) ----

  private recordFieldResolvers(schema: Schema, entries: ResolverEntry[]): void {
    const roots = new Set(Object.values(schema.roots).concat(ROOT_KINDS));
    const fields: FieldDef[] = [
      ...schema.fields,
      ...this.objectFields,
      ...entries.flatMap((e) => (e.returns ? [{ owner: e.owner, name: e.field, returns: e.returns, ...(e.declaredAt ? { location: e.declaredAt } : {}), directives: [] }] : [])),
    ];
    for (const entry of entries) {
      if (roots.has(entry.owner) || !entry.fnId) continue;
      const fn = this.index.functions.get(entry.fnId);
      if (!fn) continue;
      const field = `${entry.owner}.${entry.field}`;
      const key = `${field}@${entry.fnId}`;
      if (this.fieldResolvers.has(key)) continue;
      const listParents = listParentsOf(entry.owner, fields, schema.roots);
      const { accesses, batched } = perCallAccesses(entry.fnId, this.index);
      this.fieldResolvers.set(key, { field, location: fn.loc, listParents, dataAccesses: accesses, batched });
    }
  }
}

/** Fields returning a list of `type` (root fields named by operation kind), first declaration of each. */
function listParentsOf(type: string, fields: readonly FieldDef[], roots: Schema["roots"]): GraphqlFieldResolver["listParents"] {
  const kindOf = new Map<string, string>([[roots.query, "Query"], [roots.mutation, "Mutation"], [roots.subscription, "Subscription"]]);
  const parents = new Map<string, SourceLocation | undefined>();
  for (const f of fields) {
    if (!f.returns?.list || f.returns.named !== type) continue;
    const name = `${kindOf.get(f.owner) ?? f.owner}.${f.name}`;
    if (!parents.has(name) || (!parents.get(name) && f.location)) parents.set(name, f.location);
  }
  return [...parents.entries()].sort(([a], [b]) => compareText(a, b)).map(([field, location]) => ({ field, ...(location ? { location } : {}) }));
}

/** `depthLimit(7)`, `useDepthLimit({ maxDepth: 10 })`, `createComplexityLimitRule(1000)`. */
function maxOf(item: Sym, index: ProjectIndex): { max?: number } {
  if (item.k !== "call" && item.k !== "new") return {};
  const first = item.args[0] && index.resolve(item.args[0]);
  if (first?.k === "lit" && typeof first.value === "number") return { max: first.value };
  if (first?.k === "obj") {
    for (const key of ["maxDepth", "n", "maximumComplexity", "maximumCost", "maxCost"]) {
      const value = own(first.props, key);
      const resolved = value && index.resolve(value);
      if (resolved?.k === "lit" && typeof resolved.value === "number") return { max: resolved.value };
    }
  }
  return {};
}
