// api/write-without-auth: an endpoint that changes data while no authentication runs before it.
import { WRITE_METHODS, type ArchitectureModel, type Endpoint, type SourceLocation } from "../../model/types.ts";
import type { Option } from "../../model/finding.ts";
import type { Rule, RuleContext, RuleMeta } from "../types.ts";
import { byLocation, describeEndpoint, questionIfAsk, refs, unique } from "../support.ts";
import { compareText } from "../../model/order.ts";

export const meta: RuleMeta = {
  id: "api/write-without-auth",
  area: "api",
  severity: "high",
  title: "Endpoint changes data without authentication",
  rationale:
    "Finds POST, PUT, PATCH, DELETE and catch-all routes that no authentication middleware, hook or guard protects. " +
    "Anyone who can reach the service can then create, change or delete data through them. The strongest signal is " +
    "inconsistency: when other routes of the same service require a login and this one does not, the route was " +
    "almost always forgotten (a new route added without the middleware, or a method added to a protected path). " +
    "Routes that are public by design — login, sign-up, token and password-reset flows, webhooks, health checks, " +
    "contact forms — are not reported. A service without authentication anywhere is turned into one question, " +
    "because a public API is a legitimate choice only its owners can confirm.",
  examples: {
    bad: `router.get("/products/:id", requireAuth, showProduct);
router.put("/products/:id", updateProduct); // anyone can change a product`,
    good: `router.get("/products/:id", requireAuth, showProduct);
router.put("/products/:id", requireAuth, updateProduct);`,
  },
  references: [
    refs.cwe(306, "Missing Authentication for Critical Function"),
    refs.asvs("8.2.1", "Function-level access is restricted to consumers with explicit permissions"),
    refs.apiTop10(5),
    refs.top10(2025, 7, "Authentication Failures"),
  ],
};

/**
 * Confidence, by what the rest of the service tells us:
 * - a write on the same resource is protected, this one is not: almost surely forgotten;
 * - writes elsewhere in the service are protected: the service protects writes as a rule;
 * - only reads are protected: the owners may have meant writes to be open, or not;
 * - the route runs an optional-auth middleware: the handler may check the user itself;
 * - no route of the service is protected: possibly a public API, so it is a question;
 * - the front end could not tell: a question.
 */
const CONFIDENCE = {
  sameResourceProtected: 92,
  otherWritesProtected: 90,
  onlyReadsProtected: 80,
  optionalAuth: 75,
  serviceWithoutAuth: 65,
  unknown: 55,
} as const;

/** Paths whose writes are public by design: authentication flows, callbacks, health, contact. */
const PUBLIC_BY_DESIGN: readonly RegExp[] = [
  /\/(log[-_]?in|sign[-_]?in|log[-_]?on|log[-_]?out|sign[-_]?out|authenticate|magic[-_]?link|otp)(\/|$)/,
  /\/sessions?$/,
  /\/(register|registration|sign[-_]?up)(\/|$)/,
  /\/(token|refresh|refresh[-_]?token|oauth2?|openid|saml|sso)(\/|$)/,
  /(forgot|reset|recover)[-_]?password|password[-_/]?(reset|forgot|recovery)|\/forgot(\/|$)/,
  /\/(verify|confirm)[-_/]?(email|account)(\/|$)/,
  /\/(webhooks?|callbacks?)(\/|$)/,
  /\/(health|healthz|healthcheck|ready|readyz|live|livez|ping)(\/|$)/,
  /\/(contact|feedback|newsletter|subscribe|unsubscribe)(\/|$)/,
  /\/public(\/|$)/,
];

/** Routes named in one message, and shown as evidence, before "and N more". */
const MAX_LISTED = 10;

const IDENTITY_FIELD = /(^|\.)(email|username|user[-_]?name|login|phone)$/i;
const PASSWORD_FIELD = /(^|\.)password$/i;

