// security/no-rate-limit-on-auth: login, registration, reset and one-time-code endpoints anyone can call without limit.
import type { ArchitectureModel, CredentialOperation, Endpoint, HttpMethod, SourceLocation } from "../../model/types.ts";
import type { Rule, RuleContext, RuleMeta } from "../types.ts";
import { byLocation, describeEndpoint, describeLocation, refs } from "../support.ts";
import { compareText } from "../../model/order.ts";

export const meta: RuleMeta = {
  id: "security/no-rate-limit-on-auth",
  area: "security",
  severity: "high",
  title: "Authentication endpoint without rate limiting",
  rationale:
    "Finds login, registration, password-reset and one-time-code endpoints — recognised by their path, or by a handler " +
    "that checks a password or one-time code for an unauthenticated caller — with no rate limiter in their " +
    "middleware chain: no library limiter (express-rate-limit, @fastify/rate-limit, koa-ratelimit, rate-limiter-flexible, " +
    "NestJS @Throttle / ThrottlerGuard), no project middleware that answers 429. Without one, passwords can be guessed " +
    "and leaked credential lists replayed at full speed, six-digit codes enumerated, and reset mail sent in bulk. A " +
    "service with no limiter at all gets one finding; a gateway that limits these routes is an answer, not a fix.",
  examples: {
    bad: `app.post("/login", login);`,
    good: `app.post("/login", rateLimit({ windowMs: 15 * 60_000, limit: 10 }), login);`,
  },
  references: [
    refs.cwe(307, "Improper Restriction of Excessive Authentication Attempts"),
    refs.asvs("6.3.1", "Controls against credential stuffing and password brute force"),
    refs.asvs("6.6.3", "Code-based out-of-band authentication is protected against brute force by rate limiting"),
    refs.asvs("2.4.1", "Anti-automation controls"),
    refs.apiTop10(4),
  ],
};

type Purpose = "login" | "registration" | "password reset" | "one-time code";

/** Other routes of the service are limited, this one is not: likely an oversight. */
const MISSED_ROUTE: Record<Purpose, number> = { login: 85, "one-time code": 85, "password reset": 82, registration: 78 };
/** Recognised by what its handler does, not by its path. */
const BY_BEHAVIOUR = 74;
/** The service limits nothing in code: a gateway may do it. One finding for the service. */
const NO_LIMITER_ANYWHERE = 75;
/** Endpoints reported one by one in a service before the rest are summarised in one finding. */
const CAP_PER_SERVICE = 5;

const PURPOSE_SEGMENTS: [RegExp, Purpose][] = [
  [/^(login|log-in|signin|sign-in|sessions?|authenticate|auth|token|access-token)$/i, "login"],
  [/^(register|registration|signup|sign-up)$/i, "registration"],
  [/^(reset-password|password-reset|forgot-password|forgot|reset|recover|recovery|forgotten-password)$/i, "password reset"],
  [/^(otp|2fa|mfa|totp|two-factor|verify-otp|verify-code)$/i, "one-time code"],
];
/** Methods that submit an attempt (a DELETE of a session is a logout). */
const ATTEMPT_METHODS: readonly HttpMethod[] = ["POST", "PUT", "PATCH", "ALL"];
const LIMITER_NAME = /rate.?limit|limiter|throttl|brute|slow.?down/i;

interface Candidate {
  endpoint: Endpoint;
  purpose: Purpose;
  confidence: number;
  evidence?: CredentialOperation;
}

function check(model: ArchitectureModel, ctx: RuleContext): void {
  const limited = limitedFunctions(model);
  const appWide = appWideLimits(model);
  const operations = operationsByFunction(model.credentialOperations ?? []);
  const byService = new Map<string, Candidate[]>();
  for (const endpoint of uniqueEndpoints(model.endpoints)) {
    if (appWide.has(endpoint.serviceId)) continue;
    const candidate = candidateOf(endpoint, operations);
    if (!candidate || isLimited(endpoint, limited)) continue;
    byService.set(endpoint.serviceId, [...(byService.get(endpoint.serviceId) ?? []), candidate]);
  }
  for (const [serviceId, candidates] of [...byService].sort(([a], [b]) => compareText(a, b))) {
    if (!serviceLimitsAnything(model, serviceId)) reportService(serviceId, candidates, ctx);
    else reportEach(candidates, ctx);
  }
}

function candidateOf(endpoint: Endpoint, operations: Map<string, CredentialOperation[]>): Candidate | undefined {
  if (!ATTEMPT_METHODS.includes(endpoint.method)) return undefined;
  const purpose = purposeOfPath(endpoint.path);
  const ops = endpoint.handlerId ? (operations.get(endpoint.handlerId) ?? []) : [];
  const evidence = ops.find((o) => o.kind !== "token-issue") ?? ops[0];
  if (purpose) {
    // Changing a password behind a session is not a guessing target the way a login is.
    if (purpose === "password reset" && endpoint.auth.state === "required" && !/reset|forgot|recover/i.test(endpoint.path)) return undefined;
    return { endpoint, purpose, confidence: MISSED_ROUTE[purpose], ...(evidence ? { evidence } : {}) };
  }
  // Checking a password or code for a caller who is not signed in is a login, whatever its path. Issuing a
  // token alone is not: apps re-issue tokens after profile changes.
  if (!evidence || evidence.kind === "token-issue" || endpoint.auth.state === "required" || endpoint.auth.state === "unknown") return undefined;
  return { endpoint, purpose: evidence.kind === "otp-check" ? "one-time code" : "login", confidence: BY_BEHAVIOUR, evidence };
}

