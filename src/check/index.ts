// `bka check`: the review as a gate. Inputs are read and validated before the review runs (a bad
// config fails in milliseconds, not after a long analysis); then findings pass through inline
// suppressions and the baseline, and the policy turns what is left into a checklist.
import { existsSync } from "node:fs";
import { isAbsolute, relative, resolve } from "node:path";
import type { ArchitectureModel } from "../model/types.ts";
import type { Finding } from "../model/finding.ts";
import { ALL_RULES } from "../rules/index.ts";
import { SourceReader } from "../ingest/source-reader.ts";
import { loadConfig, type LoadedConfig } from "./config.ts";
import { assertBaselineWritable, readBaseline, splitByBaseline, writeBaseline, type Baseline } from "./baseline.ts";
import { applySuppressions } from "./suppressions.ts";
import { evaluatePolicy, policyPassed, refOf, type FindingRef, type RuleInfo, type SectionResult, type PolicyInput } from "./policy.ts";

export { SECTIONS, type CheckItem, type FindingRef, type Problem, type Section, type SectionResult } from "./policy.ts";

export interface CheckRequest {
  /** The reviewed folder. */
  projectDir: string;
  /** --config: a config file instead of bka.config.{yaml,yml,json} in the folder. */
  configPath?: string;
  /** --baseline: a baseline file instead of the one the config names (default .bka-baseline.json). */
  baselinePath?: string;
  /** Write the current findings as the baseline (refused when one exists, unless `force`). */
  writeBaseline?: boolean;
  force?: boolean;
  /** Called with each existing file before it is read; throws to refuse it (the MCP server's roots). */
  guardRead?: (path: string) => void;
}

export interface PreparedCheck {
  request: CheckRequest;
  config: LoadedConfig;
  baselinePath: string;
  baseline?: Baseline;
}

export interface CheckResult {
  project: string;
  passed: boolean;
  /** The config file relative to the project, or undefined when the default policy applied. */
  config?: string;
  baseline: { file: string; exists: boolean; written: boolean; entries: number; stale: number };
  counts: { findings: number; fresh: number; baselined: number; suppressed: number };
  sections: SectionResult[];
  suppressed: (FindingRef & { reason: string })[];
}

/** Reads the config and the baseline; throws BadInputError (exit 2) before any review work. */
export function prepareCheck(request: CheckRequest): PreparedCheck {
  const config = loadConfig(request.projectDir, request.configPath, request.guardRead);
  const baselinePath = request.baselinePath ?? config.baselinePath;
  if (request.writeBaseline) {
    assertBaselineWritable(baselinePath, request.force ?? false);
    return { request, config, baselinePath };
  }
  if (existsSync(baselinePath)) request.guardRead?.(baselinePath);
  const baseline = readBaseline(baselinePath);
  return { request, config, baselinePath, ...(baseline ? { baseline } : {}) };
}

/** Runs Spectral on the recovered OpenAPI only when the policy has `api.openapiLintClean`. */
export async function openapiLintFor(prepared: PreparedCheck, model: ArchitectureModel): Promise<PolicyInput["openapiLint"]> {
  if (prepared.config.config.policy?.api?.openapiLintClean !== true) return undefined;
  const [{ lintOpenApi }, { toOpenApi }] = await Promise.all([import("../verify/openapi-lint.ts"), import("../emit/openapi.ts")]);
  return lintOpenApi(toOpenApi(model));
}

/** Judges a finished review against the prepared policy; writes the baseline first when asked. */
export function completeCheck(prepared: PreparedCheck, model: ArchitectureModel, findings: readonly Finding[], openapiLint?: PolicyInput["openapiLint"]): CheckResult {
  const root = resolve(prepared.request.projectDir);
  const source = new SourceReader(root);
  const suppressions = applySuppressions(findings, source);
  const written = prepared.request.writeBaseline
    ? writeBaseline(prepared.baselinePath, suppressions.kept, prepared.request.force ?? false)
    : undefined;
  const baseline = written ?? prepared.baseline;
  const split = splitByBaseline(suppressions.kept, baseline);
  const sections = evaluatePolicy(prepared.config.config.policy ?? {}, {
    model,
    fresh: split.fresh,
    reported: suppressions.kept,
    invalidSuppressions: suppressions.invalid,
    rules: ruleInfos(),
    source,
    ...(openapiLint ? { openapiLint } : {}),
  });
  return {
    project: model.project,
    passed: policyPassed(sections),
    ...(prepared.config.file ? { config: displayPath(root, prepared.config.file) } : {}),
    baseline: {
      file: displayPath(root, prepared.baselinePath),
      exists: baseline !== undefined,
      written: written !== undefined,
      entries: baseline?.findings.length ?? 0,
      stale: split.stale.length,
    },
    counts: { findings: findings.length, fresh: split.fresh.length, baselined: split.baselined.length, suppressed: suppressions.suppressed.length },
    sections,
    suppressed: suppressions.suppressed.map((s) => ({ ...refOf(s.finding), reason: s.directive.reason })),
  };
}

function ruleInfos(): RuleInfo[] {
  return ALL_RULES.map((rule) => ({ id: rule.meta.id, area: rule.meta.area }));
}

/** Relative to the project when inside it (stable across machines), else absolute. */
function displayPath(root: string, path: string): string {
  const rel = relative(root, resolve(path));
  return rel && !rel.startsWith("..") && !isAbsolute(rel) ? rel.split("\\").join("/") : resolve(path);
}
