// Per-file facts the GraphQL front end (src/ingest/frameworks/graphql.ts) needs and symbolic
// values do not carry: where each piece of SDL text sits (templates and strings that read like
// a schema), where server options such as `introspection: true` are written, which `new
// ApolloServer(...)` calls create servers, and the ways resolvers turn callers away
// (`throw new GraphQLError(…, { extensions: { code: "UNAUTHENTICATED" } })` after `if (!user)`).
import type { SourceLocation } from "../../model/types.ts";
import type { Extractor, Node, WalkContext } from "../js/analyzer.ts";
import { propertyName, unwrap } from "../js/analyzer.ts";
import type { AuthSignals } from "../js/facts.ts";
import { prune, type Sym } from "../js/sym.ts";
import { paramChain } from "./values.ts";

export const GRAPHQL_SERVERS = "graphql.servers";
export const GRAPHQL_TEXTS = "graphql.texts";
export const GRAPHQL_OPTIONS = "graphql.options";

/** `new ApolloServer(options)`. */
export interface GraphqlServerFact {
  loc: SourceLocation;
  pkg: string;
  options?: Sym;
}

/** A literal piece of SDL text and where its first character is. */
export interface GraphqlTextFact {
  text: string;
  loc: SourceLocation;
}

/** An option written in an object literal (`introspection: true`), with its literal value. */
export interface GraphqlOptionFact {
  key: string;
  loc: SourceLocation;
  value?: string | number | boolean | null;
}

/** Packages whose `ApolloServer` class makes a server. */
export const APOLLO_PACKAGES = new Set([
  "@apollo/server", "apollo-server", "apollo-server-express", "apollo-server-fastify", "apollo-server-koa",
  "apollo-server-hapi", "apollo-server-lambda", "apollo-server-micro", "apollo-server-cloud-functions",
]);
/** Server options often hold the resolver map inline: a larger budget than a call argument's. */
const OPTIONS_BUDGET = 2_000;
const OPTION_KEYS = new Set(["introspection", "graphiql", "queryDepth", "playground", "ide"]);
const SDL_LIKE = /\b(?:extend\s+)?(?:type|input|interface|enum)\s+[A-Za-z_]\w*[^{}]*\{|\bschema\s*\{|\bdirective\s+@/;
const AUTH_CODES: Record<string, number> = { UNAUTHENTICATED: 401, UNAUTHORIZED: 401, FORBIDDEN: 403 };
const IDENTITY = new Set(["user", "currentUser", "viewer", "me", "userId", "auth", "session", "account"]);
const IDENTITY_HOLDERS = new Set(["context", "ctx", "state", "locals", "req", "request"]);

export const graphqlFacts: Extractor = {
  name: "graphql",
  visit: {
    NewExpression(node, ctx) {
      const callee = ctx.symOf(node.callee);
      if (callee.k === "ext" && APOLLO_PACKAGES.has(callee.pkg) && callee.path.at(-1) === "ApolloServer") {
        const fact: GraphqlServerFact = { loc: ctx.loc(node), pkg: callee.pkg, ...(node.arguments[0] ? { options: prune(ctx.symOf(node.arguments[0]), OPTIONS_BUDGET) } : {}) };
        ctx.emit(GRAPHQL_SERVERS, fact);
      }
      const status = graphqlErrorStatus(node, ctx);
      if (status) mark(ctx, "rejects", { ...ctx.loc(node), status });
    },
    TemplateLiteral(node, ctx) {
      const quasis: Node[] = node.quasis;
      if (!SDL_LIKE.test(quasis.map((q) => q.value.cooked ?? "").join(" "))) return;
      for (const q of quasis) {
        const text: string | undefined = q.value.cooked;
        if (!text?.trim()) continue;
        // A quasi's span includes its delimiters: "`" or "}" before, "${" or "`" after.
        const start = q.end - q.value.raw.length - (q.tail ? 1 : 2);
        ctx.emit(GRAPHQL_TEXTS, { text, loc: ctx.loc({ start }) } satisfies GraphqlTextFact);
      }
    },
    Literal(node, ctx) {
      if (typeof node.value !== "string" || node.value.length < 10 || !SDL_LIKE.test(node.value)) return;
      ctx.emit(GRAPHQL_TEXTS, { text: node.value, loc: ctx.loc({ start: node.start + 1 }) } satisfies GraphqlTextFact);
    },
    Property(node, ctx) {
      const key = propertyName(node);
      if (!key || !OPTION_KEYS.has(key)) return;
      const value = ctx.symOf(node.value);
      ctx.emit(GRAPHQL_OPTIONS, { key, loc: ctx.loc(node), ...(value.k === "lit" ? { value: value.value } : {}) } satisfies GraphqlOptionFact);
    },
    UnaryExpression(node, ctx) {
      if (node.operator !== "!") return;
      const chain = paramChain(ctx.symOf(unwrap(node.argument)));
      if (chain && isIdentityPath(chain.path)) mark(ctx, "readsCredential", ctx.loc(node));
    },
  },
};

/** `new GraphQLError(msg, { extensions: { code: "UNAUTHENTICATED" } })` and the v15 positional form. */
function graphqlErrorStatus(node: Node, ctx: WalkContext): number | undefined {
  const callee = unwrap(node.callee);
  const name: string | undefined = callee.type === "Identifier" ? callee.name : callee.type === "MemberExpression" && !callee.computed ? callee.property.name : undefined;
  if (!name || !/Error$/.test(name)) return undefined;
  for (const arg of node.arguments) {
    const value = ctx.symOf(arg);
    if (value.k !== "obj") continue;
    const extensions = value.props.extensions;
    const code = extensions?.k === "obj" ? extensions.props.code : value.props.code;
    if (code?.k === "lit" && typeof code.value === "string" && AUTH_CODES[code.value]) return AUTH_CODES[code.value];
  }
  return undefined;
}

/** `!user`, `!context.user`, `!ctx.state.user`: the caller's identity read off a parameter. */
function isIdentityPath(path: readonly string[]): boolean {
  if (path.length === 1) return IDENTITY.has(path[0]);
  return path.length === 2 && IDENTITY_HOLDERS.has(path[0]) && IDENTITY.has(path[1]);
}

function mark<K extends keyof AuthSignals>(ctx: WalkContext, key: K, value: NonNullable<AuthSignals[K]>): void {
  for (const fn of ctx.enclosingFunctions()) fn.signals[key] ??= value;
}
