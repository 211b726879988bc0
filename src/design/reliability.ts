// The reliability designer: pure over the requirements. The latency objective is split into a
// query budget and an outbound budget; each dependency gets a share of the outbound budget, a
// timeout inside it, the retries that still fit, a retry budget and circuit-breaker settings.
// A dependency too slow for the budget goes off the request path (outbox/queue). Availability is
// composed from instances, the database and the synchronous dependencies, and the smallest
// redundancy that reaches the objective is searched, not guessed.
import type { Requirements } from "../ingest/requirements/schema.ts";
import { QUERY_SHARE, type CacheEntry } from "./capacity.ts";
import type { Decision } from "./decisions.ts";
import { compareText, figure, formatNumber, round4, type Assumption, type Figure } from "./plan.ts";

/** A timeout this many times the dependency's p99 cuts ≈ 1% of calls at most, for a sane tail. */
export const TIMEOUT_OVER_P99 = 1.5;
export const MAX_RETRIES = 2;
/** Backoff before retry k is up to BACKOFF_BASE_MS × 2^(k−1) (full jitter: uniform in [0, that]). */
export const BACKOFF_BASE_MS = 20;
/** Retries may add at most this share of first attempts (a token bucket per dependency). */
export const RETRY_BUDGET = 0.1;
/** Availability of one application instance (assumed: deploys, crashes, host failures). */
export const INSTANCE_AVAILABILITY = 99.5;
/** Availability of the database (assumed: managed PostgreSQL with a standby and automatic failover). */
export const DATABASE_AVAILABILITY = 99.95;
export const BREAKER = { failureRatePercent: 50, minimumCalls: 20, windowSeconds: 10, openSeconds: 5, halfOpenProbes: 3 } as const;

export interface RetryPlan {
  count: number;
  /** Maximum backoff before each retry, ms. */
  backoffMs: number[];
  /** Worst case time for every attempt and backoff: must fit in the share. */
  worstCase: Figure;
}

export interface BreakerPlan {
  failureRatePercent: number;
  minimumCalls: number;
  windowSeconds: number;
  openSeconds: number;
  halfOpenProbes: number;
  /** Calls slower than this count as failures (the attempt timeout). */
  slowCallMs: number;
  /** Failure rate in normal operation, from the dependency's availability: far below the threshold. */
  normalFailurePercent: Figure;
}

export interface DependencyPlan {
  name: string;
  p99Ms: number;
  availability: number;
  path: "sync" | "async";
  reason: string;
  share?: Figure;
  timeout?: Figure;
  retries?: RetryPlan;
  /** Highest rate of first attempts that keeps attempts plus budgeted retries under the provider's limit. */
  maxFirstAttempts?: Figure;
  breaker?: BreakerPlan;
  /** The timeout is below the dependency's own p99: more than 1% of calls will time out. */
  tight: boolean;
}

export interface AvailabilityPlan {
  target?: number;
  instances: number;
  /** Composite at the chosen instance count. */
  composite: Figure;
  /** The most redundancy can give: database × synchronous dependencies. */
  ceiling: Figure;
  /** For comparison: every dependency called on the request path, two instances. */
  allSynchronous: Figure;
  meetsTarget: boolean;
  /** Composite by instance count, 1..5: the search for the smallest count that reaches the target. */
  byInstances: { instances: number; percent: number }[];
}

export interface DegradationMode {
  failure: string;
  behaviour: string;
}

export interface ReliabilityPlan {
  objectiveMs?: number;
  /** What the dependencies may spend of the objective: p99 × (1 − query share). */
  outboundBudget?: Figure;
  dependencies: DependencyPlan[];
  availability: AvailabilityPlan;
  assumptions: Assumption[];
  decisions: Decision[];
  questions: Decision[];
}

export function reliabilityPlan(req: Requirements): ReliabilityPlan {
  const objectiveMs = req.objectives?.p99Ms;
  const outboundBudget = objectiveMs === undefined ? undefined : figure(Math.floor(objectiveMs * (1 - QUERY_SHARE)), "ms", "⌊objective p99 × (1 − query share)⌋", `⌊${objectiveMs} × (1 − ${QUERY_SHARE})⌋`);
  const fits = (p99: number) => !outboundBudget || p99 <= outboundBudget.value;
  const syncTotal = req.dependencies.filter((d) => fits(d.latencyP99Ms)).reduce((s, d) => s + d.latencyP99Ms, 0);
  const dependencies = req.dependencies.map((d): DependencyPlan => {
    if (!fits(d.latencyP99Ms)) {
      return { name: d.name, p99Ms: d.latencyP99Ms, availability: d.availability, path: "async", tight: false, reason: `p99 ${d.latencyP99Ms} ms > outbound budget ${outboundBudget!.value} ms: called from a worker through an outbox, not on the request path` };
    }
    return syncDependency(d, outboundBudget, syncTotal);
  }).sort((a, b) => compareText(a.name, b.name));
  const availability = availabilityPlan(req, dependencies);
  return {
    ...(objectiveMs !== undefined ? { objectiveMs } : {}),
    ...(outboundBudget ? { outboundBudget } : {}),
    dependencies, availability,
    assumptions: ASSUMPTIONS,
    decisions: reliabilityDecisions(dependencies),
    questions: reliabilityQuestions(req, dependencies, availability),
  };
}