const messages = {
  siblingsGuarded: (route: string, guarded: string[], resource: string, method: string) =>
    `${guarded.join(" and ")} on ${resource} ${guarded.length > 1 ? "are" : "is"} guarded, ${method} is not: ${route} changes data and no authentication runs before it.`,
  inconsistent: (route: string, contrast: string) =>
    `${route} changes data, but no authentication runs before its handler, while ${contrast} in the same service requires it.`,
  onlyReadsProtected: (route: string, contrast: string) =>
    `${route} changes data without authentication, while ${contrast} (a read) requires it: writes look less protected than reads.`,
  optionalAuth: (route: string, middleware: string) =>
    `${route} changes data and runs only the optional authentication \`${middleware}\`: anonymous requests reach the handler unless it checks the user itself.`,
  serviceWithoutAuth: (service: string, writes: string[]) =>
    `No route of service ${service} requires authentication, including ${writes.length} that change data: ` +
    `${writes.slice(0, MAX_LISTED).join(", ")}${writes.length > MAX_LISTED ? ` and ${writes.length - MAX_LISTED} more` : ""}.`,
  unknown: (route: string, reason: string) =>
    `bka could not tell whether ${route} requires authentication${reason ? ` (${reason})` : ""}.`,
  questionPublic: (service: string) =>
    `Is the API of ${service} meant to be public, so that anyone who can reach it may create, change and delete data? ` +
    `If yes, mark it public in the bka config; if not, add authentication to its write routes.`,
  questionUnknown: (route: string) =>
    `Does ${route} require authentication? If a middleware bka does not recognise protects it, name it in the bka config.`,
  fix: (route: string, middleware: string, contrast: string) =>
    `Add \`${middleware}\` before the handler of ${route}, as ${contrast} does.`,
  requireAuth: (route: string, contrast: string) => `Require authentication on ${route}, as ${contrast} does.`,
};

const OPTIONS: Option[] = [
  {
    title: "Add the authentication middleware to this route",
    pros: ["Smallest change; reads the same as the sibling routes", "No effect on other routes"],
    cons: ["The next route added to this router can forget it again"],
  },
  {
    title: "Apply it to the whole router (router.use / a plugin-level hook) and exempt public routes explicitly",
    pros: ["Secure by default: routes added later are protected", "Public routes become a short, reviewable list"],
    cons: ["Public routes (login, health) must move before it or be exempted", "In Express, its position among router.use calls matters"],
  },
];

export function check(model: ArchitectureModel, ctx: RuleContext): void {
  for (const endpoints of groupByService(model.endpoints).values()) {
    const writes = endpoints.filter(isWriteThatShouldBeProtected);
    const guarded = endpoints.filter((e) => e.auth.state === "required").sort(byRoute);
    // A closed route (a deny-all guard) is not evidence that its resource needs a login.
    const protectedEndpoints = guarded.filter((e) => !e.auth.closed);
    // An optional-auth write is only judged against guarded writes on the very same path, and
    // only when its resource has a write behind a real login (not only closed siblings).
    const open = writes.filter((e) => e.auth.state === "none" || (e.auth.state === "optional" && samePathGuardedWrites(e, guarded).length > 0 && resourceGuardedWrites(e, protectedEndpoints).length > 0));
    if (protectedEndpoints.length === 0) {
      if (open.length > 0) reportServiceWithoutAuth(model, ctx, open);
    } else {
      for (const endpoint of open) reportUnprotectedWrite(model, ctx, endpoint, protectedEndpoints, guarded);
    }
    for (const endpoint of writes.filter((e) => e.auth.state === "unknown")) reportUnknown(model, ctx, endpoint);
  }
}

