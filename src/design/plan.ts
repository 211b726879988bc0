// What the security, capacity and reliability designers share: figures that carry their own
// arithmetic (so a reader can redo every number by hand), the assumptions they rest on, and the
// questions for information the requirements leave out.
import type { Requirements } from "../ingest/requirements/schema.ts";
import type { Decision } from "./decisions.ts";
import { compareText } from "../model/order.ts";

/** A derived number with the formula and the inputs that produced it. */
export interface Figure {
  value: number;
  unit: string;
  /** The formula in words, e.g. "peak rate × p99 s × headroom". */
  formula: string;
  /** The formula with its inputs substituted, e.g. "400 × 0.08 × 1.25". */
  arithmetic: string;
}

/** A number the design assumed because the requirements do not give it. */
export interface Assumption {
  name: string;
  value: string;
  why: string;
}

export function figure(value: number, unit: string, formula: string, arithmetic: string): Figure {
  return { value, unit, formula, arithmetic };
}

/** "formula = arithmetic = value unit", the one way every figure is written out. */
export function showFigure(f: Figure): string {
  return `${f.formula} = ${f.arithmetic} = **${formatNumber(f.value)}${f.unit ? ` ${f.unit}` : ""}**`;
}

/** Latency assumed for a pattern without an objective: the service p99, else 200 ms. */
export const DEFAULT_LATENCY_MS = 200;

export function patternLatencyMs(req: Requirements, pattern: Requirements["accessPatterns"][number]): number {
  return pattern.latencyP99Ms ?? req.objectives?.p99Ms ?? DEFAULT_LATENCY_MS;
}

/** Missing information the designers had to assume: each becomes a question (confidence < 70). */
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
  if (!req.objectives) ask("objectives", "What availability and p99 must the service meet?", "Without objectives the reliability plan cannot budget timeouts or check the dependencies.", "Add objectives: { availability, p99Ms }.");
  for (const dependency of req.dependencies) {
    if (!dependency.rateLimitPerSecond) ask(`rate-limit-${dependency.name}`, `Does ${dependency.name} limit our request rate?`, "An unknown limit cannot be planned for.", "Add rateLimitPerSecond, or state that there is none.");
  }
  return asked;
}

export function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

export function round4(n: number): number {
  return Math.round(n * 10_000) / 10_000;
}

/** Plain decimal text without float noise or thousands separators ("0.08", "1.25", "3650"). */
export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return n > 0 ? "∞" : "−∞";
  return String(Math.round(n * 1e6) / 1e6);
}

export { compareText };

export interface Route {
  method: string;
  path: string;
}

/** The method and path the API designer gave an access pattern (its operationId is the camelCased name). */
export function routeOf(api: Record<string, unknown>, patternName: string): Route | undefined {
  const operationId = camelCase(patternName);
  const paths = (api.paths ?? {}) as Record<string, Record<string, { operationId?: string }>>;
  for (const path of Object.keys(paths).sort(compareText)) {
    for (const [method, operation] of Object.entries(paths[path])) {
      if (operation?.operationId === operationId) return { method: method.toUpperCase(), path };
    }
  }
  return undefined;
}

export function camelCase(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

export function pascalCase(name: string): string {
  const c = camelCase(name);
  return c[0].toUpperCase() + c.slice(1);
}

/** "customers" → "customer", "categories" → "category": to match an actor to the entity that holds it. */
export function singular(name: string): string {
  if (name.endsWith("ies")) return `${name.slice(0, -3)}y`;
  return name.endsWith("s") && !name.endsWith("ss") ? name.slice(0, -1) : name;
}