const ASSUMPTIONS: Assumption[] = [
  { name: "query share", value: String(QUERY_SHARE), why: "queries may use this share of the objective p99; outbound calls the rest" },
  { name: "instance availability", value: `${INSTANCE_AVAILABILITY}%`, why: "one application instance, counting deploys, crashes and host failures" },
  { name: "database availability", value: `${DATABASE_AVAILABILITY}%`, why: "managed PostgreSQL with a standby and automatic failover" },
  { name: "timeout over p99", value: String(TIMEOUT_OVER_P99), why: "a timeout 1.5× the p99 cuts about 1% of calls at most" },
  { name: "retry budget", value: String(RETRY_BUDGET), why: "retries add at most 10% load, so an outage is not amplified" },
];

type Dependency = Requirements["dependencies"][number];

function syncDependency(d: Dependency, budget: Figure | undefined, syncTotal: number): DependencyPlan {
  const share = budget ? figure(Math.floor((budget.value * d.latencyP99Ms) / syncTotal), "ms", "⌊outbound budget × p99 ÷ Σ p99 of synchronous dependencies⌋", `⌊${budget.value} × ${d.latencyP99Ms} ÷ ${syncTotal}⌋`) : undefined;
  const wanted = Math.ceil(d.latencyP99Ms * TIMEOUT_OVER_P99);
  const timeout = share
    ? figure(Math.min(wanted, share.value), "ms", "min(⌈p99 × 1.5⌉, share)", `min(⌈${d.latencyP99Ms} × ${TIMEOUT_OVER_P99}⌉, ${share.value})`)
    : figure(wanted, "ms", "⌈p99 × 1.5⌉ (no objective to budget against)", `⌈${d.latencyP99Ms} × ${TIMEOUT_OVER_P99}⌉`);
  const retries = retryPlan(timeout.value, share?.value);
  const normal = round4(100 - d.availability);
  const breaker: BreakerPlan = { ...BREAKER, slowCallMs: timeout.value, normalFailurePercent: figure(normal, "%", "100 − availability", `100 − ${d.availability}`) };
  const maxFirstAttempts = d.rateLimitPerSecond ? figure(Math.floor(d.rateLimitPerSecond / (1 + RETRY_BUDGET)), "calls/s", "⌊rate limit ÷ (1 + retry budget)⌋", `⌊${d.rateLimitPerSecond} ÷ ${1 + RETRY_BUDGET}⌋`) : undefined;
  return {
    name: d.name, p99Ms: d.latencyP99Ms, availability: d.availability, path: "sync",
    reason: share ? `p99 ${d.latencyP99Ms} ms fits the outbound budget ${budget!.value} ms` : "no objective: assumed on the request path",
    ...(share ? { share } : {}), timeout, retries, ...(maxFirstAttempts ? { maxFirstAttempts } : {}), breaker,
    tight: timeout.value < d.latencyP99Ms,
  };
}

/** As many retries (≤ MAX_RETRIES) as fit in the share with worst-case backoff; one without a budget. */
function retryPlan(timeoutMs: number, shareMs: number | undefined): RetryPlan {
  const backoffMs: number[] = [];
  let used = timeoutMs;
  const limit = shareMs ?? timeoutMs * 2 + BACKOFF_BASE_MS;
  while (backoffMs.length < MAX_RETRIES) {
    const backoff = BACKOFF_BASE_MS * 2 ** backoffMs.length;
    if (used + backoff + timeoutMs > limit) break;
    backoffMs.push(backoff);
    used += backoff + timeoutMs;
  }
  const terms = [String(timeoutMs), ...backoffMs.map((b) => `${b} + ${timeoutMs}`)].join(" + ");
  const worstCase = figure(used, "ms", `timeout + Σ (backoff + timeout) over ${backoffMs.length} retr${backoffMs.length === 1 ? "y" : "ies"}${shareMs ? ` ≤ share ${shareMs}` : ""}`, terms);
  return { count: backoffMs.length, backoffMs, worstCase };
}

