// The baseline: findings a team has accepted, by fingerprint, so `bka check` fails only on new
// ones (as ESLint's and Semgrep's baselines do). A fingerprint is rule + file + subject, not the
// line, so edits elsewhere in a file do not turn an accepted finding into a new one.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { z } from "zod";
import type { Finding } from "../model/finding.ts";
import { BadInputError } from "../ingest/workspace/types.ts";
import { compareText } from "../emit/common.ts";
import { locatedError, parseJsonLocated, parseYamlLocated } from "./locate.ts";

export const BASELINE_VERSION = 1;

const entrySchema = z.strictObject({ fingerprint: z.string().min(1), ruleId: z.string(), file: z.string() });
const baselineSchema = z.strictObject({ version: z.literal(BASELINE_VERSION), findings: z.array(entrySchema) });

export type BaselineEntry = z.infer<typeof entrySchema>;
export type Baseline = z.infer<typeof baselineSchema>;

/** The baseline at `path`, or undefined when there is none yet. Malformed files are bad input, located. */
export function readBaseline(path: string): Baseline | undefined {
  if (!existsSync(path)) return undefined;
  const text = readFileSync(path, "utf8");
  parseJsonLocated(path, text);
  const doc = parseYamlLocated(path, text);
  const result = baselineSchema.safeParse(doc.value);
  if (!result.success) {
    throw locatedError(
      path,
      result.error.issues.map((issue) => ({
        ...doc.positionOf(issue.path),
        message: `${issue.path.join(".") || "baseline"}: ${issue.message}`,
        hint: "regenerate it with `bka check --write-baseline --force`",
      })),
    );
  }
  return result.data;
}

/** The baseline for `findings`: one entry per fingerprint, sorted, so the file diffs cleanly. */
export function baselineOf(findings: readonly Finding[]): Baseline {
  const byFingerprint = new Map<string, BaselineEntry>();
  for (const f of findings) {
    if (!byFingerprint.has(f.fingerprint)) byFingerprint.set(f.fingerprint, { fingerprint: f.fingerprint, ruleId: f.ruleId, file: f.location?.file ?? "" });
  }
  const entries = [...byFingerprint.values()].sort(
    (a, b) => compareText(a.ruleId, b.ruleId) || compareText(a.file, b.file) || compareText(a.fingerprint, b.fingerprint),
  );
  return { version: BASELINE_VERSION, findings: entries };
}

export function baselineText(baseline: Baseline): string {
  return `${JSON.stringify(baseline, null, 2)}\n`;
}

/** Refuses to replace an existing baseline unless forced: it records decisions people made. */
export function assertBaselineWritable(path: string, force: boolean): void {
  if (existsSync(path) && !force) {
    throw new BadInputError(`${path} already exists; pass --force to replace it with the current findings`, path);
  }
}

export function writeBaseline(path: string, findings: readonly Finding[], force: boolean): Baseline {
  assertBaselineWritable(path, force);
  const baseline = baselineOf(findings);
  try {
    writeFileSync(path, baselineText(baseline));
  } catch (error) {
    throw new BadInputError(`cannot write ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, path);
  }
  return baseline;
}

export interface BaselineSplit {
  fresh: Finding[];
  baselined: Finding[];
  /** Baseline entries no finding matched any more: fixed, or their code moved to another file. */
  stale: BaselineEntry[];
}

export function splitByBaseline(findings: readonly Finding[], baseline: Baseline | undefined): BaselineSplit {
  const entries = baseline?.findings ?? [];
  const accepted = new Set(entries.map((e) => e.fingerprint));
  const seen = new Set(findings.map((f) => f.fingerprint));
  return {
    fresh: findings.filter((f) => !accepted.has(f.fingerprint)),
    baselined: findings.filter((f) => accepted.has(f.fingerprint)),
    stale: entries.filter((e) => !seen.has(e.fingerprint)),
  };
}
