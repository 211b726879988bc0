// Robustness: runs the full review() over every fetched corpus project (real, large, messy code
// bka has never seen) and checks it ends without throwing and that what it returns holds
// together: every code evidence points at a line that exists, every confidence is 0..100.
// Prints one line per project; exits 1 when any project crashed or broke an invariant.
//
//   node --import tsx bench/robustness.ts            # the default corpus
//   node --import tsx bench/robustness.ts --extra    # also the optional projects
//   node --import tsx bench/robustness.ts --path examples/express-shop --path ../other-api
import { readFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { review, type Finding } from "../src/index.ts";
import { fetchCorpus, projectPath, type CorpusProject } from "./fetch-corpus.ts";

/** A folder to review and the name it is reported under. */
interface Target {
  label: string;
  folder: string;
}

interface ProjectOutcome {
  target: Target;
  crashed?: string;
  violations: string[];
  summary?: string;
}

/** Problems in the findings themselves; an empty list means they hold together. */
function checkFindings(root: string, findings: Finding[]): string[] {
  const violations: string[] = [];
  const lineCounts = new Map<string, number | undefined>();
  const linesOf = (file: string): number | undefined => {
    if (!lineCounts.has(file)) {
      let count: number | undefined;
      try {
        count = readFileSync(join(root, file), "utf8").split("\n").length;
      } catch {
        count = undefined;
      }
      lineCounts.set(file, count);
    }
    return lineCounts.get(file);
  };
  for (const finding of findings) {
    if (!(finding.confidence >= 0 && finding.confidence <= 100)) {
      violations.push(`${finding.ruleId}: confidence ${finding.confidence} outside 0..100`);
    }
    if (finding.evidence.length === 0) violations.push(`${finding.ruleId}: no evidence`);
    for (const evidence of finding.evidence) {
      if (evidence.kind !== "code") continue;
      const lines = linesOf(evidence.file);
      if (lines === undefined) violations.push(`${finding.ruleId}: evidence file ${evidence.file} does not exist`);
      else if (evidence.line < 1 || evidence.line > lines) {
        violations.push(`${finding.ruleId}: evidence ${evidence.file}:${evidence.line} is past the end (${lines} lines)`);
      }
    }
  }
  return violations;
}

async function reviewTarget(target: Target): Promise<ProjectOutcome> {
  const root = target.folder;
  const started = performance.now();
  try {
    const { model, findings } = await review(root);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    const { coverage } = model;
    const summary = [
      `${coverage.filesParsed}/${coverage.filesFound} files`,
      `${model.endpoints.length} endpoints`,
      `${findings.length} findings`,
      `${coverage.skipped.length} skipped`,
      `${coverage.unresolved.length} unresolved registrations`,
      `understanding ${coverage.understanding}`,
      `${seconds} s`,
    ].join(", ");
    return { target, violations: checkFindings(root, findings), summary };
  } catch (error) {
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    // The first frame inside bka tells the lead where to look; the full stack goes to stderr.
    if (error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
    return { target, crashed: message, violations: [] };
  }
}

function report(outcome: ProjectOutcome): string {
  const name = outcome.target.label;
  if (outcome.crashed) return `CRASH ${name}: ${outcome.crashed}`;
  const head = `${outcome.violations.length === 0 ? "ok   " : "BAD  "} ${name}: ${outcome.summary}`;
  const shown = outcome.violations.slice(0, 10).map((violation) => `       ${violation}`);
  const more = outcome.violations.length > 10 ? [`       … ${outcome.violations.length - 10} more`] : [];
  return [head, ...shown, ...more].join("\n");
}

async function selectTargets(): Promise<Target[]> {
  const { values } = parseArgs({
    options: { extra: { type: "boolean", default: false }, path: { type: "string", multiple: true, default: [] } },
  });
  if (values.path.length > 0) return values.path.map((path) => ({ label: basename(resolve(path)), folder: resolve(path) }));
  const projects = await fetchCorpus({ includeOptional: values.extra });
  return projects.map((project: CorpusProject) => ({ label: project.spec, folder: projectPath(project) }));
}

async function main(): Promise<void> {
  const targets = await selectTargets();
  let failed = 0;
  for (const target of targets) {
    const outcome = await reviewTarget(target);
    console.log(report(outcome));
    if (outcome.crashed || outcome.violations.length > 0) failed += 1;
  }
  console.log(failed === 0 ? `robustness: all ${targets.length} projects ok` : `robustness: ${failed} of ${targets.length} projects failed`);
  if (failed > 0) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
