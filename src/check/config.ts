// bka.config.yaml / bka.config.json: the policy `bka check` enforces. Validated with zod; every
// problem is reported at its file:line:column with a hint, never as a stack trace.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { z } from "zod";
import { BadInputError } from "../ingest/workspace/types.ts";
import { locatedError, parseJsonLocated, parseYamlLocated, type LocatedDocument, type LocatedProblem } from "./locate.ts";

export const CONFIG_FILE_NAMES = ["bka.config.yaml", "bka.config.yml", "bka.config.json"] as const;
export const DEFAULT_BASELINE = ".bka-baseline.json";
/** Below this understanding the default policy does not trust a clean result (as the review itself). */
export const DEFAULT_MIN_UNDERSTANDING = 60;

export const FAIL_ON = ["act", "decide", "ask", "none"] as const;
export type FailOn = (typeof FAIL_ON)[number];

const count = z.number().int().min(0);
const bandLimits = { maxAct: count.optional(), maxDecide: count.optional(), maxAsk: count.optional() };
const areaPolicy = <T extends z.ZodRawShape>(extra: T) => z.strictObject({ ...bandLimits, ...extra }).optional();

export const configSchema = z.strictObject({
  policy: z
    .strictObject({
      failOn: z.enum(FAIL_ON).optional(),
      security: areaPolicy({}),
      api: areaPolicy({ writeEndpointsAuthenticated: z.boolean().optional(), requestBodiesValidated: z.boolean().optional(), openapiLintClean: z.boolean().optional() }),
      database: areaPolicy({ unindexedForeignKeys: count.optional() }),
      reliability: areaPolicy({ outboundTimeouts: z.boolean().optional() }),
      performance: areaPolicy({}),
      observability: areaPolicy({ requestLogging: z.boolean().optional() }),
      evidence: z
        .strictObject({ minUnderstanding: z.number().min(0).max(100).optional(), findingsCiteEvidence: z.boolean().optional() })
        .optional(),
    })
    .optional(),
  baseline: z.string().min(1).optional(),
});

export type CheckConfig = z.infer<typeof configSchema>;
export type Policy = NonNullable<CheckConfig["policy"]>;

export interface LoadedConfig {
  config: CheckConfig;
  /** The file as the user would name it (relative to where bka runs), or undefined for the default policy. */
  file?: string;
  /** The baseline file to read and write. */
  baselinePath: string;
}

/**
 * Finds and validates the config: `explicit` (--config) when given, else bka.config.{yaml,yml,json}
 * in `projectDir`. No config file means the default policy. `guardRead` may refuse a file before
 * it is read (the MCP server confines reads to its roots).
 */
export function loadConfig(projectDir: string, explicit?: string, guardRead?: (path: string) => void): LoadedConfig {
  const file = explicit ?? findConfigFile(projectDir);
  if (file === undefined) return { config: {}, baselinePath: join(projectDir, DEFAULT_BASELINE) };
  if (!existsSync(file)) throw new BadInputError(`config file not found: ${file}`, file);
  guardRead?.(file);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new BadInputError(`cannot read config file ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, file);
  }
  const config = parseConfigText(file, text);
  const baselinePath = config.baseline ? resolve(dirname(file), config.baseline) : join(projectDir, DEFAULT_BASELINE);
  return { config, file, baselinePath };
}

function findConfigFile(projectDir: string): string | undefined {
  const present = CONFIG_FILE_NAMES.map((name) => join(projectDir, name)).filter((path) => existsSync(path));
  if (present.length > 1) {
    throw new BadInputError(`more than one bka config file: ${present.join(", ")}; keep one`, present[0]);
  }
  return present[0];
}

/** Parses and validates config text; `file` is used in messages and decides JSON vs YAML. */
export function parseConfigText(file: string, text: string): CheckConfig {
  // JSON syntax errors read better in JSON's own terms; once valid, YAML (a superset) locates values.
  if (file.endsWith(".json")) parseJsonLocated(file, text);
  const doc = parseYamlLocated(file, text);
  const value = doc.value ?? {}; // an empty file is the default policy
  const result = configSchema.safeParse(value);
  if (!result.success) {
    const problems = result.error.issues.flatMap((issue) => describeIssue(issue, doc));
    throw locatedError(file, problems.sort((a, b) => a.line - b.line || a.column - b.column));
  }
  return result.data;
}

type Issue = z.core.$ZodIssue;

function describeIssue(issue: Issue, doc: LocatedDocument): LocatedProblem[] {
  const path = issue.path;
  const where = path.length ? path.join(".") : "the file";
  switch (issue.code) {
    case "unrecognized_keys":
      return issue.keys.map((key) => ({
        ...doc.keyPositionOf(path, key),
        message: `unknown key "${key}" in ${path.length ? path.join(".") : "the top level"}`,
        hint: unknownKeyHint(key, knownKeys(path)),
      }));
    case "invalid_value":
      return [{ ...doc.positionOf(path), message: `${where} must be one of ${issue.values.join(", ")}`, hint: closest(String(valueAt(doc, path)), issue.values.map(String)) }];
    case "invalid_type":
      return [{ ...doc.positionOf(path), message: `${where} must be ${article(issue.expected)}, not ${describeValue(valueAt(doc, path))}`, hint: typeHint(issue.expected) }];
    case "too_small":
    case "too_big":
      return [{ ...doc.positionOf(path), message: `${where}: ${issue.message.replace(/^Too (small|big): expected number to be /, "must be ")}` }];
    default:
      return [{ ...doc.positionOf(path), message: `${where}: ${issue.message}` }];
  }
}

function valueAt(doc: LocatedDocument, path: readonly PropertyKey[]): unknown {
  let value: unknown = doc.value;
  for (const key of path) value = (value as Record<PropertyKey, unknown> | null | undefined)?.[key];
  return value;
}

/** The keys the schema accepts at `path`, for "did you mean" hints. */
function knownKeys(path: readonly PropertyKey[]): string[] {
  let schema: unknown = configSchema;
  for (const key of path) schema = objectShape(schema)?.[String(key)];
  return Object.keys(objectShape(schema) ?? {});
}

function objectShape(schema: unknown): Record<string, unknown> | undefined {
  let current = schema as { unwrap?: () => unknown; shape?: Record<string, unknown> } | undefined;
  while (current && !current.shape && typeof current.unwrap === "function") current = current.unwrap() as typeof current;
  return current?.shape;
}

function unknownKeyHint(key: string, known: string[]): string {
  const suggestion = closest(key, known);
  return suggestion ?? `known keys here: ${known.join(", ")}`;
}

/** "did you mean …?" when a known word is within a small edit distance (or differs only in case). */
function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (!best || distance < best.distance) best = { candidate, distance };
  }
  return best && best.distance <= Math.max(2, Math.floor(best.candidate.length / 3)) ? `did you mean "${best.candidate}"?` : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

function article(expected: string): string {
  if (expected === "int") return "a whole number";
  return expected === "object" ? "a mapping of keys to values" : /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

function describeValue(value: unknown): string {
  if (value === null || value === undefined) return "empty";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  return `${typeof value} ${JSON.stringify(value)}`;
}

function typeHint(expected: string): string | undefined {
  if (expected === "number") return "write the number without quotes";
  if (expected === "int") return "write a whole number without quotes, such as 0";
  if (expected === "boolean") return "write true or false without quotes";
  if (expected === "object") return "indent the keys under this one (or use { key: value })";
  return undefined;
}