/** `guarded` includes closed routes (deny-all guards); `protectedEndpoints` only routes behind a real login. */
function reportUnprotectedWrite(model: ArchitectureModel, ctx: RuleContext, endpoint: Endpoint, protectedEndpoints: Endpoint[], guarded: Endpoint[]): void {
  const route = describeEndpoint(endpoint);
  const contrast = pickContrast(endpoint, protectedEndpoints);
  const contrastRoute = describeEndpoint(contrast.endpoint);
  const optional = endpoint.middleware.find((m) => m.kind === "optional-auth");
  // Routes a library generates, and routes an identifying middleware runs on, are told apart from
  // their guarded siblings on the same path; a plain route keeps its closest contrast.
  const judgedBySiblings = (endpoint.generated || endpoint.auth.state === "optional") && samePathGuardedWrites(endpoint, guarded).length > 0;
  const siblings = judgedBySiblings ? resourceGuardedWrites(endpoint, protectedEndpoints) : [];
  // An identifying middleware every sibling runs too tells nothing about this route: the guard the siblings add is what it lacks.
  const sharedOptional = optional !== undefined && siblings.length > 0 && siblings.every((s) => s.middleware.some((m) => m.kind === "optional-auth" && m.name === optional.name));
  const confidence = optional && !sharedOptional ? CONFIDENCE.optionalAuth : CONFIDENCE[contrast.kind];
  const message = optional && !sharedOptional
    ? messages.optionalAuth(route, optional.name)
    : siblings.length > 0
      ? messages.siblingsGuarded(route, unique(siblings.map((s) => s.method)), resourceOf(endpoint.path), endpoint.method)
      : contrast.kind === "onlyReadsProtected"
        ? messages.onlyReadsProtected(route, contrastRoute)
        : messages.inconsistent(route, contrastRoute);
  const authName = authMiddlewareName(contrast.endpoint);
  const summary = authName ? messages.fix(route, authName, contrastRoute) : messages.requireAuth(route, contrastRoute);
  const routeEvidence = ctx.codeEvidence(endpoint.location, endpoint.generated ? `${endpoint.generated.library} generates ${route} here` : "route registered without authentication");
  // A generated route has no registration of its own: the guard goes next to its siblings' guards.
  const location = endpoint.generated && siblings.length > 0 ? authLocation(siblings[0]) : endpoint.location;
  const siblingEvidence = siblings.map((s) => ctx.codeEvidence(authLocation(s), `${describeEndpoint(s)} requires authentication here`));
  ctx.report({
    confidence,
    message,
    location,
    subject: route,
    evidence: siblingEvidence.length ? [routeEvidence, ...siblingEvidence] : [routeEvidence, ctx.codeEvidence(authLocation(contrast.endpoint), `${contrastRoute} requires authentication here`)],
    remediation: {
      summary,
      options: OPTIONS,
      ...(authName ? { fix: routeFix(endpoint.location, routeEvidence.snippet, authName, summary) } : {}),
    },
    ...questionIfAsk(model, confidence, messages.questionUnknown(route)),
  });
}

function reportServiceWithoutAuth(model: ArchitectureModel, ctx: RuleContext, open: Endpoint[]): void {
  const sorted = [...open].sort(byRoute);
  const serviceId = sorted[0].serviceId;
  ctx.report({
    confidence: CONFIDENCE.serviceWithoutAuth,
    message: messages.serviceWithoutAuth(serviceId, sorted.map(describeEndpoint)),
    location: sorted[0].location,
    subject: `service ${serviceId}`,
    evidence: sorted.slice(0, MAX_LISTED).map((e) => ctx.codeEvidence(e.location, `${describeEndpoint(e)} registered without authentication`)),
    remediation: { summary: `Decide whether ${serviceId} is a public API; if not, require authentication on its write routes.`, options: OPTIONS },
    ...questionIfAsk(model, CONFIDENCE.serviceWithoutAuth, messages.questionPublic(serviceId)),
  });
}

function reportUnknown(model: ArchitectureModel, ctx: RuleContext, endpoint: Endpoint): void {
  const route = describeEndpoint(endpoint);
  const evidence = [ctx.codeEvidence(endpoint.location, "route registered here")];
  if (endpoint.auth.enforcedAt) evidence.push(ctx.codeEvidence(endpoint.auth.enforcedAt, "possible authentication here"));
  ctx.report({
    confidence: CONFIDENCE.unknown,
    message: messages.unknown(route, endpoint.auth.reason ?? ""),
    location: endpoint.location,
    subject: route,
    evidence,
    remediation: { summary: `Confirm that ${route} requires authentication.`, options: OPTIONS },
    ...questionIfAsk(model, CONFIDENCE.unknown, messages.questionUnknown(route)),
  });
}

// ---------------------------------------------------------------------------------------------

function isWriteThatShouldBeProtected(endpoint: Endpoint): boolean {
  if (!WRITE_METHODS.includes(endpoint.method)) return false;
  // Every GraphQL operation is a POST; only mutations change data.
  if (endpoint.framework === "graphql" && !endpoint.operationName?.startsWith("Mutation.")) return false;
  // A catch-all (`app.all("*", notFound)`) is a fallback or a proxy, not a write route.
  if (endpoint.method === "ALL" && /\*|\{\?\}/.test(endpoint.path)) return false;
  return !isPublicByDesign(endpoint);
}

export function isPublicByDesign(endpoint: Endpoint): boolean {
  const path = endpoint.path.toLowerCase();
  if (PUBLIC_BY_DESIGN.some((pattern) => pattern.test(path))) return true;
  return endpoint.method === "POST" && exchangesCredentials(endpoint);
}

