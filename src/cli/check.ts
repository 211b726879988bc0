// `bka check [path]`: the CLI side of the gate. The work is in src/check/; this parses options,
// prints the checklist and maps the verdict to an exit code (0 passed, 1 failed, 2 bad input).
import { Command, Option } from "commander";
import type { ReviewResult } from "../index.ts";
import { withSortedKeys } from "../emit/common.ts";
import { shouldUseColor } from "../emit/terminal.ts";
import { EXIT } from "./exit-codes.ts";
import { CACHE_HELP, type Output } from "./main.ts";

export interface CheckCommandIo {
  stdout: Output;
  env: Record<string, string | undefined>;
  review(path: string, progress: boolean, cache: boolean): Promise<ReviewResult>;
}

interface CheckOptions {
  config?: string;
  baseline?: string;
  writeBaseline?: boolean;
  force?: boolean;
  format: "text" | "json";
  progress: boolean;
  cache: boolean;
}

export function addCheckCommand(program: Command, io: CheckCommandIo, setExitCode: (code: number) => void): void {
  program
    .command("check")
    .description("review a project and check it against the policy in bka.config.yaml; exit 1 when the policy fails")
    .argument("[path]", "folder to check", ".")
    .option("--config <file>", "policy file (default: bka.config.yaml, .yml or .json in the folder)")
    .option("--baseline <file>", "baseline file (default: the config's `baseline`, else .bka-baseline.json in the folder)")
    .option("--write-baseline", "accept the current findings: write their fingerprints to the baseline file")
    .option("--force", "with --write-baseline, replace an existing baseline")
    .addOption(new Option("--format <format>", "what to print on stdout").choices(["text", "json"]).default("text"))
    .option("--no-progress", "do not draw a progress bar")
    .option("--cache", CACHE_HELP, false)
    .action(async (path: string, options: CheckOptions) => {
      setExitCode(await checkCommand(path, options, io));
    });
}

async function checkCommand(path: string, options: CheckOptions, io: CheckCommandIo): Promise<number> {
  // Loaded on demand, like the review itself, so --help does not load the rules.
  const { completeCheck, openapiLintFor, prepareCheck } = await import("../check/index.ts");
  const { renderCheck } = await import("../check/render.ts");
  const prepared = prepareCheck({
    projectDir: path,
    ...(options.config ? { configPath: options.config } : {}),
    ...(options.baseline ? { baselinePath: options.baseline } : {}),
    writeBaseline: options.writeBaseline ?? false,
    force: options.force ?? false,
  });
  const { model, findings } = await io.review(path, options.progress, options.cache);
  const result = completeCheck(prepared, model, findings, await openapiLintFor(prepared, model));
  io.stdout.write(
    options.format === "json"
      ? `${JSON.stringify(withSortedKeys(result), null, 2)}\n`
      : renderCheck(result, { color: shouldUseColor(io.stdout, io.env) }),
  );
  return result.passed ? EXIT.ok : EXIT.failOnReached;
}