function availabilityPlan(req: Requirements, dependencies: DependencyPlan[]): AvailabilityPlan {
  const sync = dependencies.filter((d) => d.path === "sync");
  const target = req.objectives?.availability;
  const app = (n: number) => 1 - (1 - INSTANCE_AVAILABILITY / 100) ** n;
  const rest = (deps: DependencyPlan[]) => deps.reduce((p, d) => p * (d.availability / 100), DATABASE_AVAILABILITY / 100);
  const percent = (n: number, deps: DependencyPlan[]) => round4(app(n) * rest(deps) * 100);
  const byInstances = [1, 2, 3, 4, 5].map((n) => ({ instances: n, percent: percent(n, sync) }));
  // Two instances at least: with one, every deploy is an outage.
  const reaching = byInstances.find((b) => b.instances >= 2 && (target === undefined || b.percent >= target));
  const instances = reaching?.instances ?? 2;
  const factors = (deps: DependencyPlan[]) => [DATABASE_AVAILABILITY, ...deps.map((d) => d.availability)].map((a) => formatNumber(a / 100));
  const composite = figure(percent(instances, sync), "%", "(1 − (1 − instance)^n) × database × Π synchronous dependencies", `(1 − (1 − ${formatNumber(INSTANCE_AVAILABILITY / 100)})^${instances}) × ${factors(sync).join(" × ")}`);
  const ceiling = figure(round4(rest(sync) * 100), "%", "database × Π synchronous dependencies (n → ∞)", factors(sync).join(" × "));
  const allDeps = [...dependencies];
  const allSynchronous = figure(percent(2, allDeps), "%", "(1 − (1 − instance)^2) × database × Π every dependency", `(1 − (1 − ${formatNumber(INSTANCE_AVAILABILITY / 100)})^2) × ${factors(allDeps).join(" × ")}`);
  return { ...(target !== undefined ? { target } : {}), instances, composite, ceiling, allSynchronous, meetsTarget: target === undefined || composite.value >= target, byInstances };
}

function reliabilityDecisions(dependencies: DependencyPlan[]): Decision[] {
  const offPath = dependencies.filter((d) => d.path === "async");
  if (!offPath.length) return [];
  return [{
    id: "dependencies-off-request-path", title: `Call ${offPath.map((d) => d.name).join(", ")} from a worker, not the request`, confidence: 74,
    context: offPath.map((d) => `${d.name}: ${d.reason}.`).join(" "),
    options: [
      { name: "transactional outbox + worker", pros: ["the request meets its p99 and its availability no longer multiplies by the dependency's", "retries without a user waiting"], cons: ["the result arrives later: the resource shows a pending state", "an outbox table and a worker to run"] },
      { name: "call synchronously with a longer objective", pros: ["simple; the answer is in the response"], cons: ["the objective p99 cannot hold", "the dependency's outages become ours"] },
    ],
    recommendation: "Outbox + worker; expose the pending state in the API.",
  }];
}

function reliabilityQuestions(req: Requirements, dependencies: DependencyPlan[], availability: AvailabilityPlan): Decision[] {
  const asked: Decision[] = [];
  if (dependencies.length) {
    asked.push({
      id: "dependency-callers", title: "Which access patterns call each dependency?", confidence: 55,
      context: "The requirements do not link patterns to dependencies; every budget here uses the service objective p99.", options: [],
      recommendation: "Name the calling patterns so each dependency is budgeted against that pattern's p99.",
    });
  }
  if (req.objectives) {
    asked.push({
      id: "availability-assumptions", title: "What availability do one instance and the database give?", confidence: 60,
      context: `The availability arithmetic assumed ${INSTANCE_AVAILABILITY}% per instance and ${DATABASE_AVAILABILITY}% for the database.`, options: [],
      recommendation: "Replace them with the platform's and the database provider's figures.",
    });
  }
  if (!availability.meetsTarget) {
    asked.push({
      id: "availability-gap", title: "The request path caps availability below the objective", confidence: 65,
      context: `Even with unlimited instances the database and the synchronous dependencies give ${availability.ceiling.value}% < ${availability.target}%.`, options: [],
      recommendation: "Move the weakest synchronous dependency off the request path or add a fallback, or relax the objective.",
    });
  }
  return asked;
}

/** What each failure does to the service, from the plan's paths and the cache plan. */
export function degradationModes(plan: ReliabilityPlan, cache: readonly CacheEntry[]): DegradationMode[] {
  const cached = cache.filter((c) => c.cache);
  const modes: DegradationMode[] = plan.dependencies.map((d) => d.path === "async"
    ? { failure: `${d.name} down or slow`, behaviour: `Requests still succeed: the outbox keeps the messages and the worker retries with backoff; work for ${d.name} completes late.` }
    : { failure: `${d.name} down or slow`, behaviour: `After ${d.breaker!.minimumCalls} calls with ≥ ${d.breaker!.failureRatePercent}% failures (or calls over ${d.breaker!.slowCallMs} ms) the breaker opens: operations that need ${d.name} fail fast with 503 problem+json and Retry-After: ${d.breaker!.openSeconds}; everything else is unaffected.` });
  modes.push({
    failure: "database primary down (failover)",
    behaviour: cached.length
      ? `Reads of ${cached.map((c) => c.pattern).join(", ")} are served from the cache, stale past their TTL (stale-if-error); writes fail with 503 and Retry-After until the standby is promoted.`
      : "Requests fail with 503 and Retry-After until the standby is promoted; no read is cached.",
  });
  if (cached.length) {
    const rate = cached.reduce((s, c) => s + c.ratePerSecond, 0);
    modes.push({ failure: "cache down", behaviour: `Cached patterns read the database directly: +${formatNumber(rate)} requests/s, already inside the pool size (it was sized without cache hits).` });
  }
  modes.push({ failure: "load above the declared peak", behaviour: "Per-client rate limits answer 429 with Retry-After; the pool's queue timeout sheds work instead of stacking it." });
  return modes;
}
