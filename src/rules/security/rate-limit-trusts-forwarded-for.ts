// security/rate-limit-trusts-forwarded-for: a rate limiter the client can reset by sending a header.
import type { ArchitectureModel, RateLimiter, TrustProxySetting } from "../../model/types.ts";
import type { Rule, RuleContext, RuleMeta } from "../types.ts";
import { byLocation, describeLocation, refs } from "../support.ts";

export const meta: RuleMeta = {
  id: "security/rate-limit-trusts-forwarded-for",
  area: "security",
  severity: "high",
  title: "Rate limiter keyed on a client-supplied X-Forwarded-For",
  rationale:
    "Finds rate limiters (express-rate-limit, @fastify/rate-limit, koa-ratelimit, rate-limiter-flexible, custom 429 " +
    "middleware) whose key reads the X-Forwarded-For header, and limiters keyed on the client address in an app that " +
    "trusts every proxy hop (`app.set('trust proxy', true)`, `Fastify({ trustProxy: true })`, Koa `app.proxy = true`), " +
    "where the address itself is taken from that header. The client writes X-Forwarded-For: a new value per request " +
    "gives a fresh counter per request, so the limit — on a login, a password reset, a one-time code — never applies.",
  examples: {
    bad: `rateLimit({ windowMs: 60_000, max: 5, keyGenerator: (req) => req.headers["x-forwarded-for"] ?? req.ip })`,
    good: `app.set("trust proxy", 1); // exactly the one proxy in front of the app\nrateLimit({ windowMs: 60_000, max: 5 }) // keyed on req.ip`,
  },
  references: [
    refs.cwe(348, "Use of Less Trusted Source"),
    refs.cwe(307, "Improper Restriction of Excessive Authentication Attempts"),
    refs.asvs("4.1.3", "Header fields set by an intermediary cannot be overridden by the end-user"),
    refs.cheatSheet("Authentication"),
  ],
};

/** The key function reads the header itself: the bypass is in the code. */
const READS_HEADER = 95;
/** The key is the client address and the app trusts every hop: spoofable unless the proxy overwrites the header. */
const TRUSTS_EVERY_HOP = 78;

function check(model: ArchitectureModel, ctx: RuleContext): void {
  const limiters = [...(model.rateLimiters ?? [])].sort((a, b) => byLocation(a.location, b.location));
  const trustAll = (model.trustProxy ?? []).filter((t) => t.value === true);
  const byTrust = new Map<TrustProxySetting, RateLimiter[]>();
  for (const limiter of limiters.filter((l) => (l.key.source === "default" || l.key.source === "ip") && l.library !== "custom")) {
    const trust = trustFor(limiter, trustAll);
    if (trust) byTrust.set(trust, [...(byTrust.get(trust) ?? []), limiter]);
  }
  // A header-keyed limiter and a trust setting that hands the header to the other limiters are one
  // cause (the service takes its clients' word for their address): one finding, with both fixes.
  const folded = new Set<TrustProxySetting>();
  for (const limiter of limiters.filter((l) => l.key.source === "forwarded-for")) {
    const trust = trustFor(limiter, trustAll);
    const keyedOnIp = trust && !folded.has(trust) ? (byTrust.get(trust) ?? []) : [];
    if (trust && keyedOnIp.length) folded.add(trust);
    reportHeaderKey(limiter, trust, keyedOnIp, ctx);
  }
  for (const [trust, keyedOnIp] of byTrust) if (!folded.has(trust)) reportTrustedHops(trust, keyedOnIp, ctx);
}

