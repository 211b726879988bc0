// Literals that look like credentials: assigned to a secret-like name (`JWT_SECRET = "…"`,
// `{ password: "…" }`), passed where a secret goes (`jwt.sign(payload, "…")`, `session({ secret })`),
// or matching a provider's key format (PEM private keys, AWS, GitHub, Stripe, Slack, Google,
// connection strings with a password). Only a redacted preview, the length and the entropy are
// kept: the value itself never leaves the extractor.
import type { SecretCandidate } from "../../model/types.ts";
import type { Extractor, Node, WalkContext } from "../js/analyzer.ts";
import { describe, own } from "../js/sym.ts";
import { memberPath, propertyName, unwrap } from "../js/analyzer.ts";
import type { Sym } from "../js/sym.ts";
import { byLocation, extPath, extRoot, isProcessEnv, locKey, packageName } from "./values.ts";
import type { ProjectIndex } from "../link/project-index.ts";

export const SECRETS = "code.secrets";

interface ProviderPattern {
  pattern: string;
  kind: string;
  re: RegExp;
}

const PROVIDER_PATTERNS: readonly ProviderPattern[] = [
  { pattern: "pem-private-key", kind: "private-key", re: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----/ },
  { pattern: "aws-access-key-id", kind: "aws-access-key", re: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/ },
  { pattern: "github-token", kind: "token", re: /\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})/ },
  { pattern: "stripe-secret-key", kind: "api-key", re: /\b[sr]k_live_[0-9A-Za-z]{16,}/ },
  { pattern: "slack-token", kind: "token", re: /\bxox[baprs]-[0-9A-Za-z-]{10,}/ },
  { pattern: "google-api-key", kind: "api-key", re: /\bAIza[0-9A-Za-z_-]{35}\b/ },
  { pattern: "connection-string-credentials", kind: "connection-string", re: /\b[a-z][a-z0-9+.-]*:\/\/[^\s:@/]+:[^\s@/]+@[^\s/]+/i },
];