function purposeOfPath(path: string): Purpose | undefined {
  const segments = path.split("/").filter((s) => s && !s.startsWith("{"));
  for (const [pattern, purpose] of PURPOSE_SEGMENTS) {
    if (purpose === "one-time code" ? segments.some((s) => pattern.test(s)) : pattern.test(segments[segments.length - 1] ?? "")) return purpose;
  }
  return /password/i.test(segments[segments.length - 1] ?? "") ? "password reset" : undefined;
}

/** Functions a limiter guards or runs in: custom 429 middleware, `consume()` callers, `@Throttle` handlers. */
function limitedFunctions(model: ArchitectureModel): Set<string> {
  return new Set((model.rateLimiters ?? []).flatMap((l) => (l.appliesTo ? [l.appliesTo] : [])));
}

/**
 * Services limited on every route by a plugin that does not show in route chains: @fastify/rate-limit
 * (global unless `global: false`) and NestJS's ThrottlerModule (applied through a global guard).
 */
function appWideLimits(model: ArchitectureModel): Set<string> {
  const appWide = model.securityControls.filter(
    (c) => c.kind === "rate-limit" && ((c.library === "@fastify/rate-limit" && c.options.global !== false) || c.library === "@nestjs/throttler"),
  );
  return new Set(appWide.map((c) => c.serviceId));
}

function isLimited(endpoint: Endpoint, limited: Set<string>): boolean {
  if (endpoint.handlerId && limited.has(endpoint.handlerId)) return true;
  return endpoint.middleware.some((m) => m.kind === "rate-limit" || LIMITER_NAME.test(m.name) || (m.definedAt !== undefined && limited.has(functionId(m.definedAt))));
}

function functionId(at: SourceLocation): string {
  return `${at.file}:${at.line}:${at.column}`;
}

function serviceLimitsAnything(model: ArchitectureModel, serviceId: string): boolean {
  return (model.rateLimiters ?? []).some((l) => l.serviceId === serviceId) || model.securityControls.some((c) => c.serviceId === serviceId && c.kind === "rate-limit");
}

function operationsByFunction(operations: CredentialOperation[]): Map<string, CredentialOperation[]> {
  const byFn = new Map<string, CredentialOperation[]>();
  for (const op of operations) byFn.set(op.functionId, [...(byFn.get(op.functionId) ?? []), op]);
  return byFn;
}

/** A route reached through two mounts is one endpoint for this rule. */
function uniqueEndpoints(endpoints: Endpoint[]): Endpoint[] {
  const seen = new Set<string>();
  return [...endpoints]
    .sort((a, b) => byLocation(a.location, b.location) || compareText(a.method, b.method))
    .filter((e) => {
      const key = `${e.serviceId} ${e.method} ${e.path} ${functionId(e.location)}`;
      return !seen.has(key) && seen.add(key);
    });
}

const REMEDIATION_OPTIONS = [
  { title: "A limiter on these routes in the app", pros: ["Travels with the code", "Can key on the account as well as the address"], cons: ["Needs a shared store (Redis) when the app runs on several instances"] },
  { title: "Limits at the gateway or WAF", pros: ["No code change"], cons: ["Invisible to code review; often keyed on the address only"] },
];

function reportEach(candidates: Candidate[], ctx: RuleContext): void {
  const shown = candidates.length > CAP_PER_SERVICE ? candidates.slice(0, CAP_PER_SERVICE - 1) : candidates;
  for (const c of shown) {
    const route = describeEndpoint(c.endpoint);
    ctx.report({
      confidence: c.confidence,
      message: `${route} (${c.purpose}${c.evidence ? `; ${c.evidence.api} at ${describeLocation(c.evidence.location)}` : ""}) has no rate limiter in its middleware chain, although the service configures rate limiting elsewhere: its ${c.purpose} can be tried at full speed.`,
      location: c.endpoint.location,
      subject: `${c.endpoint.serviceId} ${c.endpoint.method} ${c.endpoint.path}`,
      evidence: [ctx.codeEvidence(c.endpoint.location, "registered without a limiter"), ...(c.evidence ? [ctx.codeEvidence(c.evidence.location, evidenceLabel(c.evidence))] : [])],
      references: meta.references,
      remediation: { summary: `Add a rate limiter to ${route}, keyed on the client address and, where there is one, the account.`, options: REMEDIATION_OPTIONS },
    });
  }
  const rest = candidates.slice(shown.length);
  if (rest.length) reportGroup(rest, BY_BEHAVIOUR, `${rest.length} more authentication endpoint(s) of ${rest[0].endpoint.serviceId} have no rate limiter`, ctx);
}

function reportService(serviceId: string, candidates: Candidate[], ctx: RuleContext): void {
  reportGroup(candidates, NO_LIMITER_ANYWHERE, `${serviceId} configures no rate limiter at all, and it serves ${candidates.length} authentication endpoint(s)`, ctx);
}

function reportGroup(candidates: Candidate[], confidence: number, lead: string, ctx: RuleContext): void {
  const first = candidates[0].endpoint;
  ctx.report({
    confidence,
    message: `${lead}: ${candidates.map((c) => `${describeEndpoint(c.endpoint)} (${c.purpose})`).join(", ")}. Unless a gateway limits them, they can be tried at full speed.`,
    location: first.location,
    subject: `${first.serviceId} authentication endpoints without rate limiting`,
    evidence: candidates.map((c) => ctx.codeEvidence(c.endpoint.location, `${c.purpose} endpoint`)),
    references: meta.references,
    remediation: { summary: "Add a rate limiter to the authentication routes (or one app-wide limit plus a stricter one on these routes).", options: REMEDIATION_OPTIONS },
  });
}

function evidenceLabel(op: CredentialOperation): string {
  return op.kind === "password-check" ? "checks a password" : op.kind === "otp-check" ? "checks a one-time code" : "issues a token";
}

export const rule: Rule = { meta, check };