/** A POST that reads an identity and a password from the body is a login or a sign-up. */
function exchangesCredentials(endpoint: Endpoint): boolean {
  const body = endpoint.inputs.filter((i) => i.kind === "body").map((i) => i.path);
  return body.some((p) => PASSWORD_FIELD.test(p)) && body.some((p) => IDENTITY_FIELD.test(p));
}

type ContrastKind = "sameResourceProtected" | "otherWritesProtected" | "onlyReadsProtected";

/** The protected sibling that best shows the inconsistency: same resource first, then any write, then a read. */
function pickContrast(endpoint: Endpoint, protectedEndpoints: Endpoint[]): { endpoint: Endpoint; kind: ContrastKind } {
  const resource = resourceOf(endpoint.path);
  const protectedWrites = protectedEndpoints.filter((e) => WRITE_METHODS.includes(e.method));
  const sameResourceWrite = protectedWrites.find((e) => resourceOf(e.path) === resource);
  if (sameResourceWrite) return { endpoint: sameResourceWrite, kind: "sameResourceProtected" };
  if (protectedWrites.length > 0) return { endpoint: protectedWrites[0], kind: "otherWritesProtected" };
  const sameResourceRead = protectedEndpoints.find((e) => resourceOf(e.path) === resource);
  return { endpoint: sameResourceRead ?? protectedEndpoints[0], kind: "onlyReadsProtected" };
}

/**
 * Guarded writes on the same path as this one (PUT open while DELETE on the same item is guarded),
 * registered routes before generated ones, so the guard a fix copies is the project's own.
 */
function samePathGuardedWrites(endpoint: Endpoint, protectedEndpoints: Endpoint[]): Endpoint[] {
  const shape = endpoint.path.replace(/\{[^}]*\}/g, "{}");
  return resourceGuardedWrites(endpoint, protectedEndpoints).filter((e) => e.path.replace(/\{[^}]*\}/g, "{}") === shape);
}

/** Guarded writes with other methods on the same resource (its collection and its items), one per method. */
function resourceGuardedWrites(endpoint: Endpoint, protectedEndpoints: Endpoint[]): Endpoint[] {
  const resource = resourceOf(endpoint.path);
  const same = protectedEndpoints.filter((e) => e.method !== endpoint.method && WRITE_METHODS.includes(e.method) && resourceOf(e.path) === resource);
  const byMethod = new Map<string, Endpoint>();
  for (const e of [...same].sort((a, b) => Number(!!a.generated) - Number(!!b.generated) || byLocation(a.location, b.location))) if (!byMethod.has(e.method)) byMethod.set(e.method, e);
  return [...byMethod.values()].sort((a, b) => byLocation(authLocation(a), authLocation(b)));
}

/** "/api/products/{id}/reviews/{reviewId}" → "/api/products/{}/reviews": the collection a route acts on. */
function resourceOf(path: string): string {
  return path.replace(/\/\{[^}]*\}$/, "").replace(/\{[^}]*\}/g, "{}");
}

function authMiddlewareName(endpoint: Endpoint): string | undefined {
  return endpoint.middleware.find((m) => m.kind === "auth")?.name;
}

function authLocation(endpoint: Endpoint): SourceLocation {
  // A guard registered as the route itself (`app.post('/x', requireAuth())`) is applied where the route is.
  if (endpoint.auth.reason?.includes("is the route's handler")) return endpoint.location;
  return endpoint.middleware.find((m) => m.kind === "auth")?.location ?? endpoint.auth.enforcedAt ?? endpoint.location;
}

/** A sketch of the fixed registration: the middleware inserted after the path argument. */
function routeFix(location: SourceLocation, snippet: string, middleware: string, description: string) {
  const match = /^(.*?\(\s*(["'`])[^"'`]*\2\s*,)\s*/.exec(snippet);
  return match
    ? { description, location, replacement: `${match[1]} ${middleware}, ${snippet.slice(match[0].length)}` }
    : { description, location };
}

function groupByService(endpoints: Endpoint[]): Map<string, Endpoint[]> {
  const groups = new Map<string, Endpoint[]>();
  for (const endpoint of [...endpoints].sort(byRoute)) {
    const group = groups.get(endpoint.serviceId) ?? [];
    group.push(endpoint);
    groups.set(endpoint.serviceId, group);
  }
  return groups;
}

function byRoute(a: Endpoint, b: Endpoint): number {
  return compareText(a.path, b.path) || compareText(a.method, b.method) || byLocation(a.location, b.location);
}

export const rule: Rule = { meta, check };