function reportHeaderKey(limiter: RateLimiter, trust: TrustProxySetting | undefined, keyedOnIp: RateLimiter[], ctx: RuleContext): void {
  const at = limiter.key.location ?? limiter.location;
  const others = keyedOnIp.map((l) => describeLocation(l.location)).join(", ");
  ctx.report({
    confidence: READS_HEADER,
    message:
      `The ${limiter.library} limiter at ${describeLocation(limiter.location)} counts requests by the X-Forwarded-For header (${describeLocation(at)}): ` +
      `a client that sends a different value with each request is never limited.` +
      (trust && keyedOnIp.length
        ? ` ${trustText(trust)} at ${describeLocation(trust.location)} makes the client address the left-most X-Forwarded-For entry too, so the limiter(s) at ${others}, keyed on that address, can be escaped the same way.`
        : trust
          ? ` The app also trusts every proxy hop (${describeLocation(trust.location)}), so even its fallback to the client address reads the same header.`
          : ""),
    location: at,
    subject: `${limiter.location.file}:${limiter.location.line} ${limiter.library} key`,
    evidence: [
      ctx.codeEvidence(at, "key read from X-Forwarded-For"),
      ...(at.file === limiter.location.file && at.line === limiter.location.line ? [] : [ctx.codeEvidence(limiter.location, "limiter configured here")]),
      ...(trust ? [ctx.codeEvidence(trust.location, "trust proxy: every hop")] : []),
      ...keyedOnIp.map((l) => ctx.codeEvidence(l.location, "limiter keyed on the client address")),
    ],
    references: meta.references,
    remediation: {
      summary:
        "Key the limiter on the address the framework derives (`req.ip`) and set `trust proxy` to the number of proxies in front of the app, so the address comes from the hop your proxy wrote." +
        (keyedOnIp.length ? " Both changes are needed: the hop count also protects the limiters keyed on the client address." : ""),
      fix: { description: "Drop the custom key function: the library's default key is the client address.", location: at },
    },
  });
}

function reportTrustedHops(trust: TrustProxySetting, keyedOnIp: RateLimiter[], ctx: RuleContext): void {
  const where = keyedOnIp.map((l) => describeLocation(l.location)).join(", ");
  ctx.report({
    confidence: TRUSTS_EVERY_HOP,
    message:
      `${trustText(trust)} at ${describeLocation(trust.location)} makes the client address the left-most X-Forwarded-For entry, which the client writes; ` +
      `the rate limiter(s) at ${where} count by that address, so a client can rotate it to escape the limit.`,
    location: trust.location,
    subject: `${trust.location.file}:${trust.location.line} trust proxy`,
    evidence: [ctx.codeEvidence(trust.location, "trusts every proxy hop"), ...keyedOnIp.map((l) => ctx.codeEvidence(l.location, "limiter keyed on the client address"))],
    references: meta.references,
    remediation: {
      summary: "Trust exactly the proxies in front of the app (a hop count or their addresses) instead of every hop.",
      options: [
        { title: "Hop count (`trust proxy`: 1)", pros: ["The address comes from the entry your proxy appended"], cons: ["Wrong if the number of proxies changes"] },
        { title: "Proxy addresses or subnets", pros: ["Robust to extra hops"], cons: ["Must follow infrastructure changes"] },
      ],
      fix: { description: "Set the number of proxies in front of the app.", location: trust.location, replacement: trust.framework === "express" ? `app.set("trust proxy", 1)` : trust.framework === "fastify" ? "trustProxy: 1" : "app.proxy = true; app.maxIpsCount = 1" },
    },
  });
}

function trustText(trust: TrustProxySetting): string {
  if (trust.framework === "fastify") return "`trustProxy: true`";
  if (trust.framework === "koa") return "`app.proxy = true`";
  return "`trust proxy` set to true";
}

/** The trust setting that governs a limiter: one in the same file first, else the service's first. */
function trustFor(limiter: RateLimiter, trustAll: TrustProxySetting[]): TrustProxySetting | undefined {
  const service = trustAll.filter((t) => t.serviceId === limiter.serviceId);
  return service.find((t) => t.location.file === limiter.location.file) ?? service[0];
}

export const rule: Rule = { meta, check };