// Names are split into words (camelCase, snake_case, kebab-case) and matched word by word, so
// `author` and `tokenizer` are not secrets but `authToken` and `API_KEY` are.
const SECRET_WORDS: Record<string, string> = {
  secret: "secret", secrets: "secret", password: "password", passwd: "password", pwd: "password",
  passphrase: "password", token: "token", tokens: "token", apikey: "api-key", auth: "token", authorization: "token",
  credential: "credential", credentials: "credential", jwt: "jwt-secret", signing: "jwt-secret", privatekey: "private-key",
};
const SECRET_PAIRS: Record<string, string> = { "api key": "api-key", "private key": "private-key", "access key": "api-key", "client secret": "client-secret", "session secret": "session-secret", "signing key": "jwt-secret", "jwt secret": "jwt-secret", "secret key": "secret" };
// A last word that says the value is about the secret, not the secret: `tokenUrl`, `passwordField`.
const QUALIFIER_WORDS = new Set([
  "type", "types", "url", "uri", "endpoint", "header", "headers", "name", "field", "fields", "param", "algorithm", "algorithms", "alg",
  "expires", "expiry", "expiration", "ttl", "lifetime", "length", "len", "path", "file", "dir", "env", "var", "prefix", "suffix", "format",
  "mode", "method", "kind", "strategy", "provider", "scheme", "label", "placeholder", "hint", "message", "msg", "error", "regex",
  "pattern", "route", "cookie", "enabled", "required", "min", "max", "policy", "rounds", "id", "count", "version", "issuer", "audience",
  "column", "col", "text", "title", "description", "selector", "location", "store", "reset", "strength", "validator", "domain",
  "host", "hostname", "port", "user", "username", "email", "realm", "server", "service", "db", "database", "bucket", "region", "project",
  "scope", "scopes", "claim", "group", "groups", "typ", "aud", "iss", "sub", "kid",
]);
const NOT_SECRET_VALUES = new Set([
  "true", "false", "none", "null", "undefined", "required", "optional", "jwt", "bearer", "basic", "session", "cookie", "local", "oauth",
  "oauth2", "header", "query", "body", "hs256", "hs384", "hs512", "rs256", "rs384", "rs512", "es256", "es384", "es512",
  // type and category names in settings tables: `{ stripe_secret_key: "string" }`
  "string", "number", "boolean", "object", "array", "integer", "float", "date", "json", "text", "enum", "email", "url",
  "private", "public", "internal", "hidden",
]);
const PLACEHOLDER_MARKERS = /change[-_ ]?me|change[-_ ]?this|your[-_ ]|replace[-_ ]?me|placeholder|example|dummy|sample|fake|todo|xxx|<[^>]*>|\$\{|\{\{|^test[-_]|_test_/i;
const PLACEHOLDER_VALUES = new Set(["test", "testing", "secret", "password", "pass", "key", "token", "dev", "development", "default", "local", "foo", "bar", "changeit"]);
const PLACEHOLDER_PATH = /(^|\/)(test|tests|__tests__|__mocks__|spec|specs|fixtures?|mocks?|examples?|e2e|cypress)\/|\.(test|spec)\.[cm]?[jt]sx?$/i;
const LOCAL_HOSTS = /@(localhost|127\.0\.0\.1|0\.0\.0\.0|\[::1\])([:/]|$)/i;

/** Secret-bearing options of well-known packages: `session({ secret })`, `cookieSession({ keys })`. */
const SECRET_OPTIONS: Record<string, { keys: string[]; kind: string }> = {
  "express-session": { keys: ["secret"], kind: "session-secret" },
  "cookie-session": { keys: ["secret", "keys"], kind: "session-secret" },
  "express-jwt": { keys: ["secret"], kind: "jwt-secret" },
  "passport-jwt": { keys: ["secretOrKey"], kind: "jwt-secret" },
  "@nestjs/jwt": { keys: ["secret", "privateKey"], kind: "jwt-secret" },
  "@fastify/jwt": { keys: ["secret"], kind: "jwt-secret" },
  "@fastify/session": { keys: ["secret"], kind: "session-secret" },
  "@fastify/secure-session": { keys: ["secret", "key"], kind: "session-secret" },
  "@fastify/cookie": { keys: ["secret"], kind: "session-secret" },
};

// Literal nodes already recorded through a stronger context (a call), skipped when seen again.
const recorded = new WeakSet<Node>();

interface LiteralUse {
  node: Node;
  value: string;
  envFallback: boolean;
}

interface Context {
  /** What it is assigned to or passed as ("JWT_SECRET", "jwt.sign arg 2"). */
  label: string;
  /** A kind given by the place (jwt.sign's key), which also skips the name heuristics. */
  kind?: string;
}

export const secretCandidates: Extractor = {
  name: "secrets",
  visit: {
    VariableDeclarator(node, ctx) {
      if (node.id.type === "Identifier" && node.init) recordNamed(ctx, node.id.name, node.id.name, node.init);
    },
    Property(node, ctx) {
      if (node.method || node.kind !== "init" || isPattern(node.value)) return;
      const name = propertyName(node);
      if (name) recordNamed(ctx, name, name, node.value);
    },
    PropertyDefinition(node, ctx) {
      const name = propertyName(node);
      if (name && node.value) recordNamed(ctx, name, name, node.value);
    },
    AssignmentExpression(node, ctx) {
      const left = unwrap(node.left);
      const path = left?.type === "Identifier" ? [left.name] : left?.type === "MemberExpression" ? memberPath(left) : undefined;
      if (path) recordNamed(ctx, path[path.length - 1], path.join("."), node.right);
    },
    AssignmentPattern(node, ctx) {
      // `const { JWT_SECRET = "dev" } = process.env` and `function f(password = "…")`.
      if (node.left.type !== "Identifier") return;
      const fromEnv = alternatives(ctx.symOf(node.left)).some(isProcessEnv);
      for (const use of literalUses(node.right, ctx)) record(ctx, { ...use, envFallback: use.envFallback || fromEnv }, secretKindOfName(node.left.name), { label: node.left.name });
    },
    CallExpression: recordCallContexts,
    NewExpression: recordCallContexts,
    Literal(node, ctx) {
      if (typeof node.value === "string") recordByPattern(ctx, { node, value: node.value, envFallback: false }, "string literal");
    },
    TemplateLiteral(node, ctx) {
      if (node.expressions.length === 0) recordByPattern(ctx, { node, value: node.quasis[0]?.value.cooked ?? "", envFallback: false }, "string literal");
    },
  },
};

const PATTERN_TYPES = new Set(["AssignmentPattern", "ObjectPattern", "ArrayPattern"]);

function isPattern(node: Node): boolean {
  return PATTERN_TYPES.has(node?.type);
}

function alternatives(sym: Sym): Sym[] {
  return sym.k === "alt" ? sym.options : [sym];
}

function recordNamed(ctx: WalkContext, name: string, label: string, valueNode: Node): void {
  // Most named values are not string literals: only those need the name read.
  const uses = literalUses(valueNode, ctx);
  if (!uses.length) return;
  // A quoted key with dots is a file name or a settings path (`"admin-auth.min.js"`), not a variable.
  const kind = name.includes(".") ? undefined : secretKindOfName(name);
  for (const use of uses) record(ctx, use, kind, { label });
}

/** jwt.sign / jwt.verify keys, and secret options of session, cookie and JWT middleware. */
function recordCallContexts(node: Node, ctx: WalkContext): void {
  const callee = ctx.symOf(node.callee);
  const root = extRoot(callee);
  const args: Node[] = node.arguments;
  if (root && callee.k === "ext") {
    const { pkg, path } = extPath(root);
    if (pkg === "jsonwebtoken" && (path[0] === "sign" || path[0] === "verify") && args[1]) {
      recordAt(ctx, args[1], { label: `jwt.${path[0]} arg 2`, kind: "jwt-secret" });
    }
    if (pkg === "cookie-parser" && path.length === 0 && args[0]) recordAt(ctx, args[0], { label: "cookie-parser secret", kind: "session-secret" });
  }
  const options = secretOptionsOf(callee, args, ctx);
  if (options) {
    const { pkg, spec, node: optionsNode } = options;
    for (const prop of unwrap(optionsNode)?.type === "ObjectExpression" ? unwrap(optionsNode).properties : []) {
      const key = prop.type === "Property" ? propertyName(prop) : undefined;
      if (key && spec.keys.includes(key)) recordAt(ctx, prop.value, { label: `${pkg} ${key}`, kind: spec.kind });
    }
  }
  args.forEach((arg, i) => {
    const a = unwrap(arg);
    if (a?.type === "Literal" || a?.type === "TemplateLiteral") {
      for (const use of literalUses(a, ctx)) recordByPattern(ctx, use, `${describe(callee)} arg ${i + 1}`);
    }
  });
}

/** The options argument of a package call that takes a secret, directly or through `register(plugin, opts)`. */
function secretOptionsOf(callee: Sym, args: Node[], ctx: WalkContext): { pkg: string; spec: { keys: string[]; kind: string }; node: Node } | undefined {
  const root = extRoot(callee);
  const pkg = root && packageName(root.pkg);
  const spec = pkg ? own(SECRET_OPTIONS, pkg) : undefined;
  if (pkg && spec && args[0]) return { pkg, spec, node: args[0] };
  if (callee.k === "member" && callee.prop === "register" && args[0] && args[1]) {
    const plugin = extRoot(ctx.symOf(args[0]));
    const pluginPkg = plugin && packageName(plugin.pkg);
    const pluginSpec = pluginPkg ? own(SECRET_OPTIONS, pluginPkg) : undefined;
    if (pluginPkg && pluginSpec) return { pkg: pluginPkg, spec: pluginSpec, node: args[1] };
  }
  return undefined;
}

function recordAt(ctx: WalkContext, valueNode: Node, context: Context): void {
  const v = unwrap(valueNode);
  const nodes = v?.type === "ArrayExpression" ? v.elements.filter(Boolean) : [valueNode];
  for (const n of nodes) for (const use of literalUses(n, ctx)) record(ctx, use, context.kind, context);
}

function recordByPattern(ctx: WalkContext, use: LiteralUse, label: string): void {
  if (!recorded.has(use.node) && providerPattern(use.value)) record(ctx, use, undefined, { label });
}

/** The string literals an expression may be: itself, either side of `||` / `??`, either branch of `?:`. */
function literalUses(node: Node, ctx: WalkContext): LiteralUse[] {
  const n = unwrap(node);
  if (n?.type === "Literal" && typeof n.value === "string") return [{ node: n, value: n.value, envFallback: false }];
  if (n?.type === "TemplateLiteral" && n.expressions.length === 0) return [{ node: n, value: n.quasis[0]?.value.cooked ?? "", envFallback: false }];
  if (n?.type === "LogicalExpression" && n.operator !== "&&") {
    return [...literalUses(n.left, ctx), ...literalUses(n.right, ctx).map((u) => ({ ...u, envFallback: u.envFallback || readsEnv(n.left, ctx) }))];
  }
  if (n?.type === "ConditionalExpression") {
    return [
      ...literalUses(n.consequent, ctx).map((u) => ({ ...u, envFallback: u.envFallback || readsEnv(n.alternate, ctx) })),
      ...literalUses(n.alternate, ctx).map((u) => ({ ...u, envFallback: u.envFallback || readsEnv(n.consequent, ctx) })),
    ];
  }
  return [];
}

function readsEnv(node: Node, ctx: WalkContext): boolean {
  return alternatives(ctx.symOf(node)).some(isProcessEnv);
}

function record(ctx: WalkContext, use: LiteralUse, nameKind: string | undefined, context: Context): void {
  if (recorded.has(use.node)) return;
  const provider = providerPattern(use.value);
  const kind = provider?.kind ?? context.kind ?? nameKind;
  if (!kind) return;
  if (!provider && !context.kind && (looksLikeNonSecret(use.value) || (kind !== "password" && isShortWord(use.value)) || sameWords(use.value, context.label))) return;
  recorded.add(use.node);
  const chars = [...use.value];
  const candidate: SecretCandidate = {
    location: ctx.loc(use.node),
    kind,
    context: context.label,
    preview: previewOf(chars),
    length: chars.length,
    entropy: shannonEntropy(chars),
    ...(provider ? { pattern: provider.pattern } : {}),
    likelyPlaceholder: PLACEHOLDER_PATH.test(ctx.file) || isPlaceholder(use.value, provider),
    envFallback: use.envFallback,
  };
  ctx.emit(SECRETS, candidate);
}

/** The kind a secret-like name implies, or undefined for names that are not about a secret value. */
export function secretKindOfName(name: string): string | undefined {
  // Names repeat across a project (`id`, `name`, `options`): split each one once.
  if (kindByName.has(name)) return kindByName.get(name);
  const kind = kindOfWords(name);
  if (kindByName.size < 100_000) kindByName.set(name, kind);
  return kind;
}

const kindByName = new Map<string, string | undefined>();

function kindOfWords(name: string): string | undefined {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  if (!words.length || QUALIFIER_WORDS.has(words[words.length - 1])) return undefined;
  for (let i = 0; i + 1 < words.length; i++) {
    const pair = own(SECRET_PAIRS, `${words[i]} ${words[i + 1]}`);
    if (pair) return pair;
  }
  for (const word of words) {
    const kind = own(SECRET_WORDS, word);
    if (kind) return kind;
  }
  // `DB_PASS`, `smtpPass`: "pass" only as the last word (not `passThrough`).
  return words[words.length - 1] === "pass" ? "password" : undefined;
}

// Every provider pattern contains one of these fixed markers; one scan for them lets the many
// ordinary string literals of a project skip the seven pattern tests.
const PROVIDER_MARKERS = /-----BEGIN |AKIA|ASIA|gh[pousr]_|github_pat_|k_live_|xox[baprs]-|AIza|:\/\//;

export function providerPattern(value: string): ProviderPattern | undefined {
  if (!PROVIDER_MARKERS.test(value)) return undefined;
  return PROVIDER_PATTERNS.find((p) => p.re.test(value));
}

/** `{ beforePasswordReset: "beforePasswordReset" }`: an enum-like table maps names to themselves. */
function sameWords(value: string, name: string): boolean {
  const letters = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, "");
  return /^[A-Za-z_][\w-]*$/.test(value) && letters(value) === letters(name.split(".").pop() ?? name);
}

/**
 * A short lowercase word ("core", "members") is a label, not a key or token; only a password can
 * be that weak (`password: "root"` stays a candidate).
 */
function isShortWord(value: string): boolean {
  return /^[a-z]{1,7}$/.test(value) && !PLACEHOLDER_VALUES.has(value);
}

/** Sentences, URLs, paths, globs and file names, env-var names, algorithm, scheme and type names. */
function looksLikeNonSecret(value: string): boolean {
  const v = value.trim();
  return (
    /\s/.test(v) ||
    /[*?]/.test(v) ||
    /^[A-Za-z_]\w*\.[A-Za-z_]\w*$/.test(v) ||
    /\.(pem|key|crt|cer|p12|pfx|json|[cm]?js|ts|txt|env|ya?ml|html?)$/i.test(v) ||
    /^([a-z][a-z0-9+.-]*:)?\/\//i.test(v) ||
    /^\.{0,2}\/[\w\-./]*$/.test(v) ||
    /^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$/.test(v) ||
    /^x-[a-z0-9-]+$/i.test(v) ||
    NOT_SECRET_VALUES.has(v.toLowerCase())
  );
}

function isPlaceholder(value: string, provider: ProviderPattern | undefined): boolean {
  if (value.length === 0 || /^(.)\1*$/s.test(value)) return true;
  if (PLACEHOLDER_MARKERS.test(value) || PLACEHOLDER_VALUES.has(value.toLowerCase())) return true;
  if (provider?.pattern === "connection-string-credentials") {
    const creds = /:\/\/([^\s:@/]+):([^\s@/]+)@/.exec(value);
    return Boolean(creds && (creds[1] === creds[2] || PLACEHOLDER_VALUES.has(creds[2].toLowerCase()) || LOCAL_HOSTS.test(value)));
  }
  return false;
}

/** Shannon entropy in bits per character, to two decimals. */
export function shannonEntropy(chars: readonly string[]): number {
  if (!chars.length) return 0;
  const counts = new Map<string, number>();
  for (const c of chars) counts.set(c, (counts.get(c) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) {
    const p = n / chars.length;
    bits -= p * Math.log2(p);
  }
  return Math.round(bits * 100) / 100;
}

/** First 4 characters (fewer for short values, so a short value is never shown whole), "…" and the length. */
export function previewOf(chars: readonly string[]): string {
  const shown = Math.min(4, Math.floor(chars.length / 2));
  return `${chars.slice(0, shown).join("")}…(${chars.length})`;
}

// ---- link side ------------------------------------------------------------------------------

export function buildSecrets(index: ProjectIndex): SecretCandidate[] {
  const unique = new Map<string, SecretCandidate>();
  for (const facts of index.files.values()) {
    for (const s of (facts.extra[SECRETS] ?? []) as SecretCandidate[]) {
      const key = locKey(s.location);
      if (!unique.has(key)) unique.set(key, s);
    }
  }
  return [...unique.values()].sort((a, b) => byLocation(a.location, b.location));
}
