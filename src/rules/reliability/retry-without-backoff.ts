// reliability/retry-without-backoff: retries that hammer a failing dependency, or never stop.
import type { ArchitectureModel, OutboundCall, RetryPolicy } from "../../model/types.ts";
import type { CodeEvidence, Option } from "../../model/finding.ts";
import type { Rule, RuleContext, RuleMeta } from "../types.ts";
import { describeLocation, questionIfAsk, refs } from "../support.ts";

export const meta: RuleMeta = {
  id: "reliability/retry-without-backoff",
  area: "reliability",
  severity: "medium",
  title: "Retry without backoff, or without a limit",
  rationale:
    "Finds retries of calls to other services that do not wait longer after each failure, or never give up: axios-retry " +
    "configured without `retryDelay` (its default is no delay at all), p-retry / async-retry / promise-retry / retry " +
    "with `forever` or `Infinity` retries or a constant wait, and hand-written loops that call a dependency again " +
    "straight from their catch block. A dependency that fails under load then receives every request several times at " +
    "once, and a brief outage turns into a retry storm that keeps it down; an unbounded retry holds the caller's " +
    "request, socket and memory forever. Exponential backoff with jitter and a small attempt limit spread the retries " +
    "out and let the dependency recover.",
  examples: {
    bad: `axiosRetry(client, { retries: 5 }); // retries immediately, five times`,
    good: `axiosRetry(client, { retries: 3, retryDelay: axiosRetry.exponentialDelay });`,
  },
  references: [
    refs.cwe(400, "Uncontrolled Resource Consumption"),
    refs.asvs("13.2.6", "Connections to separate services follow documented timeouts and retry strategies"),
    refs.asvs("16.5.2", "The application keeps operating securely when external resource access fails"),
    { title: "AWS Builders' Library: Timeouts, retries and backoff with jitter", url: "https://aws.amazon.com/builders-library/timeouts-retries-and-backoff-with-jitter/" },
    { title: "axios-retry: options (retryDelay defaults to no delay)", url: "https://github.com/softonic/axios-retry#options" },
  ],
};

/**
 * Confidence: a library whose documented default is "no delay" or that is told to retry forever
 * is a fact (90); a loop bka recognised as a retry loop is a strong reading (85); a constant wait
 * between attempts is a judgement on the dependency's behaviour (60).
 */
const CONFIDENCE = { library: 90, loop: 85, fixed: 60 } as const;

const messages = {
  none: (p: RetryPolicy, where: string, attempts: string) =>
    p.library === "loop"
      ? `The loop at ${where} retries a call to another service${attempts} immediately after each failure, with no wait in between.`
      : `${p.library} at ${where} retries${attempts} without any delay between attempts.`,
  unbounded: (p: RetryPolicy, where: string) =>
    p.library === "loop" ? `The loop at ${where} retries a call to another service until it succeeds, with no attempt limit.` : `${p.library} at ${where} is configured to retry forever.`,
  fixed: (p: RetryPolicy, where: string) => `${p.library === "loop" ? "The retry loop" : p.library} at ${where} waits the same time before every attempt, with no backoff or jitter.`,
  storm: " When the dependency struggles, every caller retries at the same moment and keeps it down.",
  question: (where: string) => `Does the dependency retried at ${where} recover on its own within the fixed wait, with few callers? If so, mark it in the bka config.`,
};

const OPTIONS: Option[] = [
  {
    title: "Exponential backoff with jitter and a small attempt limit (3–5)",
    pros: ["Spreads retries out; the dependency gets room to recover", "Bounded extra load and latency"],
    cons: ["A request can take several seconds longer before failing: keep within the caller's deadline"],
  },
  {
    title: "Retry only idempotent requests, behind a circuit breaker",
    pros: ["No duplicate side effects", "Stops retrying altogether while the dependency is down"],
    cons: ["More moving parts to configure and monitor"],
  },
];

export function check(model: ArchitectureModel, ctx: RuleContext): void {
  const callsById = new Map(model.outboundCalls.map((c) => [c.id, c]));
  for (const policy of model.retries ?? []) {
    const verdict = verdictOf(policy);
    if (!verdict) continue;
    report(model, ctx, policy, verdict, policy.outboundCallIds.flatMap((id) => callsById.get(id) ?? []));
  }
}

type Verdict = "unbounded" | "none" | "fixed";

function verdictOf(policy: RetryPolicy): Verdict | undefined {
  if (policy.attempts === "unbounded") return "unbounded";
  if (typeof policy.attempts === "number" && policy.attempts <= 1) return undefined;
  if (policy.backoff === "none") return "none";
  if (policy.backoff === "fixed") return "fixed";
  return undefined;
}

function report(model: ArchitectureModel, ctx: RuleContext, policy: RetryPolicy, verdict: Verdict, calls: OutboundCall[]): void {
  const where = describeLocation(policy.location);
  const confidence = verdict === "fixed" ? CONFIDENCE.fixed : policy.library === "loop" ? CONFIDENCE.loop : CONFIDENCE.library;
  const attempts = typeof policy.attempts === "number" ? ` up to ${policy.attempts} times` : "";
  const message =
    verdict === "unbounded" ? messages.unbounded(policy, where) + messages.storm
    : verdict === "none" ? messages.none(policy, where, attempts) + messages.storm
    : messages.fixed(policy, where);
  const evidence: CodeEvidence[] = [
    ctx.codeEvidence(policy.location, verdict === "unbounded" ? "retries without a limit" : verdict === "none" ? "retries without waiting" : "waits a constant time between retries"),
    ...calls.slice(0, 2).map((c) => ctx.codeEvidence(c.location, `the call retried${c.target ? ` (${c.target})` : ""}`)),
  ];
  ctx.report({
    confidence,
    severity: verdict === "unbounded" ? "high" : verdict === "fixed" ? "low" : meta.severity,
    message,
    location: policy.location,
    subject: `${where} ${verdict}`,
    evidence,
    remediation: {
      summary: "Back off exponentially with jitter between attempts and stop after a few.",
      options: OPTIONS,
      ...(policy.library === "axios-retry" ? { fix: { description: "Use axios-retry's exponential delay (it adds jitter).", location: policy.location, replacement: "axiosRetry(client, { retries: 3, retryDelay: axiosRetry.exponentialDelay })" } } : {}),
    },
    ...questionIfAsk(model, confidence, messages.question(where)),
  });
}

export const rule: Rule = { meta, check };
