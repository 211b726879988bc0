// Capacity, reliability and the open questions, from the requirements' numbers. Pure arithmetic,
// with every assumption named so a reader can redo it by hand.
import type { Requirements } from "../ingest/requirements/schema.ts";
import type { Decision } from "./decisions.ts";

export interface CapacityPlan {
  /** Σ peak rate × p99 latency over the patterns: requests in flight at peak if each took its full budget (Little's law, an upper bound). */
  inFlightUpperBound: number;
  /** Connections for the database pool: the in-flight bound, at least 2; one pool per instance divides it. */
  poolSize: number;
  perPattern: { pattern: string; ratePerSecond: number; latencyMs: number; inFlight: number }[];
  /** Reads over writes at peak, for the cache plan. */
  readWriteRatio: number;
}

/** Latency assumed for a pattern without an objective: the service p99, else 200 ms. */
const DEFAULT_LATENCY_MS = 200;

export function capacityPlan(req: Requirements): CapacityPlan {
  const fallback = req.objectives?.p99Ms ?? DEFAULT_LATENCY_MS;
  const perPattern = req.accessPatterns.map((p) => {
    const latencyMs = p.latencyP99Ms ?? fallback;
    return { pattern: p.name, ratePerSecond: p.peakPerSecond, latencyMs, inFlight: round2((p.peakPerSecond * latencyMs) / 1000) };
  });
  const inFlightUpperBound = round2(perPattern.reduce((sum, p) => sum + p.inFlight, 0));
  const reads = sumRate(req, "read");
  const writes = sumRate(req, "write");
  return { inFlightUpperBound, poolSize: Math.max(2, Math.ceil(inFlightUpperBound)), perPattern, readWriteRatio: writes ? round2(reads / writes) : Infinity };
}

export interface ReliabilityPlan {
  /** Availability of the service if every dependency is called serially: the product of theirs (percent). */
  compositeAvailability: number;
  target?: number;
  meetsTarget: boolean;
  dependencies: { name: string; timeoutMs: number; retries: number; availability: number }[];
}

export function reliabilityPlan(req: Requirements): ReliabilityPlan {
  const budget = req.objectives?.p99Ms;
  const dependencies = req.dependencies.map((d) => {
    // A timeout just above the dependency's p99, never more than half the service's own budget.
    const timeoutMs = Math.round(budget ? Math.min(d.latencyP99Ms * 1.5, budget / 2) : d.latencyP99Ms * 1.5);
    // One retry only when two attempts still fit in the budget.
    const retries = budget && timeoutMs * 2 <= budget ? 1 : 0;
    return { name: d.name, timeoutMs, retries, availability: d.availability };
  }).sort((a, b) => (a.name < b.name ? -1 : 1));
  const composite = round4(req.dependencies.reduce((product, d) => product * (d.availability / 100), 1) * 100);
  const target = req.objectives?.availability;
  return { compositeAvailability: composite, ...(target !== undefined ? { target } : {}), meetsTarget: target === undefined || composite >= target, dependencies };
}

/** Missing information the designer had to assume: each becomes a question (confidence < 70). */
export function questions(req: Requirements): Decision[] {
  const asked: Decision[] = [];
  const ask = (id: string, title: string, context: string, recommendation: string) =>
    asked.push({ id, title, confidence: 50, context, options: [], recommendation });
  for (const entity of req.entities) {
    if (!entity.volume) ask(`volume-${entity.name}`, `How many ${entity.name} rows, and how fast do they grow?`, `${entity.name} declares no volume; the verification used the --rows cap.`, "Add volume: { rows, growthPerMonth }.");
  }
  for (const pattern of req.accessPatterns) {
    if (!pattern.latencyP99Ms) ask(`latency-${pattern.name}`, `What p99 latency must ${pattern.name} meet?`, `The capacity plan assumed the service p99 (or ${DEFAULT_LATENCY_MS} ms).`, "Add latencyP99Ms to the pattern.");
  }
  if (!req.objectives) ask("objectives", "What availability and p99 must the service meet?", "Without objectives the reliability plan cannot check the dependencies.", "Add objectives: { availability, p99Ms }.");
  for (const dependency of req.dependencies) {
    if (!dependency.rateLimitPerSecond) ask(`rate-limit-${dependency.name}`, `Does ${dependency.name} limit our request rate?`, "An unknown limit cannot be planned for.", "Add rateLimitPerSecond, or state that there is none.");
  }
  const plan = reliabilityPlan(req);
  if (!plan.meetsTarget) {
    asked.push({
      id: "availability-gap", title: "Dependencies cap availability below the objective", confidence: 65,
      context: `Calling ${req.dependencies.map((d) => d.name).join(", ")} on the request path gives ${plan.compositeAvailability}% < ${plan.target}%.`,
      options: [], recommendation: "Move the weakest dependency off the request path (queue, outbox) or add a fallback; then it no longer multiplies into availability.",
    });
  }
  return asked.sort((a, b) => (a.id < b.id ? -1 : 1));
}

function sumRate(req: Requirements, kind: "read" | "write"): number {
  return req.accessPatterns.filter((p) => p.kind === kind).reduce((sum, p) => sum + p.peakPerSecond, 0);
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

function round4(n: number): number {
  return Math.round(n * 10_000) / 10_000;
}
